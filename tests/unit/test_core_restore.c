/*
 * test_core_restore.c - rebuilding a book after a restart: past fills
 * booked again, adopted orders holding cash and shares, fills redelivered
 * with the observer's fill_delivered after on_fill, the broker's word on a
 * holding, and a calendar that closes days for timers and market hooks.
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

#include "core.h"
#include "ktime.h"

struct seen {
	char log[1024];
	int delivered;
	int64_t delivered_ref;
};

static void add(struct seen *s, const char *fmt, long long a, long long b)
{
	size_t n = strlen(s->log);
	snprintf(s->log + n, sizeof(s->log) - n, fmt, a, b);
}

static int on_fill(void *impl, const struct fill *f)
{
	add(impl, "fill %lld@%lld;", (long long)f->qty, (long long)f->price);
	return KE_OK;
}

static int on_open(void *impl)
{
	add(impl, "open%lld%lld;", 0, 0);
	return KE_OK;
}

static int on_timer(void *impl, int64_t id, int64_t ref, int final)
{
	(void)id;
	(void) final;
	add(impl, "timer %lld%lld;", (long long)ref, 0);
	return KE_OK;
}

static int on_stop(void *impl)
{
	add(impl, "stop%lld%lld;", 0, 0);
	return KE_OK;
}

static const char *no_err(void *impl)
{
	(void)impl;
	return "";
}

static const struct strategy_hooks hooks = {
    .on_fill = on_fill, .on_market_open = on_open, .on_timer = on_timer, .on_stop = on_stop, .last_error = no_err};

static void delivered(void *ctx, const struct fill *f)
{
	struct seen *s = ctx;
	/* fill_delivered comes after the strategy's on_fill. */
	add(s, "delivered %lld%lld;", (long long)f->ref, 0);
	s->delivered++;
	s->delivered_ref = f->ref;
}

static struct core *new_core(struct seen *s, int32_t *sym)
{
	struct core *c;
	assert_int_equal(core_new(NULL, &c), KE_OK);
	struct strategy_spec spec = {.name = "alpha", .cash = 10000000};
	int idx;
	assert_int_equal(core_add_strategy(c, &spec, &hooks, s, &idx), KE_OK);
	assert_int_equal(core_symbol_intern(c, "005930", sym), KE_OK);
	struct core_observer obs = {.ctx = s, .fill_delivered = delivered};
	core_set_observer(c, &obs);
	return c;
}

static void test_restore_fills_rebuild_the_book(void **state)
{
	(void)state;
	struct seen s = {0};
	int32_t sym;
	struct core *c = new_core(&s, &sym);
	/* Buy 10 @ 70,000 with 105 fee: cash 10,000,000 - 700,000 - 105 = 9,299,895.
	 * Sell 4 @ 71,000, fee 42, tax 511: cash + 284,000 - 553 = 9,583,342;
	 * cost 700,000 x 6/10 = 420,000 left; realised 284,000 - 280,000 = 4,000. */
	assert_int_equal(core_restore_fill(c, 0, sym, SIDE_BUY, 10, 70000, 105, 0), KE_OK);
	assert_int_equal(core_restore_fill(c, 0, sym, SIDE_SELL, 4, 71000, 42, 511), KE_OK);
	struct core_position p;
	core_position(c, 0, sym, &p);
	assert_int_equal(p.qty, 6);
	assert_int_equal(p.cost, 420000);
	assert_int_equal(p.realized, 4000);
	assert_int_equal(core_cash(c, 0), 9583342);
	/* A sell beyond the holding cannot be booked; nor a bad strategy. */
	assert_int_equal(core_restore_fill(c, 0, sym, SIDE_SELL, 7, 71000, 0, 0), KE_EINVAL);
	assert_int_equal(core_restore_fill(c, 1, sym, SIDE_BUY, 1, 100, 0, 0), KE_EINVAL);
	assert_int_equal(core_cash(c, 0), 9583342);
	/* Nothing was told to the strategy. */
	assert_string_equal(s.log, "");
	core_free(c);
}

