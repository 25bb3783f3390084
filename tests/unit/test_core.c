/*
 * test_core.c - the core with a C strategy and the simulated broker:
 * the order life cycle as the strategy sees it, pre-trade checks,
 * reservations, modify/cancel, close_all, halts, loss limits and timers.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "ktime.h"
#include "simbroker.h"

/* ---- a scriptable C strategy that records what it sees ---- */

struct probe {
	char log[4096];
	int ticks;
	int fail_on_tick; /* return an error from on_tick */
	struct order last_order;
	struct fill last_fill;
	struct core *core;  /* for hooks that act back on the core */
	int64_t cancel_ref; /* a timer with this ref cancels itself when it fires */
};

static void note(struct probe *p, const char *fmt, ...)
{
	size_t n = strlen(p->log);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->log + n, sizeof(p->log) - n, fmt, ap);
	va_end(ap);
}

static int p_on_tick(void *impl, const struct tick *t)
{
	struct probe *p = impl;
	p->ticks++;
	note(p, "tick %lld;", (long long)t->price);
	return p->fail_on_tick ? KE_ESCRIPT : KE_OK;
}

static int p_on_order(void *impl, const struct order *o)
{
	struct probe *p = impl;
	p->last_order = *o;
	note(p, "order %lld %s;", (long long)o->id, order_state_name(o->state));
	return KE_OK;
}

static int p_on_fill(void *impl, const struct fill *f)
{
	struct probe *p = impl;
	p->last_fill = *f;
	note(p, "fill %lld %lld@%lld;", (long long)f->order_id, (long long)f->qty, (long long)f->price);
	return KE_OK;
}

static int p_on_timer(void *impl, int64_t id, int64_t ref, int final)
{
	struct probe *p = impl;
	(void) final;
	note(p, "timer %lld;", (long long)ref);
	if (p->cancel_ref && ref == p->cancel_ref)
		assert_int_equal(core_timer_cancel(p->core, 0, id), KE_OK);
	return KE_OK;
}

static int p_open(void *impl)
{
	note(impl, "open;");
	return KE_OK;
}

static int p_close(void *impl)
{
	note(impl, "close;");
	return KE_OK;
}

static const char *p_err(void *impl)
{
	(void)impl;
	return "probe failed on purpose";
}

static const struct strategy_hooks probe_hooks = {
    .on_tick = p_on_tick,
    .on_order = p_on_order,
    .on_fill = p_on_fill,
    .on_timer = p_on_timer,
    .on_market_open = p_open,
    .on_market_close = p_close,
    .last_error = p_err,
};

/* ---- fixture ---- */

struct fx {
	struct core *c;
	struct simbroker *v;
	struct probe p[2];
	int32_t sym;
	char logbuf[4096];
};

static void log_sink(void *ctx, enum core_log_level lvl, const char *s, int64_t t, const char *msg)
{
	struct fx *f = ctx;
	(void)lvl, (void)s, (void)t;
	size_t n = strlen(f->logbuf);
	snprintf(f->logbuf + n, sizeof(f->logbuf) - n, "%s\n", msg);
}

/* Monday 2026-03-02, KST. */
static int64_t at(const char *hms)
{
	char buf[64];
	int64_t ms;
	snprintf(buf, sizeof(buf), "2026-03-02T%s+09:00", hms);
	assert_int_equal(ktime_parse_iso(buf, strlen(buf), 0, &ms), 0);
	return ms;
}

static struct fx *setup_fx_age(int nstrat, int64_t cash, const struct risk_limits *risk, int halt_on_error,
                               int64_t max_data_age_ms)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_int_equal(core_new(NULL, &f->c), 0);
	struct core_log_sink ls = {f, log_sink, CORE_LOG_DEBUG};
	core_set_log(f->c, &ls);
	assert_int_equal(simbroker_new(NULL, core_broker_sink(f->c), &f->v), 0);
	struct broker b = simbroker_broker(f->v);
	core_set_broker(f->c, &b);
	assert_int_equal(core_symbol_intern(f->c, "005930", &f->sym), 0);
	for (int i = 0; i < nstrat; i++) {
		struct strategy_spec sp = {.name = i ? "second" : "first",
		                           .cash = cash,
		                           .halt_on_error = halt_on_error,
		                           .max_data_age_ms = max_data_age_ms};
		if (risk)
			sp.risk = *risk;
		int idx;
		f->p[i].core = f->c;
		assert_int_equal(core_add_strategy(f->c, &sp, &probe_hooks, &f->p[i], &idx), 0);
		assert_int_equal(idx, i);
	}
	assert_int_equal(core_start(f->c, at("08:59:00")), 0);
	return f;
}

