/*
 * broker.h - the interface between the core and whatever executes orders.
 *
 * The core calls place/modify/cancel; the broker answers later (or at once)
 * by emitting broker events into the sink it was given. The core queues
 * those events and handles them after the call that caused them returns,
 * so a broker may emit from inside place() without re-entering a strategy.
 *
 * Implementations: the simulated broker (backtest, paper) and the KIS
 * broker (mock, real).
 */
#ifndef BROKER_H
#define BROKER_H

#include <stdint.h>

#include "ke_common.h"
#include "order.h"

enum broker_event_kind {
	BEV_ACCEPTED = 1,    /* the venue has the order */
	BEV_REJECTED,        /* the venue refused the order (reason) */
	BEV_FILL,            /* qty at price, at time */
	BEV_CANCELLED,       /* the rest (qty) is cancelled; reason may say why */
	BEV_CANCEL_REJECTED, /* a cancel request failed (reason) */
	BEV_MODIFIED,        /* new limit price and new remaining qty are in effect */
	BEV_MODIFY_REJECTED, /* a modify request failed (reason) */
};

struct broker_event {
	enum broker_event_kind kind;
	int64_t order_id;
	int64_t time;
	int64_t qty;   /* FILL: filled qty; CANCELLED: qty cancelled; MODIFIED: new remaining */
	int64_t price; /* FILL: fill price; MODIFIED: new limit price */
	char reason[KE_REASON_MAX];
};

struct broker_sink {
	void *ctx;
	void (*emit)(void *ctx, const struct broker_event *ev);
};

struct broker {
	void *self;
	/* Each returns KE_OK when the request was taken; a non-zero return means
	 * it could not even be sent, and the core rejects the order itself. */
	int (*place)(void *self, const struct order *o);
	/* new_price: new limit (0 = keep); new_remaining: new unfilled quantity
	 * (0 = keep), never more than the current remaining quantity. */
	int (*modify)(void *self, const struct order *o, int64_t new_price, int64_t new_remaining);
	int (*cancel)(void *self, const struct order *o);
};

#endif
