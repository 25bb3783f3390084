/*
 * market.h - market data as the core sees it: ticks (trades), bars, order
 * books, and the health of the realtime feed that carries them.
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

#define BOOK_LEVELS 10

/* The ten best levels of each side, as KRX publishes them. */
struct book {
	int64_t time; /* ms since epoch */
	int32_t sym;
	int64_t ask[BOOK_LEVELS], bid[BOOK_LEVELS]; /* best first; 0 = empty level */
	int64_t ask_qty[BOOK_LEVELS], bid_qty[BOOK_LEVELS];
	int64_t total_ask_qty, total_bid_qty;
};

/* What the live driver knows about its realtime feed. */
struct feed_status {
	int connected;          /* 1 while the realtime feed is up */
	int64_t last_frame;     /* ms of the last frame received; 0: none yet */
	int64_t reconnects;     /* since start */
	int64_t frames_per_sec; /* recent rate */
};

#endif
