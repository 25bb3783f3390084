/*
 * kis_client.h - the engine's KIS REST client: every call the engine makes,
 * asynchronous on a libuv loop.
 *
 * A client is one account on one environment. It owns the HTTP gateway
 * (kis_http), the account's rate limiter (kis_rate: orders and cancels go
 * before queries) and the credentials' life (kis_auth). Each call returns at
 * once; its callback runs later on the loop with a typed result or a typed
 * error. Results are borrowed for the duration of the callback.
 *
 * Retries, by design:
 *  - queries: EGW00201 -> backoff and retry (up to query_retries);
 *    EGW00123/EGW00121 -> re-issue the token once and repeat; pages are
 *    followed inside the client (tr_cont / ctx_area_*), up to max_pages.
 *  - orders, revises, cancels: never re-sent. An answer that proves the
 *    request did not take effect (a KIS error envelope, a connect failure)
 *    is KIS_OUTCOME_FAILED; a timeout, a lost or unreadable answer is
 *    KIS_OUTCOME_UNKNOWN and must be resolved by the caller with a daily-ccld
 *    query (kis_broker does that). EGW00123/00121 on an order invalidates the
 *    token so the next call re-issues it.
 *
 * Secrets: credentials are copied in and wiped at kis_client_free; no error
 * message or log line of this module contains them.
 */
#ifndef KIS_CLIENT_H
#define KIS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "kis_auth.h"
#include "kis_cred.h"
#include "kis_env.h"
#include "kis_msg.h"
#include "kis_reply.h"

struct kis_client_config {
	enum kis_env env;
	const char *base_url;          /* NULL: KIS's host for env (kis-sim: http://127.0.0.1:PORT) */
	const char *ws_url;            /* NULL: KIS's WebSocket host for env */
	const char *ca_file;           /* private CA bundle (also turns verification on for loopback) */
	const char *cache_dir;         /* token cache directory; NULL: the default */
	int rate_per_sec;              /* -1: env default (mock 1, real 18); 0: no limit */
	long order_timeout_ms;         /* order-cash and order-rvsecncl; default 5000 */
	long query_timeout_ms;         /* every query; default 10000 */
	long token_timeout_ms;         /* oauth; default 10000 */
	int64_t token_min_interval_ms; /* between token issues, and after EGW00133; default 61000, >= 1000 */
	int query_retries;             /* EGW00201 retries per query; default 5 */
	int max_pages;                 /* most pages followed per query; default 50 */
	int use_hashkey;               /* 1: POST /uapi/hashkey before each order (KIS: optional) */
	int max_in_flight;             /* requests on the wire at once, = connections; default 4.
	                                * The backlog waits in the client's priority queue, not
	                                * in curl's, so an order never waits behind queries. */
	char custtype;                 /* 'P' individual (default) or 'B' */
	/* Wall clock for tokens (see kis_auth_config); NULL: CLOCK_REALTIME. */
	int64_t (*now_ms)(void *ud);
	void *now_ud;
	/* Market clock (epoch ms): "today" for order inquiries and the chart
	 * cursors. NULL: the wall clock. kis-sim replays an old date, so a
	 * client talking to it passes the replay's clock here. */
	int64_t (*market_ms)(void *ud);
	void *market_ud;
};

void kis_client_config_default(struct kis_client_config *cfg, enum kis_env env);

enum kis_outcome {
	KIS_OUTCOME_OK = 0,
	KIS_OUTCOME_FAILED,  /* it certainly did not take effect */
	KIS_OUTCOME_UNKNOWN, /* it may have taken effect: resolve by query */
};

struct kis_error {
	int rc;                        /* KE_EIO transport, KE_ESTATE refused by KIS, KE_EINVAL malformed answer ... */
	enum kis_outcome outcome;      /* for orders; queries are FAILED or OK */
	enum kis_reply_kind kind;      /* how KIS answered (TRANSPORT when it did not) */
	int http_status;               /* 0 when no HTTP answer arrived */
	char code[KIS_REPLY_CODE_MAX]; /* KIS's msg_cd / error_code, "" when none */
	char msg[KIS_REPLY_MSG_MAX];   /* KIS's message, or what went wrong */
};

struct kis_client;

/* cred is copied. err names the cause (never a secret). */
int kis_client_new(uv_loop_t *loop, const struct kis_client_config *cfg, const struct kis_credentials *cred,
                   struct kis_client **out, char *err, size_t errlen);