static struct fx *setup_fx(int nstrat, int64_t cash, const struct risk_limits *risk, int halt_on_error)
{
	return setup_fx_age(nstrat, cash, risk, halt_on_error, 0);
}

static void teardown_fx(struct fx *f)
{
	core_free(f->c);
	simbroker_free(f->v);
	free(f);
}

/* The backtest driver's sequence for one print. */
static void feed(struct fx *f, int64_t t, int64_t price, int64_t vol)
{
	struct tick tk = {t, f->sym, price, vol, 0, 0};
	simbroker_advance(f->v, t);
	core_advance(f->c, t);
	simbroker_on_tick(f->v, &tk);
	core_on_tick(f->c, &tk);
}

static int64_t place(struct fx *f, int s, enum order_side side, int64_t price, int64_t qty)
{
	struct order_request r = {f->sym, side, price ? ORDER_LIMIT : ORDER_MARKET, price, qty};
	int64_t id = 0;
	char err[160];
	assert_int_equal(core_place(f->c, s, &r, &id, err, sizeof(err)), 0);
	core_pump(f->c);
	return id;
}

/* ---- tests ---- */

static void test_life_cycle_order_of_notifications(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 10000000, NULL, 1);
	feed(f, at("09:00:00"), 70000, 100);
	f->p[0].log[0] = '\0';
	place(f, 0, SIDE_BUY, 0, 10);
	feed(f, at("09:00:01"), 70100, 100);
	/* on_order for each transition, then the fill before the order's
	 * "filled", and both before the tick that caused them. */
	assert_string_equal(f->p[0].log,
	                    "order 1 submitted;order 1 accepted;fill 1 10@70100;order 1 filled;tick 70100;");
	/* 10 x 70,100 = 701,000; commission floor(701,000 x 0.015%) = floor(105.15) = 105. */
	assert_int_equal(core_cash(f->c, 0), 10000000 - 701000 - 105);
	assert_int_equal(core_available_cash(f->c, 0), core_cash(f->c, 0));
	struct core_position pos;
	core_position(f->c, 0, f->sym, &pos);
	assert_int_equal(pos.qty, 10);
	assert_int_equal(pos.avg_price, 70100);
	teardown_fx(f);
}

static void test_rejections_reach_on_order_with_reason(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	/* No price yet: a market order cannot be valued. */
	place(f, 0, SIDE_BUY, 0, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_REJECTED);
	assert_non_null(strstr(f->p[0].last_order.reason, "no price known"));

	core_set_prev_close(f->c, f->sym, 70000);
	feed(f, at("09:00:00"), 70000, 100);
	place(f, 0, SIDE_BUY, 70050, 1); /* 70,050 is off the 100-won grid */
	assert_int_equal(f->p[0].last_order.state, ORDER_REJECTED);
	assert_non_null(strstr(f->p[0].last_order.reason, "tick size"));
	place(f, 0, SIDE_BUY, 91100, 1); /* upper limit is 70,000 x 1.3 = 91,000 */
	assert_non_null(strstr(f->p[0].last_order.reason, "outside today's limits 49,000..91,000"));
	place(f, 0, SIDE_SELL, 70000, 1); /* nothing held */
	assert_non_null(strstr(f->p[0].last_order.reason, "not enough shares"));
	/* Cash 1,000,000: a market buy of 11 reserves 11 x 91,000 = 1,001,000 + fee. */
	place(f, 0, SIDE_BUY, 0, 11);
	assert_non_null(strstr(f->p[0].last_order.reason, "not enough cash"));
	/* 10 x 91,000 = 910,000 + floor(136.5) = 910,136 fits. */
	place(f, 0, SIDE_BUY, 0, 10);
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);
	assert_int_equal(core_available_cash(f->c, 0), 1000000 - 910136);
	assert_int_equal(core_buyable(f->c, 0, f->sym, 0), 0);
	teardown_fx(f);
}

