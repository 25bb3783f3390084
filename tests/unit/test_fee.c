/*
 * test_fee.c - commission and transaction tax rounding, the tax table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "fee.h"
#include "ke_common.h"

static void test_apply_rate_rounding(void **state)
{
	(void)state;
	/* 0.015% of 1,234,567 = 1,234,567 * 150,000 / 1e9 = 185.18505 -> 185 */
	assert_int_equal(fee_apply_rate(1234567, 150000), 185);
	/* KIS 0.0140527% of 10,000,000 = 1e7 * 140,527 / 1e9 = 1,405.27 -> 1,405 */
	assert_int_equal(fee_apply_rate(10000000, 140527), 1405);
	/* 0.20% of 999 = 999 * 2,000,000 / 1e9 = 1.998 -> 1 (truncated, not rounded) */
	assert_int_equal(fee_apply_rate(999, 2000000), 1);
	/* 0.20% of 499 = 0.998 -> 0 */
	assert_int_equal(fee_apply_rate(499, 2000000), 0);
	/* 0.20% of 500 = exactly 1 */
	assert_int_equal(fee_apply_rate(500, 2000000), 1);
	/* 1 ppb: 999,999,999 * 1 / 1e9 = 0.999999999 -> 0; 1e9 -> 1 */
	assert_int_equal(fee_apply_rate(999999999, 1), 0);
	assert_int_equal(fee_apply_rate(1000000000, 1), 1);
	/* 0.015% of 70,000 * 10 = 700,000 * 0.00015 = 105 exactly */
	assert_int_equal(fee_apply_rate(700000, 150000), 105);
	/* r * ppb near its bound: 999,999,999 * 999,999,999 / 1e9
	 * = (1e9 - 1)^2 / 1e9 = 1e9 - 2 + 1e-9 -> 999,999,998 */
	assert_int_equal(fee_apply_rate(999999999, 999999999), 999999998);
}

static void test_apply_rate_edges(void **state)
{
	(void)state;
	assert_int_equal(fee_apply_rate(0, 150000), 0);
	assert_int_equal(fee_apply_rate(-1000000, 150000), 0); /* negative amount -> 0 */
	assert_int_equal(fee_apply_rate(INT64_MIN, 150000), 0);
	assert_int_equal(fee_apply_rate(1000000, 0), 0);
	assert_int_equal(fee_apply_rate(1000000, -5), 0);
}

static void test_apply_rate_int64_max(void **state)
{
	(void)state;
	/* INT64_MAX = 9,223,372,036,854,775,807 = 9,223,372,036 * 1e9 + 854,775,807.
	 * 150,000 ppb: 9,223,372,036 * 150,000 = 1,383,505,805,400,000 and
	 * 854,775,807 * 0.00015 = 128,216.37 -> 128,216; sum 1,383,505,805,528,216. */
	assert_int_equal(fee_apply_rate(INT64_MAX, 150000), 1383505805528216LL);
	/* 999,999,999 ppb = 1 - 1e-9: floor(M - M/1e9) = M - ceil(M / 1e9)
	 * = 9,223,372,036,854,775,807 - 9,223,372,037 = 9,223,372,027,631,403,770. */
	assert_int_equal(fee_apply_rate(INT64_MAX, 999999999), 9223372027631403770LL);
	/* 0.20%: M / 500 = 18,446,744,073,709,551.614 -> 18,446,744,073,709,551. */
	assert_int_equal(fee_apply_rate(INT64_MAX, 2000000), 18446744073709551LL);
	/* A rate of 100% (refused by the setters) still answers exactly: M. */
	assert_int_equal(fee_apply_rate(INT64_MAX, FEE_PPB_ONE), INT64_MAX);
	/* 150%: 1,000 * 1.5 = 1,500; INT64_MAX * 1.5 saturates. */
	assert_int_equal(fee_apply_rate(1000, 1500000000), 1500);
	assert_int_equal(fee_apply_rate(INT64_MAX, 1500000000), INT64_MAX);
}

static void test_default_model(void **state)
{
	(void)state;
	struct fee_model m;
	fee_model_default(&m);
	assert_int_equal(m.commission_ppb, 150000);
	assert_int_equal(m.ntax, 4);
	assert_int_equal(m.tax[0].from_yyyymmdd, 20230101);
	assert_int_equal(m.tax[0].ppb, 2000000);
	assert_int_equal(m.tax[1].from_yyyymmdd, 20240101);
	assert_int_equal(m.tax[1].ppb, 1800000);
	assert_int_equal(m.tax[2].from_yyyymmdd, 20250101);
	assert_int_equal(m.tax[2].ppb, 1500000);
	assert_int_equal(m.tax[3].from_yyyymmdd, 20260101);
	assert_int_equal(m.tax[3].ppb, 2000000);
	/* commission on 1,234,567 at 0.015% = 185.18 -> 185 */
	assert_int_equal(fee_commission(&m, 1234567), 185);
	assert_int_equal(fee_commission(&m, -5), 0);
	assert_int_equal(fee_commission(NULL, 1000000), 0);
}