/* Every call in flight ends with rc KE_ESTATE "shutting down" (outcome
 * UNKNOWN for an order already sent), then the memory is released once the
 * loop has run. c may be NULL. */
void kis_client_close(struct kis_client *c);

const struct kis_endpoint *kis_client_endpoint(const struct kis_client *c);
struct kis_auth *kis_client_auth(struct kis_client *c);
/* Calls started and not yet answered. */
size_t kis_client_pending(const struct kis_client *c);

/* e is NULL on success. */
typedef void (*kis_order_fn)(void *ud, const struct kis_error *e, const struct kis_msg_order_ack *ack);
typedef void (*kis_balance_fn)(void *ud, const struct kis_error *e, const struct kis_msg_balance *b);
typedef void (*kis_ccld_fn)(void *ud, const struct kis_error *e, const struct kis_msg_ccld_list *l);
typedef void (*kis_buyable_fn)(void *ud, const struct kis_error *e, const struct kis_msg_buyable *b);
typedef void (*kis_quote_fn)(void *ud, const struct kis_error *e, const struct kis_msg_quote *q);
typedef void (*kis_bars_fn)(void *ud, const struct kis_error *e, const struct kis_msg_bar_list *l);
typedef void (*kis_days_fn)(void *ud, const struct kis_error *e, const struct kis_msg_day_list *l);

/*
 * Each returns KE_OK when the call was taken (the callback will run
 * exactly once, never inside this call), or an error without calling it:
 * KE_EINVAL (err says which field: nothing was sent), KE_ENOMEM, KE_ESTATE
 * (closing).
 */
int kis_client_order(struct kis_client *c, const struct kis_msg_order *o, kis_order_fn fn, void *ud, char *err,
                     size_t errlen);
int kis_client_revise_cancel(struct kis_client *c, const struct kis_msg_rvse *r, kis_order_fn fn, void *ud, char *err,
                             size_t errlen);

/* Positions and cash, every page. */
int kis_client_balance(struct kis_client *c, kis_balance_fn fn, void *ud);
/* Orders and executions matching f, every page (inquire-daily-ccld; the
 * >3-month tr_id when f->start is more than 92 days before today KST). */
int kis_client_daily_ccld(struct kis_client *c, const struct kis_msg_ccld_filter *f, kis_ccld_fn fn, void *ud);
/* Orders that can still be revised or cancelled: psbl-rvsecncl on real,
 * today's unfilled daily-ccld rows on mock (which lacks psbl-rvsecncl). */
int kis_client_open_orders(struct kis_client *c, kis_ccld_fn fn, void *ud);
int kis_client_buyable(struct kis_client *c, const char *symbol, enum order_type type, int64_t price, kis_buyable_fn fn,
                       void *ud);
int kis_client_quote(struct kis_client *c, const char *symbol, kis_quote_fn fn, void *ud);
/* The last n daily bars up to today, oldest first (KIS gives 100 per call:
 * the client pages back by date). n 1..5000. */
int kis_client_daily_bars(struct kis_client *c, const char *symbol, int n, kis_bars_fn fn, void *ud);
/* The last n one-minute bars of today up to now, oldest first (30 per call,
 * paged back by time). n 1..400. */
int kis_client_minute_bars(struct kis_client *c, const char *symbol, int n, kis_bars_fn fn, void *ud);

/* The KRX calendar from yyyymmdd on (chk-holiday: one page; KIS asks for
 * one call a day, so cache the answer). Real only: KE_ENOENT on mock, whose
 * host does not offer it (nothing is sent). */
int kis_client_holidays(struct kis_client *c, const char *yyyymmdd, kis_days_fn fn, void *ud);

/* Today's date in KST as YYYYMMDD, from the market clock. */
void kis_client_today(const struct kis_client *c, char out[9]);
/* The client's wall clock (epoch ms). */
int64_t kis_client_now_ms(const struct kis_client *c);
/* The client's market clock (epoch ms). */
int64_t kis_client_market_ms(const struct kis_client *c);

/* Inside a callback: CLOCK_MONOTONIC ns at which that call's (last) request
 * began to go out on the wire, 0 if it never did. For latency benchmarks. */
int64_t kis_client_sent_ns(const struct kis_client *c);

/* "ok", "failed", "unknown". */
const char *kis_outcome_name(enum kis_outcome o);

#endif
