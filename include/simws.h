/*
 * simws.h - kis-sim's WebSocket side as plain calls: sessions, approval-key
 * checks, subscriptions and their limits, control replies, H0STCNT0 and
 * H0STASP0 data frames built from the replayed market, encrypted execution
 * notices (H0STCNI0 real / H0STCNI9 mock) and PINGPONG keepalives.
 *
 * No sockets here: the libwebsockets glue (sim_main.c) tells this module
 * what arrived and gives it a sink to send text frames or close a session.
 * Everything is deterministic under the config's seed; times are passed in.
 */
#ifndef SIMWS_H
#define SIMWS_H

#include <stddef.h>
#include <stdint.h>

#include "market.h"
#include "simacct.h"
#include "simauth.h"
#include "simvenue.h"

struct cJSON;

struct simws_config {
	enum simacct_env env;     /* SIMACCT_MOCK or SIMACCT_REAL */
	int max_registrations;    /* per session, summed over TRs: 41 */
	int64_t ping_interval_ms; /* PINGPONG period (undocumented at KIS: configurable), 10,000 */
	int64_t ping_timeout_ms;  /* a session silent this long after a ping is dropped, 30,000 */
	int asp_fields;           /* H0STASP0 fields per record: 59 (documented) or 62 (live) */
	int frame_records;        /* most records per data frame, 1..100 (100) */
	uint64_t seed;            /* AES key/iv and anything random */
};

void simws_config_default(struct simws_config *cfg, enum simacct_env env);

/* Where frames go. session ids are the glue's; the module never frees them. */
struct simws_sink {
	void *ud;
	void (*send)(void *ud, int64_t session, const char *text, size_t len);
	/* Close a session (e.g. OPSP8996, ping timeout); the glue later calls simws_closed. */
	void (*close)(void *ud, int64_t session, const char *why);
};

struct simws;

/* auth answers approval-key checks; venue names symbols (simvenue_symbol_code)
 * and gives quotes for the derived fields (prev close, open/high/low, volume). */
int simws_new(const struct simws_config *cfg, struct simauth *auth, struct simvenue *venue, struct simws_sink sink,
              struct simws **out);
void simws_free(struct simws *w);

/* A client connected / went away. */
int simws_open(struct simws *w, int64_t session, int64_t wall_ms);
void simws_closed(struct simws *w, int64_t session);

/* A text frame from the client: subscribe/unsubscribe JSON, or a PINGPONG
 * echo. Replies (acks, errors) go out through the sink. Malformed JSON gets
 * an error reply, never a crash. */
void simws_on_text(struct simws *w, int64_t session, const char *text, size_t len, int64_t wall_ms);
/* A WebSocket PONG control frame from the client (the official client answers PINGPONG that way). */
void simws_on_pong(struct simws *w, int64_t session, int64_t wall_ms);

/* Market data: records are queued per session and TR; simws_flush sends
 * them, several records in one frame when several arrived together. */
void simws_on_tick(struct simws *w, const struct tick *t);
/* A notice from the venue (its notice sink): encrypted with the key/iv of
 * each subscribed session that holds that HTS ID's notice subscription. */
void simws_on_notice(struct simws *w, const struct simvenue_notice *n);
void simws_flush(struct simws *w);
/* Registrations of every open session (kis-sim's --wait-subscriptions). */
int simws_registrations(const struct simws *w);

/* Timer: sends PINGPONG every ping_interval_ms, drops sessions silent past the timeout. */
void simws_on_timer(struct simws *w, int64_t wall_ms);

/* Faults: send a malformed frame to every session. */
void simws_send_garbage(struct simws *w);

/* Adds "websocket": {sessions, subscriptions, counters} to a /_sim/state object. */
void simws_dump(const struct simws *w, struct cJSON *root);

#endif
