/*
 * ws_internal.h - what ws.c (sessions, control messages, PINGPONG, dump)
 * and ws_frames.c (data records, notices, AES, queues) share. Not an
 * interface: nothing outside engine/sim/ws*.c includes it, except
 * tests/unit/test_simws.c for the encryption cross-check.
 */
#ifndef WS_INTERNAL_H
#define WS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "simws.h"

enum ws_tr { WS_TR_CNT = 0, WS_TR_ASP = 1, WS_TR_NOTICE = 2, WS_TR_COUNT = 3 };

#define WS_KEY_LEN   32 /* output.key: AES-256 key as 32 ASCII bytes */
#define WS_IV_LEN    16 /* output.iv: the CBC IV as 16 ASCII bytes */
#define WS_TRKEY_MAX 32 /* a symbol (< KE_SYMBOL_MAX) or an HTS ID (< 32) */

/* Records per data frame: a full queue goes out at once, so a frame stays
 * small for clients with small receive buffers (kis-protocol §8) and the
 * count always fits the 3-digit field. */
#define WS_FRAME_RECORDS 100
/* Notice frames queued per session before they go out without a flush. */
#define WS_NOTICE_QUEUE 64
/* "0|H0STCNT0|001|": room kept at the front of a data queue for the prefix. */
#define WS_PREFIX_LEN 15

struct ws_buf {
	char *p;
	size_t len, cap;
};

struct ws_sub {
	enum ws_tr tr;
	int32_t sym; /* venue symbol id of key, -1 until the venue knows it (data TRs) */
	char key[WS_TRKEY_MAX];
};

struct ws_queue {
	struct ws_buf b;
	int count; /* records (data TRs) or frames (notices) waiting */
};

struct ws_session {
	int64_t id;
	int acct;    /* simauth caller index once bound by the first subscribe, else -1 */
	int closing; /* the sink was asked to close it; it takes no more input or data */
	int dead;    /* simws_closed came inside a sink callback: freed on the way out */
	char hts_id[32];
	char key[WS_KEY_LEN + 1], iv[WS_IV_LEN + 1];
	struct ws_sub *subs; /* max_registrations entries */
	int nsubs;
	int64_t next_ping; /* wall ms */
	int64_t ping_sent; /* wall ms of the oldest unanswered ping */
	int awaiting;      /* a ping is unanswered */
	struct ws_queue q[WS_TR_COUNT];
	uint64_t frames, records, notices;
};

/* Per-symbol numbers the venue's quote does not keep, for the day of `day`. */
struct ws_symacc {
	int used;
	int32_t day;                            /* KST day */
	int64_t seln_n, shnu_n;                 /* sell- / buy-initiated prints */
	int64_t seln_q, shnu_q;                 /* their volumes */
	int64_t vol, prev_vol;                  /* print volume today / on the previous day with data */
	int64_t last_price;                     /* for the tick rule */
	int last_dir;                           /* 1 buy, 5 sell, 0 none yet */
	int64_t open_ms, high_ms, low_ms;       /* KST ms of day of the first print, the high, the low */
	int64_t high, low;                      /* of the prints, to time the high and low */
	int64_t prev_ask_total, prev_bid_total; /* of the last book sent, for the *_ICDC fields */
	int has_prev;
	uint64_t seq; /* prints so far: makes every book different */
};

struct ws_counters {
	uint64_t frames;      /* every text frame sent */
	uint64_t replies;     /* control replies (acks and errors) */
	uint64_t errors;      /* control replies with rt_cd other than "0" */
	uint64_t data_frames; /* H0STCNT0 / H0STASP0 frames */
	uint64_t records;     /* records queued into them */
	uint64_t notices;     /* encrypted notice frames queued */
	uint64_t pings;       /* PINGPONG frames sent */
	uint64_t pongs;       /* answers: a text echo or a PONG frame */
	uint64_t timeouts;    /* sessions closed for an unanswered ping */
	uint64_t drops;       /* sessions closed by kis-sim (timeouts and OPSP8996) */
	uint64_t garbage;     /* malformed frames sent by simws_send_garbage */
	uint64_t lost;        /* records or notices discarded: closing session, no memory */
};

struct simws {
	struct simws_config cfg;
	struct simauth *auth;
	struct simvenue *venue;
	struct simws_sink sink;
	struct ws_session **sess;
	int nsess, capsess;
	int ndead;
	int depth; /* nesting of public calls; sessions are freed only at depth 0 */
	uint64_t serial;
	int32_t resolved_syms; /* venue symbol count when unresolved keys were last looked up */
	struct ws_symacc *acc;
	int32_t nacc;
	struct ws_buf rec[2]; /* the current tick's H0STCNT0 and H0STASP0 record */
	struct ws_counters n;
};

/* A session that still takes input and data. */
static inline int simws_session_live(const struct ws_session *s)
{
	return s != NULL && !s->dead && !s->closing;
}

/* Around every public call that can reach the sink (sessions closed from
 * inside a sink callback are freed when the outermost call returns). */
void simws_enter(struct simws *w);
void simws_leave(struct simws *w);

/* Send one text frame (NUL-terminated at text[len]) and count it. */
void simws_emit(struct simws *w, struct ws_session *s, const char *text, size_t len);

/* Empty a session's queues, counting what they held as lost. */
void simws_drop_queues(struct simws *w, struct ws_session *s);

/* AES-256-CBC with PKCS#7 padding of plain under the ASCII key (32 bytes)
 * and iv (16 bytes), then standard Base64 on one line, NUL-terminated, into
 * out. KE_EINVAL when out is too small, KE_ENOMEM when OpenSSL fails. */
int simws_encrypt_b64(const char *key, const char *iv, const void *plain, size_t len, char *out, size_t cap,
                      size_t *outlen);

#endif
