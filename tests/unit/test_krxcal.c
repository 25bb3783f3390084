/*
 * test_krxcal.c - the KRX trading calendar: weekdays by default, the
 * holiday inquiry over weekdays, the user's closed days over both, and the
 * day's cache file (atomic, 0600, stale or damaged files refused).
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
#include <sys/stat.h>
#include <unistd.h>

#include "krxcal.h"
#include "ktime.h"

/* 2026-03-02 is a Monday (test_ktime checks ktime_weekday); day numbers
 * from ktime_days_from_civil. */
static int32_t d(int m, int day)
{
	return ktime_days_from_civil(2026, m, day);
}

static void test_sources_in_order(void **state)
{
	(void)state;
	struct krxcal *c;
	assert_int_equal(krxcal_new(&c), KE_OK);
	enum krxcal_source src;
	/* Nothing learnt: Monday trades, Saturday 03-07 and Sunday 03-08 not. */
	assert_int_equal(krxcal_is_open(c, d(3, 2), &src), 1);
	assert_int_equal(src, KRXCAL_WEEKDAYS);
	assert_int_equal(krxcal_is_open(c, d(3, 7), &src), 0);
	assert_int_equal(krxcal_is_open(c, d(3, 8), NULL), 0);
	assert_int_equal(krxcal_fetched_on(c), -1);
	/* 2026-12-31 is a Thursday and 2027-01-01 a Friday (2026-03-02 Monday +
	 * 304 days = 43 weeks + 3 days; +1): weekdays KRX closes every year. */
	assert_int_equal(ktime_weekday(d(12, 31)), 4);
	assert_int_equal(krxcal_is_open(c, d(12, 31), &src), 0);
	assert_int_equal(src, KRXCAL_WEEKDAYS);
	assert_int_equal(krxcal_is_open(c, ktime_days_from_civil(2027, 1, 1), NULL), 0);
	assert_int_equal(krxcal_is_open(c, d(12, 30), NULL), 1);
	/* The inquiry: Tuesday 03-03 closed (a substitute holiday, say), and a
	 * Saturday the exchange opens (made up: the answer decides). */
	struct kis_msg_day rows[] = {
	    {.date = 20260302, .open = 1}, {.date = 20260303, .open = 0}, {.date = 20260307, .open = 1}};
	assert_int_equal(krxcal_learn(c, rows, 3, d(3, 2)), KE_OK);
	assert_int_equal(krxcal_fetched_on(c), d(3, 2));
	assert_int_equal(krxcal_is_open(c, d(3, 3), &src), 0);
	assert_int_equal(src, KRXCAL_INQUIRY);
	assert_int_equal(krxcal_is_open(c, d(3, 7), &src), 1);
	/* Days the answer does not cover fall back to weekdays. */
	assert_int_equal(krxcal_is_open(c, d(3, 4), &src), 1);
	assert_int_equal(src, KRXCAL_WEEKDAYS);
	/* The user's list wins over the inquiry. */
	assert_int_equal(krxcal_add_closed(c, d(3, 2)), KE_OK);
	assert_int_equal(krxcal_is_open(c, d(3, 2), &src), 0);
	assert_int_equal(src, KRXCAL_CONFIG);
	/* A later answer replaces what the earlier one said. */
	struct kis_msg_day again[] = {{.date = 20260303, .open = 1}};
	assert_int_equal(krxcal_learn(c, again, 1, d(3, 3)), KE_OK);
	assert_int_equal(krxcal_is_open(c, d(3, 3), NULL), 1);
	/* A row that is not a date: nothing learnt. */
	struct kis_msg_day bad[] = {{.date = 20260304, .open = 0}, {.date = 20261341, .open = 0}};
	assert_int_equal(krxcal_learn(c, bad, 2, d(3, 4)), KE_EINVAL);
	assert_int_equal(krxcal_is_open(c, d(3, 4), NULL), 1);
	assert_int_equal(krxcal_fetched_on(c), d(3, 3));
	krxcal_free(c);
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_cache_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_krxcal.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/cal.txt", dir);
	struct krxcal *c, *r;
	assert_int_equal(krxcal_new(&c), KE_OK);
	struct kis_msg_day rows[] = {{.date = 20260303, .open = 0}, {.date = 20260302, .open = 1}};
	assert_int_equal(krxcal_learn(c, rows, 2, d(3, 2)), KE_OK);
	char err[256];
	assert_int_equal(krxcal_save(c, path, err, sizeof(err)), KE_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The exact text: header, fetch day, days in order. */
	char text[256] = "";
	FILE *fp = fopen(path, "r");
	size_t n = fread(text, 1, sizeof(text) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	assert_string_equal(text, "kis-engine krx calendar 1\nfetched 20260302\n20260302 open\n20260303 closed\n");
	/* Read back the same day: the same answers. Another day: stale. */
	assert_int_equal(krxcal_new(&r), KE_OK);
	assert_int_equal(krxcal_load(r, path, d(3, 3), err, sizeof(err)), KE_ENOENT);
	assert_int_equal(krxcal_fetched_on(r), -1);
	assert_int_equal(krxcal_load(r, path, d(3, 2), err, sizeof(err)), KE_OK);
	assert_int_equal(krxcal_fetched_on(r), d(3, 2));
	assert_int_equal(krxcal_is_open(r, d(3, 3), NULL), 0);
	/* Damaged files: refused with the line, the calendar unchanged. */
	static const struct {
		const char *text;
		int line;
	} bad[] = {
	    {"something else\n", 1},
	    {"kis-engine krx calendar 1\nfetched 2026030\n", 2},
	    {"kis-engine krx calendar 1\nfetched 20260302\n20260303 shut\n", 3},
	    {"kis-engine krx calendar 1\nfetched 20260302\n20260230 open\n", 3},
	    {"kis-engine krx calendar 1\n", 1},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i].text);
		assert_int_equal(krxcal_load(r, path, d(3, 2), err, sizeof(err)), KE_EINVAL);
		char want[96];
		snprintf(want, sizeof(want), "cal.txt:%d:", bad[i].line);
		assert_non_null(strstr(err, want));
		assert_int_equal(krxcal_is_open(r, d(3, 3), NULL), 0);
	}
	unlink(path);
	assert_int_equal(krxcal_load(r, path, d(3, 2), err, sizeof(err)), KE_ENOENT);
	/* A directory that does not exist: an I/O error, nothing left behind. */
	char nowhere[96];
	snprintf(nowhere, sizeof(nowhere), "%s/missing/cal.txt", dir);
	assert_int_equal(krxcal_save(c, nowhere, err, sizeof(err)), KE_EIO);
	krxcal_free(c);
	krxcal_free(r);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sources_in_order),
	    cmocka_unit_test(test_cache_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
