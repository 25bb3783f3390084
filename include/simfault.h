/*
 * simfault.h - kis-sim's fault injection: what to break, when, and how often,
 * decided deterministically from a seed so a failing reliability test can be
 * run again bit for bit.
 *
 * Faults come from a JSON file (--faults) and can be changed at run time
 * (POST /_sim/faults with the same JSON). The glue asks before each REST
 * answer and each WebSocket frame; this module only decides.
 *
 * JSON shape (every key optional; docs/kis-sim.md has the full reference):
 *   { "rest": { "delay_ms": 0,
 *               "http500":  { "probability": 0.0, "next": 0, "paths": ["/uapi/..."] },
 *               "egw00201": { "probability": 0.0, "next": 0, "paths": [...] },
 *               "no_answer": { "probability": 0.0, "next": 0, "paths": [...] },
 *               "lost_request": { "probability": 0.0, "next": 0, "paths": [...] } },
 *     "ws":   { "drop_after_frames": 0, "drop_at": "2026-03-02T10:00:00", "garbage_every": 0,
 *               "malformed_json_next": 0 },
 *     "tokens": { "expire_now": false } }
 * "next": N fires on each of the next N matching calls; "probability" then
 * applies to later ones (draws from the seeded generator); "paths" limits a
 * fault to requests whose path starts with one of the prefixes (none: all
 * /uapi/ paths). At most one REST fault fires per request, tried in the
 * order lost_request, no_answer, http500, egw00201.
 */
#ifndef SIMFAULT_H
#define SIMFAULT_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"

struct cJSON;

enum simfault_rest {
	SIMFAULT_NONE = 0,
	SIMFAULT_HTTP500,   /* answer HTTP 500 with an error envelope instead of handling */
	SIMFAULT_EGW00201,  /* answer the rate-limit error instead of handling */
	SIMFAULT_NO_ANSWER, /* handle the request (an order reaches the venue) but never answer */
	/* Swallow the request: neither handle it (no order reaches the venue,
	 * no request or rate-limit count moves) nor answer it; the client sees
	 * a timeout. */
	SIMFAULT_LOST_REQUEST,
};

struct simfault_counters {
	uint64_t delayed, http500, egw00201, no_answer, lost_request;
	uint64_t ws_dropped, ws_garbage, ws_bad_json, tokens_expired;
};

struct simfault;

int simfault_new(uint64_t seed, struct simfault **out);
void simfault_free(struct simfault *f);

/* Replaces the fault settings with those in json (a file's contents or a
 * POST body). KE_EINVAL with a message naming the key on a bad document;
 * the previous settings stay then. */
int simfault_configure(struct simfault *f, const char *json, size_t len, char *err, size_t errlen);
int simfault_load(struct simfault *f, const char *path, char *err, size_t errlen);

/* Decides the fate of one REST request to path; *delay_ms gets the delay to
 * apply before answering (0 for none). Counts what fired. */
enum simfault_rest simfault_rest(struct simfault *f, const char *path, int64_t *delay_ms);

/* One data or control frame is about to go to session at market time
 * market_ms: 1 when the connection must be dropped instead (after N frames
 * of that session, or once market time passes drop_at). */
int simfault_ws_drop(struct simfault *f, int64_t session, uint64_t frames_sent, int64_t market_ms);

/* 1 when a malformed data frame is due now (every garbage_every frames). */
int simfault_ws_garbage(struct simfault *f, uint64_t frames_sent);

/* 1 (once per configured count) when the next control reply must be malformed JSON. */
int simfault_ws_bad_json(struct simfault *f);

/* 1 once after a configure with tokens.expire_now true: the glue then
 * expires every token and approval key (simauth_expire_all). */
int simfault_tokens_expire(struct simfault *f);

void simfault_counters(const struct simfault *f, struct simfault_counters *out);

/* Adds "faults": {settings, counters} to a /_sim/state object. */
void simfault_dump(const struct simfault *f, struct cJSON *root);

#endif