static void test_malformed_requests_are_errors(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	char err[160];
	int64_t id;
	struct order_request r = {f->sym, SIDE_BUY, ORDER_MARKET, 0, 0};
	assert_int_equal(core_place(f->c, 0, &r, &id, err, sizeof(err)), KE_EINVAL);
	r.qty = 1;
	r.price = 100; /* market with a price */
	assert_int_equal(core_place(f->c, 0, &r, &id, err, sizeof(err)), KE_EINVAL);
	r.sym = 99;
	r.price = 0;
	assert_int_equal(core_place(f->c, 0, &r, &id, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(core_cancel(f->c, 0, 12345, err, sizeof(err)), KE_ENOENT);
	teardown_fx(f);
}

static void test_risk_limits(void **state)
{
	(void)state;
	struct risk_limits rl = {.max_order_value = 1000000, .max_open_orders = 2, .max_orders_per_minute = 3};
	struct fx *f = setup_fx(1, 100000000, &rl, 1);
	feed(f, at("09:00:00"), 70000, 100);
	place(f, 0, SIDE_BUY, 70000, 15); /* 1,050,000 > 1,000,000 */
	assert_non_null(strstr(f->p[0].last_order.reason, "max_order_value"));
	place(f, 0, SIDE_BUY, 60000, 1);
	place(f, 0, SIDE_BUY, 60000, 1);
	place(f, 0, SIDE_BUY, 60000, 1); /* third open order */
	assert_non_null(strstr(f->p[0].last_order.reason, "max_open_orders"));
	char err[160];
	assert_int_equal(core_cancel(f->c, 0, 2, err, sizeof(err)), 0);
	core_pump(f->c);
	place(f, 0, SIDE_BUY, 60000, 1); /* the 3rd sent this minute (ids 2, 3, 5): allowed */
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);
	assert_int_equal(core_cancel(f->c, 0, 3, err, sizeof(err)), 0);
	core_pump(f->c);
	place(f, 0, SIDE_BUY, 60000, 1);
	assert_non_null(strstr(f->p[0].last_order.reason, "max_orders_per_minute"));
	feed(f, at("09:01:00.001"), 70000, 100); /* the window has passed */
	place(f, 0, SIDE_BUY, 60000, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);
	teardown_fx(f);
}

static void test_reservations_follow_partial_fills_and_cancel(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 10000000, NULL, 1);
	feed(f, at("09:00:00"), 70000, 100);
	int64_t id = place(f, 0, SIDE_BUY, 70000, 100);
	/* 100 x 70,000 = 7,000,000 + floor(1,050) = 7,001,050 held. */
	assert_int_equal(core_available_cash(f->c, 0), 10000000 - 7001050);
	feed(f, at("09:00:01"), 69900, 40); /* 40 fill at 69,900 */
	assert_int_equal(f->p[0].last_order.state, ORDER_PARTIAL);
	/* Cash: 10,000,000 - 2,796,000 - floor(419.4) = 7,203,581. What stays
	 * held is what the remaining 60 need: 4,200,000 + floor(630) = 4,200,630. */
	assert_int_equal(core_cash(f->c, 0), 7203581);
	assert_int_equal(core_available_cash(f->c, 0), 7203581 - 4200630);
	char err[160];
	assert_int_equal(core_cancel(f->c, 0, id, err, sizeof(err)), 0);
	core_pump(f->c);
	assert_int_equal(f->p[0].last_order.state, ORDER_CANCELLED);
	assert_int_equal(core_available_cash(f->c, 0), core_cash(f->c, 0));
	assert_int_equal(core_cancel(f->c, 0, id, err, sizeof(err)), KE_ENOENT);
	teardown_fx(f);
}

static void test_modify_reserves_and_releases(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	feed(f, at("09:00:00"), 70000, 100);
	int64_t id = place(f, 0, SIDE_BUY, 60000, 10); /* 600,000 + 90 */
	assert_int_equal(core_available_cash(f->c, 0), 1000000 - 600090);
	char err[160];
	/* Raise to 70,000 x 10 = 700,000 + 105: 100,015 more held. */
	assert_int_equal(core_modify(f->c, 0, id, 70000, 0, err, sizeof(err)), 0);
	core_pump(f->c);
	assert_int_equal(core_available_cash(f->c, 0), 1000000 - 700105);
	assert_int_equal(core_order(f->c, id)->price, 70000);
	/* Lower the quantity to 5 at 70,000: 350,000 + 52. */
	assert_int_equal(core_modify(f->c, 0, id, 0, 5, err, sizeof(err)), 0);
	core_pump(f->c);
	assert_int_equal(core_available_cash(f->c, 0), 1000000 - 350052);
	assert_int_equal(core_order(f->c, id)->qty, 5);
	/* Raising the quantity or asking for more cash than there is fails at once. */
	assert_int_equal(core_modify(f->c, 0, id, 0, 6, err, sizeof(err)), KE_EINVAL);
	assert_int_equal(core_modify(f->c, 0, id, 90000, 0, err, sizeof(err)), 0); /* 450,067 fits */
	core_pump(f->c);
	assert_int_equal(core_modify(f->c, 0, id, 70050, 0, err, sizeof(err)), KE_EINVAL); /* off-grid */
	teardown_fx(f);
}