static void test_adopted_orders_hold_cash_and_shares(void **state)
{
	(void)state;
	struct seen s = {0};
	int32_t sym;
	struct core *c = new_core(&s, &sym);
	assert_int_equal(core_restore_fill(c, 0, sym, SIDE_BUY, 10, 70000, 0, 0), KE_OK);
	/* cash 10,000,000 - 700,000 = 9,300,000 */
	struct order_request buy = {.sym = sym, .side = SIDE_BUY, .type = ORDER_LIMIT, .price = 69000, .qty = 5};
	int64_t id1, id2;
	char err[128];
	/* 2 of 5 filled: the rest 3 x 69,000 = 207,000 + commission 31 (0.015%, floored) */
	assert_int_equal(core_adopt_order(c, 0, &buy, 2, 138000, 1000, 1, &id1, err, sizeof(err)), KE_OK);
	assert_int_equal(core_available_cash(c, 0), 9300000 - 207031);
	struct order_request sell = {.sym = sym, .side = SIDE_SELL, .type = ORDER_LIMIT, .price = 72000, .qty = 4};
	assert_int_equal(core_adopt_order(c, 0, &sell, 0, 0, 1000, 0, &id2, err, sizeof(err)), KE_OK);
	struct core_position p;
	core_position(c, 0, sym, &p);
	assert_int_equal(p.available, 6);
	const struct order *o1 = core_order(c, id1), *o2 = core_order(c, id2);
	assert_int_equal(o1->state, ORDER_PARTIAL);
	assert_int_equal(o1->filled_qty, 2);
	assert_int_equal(o2->state, ORDER_SUBMITTED); /* its answer was lost */
	/* The broker's word: 3 shares only. Not below the 4 the sell holds. */
	assert_int_equal(core_set_position_qty(c, 0, sym, 3), KE_EINVAL);
	assert_int_equal(core_set_position_qty(c, 0, sym, 11), KE_EINVAL);
	assert_int_equal(core_set_position_qty(c, 0, sym, 5), KE_OK);
	core_position(c, 0, sym, &p);
	assert_int_equal(p.qty, 5);
	assert_int_equal(p.cost, 350000); /* 700,000 x 5 / 10 */
	/* Malformed: fully filled, or after the start. */
	assert_int_equal(core_adopt_order(c, 0, &buy, 5, 0, 1000, 1, &id1, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(core_start(c, 1000), KE_OK);
	assert_int_equal(core_adopt_order(c, 0, &buy, 0, 0, 1000, 1, &id1, err, sizeof(err)), KE_EINVAL);
	core_free(c);
}

static void test_redelivered_fill_then_delivered(void **state)
{
	(void)state;
	struct seen s = {0};
	int32_t sym;
	struct core *c = new_core(&s, &sym);
	assert_int_equal(core_restore_fill(c, 0, sym, SIDE_BUY, 3, 50000, 0, 0), KE_OK);
	assert_int_equal(core_start(c, 1000), KE_OK);
	struct fill f = {.strategy = 0, .sym = sym, .side = SIDE_BUY, .qty = 3, .price = 50000, .ref = 77};
	assert_int_equal(core_redeliver_fill(c, &f), KE_OK);
	assert_int_equal(s.delivered, 0); /* queued until the pump */
	core_pump(c);
	assert_string_equal(s.log, "fill 3@50000;delivered 770;");
	assert_int_equal(s.delivered_ref, 77);
	/* Nothing booked twice: still 3 shares. */
	struct core_position p;
	core_position(c, 0, sym, &p);
	assert_int_equal(p.qty, 3);
	f.strategy = 5;
	assert_int_equal(core_redeliver_fill(c, &f), KE_EINVAL);
	core_free(c);
}

static int calendar(void *ud, int32_t day)
{
	return day != *(const int32_t *)ud;
}

static void test_calendar_skips_closed_days(void **state)
{
	(void)state;
	struct seen s = {0};
	int32_t sym;
	struct core *c = new_core(&s, &sym);
	/* 2026-03-02 (Monday) is day 20514; 2026-03-03 closed here. */
	int32_t mon = ktime_days_from_civil(2026, 3, 2);
	assert_int_equal(mon, 20514);
	int32_t closed_day = mon + 1;
	core_set_calendar(c, calendar, &closed_day);
	int64_t t0 = ktime_day_start(mon) + 8 * 3600000LL; /* 08:00 KST */
	assert_int_equal(core_start(c, t0), KE_OK);
	int64_t id;
	assert_int_equal(core_timer_daily(c, 0, 10 * 3600000LL, 5, &id), KE_OK);
	/* Wall-clock steps through Monday, the closed Tuesday and Wednesday noon:
	 * opens and 10:00 timers on Monday and Wednesday only. */
	for (int64_t t = t0; t <= ktime_day_start(mon + 2) + 12 * 3600000LL; t += 600000)
		core_advance(c, t);
	assert_string_equal(s.log, "open00;timer 50;open00;timer 50;");
	core_free(c);
}

/* A live stop at 09:04 runs on_stop and nothing of the rest of the day;
 * a backtest's end of data still fires the day's remaining timers. */
static void test_stop_is_not_the_end_of_the_day(void **state)
{
	(void)state;
	for (int live = 1; live >= 0; live--) {
		struct seen s = {0};
		int32_t sym;
		struct core *c = new_core(&s, &sym);
		int32_t mon = ktime_days_from_civil(2026, 3, 2);
		assert_int_equal(core_start(c, ktime_day_start(mon) + 9 * 3600000LL + 1), KE_OK);
		int64_t id;
		assert_int_equal(core_timer_daily(c, 0, 15 * 3600000LL + 15 * 60000, 7, &id), KE_OK);
		struct tick t = {
		    .sym = sym, .price = 70000, .volume = 1, .time = ktime_day_start(mon) + 9 * 3600000LL + 240000};
		core_advance(c, t.time);
		core_on_tick(c, &t);
		if (live) {
			assert_int_equal(core_stop(c), KE_OK);
			assert_string_equal(s.log, "stop00;");
		} else {
			assert_int_equal(core_finish(c), KE_OK);
			assert_string_equal(s.log, "timer 70;stop00;");
		}
		assert_int_equal(core_stop(c), KE_ESTATE);
		core_free(c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_restore_fills_rebuild_the_book),
	    cmocka_unit_test(test_adopted_orders_hold_cash_and_shares),
	    cmocka_unit_test(test_redelivered_fill_then_delivered),
	    cmocka_unit_test(test_calendar_skips_closed_days),
	    cmocka_unit_test(test_stop_is_not_the_end_of_the_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
