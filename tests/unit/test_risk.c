/*
 * test_risk.c - pre-trade limits, their messages, the per-minute window and
 * the daily loss limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "ke_common.h"
#include "risk.h"

static const char *STRAT = "strategy 'sma_cross'";

static void test_no_limits(void **state)
{
	(void)state;
	struct risk_limits lim = {0};
	struct risk_state st = {0};
	for (int i = 0; i < 2000; i++)
		risk_note_order(&st, 1000);
	struct risk_order_info info = {.now = 1000,
	                               .order_value = INT64_MAX,
	                               .position_value_after = INT64_MAX,
	                               .is_buy = 1,
	                               .open_orders = 1000000};
	char reason[KE_REASON_MAX] = "junk";
	assert_int_equal(risk_check(&lim, &st, &info, STRAT, reason, sizeof(reason)), KE_OK);
	assert_string_equal(reason, "");
	/* Negative limits are treated as none as well. */
	lim.max_order_value = -1;
	lim.max_open_orders = -1;
	assert_int_equal(risk_check(&lim, &st, &info, STRAT, reason, sizeof(reason)), KE_OK);
}

static void test_order_value(void **state)
{
	(void)state;
	struct risk_limits lim = {.max_order_value = 1000000};
	struct risk_state st = {0};
	struct risk_order_info info = {.now = 0, .order_value = 1234000, .is_buy = 1};
	char reason[KE_REASON_MAX];
	assert_int_equal(risk_check(&lim, &st, &info, STRAT, reason, sizeof(reason)), KE_ELIMIT);
	assert_string_equal(reason,
	                    "order value 1,234,000 KRW exceeds max_order_value 1,000,000 KRW (strategy 'sma_cross')");
	/* Equal to the limit is allowed; one won more is not. Sells too. */
	info.order_value = 1000000;
	assert_int_equal(risk_check(&lim, &st, &info, STRAT, reason, sizeof(reason)), KE_OK);
	info.order_value = 1000001;
	info.is_buy = 0;
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_ELIMIT);
	assert_string_equal(reason, "order value 1,000,001 KRW exceeds max_order_value 1,000,000 KRW (engine)");
	/* Large numbers keep their separators. */
	lim.max_order_value = 9999999999LL;
	info.order_value = 12345678901LL;
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_ELIMIT);
	assert_non_null(strstr(reason, "12,345,678,901 KRW"));
	assert_non_null(strstr(reason, "9,999,999,999 KRW"));
}

static void test_position_value(void **state)
{
	(void)state;
	struct risk_limits lim = {.max_position_value = 3000000};
	struct risk_state st = {0};
	struct risk_order_info info = {.order_value = 500000, .position_value_after = 3000001, .is_buy = 1};
	char reason[KE_REASON_MAX];
	assert_int_equal(risk_check(&lim, &st, &info, STRAT, reason, sizeof(reason)), KE_ELIMIT);
	assert_non_null(strstr(reason, "max_position_value"));
	assert_non_null(strstr(reason, "3,000,001 KRW"));
	assert_non_null(strstr(reason, "3,000,000 KRW"));
	assert_non_null(strstr(reason, "(strategy 'sma_cross')"));
	/* Sells only shrink a position: not checked. */
	info.is_buy = 0;
	assert_int_equal(risk_check(&lim, &st, &info, STRAT, reason, sizeof(reason)), KE_OK);
	/* Exactly at the limit is allowed. */
	info.is_buy = 1;
	info.position_value_after = 3000000;
	assert_int_equal(risk_check(&lim, &st, &info, STRAT, reason, sizeof(reason)), KE_OK);
}