static void test_close_all_sells_everything(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 10000000, NULL, 1);
	feed(f, at("09:00:00"), 70000, 1000);
	place(f, 0, SIDE_BUY, 0, 30);
	feed(f, at("09:00:01"), 70000, 1000);
	place(f, 0, SIDE_SELL, 90000, 10); /* a resting sell holds 10 shares */
	place(f, 0, SIDE_BUY, 60000, 5);   /* a resting buy */
	assert_int_equal(core_close_all(f->c, 0), 0);
	core_pump(f->c);
	/* The cancels free the 10 shares, which join the market sell of all 30. */
	feed(f, at("09:00:02"), 70100, 1000);
	struct core_position pos;
	core_position(f->c, 0, f->sym, &pos);
	assert_int_equal(pos.qty, 0);
	int n = 0;
	for (int64_t id = 1; id <= 10; id++) {
		const struct order *o = core_order(f->c, id);
		n += o && order_is_open(o);
	}
	assert_int_equal(n, 0);
	teardown_fx(f);
}

static void test_errors_halt_or_continue(void **state)
{
	(void)state;
	struct fx *f = setup_fx(2, 1000000, NULL, 1);
	f->p[0].fail_on_tick = 1;
	feed(f, at("09:00:00"), 70000, 100);
	place(f, 0, SIDE_BUY, 60000, 1); /* halted: rejected */
	feed(f, at("09:00:01"), 70000, 100);
	assert_int_equal(f->p[0].ticks, 1); /* halted after its first error */
	assert_int_equal(f->p[1].ticks, 2); /* the other strategy is untouched */
	assert_true(core_strategy_failed(f->c, 0));
	assert_non_null(strstr(core_strategy_halted(f->c, 0), "probe failed on purpose"));
	assert_null(core_strategy_halted(f->c, 1));
	teardown_fx(f);

	f = setup_fx(1, 1000000, NULL, 0); /* on_error = continue */
	f->p[0].fail_on_tick = 1;
	feed(f, at("09:00:00"), 70000, 100);
	feed(f, at("09:00:01"), 70000, 100);
	assert_int_equal(f->p[0].ticks, 2);
	assert_false(core_strategy_failed(f->c, 0));
	assert_non_null(strstr(f->logbuf, "keeps running"));
	teardown_fx(f);
}

static void test_halt_cancels_open_orders(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	feed(f, at("09:00:00"), 70000, 100);
	int64_t id = place(f, 0, SIDE_BUY, 60000, 5);
	assert_int_equal(core_halt_strategy(f->c, 0, "kill switch"), 0);
	core_pump(f->c);
	/* A halted strategy hears nothing more; the venue and the books show the cancel. */
	assert_int_equal(simbroker_open_count(f->v), 0);
	assert_null(core_order(f->c, id)); /* ended and reported: released */
	assert_int_equal(core_available_cash(f->c, 0), 1000000);
	assert_string_equal(core_strategy_halted(f->c, 0), "kill switch");
	assert_false(core_strategy_failed(f->c, 0));
	teardown_fx(f);
}

static void test_daily_loss_limit_halts(void **state)
{
	(void)state;
	struct risk_limits rl = {.daily_loss_limit = 50000};
	struct fx *f = setup_fx(1, 10000000, &rl, 1);
	feed(f, at("09:00:00"), 70000, 1000);
	place(f, 0, SIDE_BUY, 0, 100);
	feed(f, at("09:00:01"), 70000, 1000); /* bought 100 @ 70,000, fee 1,050 */
	place(f, 0, SIDE_SELL, 90000, 10);
	feed(f, at("09:00:02"), 69600, 1000); /* -40,000 - 1,050 = -41,050: still inside */
	assert_null(core_strategy_halted(f->c, 0));
	feed(f, at("09:00:03"), 69500, 1000); /* -50,000 - 1,050: over the limit */
	assert_non_null(core_strategy_halted(f->c, 0));
	assert_non_null(strstr(core_strategy_halted(f->c, 0), "daily loss limit"));
	assert_false(core_strategy_failed(f->c, 0));
	assert_int_equal(simbroker_open_count(f->v), 0); /* the resting sell was cancelled */
	assert_null(core_order(f->c, 2));
	struct core_position pos;
	core_position(f->c, 0, f->sym, &pos);
	assert_int_equal(pos.available, 100); /* its 10 shares are free again */
	teardown_fx(f);
}

