/*
 * kis_rate.h - the per-account REST rate limiter with two priority classes.
 *
 * KIS counts REST calls per account/app key per second (mock 1/s, real 18/s
 * by default) and answers EGW00201 beyond that. Every REST call of an
 * account, hashkey included, passes through one kis_rate: callers queue
 * items, and the loop asks kis_rate_next() which item may go now. Orders
 * and cancels (KIS_RATE_ORDER) always go before queries; within a class the
 * order is first in, first out.
 *
 * The limit is a sliding window: at most per_sec sends in any window_ms
 * span (window_ms slightly above 1000 absorbs clock skew between us and
 * KIS). An EGW00201 answer pauses every send for a backoff that doubles on
 * each further EGW00201 up to backoff_max_ms and resets on the next success.
 *
 * Pure: no clock, no I/O. Time is whatever monotonic milliseconds the caller
 * passes, never decreasing. Items are intrusive: the caller owns their
 * memory and must not free one while it is queued.
 */
#ifndef KIS_RATE_H
#define KIS_RATE_H

#include <stddef.h>
#include <stdint.h>

enum kis_rate_class {
	KIS_RATE_ORDER = 0, /* order, revise, cancel (and their hashkey) */
	KIS_RATE_QUERY = 1, /* everything else */
};

struct kis_rate_item {
	struct kis_rate_item *next; /* owned by kis_rate while queued */
	int queued;                 /* 1 while in a queue */
	int cls;
};

struct kis_rate_config {
	int per_sec;        /* sends per window; 0: no limit */
	int window_ms;      /* default 1010 */
	int backoff_min_ms; /* first pause after EGW00201; default 250 */
	int backoff_max_ms; /* default 4000 */
};

/* Defaults with the given per_sec (0..10000). */
void kis_rate_config_default(struct kis_rate_config *cfg, int per_sec);

struct kis_rate;

/* KE_EINVAL for a NULL argument or a value out of range (per_sec 0..10000,
 * window_ms 1..60000, 1 <= backoff_min_ms <= backoff_max_ms <= 600000),
 * KE_ENOMEM. */
int kis_rate_new(const struct kis_rate_config *cfg, struct kis_rate **out);
void kis_rate_free(struct kis_rate *r);

/* Queue it at the tail of its class. KE_ESTATE if it is already queued,
 * KE_EINVAL for a NULL item or a class other than the two above. */
int kis_rate_push(struct kis_rate *r, struct kis_rate_item *it, enum kis_rate_class cls);

/* Take it out of its queue. KE_ENOENT if it is not queued here. */
int kis_rate_remove(struct kis_rate *r, struct kis_rate_item *it);

/*
 * The item that may be sent at now_ms, removed from its queue and counted
 * as sent; NULL when none may go now. *wait_ms (may be NULL) is then the
 * time until the next one may go, or -1 when both queues are empty.
 */
struct kis_rate_item *kis_rate_next(struct kis_rate *r, int64_t now_ms, int64_t *wait_ms);

/* Count a send that bypassed the queues (so the window stays honest). */
void kis_rate_count(struct kis_rate *r, int64_t now_ms);

/* EGW00201 came back at now_ms: pause, doubling the pause each time. */
void kis_rate_throttled(struct kis_rate *r, int64_t now_ms);

/* A call succeeded: the next EGW00201 pauses backoff_min_ms again. */
void kis_rate_ok(struct kis_rate *r);

size_t kis_rate_queued(const struct kis_rate *r, enum kis_rate_class cls);

#endif
