/*
 * venue_chart.c - the bar history behind the two KIS chart endpoints:
 * today's one-minute bars and one daily bar per trading day, per symbol,
 * built from the prints and bars the venue is fed.
 *
 * Memory is one daily record per symbol and day of the run, and today's
 * minutes with a print (at most 1440 per symbol, reused every day).
 */
#include <stdlib.h>
#include <string.h>

#include "ktime.h"
#include "venue_internal.h"

void simvenue_chart_free(struct vsym *s)
{
	free(s->mins);
	free(s->days);
	s->mins = NULL;
	s->days = NULL;
	s->nmins = s->capmins = s->ndays = s->capdays = 0;
}

int simvenue_chart_reserve(struct simvenue *v, int32_t sym)
{
	struct vsym *s = &v->syms[sym];
	if (simvenue_grow((void **)&s->mins, s->nmins, &s->capmins, sizeof(*s->mins)) != KE_OK ||
	    simvenue_grow((void **)&s->days, s->ndays, &s->capdays, sizeof(*s->days)) != KE_OK)
		return KE_ENOMEM;
	return KE_OK;
}

/* The minute of today a print or bar at time counts in. A late event of an
 * earlier day (the clock never runs back) counts in the current minute. */
static int32_t end_minute(const struct simvenue *v, int64_t time, int is_bar)
{
	int64_t t = ktime_kst_day(time) == v->day ? time : v->now;
	int64_t ms = ktime_kst_ms_of_day(t);
	/* A print at 09:00:30 belongs to the bar ending 09:01; a bar already
	 * carries its end, rounded up when it is not on a minute. */
	return (int32_t)(is_bar ? (ms + 59999) / 60000 : ms / 60000 + 1);
}

void simvenue_chart_record(struct simvenue *v, int32_t sym, int64_t time, int is_bar, int64_t open, int64_t high,
                           int64_t low, int64_t close, int64_t volume, int64_t value)
{
	struct vsym *s = &v->syms[sym];
	if (s->mins_day != v->day) {
		s->nmins = 0;
		s->mins_day = v->day;
	}
	int32_t end = end_minute(v, time, is_bar);
	struct vminute *m = s->nmins > 0 ? &s->mins[s->nmins - 1] : NULL;
	if (m != NULL && end <= m->end_min) {
		/* Same minute, or out of order: it joins the newest bar, so the
		 * list stays sorted and nothing is lost. */
		if (high > m->high)
			m->high = high;
		if (low < m->low)
			m->low = low;
		m->close = close;
		m->volume += volume;
		m->value += value;
	} else {
		m = &s->mins[s->nmins++];
		*m = (struct vminute){end, open, high, low, close, volume, value, 0};
	}
	m->acml_value = s->value;

	/* The daily bar mirrors the day's quote, which the print already moved. */
	struct vdaily *d = s->ndays > 0 ? &s->days[s->ndays - 1] : NULL;
	if (d == NULL || d->day != v->day) {
		d = &s->days[s->ndays++];
		d->day = v->day;
	}
	d->open = s->open;
	d->high = s->high;
	d->low = s->low;
	d->close = s->last;
	d->volume = s->volume;
	d->value = s->value;
	d->base = s->base;
	d->lower = s->lower;
	d->upper = s->upper;
}

/* prdy_vrss_sign as inquire-price gives it. */
static const char *change_sign(int64_t price, int64_t change, int64_t lower, int64_t upper)
{
	if (upper > 0 && price >= upper)
		return "1";
	if (lower > 0 && price <= lower)
		return "4";
	return change > 0 ? "2" : change < 0 ? "5" : "3";
}

int simvenue_daily_bars(struct simvenue *v, int64_t now, const char *pdno, int32_t from_yyyymmdd, int32_t to_yyyymmdd,
                        struct simvenue_daily_bar *out, int max, int *n)
{
	if (!v || !pdno || !n || max < 0 || (max > 0 && !out))
		return KE_EINVAL;
	*n = 0;
	simvenue_clock(v, now);
	int32_t sym;
	if (simvenue_symbol_find(v, pdno, &sym) != KE_OK)
		return KE_ENOENT;
	const struct vsym *s = &v->syms[sym];
	if (max > SIMVENUE_DAILY_BARS_MAX)
		max = SIMVENUE_DAILY_BARS_MAX;
	for (int64_t i = s->ndays - 1; i >= 0 && *n < max; i--) {
		const struct vdaily *d = &s->days[i];
		int32_t date = ktime_yyyymmdd(d->day);
		if (to_yyyymmdd > 0 && date > to_yyyymmdd)
			continue;
		if (from_yyyymmdd > 0 && date < from_yyyymmdd)
			break;
		/* Today's base may have been set after its last print. */
		int today = d->day == v->day;
		int64_t base = today ? s->base : d->base;
		struct simvenue_daily_bar *o = &out[(*n)++];
		memset(o, 0, sizeof(*o));
		o->yyyymmdd = date;
		o->open = d->open;
		o->high = d->high;
		o->low = d->low;
		o->close = d->close;
		o->volume = d->volume;
		o->value = d->value;
		o->prdy_vrss = base > 0 ? d->close - base : 0;
		simvenue_copy(
		    o->prdy_vrss_sign, sizeof(o->prdy_vrss_sign),
		    change_sign(d->close, o->prdy_vrss, today ? s->lower : d->lower, today ? s->upper : d->upper));
	}
	return KE_OK;
}

int simvenue_minute_bars(struct simvenue *v, int64_t now, const char *pdno, int32_t hhmmss,
                         struct simvenue_minute_bar *out, int max, int *n)
{
	if (!v || !pdno || !n || max < 0 || (max > 0 && !out))
		return KE_EINVAL;
	*n = 0;
	int64_t asked = -1; /* ms of day; -1 = now */
	if (hhmmss >= 0) {
		int32_t hh = hhmmss / 10000, mm = hhmmss / 100 % 100, ss = hhmmss % 100;
		if (hh > 24 || mm > 59 || ss > 59)
			return KE_EINVAL;
		asked = ((int64_t)hh * 3600 + mm * 60 + ss) * 1000;
	}
	simvenue_clock(v, now);
	int32_t sym;
	if (simvenue_symbol_find(v, pdno, &sym) != KE_OK)
		return KE_ENOENT;
	const struct vsym *s = &v->syms[sym];
	if (s->mins_day != v->day)
		return KE_OK; /* no print yet today */
	/* A time still to come means now: then the forming bar is shown too, as
	 * KIS shows the current minute. */
	if (asked >= ktime_kst_ms_of_day(v->now))
		asked = -1;
	if (max > SIMVENUE_MINUTE_BARS_MAX)
		max = SIMVENUE_MINUTE_BARS_MAX;
	int32_t date = ktime_yyyymmdd(v->day);
	for (int64_t i = s->nmins - 1; i >= 0 && *n < max; i--) {
		const struct vminute *m = &s->mins[i];
		if (asked >= 0 && (int64_t)m->end_min * 60000 > asked)
			continue;
		struct simvenue_minute_bar *o = &out[(*n)++];
		memset(o, 0, sizeof(*o));
		o->yyyymmdd = date;
		o->hhmmss = m->end_min / 60 * 10000 + m->end_min % 60 * 100;
		o->open = m->open;
		o->high = m->high;
		o->low = m->low;
		o->close = m->close;
		o->volume = m->volume;
		o->value = m->value;
		o->acml_value = m->acml_value;
	}
	return KE_OK;
}
