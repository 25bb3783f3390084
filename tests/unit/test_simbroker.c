/*
 * test_simbroker.c - the matching rules of the simulated broker, driven
 * directly (no core): what fills, at what price, how much, and when not.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <string.h>

#include "ktime.h"
#include "simbroker.h"

#define MAXEV 64

struct rec {
	struct broker_event ev[MAXEV];
	int n;
};

static void rec_emit(void *ctx, const struct broker_event *ev)
{
	struct rec *r = ctx;
	if (r->n < MAXEV)
		r->ev[r->n++] = *ev;
}

/* 2026-03-02 is a Monday. */
static int64_t at(const char *hms)
{
	char buf[64];
	int64_t ms;
	snprintf(buf, sizeof(buf), "2026-03-02T%s+09:00", hms);
	assert_int_equal(ktime_parse_iso(buf, strlen(buf), 0, &ms), 0);
	return ms;
}

static struct simbroker *mk(struct rec *r, int slippage, int64_t latency, int64_t ppm)
{
	struct simbroker_config cfg = {slippage, latency, ppm};
	struct simbroker *sb;
	memset(r, 0, sizeof(*r));
	assert_int_equal(simbroker_new(&cfg, (struct broker_sink){r, rec_emit}, &sb), 0);
	return sb;
}

static struct order ord(int64_t id, enum order_side side, enum order_type type, int64_t price, int64_t qty)
{
	struct order o;
	memset(&o, 0, sizeof(o));
	o.id = id;
	o.sym = 0;
	o.side = side;
	o.type = type;
	o.price = price;
	o.qty = qty;
	return o;
}

static void tick(struct simbroker *sb, int64_t t, int64_t price, int64_t vol)
{
	struct tick tk = {t, 0, price, vol, 0, 0};
	simbroker_advance(sb, t);
	simbroker_on_tick(sb, &tk);
}

static void place(struct simbroker *sb, int64_t now, const struct order *o)
{
	simbroker_advance(sb, now);
	struct broker b = simbroker_broker(sb);
	assert_int_equal(b.place(b.self, o), 0);
}

static void test_market_fills_on_next_print(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 0, 1000000);
	struct order o = ord(1, SIDE_BUY, ORDER_MARKET, 0, 10);
	place(sb, at("09:00:00"), &o);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].kind, BEV_ACCEPTED);
	tick(sb, at("09:00:01"), 70100, 100);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].kind, BEV_FILL);
	assert_int_equal(r.ev[1].qty, 10);
	assert_int_equal(r.ev[1].price, 70100);
	assert_int_equal(r.ev[1].time, at("09:00:01"));
	assert_int_equal(simbroker_open_count(sb), 0);
	simbroker_free(sb);
}

static void test_slippage_moves_against_the_order(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 2, 0, 1000000);
	struct order b = ord(1, SIDE_BUY, ORDER_MARKET, 0, 1);
	struct order s = ord(2, SIDE_SELL, ORDER_MARKET, 0, 1);
	place(sb, at("09:00:00"), &b);
	place(sb, at("09:00:00"), &s);
	/* At 49,950 the tick is 50 below 50,000 and 100 from 50,000 up:
	 * buy +2 ticks: 49,950 -> 50,000 -> 50,100; sell -2: 49,900 -> 49,850. */
	tick(sb, at("09:00:01"), 49950, 100);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.ev[2].price, 50100);
	assert_int_equal(r.ev[3].price, 49850);
	simbroker_free(sb);
}

static void test_latency_delays_eligibility(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 1500, 1000000);
	struct order o = ord(1, SIDE_BUY, ORDER_MARKET, 0, 5);
	place(sb, at("09:00:00"), &o);
	tick(sb, at("09:00:01"), 70000, 100); /* 1.0 s < 1.5 s: too early */
	assert_int_equal(r.n, 1);
	tick(sb, at("09:00:01.500"), 70200, 100); /* exactly placed + latency: eligible */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].price, 70200);
	simbroker_free(sb);
}

