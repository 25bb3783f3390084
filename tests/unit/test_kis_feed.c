/*
 * test_kis_feed.c - KIS realtime records into the core's market types:
 * KST business date + HHMMSS to epoch ms, bid/ask from the newer of the
 * book and the print, unknown symbols dropped, frames/s.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "kis_feed.h"

/* 2026-03-02T09:30:15+09:00 = 2026-03-02T00:30:15Z: `date -u -d '2026-03-02 00:30:15' +%s` = 1772411415. */
#define T093015 1772411415000LL

struct got {
	struct tick ticks[8];
	int nticks;
	struct book books[8];
	int nbooks;
};

static int lookup(void *ud, const char *code, int32_t *sym)
{
	(void)ud;
	if (strcmp(code, "005930") == 0)
		*sym = 0;
	else if (strcmp(code, "000660") == 0)
		*sym = 1;
	else
		return KE_ENOENT;
	return KE_OK;
}

static void on_tick(void *ud, const struct tick *t)
{
	struct got *g = ud;
	g->ticks[g->nticks++] = *t;
}

static void on_book(void *ud, const struct book *b)
{
	struct got *g = ud;
	g->books[g->nbooks++] = *b;
}

static struct kis_trade trade(const char *sym, int32_t hhmmss, int64_t price, int64_t bid1, int64_t ask1)
{
	struct kis_trade t;
	memset(&t, 0, sizeof(t));
	strcpy(t.symbol, sym);
	t.date = 20260302;
	t.hhmmss = hhmmss;
	t.price = price;
	t.volume = 15;
	t.bid1 = bid1;
	t.ask1 = ask1;
	return t;
}

static void test_time(void **state)
{
	(void)state;
	assert_int_equal(kis_feed_time(20260302, 93015, 0), T093015);
	/* No business date: the KST day of now. 2026-03-02T23:59:00Z is already
	 * 2026-03-03 08:59 in KST, so 09:30:15 is the 3rd's: one day later. */
	int64_t now = T093015 + (23 * 3600 + 28 * 60 + 45) * 1000LL; /* 2026-03-02T23:59:00Z */
	assert_int_equal(kis_feed_time(0, 93015, now), T093015 + 86400000LL);
	assert_int_equal(kis_feed_time(20260302, 0, 0), T093015 - (9 * 3600 + 30 * 60 + 15) * 1000LL);
}

static void test_ticks_and_books(void **state)
{
	(void)state;
	struct got g;
	memset(&g, 0, sizeof(g));
	struct kis_feed_sink sink = {.ud = &g, .on_tick = on_tick, .on_book = on_book};
	struct kis_feed *f;
	assert_int_equal(kis_feed_new(lookup, NULL, &sink, &f), KE_OK);

	/* Before any book: the print's own best bid/ask. */
	struct kis_trade t1 = trade("005930", 93015, 71200, 71100, 71200);
	kis_feed_trades(f, &t1, 1, 0);
	assert_int_equal(g.nticks, 1);
	assert_int_equal(g.ticks[0].time, T093015);
	assert_int_equal(g.ticks[0].sym, 0);
	assert_int_equal(g.ticks[0].price, 71200);
	assert_int_equal(g.ticks[0].volume, 15);
	assert_int_equal(g.ticks[0].bid, 71100);
	assert_int_equal(g.ticks[0].ask, 71200);

	/* A book one second later (dated by now's KST day: now = the print). */
	struct kis_book b;
	memset(&b, 0, sizeof(b));
	strcpy(b.symbol, "005930");
	b.hhmmss = 93016;
	for (int k = 0; k < 10; k++) {
		b.ask[k] = 71300 + 100 * k;
		b.bid[k] = 71200 - 100 * k;
		b.ask_qty[k] = 10 + k;
		b.bid_qty[k] = 20 + k;
	}
	b.total_ask_qty = 145; /* 10 + ... + 19 */
	b.total_bid_qty = 245; /* 20 + ... + 29 */
	kis_feed_books(f, &b, 1, T093015);
	assert_int_equal(g.nbooks, 1);
	assert_int_equal(g.books[0].time, T093015 + 1000);
	assert_int_equal(g.books[0].sym, 0);
	assert_int_equal(g.books[0].ask[9], 72200);
	assert_int_equal(g.books[0].bid[9], 70300);
	assert_int_equal(g.books[0].total_ask_qty, 145);

	/* A print in the same second as the book is older or equal: the book wins. */
	struct kis_trade t2 = trade("005930", 93016, 71200, 71000, 71400);
	kis_feed_trades(f, &t2, 1, 0);
	assert_int_equal(g.ticks[1].bid, 71200);
	assert_int_equal(g.ticks[1].ask, 71300);
	/* A later print than the book: its own fields. */
	struct kis_trade t3 = trade("005930", 93020, 71300, 71200, 71400);
	kis_feed_trades(f, &t3, 1, 0);
	assert_int_equal(g.ticks[2].bid, 71200);
	assert_int_equal(g.ticks[2].ask, 71400);
	/* Another symbol has no book: its own fields. */
	struct kis_trade t4 = trade("000660", 93016, 180200, 180100, 180300);
	kis_feed_trades(f, &t4, 1, 0);
	assert_int_equal(g.ticks[3].sym, 1);
	assert_int_equal(g.ticks[3].bid, 180100);
	/* Unknown symbols are dropped and counted. */
	struct kis_trade t5 = trade("035420", 93016, 200500, 0, 0);
	kis_feed_trades(f, &t5, 1, 0);
	kis_feed_books(f, &b, 0, 0);
	assert_int_equal(g.nticks, 4);
	assert_int_equal(kis_feed_unknown(f), 1);
	kis_feed_free(f);
}

static void test_status(void **state)
{
	(void)state;
	struct got g;
	memset(&g, 0, sizeof(g));
	struct kis_feed_sink sink = {.ud = &g};
	struct kis_feed *f;
	assert_int_equal(kis_feed_new(lookup, NULL, &sink, &f), KE_OK);
	struct kis_ws_stats st;
	memset(&st, 0, sizeof(st));
	st.state = KIS_WS_LIVE;
	st.frames = 1000;
	st.reconnects = 2;
	st.last_frame_ms = T093015;
	struct feed_status fs;
	kis_feed_status(f, &st, T093015, &fs);
	assert_int_equal(fs.connected, 1);
	assert_int_equal(fs.frames_per_sec, 0); /* no earlier sample */
	assert_int_equal(fs.reconnects, 2);
	assert_int_equal(fs.last_frame, T093015);
	/* 300 frames in 2 s = 150 frames/s. */
	st.frames = 1300;
	kis_feed_status(f, &st, T093015 + 2000, &fs);
	assert_int_equal(fs.frames_per_sec, 150);
	st.state = KIS_WS_WAITING;
	kis_feed_status(f, &st, T093015 + 3000, &fs);
	assert_int_equal(fs.connected, 0);
	assert_int_equal(fs.frames_per_sec, 0);
	kis_feed_free(f);
	assert_int_equal(kis_feed_new(NULL, NULL, &sink, &f), KE_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_ticks_and_books),
	    cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
