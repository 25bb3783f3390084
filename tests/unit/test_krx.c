/*
 * test_krx.c - KRX tick sizes, price rounding, daily limits and session hours.
 *
 * Tick bands (since 2023-01-25): <2,000: 1; <5,000: 5; <20,000: 10;
 * <50,000: 50; <200,000: 100; <500,000: 500; otherwise 1,000.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "krx.h"

static void test_tick_size_band_edges(void **state)
{
	(void)state;
	static const struct {
		int64_t price, tick;
	} cases[] = {
	    {1, 1},        {1999, 1},     {2000, 5},     {4995, 5},      {4999, 5},       {5000, 10},    {19990, 10},
	    {19999, 10},   {20000, 50},   {49950, 50},   {49999, 50},    {50000, 100},    {199900, 100}, {199999, 100},
	    {200000, 500}, {499500, 500}, {499999, 500}, {500000, 1000}, {1234000, 1000},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (krx_tick_size(cases[i].price) != cases[i].tick)
			fail_msg("tick of %lld: got %lld, want %lld", (long long)cases[i].price,
			         (long long)krx_tick_size(cases[i].price), (long long)cases[i].tick);
}

static void test_price_valid(void **state)
{
	(void)state;
	static const int64_t valid[] = {1,     2,     1999,  2000,  2005,   4995,   5000,   5010,   19990,  20000,
	                                20050, 49950, 50000, 50100, 199900, 200000, 200500, 499500, 500000, 501000};
	static const int64_t invalid[] = {0,     -1,    -100,  2001,  2004,   4996,   4999,   5005,   19995,
	                                  20010, 20025, 49990, 50050, 199950, 200100, 499900, 500500, 500999};
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (!krx_price_valid(valid[i]))
			fail_msg("%lld should be valid", (long long)valid[i]);
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (krx_price_valid(invalid[i]))
			fail_msg("%lld should be invalid", (long long)invalid[i]);
}

static void test_round_price(void **state)
{
	(void)state;
	/* Valid prices stay. */
	assert_int_equal(krx_round_price(70000, 1), 70000);
	assert_int_equal(krx_round_price(70000, -1), 70000);
	assert_int_equal(krx_round_price(1999, 1), 1999);
	/* 49,995: band tick 50 -> down 49,950; up 50,000 (valid in the 100 band) */
	assert_int_equal(krx_round_price(49995, -1), 49950);
	assert_int_equal(krx_round_price(49995, 1), 50000);
	/* 49,951 -> up 50,000 */
	assert_int_equal(krx_round_price(49951, 1), 50000);
	/* 199,950: tick 100 -> down 199,900; up 200,000 (valid in the 500 band) */
	assert_int_equal(krx_round_price(199950, -1), 199900);
	assert_int_equal(krx_round_price(199950, 1), 200000);
	/* 2,001: tick 5 -> 2,000 / 2,005 */
	assert_int_equal(krx_round_price(2001, -1), 2000);
	assert_int_equal(krx_round_price(2001, 1), 2005);
	/* 4,999: tick 5 -> 4,995 / 5,000; 19,995 -> 19,990 / 20,000 */
	assert_int_equal(krx_round_price(4999, -1), 4995);
	assert_int_equal(krx_round_price(4999, 1), 5000);
	assert_int_equal(krx_round_price(19995, -1), 19990);
	assert_int_equal(krx_round_price(19995, 1), 20000);
	/* 499,999: tick 500 -> 499,500 / 500,000; 500,001: tick 1,000 -> 500,000 / 501,000 */
	assert_int_equal(krx_round_price(499999, -1), 499500);
	assert_int_equal(krx_round_price(499999, 1), 500000);
	assert_int_equal(krx_round_price(500001, -1), 500000);
	assert_int_equal(krx_round_price(500001, 1), 501000);
	/* 71,234: tick 100 -> 71,200 / 71,300 */
	assert_int_equal(krx_round_price(71234, -1), 71200);
	assert_int_equal(krx_round_price(71234, 1), 71300);
	/* Nothing below the smallest valid price. */
	assert_int_equal(krx_round_price(0, -1), 1);
	assert_int_equal(krx_round_price(-50, 1), 1);
}

