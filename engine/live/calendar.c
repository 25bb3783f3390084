/*
 * calendar.c - the KRX trading calendar: chk-holiday days, config holidays,
 * session overrides and the day's cache file.
 *
 * Everything is a pure function of what was learned and the time passed
 * in; only calendar_save and calendar_load touch the file system.
 */
#include "calendar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ke_common.h"
#include "kis_msg.h"
#include "krx.h"
#include "ktime.h"

#define CACHE_MAGIC    "kis-engine-calendar 1"
#define CACHE_MAX_SIZE (64 * 1024)
#define PATH_CAP       4096
#define MIN_YEAR       1970
#define MAX_YEAR       9999

/* KRX's opening ceremony pushes the first session of each year to 10:00. */
#define FIRST_DAY_OPEN_MS (10LL * 3600 * 1000)

struct cal_day {
	int32_t day;
	int open;
};

struct cal_session {
	int32_t day;
	int64_t open, close; /* ms of KST day */
};

struct calendar {
	struct cal_day *days; /* the inquiry's rows, sorted by day */
	size_t ndays;
	int fetched;         /* 1 once an answer was learned */
	int32_t fetched_day; /* KST day the answer was fetched */
	int32_t *holidays;   /* config, unsorted (a few dozen at most) */
	size_t nholidays, capholidays;
	struct cal_session *sessions;
	size_t nsessions, capsessions;
};

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

int calendar_new(struct calendar **out)
{
	if (!out)
		return KE_EINVAL;
	*out = calloc(1, sizeof **out);
	return *out ? KE_OK : KE_ENOMEM;
}

void calendar_free(struct calendar *cal)
{
	if (!cal)
		return;
	free(cal->days);
	free(cal->holidays);
	free(cal->sessions);
	free(cal);
}

static int day_in_range(int32_t day)
{
	return day >= ktime_days_from_civil(MIN_YEAR, 1, 1) && day <= ktime_days_from_civil(MAX_YEAR, 12, 31);
}

