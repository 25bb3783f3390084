/*
 * kis_env.h - KIS environments (mock / real): endpoints, TLS policy, tr_ids.
 *
 * Written from the protocol reference (/work/shared/kis-protocol.md §1, §3,
 * §4); it shares nothing with kis-sim. Everything here is pure: no I/O, no
 * allocation, no global state.
 */
#ifndef KIS_ENV_H
#define KIS_ENV_H

#include <stddef.h>

#include "ke_common.h"

enum kis_env {
	KIS_ENV_MOCK, /* 모의투자 ("VTS") */
	KIS_ENV_REAL, /* 실전 */
};

/* "mock" or "real" (exact, lower case) into *out. KE_EINVAL otherwise. */
int kis_env_parse(const char *s, enum kis_env *out);

/* "mock" / "real"; "?" for an out-of-range value. Never NULL. */
const char *kis_env_name(enum kis_env env);

/* KIS's own REST base (https://host:port, no trailing slash) and WebSocket
 * base (ws://host:port) for env; NULL for an out-of-range value. */
const char *kis_env_default_base_url(enum kis_env env);
const char *kis_env_default_ws_url(enum kis_env env);

/* Longest URL kept, including the terminating NUL. */
#define KIS_URL_MAX 256

/* Where the client talks to, after overrides. tls_verify is 0 only when the
 * REST host is a loopback address (kis-sim with a self-signed certificate). */
struct kis_endpoint {
	enum kis_env env;
	char base_url[KIS_URL_MAX]; /* no trailing slash */
	char ws_url[KIS_URL_MAX];   /* no trailing slash */
	int base_is_loopback;
	int ws_is_loopback;
};

/*
 * Fill *out for env, taking base_url / ws_url overrides when non-NULL and
 * non-empty (kis-sim). An override must be http:// or https:// (REST) and
 * ws:// or wss:// (WebSocket) with a host; plain http:// is refused for a
 * non-loopback host, because app key and secret travel in every request's
 * headers. One trailing slash is dropped. On error returns KE_EINVAL and
 * writes a reason into err (errlen bytes, may be 0).
 */
int kis_env_endpoint(enum kis_env env, const char *base_url, const char *ws_url, struct kis_endpoint *out, char *err,
                     size_t errlen);

/*
 * 1 when url's host (or url itself, if it has no scheme) is loopback:
 * 127.0.0.0/8 in dotted-quad form, ::1 (bracketed in a URL: "[::1]"), or
 * "localhost" (any case). 0 for everything else, including NULL, malformed
 * input and names that merely start with "127." or "localhost". Only then
 * may TLS verification be turned off.
 */
int kis_env_is_loopback(const char *url);

/* The operations the engine's client performs. */
enum kis_op {
	KIS_OP_ORDER_BUY,           /* order-cash, buy */
	KIS_OP_ORDER_SELL,          /* order-cash, sell */
	KIS_OP_ORDER_REVISE_CANCEL, /* order-rvsecncl */
	KIS_OP_BALANCE,             /* inquire-balance */
	KIS_OP_DAILY_CCLD,          /* inquire-daily-ccld, within 3 months */
	KIS_OP_DAILY_CCLD_OLD,      /* inquire-daily-ccld, older than 3 months */
	KIS_OP_PSBL_ORDER,          /* inquire-psbl-order */
	KIS_OP_PSBL_RVSECNCL,       /* inquire-psbl-rvsecncl (real only) */
	KIS_OP_PRICE,               /* quotations/inquire-price */
	KIS_OP_DAILY_CHART,         /* quotations/inquire-daily-itemchartprice */
	KIS_OP_MINUTE_CHART,        /* quotations/inquire-time-itemchartprice */
	KIS_OP_HOLIDAY,             /* quotations/chk-holiday (real only) */
	KIS_OP__COUNT
};

/* "ORDER_BUY" etc.; "?" for an out-of-range value. Never NULL. */
const char *kis_env_op_name(enum kis_op op);

/*
 * The current (new-style) tr_id of op on env into *out (a static string).
 * KE_ENOENT when KIS does not offer op on env (PSBL_RVSECNCL and HOLIDAY on
 * mock): the caller must use its fallback and never send the real tr_id to
 * the mock server. KE_EINVAL for an out-of-range env or op.
 */
int kis_env_tr_id(enum kis_env env, enum kis_op op, const char **out);

/* Longest tr_id kept, including the terminating NUL. */
#define KIS_TR_ID_MAX 16

/*
 * KIS's mock rule applied to a real tr_id: a trading/account TR starting with
 * 'T', 'J' or 'C' gets 'V' as its first letter; anything else (quote TRs,
 * "FHK...") is unchanged. Writes into buf (KIS_TR_ID_MAX bytes). KE_EINVAL
 * for an empty or too long id.
 */
int kis_env_mock_tr_id(const char *real_tr_id, char *buf);

#endif