static void test_add_ticks(void **state)
{
	(void)state;
	assert_int_equal(krx_add_ticks(50000, -1), 49950); /* the tick below 50,000 is 50 */
	assert_int_equal(krx_add_ticks(49950, 1), 50000);
	assert_int_equal(krx_add_ticks(1, -1), 1);
	assert_int_equal(krx_add_ticks(3, -5), 1);
	assert_int_equal(krx_add_ticks(2000, -1), 1999);
	assert_int_equal(krx_add_ticks(1999, 1), 2000);
	assert_int_equal(krx_add_ticks(5000, -1), 4995);
	assert_int_equal(krx_add_ticks(4995, 1), 5000);
	assert_int_equal(krx_add_ticks(20000, -1), 19990);
	assert_int_equal(krx_add_ticks(200000, -1), 199900);
	assert_int_equal(krx_add_ticks(199900, 1), 200000);
	assert_int_equal(krx_add_ticks(500000, -1), 499500);
	assert_int_equal(krx_add_ticks(499500, 1), 500000);
	/* 49,900 + 3 ticks: 49,950, 50,000, 50,100 */
	assert_int_equal(krx_add_ticks(49900, 3), 50100);
	/* 50,100 - 3 ticks: 50,000, 49,950, 49,900 */
	assert_int_equal(krx_add_ticks(50100, -3), 49900);
	/* 500,000 + 3: 501,000, 502,000, 503,000 */
	assert_int_equal(krx_add_ticks(500000, 3), 503000);
	assert_int_equal(krx_add_ticks(70000, 0), 70000);
	assert_int_equal(krx_add_ticks(70000, 5), 70500); /* 5 * 100 */
}

static void test_price_limits(void **state)
{
	(void)state;
	int64_t lo = 0, hi = 0;
	/* 70,000 * 3 / 10 = 21,000: 49,000 .. 91,000, both valid (ticks 50 and 100) */
	krx_price_limits(70000, &lo, &hi);
	assert_int_equal(lo, 49000);
	assert_int_equal(hi, 91000);
	/* 10,050 * 3 / 10 = 3,015: 13,065 down to tick 10 = 13,060;
	 * 7,035 up to tick 10 = 7,040 */
	krx_price_limits(10050, &lo, &hi);
	assert_int_equal(lo, 7040);
	assert_int_equal(hi, 13060);
	/* 1,000 * 3 / 10 = 300: 700 .. 1,300 (tick 1) */
	krx_price_limits(1000, &lo, &hi);
	assert_int_equal(lo, 700);
	assert_int_equal(hi, 1300);
	/* 40,000 * 3 / 10 = 12,000: 52,000 (tick 100, valid) .. 28,000 (tick 50, valid) */
	krx_price_limits(40000, &lo, &hi);
	assert_int_equal(lo, 28000);
	assert_int_equal(hi, 52000);
	/* 45,550 * 3 / 10 = 13,665: 59,215 down to tick 100 = 59,200;
	 * 31,885 up to tick 50 = 31,900 */
	krx_price_limits(45550, &lo, &hi);
	assert_int_equal(lo, 31900);
	assert_int_equal(hi, 59200);
	/* 1 * 3 / 10 = 0: 1 .. 1 */
	krx_price_limits(1, &lo, &hi);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 1);
}

/* Epoch values from `date -u -d '<KST time>' +%s`, times 1000. */
#define MON_0900 1772409600000LL /* 2026-03-02T09:00:00+09:00 (a Monday) */
#define MON_1530 1772433000000LL /* 2026-03-02T15:30:00+09:00 */
#define MON_1200 1772420400000LL /* 2026-03-02T12:00:00+09:00 */
#define FRI_1000 1772758800000LL /* 2026-03-06T10:00:00+09:00 */
#define FRI_1530 1772778600000LL /* 2026-03-06T15:30:00+09:00 */
#define SAT_1000 1772845200000LL /* 2026-03-07T10:00:00+09:00 */
#define SUN_1000 1772931600000LL /* 2026-03-08T10:00:00+09:00 */

static void test_in_session(void **state)
{
	(void)state;
	assert_true(krx_in_session(MON_0900));
	assert_false(krx_in_session(MON_0900 - 1)); /* 08:59:59.999 */
	assert_true(krx_in_session(MON_1530));
	assert_false(krx_in_session(MON_1530 + 1)); /* 15:30:00.001 */
	assert_true(krx_in_session(MON_1200));
	assert_true(krx_in_session(FRI_1000));
	assert_true(krx_in_session(FRI_1530));
	assert_false(krx_in_session(SAT_1000));
	assert_false(krx_in_session(SUN_1000));
	/* Monday 00:00 KST (= Sunday 15:00 UTC) and Monday 23:59 KST */
	assert_false(krx_in_session(MON_0900 - 9 * 3600000LL));
	assert_false(krx_in_session(MON_0900 + 15 * 3600000LL - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tick_size_band_edges), cmocka_unit_test(test_price_valid),
	    cmocka_unit_test(test_round_price),          cmocka_unit_test(test_add_ticks),
	    cmocka_unit_test(test_price_limits),         cmocka_unit_test(test_in_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