static void test_limit_buy_on_ticks(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 3, 0, 1000000);
	struct order o = ord(1, SIDE_BUY, ORDER_LIMIT, 70000, 10);
	place(sb, at("09:00:00"), &o);
	tick(sb, at("09:00:01"), 70100, 100); /* above the limit: nothing */
	assert_int_equal(r.n, 1);
	tick(sb, at("09:00:02"), 69900, 100); /* at or below: fills at the print, no slippage on limits */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].price, 69900);
	simbroker_free(sb);
}

static void test_limit_sell_on_bars(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 0, 1000000);
	struct order s1 = ord(1, SIDE_SELL, ORDER_LIMIT, 70500, 3);
	struct order s2 = ord(2, SIDE_SELL, ORDER_LIMIT, 69000, 4);
	place(sb, at("09:00:30"), &s1);
	place(sb, at("09:00:30"), &s2);
	/* Bar open 70,000 high 70,600: s1 (70,500 <= high) fills at max(open, limit) = 70,500;
	 * s2 (69,000 below the open) fills at the open 70,000, the better price. */
	struct bar b = {at("09:02:00"), 0, 70000, 70600, 69800, 70200, 1000};
	simbroker_advance(sb, b.time);
	simbroker_on_bar(sb, &b);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.ev[2].order_id, 1);
	assert_int_equal(r.ev[2].price, 70500);
	assert_int_equal(r.ev[3].order_id, 2);
	assert_int_equal(r.ev[3].price, 70000);
	simbroker_free(sb);
}

static void test_market_on_bars_at_open(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 1, 0, 1000000);
	struct order o = ord(1, SIDE_BUY, ORDER_MARKET, 0, 2);
	place(sb, at("09:01:00"), &o);
	struct bar b = {at("09:02:00"), 0, 19990, 20100, 19900, 20050, 500};
	simbroker_advance(sb, b.time);
	simbroker_on_bar(sb, &b);
	/* open 19,990 + 1 tick: 19,990 is in the 10-won band -> 20,000. */
	assert_int_equal(r.ev[1].price, 20000);
	simbroker_free(sb);
}

static void test_participation_shares_volume_in_order(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 0, 250000); /* 25% of each print */
	struct order a = ord(1, SIDE_BUY, ORDER_MARKET, 0, 30);
	struct order b = ord(2, SIDE_BUY, ORDER_MARKET, 0, 30);
	place(sb, at("09:00:00"), &a);
	place(sb, at("09:00:00"), &b);
	tick(sb, at("09:00:01"), 70000, 100); /* floor(100 * 25%) = 25 -> all to a */
	assert_int_equal(r.n, 3);
	assert_int_equal(r.ev[2].order_id, 1);
	assert_int_equal(r.ev[2].qty, 25);
	tick(sb, at("09:00:02"), 70000, 39); /* floor(39 * 0.25) = 9: a's last 5, then 4 to b */
	assert_int_equal(r.n, 5);
	assert_int_equal(r.ev[3].order_id, 1);
	assert_int_equal(r.ev[3].qty, 5);
	assert_int_equal(r.ev[4].order_id, 2);
	assert_int_equal(r.ev[4].qty, 4);
	tick(sb, at("09:00:03"), 70000, 3); /* floor(0.75) = 0: no fill */
	assert_int_equal(r.n, 5);
	assert_int_equal(simbroker_open_count(sb), 1);
	simbroker_free(sb);
}

static void test_no_fills_outside_session(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 0, 1000000);
	struct order o = ord(1, SIDE_BUY, ORDER_MARKET, 0, 1);
	place(sb, at("08:50:00"), &o);
	tick(sb, at("08:59:59.999"), 70000, 100); /* before the open */
	assert_int_equal(r.n, 1);
	tick(sb, at("09:00:00"), 70000, 100); /* the opening print counts */
	assert_int_equal(r.n, 2);
	struct order p = ord(2, SIDE_BUY, ORDER_MARKET, 0, 1);
	place(sb, at("15:29:00"), &p);
	tick(sb, at("15:30:00.001"), 70000, 100); /* after the closing auction */
	assert_int_equal(r.n, 3);                 /* only the accept */
	simbroker_free(sb);
}

