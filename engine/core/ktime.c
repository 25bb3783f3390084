/*
 * ktime.c - epoch milliseconds and the KST calendar.
 *
 * Civil-date conversions use Howard Hinnant's days_from_civil algorithm,
 * exact for the whole proleptic Gregorian calendar and free of libc time
 * zone state (the engine must not depend on the machine's TZ).
 */
#include "ktime.h"

#include <stdio.h>
#include <string.h>

#include "ke_common.h"

int32_t ktime_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ktime_civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

/* Reads exactly n digits at s; -1 when any is not a digit. */
static int read_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int parse_ymd(const char *s, size_t len, int32_t *out_day)
{
	if (len < 10 || s[4] != '-' || s[7] != '-')
		return KE_EINVAL;
	int y = read_digits(s, 4), m = read_digits(s + 5, 2), d = read_digits(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return KE_EINVAL;
	*out_day = ktime_days_from_civil(y, m, d);
	return KE_OK;
}

int ktime_parse_date(const char *s, int32_t *out_day)
{
	size_t len = 0;
	while (len < 11 && s[len])
		len++;
	if (len != 10)
		return KE_EINVAL;
	return parse_ymd(s, len, out_day);
}

int ktime_parse_iso(const char *s, size_t len, int64_t date_only_sec, int64_t *out_ms)
{
	int32_t day;
	if (parse_ymd(s, len, &day) != KE_OK)
		return KE_EINVAL;
	if (len == 10) {
		*out_ms = ktime_day_start(day) + date_only_sec * 1000;
		return KE_OK;
	}
	if (len < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return KE_EINVAL;
	int hh = read_digits(s + 11, 2), mi = read_digits(s + 14, 2), ss = read_digits(s + 17, 2);
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		return KE_EINVAL;
	size_t i = 19;
	int64_t frac_ms = 0;
	if (i < len && s[i] == '.') {
		int digits = 0;
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
			if (digits < 3)
				frac_ms = frac_ms * 10 + (s[i] - '0');
		if (digits == 0)
			return KE_EINVAL;
		for (; digits < 3; digits++)
			frac_ms *= 10;
	}
	int64_t offset_ms = KTIME_KST_OFFSET_MS; /* no offset given: KST */
	if (i < len) {
		if (s[i] == 'Z' && i + 1 == len) {
			offset_ms = 0;
		} else if ((s[i] == '+' || s[i] == '-') && i + 6 == len && s[i + 3] == ':') {
			int oh = read_digits(s + i + 1, 2), om = read_digits(s + i + 4, 2);
			if (oh < 0 || oh > 14 || om < 0 || om > 59)
				return KE_EINVAL;
			offset_ms = (oh * 60LL + om) * 60000LL * (s[i] == '-' ? -1 : 1);
		} else {
			return KE_EINVAL;
		}
	}
	int64_t local = (int64_t)day * KTIME_DAY_MS + ((hh * 60LL + mi) * 60 + ss) * 1000 + frac_ms;
	*out_ms = local - offset_ms;
	return KE_OK;
}

int32_t ktime_kst_day(int64_t ms)
{
	int64_t local = ms + KTIME_KST_OFFSET_MS;
	int64_t day = local / KTIME_DAY_MS;
	if (local % KTIME_DAY_MS < 0)
		day--;
	return (int32_t)day;
}

int64_t ktime_kst_ms_of_day(int64_t ms)
{
	int64_t local = ms + KTIME_KST_OFFSET_MS;
	int64_t r = local % KTIME_DAY_MS;
	return r < 0 ? r + KTIME_DAY_MS : r;
}

int64_t ktime_day_start(int32_t day)
{
	return (int64_t)day * KTIME_DAY_MS - KTIME_KST_OFFSET_MS;
}

int ktime_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((day % 7 + 7 + 4) % 7);
	return w;
}

int32_t ktime_yyyymmdd(int32_t day)
{
	int y, m, d;
	ktime_civil_from_days(day, &y, &m, &d);
	return y * 10000 + m * 100 + d;
}

void ktime_format_date(int32_t day, char *buf, size_t len)
{
	int y, m, d;
	ktime_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

static char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void ktime_format_iso(int64_t ms, char *buf, size_t len)
{
	int32_t day = ktime_kst_day(ms);
	int64_t tod = ktime_kst_ms_of_day(ms);
	int y, m, d;
	ktime_civil_from_days(day, &y, &m, &d);
	if (len < 30 || y < 0 || y > 9999) {
		/* Reports write millions of rows: the common case avoids snprintf. */
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+09:00", y, m, d, (int)(tod / 3600000),
		         (int)(tod / 60000 % 60), (int)(tod / 1000 % 60), (int)(tod % 1000));
		return;
	}
	char *p = put2(put2(buf, y / 100), y % 100);
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, (int)(tod / 3600000));
	*p++ = ':';
	p = put2(p, (int)(tod / 60000 % 60));
	*p++ = ':';
	p = put2(p, (int)(tod / 1000 % 60));
	*p++ = '.';
	*p++ = (char)('0' + tod % 1000 / 100);
	p = put2(p, (int)(tod % 100));
	memcpy(p, "+09:00", 7);
}

int ktime_parse_hhmm(const char *s, int64_t *out_ms_of_day)
{
	size_t len = 0;
	while (len < 9 && s[len])
		len++;
	if ((len != 5 && len != 8) || s[2] != ':' || (len == 8 && s[5] != ':'))
		return KE_EINVAL;
	int hh = read_digits(s, 2), mi = read_digits(s + 3, 2), ss = len == 8 ? read_digits(s + 6, 2) : 0;
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		return KE_EINVAL;
	*out_ms_of_day = ((hh * 60LL + mi) * 60 + ss) * 1000;
	return KE_OK;
}
