/*
 * test_config.c - the run configuration read from a Lua file: every field
 * of a full config, the cash split, and the errors, each of which must
 * name the file and the key at fault. Fixtures live in tests/data/config.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ke_common.h"

#ifndef KE_SOURCE_DIR
#define KE_SOURCE_DIR "."
#endif
#ifndef KE_TEST_DATA
#define KE_TEST_DATA KE_SOURCE_DIR "/tests/data"
#endif

#define CFG(f) KE_TEST_DATA "/config/" f

#define assert_has(hay, needle)                                                                                        \
	do {                                                                                                           \
		if (!strstr((hay), (needle)))                                                                          \
			fail_msg("expected to find \"%s\" in:\n%s", (needle), (hay));                                  \
	} while (0)

/* config_load on a fresh default config; the config is freed by the caller. */
static int load(const char *path, struct engine_config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	err[0] = '\0';
	return config_load(path, cfg, err, errlen);
}

static struct engine_config *new_cfg(void)
{
	struct engine_config *cfg = malloc(sizeof(*cfg));
	assert_non_null(cfg);
	return cfg;
}

static void free_cfg(struct engine_config *cfg)
{
	config_free(cfg);
	free(cfg);
}

static void test_full(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[1024];
	int rc = load(CFG("full.lua"), cfg, err, sizeof(err));
	if (rc != KE_OK)
		fail_msg("full.lua: %s", err);
	assert_string_equal(cfg->path, CFG("full.lua"));
	assert_int_equal(cfg->cash, 50000000);

	/* 0.00014 = 140,000 parts per billion. */
	const struct fee_model *f = &cfg->core.fees;
	assert_int_equal(f->commission_ppb, 140000);
	/* The file's tax rates go over the defaults (2023 0.20%, 2024 0.18%,
	 * 2025 0.15%, 2026 0.20%): 2025 becomes 0.16%, 2027 0.25% is added,
	 * and the table stays sorted by date. */
	assert_int_equal(f->ntax, 5);
	const int32_t days[] = {20230101, 20240101, 20250101, 20260101, 20270101};
	const int64_t ppb[] = {2000000, 1800000, 1600000, 2000000, 2500000};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(f->tax[i].from_yyyymmdd, days[i]);
		assert_int_equal(f->tax[i].ppb, ppb[i]);
	}

	assert_int_equal(cfg->core.market_reserve, CORE_RESERVE_LAST_PRICE);
	assert_int_equal(cfg->core.reserve_ticks, 3);
	assert_int_equal(cfg->fill.slippage_ticks, 1);
	assert_int_equal(cfg->fill.latency_ms, 200);
	assert_int_equal(cfg->fill.participation_ppm, 100000); /* 0.1 x 1,000,000 */

	const struct risk_limits *r = &cfg->core.risk;
	assert_int_equal(r->max_order_value, 5000000);
	assert_int_equal(r->max_position_value, 20000000);
	assert_int_equal(r->max_open_orders, 10);
	assert_int_equal(r->max_orders_per_minute, 30);
	assert_int_equal(r->daily_loss_limit, 1000000);

	assert_int_equal(cfg->instruction_budget, 2000000);
	assert_int_equal(cfg->memory_limit, 33554432); /* 32 x 1,048,576 */
	assert_int_equal(cfg->seed, 7);

	assert_int_equal(cfg->nstrategies, 2);
	const struct config_strategy *s = &cfg->strategies[0];
	assert_string_equal(s->file, "strategies/sma_cross.lua");
	assert_string_equal(s->name, "sma_fast");
	assert_int_equal(s->cash, 20000000);
	assert_int_equal(s->halt_on_error, 0);
	assert_int_equal(s->risk.max_open_orders, 3);
	assert_int_equal(s->risk.daily_loss_limit, 500000);
	assert_int_equal(s->risk.max_order_value, 0);
	/* Sorted keys, ["key"]=value, integers as integers, floats with 17
	 * significant digits (0.1 is 0.10000000000000001), lists with [i]. */
	assert_non_null(s->params_lua);
	assert_string_equal(s->params_lua, "return {[\"fast\"]=5,[\"flag\"]=true,[\"list\"]={[1]=10,[2]=20},"
	                                   "[\"nested\"]={[\"a\"]=1,[\"b\"]=2},[\"ratio\"]=0.10000000000000001,"
	                                   "[\"slow\"]=20,[\"source\"]=\"close\"}");

	/* A bare file name takes every default. */
	s = &cfg->strategies[1];
	assert_string_equal(s->file, "strategies/buy_and_hold.lua");
	assert_string_equal(s->name, "");
	assert_int_equal(s->cash, -1);
	assert_int_equal(s->halt_on_error, 1);
	assert_null(s->params_lua);
	assert_int_equal(s->risk.max_open_orders, 0);

	assert_int_equal(cfg->ndata, 2);
	assert_string_equal(cfg->data[0], "backtest-data/a.csv");
	assert_string_equal(cfg->data[1], "backtest-data/b.csv");
	/* 2026-03-02 is day 20514 (2026-01-01 = 20454, + 31 + 28 + 1); 03-06 is 20518. */
	assert_int_equal(cfg->from_day, 20514);
	assert_int_equal(cfg->to_day, 20518);
	assert_string_equal(cfg->out_dir, "out/run1");

	/* 50,000,000 - 20,000,000 explicit = 30,000,000 for the other one. */
	assert_int_equal(config_allocate_cash(cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->strategies[0].cash, 20000000);
	assert_int_equal(cfg->strategies[1].cash, 30000000);
	free_cfg(cfg);
}

