/*
 * test_restore.c - a restart rebuilt from a journal written by hand here:
 * books from every fill, today's open orders adopted, an earlier day's and
 * paper orders ended in the journal, untold fills queued for redelivery,
 * ctx.state-less strategies, fills of strategies no longer configured;
 * then KIS's balance (KIS wins, unowned shares left alone) and orders at
 * KIS that the journal does not know.
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
#include <unistd.h>

#include "core.h"
#include "journal.h"
#include "ktime.h"
#include "restore.h"

struct said {
	char text[4096];
	int warnings;
};

static void say(void *ud, enum core_log_level level, const char *msg)
{
	struct said *s = ud;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof(s->text) - n, "%s\n", msg);
	s->warnings += level >= CORE_LOG_WARN;
}

static const char *no_err(void *impl)
{
	(void)impl;
	return "";
}

static const struct strategy_hooks quiet_hooks = {.last_error = no_err};

struct fx {
	char dir[64], path[96];
	struct journal *jr;
	struct core *core;
	int32_t today;
	int64_t run;
};

static void fx_open(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_restore.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/j.db", f->dir);
	char err[256];
	assert_int_equal(journal_open(f->path, &f->jr, err, sizeof(err)), KE_OK);
	assert_int_equal(core_new(NULL, &f->core), KE_OK);
	struct strategy_spec a = {.name = "alpha", .cash = 10000000};
	struct strategy_spec b = {.name = "beta", .cash = 5000000};
	int idx;
	assert_int_equal(core_add_strategy(f->core, &a, &quiet_hooks, NULL, &idx), KE_OK);
	assert_int_equal(core_add_strategy(f->core, &b, &quiet_hooks, NULL, &idx), KE_OK);
	f->today = ktime_days_from_civil(2026, 3, 3);
	assert_int_equal(journal_run_begin(f->jr, ktime_day_start(f->today - 1), "mock", "mock", &f->run), KE_OK);
}

static void fx_close(struct fx *f)
{
	core_free(f->core);
	journal_close(f->jr);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
}

static int64_t add_order(struct fx *f, const char *strategy, enum order_side side, int64_t qty, int64_t price,
                         int32_t day, const char *state, const char *odno)
{
	static int64_t engine_id;
	struct journal_order o;
	memset(&o, 0, sizeof(o));
	o.run_id = f->run;
	o.engine_id = ++engine_id;
	snprintf(o.strategy, sizeof(o.strategy), "%s", strategy);
	snprintf(o.symbol, sizeof(o.symbol), "005930");
	o.side = side;
	o.type = ORDER_LIMIT;
	o.price = price;
	o.qty = qty;
	o.created = o.updated = ktime_day_start(day) + 10 * 3600000LL;
	snprintf(o.state, sizeof(o.state), "%s", state);
	snprintf(o.odno, sizeof(o.odno), "%s", odno);
	snprintf(o.orgno, sizeof(o.orgno), "%s", odno[0] ? "06010" : "");
	assert_int_equal(journal_order_add(f->jr, &o), KE_OK);
	return o.id;
}

static int64_t add_fill(struct fx *f, int64_t order, int64_t qty, int64_t price, int64_t fee, int64_t tax,
                        const char *key, int notified)
{
	struct journal_fill jf;
	memset(&jf, 0, sizeof(jf));
	jf.order_id = order;
	jf.time = ktime_day_start(f->today) + 10 * 3600000LL;
	jf.qty = qty;
	jf.price = price;
	jf.fee = fee;
	jf.tax = tax;
	snprintf(jf.venue_key, sizeof(jf.venue_key), "%s", key);
	int ins;
	assert_int_equal(journal_fill_add(f->jr, &jf, &ins), KE_OK);
	if (notified)
		assert_int_equal(journal_fill_notified(f->jr, jf.id, 1), KE_OK);
	return jf.id;
}

static void test_restore_books_adopts_and_expires(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	/* Yesterday: alpha bought 10 @ 70,000 (fee 105), told. */
	int64_t o1 = add_order(&f, "alpha", SIDE_BUY, 10, 70000, f.today - 1, "filled", "0000000001");
	add_fill(&f, o1, 10, 70000, 105, 0, "1:10", 1);
	/* Yesterday: a sell of 3 still "accepted": it expired with its day. */
	int64_t o2 = add_order(&f, "alpha", SIDE_SELL, 3, 75000, f.today - 1, "accepted", "0000000002");
	/* Today: a buy of 5 of which 2 filled (told 1, the second not yet). */
	int64_t o3 = add_order(&f, "alpha", SIDE_BUY, 5, 69000, f.today, "partially_filled", "0000000007");
	add_fill(&f, o3, 1, 69000, 10, 0, "7:1", 1);
	int64_t untold = add_fill(&f, o3, 1, 69000, 10, 0, "7:2", 0);
	/* Today: an order journaled before its request left; never answered. */
	int64_t o4 = add_order(&f, "beta", SIDE_BUY, 1, 69000, f.today, "submitted", "");
	/* A strategy that is not in this run: its fill is not booked. */
	int64_t o5 = add_order(&f, "gamma", SIDE_BUY, 4, 70000, f.today, "filled", "0000000009");
	add_fill(&f, o5, 4, 70000, 42, 0, "9:4", 1);

	struct restore_plan p;
	struct said s = {0};
	char err[256];
	assert_int_equal(restore_from_journal(f.jr, f.core, f.today, 0, 5, &p, say, &s, err, sizeof(err)), KE_OK);
	/* alpha: cash 10,000,000 - 700,105 - 69,010 - 69,010 = 9,161,875; 12 shares. */
	int32_t sym;
	assert_int_equal(core_symbol_find(f.core, "005930", &sym), KE_OK);
	struct core_position pos;
	core_position(f.core, 0, sym, &pos);
	assert_int_equal(pos.qty, 12);
	assert_int_equal(core_cash(f.core, 0), 9161875);
	assert_int_equal(p.fills_booked, 3);
	assert_int_equal(p.foreign_fills, 1);
	assert_int_equal(p.orders_expired, 1);
	/* Two adopted: o3 with 2 booked (value 138,000), o4 with no number. */
	assert_int_equal(p.nadopted, 2);
	assert_int_equal(p.adopted[0].journal_id, o3);
	assert_int_equal(p.adopted[0].filled_qty, 2);
	assert_int_equal(p.adopted[0].filled_value, 138000);
	assert_string_equal(p.adopted[0].odno, "0000000007");
	assert_int_equal(p.adopted[1].journal_id, o4);
	assert_string_equal(p.adopted[1].odno, "");
	const struct order *a3 = core_order(f.core, p.adopted[0].engine_id);
	assert_non_null(a3);
	assert_int_equal(a3->state, ORDER_PARTIAL);
	assert_int_equal(core_order(f.core, p.adopted[1].engine_id)->state, ORDER_SUBMITTED);
	/* alpha's buy rest holds 3 x 69,000 + 31 commission. */
	assert_int_equal(core_available_cash(f.core, 0), 9161875 - 207031);
	/* The untold fill, under the adopted order's new id. */
	assert_int_equal(p.nredeliver, 1);
	assert_int_equal(p.redeliver[0].ref, untold);
	assert_int_equal(p.redeliver[0].order_id, p.adopted[0].engine_id);
	assert_int_equal(p.redeliver[0].qty, 1);
	/* Today's numbers of ended orders are claimed (never adopted again):
	 * o5's. Not o2's: it is yesterday's, and KIS numbers restart daily. */
	assert_int_equal(p.nclaimed, 1);
	assert_string_equal(p.claimed[0], "0000000009");
	/* The journal: o2 cancelled with the reason, o3 untouched. */
	struct journal_order jo;
	assert_int_equal(journal_order_get(f.jr, o2, &jo), KE_OK);
	assert_string_equal(jo.state, "cancelled");
	assert_string_equal(jo.reason, "expired: KRX orders last one day");
	assert_int_equal(journal_order_get(f.jr, o3, &jo), KE_OK);
	assert_string_equal(jo.state, "partially_filled");
	assert_non_null(strstr(s.text, "belong to strategies not in this run"));
	restore_plan_free(&p);

	/* KIS holds 10 (not 12): alpha gives up 2; and 7 of 000660 nobody's. */
	struct kis_msg_position kp[2];
	memset(kp, 0, sizeof(kp));
	snprintf(kp[0].symbol, sizeof(kp[0].symbol), "005930");
	kp[0].qty = 10;
	snprintf(kp[1].symbol, sizeof(kp[1].symbol), "000660");
	kp[1].qty = 7;
	struct kis_msg_balance bal = {.pos = kp, .npos = 2};
	struct restore_balance_result r;
	/* alpha's adopted buy works on 005930: not compared while it does. */
	restore_compare_balance(f.core, &bal, say, &s, &r);
	assert_int_equal(r.skipped, 1);
	assert_int_equal(r.unowned, 1);
	core_position(f.core, 0, sym, &pos);
	assert_int_equal(pos.qty, 12);
	fx_close(&f);
}