static void test_timers_fire_in_order_before_the_event(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	int64_t id;
	/* Clock is 08:59:00. Equal due times fire in creation order. */
	assert_int_equal(core_timer_after(f->c, 0, 60000, 0, 1, &id), 0);      /* 09:00:00 */
	assert_int_equal(core_timer_daily(f->c, 0, 9 * 3600000LL, 2, &id), 0); /* 09:00:00 daily */
	assert_int_equal(core_timer_after(f->c, 0, 0, 30000, 3, &id), 0);      /* every 30 s from 08:59:30 */
	feed(f, at("09:00:00"), 70000, 100);
	/* 08:59:30 every(3); then at 09:00:00 the market open hook (armed at
	 * start), after(1), daily(2), every(3) again; then the tick. */
	assert_string_equal(f->p[0].log, "timer 3;open;timer 1;timer 2;timer 3;tick 70000;");
	f->p[0].log[0] = '\0';
	assert_int_equal(core_timer_cancel(f->c, 0, id), 0);
	feed(f, at("15:31:00"), 70000, 100);
	assert_string_equal(f->p[0].log, "close;tick 70000;");
	teardown_fx(f);
}

static void test_days_without_data_get_no_daily_timers(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	int64_t id;
	assert_int_equal(core_timer_daily(f->c, 0, 15 * 3600000LL + 15 * 60000, 7, &id), 0); /* 15:15 */
	feed(f, at("15:00:00"), 70000, 100);
	f->p[0].log[0] = '\0';
	/* Next event Thursday 09:00: Monday's 15:15 and close still fire (Monday
	 * had data); Tuesday and Wednesday had none and are skipped. */
	feed(f, at("09:00:00") + 3 * KTIME_DAY_MS, 70000, 100);
	assert_string_equal(f->p[0].log, "timer 7;close;open;tick 70000;");
	teardown_fx(f);
}

static void test_repeating_timer_cancelled_from_its_callback(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	int64_t id;
	f->p[0].cancel_ref = 5;
	assert_int_equal(core_timer_after(f->c, 0, 0, 10000, 5, &id), 0); /* every 10 s from 08:59:10 */
	feed(f, at("09:10:00"), 70000, 100);
	/* It fired once and cancelled itself: no re-arm, no further calls. */
	assert_string_equal(f->p[0].log, "timer 5;open;tick 70000;");
	teardown_fx(f);
}

static void test_every_timer_does_not_burst_after_a_gap(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	int64_t id;
	assert_int_equal(core_timer_after(f->c, 0, 0, 60000, 4, &id), 0); /* every minute from 09:00:00 */
	feed(f, at("09:00:30"), 70000, 100);
	f->p[0].log[0] = '\0';
	/* 09:01 .. 09:30 were missed while no event came: the 09:01 occurrence
	 * fires, then the latest one due (09:30), not thirty in a row. */
	feed(f, at("09:30:30"), 70000, 100);
	assert_string_equal(f->p[0].log, "timer 4;timer 4;tick 70000;");
	teardown_fx(f);
}

static void test_strategies_have_separate_books(void **state)
{
	(void)state;
	struct fx *f = setup_fx(2, 5000000, NULL, 1);
	feed(f, at("09:00:00"), 70000, 1000);
	place(f, 0, SIDE_BUY, 0, 10);
	feed(f, at("09:00:01"), 70000, 1000);
	struct core_position p0, p1;
	core_position(f->c, 0, f->sym, &p0);
	core_position(f->c, 1, f->sym, &p1);
	assert_int_equal(p0.qty, 10);
	assert_int_equal(p1.qty, 0);
	assert_int_equal(core_cash(f->c, 1), 5000000);
	/* The second strategy cannot sell the first one's shares. */
	place(f, 1, SIDE_SELL, 0, 1);
	assert_int_equal(f->p[1].last_order.state, ORDER_REJECTED);
	struct core_totals t;
	core_totals(f->c, -1, &t);
	assert_int_equal(t.initial_cash, 10000000);
	assert_int_equal(t.cash + t.position_value, 10000000 - 105); /* 700,000 x 0.015% = 105 */
	teardown_fx(f);
}