/* YYYYMMDD naming a real day in range into a day number. */
static int day_from_yyyymmdd(int32_t v, int32_t *out)
{
	int y = (int)(v / 10000), m = (int)(v / 100 % 100), d = (int)(v % 100);
	if (v < 0 || y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > 31)
		return KE_EINVAL;
	int32_t day = ktime_days_from_civil(y, m, d);
	int yy, mm, dd;
	/* Day arithmetic accepts 31 February; only a round trip proves the
	 * date exists. */
	ktime_civil_from_days(day, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		return KE_EINVAL;
	*out = day;
	return KE_OK;
}

static int cmp_day(const void *a, const void *b)
{
	const struct cal_day *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

int calendar_set_days(struct calendar *cal, const struct kis_msg_day *days, size_t n, int32_t fetched_day, char *err,
                      size_t errlen)
{
	if (!cal || (!days && n))
		return fail(err, errlen, KE_EINVAL, "calendar: no calendar or no days");
	if (n == 0)
		return fail(err, errlen, KE_EINVAL, "chk-holiday: the answer has no days");
	if (n > CALENDAR_MAX_DAYS)
		return fail(err, errlen, KE_EINVAL, "chk-holiday: %zu days, at most %d are kept", n, CALENDAR_MAX_DAYS);
	if (!day_in_range(fetched_day))
		return fail(err, errlen, KE_EINVAL, "chk-holiday: bad fetch day %ld", (long)fetched_day);
	struct cal_day *v = malloc(n * sizeof *v);
	if (!v)
		return fail(err, errlen, KE_ENOMEM, "calendar: out of memory");
	for (size_t i = 0; i < n; i++) {
		int32_t day;
		if (day_from_yyyymmdd(days[i].date, &day) != KE_OK) {
			free(v);
			return fail(err, errlen, KE_EINVAL, "chk-holiday row %zu: bass_dt %ld is not a date", i,
			            (long)days[i].date);
		}
		/* wday_dvsn_cd counts 1 = Sunday; a disagreement means the
		 * rows are not what they claim to be, so none is trusted. */
		if (days[i].weekday - 1 != ktime_weekday(day)) {
			free(v);
			return fail(err, errlen, KE_EINVAL,
			            "chk-holiday row %zu: %ld has weekday code %d, the calendar says %d", i,
			            (long)days[i].date, days[i].weekday, ktime_weekday(day) + 1);
		}
		v[i].day = day;
		v[i].open = days[i].open != 0;
	}
	qsort(v, n, sizeof *v, cmp_day);
	for (size_t i = 1; i < n; i++) {
		if (v[i].day == v[i - 1].day) {
			int32_t dup = ktime_yyyymmdd(v[i].day);
			free(v);
			return fail(err, errlen, KE_EINVAL, "chk-holiday: %ld is given twice", (long)dup);
		}
	}
	free(cal->days);
	cal->days = v;
	cal->ndays = n;
	cal->fetched = 1;
	cal->fetched_day = fetched_day;
	return KE_OK;
}

/* Doubles *cap until it holds need elements. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return KE_OK;
	size_t ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * size);
	if (!np)
		return KE_ENOMEM;
	*p = np;
	*cap = ncap;
	return KE_OK;
}

int calendar_add_holiday(struct calendar *cal, int32_t day)
{
	if (!cal || !day_in_range(day))
		return KE_EINVAL;
	for (size_t i = 0; i < cal->nholidays; i++)
		if (cal->holidays[i] == day)
			return KE_OK;
	void *p = cal->holidays;
	int rc = grow(&p, &cal->capholidays, cal->nholidays + 1, sizeof *cal->holidays);
	cal->holidays = p;
	if (rc != KE_OK)
		return rc;
	cal->holidays[cal->nholidays++] = day;
	return KE_OK;
}

int calendar_set_session(struct calendar *cal, int32_t day, int64_t open_ms_of_day, int64_t close_ms_of_day)
{
	if (!cal || !day_in_range(day) || open_ms_of_day < 0 || open_ms_of_day >= close_ms_of_day ||
	    close_ms_of_day > KTIME_DAY_MS)
		return KE_EINVAL;
	for (size_t i = 0; i < cal->nsessions; i++) {
		if (cal->sessions[i].day == day) {
			cal->sessions[i].open = open_ms_of_day;
			cal->sessions[i].close = close_ms_of_day;
			return KE_OK;
		}
	}
	void *p = cal->sessions;
	int rc = grow(&p, &cal->capsessions, cal->nsessions + 1, sizeof *cal->sessions);
	cal->sessions = p;
	if (rc != KE_OK)
		return rc;
	cal->sessions[cal->nsessions++] = (struct cal_session){day, open_ms_of_day, close_ms_of_day};
	return KE_OK;
}

static const struct cal_day *find_day(const struct calendar *cal, int32_t day)
{
	struct cal_day key = {day, 0};
	if (!cal->ndays)
		return NULL;
	return bsearch(&key, cal->days, cal->ndays, sizeof *cal->days, cmp_day);
}

/* Without an answer: weekdays trade, except the two closed days KRX keeps
 * every year (New Year's Day, a public holiday, and the 31 December
 * year-end closing day). Knowing 1 January is closed also lets the
 * first-day-of-the-year rule find the first session. */
static int fallback_open(int32_t day)
{
	int wd = ktime_weekday(day), y, m, d;
	if (wd == 0 || wd == 6)
		return 0;
	ktime_civil_from_days(day, &y, &m, &d);
	return !((m == 1 && d == 1) || (m == 12 && d == 31));
}

int calendar_is_open(const struct calendar *cal, int32_t day, enum calendar_source *src)
{
	enum calendar_source s = CALENDAR_FALLBACK;
	int open = -1;
	if (cal) {
		for (size_t i = 0; i < cal->nholidays && open < 0; i++) {
			if (cal->holidays[i] == day) {
				s = CALENDAR_CONFIG;
				open = 0;
			}
		}
		const struct cal_day *r = open < 0 ? find_day(cal, day) : NULL;
		if (r) {
			s = CALENDAR_INQUIRY;
			open = r->open;
		}
	}
	if (open < 0)
		open = fallback_open(day);
	if (src)
		*src = s;
	return open;
}

int calendar_core_is_open(void *ud, int32_t day)
{
	return calendar_is_open(ud, day, NULL);
}

int calendar_needs_refresh(const struct calendar *cal, int32_t today)
{
	return !cal || !cal->fetched || cal->fetched_day != today;
}

/* The first open day of its year: every day since 1 January is closed. It
 * always falls in the first days of January, so the walk is short. */
static int first_of_year(const struct calendar *cal, int32_t day)
{
	int y, m, d;
	ktime_civil_from_days(day, &y, &m, &d);
	if (m != 1)
		return 0;
	for (int32_t k = ktime_days_from_civil(y, 1, 1); k < day; k++)
		if (calendar_is_open(cal, k, NULL))
			return 0;
	return 1;
}

int calendar_session(const struct calendar *cal, int32_t day, int64_t *open_ms, int64_t *close_ms)
{
	if (!calendar_is_open(cal, day, NULL))
		return KE_ENOENT;
	int64_t open = KRX_OPEN_MS, close = KRX_CLOSE_MS;
	int overridden = 0;
	for (size_t i = 0; cal && i < cal->nsessions; i++) {
		if (cal->sessions[i].day == day) {
			open = cal->sessions[i].open;
			close = cal->sessions[i].close;
			overridden = 1;
		}
	}
	if (!overridden && first_of_year(cal, day))
		open = FIRST_DAY_OPEN_MS;
	if (open_ms)
		*open_ms = ktime_day_start(day) + open;
	if (close_ms)
		*close_ms = ktime_day_start(day) + close;
	return KE_OK;
}

static int next_edge(const struct calendar *cal, int64_t now_ms, int want_close, int64_t *at_ms)
{
	if (!at_ms)
		return KE_EINVAL;
	int32_t day = ktime_kst_day(now_ms);
	for (int i = 0; i <= CALENDAR_SEARCH_DAYS; i++, day++) {
		int64_t open, close;
		if (calendar_session(cal, day, &open, &close) != KE_OK)
			continue;
		int64_t t = want_close ? close : open;
		if (t > now_ms) {
			*at_ms = t;
			return KE_OK;
		}
	}
	return KE_ENOENT;
}

int calendar_next_open(const struct calendar *cal, int64_t now_ms, int64_t *at_ms)
{
	return next_edge(cal, now_ms, 0, at_ms);
}

int calendar_next_close(const struct calendar *cal, int64_t now_ms, int64_t *at_ms)
{
	return next_edge(cal, now_ms, 1, at_ms);
}

/* ---- the cache file ----
 *
 *   kis-engine-calendar 1
 *   fetched 20260302
 *   20260302 open
 *   20260303 closed
 *   end
 *
 * The "end" line tells a complete file from a cut one. */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return 0;
		p += w;
		n -= (size_t)w;
	}
	return 1;
}