static void test_check_order(void **state)
{
	(void)state;
	/* Every limit broken: the order value is named first, then the position,
	 * then open orders, then the rate. */
	struct risk_limits lim = {
	    .max_order_value = 10, .max_position_value = 10, .max_open_orders = 1, .max_orders_per_minute = 1};
	struct risk_state st = {0};
	risk_note_order(&st, 0);
	struct risk_order_info info = {
	    .now = 1, .order_value = 20, .position_value_after = 20, .is_buy = 1, .open_orders = 1};
	char reason[KE_REASON_MAX];
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_ELIMIT);
	assert_non_null(strstr(reason, "max_order_value"));
	info.order_value = 5;
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_ELIMIT);
	assert_non_null(strstr(reason, "max_position_value"));
	info.position_value_after = 5;
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_ELIMIT);
	assert_non_null(strstr(reason, "max_open_orders"));
	info.open_orders = 0;
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_ELIMIT);
	assert_non_null(strstr(reason, "max_orders_per_minute"));
	info.now = 60000; /* the note at 0 is exactly 60 s old: outside */
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_OK);
}

static void test_open_orders(void **state)
{
	(void)state;
	struct risk_limits lim = {.max_open_orders = 5};
	struct risk_order_info info = {.open_orders = 4};
	char reason[KE_REASON_MAX];
	/* 4 + 1 = 5, not above 5 */
	assert_int_equal(risk_check(&lim, NULL, &info, STRAT, reason, sizeof(reason)), KE_OK);
	/* 5 + 1 = 6 > 5 */
	info.open_orders = 5;
	assert_int_equal(risk_check(&lim, NULL, &info, STRAT, reason, sizeof(reason)), KE_ELIMIT);
	assert_string_equal(reason,
	                    "5 open orders already: one more would exceed max_open_orders 5 (strategy 'sma_cross')");
}

static void test_per_minute_check(void **state)
{
	(void)state;
	struct risk_limits lim = {.max_orders_per_minute = 3};
	struct risk_state st = {0};
	risk_note_order(&st, 0);
	risk_note_order(&st, 10000);
	risk_note_order(&st, 20000);
	struct risk_order_info info = {.now = 59999};
	char reason[KE_REASON_MAX];
	/* At 59,999 ms all three notes (0, 10,000, 20,000) are within 60 s: 3 + 1 > 3. */
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_ELIMIT);
	assert_string_equal(
	    reason, "3 orders sent in the last 60 seconds: one more would exceed max_orders_per_minute 3 (engine)");
	/* At 60,000 the note at 0 is exactly 60 s old and drops out: 2 + 1 <= 3. */
	info.now = 60000;
	assert_int_equal(risk_check(&lim, &st, &info, "engine", reason, sizeof(reason)), KE_OK);
}

static void test_window_edges(void **state)
{
	(void)state;
	struct risk_state st = {0};
	assert_int_equal(risk_orders_last_minute(&st, 0), 0);
	risk_note_order(&st, 1000000);
	assert_int_equal(risk_orders_last_minute(&st, 1000000), 1);
	/* 1,059,999 - 60,000 = 999,999 < 1,000,000: inside */
	assert_int_equal(risk_orders_last_minute(&st, 1059999), 1);
	/* 1,060,000 - 60,000 = 1,000,000, not > 1,000,000: outside */
	assert_int_equal(risk_orders_last_minute(&st, 1060000), 0);
	risk_note_order(&st, 1030000);
	risk_note_order(&st, 1030000);
	/* At 1,070,000 the window is (1,010,000, 1,070,000]: the two at 1,030,000. */
	assert_int_equal(risk_orders_last_minute(&st, 1070000), 2);
	/* At 1,090,000 the window starts at 1,030,000 (exclusive): none. */
	assert_int_equal(risk_orders_last_minute(&st, 1090000), 0);
	assert_int_equal(risk_orders_last_minute(NULL, 0), 0);
}

