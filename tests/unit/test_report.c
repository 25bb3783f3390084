/*
 * test_report.c - the report: CSV rows, minute and day bucketing, round
 * trips, metrics and summary.json. Every expected value is worked out by
 * hand in the comments next to it.
 */
/* cmocka.h needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "ktime.h"
#include "report.h"

#ifndef KE_TEST_DATA
#define KE_TEST_DATA "tests/data"
#endif

struct fx {
	char dir[64];  /* mkdtemp, removed in teardown */
	char out[128]; /* the report directory, two levels below dir */
	struct core *core;
	int alpha, beta;  /* strategies with 600 and 400 won: 1000 in all */
	int32_t sam, hyn; /* 005930, 000660 */
};

static void remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (d) {
			struct dirent *e;
			while ((e = readdir(d)) != NULL) {
				if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
					continue;
				char sub[1024];
				snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
				remove_tree(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/ke_test_report_XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->out, sizeof fx->out, "%s/runs/r1", fx->dir);

	struct core_config cfg;
	core_config_default(&cfg);
	assert_int_equal(core_new(&cfg, &fx->core), KE_OK);
	assert_int_equal(core_symbol_intern(fx->core, "005930", &fx->sam), KE_OK);
	assert_int_equal(core_symbol_intern(fx->core, "000660", &fx->hyn), KE_OK);
	struct strategy_hooks hooks;
	memset(&hooks, 0, sizeof hooks);
	struct strategy_spec a = {.name = "alpha", .cash = 600};
	struct strategy_spec b = {.name = "beta", .cash = 400};
	assert_int_equal(core_add_strategy(fx->core, &a, &hooks, NULL, &fx->alpha), KE_OK);
	assert_int_equal(core_add_strategy(fx->core, &b, &hooks, NULL, &fx->beta), KE_OK);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	core_free(fx->core);
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* KST wall time (no offset in the string means KST). */
static int64_t kst(const char *iso)
{
	int64_t ms = 0;
	assert_int_equal(ktime_parse_iso(iso, strlen(iso), 0, &ms), KE_OK);
	return ms;
}

static char *read_all(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(fp);
	buf[len] = '\0';
	return buf;
}

static struct report *open_report(struct fx *fx)
{
	struct report *r = NULL;
	char err[256] = "";
	assert_int_equal(report_open(fx->out, fx->core, &r, err, sizeof err), KE_OK);
	assert_non_null(r);
	return r;
}

static void finish_ok(struct report *r, struct report_summary *s)
{
	char err[256] = "";
	int rc = report_finish(r, s, err, sizeof err);
	if (rc != KE_OK)
		fail_msg("report_finish: %d %s", rc, err);
	report_free(r);
}

static struct fill mkfill(int64_t order_id, int strategy, int32_t sym, enum order_side side, int64_t qty, int64_t price,
                          int64_t fee, int64_t tax, int64_t time)
{
	struct fill f = {.order_id = order_id,
	                 .strategy = strategy,
	                 .sym = sym,
	                 .side = side,
	                 .qty = qty,
	                 .price = price,
	                 .fee = fee,
	                 .tax = tax,
	                 .time = time};
	return f;
}

/* ---- pure metrics ---- */

static void test_max_drawdown(void **state)
{
	(void)state;
	/* 100 -> peak 100, dd 0; 120 -> peak 120; 90 -> (120-90)/120 = 0.25;
	 * 130 -> peak 130, max stays 0.25; 65 -> (130-65)/130 = 0.5. */
	int64_t seq[] = {100, 120, 90, 130, 65};
	double want[] = {0, 0, 0.25, 0.25, 0.5};
	int64_t peak = 0;
	double dd = 0;
	for (size_t i = 0; i < 5; i++) {
		dd = report_max_drawdown_step(&peak, seq[i], dd);
		assert_float_equal(dd, want[i], 1e-12);
	}
	assert_int_equal(peak, 130);
}

static void test_sharpe_three_days(void **state)
{
	(void)state;
	/* initial 1000, closes 1100, 990, 1089:
	 *   r1 = 1100/1000 - 1 = 0.1, r2 = 990/1100 - 1 = -0.1, r3 = 1089/990 - 1 = 0.1
	 *   mean = 0.1/3 = 1/30
	 *   deviations 1/15, -2/15, 1/15 -> squares 1/225, 4/225, 1/225 = 6/225
	 *   sample variance = (6/225) / 2 = 1/75, stdev = 1/sqrt(75) = 1/(5 sqrt 3)
	 *   mean/stdev = 5 sqrt(3) / 30 = sqrt(3)/6
	 *   x sqrt(252) = sqrt(3 * 252)/6 = sqrt(756)/6 = 6 sqrt(21)/6 = sqrt(21) = 4.58257569... */
	int64_t closes[] = {1100, 990, 1089};
	double s = -1;
	assert_int_equal(report_sharpe(closes, 3, 1000, &s), 1);
	assert_float_equal(s, sqrt(21.0), 1e-9);
}

static void test_sharpe_undefined(void **state)
{
	(void)state;
	double s = -1;
	/* One day is one return: no sample deviation. */
	int64_t one[] = {1100};
	assert_int_equal(report_sharpe(one, 1, 1000, &s), 0);
	assert_true(s == 0.0);
	/* Flat: every return is 0, deviation 0. */
	int64_t flat[] = {1000, 1000, 1000};
	s = -1;
	assert_int_equal(report_sharpe(flat, 3, 1000, &s), 0);
	assert_true(s == 0.0);
	s = -1;
	assert_int_equal(report_sharpe(NULL, 0, 1000, &s), 0);
	assert_true(s == 0.0);
}

/* ---- equity sampling ---- */

static void test_minute_bucketing(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	/* 09:00:10 and 09:00:50 share minute 09:00: only the later is kept.
	 * 09:01:05 is alone in 09:01; 09:03:00 is written at finish. */
	report_sample(r, kst("2026-03-02T09:00:10"), 1000, 0);
	report_sample(r, kst("2026-03-02T09:00:50"), 900, 110);
	report_sample(r, kst("2026-03-02T09:01:05"), 900, 120);
	report_sample(r, kst("2026-03-02T09:03:00"), 1000, 0);
	struct report_summary s;
	finish_ok(r, &s);

	char *csv = read_all(fx->out, "equity.csv");
	assert_string_equal(csv, "time,cash,position_value,equity\n"
	                         "2026-03-02T09:00:50.000+09:00,900,110,1010\n"
	                         "2026-03-02T09:01:05.000+09:00,900,120,1020\n"
	                         "2026-03-02T09:03:00.000+09:00,1000,0,1000\n");
	free(csv);
	assert_int_equal(s.events, 4);
	/* Peak 1020 (09:01:05), then 1000: (1020 - 1000) / 1020. */
	assert_float_equal(s.max_drawdown, 20.0 / 1020.0, 1e-12);
	/* Last sample 1000 against 600 + 400 initial: return 0. */
	assert_int_equal(s.initial_cash, 1000);
	assert_int_equal(s.final_equity, 1000);
	assert_float_equal(s.total_return, 0.0, 1e-12);
	/* A single day gives a single return. */
	assert_int_equal(s.sharpe_defined, 0);
	assert_string_equal(s.start, "2026-03-02");
	assert_string_equal(s.end, "2026-03-02");
}

static void test_day_close(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	/* KST days: 03-02 has 900 then 1100 (close 1100); 03-03 starts at
	 * 00:30 KST (still 03-02 15:30 UTC) with 700, then 1320 (close 1320).
	 * Returns against initial 1000: 1100/1000 - 1 = 0.1, 1320/1100 - 1 = 0.2.
	 *   mean 0.15, deviations -0.05, +0.05, variance (0.0025 + 0.0025)/1 = 0.005
	 *   stdev = sqrt(0.005) = sqrt(2)/20, mean/stdev = 0.15 * 20/sqrt(2) = 3/sqrt(2)
	 *   x sqrt(252) = 3 sqrt(126) = 3 * 3 sqrt(14) = 9 sqrt(14) = 33.6749...
	 * Had UTC days been used, the first close would be 700 instead. */
	report_sample(r, kst("2026-03-02T10:00:00"), 900, 0);
	report_sample(r, kst("2026-03-02T15:30:00"), 500, 600);
	report_sample(r, kst("2026-03-03T00:30:00"), 700, 0);
	report_sample(r, kst("2026-03-03T15:30:00"), 1320, 0);
	struct report_summary s;
	finish_ok(r, &s);

	assert_int_equal(s.sharpe_defined, 1);
	assert_float_equal(s.sharpe, 9.0 * sqrt(14.0), 1e-9);
	/* Peak 1100, trough 700 after it: 400/1100 = 4/11. */
	assert_float_equal(s.max_drawdown, 4.0 / 11.0, 1e-12);
	assert_int_equal(s.final_equity, 1320);
	assert_float_equal(s.total_return, 0.32, 1e-12);
	assert_string_equal(s.start, "2026-03-02");
	assert_string_equal(s.end, "2026-03-03");

	char *text = read_all(fx->out, "summary.json");
	cJSON *j = cJSON_Parse(text);
	assert_non_null(j);
	cJSON *sh = cJSON_GetObjectItemCaseSensitive(j, "sharpe");
	assert_true(cJSON_IsNumber(sh));
	assert_float_equal(sh->valuedouble, 9.0 * sqrt(14.0), 1e-9);
	cJSON_Delete(j);
	free(text);
}

/* ---- round trips ---- */

static void test_round_trips_per_pair(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	int64_t t = kst("2026-03-02T09:30:00");
	/* alpha on 005930: buy 10 @1000 (fee 15), sell 5 @1100 (fee 8, tax 11) twice:
	 *   net = -10000 - 15 + (5500 - 19) + (5500 - 19) = 947 > 0 -> a win.
	 * beta on the same symbol, interleaved: buy 10 @1000 (fee 30), sell 10 @1002
	 * (fee 1, tax 20): gross +20 but net = -10030 + 10020 - 21 = -31 -> a loss.
	 * Mixed into one position per symbol, the quantity would reach 0 only
	 * once; per (strategy, symbol) it is two trades. */
	struct fill fs[] = {
	    mkfill(1, fx->alpha, fx->sam, SIDE_BUY, 10, 1000, 15, 0, t),
	    mkfill(2, fx->beta, fx->sam, SIDE_BUY, 10, 1000, 30, 0, t + 1000),
	    mkfill(3, fx->alpha, fx->sam, SIDE_SELL, 5, 1100, 8, 11, t + 2000),
	    mkfill(4, fx->beta, fx->sam, SIDE_SELL, 10, 1002, 1, 20, t + 3000),
	    mkfill(3, fx->alpha, fx->sam, SIDE_SELL, 5, 1100, 8, 11, t + 4000),
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(fs); i++)
		report_on_fill(r, &fs[i]);
	struct report_summary s;
	finish_ok(r, &s);

	assert_int_equal(s.trades, 2);
	assert_int_equal(s.wins, 1);
	assert_float_equal(s.win_rate, 0.5, 1e-12);
	assert_int_equal(s.fills, 5);
	assert_int_equal(s.fees, 15 + 30 + 8 + 1 + 8); /* 62 */
	assert_int_equal(s.taxes, 11 + 20 + 11);       /* 42 */
	assert_int_equal(s.nstrategies, 2);
	const struct report_strategy_summary *a = &s.strategies[fx->alpha], *b = &s.strategies[fx->beta];
	assert_string_equal(a->name, "alpha");
	assert_int_equal(a->fills, 3);
	assert_int_equal(a->trades, 1);
	assert_int_equal(a->wins, 1);
	assert_int_equal(a->fees, 31);
	assert_int_equal(a->taxes, 22);
	assert_string_equal(b->name, "beta");
	assert_int_equal(b->fills, 2);
	assert_int_equal(b->trades, 1);
	assert_int_equal(b->wins, 0);
	assert_int_equal(b->fees, 31);
	assert_int_equal(b->taxes, 20);
}

static void test_round_trip_open_at_end(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	int64_t t = kst("2026-03-02T09:30:00");
	/* buy 10 @1000, sell 10 @900: flat, one losing trade (-1000 - 7);
	 * buy 5 @900 opens a position still held at the end: not a trade. */
	struct fill fs[] = {
	    mkfill(1, fx->alpha, fx->hyn, SIDE_BUY, 10, 1000, 2, 0, t),
	    mkfill(2, fx->alpha, fx->hyn, SIDE_SELL, 10, 900, 1, 4, t + 1000),
	    mkfill(3, fx->alpha, fx->hyn, SIDE_BUY, 5, 900, 1, 0, t + 2000),
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(fs); i++)
		report_on_fill(r, &fs[i]);
	struct report_summary s;
	finish_ok(r, &s);
	assert_int_equal(s.trades, 1);
	assert_int_equal(s.wins, 0);
	assert_float_equal(s.win_rate, 0.0, 1e-12);
	assert_int_equal(s.fills, 3);
	assert_int_equal(s.strategies[fx->alpha].trades, 1);
	assert_int_equal(s.strategies[fx->beta].trades, 0);
	assert_int_equal(s.strategies[fx->beta].fills, 0);
}

/* ---- CSV contents ---- */

static void test_fills_csv(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	struct core_observer obs = report_observer(r);
	struct fill a = mkfill(7, fx->alpha, fx->sam, SIDE_BUY, 10, 71500, 107, 0, kst("2026-03-02T09:00:01.250"));
	struct fill b = mkfill(8, fx->beta, fx->hyn, SIDE_SELL, 3, 182000, 81, 1092, kst("2026-03-02T14:59:59.999"));
	report_on_fill(r, &a);
	obs.on_fill(obs.ctx, &b); /* the observer is the same path */
	struct report_summary s;
	finish_ok(r, &s);
	assert_int_equal(s.fills, 2);

	char *csv = read_all(fx->out, "fills.csv");
	assert_string_equal(csv, "time,order_id,strategy,symbol,side,qty,price,fee,tax\n"
	                         "2026-03-02T09:00:01.250+09:00,7,alpha,005930,buy,10,71500,107,0\n"
	                         "2026-03-02T14:59:59.999+09:00,8,beta,000660,sell,3,182000,81,1092\n");
	free(csv);
}

static struct order mkorder(int64_t id, int strategy, int32_t sym, enum order_side side, enum order_type type,
                            int64_t price, int64_t qty)
{
	struct order o;
	memset(&o, 0, sizeof o);
	o.id = id;
	o.strategy = strategy;
	o.sym = sym;
	o.side = side;
	o.type = type;
	o.price = price;
	o.qty = qty;
	return o;
}

static void test_orders_csv(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	struct core_observer obs = report_observer(r);

	/* #3: limit buy 10 @70000, accepted, partial, filled; the filled update
	 * arrives twice. Only one row, at filled: avg 700000 / 10 = 70000. */
	struct order o3 = mkorder(3, fx->alpha, fx->sam, SIDE_BUY, ORDER_LIMIT, 70000, 10);
	o3.created = kst("2026-03-02T09:00:00");
	o3.updated = o3.created;
	o3.state = ORDER_ACCEPTED;
	report_on_order(r, &o3);
	o3.state = ORDER_PARTIAL;
	o3.filled_qty = 4;
	o3.filled_value = 280000;
	report_on_order(r, &o3);
	o3.state = ORDER_FILLED;
	o3.filled_qty = 10;
	o3.filled_value = 700000;
	o3.fees = 105;
	o3.updated = kst("2026-03-02T09:00:02");
	report_on_order(r, &o3);
	obs.on_order(obs.ctx, &o3);

	/* #4: market sell of 2, filled 1 @181000 + 1 @181001 = 362001:
	 * 362001 / 2 = 181000.5, rounded half up to 181001. No price column. */
	struct order o4 = mkorder(4, fx->beta, fx->hyn, SIDE_SELL, ORDER_MARKET, 0, 2);
	o4.state = ORDER_FILLED;
	o4.filled_qty = 2;
	o4.filled_value = 362001;
	o4.fees = 54;
	o4.taxes = 724;
	o4.created = kst("2026-03-02T09:05:00");
	o4.updated = kst("2026-03-02T09:05:01.500");
	report_on_order(r, &o4);

	/* #5: rejected with a reason holding a comma and quotes (RFC 4180:
	 * quoted, inner quotes doubled). A second rejected update is ignored. */
	struct order o5 = mkorder(5, fx->alpha, fx->sam, SIDE_BUY, ORDER_LIMIT, 69000, 5);
	o5.state = ORDER_REJECTED;
	o5.created = o5.updated = kst("2026-03-02T09:10:00");
	snprintf(o5.reason, sizeof o5.reason, "price out of band, limit \"69000\"");
	report_on_order(r, &o5);
	snprintf(o5.reason, sizeof o5.reason, "something else");
	report_on_order(r, &o5);

	/* #6: cancelled after 3 of 10 @70100: avg 210300 / 3 = 70100. */
	struct order o6 = mkorder(6, fx->alpha, fx->sam, SIDE_SELL, ORDER_LIMIT, 70100, 10);
	o6.state = ORDER_CANCELLED;
	o6.filled_qty = 3;
	o6.filled_value = 210300;
	o6.fees = 31;
	o6.taxes = 63;
	o6.created = kst("2026-03-02T09:20:00");
	o6.updated = kst("2026-03-02T09:30:00");
	snprintf(o6.reason, sizeof o6.reason, "user cancel");
	report_on_order(r, &o6);

	/* #9: still accepted at the end and not in the core: never written. */
	struct order o9 = mkorder(9, fx->alpha, fx->sam, SIDE_BUY, ORDER_LIMIT, 60000, 1);
	o9.state = ORDER_ACCEPTED;
	report_on_order(r, &o9);

	struct report_summary s;
	finish_ok(r, &s);
	assert_int_equal(s.orders, 4);

	char *csv = read_all(fx->out, "orders.csv");
	assert_string_equal(
	    csv, "order_id,strategy,symbol,side,type,price,qty,filled_qty,avg_fill_price,fees,taxes,status,created,"
	         "updated,reason\n"
	         "3,alpha,005930,buy,limit,70000,10,10,70000,105,0,filled,2026-03-02T09:00:00.000+09:00,"
	         "2026-03-02T09:00:02.000+09:00,\n"
	         "4,beta,000660,sell,market,,2,2,181001,54,724,filled,2026-03-02T09:05:00.000+09:00,"
	         "2026-03-02T09:05:01.500+09:00,\n"
	         "5,alpha,005930,buy,limit,69000,5,0,0,0,0,rejected,2026-03-02T09:10:00.000+09:00,"
	         "2026-03-02T09:10:00.000+09:00,\"price out of band, limit \"\"69000\"\"\"\n"
	         "6,alpha,005930,sell,limit,70100,10,3,70100,31,63,cancelled,2026-03-02T09:20:00.000+09:00,"
	         "2026-03-02T09:30:00.000+09:00,user cancel\n");
	free(csv);
}

/* ---- summary.json ---- */

static int64_t jint(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsNumber(v))
		fail_msg("%s is not a number", key);
	return (int64_t)v->valuedouble;
}

static void test_summary_json(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	int64_t t = kst("2026-03-04T09:00:00");
	/* alpha: buy 2 @100 (fee 1), sell 2 @150 (fee 1, tax 1):
	 *   net = -200 - 1 + 300 - 2 = 97 -> one winning trade. */
	struct fill f1 = mkfill(1, fx->alpha, fx->sam, SIDE_BUY, 2, 100, 1, 0, t);
	struct fill f2 = mkfill(2, fx->alpha, fx->sam, SIDE_SELL, 2, 150, 1, 1, t + 60000);
	report_on_fill(r, &f1);
	report_on_fill(r, &f2);
	struct order o = mkorder(1, fx->alpha, fx->sam, SIDE_BUY, ORDER_MARKET, 0, 2);
	o.state = ORDER_FILLED;
	o.filled_qty = 2;
	o.filled_value = 200;
	report_on_order(r, &o);
	/* Equity 1000 -> 1100 -> 1045 -> 1097 on one day:
	 *   drawdown (1100 - 1045) / 1100 = 0.05; final 1097, return 0.097. */
	report_sample(r, t, 1000, 0);
	report_sample(r, t + 1000, 900, 200);
	report_sample(r, t + 60000, 1045, 0);
	report_sample(r, t + 120000, 1097, 0);
	struct report_summary s;
	finish_ok(r, &s);

	char *text = read_all(fx->out, "summary.json");
	cJSON *j = cJSON_Parse(text);
	assert_non_null(j);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "start")), "2026-03-04");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "end")), "2026-03-04");
	assert_int_equal(jint(j, "initial_cash"), 1000);
	assert_int_equal(jint(j, "final_equity"), 1097);
	assert_float_equal(cJSON_GetObjectItemCaseSensitive(j, "total_return")->valuedouble, 0.097, 1e-12);
	assert_float_equal(cJSON_GetObjectItemCaseSensitive(j, "max_drawdown")->valuedouble, 0.05, 1e-12);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "sharpe"))); /* one day */
	assert_int_equal(jint(j, "trades"), 1);
	assert_int_equal(jint(j, "wins"), 1);
	assert_float_equal(cJSON_GetObjectItemCaseSensitive(j, "win_rate")->valuedouble, 1.0, 1e-12);
	assert_int_equal(jint(j, "fills"), 2);
	assert_int_equal(jint(j, "fees"), 2);
	assert_int_equal(jint(j, "taxes"), 1);
	assert_int_equal(jint(j, "events"), 4);
	assert_int_equal(jint(j, "orders"), 1);

	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "strategies");
	assert_true(cJSON_IsArray(arr));
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	/* The core saw none of these synthetic fills: its cash is the allocation. */
	const cJSON *a = cJSON_GetArrayItem(arr, fx->alpha), *b = cJSON_GetArrayItem(arr, fx->beta);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "name")), "alpha");
	assert_int_equal(jint(a, "initial_cash"), 600);
	assert_int_equal(jint(a, "final_equity"), 600);
	assert_int_equal(jint(a, "fills"), 2);
	assert_int_equal(jint(a, "trades"), 1);
	assert_int_equal(jint(a, "wins"), 1);
	assert_int_equal(jint(a, "fees"), 2);
	assert_int_equal(jint(a, "taxes"), 1);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "status")), "ok");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "name")), "beta");
	assert_int_equal(jint(b, "initial_cash"), 400);
	assert_int_equal(jint(b, "fills"), 0);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "status")), "ok");
	cJSON_Delete(j);
	free(text);

	/* The struct agrees with the file. */
	assert_int_equal(s.final_equity, 1097);
	assert_int_equal(s.orders, 1);
	assert_string_equal(s.strategies[fx->alpha].status, "ok");
}