/* ---- order books, feed status, the stale-data guard ---- */

/* A journal that can fail: counts what it saw, refuses on demand. */
struct journal_probe {
	int orders_seen, refuse;
	enum order_state state_at_send;
};

static void jp_order(void *ctx, const struct order *o)
{
	struct journal_probe *j = ctx;
	(void)o;
	j->orders_seen++;
}

static int jp_before_send(void *ctx, const struct order *o)
{
	struct journal_probe *j = ctx;
	j->state_at_send = o->state;
	return j->refuse ? KE_EIO : KE_OK;
}

static void test_journal_refusal_keeps_the_order_home(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	struct journal_probe jp = {0};
	struct core_observer obs = {.ctx = &jp, .on_order = jp_order, .before_send = jp_before_send};
	core_set_observer(f->c, &obs);
	struct order_request rq = {.sym = f->sym, .side = SIDE_BUY, .type = ORDER_LIMIT, .price = 70000, .qty = 1};
	int64_t id;
	char err[128];
	/* Recorded: it goes to the broker (the simulated one holds it). */
	assert_int_equal(core_place(f->c, 0, &rq, &id, err, sizeof(err)), KE_OK);
	assert_int_equal(jp.state_at_send, ORDER_SUBMITTED);
	assert_int_equal(simbroker_open_count(f->v), 1);
	/* Not recorded: rejected at home, never sent, its cash released. */
	jp.refuse = 1;
	assert_int_equal(core_place(f->c, 0, &rq, &id, err, sizeof(err)), KE_OK);
	core_pump(f->c);
	assert_int_equal(simbroker_open_count(f->v), 1);
	/* The strategy heard: order 2 submitted, then rejected (order 1's
	 * acceptance comes from the broker's queue, after). */
	assert_non_null(strstr(f->p[0].log, "order 2 submitted;order 2 rejected;"));
	assert_int_equal(jp.orders_seen, 4); /* 1 submitted, 2 submitted, 2 rejected, 1 accepted */
	/* 1,000,000 minus the first order's reservation only: 70,000 + commission
	 * at 0.015% = 10 won (truncated) -> 929,990 available. */
	assert_int_equal(core_available_cash(f->c, 0), 1000000 - 70000 - 10);
	teardown_fx(f);
}

static void test_book_stored_and_replaced(void **state)
{
	(void)state;
	struct fx *f = setup_fx(1, 1000000, NULL, 1);
	int32_t other;
	assert_int_equal(core_symbol_intern(f->c, "000660", &other), 0);
	assert_null(core_book(f->c, f->sym));
	assert_null(core_book(f->c, -1));
	assert_null(core_book(f->c, 99));

	struct book b = {.time = at("09:00:00.250"), .sym = f->sym, .total_ask_qty = 500, .total_bid_qty = 700};
	b.ask[0] = 70100, b.ask_qty[0] = 30;
	b.ask[1] = 70200, b.ask_qty[1] = 40;
	b.bid[0] = 70000, b.bid_qty[0] = 10;
	assert_int_equal(core_on_book(f->c, &b), 0);
	b.ask[0] = 1; /* the core keeps a copy, not the caller's struct */
	const struct book *got = core_book(f->c, f->sym);
	assert_non_null(got);
	assert_int_equal(got->time, at("09:00:00.250"));
	assert_int_equal(got->sym, f->sym);
	assert_int_equal(got->ask[0], 70100);
	assert_int_equal(got->ask_qty[1], 40);
	assert_int_equal(got->ask[2], 0);
	assert_int_equal(got->bid[0], 70000);
	assert_int_equal(got->bid_qty[0], 10);
	assert_int_equal(got->total_ask_qty, 500);
	assert_int_equal(got->total_bid_qty, 700);
	assert_null(core_book(f->c, other)); /* books are per symbol */

	/* A newer book replaces the whole of the old one. */
	struct book n = {.time = at("09:00:01"), .sym = f->sym, .total_ask_qty = 9, .total_bid_qty = 8};
	n.bid[0] = 69900, n.bid_qty[0] = 8;
	assert_int_equal(core_on_book(f->c, &n), 0);
	got = core_book(f->c, f->sym);
	assert_int_equal(got->time, at("09:00:01"));
	assert_int_equal(got->ask[0], 0);
	assert_int_equal(got->ask[1], 0);
	assert_int_equal(got->bid[0], 69900);
	assert_int_equal(got->total_ask_qty, 9);

	/* A bad symbol is refused and changes nothing. */
	n.sym = 99;
	assert_int_equal(core_on_book(f->c, &n), KE_EINVAL);
	n.sym = -1;
	assert_int_equal(core_on_book(f->c, &n), KE_EINVAL);
	assert_null(core_book(f->c, other));
	/* A book is not a trade: no hook ran, no price, the clock did not move. */
	assert_string_equal(f->p[0].log, "");
	assert_int_equal(core_last_price(f->c, f->sym), 0);
	assert_int_equal(core_now(f->c), at("08:59:00"));
	teardown_fx(f);
}

