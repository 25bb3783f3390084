/*
 * test_calendar.c - the KRX trading calendar: inquiry days, config holidays,
 * the fallback, session times in KST, next open/close and the cache file.
 *
 * Dates by hand. 1970-01-01 (day 0) was a Thursday. Days to 2026-01-01:
 * 56 years (1970..2025) with 14 leap years (1972, 1976, ..., 2024:
 * (2024 - 1972) / 4 + 1), so 56 * 365 + 14 = 20454. 20454 = 7 * 2922, so
 * 2026-01-01 is a Thursday too (KIS's sample row gives 20260101 code 05 =
 * Thursday). Then, with 31 days in January and 28 in February 2026:
 *   2025-12-30 = 20452 Tuesday     2025-12-31 = 20453 Wednesday
 *   2026-01-01 = 20454 Thursday    2026-01-02 = 20455 Friday
 *   2026-01-05 = 20458 Monday      2026-02-27 = 20511 Friday (20454 + 57)
 *   2026-02-28 = 20512 Saturday    2026-03-01 = 20513 Sunday
 *   2026-03-02 = 20514 Monday      ...       2026-03-06 = 20518 Friday
 *   2026-03-07 = 20519 Saturday    2026-03-09 = 20521 Monday
 * Check 2026-03-07: 20519 - 20454 = 65 = 9 * 7 + 2, Thursday + 2 = Saturday.
 *
 * The inquiry answer fed below is test input, not the real 2026 calendar:
 * 2026-03-02 closed (as for a substitute holiday), 03-03..03-06 open.
 *
 * Instants: day D starts at KST midnight, D * 86400000 - 9 h; 09:00 KST of D
 * is therefore D * 86400000 exactly (00:00 UTC).
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "ke_common.h"
#include "kis_msg.h"

#define H   (3600LL * 1000)
#define MIN (60LL * 1000)

#define D_20251230 20452
#define D_20251231 20453
#define D_20260101 20454
#define D_20260102 20455
#define D_20260105 20458
#define D_20260227 20511
#define D_20260228 20512
#define D_20260301 20513
#define D_20260302 20514
#define D_20260303 20515
#define D_20260304 20516
#define D_20260305 20517
#define D_20260306 20518
#define D_20260307 20519
#define D_20260309 20521

/* 09:00 KST of a day = day * 86400000 (see above). */
#define AT9(d) ((int64_t)(d)*86400000LL)

/* wday_dvsn_cd: 1 Sunday ... 7 Saturday, so Monday 2 ... Friday 6. */
static const struct kis_msg_day answer[] = {
    {20260302, 2, 0, 0, 0, 0}, {20260303, 3, 1, 1, 1, 1}, {20260304, 4, 1, 1, 1, 1},
    {20260305, 5, 1, 1, 1, 1}, {20260306, 6, 1, 1, 1, 1},
};

