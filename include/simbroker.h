/*
 * simbroker.h - the simulated broker: a matching engine that fills orders
 * against the market data it is shown (trade prints or bars).
 *
 * It serves the backtest and paper modes, and kis-sim's venue. Rules:
 *  - an order can fill only on data that arrives after it was placed and is
 *    stamped at least latency_ms after it; never outside the regular session;
 *  - ticks: a market order fills at the print's price moved slippage_ticks
 *    against it; a limit buy fills when a print is at or below the limit, at
 *    the print's price (sells mirror this);
 *  - bars: a market order fills at the bar's open (+ slippage); a limit buy
 *    fills when low <= limit, at the better of open and limit;
 *  - each print or bar fills at most participation x its volume, shared by
 *    the orders in the order they were placed (partial fills follow);
 *  - orders are day orders: one still open when the next day's data starts
 *    is cancelled ("expired"). An order placed at or after 15:30 belongs to
 *    the next session.
 */
#ifndef SIMBROKER_H
#define SIMBROKER_H

#include <stdint.h>

#include "broker.h"
#include "market.h"

struct simbroker_config {
	int slippage_ticks;        /* >= 0 */
	int64_t latency_ms;        /* >= 0 */
	int64_t participation_ppm; /* share of each print's volume, 1..1,000,000 (1,000,000 = all) */
};

void simbroker_config_default(struct simbroker_config *cfg);

struct simbroker;

int simbroker_new(const struct simbroker_config *cfg, struct broker_sink sink, struct simbroker **out);
void simbroker_free(struct simbroker *sb);

/* The broker interface the core calls. */
struct broker simbroker_broker(struct simbroker *sb);

/* The driver moves the venue's clock before each event (and before the core
 * sees it); a new day expires yesterday's orders. */
void simbroker_advance(struct simbroker *sb, int64_t now);

/* Match resting orders of the event's symbol against it. */
void simbroker_on_tick(struct simbroker *sb, const struct tick *t);
void simbroker_on_bar(struct simbroker *sb, const struct bar *b);

/* Orders resting at the venue now. */
int simbroker_open_count(const struct simbroker *sb);

#endif