static void test_feed_status_default_and_set(void **state)
{
	(void)state;
	struct fx *f = setup_fx(0, 0, NULL, 1);
	struct feed_status st;
	memset(&st, 0x5a, sizeof(st));
	core_feed_status(f->c, &st);
	/* Never reported (a backtest): up, no frame, nothing counted. */
	assert_int_equal(st.connected, 1);
	assert_int_equal(st.last_frame, 0);
	assert_int_equal(st.reconnects, 0);
	assert_int_equal(st.frames_per_sec, 0);

	struct feed_status down = {.connected = 0, .last_frame = at("09:00:00"), .reconnects = 3, .frames_per_sec = 42};
	core_set_feed_status(f->c, &down);
	core_feed_status(f->c, &st);
	assert_int_equal(st.connected, 0);
	assert_int_equal(st.last_frame, at("09:00:00"));
	assert_int_equal(st.reconnects, 3);
	assert_int_equal(st.frames_per_sec, 42);
	teardown_fx(f);
}

static void test_stale_guard(void **state)
{
	(void)state;
	/* Both strategies refuse data older than 5 s; the second is then turned off. */
	struct fx *f = setup_fx_age(2, 10000000, NULL, 1, 5000);
	assert_int_equal(core_set_max_data_age(f->c, 1, 0), 0);
	assert_int_equal(core_set_max_data_age(f->c, 1, -1), KE_EINVAL);
	assert_int_equal(core_set_max_data_age(f->c, 2, 0), KE_EINVAL);

	/* No tick yet: stale. The order exists and is rejected like any pre-trade failure. */
	int64_t id = place(f, 0, SIDE_BUY, 70000, 1);
	assert_true(id > 0);
	assert_int_equal(f->p[0].last_order.id, id);
	assert_int_equal(f->p[0].last_order.state, ORDER_REJECTED);
	assert_string_equal(f->p[0].last_order.reason, "stale market data: no 005930 tick has arrived yet (limit 5 s)");
	assert_int_equal(core_available_cash(f->c, 0), 10000000); /* nothing held */

	feed(f, at("09:00:00"), 70000, 1000);
	/* 09:00:05 - 09:00:00 = 5,000 ms: at the limit, still fresh. */
	core_advance(f->c, at("09:00:05"));
	int64_t resting = place(f, 0, SIDE_BUY, 69000, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);

	/* 09:00:12.300 - 09:00:00 = 12,300 ms > 5,000. */
	core_advance(f->c, at("09:00:12.300"));
	place(f, 0, SIDE_BUY, 69000, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_REJECTED);
	assert_string_equal(f->p[0].last_order.reason,
	                    "stale market data: the last 005930 tick is 12.3 s old (limit 5 s)");
	/* Sells are new orders too. */
	place(f, 0, SIDE_SELL, 0, 1);
	assert_non_null(strstr(f->p[0].last_order.reason, "stale market data"));
	/* The strategy with the guard off trades on the same old data. */
	place(f, 1, SIDE_BUY, 69000, 1);
	assert_int_equal(f->p[1].last_order.state, ORDER_ACCEPTED);
	/* A cancel is never refused by the guard. */
	char err[160];
	assert_int_equal(core_cancel(f->c, 0, resting, err, sizeof(err)), 0);
	core_pump(f->c);
	assert_int_equal(f->p[0].last_order.id, resting);
	assert_int_equal(f->p[0].last_order.state, ORDER_CANCELLED);

	/* A new print makes it fresh again; so does a bar. */
	feed(f, at("09:00:13"), 70000, 1000);
	place(f, 0, SIDE_BUY, 69000, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);
	struct bar b = {.time = at("09:01:00"),
	                .sym = f->sym,
	                .open = 70000,
	                .high = 70000,
	                .low = 70000,
	                .close = 70000,
	                .volume = 10};
	core_advance(f->c, b.time);
	core_on_bar(f->c, &b);
	/* 09:01:04.999 - 09:01:00 = 4,999 ms; the print at 09:00:13 is long gone. */
	core_advance(f->c, at("09:01:04.999"));
	place(f, 0, SIDE_BUY, 69000, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);

	/* The driver reports the feed down: refused however fresh the last print. */
	struct feed_status st = {.connected = 0, .last_frame = at("09:01:04"), .reconnects = 1, .frames_per_sec = 0};
	core_set_feed_status(f->c, &st);
	place(f, 0, SIDE_BUY, 69000, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_REJECTED);
	assert_string_equal(f->p[0].last_order.reason, "stale market data: the realtime feed is down");
	place(f, 1, SIDE_BUY, 69000, 1); /* guard off: the feed does not matter */
	assert_int_equal(f->p[1].last_order.state, ORDER_ACCEPTED);
	st.connected = 1;
	core_set_feed_status(f->c, &st);
	place(f, 0, SIDE_BUY, 69000, 1);
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);
	teardown_fx(f);
}