static void test_ring_overwrites_oldest(void **state)
{
	(void)state;
	struct risk_state st = {0};
	for (int i = 0; i < RISK_RATE_WINDOW_MAX; i++)
		risk_note_order(&st, 0);
	assert_int_equal(st.count, RISK_RATE_WINDOW_MAX);
	assert_int_equal(risk_orders_last_minute(&st, 1), RISK_RATE_WINDOW_MAX);
	/* Ten more at 30,000 replace the ten oldest notes at 0: still 1,024
	 * stored, of which 1,014 are at 0 and 10 at 30,000. */
	for (int i = 0; i < 10; i++)
		risk_note_order(&st, 30000);
	assert_int_equal(st.count, RISK_RATE_WINDOW_MAX);
	assert_int_equal(risk_orders_last_minute(&st, 30000), RISK_RATE_WINDOW_MAX);
	/* At 60,000 the notes at 0 are out: the 10 at 30,000 remain. */
	assert_int_equal(risk_orders_last_minute(&st, 60000), 10);
	/* Wrapping the ring many times keeps the count capped. */
	for (int i = 0; i < 5 * RISK_RATE_WINDOW_MAX + 3; i++)
		risk_note_order(&st, 100000 + i);
	assert_int_equal(st.count, RISK_RATE_WINDOW_MAX);
	assert_true(st.head >= 0 && st.head < RISK_RATE_WINDOW_MAX);
}

static void test_reason_buffers(void **state)
{
	(void)state;
	struct risk_limits lim = {.max_order_value = 1000000};
	struct risk_order_info info = {.order_value = 1234000};
	/* No buffer at all, or a tiny one: still refused, never overrun. */
	assert_int_equal(risk_check(&lim, NULL, &info, STRAT, NULL, 0), KE_ELIMIT);
	char small[12];
	memset(small, 'x', sizeof(small));
	assert_int_equal(risk_check(&lim, NULL, &info, STRAT, small, sizeof(small)), KE_ELIMIT);
	assert_string_equal(small, "order value"); /* 11 characters + NUL */
	/* Without a scope the sentence has no parenthesis. */
	char reason[KE_REASON_MAX];
	assert_int_equal(risk_check(&lim, NULL, &info, NULL, reason, sizeof(reason)), KE_ELIMIT);
	assert_string_equal(reason, "order value 1,234,000 KRW exceeds max_order_value 1,000,000 KRW");
	assert_int_equal(risk_check(NULL, NULL, &info, STRAT, reason, sizeof(reason)), KE_EINVAL);
	assert_int_equal(risk_check(&lim, NULL, NULL, STRAT, reason, sizeof(reason)), KE_EINVAL);
}

static void test_daily_loss(void **state)
{
	(void)state;
	struct risk_limits lim = {.daily_loss_limit = 100000};
	/* 10,000,000 - 9,900,000 = 100,000 >= 100,000: hit */
	assert_true(risk_daily_loss_hit(&lim, 10000000, 9900000));
	/* 10,000,000 - 9,900,001 = 99,999: not hit */
	assert_false(risk_daily_loss_hit(&lim, 10000000, 9900001));
	assert_false(risk_daily_loss_hit(&lim, 10000000, 12000000));  /* a gain */
	assert_true(risk_daily_loss_hit(&lim, 50000, -50000));        /* 100,000 down, into negative equity */
	assert_true(risk_daily_loss_hit(&lim, INT64_MAX, INT64_MIN)); /* difference beyond int64 */
	lim.daily_loss_limit = 0;
	assert_false(risk_daily_loss_hit(&lim, 10000000, 0));
	lim.daily_loss_limit = -5;
	assert_false(risk_daily_loss_hit(&lim, 10000000, 0));
	assert_false(risk_daily_loss_hit(NULL, 10000000, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_limits),      cmocka_unit_test(test_order_value),
	    cmocka_unit_test(test_position_value), cmocka_unit_test(test_check_order),
	    cmocka_unit_test(test_open_orders),    cmocka_unit_test(test_per_minute_check),
	    cmocka_unit_test(test_window_edges),   cmocka_unit_test(test_ring_overwrites_oldest),
	    cmocka_unit_test(test_reason_buffers), cmocka_unit_test(test_daily_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