static void test_no_samples(void **state)
{
	struct fx *fx = *state;
	struct report *r = open_report(fx);
	struct report_summary s;
	finish_ok(r, &s);
	/* Nothing sampled: final equity is the core's cash + positions = 1000. */
	assert_int_equal(s.final_equity, 1000);
	assert_float_equal(s.total_return, 0.0, 1e-12);
	assert_string_equal(s.start, "");
	assert_string_equal(s.end, "");
	assert_int_equal(s.events, 0);
	char *csv = read_all(fx->out, "equity.csv");
	assert_string_equal(csv, "time,cash,position_value,equity\n");
	free(csv);
}

/* ---- errors ---- */

static void test_open_unwritable(void **state)
{
	struct fx *fx = *state;
	char plain[256], dir[300];
	snprintf(plain, sizeof plain, "%s/plain", fx->dir);
	FILE *fp = fopen(plain, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(dir, sizeof dir, "%s/out", plain);
	static char sentinel;
	struct report *r = (struct report *)(void *)&sentinel; /* must be reset to NULL */
	char err[512] = "";
	assert_int_equal(report_open(dir, fx->core, &r, err, sizeof err), KE_EIO);
	assert_null(r);
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, strerror(ENOTDIR)));
}

static void test_write_error_surfaces(void **state)
{
	struct fx *fx = *state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	/* fills.csv is a link to /dev/full: opening works, every write fails
	 * (with ENOSPC) once the buffer is flushed. */
	char dir[256], link[300];
	snprintf(dir, sizeof dir, "%s/full", fx->dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(link, sizeof link, "%s/fills.csv", dir);
	assert_int_equal(symlink("/dev/full", link), 0);
	struct report *r = NULL;
	char err[512] = "";
	assert_int_equal(report_open(dir, fx->core, &r, err, sizeof err), KE_OK);
	struct fill f = mkfill(1, fx->alpha, fx->sam, SIDE_BUY, 1, 100, 0, 0, kst("2026-03-02T09:00:00"));
	report_on_fill(r, &f);
	struct report_summary s;
	assert_int_equal(report_finish(r, &s, err, sizeof err), KE_EIO);
	assert_non_null(strstr(err, link));
	report_free(r);
}

/* ---- printing ---- */

static void test_print(void **state)
{
	(void)state;
	struct report_summary s;
	memset(&s, 0, sizeof s);
	snprintf(s.start, sizeof s.start, "2026-03-02");
	snprintf(s.end, sizeof s.end, "2026-03-06");
	s.initial_cash = 10000000;
	s.final_equity = 9876543;
	s.total_return = -0.0123457; /* -1.23457% -> "-1.23%" */
	s.max_drawdown = 0.04567;    /* "4.57%" */
	s.sharpe_defined = 0;
	s.fees = -1234567; /* not realistic, exercises the sign: "-1,234,567" */
	s.nstrategies = 1;
	snprintf(s.strategies[0].name, sizeof s.strategies[0].name, "alpha");
	s.strategies[0].initial_cash = 1000;
	s.strategies[0].final_equity = 999;
	snprintf(s.strategies[0].status, sizeof s.strategies[0].status, "halted: boom");

	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	report_print(&s, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "10,000,000"));
	assert_non_null(strstr(buf, "9,876,543"));
	assert_non_null(strstr(buf, "-1.23%"));
	assert_non_null(strstr(buf, "4.57%"));
	assert_non_null(strstr(buf, "n/a"));
	assert_non_null(strstr(buf, "-1,234,567"));
	assert_non_null(strstr(buf, "1,000"));
	assert_non_null(strstr(buf, "halted: boom"));
	free(buf);

	s.sharpe_defined = 1;
	s.sharpe = 1.23456; /* "1.23" */
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	report_print(&s, fp);
	fclose(fp);
	assert_non_null(strstr(buf, "1.23\n"));
	assert_null(strstr(buf, "n/a"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_max_drawdown),
	    cmocka_unit_test(test_sharpe_three_days),
	    cmocka_unit_test(test_sharpe_undefined),
	    cmocka_unit_test_setup_teardown(test_minute_bucketing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_day_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trips_per_pair, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trip_open_at_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fills_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_orders_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_summary_json, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_samples, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_unwritable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_error_surfaces, setup, teardown),
	    cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