int calendar_save(const struct calendar *cal, const char *path, char *err, size_t errlen)
{
	if (!cal || !path || !*path || strlen(path) >= PATH_CAP)
		return fail(err, errlen, KE_EINVAL, "calendar cache: no calendar or bad path");
	if (!cal->fetched)
		return fail(err, errlen, KE_ESTATE, "calendar cache: no chk-holiday answer to save");
	/* 16 bytes a day line ("20260302 closed\n"), plus header and end. */
	size_t cap = cal->ndays * 16 + 64, len = 0;
	char *text = malloc(cap);
	if (!text)
		return fail(err, errlen, KE_ENOMEM, "calendar cache: out of memory");
	len += (size_t)snprintf(text + len, cap - len, "%s\nfetched %08ld\n", CACHE_MAGIC,
	                        (long)ktime_yyyymmdd(cal->fetched_day));
	for (size_t i = 0; i < cal->ndays; i++)
		len += (size_t)snprintf(text + len, cap - len, "%08ld %s\n", (long)ktime_yyyymmdd(cal->days[i].day),
		                        cal->days[i].open ? "open" : "closed");
	len += (size_t)snprintf(text + len, cap - len, "end\n");

	char tmp[PATH_CAP + 16];
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	int rc = KE_OK;
	/* mkstemp creates the file 0600 with O_EXCL; the fchmod makes the
	 * mode independent of the C library. A crash before the rename leaves
	 * the old cache whole. */
	int fd = mkstemp(tmp);
	if (fd < 0) {
		rc = fail(err, errlen, KE_EIO, "cannot create a temp file for %s: %s", path, strerror(errno));
	} else {
		if (fchmod(fd, 0600) != 0 || !write_all(fd, text, len) || fsync(fd) != 0)
			rc = fail(err, errlen, KE_EIO, "cannot write %s: %s", tmp, strerror(errno));
		if (close(fd) != 0 && rc == KE_OK)
			rc = fail(err, errlen, KE_EIO, "cannot write %s: %s", tmp, strerror(errno));
		if (rc == KE_OK && rename(tmp, path) != 0)
			rc = fail(err, errlen, KE_EIO, "cannot rename to %s: %s", path, strerror(errno));
		if (rc != KE_OK)
			unlink(tmp);
	}
	free(text);
	return rc;
}

/* Reads the whole file (a regular file under CACHE_MAX_SIZE) into *out,
 * NUL-terminated; *len excludes the NUL. */