static void test_tax_by_date(void **state)
{
	(void)state;
	struct fee_model m;
	fee_model_default(&m);
	/* A sale of 1,000,000: 0.20% = 2,000; 0.18% = 1,800; 0.15% = 1,500. */
	assert_int_equal(fee_sell_tax(&m, 20221231, 1000000), 0); /* before the first rate */
	assert_int_equal(fee_sell_tax(&m, 20230101, 1000000), 2000);
	assert_int_equal(fee_sell_tax(&m, 20231231, 1000000), 2000);
	assert_int_equal(fee_sell_tax(&m, 20240101, 1000000), 1800);
	assert_int_equal(fee_sell_tax(&m, 20241231, 1000000), 1800);
	assert_int_equal(fee_sell_tax(&m, 20250101, 1000000), 1500);
	assert_int_equal(fee_sell_tax(&m, 20251231, 1000000), 1500);
	assert_int_equal(fee_sell_tax(&m, 20260101, 1000000), 2000);
	assert_int_equal(fee_sell_tax(&m, 20991231, 1000000), 2000);
	/* 2025 vs 2026 on an odd amount: 1,234,567 * 0.0015 = 1,851.85 -> 1,851;
	 * 1,234,567 * 0.0020 = 2,469.134 -> 2,469 */
	assert_int_equal(fee_sell_tax(&m, 20251231, 1234567), 1851);
	assert_int_equal(fee_sell_tax(&m, 20260101, 1234567), 2469);
	/* 0.20% of 999 = 1.998 -> 1 */
	assert_int_equal(fee_sell_tax(&m, 20260302, 999), 1);
	assert_int_equal(fee_sell_tax(&m, 20260302, 0), 0);
	assert_int_equal(fee_sell_tax(NULL, 20260302, 1000000), 0);
}

static void test_rate_from_fraction(void **state)
{
	(void)state;
	int64_t ppb = -1;
	assert_int_equal(fee_rate_from_fraction(0.00015, &ppb), KE_OK);
	assert_int_equal(ppb, 150000); /* 0.00015 * 1e9 */
	assert_int_equal(fee_rate_from_fraction(0.000140527, &ppb), KE_OK);
	assert_int_equal(ppb, 140527);
	assert_int_equal(fee_rate_from_fraction(0.0020, &ppb), KE_OK);
	assert_int_equal(ppb, 2000000);
	assert_int_equal(fee_rate_from_fraction(0.0018, &ppb), KE_OK);
	assert_int_equal(ppb, 1800000);
	assert_int_equal(fee_rate_from_fraction(0.0, &ppb), KE_OK);
	assert_int_equal(ppb, 0);
	/* Rounded to the nearest ppb: 0.4e-9 -> 0, 0.6e-9 -> 1, 1.4e-9 -> 1. */
	assert_int_equal(fee_rate_from_fraction(0.4e-9, &ppb), KE_OK);
	assert_int_equal(ppb, 0);
	assert_int_equal(fee_rate_from_fraction(0.6e-9, &ppb), KE_OK);
	assert_int_equal(ppb, 1);
	assert_int_equal(fee_rate_from_fraction(1.4e-9, &ppb), KE_OK);
	assert_int_equal(ppb, 1);
	/* Largest accepted: 0.999999999 -> 999,999,999 */
	assert_int_equal(fee_rate_from_fraction(0.999999999, &ppb), KE_OK);
	assert_int_equal(ppb, 999999999);

	ppb = 77;
	assert_int_equal(fee_rate_from_fraction(-0.0001, &ppb), KE_EINVAL);
	assert_int_equal(fee_rate_from_fraction(1.0, &ppb), KE_EINVAL);
	assert_int_equal(fee_rate_from_fraction(1.5, &ppb), KE_EINVAL);
	assert_int_equal(fee_rate_from_fraction(NAN, &ppb), KE_EINVAL);
	assert_int_equal(fee_rate_from_fraction(INFINITY, &ppb), KE_EINVAL);
	assert_int_equal(fee_rate_from_fraction(-INFINITY, &ppb), KE_EINVAL);
	/* Below 1 but rounds to a whole 1e9 ppb (100%): refused too. */
	assert_int_equal(fee_rate_from_fraction(0.9999999999, &ppb), KE_EINVAL);
	assert_int_equal(ppb, 77); /* untouched by refusals */
	assert_int_equal(fee_rate_from_fraction(0.001, NULL), KE_EINVAL);
}