static void test_balance_kis_wins_and_paper_orders_end(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	int64_t o1 = add_order(&f, "alpha", SIDE_BUY, 6, 70000, f.today, "filled", "");
	add_fill(&f, o1, 6, 70000, 0, 0, "engine:6", 1);
	int64_t o2 = add_order(&f, "beta", SIDE_BUY, 4, 70000, f.today, "filled", "");
	add_fill(&f, o2, 4, 70000, 0, 0, "engine:4", 1);
	int64_t o3 = add_order(&f, "beta", SIDE_BUY, 1, 60000, f.today, "accepted", "");
	struct restore_plan p;
	struct said s = {0};
	char err[256];
	/* Paper: an open order does not survive its run. */
	assert_int_equal(restore_from_journal(f.jr, f.core, f.today, 1, 5, &p, say, &s, err, sizeof(err)), KE_OK);
	assert_int_equal(p.nadopted, 0);
	struct journal_order jo;
	assert_int_equal(journal_order_get(f.jr, o3, &jo), KE_OK);
	assert_string_equal(jo.state, "cancelled");
	assert_string_equal(jo.reason, "paper orders end with their run");
	restore_plan_free(&p);
	/* KIS holds 7 of the 10: the last strategy (beta, 4) gives up 3 first. */
	struct kis_msg_position kp;
	memset(&kp, 0, sizeof(kp));
	snprintf(kp.symbol, sizeof(kp.symbol), "005930");
	kp.qty = 7;
	struct kis_msg_balance bal = {.pos = &kp, .npos = 1};
	struct restore_balance_result r;
	restore_compare_balance(f.core, &bal, say, &s, &r);
	assert_int_equal(r.lowered, 1);
	int32_t sym;
	assert_int_equal(core_symbol_find(f.core, "005930", &sym), KE_OK);
	struct core_position pa, pb;
	core_position(f.core, 0, sym, &pa);
	core_position(f.core, 1, sym, &pb);
	assert_int_equal(pa.qty, 6);
	assert_int_equal(pb.qty, 1);
	assert_non_null(strstr(s.text, "strategy 'beta' now holds 1 (was 4)"));
	/* KIS holds none at all: everyone's holding goes. */
	bal.npos = 0;
	restore_compare_balance(f.core, &bal, say, &s, &r);
	core_position(f.core, 0, sym, &pa);
	assert_int_equal(pa.qty, 0);

	/* Orders at KIS today: ours (o4's number) and one placed by hand. */
	int64_t o4 = add_order(&f, "alpha", SIDE_BUY, 2, 70000, f.today, "accepted", "0000000031");
	(void)o4;
	struct kis_msg_ccld_row rows[3];
	memset(rows, 0, sizeof(rows));
	snprintf(rows[0].odno, sizeof(rows[0].odno), "31"); /* KIS drops the padding here */
	snprintf(rows[1].odno, sizeof(rows[1].odno), "0000000032");
	snprintf(rows[1].symbol, sizeof(rows[1].symbol), "000660");
	rows[1].side = SIDE_SELL;
	rows[1].qty = 3;
	snprintf(rows[2].odno, sizeof(rows[2].odno), "0000000033"); /* a revise of ours */
	snprintf(rows[2].orig_odno, sizeof(rows[2].orig_odno), "0000000031");
	struct kis_msg_ccld_list list = {.rows = rows, .n = 3};
	s.text[0] = '\0';
	assert_int_equal(restore_report_foreign_orders(f.jr, &list, f.today, say, &s), 1);
	assert_non_null(strstr(s.text, "KIS order 0000000032 (sell 3 000660, 0 filled) was not placed by this engine"));
	fx_close(&f);
}

static void test_bad_journal_rows(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	/* A sell journaled with no buy behind it cannot be booked: refused. */
	int64_t o1 = add_order(&f, "alpha", SIDE_SELL, 5, 70000, f.today, "filled", "");
	add_fill(&f, o1, 5, 70000, 0, 0, "engine:5", 1);
	struct restore_plan p;
	struct said s = {0};
	char err[256];
	assert_int_equal(restore_from_journal(f.jr, f.core, f.today, 0, 5, &p, say, &s, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "cannot be booked"));
	assert_int_equal(p.nadopted, 0);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_restore_books_adopts_and_expires),
	    cmocka_unit_test(test_balance_kis_wins_and_paper_orders_end),
	    cmocka_unit_test(test_bad_journal_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
