/*
 * market.h - market data as the core sees it: ticks (trades) and bars.
 *
 * Symbols are interned by the core into small integers (sym) so that the
 * per-tick path never compares strings. Prices and volumes are integers.
 */
#ifndef MARKET_H
#define MARKET_H

#include <stdint.h>

struct tick {
	int64_t time;   /* ms since epoch */
	int32_t sym;    /* interned symbol id */
	int64_t price;  /* KRW */
	int64_t volume; /* shares traded in this print */
	int64_t bid;    /* best bid, 0 when unknown */
	int64_t ask;    /* best ask, 0 when unknown */
};

struct bar {
	int64_t time; /* ms since epoch: the moment the bar is complete (its end) */
	int32_t sym;
	int64_t open, high, low, close;
	int64_t volume;
};

#endif