/* Getting out always works: close_all's market sells pass the guard. */
static void test_stale_guard_spares_close_all(void **state)
{
	(void)state;
	struct fx *f = setup_fx_age(1, 10000000, NULL, 1, 5000);
	feed(f, at("09:00:00"), 70000, 1000);
	place(f, 0, SIDE_BUY, 0, 10);
	feed(f, at("09:00:01"), 70000, 1000); /* bought 10 @ 70,000 */
	int64_t resting = place(f, 0, SIDE_SELL, 80000, 4);
	assert_int_equal(f->p[0].last_order.state, ORDER_ACCEPTED);

	/* A minute without prints, and the feed down. */
	core_advance(f->c, at("09:01:01"));
	struct feed_status st = {.connected = 0, .last_frame = at("09:00:01")};
	core_set_feed_status(f->c, &st);
	place(f, 0, SIDE_SELL, 0, 6);
	assert_int_equal(f->p[0].last_order.state, ORDER_REJECTED);
	assert_non_null(strstr(f->p[0].last_order.reason, "stale market data"));

	f->p[0].log[0] = '\0';
	assert_int_equal(core_close_all(f->c, 0), 0);
	core_pump(f->c);
	/* The 6 free shares are sold at once (order 4); the cancel of the
	 * resting sell (order 2) frees 4 more, which are sold next (order 5).
	 * Broker answers are delivered in arrival order (cancel 2, accept 4,
	 * accept 5) and each notification after what caused it: */
	assert_string_equal(f->p[0].log,
	                    "order 4 submitted;order 2 cancelled;order 5 submitted;order 4 accepted;order 5 accepted;");
	assert_null(core_order(f->c, resting)); /* ended and reported */
	assert_int_equal(core_order(f->c, 4)->type, ORDER_MARKET);
	assert_int_equal(core_order(f->c, 4)->qty, 6);
	assert_int_equal(core_order(f->c, 5)->qty, 4);
	feed(f, at("09:01:02"), 70000, 1000);
	struct core_position pos;
	core_position(f->c, 0, f->sym, &pos);
	assert_int_equal(pos.qty, 0);
	teardown_fx(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_life_cycle_order_of_notifications),
	    cmocka_unit_test(test_rejections_reach_on_order_with_reason),
	    cmocka_unit_test(test_malformed_requests_are_errors),
	    cmocka_unit_test(test_risk_limits),
	    cmocka_unit_test(test_reservations_follow_partial_fills_and_cancel),
	    cmocka_unit_test(test_modify_reserves_and_releases),
	    cmocka_unit_test(test_close_all_sells_everything),
	    cmocka_unit_test(test_errors_halt_or_continue),
	    cmocka_unit_test(test_halt_cancels_open_orders),
	    cmocka_unit_test(test_daily_loss_limit_halts),
	    cmocka_unit_test(test_timers_fire_in_order_before_the_event),
	    cmocka_unit_test(test_days_without_data_get_no_daily_timers),
	    cmocka_unit_test(test_repeating_timer_cancelled_from_its_callback),
	    cmocka_unit_test(test_every_timer_does_not_burst_after_a_gap),
	    cmocka_unit_test(test_strategies_have_separate_books),
	    cmocka_unit_test(test_book_stored_and_replaced),
	    cmocka_unit_test(test_journal_refusal_keeps_the_order_home),
	    cmocka_unit_test(test_feed_status_default_and_set),
	    cmocka_unit_test(test_stale_guard),
	    cmocka_unit_test(test_stale_guard_spares_close_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
