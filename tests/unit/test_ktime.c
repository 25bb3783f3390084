/*
 * test_ktime.c - ISO parsing and formatting, the KST calendar.
 *
 * Epoch values come from GNU date, e.g.
 *   date -u -d '2026-03-02T09:00:00+09:00' +%s  -> 1772409600
 *   date -u -d '2026-03-02T00:00:00+09:00' +%s  -> 1772377200
 *   date -u -d '2026-03-02T09:00:00-05:00' +%s  -> 1772460000
 *   date -u -d '2024-02-29T12:34:56+09:00' +%s  -> 1709177696
 *   date -u -d '2000-01-01T00:00:00Z' +%s       -> 946684800
 * and day numbers from those seconds / 86400 at 00:00Z (2026-03-02 -> 20514).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "ke_common.h"
#include "ktime.h"

#define MON_0900_KST 1772409600000LL /* 2026-03-02T09:00:00+09:00 = 00:00Z */
#define MON_0000_KST 1772377200000LL /* 2026-03-02T00:00:00+09:00 */
#define DAY_20260302 20514

static int64_t parse(const char *s, int64_t date_only_sec)
{
	int64_t ms = -12345;
	int rc = ktime_parse_iso(s, strlen(s), date_only_sec, &ms);
	if (rc != KE_OK)
		fail_msg("'%s' did not parse: %d", s, rc);
	return ms;
}

static void test_parse_offsets(void **state)
{
	(void)state;
	assert_int_equal(parse("2026-03-02T09:00:00+09:00", 0), MON_0900_KST);
	assert_int_equal(parse("2026-03-02T00:00:00Z", 0), MON_0900_KST);
	assert_int_equal(parse("2026-03-02T09:00:00", 0), MON_0900_KST); /* no offset: KST */
	assert_int_equal(parse("2026-03-02 09:00:00", 0), MON_0900_KST); /* space separator */
	assert_int_equal(parse("2026-03-02T09:00:00-05:00", 0), 1772460000000LL);
	assert_int_equal(parse("2026-03-02T00:00:00+00:00", 0), MON_0900_KST);
	/* +05:30: 09:00 local is 03:30Z = 1772409600 + 3.5 * 3600 = 1772422200 */
	assert_int_equal(parse("2026-03-02T09:00:00+05:30", 0), 1772422200000LL);
	assert_int_equal(parse("2024-02-29T12:34:56+09:00", 0), 1709177696000LL);
	assert_int_equal(parse("1970-01-01T00:00:00Z", 0), 0);
	assert_int_equal(parse("1970-01-01T09:00:00", 0), 0);
	assert_int_equal(parse("2000-01-01T00:00:00Z", 0), 946684800000LL);
}

static void test_parse_fraction(void **state)
{
	(void)state;
	assert_int_equal(parse("2026-03-02T09:00:00.123+09:00", 0), MON_0900_KST + 123);
	assert_int_equal(parse("2026-03-02T09:00:00.123", 0), MON_0900_KST + 123);
	assert_int_equal(parse("2026-03-02T00:00:00.5Z", 0), MON_0900_KST + 500); /* .5 = 500 ms */
	assert_int_equal(parse("2026-03-02T00:00:00.05Z", 0), MON_0900_KST + 50); /* .05 = 50 ms */
	assert_int_equal(parse("2026-03-02T00:00:00.999Z", 0), MON_0900_KST + 999);
	assert_int_equal(parse("2026-03-02T00:00:00.123456Z", 0), MON_0900_KST + 123); /* truncated to ms */
	assert_int_equal(parse("2026-03-02T08:59:59.999", 0), MON_0900_KST - 1);
}

static void test_parse_date_only(void **state)
{
	(void)state;
	/* midnight KST plus date_only_sec */
	assert_int_equal(parse("2026-03-02", 0), MON_0000_KST);
	/* 15:30 = 55,800 s: 1772377200000 + 55,800,000 = 1772433000000 */
	assert_int_equal(parse("2026-03-02", 55800), 1772433000000LL);
	/* len shorter than the string: only the date is read */
	const char *s = "2026-03-02T09:00:00+09:00";
	int64_t ms;
	assert_int_equal(ktime_parse_iso(s, 10, 0, &ms), KE_OK);
	assert_int_equal(ms, MON_0000_KST);
	/* ... or a timestamp followed by anything beyond len (a CSV row) */
	const char *row = "2026-03-02T09:00:00+09:00,70000,10";
	assert_int_equal(ktime_parse_iso(row, 25, 0, &ms), KE_OK);
	assert_int_equal(ms, MON_0900_KST);
}

