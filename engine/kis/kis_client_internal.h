/*
 * kis_client_internal.h - shared by kis_client.c (the call's journey) and
 * kis_client_ops.c (what each operation sends and how it reads answers).
 * Not a public header: nothing outside engine/kis includes it.
 */
#ifndef KIS_CLIENT_INTERNAL_H
#define KIS_CLIENT_INTERNAL_H

#include "kis_client.h"
#include "kis_http.h"
#include "kis_rate.h"

#define KCL_QUERY_MAX 1024
#define KCL_BODY_MAX  1024

enum kcl_kind {
	KCL_ORDER,
	KCL_RVSE,
	KCL_BALANCE,
	KCL_CCLD,
	KCL_OPEN_ORDERS,
	KCL_BUYABLE,
	KCL_QUOTE,
	KCL_DAILY_BARS,
	KCL_MINUTE_BARS,
	KCL_HOLIDAYS,
};

enum kcl_stage { KCL_STAGE_MAIN = 0, KCL_STAGE_HASHKEY };

struct kis_client {
	uv_loop_t *loop;
	struct kis_client_config cfg; /* its strings are not kept */
	struct kis_credentials cred;
	struct kis_endpoint ep;
	struct kis_http *http;
	struct kis_rate *rate;
	struct kis_auth *auth;
	struct kcl_timers *timers; /* its own allocation: it outlives the client while closing */
	struct call *calls;        /* every call not yet finished */
	struct call *deferred;     /* finished inside a start: delivered on the next turn */
	int starting;
	size_t ncalls;
	int closing;
	int pumping;
	int in_flight; /* requests handed to kis_http and not yet answered */
	int depth;     /* callbacks of ours on the stack: a close inside them frees later */
	int dead;      /* closed while depth > 0 */
	int64_t cur_sent_ns;
};

struct kcl_timers {
	uv_timer_t pump;  /* the rate limiter's next slot */
	uv_timer_t defer; /* deliveries that must not run inside the caller's call */
	int open;
	struct kis_client *c; /* NULL once the client is gone */
};

struct call {
	struct kis_rate_item item; /* first: the rate queue hands back this pointer */
	struct kis_client *c;
	struct call *prev, *next;
	enum kcl_kind kind;
	enum kcl_stage stage;
	int is_order;
	const char *tr_id;
	const char *path;
	enum kis_http_method method;
	char query[KCL_QUERY_MAX];
	char body[KCL_BODY_MAX];
	size_t body_len;
	char hashkey[320];
	char token[KIS_REPLY_TOKEN_MAX]; /* the token this request carried */
	char hdr_buf[4096];
	uint64_t http_id;
	int in_http;
	int waiting_token;
	int sent_any; /* an order request went out at least once */
	int64_t sent_ns;
	struct kis_error deferred_err;
	int retries;
	int token_retried;
	int pages;
	int next_page;
	char fk[KIS_REPLY_CTX_MAX], nk[KIS_REPLY_CTX_MAX];
	/* per operation */
	char symbol[KE_SYMBOL_MAX];
	struct kis_msg_ccld_filter filter;
	char filter_symbol[KE_SYMBOL_MAX], filter_odno[KIS_MSG_ODNO_MAX];
	int want;       /* bars wanted */
	int32_t cursor; /* bars: the next page's end date (YYYYMMDD) or time (HHMMSS) */
	struct kis_msg_order_ack ack;
	struct kis_msg_balance bal;
	struct kis_msg_ccld_list ccld;
	struct kis_msg_bar_list bars;
	struct kis_msg_day_list days;
	struct kis_msg_buyable buyable;
	struct kis_msg_quote quote;
	union {
		kis_order_fn order;
		kis_balance_fn balance;
		kis_ccld_fn ccld;
		kis_buyable_fn buyable;
		kis_quote_fn quote;
		kis_bars_fn bars;
		kis_days_fn days;
	} fn;
	void *ud;
};

void kcl_error(struct kis_error *e, int rc, enum kis_outcome outcome, enum kis_reply_kind kind, int http_status,
               const char *code, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

struct call *kcl_call_new(struct kis_client *c, enum kcl_kind kind);
/* Link the call and send it on its way (token, queue, HTTP). */
int kcl_start(struct call *k);
/* Deliver e (NULL: success) to the caller and free the call. */
void kcl_finish(struct call *k, const struct kis_error *e);
/* Queue the call again (next page, retry). */
void kcl_requeue(struct call *k);

/* kis_client_ops.c: */
/* Read one successful answer. Returns 1 when another request is needed
 * (k was set up for it), 0 when the call is complete, or an error code
 * (< 0) with *e filled. */
int kcl_on_page(struct call *k, const struct kis_reply *rep, struct kis_error *e);
/* Call the caller's callback with the result (e NULL) or e. */
void kcl_deliver(struct call *k, const struct kis_error *e);
void kcl_call_free(struct call *k);

#endif