static int read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return fail(err, errlen, KE_ENOENT, "no calendar cache %s", path);
		return fail(err, errlen, KE_EIO, "cannot open %s: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > CACHE_MAX_SIZE) {
		close(fd);
		return fail(err, errlen, KE_EINVAL, "calendar cache %s: not a regular file under %d bytes", path,
		            CACHE_MAX_SIZE);
	}
	char *buf = malloc(CACHE_MAX_SIZE + 1);
	if (!buf) {
		close(fd);
		return fail(err, errlen, KE_ENOMEM, "calendar cache: out of memory");
	}
	size_t n = 0;
	/* Read to end of file, not to st_size: the file may change under us,
	 * and one byte past the limit shows it grew too large. */
	for (;;) {
		ssize_t r = read(fd, buf + n, CACHE_MAX_SIZE + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			free(buf);
			return fail(err, errlen, KE_EIO, "cannot read %s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CACHE_MAX_SIZE) {
			close(fd);
			free(buf);
			return fail(err, errlen, KE_EINVAL, "calendar cache %s: larger than %d bytes", path,
			            CACHE_MAX_SIZE);
		}
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return KE_OK;
}

/* Exactly eight digits naming a real day. */
static int parse_date8(const char *s, size_t n, int32_t *day)
{
	if (n != 8)
		return KE_EINVAL;
	int32_t v = 0;
	for (size_t i = 0; i < 8; i++) {
		if (s[i] < '0' || s[i] > '9')
			return KE_EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	return day_from_yyyymmdd(v, day);
}

static int is_word(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* Parses the whole text into a fresh day array; *fetched_day from the
 * header. The caller frees *out on KE_OK. */
static int parse_cache(const char *path, const char *text, size_t len, struct cal_day **out, size_t *nout,
                       int32_t *fetched_day, char *err, size_t errlen)
{
	struct cal_day *v = NULL;
	size_t n = 0, cap = 0;
	int line = 0, ended = 0, rc = KE_OK;
	const char *p = text, *end = text + len;
	while (p < end && rc == KE_OK) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: cut short (no end of line)", path,
			          line);
			break;
		}
		size_t ln = (size_t)(nl - p);
		const char *sp = memchr(p, ' ', ln);
		int32_t day = 0;
		if (ended) {
			rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: text after \"end\"", path, line);
		} else if (line == 1) {
			if (!is_word(p, ln, CACHE_MAGIC))
				rc = fail(err, errlen, KE_EINVAL,
				          "calendar cache %s line 1: not a calendar cache (want \"%s\")", path,
				          CACHE_MAGIC);
		} else if (line == 2) {
			if (!sp || !is_word(p, (size_t)(sp - p), "fetched") ||
			    parse_date8(sp + 1, (size_t)(nl - sp - 1), fetched_day) != KE_OK)
				rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line 2: want \"fetched YYYYMMDD\"",
				          path);
		} else if (is_word(p, ln, "end")) {
			if (n == 0)
				rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: no days before \"end\"",
				          path, line);
			ended = 1;
		} else if (!sp || parse_date8(p, (size_t)(sp - p), &day) != KE_OK) {
			rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: want \"YYYYMMDD open|closed\"",
			          path, line);
		} else if (!is_word(sp + 1, (size_t)(nl - sp - 1), "open") &&
		           !is_word(sp + 1, (size_t)(nl - sp - 1), "closed")) {
			rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: want \"open\" or \"closed\"",
			          path, line);
		} else if (n && day <= v[n - 1].day) {
			rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: days out of order", path, line);
		} else if (n >= CALENDAR_MAX_DAYS) {
			rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: more than %d days", path, line,
			          CALENDAR_MAX_DAYS);
		} else {
			void *np = v;
			rc = grow(&np, &cap, n + 1, sizeof *v);
			v = np;
			if (rc != KE_OK)
				fail(err, errlen, rc, "calendar cache: out of memory");
			else
				v[n++] = (struct cal_day){day, is_word(sp + 1, (size_t)(nl - sp - 1), "open")};
		}
		p = nl + 1;
	}
	if (rc == KE_OK && !ended)
		rc = fail(err, errlen, KE_EINVAL, "calendar cache %s line %d: cut short (no \"end\" line)", path,
		          line + 1);
	if (rc != KE_OK) {
		free(v);
		return rc;
	}
	*out = v;
	*nout = n;
	return KE_OK;
}

int calendar_load(struct calendar *cal, const char *path, int32_t today, char *err, size_t errlen)
{
	if (!cal || !path || !*path)
		return fail(err, errlen, KE_EINVAL, "calendar cache: no calendar or no path");
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct cal_day *v = NULL;
	size_t n = 0;
	int32_t fetched = 0;
	rc = parse_cache(path, text, len, &v, &n, &fetched, err, errlen);
	free(text);
	if (rc != KE_OK)
		return rc;
	if (fetched != today) {
		char was[11];
		ktime_format_date(fetched, was, sizeof was);
		free(v);
		return fail(err, errlen, KE_ENOENT, "calendar cache %s was fetched on %s, not today", path, was);
	}
	free(cal->days);
	cal->days = v;
	cal->ndays = n;
	cal->fetched = 1;
	cal->fetched_day = fetched;
	return KE_OK;
}