static void test_parse_rejects(void **state)
{
	(void)state;
	static const char *bad[] = {
	    "2026-13-01",                     /* month 13 */
	    "2026-00-10",                     /* month 0 */
	    "2026-02-30",                     /* Feb 30 */
	    "2025-02-29",                     /* not a leap year */
	    "2026-03-00",                     /* day 0 */
	    "2026-04-31",                     /* April has 30 */
	    "garbage",                        /* */
	    "",                               /* */
	    "2026-03-2",                      /* missing digit */
	    "2026-3-02",                      /* missing digit */
	    "26-03-02",                       /* two-digit year */
	    "2026/03/02",                     /* wrong separator */
	    "2026-03-02x",                    /* trailing junk after a date */
	    "2026-03-02X09:00:00",            /* bad date/time separator */
	    "2026-03-02T09:00",               /* no seconds */
	    "2026-03-02T9:00:00",             /* missing digit */
	    "2026-03-02T09:00:0Z",            /* missing digit */
	    "2026-03-02T24:00:00",            /* hour 24 */
	    "2026-03-02T09:60:00",            /* minute 60 */
	    "2026-03-02T09:00:60",            /* second 60 */
	    "2026-03-02T09:00:00.",           /* dot without digits */
	    "2026-03-02T09:00:00+0900",       /* offset without colon */
	    "2026-03-02T09:00:00+09",         /* short offset */
	    "2026-03-02T09:00:00+15:00",      /* offset beyond 14 h */
	    "2026-03-02T09:00:00+09:60",      /* offset minutes 60 */
	    "2026-03-02T09:00:00+09:00x",     /* trailing junk */
	    "2026-03-02T09:00:00Zx",          /* trailing junk */
	    "2026-03-02T09:00:00 ",           /* trailing space */
	    "2026-03-02T09:00:00.123+09:00Z", /* two offsets */
	    "2026-03-02T09:00:00K",           /* unknown zone letter */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ms = 0;
		if (ktime_parse_iso(bad[i], strlen(bad[i]), 0, &ms) != KE_EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
	/* The same rules apply to ktime_parse_date. */
	int32_t day;
	assert_int_equal(ktime_parse_date("2026-13-01", &day), KE_EINVAL);
	assert_int_equal(ktime_parse_date("2025-02-29", &day), KE_EINVAL);
	assert_int_equal(ktime_parse_date("2026-03-02x", &day), KE_EINVAL);
	assert_int_equal(ktime_parse_date("2026-03-0", &day), KE_EINVAL);
	assert_int_equal(ktime_parse_date("", &day), KE_EINVAL);
}

static void test_parse_date(void **state)
{
	(void)state;
	int32_t day = -1;
	assert_int_equal(ktime_parse_date("2026-03-02", &day), KE_OK);
	assert_int_equal(day, DAY_20260302);
	assert_int_equal(ktime_parse_date("1970-01-01", &day), KE_OK);
	assert_int_equal(day, 0);
	assert_int_equal(ktime_parse_date("2024-02-29", &day), KE_OK);
	assert_int_equal(day, 19782); /* 1709164800 / 86400 */
	assert_int_equal(ktime_parse_date("2000-03-01", &day), KE_OK);
	assert_int_equal(day, 11017); /* 951868800 / 86400 */
}

static void test_format(void **state)
{
	(void)state;
	char buf[30];
	ktime_format_iso(MON_0900_KST + 123, buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-02T09:00:00.123+09:00");
	ktime_format_iso(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T09:00:00.000+09:00");
	ktime_format_iso(MON_0000_KST - 1, buf, sizeof(buf));
	assert_string_equal(buf, "2026-03-01T23:59:59.999+09:00");
	ktime_format_iso(1709177696000LL, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29T12:34:56.000+09:00");
	char d[11];
	ktime_format_date(DAY_20260302, d, sizeof(d));
	assert_string_equal(d, "2026-03-02");
	ktime_format_date(19782, d, sizeof(d));
	assert_string_equal(d, "2024-02-29");
	/* A short buffer is truncated, never overrun. */
	char small[5];
	ktime_format_date(DAY_20260302, small, sizeof(small));
	assert_string_equal(small, "2026");
}

static void test_format_round_trip(void **state)
{
	(void)state;
	/* Steps of a prime number of ms over ~5 years from 2022, crossing
	 * month ends, leap days and KST midnights at many offsets. */
	int64_t start = 1640995200000LL; /* 2022-01-01T00:00:00Z */
	for (int64_t ms = start; ms < start + 5 * 366 * KTIME_DAY_MS; ms += 7919LL * 1000 * 11 + 7) {
		char buf[30];
		ktime_format_iso(ms, buf, sizeof(buf));
		assert_int_equal(strlen(buf), 29);
		int64_t back = 0;
		assert_int_equal(ktime_parse_iso(buf, strlen(buf), 0, &back), KE_OK);
		if (back != ms)
			fail_msg("%lld -> %s -> %lld", (long long)ms, buf, (long long)back);
		char date[11];
		int32_t day = ktime_kst_day(ms), day2 = -1;
		ktime_format_date(day, date, sizeof(date));
		assert_memory_equal(date, buf, 10);
		assert_int_equal(ktime_parse_date(date, &day2), KE_OK);
		assert_int_equal(day2, day);
	}
}

static void test_weekday(void **state)
{
	(void)state;
	/* 0 = Sunday ... 6 = Saturday; names from `date -u -d <day> +%A` */
	assert_int_equal(ktime_weekday(DAY_20260302), 1); /* 2026-03-02 Monday */
	assert_int_equal(ktime_weekday(20519), 6);        /* 2026-03-07 Saturday */
	assert_int_equal(ktime_weekday(20520), 0);        /* 2026-03-08 Sunday */
	assert_int_equal(ktime_weekday(0), 4);            /* 1970-01-01 Thursday */
	assert_int_equal(ktime_weekday(-1), 3);           /* 1969-12-31 Wednesday */
	assert_int_equal(ktime_weekday(-8), 3);           /* a week earlier */
	assert_int_equal(ktime_weekday(10957), 6);        /* 2000-01-01 Saturday */
	assert_int_equal(ktime_weekday(19782), 4);        /* 2024-02-29 Thursday */
	assert_int_equal(ktime_weekday(20453), 3);        /* 2025-12-31 Wednesday */
}

static void test_kst_day_and_ms(void **state)
{
	(void)state;
	/* KST midnight starting 2026-03-02 */
	assert_int_equal(ktime_kst_day(MON_0000_KST), DAY_20260302);
	assert_int_equal(ktime_kst_ms_of_day(MON_0000_KST), 0);
	assert_int_equal(ktime_kst_day(MON_0000_KST - 1), DAY_20260302 - 1);
	assert_int_equal(ktime_kst_ms_of_day(MON_0000_KST - 1), 86399999);
	/* 00:00Z is 09:00 KST the same day: 9 * 3,600,000 = 32,400,000 */
	assert_int_equal(ktime_kst_day(MON_0900_KST), DAY_20260302);
	assert_int_equal(ktime_kst_ms_of_day(MON_0900_KST), 32400000);
	/* 15:00Z on 2026-03-01 is 00:00 KST on 03-02: 1772377200000 again */
	assert_int_equal(ktime_day_start(DAY_20260302), MON_0000_KST);
	assert_int_equal(ktime_day_start(0), -32400000); /* 1970-01-01T00:00+09:00 */
	/* Before the epoch: -1 ms is 1970-01-01T08:59:59.999 KST. */
	assert_int_equal(ktime_kst_day(-1), 0);
	assert_int_equal(ktime_kst_ms_of_day(-1), 32399999);
	assert_int_equal(ktime_kst_day(-32400000), 0);
	assert_int_equal(ktime_kst_ms_of_day(-32400000), 0);
	assert_int_equal(ktime_kst_day(-32400001), -1);
	assert_int_equal(ktime_kst_ms_of_day(-32400001), 86399999);
}

static void test_civil(void **state)
{
	(void)state;
	assert_int_equal(ktime_yyyymmdd(DAY_20260302), 20260302);
	assert_int_equal(ktime_yyyymmdd(0), 19700101);
	assert_int_equal(ktime_yyyymmdd(-1), 19691231);
	assert_int_equal(ktime_yyyymmdd(20453), 20251231);
	assert_int_equal(ktime_yyyymmdd(20454), 20260101);
	assert_int_equal(ktime_days_from_civil(2026, 3, 2), DAY_20260302);
	assert_int_equal(ktime_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(ktime_days_from_civil(1970, 1, 1), 0);
	int y, m, d;
	ktime_civil_from_days(19782, &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
	ktime_civil_from_days(11016, &y, &m, &d); /* the day before 2000-03-01 */
	assert_int_equal(y, 2000);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
}

static void test_parse_hhmm(void **state)
{
	(void)state;
	int64_t ms = -1;
	assert_int_equal(ktime_parse_hhmm("09:00", &ms), KE_OK);
	assert_int_equal(ms, 32400000); /* 9 * 3,600,000 */
	assert_int_equal(ktime_parse_hhmm("15:30:00", &ms), KE_OK);
	assert_int_equal(ms, 55800000); /* (15 * 60 + 30) * 60,000 */
	assert_int_equal(ktime_parse_hhmm("15:15:30", &ms), KE_OK);
	assert_int_equal(ms, 54930000); /* (15 * 3600 + 15 * 60 + 30) * 1000 */
	assert_int_equal(ktime_parse_hhmm("23:59:59", &ms), KE_OK);
	assert_int_equal(ms, 86399000);
	assert_int_equal(ktime_parse_hhmm("00:00", &ms), KE_OK);
	assert_int_equal(ms, 0);
	static const char *bad[] = {"24:00",     "9:00",  "09:60", "09:00:60", "0900",   "09:00:0",
	                            "09:00:000", "ab:cd", "",      "09-00",    "09:00 ", "09:00:00x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ktime_parse_hhmm(bad[i], &ms) != KE_EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_offsets),     cmocka_unit_test(test_parse_fraction),
	    cmocka_unit_test(test_parse_date_only),   cmocka_unit_test(test_parse_rejects),
	    cmocka_unit_test(test_parse_date),        cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_round_trip), cmocka_unit_test(test_weekday),
	    cmocka_unit_test(test_kst_day_and_ms),    cmocka_unit_test(test_civil),
	    cmocka_unit_test(test_parse_hhmm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
