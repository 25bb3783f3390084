/*
 * live_cal.c - the live driver's trading calendar (krxcal.h): which days
 * KRX trades, learnt from KIS's holiday inquiry once per KST day on real
 * accounts (cached next to the journal, so a restart the same day does not
 * ask again), from live.holidays, or weekdays otherwise, with a warning.
 * The core asks it before daily timers and the market hooks.
 */
#include <stdio.h>
#include <string.h>

#include "ktime.h"
#include "live_internal.h"

/* KIS asks for at most one holiday inquiry a day; a failed one is retried
 * this much later. */
#define CAL_RETRY_MS (10 * 60 * 1000)

static int core_is_open(void *ud, int32_t day)
{
	struct live *l = ud;
	return krxcal_is_open(l->cal, day, NULL);
}

static const char *date_text(int32_t day, char buf[16])
{
	int32_t ymd = ktime_yyyymmdd(day);
	snprintf(buf, 16, "%04d-%02d-%02d", (int)(ymd / 10000), (int)(ymd / 100 % 100), (int)(ymd % 100));
	return buf;
}

int lvc_open(struct live *l, char *err, size_t errlen)
{
	if (krxcal_new(&l->cal) != KE_OK) {
		snprintf(err, errlen, "out of memory");
		return KE_ENOMEM;
	}
	const struct config_live *lv = &l->opt->cfg->live;
	for (int i = 0; i < lv->nholidays; i++)
		if (krxcal_add_closed(l->cal, lv->holidays[i]) != KE_OK) {
			snprintf(err, errlen, "out of memory");
			return KE_ENOMEM;
		}
	/* The inquiry's cache lives beside the journal (a private directory). */
	const char *j = lv->journal;
	const char *slash = strrchr(j, '/');
	if (j[0])
		snprintf(l->cal_path, sizeof(l->cal_path), "%.*skrx-calendar.txt", slash ? (int)(slash - j + 1) : 0, j);
	core_set_calendar(l->core, core_is_open, l);
	l->cal_warned = -1;
	l->cal_loaded = -1;
	return KE_OK;
}

static void on_holidays(void *ud, const struct kis_error *e, const struct kis_msg_day_list *days)
{
	struct live *l = ud;
	l->cal_asking = 0;
	if (l->stopping)
		return;
	int32_t today = ktime_kst_day(live_now(l));
	if (e || krxcal_learn(l->cal, days->days, days->n, today) != KE_OK) {
		live_log(l, CORE_LOG_WARN, NULL,
		         "the KRX holiday inquiry failed (%s%s%s): weekdays trade until it answers", e ? e->code : "",
		         e && e->code[0] ? " " : "", e ? e->msg : "bad rows");
		l->cal_not_before = (int64_t)uv_now(&l->loop) + CAL_RETRY_MS;
		return;
	}
	char why[256];
	if (l->cal_path[0] && krxcal_save(l->cal, l->cal_path, why, sizeof(why)) != KE_OK)
		live_log(l, CORE_LOG_WARN, NULL, "the KRX calendar cache: %s", why);
	lvc_new_day(l, today);
}

void lvc_step(struct live *l)
{
	int32_t today = ktime_kst_day(live_now(l));
	/* Today's answer may be in the cache already (a restart). The day is
	 * the market clock's: on a replay it is known from the first print. */
	if (l->cal_loaded != today && l->cal_path[0] && krxcal_fetched_on(l->cal) != today) {
		char why[256];
		l->cal_loaded = today;
		if (krxcal_load(l->cal, l->cal_path, today, why, sizeof(why)) == KE_EINVAL)
			live_log(l, CORE_LOG_WARN, NULL, "%s: asking KIS again", why);
	}
	if (l->cal_asking || krxcal_fetched_on(l->cal) == today || (int64_t)uv_now(&l->loop) < l->cal_not_before)
		return;
	char ymd[9];
	snprintf(ymd, sizeof(ymd), "%08d", (int)ktime_yyyymmdd(today));
	/* KE_ENOENT: the mock host has no holiday inquiry (nothing is sent). */
	int rc = kis_client_holidays(l->client, ymd, on_holidays, l);
	if (rc == KE_OK)
		l->cal_asking = 1;
	else
		l->cal_not_before = INT64_MAX; /* never on this account */
}

void lvc_new_day(struct live *l, int32_t day)
{
	if (l->cal_warned == day)
		return;
	enum krxcal_source src;
	int open = krxcal_is_open(l->cal, day, &src);
	char date[16];
	if (src == KRXCAL_WEEKDAYS && l->cal_asking)
		return; /* the inquiry is on its way: say nothing yet */
	l->cal_warned = day;
	if (src == KRXCAL_WEEKDAYS)
		live_log(
		    l, CORE_LOG_WARN, "calendar",
		    "no KRX holiday inquiry covers %s (the mock host has none): %s by the weekday rule; list closed "
		    "days in live.holidays",
		    date_text(day, date), open ? "trading" : "closed");
	if (!open)
		live_say(l, "%s is not a KRX trading day (%s): market hooks and daily timers wait for the next one",
		         date_text(day, date),
		         src == KRXCAL_CONFIG    ? "live.holidays"
		         : src == KRXCAL_INQUIRY ? "KIS holiday inquiry"
		                                 : "weekend or new year");
}

void lvc_close(struct live *l)
{
	krxcal_free(l->cal);
	l->cal = NULL;
}
