/*
 * kis_feed.h - KIS realtime records into the core's market types.
 *
 * kis_ws delivers KIS's records (kis_trade, kis_book); the core wants
 * struct tick and struct book (market.h) with interned symbol ids and epoch
 * milliseconds. This adapter converts them, keeps the latest book per symbol
 * so that a tick's bid/ask come from the quotes (the book when it is at
 * least as recent as the print, the print's own best bid/ask otherwise),
 * and turns the session's counters into struct feed_status.
 *
 * Pure: no I/O, no clock (callers pass now), no global state.
 */
#ifndef KIS_FEED_H
#define KIS_FEED_H

#include <stdint.h>

#include "kis_frame.h"
#include "kis_ws.h"
#include "market.h"

/* The symbol id of code; KE_ENOENT for a symbol nobody asked for. */
typedef int (*kis_feed_symbol_fn)(void *ud, const char *code, int32_t *sym);

struct kis_feed_sink {
	void *ud;
	void (*on_tick)(void *ud, const struct tick *t);
	void (*on_book)(void *ud, const struct book *b);
};

struct kis_feed;

int kis_feed_new(kis_feed_symbol_fn symbol, void *symbol_ud, const struct kis_feed_sink *sink, struct kis_feed **out);
void kis_feed_free(struct kis_feed *f);

/* From kis_ws's sink. now_ms (wall clock) dates records whose frame had no
 * business date. Records of unknown symbols are counted and dropped. */
void kis_feed_trades(struct kis_feed *f, const struct kis_trade *t, int n, int64_t now_ms);
void kis_feed_books(struct kis_feed *f, const struct kis_book *b, int n, int64_t now_ms);

/* A KST business date (YYYYMMDD, 0: the KST day of now_ms) and HHMMSS as
 * epoch ms. */
int64_t kis_feed_time(int32_t yyyymmdd, int32_t hhmmss, int64_t now_ms);

/* Feed health from the session's stats: frames/s since the previous call
 * (the first call gives 0). */
void kis_feed_status(struct kis_feed *f, const struct kis_ws_stats *st, int64_t now_ms, struct feed_status *out);

/* Records dropped because their symbol is unknown. */
int64_t kis_feed_unknown(const struct kis_feed *f);

#endif