static void test_set_tax_rate(void **state)
{
	(void)state;
	struct fee_model m;
	fee_model_default(&m);
	/* Insert in the middle: 2024-07-01 at 0.17% between 2024 and 2025. */
	assert_int_equal(fee_set_tax_rate(&m, 20240701, 1700000), KE_OK);
	assert_int_equal(m.ntax, 5);
	assert_int_equal(m.tax[1].from_yyyymmdd, 20240101);
	assert_int_equal(m.tax[2].from_yyyymmdd, 20240701);
	assert_int_equal(m.tax[2].ppb, 1700000);
	assert_int_equal(m.tax[3].from_yyyymmdd, 20250101);
	/* 1,000,000 * 0.0018 = 1,800 on 2024-06-30; * 0.0017 = 1,700 from 2024-07-01 */
	assert_int_equal(fee_sell_tax(&m, 20240630, 1000000), 1800);
	assert_int_equal(fee_sell_tax(&m, 20240701, 1000000), 1700);
	assert_int_equal(fee_sell_tax(&m, 20250101, 1000000), 1500);

	/* Replace an equal date: no new entry. */
	assert_int_equal(fee_set_tax_rate(&m, 20260101, 2300000), KE_OK);
	assert_int_equal(m.ntax, 5);
	assert_int_equal(m.tax[4].ppb, 2300000);
	assert_int_equal(fee_sell_tax(&m, 20260101, 1000000), 2300); /* 0.23% */

	/* At the front and at the end. */
	assert_int_equal(fee_set_tax_rate(&m, 20200101, 3000000), KE_OK);
	assert_int_equal(m.tax[0].from_yyyymmdd, 20200101);
	assert_int_equal(fee_set_tax_rate(&m, 20300101, 1000000), KE_OK);
	assert_int_equal(m.tax[m.ntax - 1].from_yyyymmdd, 20300101);
	assert_int_equal(m.ntax, 7);
	for (int i = 1; i < m.ntax; i++)
		assert_true(m.tax[i - 1].from_yyyymmdd < m.tax[i].from_yyyymmdd);

	/* Bad input changes nothing. */
	assert_int_equal(fee_set_tax_rate(&m, 20270101, -1), KE_EINVAL);
	assert_int_equal(fee_set_tax_rate(&m, 20270101, FEE_PPB_ONE), KE_EINVAL);
	assert_int_equal(fee_set_tax_rate(&m, 0, 1000), KE_EINVAL);
	assert_int_equal(fee_set_tax_rate(NULL, 20270101, 1000), KE_EINVAL);
	assert_int_equal(m.ntax, 7);
}

static void test_set_tax_rate_full(void **state)
{
	(void)state;
	struct fee_model m = {0};
	/* Fill all 16 slots in reverse order: each goes to the front. */
	for (int i = FEE_MAX_TAX_RATES - 1; i >= 0; i--)
		assert_int_equal(fee_set_tax_rate(&m, 20100101 + i * 10000, 1000000 + i), KE_OK);
	assert_int_equal(m.ntax, FEE_MAX_TAX_RATES);
	for (int i = 0; i < FEE_MAX_TAX_RATES; i++) {
		assert_int_equal(m.tax[i].from_yyyymmdd, 20100101 + i * 10000);
		assert_int_equal(m.tax[i].ppb, 1000000 + i);
	}
	/* Full: a new date is refused, an existing date is still replaced. */
	assert_int_equal(fee_set_tax_rate(&m, 20990101, 5), KE_ELIMIT);
	assert_int_equal(m.ntax, FEE_MAX_TAX_RATES);
	assert_int_equal(fee_set_tax_rate(&m, 20100101, 5), KE_OK);
	assert_int_equal(m.tax[0].ppb, 5);
	/* 2011: 1,000,000 + 1 ppb of 1e9 won = 1,000,001 */
	assert_int_equal(fee_sell_tax(&m, 20110615, 1000000000), 1000001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_apply_rate_rounding),  cmocka_unit_test(test_apply_rate_edges),
	    cmocka_unit_test(test_apply_rate_int64_max), cmocka_unit_test(test_default_model),
	    cmocka_unit_test(test_tax_by_date),          cmocka_unit_test(test_rate_from_fraction),
	    cmocka_unit_test(test_set_tax_rate),         cmocka_unit_test(test_set_tax_rate_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