static void test_day_orders_expire(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 0, 1000000);
	struct order o = ord(1, SIDE_BUY, ORDER_LIMIT, 60000, 7);
	place(sb, at("10:00:00"), &o);
	tick(sb, at("15:30:00"), 70000, 100);
	assert_int_equal(r.n, 1);
	/* Next trading day's first event: the order expired with the session. */
	int64_t tue = at("09:00:00") + KTIME_DAY_MS;
	tick(sb, tue, 59000, 100);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].kind, BEV_CANCELLED);
	assert_int_equal(r.ev[1].qty, 7);
	assert_non_null(strstr(r.ev[1].reason, "expired"));
	simbroker_free(sb);
}

static void test_order_after_close_waits_for_next_session(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 0, 1000000);
	struct order o = ord(1, SIDE_BUY, ORDER_MARKET, 0, 1);
	place(sb, at("15:30:00"), &o); /* placed on the closing print: next session */
	struct bar same = {at("15:30:00"), 0, 70000, 70000, 70000, 70000, 100};
	simbroker_on_bar(sb, &same);
	assert_int_equal(r.n, 1);
	struct bar next = {at("15:30:00") + KTIME_DAY_MS, 0, 71000, 72000, 70500, 71500, 100};
	simbroker_advance(sb, next.time);
	simbroker_on_bar(sb, &next);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.ev[1].kind, BEV_FILL);
	assert_int_equal(r.ev[1].price, 71000); /* the next day's open */
	simbroker_free(sb);
}

static void test_cancel_and_modify(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb = mk(&r, 0, 0, 1000000);
	struct broker b = simbroker_broker(sb);
	struct order o = ord(1, SIDE_BUY, ORDER_LIMIT, 69000, 10);
	place(sb, at("09:00:00"), &o);
	assert_int_equal(b.modify(b.self, &o, 69500, 6), 0);
	assert_int_equal(r.ev[1].kind, BEV_MODIFIED);
	assert_int_equal(r.ev[1].price, 69500);
	assert_int_equal(r.ev[1].qty, 6);
	assert_int_equal(b.modify(b.self, &o, 0, 8), 0); /* raising the quantity is refused */
	assert_int_equal(r.ev[2].kind, BEV_MODIFY_REJECTED);
	tick(sb, at("09:00:01"), 69500, 100); /* the new price is live */
	assert_int_equal(r.ev[3].kind, BEV_FILL);
	assert_int_equal(r.ev[3].qty, 6);
	assert_int_equal(b.cancel(b.self, &o), 0); /* already filled */
	assert_int_equal(r.ev[4].kind, BEV_CANCEL_REJECTED);
	struct order p = ord(2, SIDE_SELL, ORDER_LIMIT, 90000, 4);
	place(sb, at("09:00:02"), &p);
	assert_int_equal(b.cancel(b.self, &p), 0);
	assert_int_equal(r.ev[6].kind, BEV_CANCELLED);
	assert_int_equal(r.ev[6].qty, 4);
	assert_int_equal(simbroker_open_count(sb), 0);
	simbroker_free(sb);
}

static void test_bad_config(void **state)
{
	(void)state;
	struct rec r;
	struct simbroker *sb;
	struct simbroker_config c = {0, 0, 0};
	assert_int_equal(simbroker_new(&c, (struct broker_sink){&r, rec_emit}, &sb), KE_EINVAL);
	c.participation_ppm = 1000001;
	assert_int_equal(simbroker_new(&c, (struct broker_sink){&r, rec_emit}, &sb), KE_EINVAL);
	c.participation_ppm = 1000000;
	c.slippage_ticks = -1;
	assert_int_equal(simbroker_new(&c, (struct broker_sink){&r, rec_emit}, &sb), KE_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_market_fills_on_next_print),
	    cmocka_unit_test(test_slippage_moves_against_the_order),
	    cmocka_unit_test(test_latency_delays_eligibility),
	    cmocka_unit_test(test_limit_buy_on_ticks),
	    cmocka_unit_test(test_limit_sell_on_bars),
	    cmocka_unit_test(test_market_on_bars_at_open),
	    cmocka_unit_test(test_participation_shares_volume_in_order),
	    cmocka_unit_test(test_no_fills_outside_session),
	    cmocka_unit_test(test_day_orders_expire),
	    cmocka_unit_test(test_order_after_close_waits_for_next_session),
	    cmocka_unit_test(test_cancel_and_modify),
	    cmocka_unit_test(test_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