/* Reading a second file over the first replaces its strategies without
 * leaking their params (ASan's leak check sees it). */
static void test_load_twice(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[1024];
	assert_int_equal(load(CFG("full.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(config_load(CFG("computed.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->nstrategies, 1);
	free_cfg(cfg);
}

static void test_defaults_and_computed(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg(), *def = new_cfg();
	char err[1024];
	config_defaults(def);
	assert_int_equal(load(CFG("empty.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->cash, def->cash);
	assert_int_equal(cfg->fill.participation_ppm, 1000000);
	assert_int_equal(cfg->core.fees.commission_ppb, def->core.fees.commission_ppb);
	assert_int_equal(cfg->core.fees.ntax, def->core.fees.ntax);
	assert_int_equal(cfg->seed, def->seed);
	assert_int_equal(cfg->from_day, -1);
	assert_int_equal(cfg->to_day, -1);
	assert_int_equal(cfg->nstrategies, 0);
	assert_int_equal(cfg->ndata, 0);
	config_free(cfg);

	/* string, math and table are there to compute values with. */
	assert_int_equal(load(CFG("computed.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->cash, 30000000); /* 3 x 10^7 */
	assert_int_equal(cfg->ndata, 3);
	assert_string_equal(cfg->data[0], "backtest-data/2026-03-02.csv");
	assert_string_equal(cfg->data[2], "backtest-data/2026-03-04.csv");
	assert_string_equal(cfg->out_dir, "out/computed");
	assert_int_equal(cfg->nstrategies, 1);
	assert_string_equal(cfg->strategies[0].params_lua, "return {[\"window\"]=3}");
	free_cfg(cfg);
	free(def);
}

/* A participation of 0.0000001 is valid but rounds to 0 ppm, which would
 * never fill: it is kept at the smallest share, 1 ppm. */
static void test_participation_tiny(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[1024];
	assert_int_equal(load(CFG("participation_tiny.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->fill.participation_ppm, 1);
	free_cfg(cfg);
}

/* ---- cash allocation ---- */

static void set_strategies(struct engine_config *cfg, int64_t total, int n, const int64_t *cash)
{
	config_defaults(cfg);
	cfg->cash = total;
	cfg->nstrategies = n;
	for (int i = 0; i < n; i++)
		cfg->strategies[i].cash = cash[i];
}

static void test_allocate_equal(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[256];
	/* 10,000,001 / 3 = 3,333,333 remainder 2, which goes to the first. */
	set_strategies(cfg, 10000001, 3, (const int64_t[]){-1, -1, -1});
	assert_int_equal(config_allocate_cash(cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->strategies[0].cash, 3333335);
	assert_int_equal(cfg->strategies[1].cash, 3333333);
	assert_int_equal(cfg->strategies[2].cash, 3333333);
	free_cfg(cfg);
}

static void test_allocate_mixed(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[256];
	/* 10,000,001 - 1,000,000 = 9,000,001 for two: 4,500,000 each, the
	 * remainder 1 to the first open one (index 0). */
	set_strategies(cfg, 10000001, 3, (const int64_t[]){-1, 1000000, -1});
	assert_int_equal(config_allocate_cash(cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->strategies[0].cash, 4500001);
	assert_int_equal(cfg->strategies[1].cash, 1000000);
	assert_int_equal(cfg->strategies[2].cash, 4500000);

	/* Explicit ones taking everything leave 0 for the rest. */
	set_strategies(cfg, 10000000, 2, (const int64_t[]){10000000, -1});
	assert_int_equal(config_allocate_cash(cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->strategies[0].cash, 10000000);
	assert_int_equal(cfg->strategies[1].cash, 0);

	/* Nothing to split. */
	set_strategies(cfg, 10000000, 0, NULL);
	assert_int_equal(config_allocate_cash(cfg, err, sizeof(err)), KE_OK);
	free_cfg(cfg);
}

static void test_allocate_over(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[256] = "";
	/* 6,000,000 + 5,000,000 = 11,000,000 > 10,000,000. */
	set_strategies(cfg, 10000000, 3, (const int64_t[]){6000000, 5000000, -1});
	assert_int_equal(config_allocate_cash(cfg, err, sizeof(err)), KE_EINVAL);
	assert_has(err, "11000000");
	assert_has(err, "exceed");
	free_cfg(cfg);
}

/* ---- errors: each names the file and the key ---- */

static void expect_error(const char *path, int want_rc, const char *want1, const char *want2)
{
	struct engine_config *cfg = new_cfg();
	char err[2048];
	int rc = load(path, cfg, err, sizeof(err));
	if (rc != want_rc)
		fail_msg("%s: rc %d, wanted %d; err: %s", path, rc, want_rc, err);
	assert_has(err, path);
	assert_has(err, want1);
	if (want2)
		assert_has(err, want2);
	free_cfg(cfg);
}

static void test_unknown_keys(void **state)
{
	(void)state;
	expect_error(CFG("unknown_top.lua"), KE_EINVAL, ": cahs: unknown key", NULL);
	expect_error(CFG("unknown_nested.lua"), KE_EINVAL, ": fill.slipage_ticks: unknown key", NULL);
	expect_error(CFG("unknown_strategy_risk.lua"), KE_EINVAL, ": strategies[1].risk.max_open_order: unknown key",
	             NULL);
}

static void test_wrong_types(void **state)
{
	(void)state;
	expect_error(CFG("wrong_type.lua"), KE_EINVAL, ": cash: must be a whole number", NULL);
	expect_error(CFG("fraction_int.lua"), KE_EINVAL, ": lua.seed: must be a whole number", NULL);
	expect_error(CFG("bad_on_error.lua"), KE_EINVAL, ": strategies[1].on_error: must be \"halt\" or \"continue\"",
	             NULL);
	expect_error(CFG("strategy_no_file.lua"), KE_EINVAL, ": strategies[1].file: is required", NULL);
	/* A quoted number is a string, and the message says a string is wrong. */
	expect_error(CFG("string_number.lua"), KE_EINVAL, ": cash: must be a whole number", NULL);
}

static void test_kis_section(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[2048];
	config_defaults(cfg);
	/* Defaults: the mock environment, KIS's hosts, the environment's rate. */
	assert_string_equal(cfg->kis.env, "mock");
	assert_string_equal(cfg->kis.base_url, "");
	assert_int_equal(cfg->kis.rate_per_sec, -1);
	assert_int_equal(load(CFG("kis_full.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_string_equal(cfg->kis.env, "real");
	assert_string_equal(cfg->kis.base_url, "http://127.0.0.1:29443");
	assert_string_equal(cfg->kis.ws_url, "ws://127.0.0.1:31000");
	assert_string_equal(cfg->kis.ca_file, "/etc/kis/ca.pem");
	assert_string_equal(cfg->kis.secrets_file, "/etc/kis/secrets.env");
	assert_string_equal(cfg->kis.token_cache_dir, "/var/cache/kis");
	assert_int_equal(cfg->kis.rate_per_sec, 5);
	assert_int_equal(cfg->kis.order_timeout_ms, 3000);
	assert_int_equal(cfg->kis.query_timeout_ms, 8000);
	assert_int_equal(cfg->kis.poll_ms, 1500);
	assert_int_equal(cfg->kis.hashkey, 1);
	free_cfg(cfg);
	expect_error(CFG("kis_bad_env.lua"), KE_EINVAL, ": kis.env: must be \"mock\" or \"real\"", NULL);
	/* Credentials have no key here: they belong in the environment or a 0600 file. */
	expect_error(CFG("kis_unknown.lua"), KE_EINVAL, ": kis.app_key: unknown key", NULL);
	expect_error(CFG("kis_bad_hashkey.lua"), KE_EINVAL, ": kis.hashkey: must be true or false", NULL);
}

static void test_max_data_age(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[2048];
	int rc = load(CFG("data_age.lua"), cfg, err, sizeof(err));
	if (rc != KE_OK)
		fail_msg("data_age.lua: %s", err);
	assert_int_equal(cfg->nstrategies, 4);
	assert_int_equal(cfg->strategies[0].max_data_age_ms, 5000);
	assert_int_equal(cfg->strategies[1].max_data_age_ms, 0); /* table without the key */
	assert_int_equal(cfg->strategies[2].max_data_age_ms, 0); /* a bare file name */
	assert_int_equal(cfg->strategies[3].max_data_age_ms, 0);
	free_cfg(cfg);
	/* The upper bound is CORE_MAX_DELAY: 3,650 days x 86,400,000 ms = 315,360,000,000. */
	expect_error(CFG("data_age_negative.lua"), KE_EINVAL,
	             ": strategies[1].max_data_age_ms: must be a whole number from 0 to 315360000000", NULL);
	expect_error(CFG("data_age_fraction.lua"), KE_EINVAL,
	             ": strategies[1].max_data_age_ms: must be a whole number from 0 to 315360000000", NULL);
	expect_error(CFG("data_age_string.lua"), KE_EINVAL,
	             ": strategies[1].max_data_age_ms: must be a whole number from 0 to 315360000000", NULL);
	expect_error(CFG("data_age_typo.lua"), KE_EINVAL, ": strategies[2].max_data_age: unknown key", NULL);
}

static void test_live_section(void **state)
{
	(void)state;
	struct engine_config *cfg = new_cfg();
	char err[2048];
	config_defaults(cfg);
	assert_string_equal(cfg->live.mode, ""); /* from kis.env */
	assert_int_equal(cfg->live.feed_clock, 0);
	assert_int_equal(load(CFG("live_full.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_string_equal(cfg->live.mode, "paper");
	assert_int_equal(cfg->live.feed_clock, 1);
	assert_string_equal(cfg->live.journal, "/var/lib/kis-engine/journal.db");
	assert_string_equal(cfg->live.halt_file, "/run/kis-engine/HALT");
	/* Defaults of the keys live_full.lua leaves out. */
	assert_int_equal(cfg->live.cancel_at_close, 1);
	assert_int_equal(cfg->live.cancel_on_stop, 0);
	assert_int_equal(cfg->live.status_every_s, 60);
	assert_int_equal(cfg->live.nholidays, 0);
	free_cfg(cfg);
	cfg = new_cfg();
	config_defaults(cfg);
	assert_int_equal(load(CFG("live_calendar.lua"), cfg, err, sizeof(err)), KE_OK);
	assert_int_equal(cfg->live.cancel_at_close, 0);
	assert_int_equal(cfg->live.cancel_on_stop, 1);
	assert_int_equal(cfg->live.status_every_s, 0);
	assert_int_equal(cfg->live.log_json, 1);
	assert_int_equal(cfg->live.nholidays, 2);
	/* 2026-03-03 is day 20515: 2026-01-01 is 20454 (56 years, 14 leap days:
	 * 56 x 365 + 14), + 31 (January) + 28 (February) + 2. */
	assert_int_equal(cfg->live.holidays[0], 20515);
	assert_int_equal(cfg->live.holidays[1], 20515 + 1);
	free_cfg(cfg);
	expect_error(CFG("live_bad_mode.lua"), KE_EINVAL, ": live.mode: must be \"paper\", \"mock\" or \"real\"", NULL);
	expect_error(CFG("live_bad_holiday.lua"), KE_EINVAL, ": live.holidays[2]: must be a date \"YYYY-MM-DD\"", NULL);
	expect_error(CFG("live_bad_cancel.lua"), KE_EINVAL, ": live.cancel_at_close: must be true or false", NULL);
}

static void test_bad_dates(void **state)
{
	(void)state;
	expect_error(CFG("bad_date.lua"), KE_EINVAL, ": from: must be a date \"YYYY-MM-DD\"", NULL);
	expect_error(CFG("bad_day.lua"), KE_EINVAL, ": to: must be a date \"YYYY-MM-DD\"", NULL);
}

static void test_participation_range(void **state)
{
	(void)state;
	expect_error(CFG("participation_zero.lua"), KE_EINVAL, ": fill.participation: must be a fraction above 0",
	             NULL);
	expect_error(CFG("participation_big.lua"), KE_EINVAL, ": fill.participation: must be a fraction above 0", NULL);
}

/* strategies = { file = ... } (the inner braces forgotten) is a mistake to
 * report, not an empty list to accept. */
static void test_strategies_not_a_list(void **state)
{
	(void)state;
	expect_error(CFG("strategies_not_list.lua"), KE_EINVAL, "strategies", NULL);
}

/* A params value the serializer cannot write is an error about that key. */
static void test_params_function(void **state)
{
	(void)state;
	expect_error(CFG("params_function.lua"), KE_EINVAL, "strategies[1].params",
	             "params values must be numbers, strings, booleans or tables");
}

static void test_runaway_and_sandbox(void **state)
{
	(void)state;
	expect_error(CFG("loop.lua"), KE_EINVAL, "ran too long", NULL);
	/* Only string, math, table and pure base functions exist. */
	expect_error(CFG("uses_io.lua"), KE_EINVAL, "uses_io.lua:2:", "global 'io'");
	expect_error(CFG("uses_os.lua"), KE_EINVAL, "uses_os.lua:2:", "global 'os'");
	expect_error(CFG("uses_require.lua"), KE_EINVAL, "uses_require.lua:2:", "global 'require'");
}

static void test_file_errors(void **state)
{
	(void)state;
	expect_error(CFG("syntax.lua"), KE_EINVAL, "syntax.lua:3:", "near '='");
	expect_error(CFG("no_such_config.lua"), KE_EIO, "no_such_config.lua", NULL);
	expect_error(CFG("returns_number.lua"), KE_EINVAL, "must return a table (it returned a number)", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_load_twice),
	    cmocka_unit_test(test_defaults_and_computed),
	    cmocka_unit_test(test_participation_tiny),
	    cmocka_unit_test(test_allocate_equal),
	    cmocka_unit_test(test_allocate_mixed),
	    cmocka_unit_test(test_allocate_over),
	    cmocka_unit_test(test_unknown_keys),
	    cmocka_unit_test(test_wrong_types),
	    cmocka_unit_test(test_bad_dates),
	    cmocka_unit_test(test_kis_section),
	    cmocka_unit_test(test_live_section),
	    cmocka_unit_test(test_max_data_age),
	    cmocka_unit_test(test_participation_range),
	    cmocka_unit_test(test_strategies_not_a_list),
	    cmocka_unit_test(test_params_function),
	    cmocka_unit_test(test_runaway_and_sandbox),
	    cmocka_unit_test(test_file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
