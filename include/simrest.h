/*
 * simrest.h - kis-sim's REST endpoints as a pure function: a parsed HTTP
 * request in, a KIS-shaped HTTP response out.
 *
 * The network glue (libwebsockets, in sim_main.c) parses the request into
 * struct simrest_req and writes struct simrest_resp back; everything KIS
 * decides - credentials, rate limits, tr_id checks, the venue's answers and
 * the exact JSON shapes of shared/kis-protocol.md - happens here, so the
 * conformance of every endpoint is testable without a socket.
 */
#ifndef SIMREST_H
#define SIMREST_H

#include <stddef.h>
#include <stdint.h>

#include "simacct.h"
#include "simauth.h"
#include "simrate.h"
#include "simvenue.h"

struct simrest_kv {
	const char *name; /* headers: lowercase; query: as sent (matched case-insensitively) */
	const char *value;
};

#define SIMREST_MAX_KV 64

struct simrest_req {
	const char *method; /* "GET", "POST" */
	const char *path;   /* without the query string, e.g. "/oauth2/tokenP" */
	struct simrest_kv query[SIMREST_MAX_KV];
	int nquery; /* decoded (%XX and '+') */
	struct simrest_kv headers[SIMREST_MAX_KV];
	int nheaders;
	const char *body; /* may be NULL when body_len is 0 */
	size_t body_len;
};

struct simrest_resp {
	int status;        /* HTTP status */
	char tr_id[16];    /* response header tr_id ("" = omit) */
	char tr_cont[2];   /* response header tr_cont: "F"/"M" more, "D"/"E" last ("" = omit) */
	char gt_uid[33];   /* response header gt_uid ("" = omit) */
	char *body;        /* JSON, malloc'd; the caller frees it */
	size_t body_len;
};

/* What the handler works with. The server owns all of it. */
struct simrest_world {
	enum simacct_env env; /* SIMACCT_MOCK or SIMACCT_REAL: the server kis-sim plays */
	const struct simacct_list *accts;
	struct simauth *auth;
	struct simrate *rate;
	struct simvenue *venue;
	uint64_t requests;     /* counters for /_sim/state */
	uint64_t rest_errors;
	/* Adds server-level sections (subscriptions, faults...) to GET /_sim/state. May be NULL. */
	void (*state_extra)(void *ud, struct cJSON *root);
	void *state_ud;
};

/*
 * Answers one request. wall_ms is the real clock (credential lifetimes,
 * throttles, rate limits); market_ms the replayed market clock (orders,
 * quotes). Returns KE_OK with *out filled (whatever the HTTP status), or
 * KE_ENOMEM when no response could be built.
 */
int simrest_handle(struct simrest_world *w, const struct simrest_req *rq, int64_t wall_ms, int64_t market_ms,
                   struct simrest_resp *out);

void simrest_resp_free(struct simrest_resp *r);

#endif
