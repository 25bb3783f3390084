/*
 * kis_feed.c - KIS realtime records into market.h types (see kis_feed.h).
 */
#include "kis_feed.h"

#include <stdlib.h>
#include <string.h>

#include "ke_common.h"
#include "ktime.h"

struct kis_feed {
	kis_feed_symbol_fn symbol;
	void *symbol_ud;
	struct kis_feed_sink sink;
	struct book *books; /* by symbol id; time 0 = none yet */
	int32_t nbooks;
	int64_t unknown;
	int64_t last_frames, last_ms;
};

int kis_feed_new(kis_feed_symbol_fn symbol, void *symbol_ud, const struct kis_feed_sink *sink, struct kis_feed **out)
{
	if (!out)
		return KE_EINVAL;
	*out = NULL;
	if (!symbol || !sink)
		return KE_EINVAL;
	struct kis_feed *f = calloc(1, sizeof(*f));
	if (!f)
		return KE_ENOMEM;
	f->symbol = symbol;
	f->symbol_ud = symbol_ud;
	f->sink = *sink;
	*out = f;
	return KE_OK;
}

void kis_feed_free(struct kis_feed *f)
{
	if (!f)
		return;
	free(f->books);
	free(f);
}

int64_t kis_feed_time(int32_t yyyymmdd, int32_t hhmmss, int64_t now_ms)
{
	int32_t day = yyyymmdd > 0 ? ktime_days_from_civil(yyyymmdd / 10000, yyyymmdd / 100 % 100, yyyymmdd % 100)
	                           : ktime_kst_day(now_ms);
	int64_t sec = (int64_t)(hhmmss / 10000) * 3600 + (hhmmss / 100 % 100) * 60 + hhmmss % 100;
	return ktime_day_start(day) + sec * 1000;
}

/* The book slot of sym, grown on demand; NULL when out of memory. */
static struct book *slot(struct kis_feed *f, int32_t sym)
{
	if (sym < 0)
		return NULL;
	if (sym >= f->nbooks) {
		int32_t n = f->nbooks ? f->nbooks : 16;
		while (n <= sym)
			n *= 2;
		struct book *p = realloc(f->books, (size_t)n * sizeof(*p));
		if (!p)
			return NULL;
		memset(p + f->nbooks, 0, (size_t)(n - f->nbooks) * sizeof(*p));
		f->books = p;
		f->nbooks = n;
	}
	return &f->books[sym];
}

void kis_feed_books(struct kis_feed *f, const struct kis_book *b, int n, int64_t now_ms)
{
	for (int i = 0; i < n; i++) {
		int32_t sym;
		if (f->symbol(f->symbol_ud, b[i].symbol, &sym) != KE_OK) {
			f->unknown++;
			continue;
		}
		struct book *bk = slot(f, sym);
		if (!bk)
			continue;
		bk->time = kis_feed_time(0, b[i].hhmmss, now_ms);
		bk->sym = sym;
		for (int k = 0; k < BOOK_LEVELS && k < KIS_FRAME_BOOK_LEVELS; k++) {
			bk->ask[k] = b[i].ask[k];
			bk->bid[k] = b[i].bid[k];
			bk->ask_qty[k] = b[i].ask_qty[k];
			bk->bid_qty[k] = b[i].bid_qty[k];
		}
		bk->total_ask_qty = b[i].total_ask_qty;
		bk->total_bid_qty = b[i].total_bid_qty;
		if (f->sink.on_book)
			f->sink.on_book(f->sink.ud, bk);
	}
}

void kis_feed_trades(struct kis_feed *f, const struct kis_trade *t, int n, int64_t now_ms)
{
	for (int i = 0; i < n; i++) {
		int32_t sym;
		if (f->symbol(f->symbol_ud, t[i].symbol, &sym) != KE_OK) {
			f->unknown++;
			continue;
		}
		struct tick tk = {.time = kis_feed_time(t[i].date, t[i].hhmmss, now_ms),
		                  .sym = sym,
		                  .price = t[i].price,
		                  .volume = t[i].volume,
		                  .bid = t[i].bid1,
		                  .ask = t[i].ask1};
		/* The quotes drive bid/ask once they are at least as recent. */
		const struct book *bk = sym < f->nbooks ? &f->books[sym] : NULL;
		if (bk && bk->time > 0 && bk->time >= tk.time) {
			if (bk->bid[0] > 0)
				tk.bid = bk->bid[0];
			if (bk->ask[0] > 0)
				tk.ask = bk->ask[0];
		}
		if (f->sink.on_tick)
			f->sink.on_tick(f->sink.ud, &tk);
	}
}

void kis_feed_status(struct kis_feed *f, const struct kis_ws_stats *st, int64_t now_ms, struct feed_status *out)
{
	memset(out, 0, sizeof(*out));
	out->connected = st->state == KIS_WS_LIVE || st->state == KIS_WS_SUBSCRIBING;
	out->last_frame = st->last_frame_ms;
	out->reconnects = st->reconnects;
	if (f->last_ms > 0 && now_ms > f->last_ms)
		out->frames_per_sec = (st->frames - f->last_frames) * 1000 / (now_ms - f->last_ms);
	f->last_frames = st->frames;
	f->last_ms = now_ms;
}

int64_t kis_feed_unknown(const struct kis_feed *f)
{
	return f ? f->unknown : 0;
}