struct fx {
	char dir[64];
	char path[128];
	struct calendar *cal;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_calendar.XXXXXX");
	if (!mkdtemp(f->dir) || calendar_new(&f->cal) != KE_OK) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof f->path, "%s/calendar.cache", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	DIR *d = opendir(f->dir);
	if (d) {
		struct dirent *e;
		char p[512];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(f->dir);
	calendar_free(f->cal);
	free(f);
	return 0;
}

static void learn(struct fx *f)
{
	char err[256];
	assert_int_equal(calendar_set_days(f->cal, answer, KE_ARRAY_LEN(answer), D_20260303, err, sizeof err), KE_OK);
}

static void write_text(const char *path, const char *text, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void test_fallback(void **state)
{
	struct fx *f = *state;
	enum calendar_source src = 0;
	/* Nothing learned: weekdays trade, weekends do not. */
	assert_int_equal(calendar_is_open(f->cal, D_20260307, &src), 0); /* Saturday */
	assert_int_equal(src, CALENDAR_FALLBACK);
	assert_int_equal(calendar_is_open(f->cal, D_20260301, &src), 0); /* Sunday */
	assert_int_equal(calendar_is_open(f->cal, D_20260302, &src), 1); /* Monday */
	assert_int_equal(src, CALENDAR_FALLBACK);
	assert_int_equal(calendar_is_open(f->cal, D_20260306, NULL), 1); /* Friday */
	/* 1 January and 31 December close every year, even on a weekday. */
	assert_int_equal(calendar_is_open(f->cal, D_20260101, NULL), 0); /* Thursday */
	assert_int_equal(calendar_is_open(f->cal, D_20251231, NULL), 0); /* Wednesday */
	assert_int_equal(calendar_is_open(f->cal, D_20251230, NULL), 1); /* Tuesday */
	/* The adapter core_set_calendar takes says the same. */
	assert_int_equal(calendar_core_is_open(f->cal, D_20260307), 0);
	assert_int_equal(calendar_core_is_open(f->cal, D_20260302), 1);
}

static void test_inquiry_and_config(void **state)
{
	struct fx *f = *state;
	enum calendar_source src = 0;
	learn(f);
	/* The answer closes a weekday the fallback would open. */
	assert_int_equal(calendar_is_open(f->cal, D_20260302, &src), 0);
	assert_int_equal(src, CALENDAR_INQUIRY);
	assert_int_equal(calendar_is_open(f->cal, D_20260303, &src), 1);
	assert_int_equal(src, CALENDAR_INQUIRY);
	/* Days the answer does not cover fall back. */
	assert_int_equal(calendar_is_open(f->cal, D_20260309, &src), 1);
	assert_int_equal(src, CALENDAR_FALLBACK);
	assert_int_equal(calendar_is_open(f->cal, D_20260307, &src), 0);
	assert_int_equal(src, CALENDAR_FALLBACK);
	/* A config holiday wins over the answer's "open" and the fallback. */
	assert_int_equal(calendar_add_holiday(f->cal, D_20260304), KE_OK);
	assert_int_equal(calendar_add_holiday(f->cal, D_20260304), KE_OK); /* twice is once */
	assert_int_equal(calendar_add_holiday(f->cal, D_20260309), KE_OK);
	assert_int_equal(calendar_is_open(f->cal, D_20260304, &src), 0);
	assert_int_equal(src, CALENDAR_CONFIG);
	assert_int_equal(calendar_is_open(f->cal, D_20260309, &src), 0);
	assert_int_equal(src, CALENDAR_CONFIG);
	assert_int_equal(calendar_is_open(f->cal, D_20260305, &src), 1);
	assert_int_equal(src, CALENDAR_INQUIRY);
	assert_int_equal(calendar_add_holiday(f->cal, -1), KE_EINVAL); /* 1969-12-31 */
	assert_int_equal(calendar_add_holiday(NULL, D_20260304), KE_EINVAL);
}

static void test_bad_answers(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	learn(f);
	/* 2026-03-03 is a Tuesday (code 3), not a Monday (2). */
	struct kis_msg_day wrong_wday[] = {{20260303, 2, 1, 1, 1, 1}};
	assert_int_equal(calendar_set_days(f->cal, wrong_wday, 1, D_20260303, err, sizeof err), KE_EINVAL);
	assert_non_null(strstr(err, "20260303"));
	/* 2026 is not a leap year: no 29 February. */
	struct kis_msg_day bad_date[] = {{20260229, 1, 1, 1, 1, 1}};
	assert_int_equal(calendar_set_days(f->cal, bad_date, 1, D_20260303, err, sizeof err), KE_EINVAL);
	assert_non_null(strstr(err, "20260229"));
	struct kis_msg_day twice[] = {{20260303, 3, 1, 1, 1, 1}, {20260303, 3, 0, 0, 0, 0}};
	assert_int_equal(calendar_set_days(f->cal, twice, 2, D_20260303, err, sizeof err), KE_EINVAL);
	assert_int_equal(calendar_set_days(f->cal, answer, 0, D_20260303, err, sizeof err), KE_EINVAL);
	assert_int_equal(calendar_set_days(f->cal, NULL, 3, D_20260303, err, sizeof err), KE_EINVAL);
	/* None of these changed what was learned. */
	assert_int_equal(calendar_is_open(f->cal, D_20260302, NULL), 0);
	assert_int_equal(calendar_is_open(f->cal, D_20260303, NULL), 1);
	assert_int_equal(calendar_needs_refresh(f->cal, D_20260303), 0);

	/* Rows out of order are fine; a new answer replaces the old one. */
	struct kis_msg_day later[] = {{20260306, 6, 0, 0, 0, 0}, {20260305, 5, 1, 1, 1, 1}};
	assert_int_equal(calendar_set_days(f->cal, later, 2, D_20260304, err, sizeof err), KE_OK);
	assert_int_equal(calendar_is_open(f->cal, D_20260306, NULL), 0);
	enum calendar_source src = 0;
	assert_int_equal(calendar_is_open(f->cal, D_20260302, &src), 1); /* no longer covered */
	assert_int_equal(src, CALENDAR_FALLBACK);
}

static void test_needs_refresh(void **state)
{
	struct fx *f = *state;
	assert_int_equal(calendar_needs_refresh(f->cal, D_20260303), 1); /* never fetched */
	learn(f);                                                        /* fetched on 2026-03-03 */
	assert_int_equal(calendar_needs_refresh(f->cal, D_20260303), 0);
	assert_int_equal(calendar_needs_refresh(f->cal, D_20260304), 1); /* a new day */
}

static void test_session_kst_whatever_tz(void **state)
{
	struct fx *f = *state;
	/* The machine's zone must not matter: New York is UTC-5 in March
	 * before the 8th (DST starts 2026-03-08). */
	assert_int_equal(setenv("TZ", "America/New_York", 1), 0);
	tzset();
	learn(f);
	int64_t open = 0, close = 0;
	/* 2026-03-03 09:00 KST = 00:00 UTC = 20515 * 86400000 = 1772496000000;
	 * 15:30 KST = 06:30 UTC = + 6.5 h = + 23400000 = 1772519400000. */
	assert_int_equal(calendar_session(f->cal, D_20260303, &open, &close), KE_OK);
	assert_int_equal(open, 1772496000000LL);
	assert_int_equal(close, 1772519400000LL);
	/* Closed days have no session. */
	assert_int_equal(calendar_session(f->cal, D_20260302, &open, &close), KE_ENOENT);
	assert_int_equal(calendar_session(f->cal, D_20260307, &open, &close), KE_ENOENT);
	unsetenv("TZ");
	tzset();
}

static void test_first_day_of_year(void **state)
{
	struct fx *f = *state;
	int64_t open = 0, close = 0;
	/* 2026-01-01 is closed, so 2026-01-02 is the first session of 2026:
	 * 10:00 KST = 01:00 UTC = 20455 * 86400000 + 1 h = 1767312000000 +
	 * 3600000 = 1767315600000; the close stays 15:30 KST = 1767312000000 +
	 * 23400000 = 1767335400000. */
	assert_int_equal(calendar_session(f->cal, D_20260102, &open, &close), KE_OK);
	assert_int_equal(open, 1767315600000LL);
	assert_int_equal(close, 1767335400000LL);
	/* 2026-01-05 is not the first: 09:00 KST = 20458 * 86400000. */
	assert_int_equal(calendar_session(f->cal, D_20260105, &open, &close), KE_OK);
	assert_int_equal(open, 1767571200000LL);
	/* With 01-02 a config holiday, Monday 01-05 becomes the first. */
	assert_int_equal(calendar_add_holiday(f->cal, D_20260102), KE_OK);
	assert_int_equal(calendar_session(f->cal, D_20260105, &open, &close), KE_OK);
	assert_int_equal(open, 1767571200000LL + H);
	/* An override wins over the rule. */
	assert_int_equal(calendar_set_session(f->cal, D_20260105, 9 * H, 15 * H + 30 * MIN), KE_OK);
	assert_int_equal(calendar_session(f->cal, D_20260105, &open, &close), KE_OK);
	assert_int_equal(open, 1767571200000LL);
}

static void test_session_override(void **state)
{
	struct fx *f = *state;
	int64_t open = 0, close = 0;
	learn(f);
	/* A CSAT-like day, shifted by one hour: 10:00-16:30 KST on 2026-03-05
	 * (day 20517): 20517 * 86400000 = 1772668800000 is 09:00 KST, so
	 * 10:00 = 1772672400000 and 16:30 = + 7.5 h = 1772695800000. */
	assert_int_equal(calendar_set_session(f->cal, D_20260305, 10 * H, 16 * H + 30 * MIN), KE_OK);
	assert_int_equal(calendar_session(f->cal, D_20260305, &open, &close), KE_OK);
	assert_int_equal(open, 1772672400000LL);
	assert_int_equal(close, 1772695800000LL);
	/* Setting it again replaces it. */
	assert_int_equal(calendar_set_session(f->cal, D_20260305, 10 * H, 15 * H + 30 * MIN), KE_OK);
	assert_int_equal(calendar_session(f->cal, D_20260305, &open, &close), KE_OK);
	assert_int_equal(close, AT9(D_20260305) + 6 * H + 30 * MIN);
	/* It does not open a closed day. */
	assert_int_equal(calendar_set_session(f->cal, D_20260302, 10 * H, 16 * H), KE_OK);
	assert_int_equal(calendar_session(f->cal, D_20260302, &open, &close), KE_ENOENT);
	/* Nonsense hours are refused. */
	assert_int_equal(calendar_set_session(f->cal, D_20260305, 16 * H, 10 * H), KE_EINVAL);
	assert_int_equal(calendar_set_session(f->cal, D_20260305, 10 * H, 10 * H), KE_EINVAL);
	assert_int_equal(calendar_set_session(f->cal, D_20260305, -1, 10 * H), KE_EINVAL);
	assert_int_equal(calendar_set_session(f->cal, D_20260305, 10 * H, 24 * H + 1), KE_EINVAL);
}

static void test_next_open_close(void **state)
{
	struct fx *f = *state;
	int64_t at = 0;
	learn(f);
	/* Friday 2026-02-27 16:00 KST: Saturday, Sunday (fallback) and
	 * Monday 03-02 (the answer) are closed, so Tuesday 03-03. */
	int64_t fri_16 = AT9(D_20260227) + 7 * H;
	assert_int_equal(calendar_next_open(f->cal, fri_16, &at), KE_OK);
	assert_int_equal(at, AT9(D_20260303));
	assert_int_equal(at, 1772496000000LL);
	assert_int_equal(calendar_next_close(f->cal, fri_16, &at), KE_OK);
	assert_int_equal(at, AT9(D_20260303) + 6 * H + 30 * MIN);
	/* Friday 02-27 08:00 KST: that day's session is still ahead. */
	assert_int_equal(calendar_next_open(f->cal, AT9(D_20260227) - H, &at), KE_OK);
	assert_int_equal(at, AT9(D_20260227));
	/* Strictly after: at 09:00 sharp the next open is tomorrow's, and
	 * during the session the close is today's. */
	assert_int_equal(calendar_next_open(f->cal, AT9(D_20260303), &at), KE_OK);
	assert_int_equal(at, AT9(D_20260304));
	assert_int_equal(calendar_next_open(f->cal, AT9(D_20260303) - 1, &at), KE_OK);
	assert_int_equal(at, AT9(D_20260303));
	assert_int_equal(calendar_next_close(f->cal, AT9(D_20260303) + H, &at), KE_OK);
	assert_int_equal(at, AT9(D_20260303) + 6 * H + 30 * MIN);
	assert_int_equal(calendar_next_close(f->cal, AT9(D_20260303) + 6 * H + 30 * MIN, &at), KE_OK);
	assert_int_equal(at, AT9(D_20260304) + 6 * H + 30 * MIN);
	/* A config holiday on 03-04 moves both to 03-05. */
	assert_int_equal(calendar_add_holiday(f->cal, D_20260304), KE_OK);
	assert_int_equal(calendar_next_open(f->cal, AT9(D_20260303), &at), KE_OK);
	assert_int_equal(at, AT9(D_20260305));
	/* The search is bounded: 40 closed days in a row find nothing. */
	for (int32_t d = D_20260303; d < D_20260303 + 40; d++)
		assert_int_equal(calendar_add_holiday(f->cal, d), KE_OK);
	assert_int_equal(calendar_next_open(f->cal, AT9(D_20260303) - H, &at), KE_ENOENT);
	assert_int_equal(calendar_next_close(f->cal, AT9(D_20260303) - H, &at), KE_ENOENT);
}

static void test_cache_round_trip(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	assert_int_equal(calendar_save(f->cal, f->path, err, sizeof err), KE_ESTATE); /* nothing learned */
	learn(f);
	assert_int_equal(calendar_save(f->cal, f->path, err, sizeof err), KE_OK);
	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The format, written out by hand. */
	const char *want = "kis-engine-calendar 1\n"
	                   "fetched 20260303\n"
	                   "20260302 closed\n"
	                   "20260303 open\n"
	                   "20260304 open\n"
	                   "20260305 open\n"
	                   "20260306 open\n"
	                   "end\n";
	char got[512] = "";
	FILE *fp = fopen(f->path, "rb");
	assert_non_null(fp);
	size_t n = fread(got, 1, sizeof got - 1, fp);
	fclose(fp);
	got[n] = '\0';
	assert_string_equal(got, want);
	/* No temp file is left next to it. */
	DIR *d = opendir(f->dir);
	assert_non_null(d);
	int files = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		files += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 1);

	struct calendar *c2;
	assert_int_equal(calendar_new(&c2), KE_OK);
	enum calendar_source src = 0;
	assert_int_equal(calendar_load(c2, f->path, D_20260303, err, sizeof err), KE_OK);
	assert_int_equal(calendar_needs_refresh(c2, D_20260303), 0);
	assert_int_equal(calendar_is_open(c2, D_20260302, &src), 0);
	assert_int_equal(src, CALENDAR_INQUIRY);
	assert_int_equal(calendar_is_open(c2, D_20260306, &src), 1);
	assert_int_equal(src, CALENDAR_INQUIRY);
	assert_int_equal(calendar_is_open(c2, D_20260309, &src), 1);
	assert_int_equal(src, CALENDAR_FALLBACK);
	calendar_free(c2);

	/* Saving again replaces the file and keeps it 0600. */
	assert_int_equal(chmod(f->path, 0644), 0);
	assert_int_equal(calendar_save(f->cal, f->path, err, sizeof err), KE_OK);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_cache_stale_or_missing(void **state)
{
	struct fx *f = *state;
	char err[256] = "";
	assert_int_equal(calendar_load(f->cal, f->path, D_20260303, err, sizeof err), KE_ENOENT); /* no file */
	learn(f);
	assert_int_equal(calendar_save(f->cal, f->path, err, sizeof err), KE_OK);
	struct calendar *c2;
	assert_int_equal(calendar_new(&c2), KE_OK);
	/* Fetched 2026-03-03; on 03-04 it is ignored and nothing is learned. */
	assert_int_equal(calendar_load(c2, f->path, D_20260304, err, sizeof err), KE_ENOENT);
	assert_non_null(strstr(err, "2026-03-03"));
	assert_int_equal(calendar_needs_refresh(c2, D_20260304), 1);
	enum calendar_source src = 0;
	assert_int_equal(calendar_is_open(c2, D_20260302, &src), 1);
	assert_int_equal(src, CALENDAR_FALLBACK);
	calendar_free(c2);
}

struct bad_file {
	const char *text;
	const char *line; /* what the error must name */
};

static void test_cache_malformed(void **state)
{
	struct fx *f = *state;
	char err[256];
	static const struct bad_file bad[] = {
	    {"", "line 1"},
	    {"kis-engine-calendar 2\nfetched 20260303\n20260303 open\nend\n", "line 1"},
	    {"kis-engine-calendar 1\nfetch 20260303\n20260303 open\nend\n", "line 2"},
	    {"kis-engine-calendar 1\nfetched 2026033\n20260303 open\nend\n", "line 2"},
	    /* cut in the middle of a line */
	    {"kis-engine-calendar 1\nfetched 20260303\n20260302 closed\n2026030", "line 4"},
	    /* cut between lines: no end */
	    {"kis-engine-calendar 1\nfetched 20260303\n20260302 closed\n", "line 4"},
	    /* no 30 February */
	    {"kis-engine-calendar 1\nfetched 20260303\n20260230 open\nend\n", "line 3"},
	    {"kis-engine-calendar 1\nfetched 20260303\n2026-03-03 open\nend\n", "line 3"},
	    {"kis-engine-calendar 1\nfetched 20260303\n20260302 shut\nend\n", "line 3"},
	    {"kis-engine-calendar 1\nfetched 20260303\n20260302 open \nend\n", "line 3"},
	    {"kis-engine-calendar 1\nfetched 20260303\n20260302\nend\n", "line 3"},
	    {"kis-engine-calendar 1\nfetched 20260303\n20260303 open\n20260302 open\nend\n", "line 4"},
	    {"kis-engine-calendar 1\nfetched 20260303\nend\n", "line 3"},
	    {"kis-engine-calendar 1\nfetched 20260303\n20260303 open\nend\n20260304 open\n", "line 5"},
	    {"kis-engine-calendar 1\r\nfetched 20260303\r\n20260303 open\r\nend\r\n", "line 1"},
	};
	learn(f);
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		write_text(f->path, bad[i].text, strlen(bad[i].text));
		err[0] = '\0';
		int rc = calendar_load(f->cal, f->path, D_20260303, err, sizeof err);
		if (rc != KE_EINVAL || !strstr(err, bad[i].line))
			fail_msg("case %zu: rc %d, err \"%s\", want KE_EINVAL naming %s", i, rc, err, bad[i].line);
	}
	/* Binary garbage with NUL bytes. */
	static const char junk[] = "kis-engine-calendar 1\nfetched 20260303\n2026\0\0303 open\nend\n\xff\xfe";
	write_text(f->path, junk, sizeof junk - 1);
	assert_int_equal(calendar_load(f->cal, f->path, D_20260303, err, sizeof err), KE_EINVAL);
	/* A directory is not a cache. */
	assert_int_equal(calendar_load(f->cal, f->dir, D_20260303, err, sizeof err), KE_EINVAL);
	/* Too large. */
	size_t big = 70 * 1024;
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, 'x', big);
	write_text(f->path, huge, big);
	free(huge);
	assert_int_equal(calendar_load(f->cal, f->path, D_20260303, err, sizeof err), KE_EINVAL);
	/* Every refusal left the learned answer alone. */
	enum calendar_source src = 0;
	assert_int_equal(calendar_is_open(f->cal, D_20260302, &src), 0);
	assert_int_equal(src, CALENDAR_INQUIRY);
	assert_int_equal(calendar_needs_refresh(f->cal, D_20260303), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fallback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inquiry_and_config, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_answers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_needs_refresh, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_kst_whatever_tz, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_first_day_of_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_override, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_open_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cache_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cache_stale_or_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cache_malformed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
