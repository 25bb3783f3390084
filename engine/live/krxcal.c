/*
 * krxcal.c - the KRX trading calendar (see krxcal.h).
 */
#include "krxcal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ktime.h"

#define CACHE_HEADER "kis-engine krx calendar 1"

struct kday {
	int32_t day;
	int open;
};

struct krxcal {
	struct kday *days; /* from the inquiry, sorted by day, unique */
	size_t n, cap;
	int32_t *closed; /* from the config, unsorted (few) */
	size_t nclosed, capclosed;
	int32_t fetched;
};

int krxcal_new(struct krxcal **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return KE_ENOMEM;
	(*out)->fetched = -1;
	return KE_OK;
}

void krxcal_free(struct krxcal *c)
{
	if (!c)
		return;
	free(c->days);
	free(c->closed);
	free(c);
}

int krxcal_add_closed(struct krxcal *c, int32_t day)
{
	if (c->nclosed == c->capclosed) {
		size_t cap = c->capclosed ? c->capclosed * 2 : 16;
		int32_t *p = realloc(c->closed, cap * sizeof(*p));
		if (!p)
			return KE_ENOMEM;
		c->closed = p;
		c->capclosed = cap;
	}
	c->closed[c->nclosed++] = day;
	return KE_OK;
}

static struct kday *find(const struct krxcal *c, int32_t day)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].day == day)
			return &c->days[mid];
		if (c->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_day(const void *a, const void *b)
{
	const struct kday *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

static int put_day(struct krxcal *c, int32_t day, int open)
{
	struct kday *d = find(c, day);
	if (d) {
		d->open = open;
		return KE_OK;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct kday *p = realloc(c->days, cap * sizeof(*p));
		if (!p)
			return KE_ENOMEM;
		c->days = p;
		c->cap = cap;
	}
	c->days[c->n++] = (struct kday){day, open};
	qsort(c->days, c->n, sizeof(*c->days), cmp_day);
	return KE_OK;
}

/* YYYYMMDD -> KST day; -1 when not a date. */
static int32_t day_of(int32_t yyyymmdd)
{
	char s[16];
	snprintf(s, sizeof(s), "%04d-%02d-%02d", (int)(yyyymmdd / 10000), (int)(yyyymmdd / 100 % 100),
	         (int)(yyyymmdd % 100));
	int32_t day;
	return yyyymmdd > 19000000 && yyyymmdd < 30000000 && ktime_parse_date(s, &day) == KE_OK ? day : -1;
}

int krxcal_learn(struct krxcal *c, const struct kis_msg_day *days, size_t n, int32_t fetched_day)
{
	for (size_t i = 0; i < n; i++)
		if (day_of(days[i].date) < 0)
			return KE_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int rc = put_day(c, day_of(days[i].date), days[i].open != 0);
		if (rc != KE_OK)
			return rc;
	}
	c->fetched = fetched_day;
	return KE_OK;
}

int32_t krxcal_fetched_on(const struct krxcal *c)
{
	return c->fetched;
}

int krxcal_is_open(const struct krxcal *c, int32_t day, enum krxcal_source *src)
{
	enum krxcal_source s = KRXCAL_WEEKDAYS;
	int open;
	const struct kday *d = find(c, day);
	for (size_t i = 0; i < c->nclosed; i++)
		if (c->closed[i] == day) {
			s = KRXCAL_CONFIG;
			break;
		}
	if (s == KRXCAL_CONFIG) {
		open = 0;
	} else if (d) {
		s = KRXCAL_INQUIRY;
		open = d->open;
	} else {
		/* KRX is closed at weekends, on 1 January (신정) and on its
		 * year-end closing day, 31 December, every year. */
		int wd = ktime_weekday(day), md = (int)(ktime_yyyymmdd(day) % 10000);
		open = wd != 0 && wd != 6 && md != 101 && md != 1231;
	}
	if (src)
		*src = s;
	return open;
}

int krxcal_save(const struct krxcal *c, const char *path, char *err, size_t errlen)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "calendar cache path too long");
		return KE_EINVAL;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return KE_EIO;
	}
	FILE *fp = fdopen(fd, "w");
	if (!fp) {
		close(fd);
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return KE_EIO;
	}
	fprintf(fp, "%s\nfetched %d\n", CACHE_HEADER, (int)ktime_yyyymmdd(c->fetched));
	for (size_t i = 0; i < c->n; i++)
		fprintf(fp, "%d %s\n", (int)ktime_yyyymmdd(c->days[i].day), c->days[i].open ? "open" : "closed");
	int bad = fflush(fp) != 0 || fsync(fileno(fp)) != 0;
	bad |= fclose(fp) != 0;
	if (bad || rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return KE_EIO;
	}
	return KE_OK;
}

/* One "YYYYMMDD word" line; -1 when malformed. */
static int32_t parse_date_field(const char *s, const char **rest)
{
	int32_t v = 0;
	int k = 0;
	for (; k < 8 && s[k] >= '0' && s[k] <= '9'; k++)
		v = v * 10 + (s[k] - '0');
	*rest = s + k;
	return k == 8 ? day_of(v) : -1;
}

int krxcal_load(struct krxcal *c, const char *path, int32_t today, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "re");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return KE_ENOENT;
	}
	struct krxcal tmp = {.fetched = -1};
	char line[128];
	int lineno = 0, rc = KE_OK;
	while (rc == KE_OK && fgets(line, sizeof(line), fp)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		const char *rest;
		if (lineno == 1) {
			if (strcmp(line, CACHE_HEADER) != 0)
				rc = KE_EINVAL;
		} else if (lineno == 2) {
			tmp.fetched = strncmp(line, "fetched ", 8) == 0 ? parse_date_field(line + 8, &rest) : -1;
			if (tmp.fetched < 0 || *rest)
				rc = KE_EINVAL;
		} else {
			int32_t day = parse_date_field(line, &rest);
			if (day < 0 || (strcmp(rest, " open") != 0 && strcmp(rest, " closed") != 0))
				rc = KE_EINVAL;
			else if (put_day(&tmp, day, strcmp(rest, " open") == 0) != KE_OK)
				rc = KE_ENOMEM;
		}
	}
	fclose(fp);
	if (rc == KE_OK && lineno < 2)
		rc = KE_EINVAL;
	if (rc == KE_EINVAL)
		snprintf(err, errlen, "%s:%d: not a calendar cache line", path, lineno);
	if (rc == KE_OK && tmp.fetched != today) {
		snprintf(err, errlen, "%s: fetched another day", path);
		rc = KE_ENOENT;
	}
	if (rc != KE_OK) {
		free(tmp.days);
		return rc;
	}
	free(c->days);
	c->days = tmp.days;
	c->n = tmp.n;
	c->cap = tmp.cap;
	c->fetched = tmp.fetched;
	return KE_OK;
}
