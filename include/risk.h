/*
 * risk.h - pre-trade limits, per strategy and for the whole engine.
 *
 * A limit of 0 means "no limit". The core asks risk_check() before an order
 * leaves and records accepted submissions with risk_note_order().
 */
#ifndef RISK_H
#define RISK_H

#include <stddef.h>
#include <stdint.h>

#define RISK_RATE_WINDOW_MAX 1024 /* most orders per minute that can be enforced */

struct risk_limits {
	int64_t max_order_value;    /* KRW, qty * price (market: last price) */
	int64_t max_position_value; /* KRW, per symbol, after the order fills */
	int max_open_orders;
	int max_orders_per_minute;
	int64_t daily_loss_limit; /* KRW below the day's starting equity */
};

struct risk_state {
	int64_t sent[RISK_RATE_WINDOW_MAX]; /* ring of submission times (ms) */
	int head, count;
};

/* What the core knows about an order it is about to send. */
struct risk_order_info {
	int64_t now;
	int64_t order_value;          /* qty * (limit or last price) */
	int64_t position_value_after; /* value of the symbol's position if it all fills (buys) */
	int is_buy;
	int open_orders; /* open orders before this one */
};

/* KE_OK, or KE_ELIMIT with a sentence in reason naming the limit and the numbers. */
int risk_check(const struct risk_limits *lim, const struct risk_state *st, const struct risk_order_info *info,
               const char *scope, char *reason, size_t reason_len);

/* Record a submission at `now` for the per-minute limit. */
void risk_note_order(struct risk_state *st, int64_t now);

/* Orders recorded in the 60 s before now (exclusive of now - 60 s). */
int risk_orders_last_minute(const struct risk_state *st, int64_t now);

/* True when equity has fallen by at least the daily loss limit. */
int risk_daily_loss_hit(const struct risk_limits *lim, int64_t day_start_equity, int64_t equity);

#endif
