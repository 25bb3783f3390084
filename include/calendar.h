/*
 * calendar.h - the KRX trading calendar of the live runtime: which KST days
 * the market opens and when each session starts and ends.
 *
 * Nothing here reads the clock or the network: days come from a chk-holiday
 * answer (kis_client_holidays), from the config's live.holidays and from
 * explicit session overrides; time is passed in. Days are KST day numbers
 * (days since 1970-01-01, ktime.h), instants epoch milliseconds, so the
 * machine's time zone never matters.
 *
 * Whether a day is open, first match wins:
 *   1. a config holiday (calendar_add_holiday): closed;
 *   2. the inquiry's row for that day: its opnd_yn;
 *   3. the fallback: closed on Saturdays, Sundays, 1 January and
 *      31 December (KRX's year-end closing day), open otherwise. The driver
 *      warns when it relies on it: national holidays are unknown there.
 *
 * Sessions are 09:00-15:30 KST (krx.h), except the first trading day of the
 * year, which opens at 10:00 (KRX's opening ceremony; the close stays
 * 15:30), and days given an override (e.g. the CSAT day, 10:00-16:30, whose
 * date KRX announces each year).
 */
#ifndef CALENDAR_H
#define CALENDAR_H

#include <stddef.h>
#include <stdint.h>

struct calendar;
struct kis_msg_day; /* kis_msg.h */

enum calendar_source {
	CALENDAR_INQUIRY = 1, /* the chk-holiday answer (or its cache) */
	CALENDAR_CONFIG,      /* live.holidays */
	CALENDAR_FALLBACK,    /* nothing covers the day: weekends, 1 Jan and 31 Dec closed */
};

/* How far calendar_next_open/next_close look ahead, in days. KRX never
 * closes that long (the longest break, Chuseok or Seollal with weekends and
 * substitute days, is under two weeks). */
#define CALENDAR_SEARCH_DAYS 31

/* Most days one answer (or cache file) may hold; KIS sends about three
 * weeks a page. */
#define CALENDAR_MAX_DAYS 1000

int calendar_new(struct calendar **out);
void calendar_free(struct calendar *cal);

/* Learn the days of a chk-holiday answer fetched on KST day fetched_day.
 * It replaces the previous answer. KE_EINVAL (the calendar is unchanged, err
 * says which row) on an empty answer or more than CALENDAR_MAX_DAYS rows, a
 * date that is not a real day, a weekday code that disagrees with the date,
 * or a date given twice. */
int calendar_set_days(struct calendar *cal, const struct kis_msg_day *days, size_t n, int32_t fetched_day, char *err,
                      size_t errlen);

/* A day KRX is closed, whatever the inquiry says (the config's list).
 * KE_EINVAL for a day before 1970 or after 9999. */
int calendar_add_holiday(struct calendar *cal, int32_t day);

/* Session hours of one day, in milliseconds after KST midnight; they win
 * over the 09:00-15:30 default and the first-day-of-the-year rule. They do
 * not open a closed day. KE_EINVAL unless 0 <= open < close <= 24 h. */
int calendar_set_session(struct calendar *cal, int32_t day, int64_t open_ms_of_day, int64_t close_ms_of_day);

/* 1 if KRX trades on day, else 0. *src (may be NULL) says what decided. */
int calendar_is_open(const struct calendar *cal, int32_t day, enum calendar_source *src);

/* calendar_is_open for core_set_calendar: ud is the struct calendar. */
int calendar_core_is_open(void *ud, int32_t day);

/* 1 when no chk-holiday answer was learned on today (KIS asks for at most
 * one call a day), 0 when one was. */
int calendar_needs_refresh(const struct calendar *cal, int32_t today);

/* The session of day as epoch ms: its opening (09:00 KST unless an override
 * or the first-day rule) and closing (15:30 KST) instants. KE_ENOENT if the
 * market is closed that day. */
int calendar_session(const struct calendar *cal, int32_t day, int64_t *open_ms, int64_t *close_ms);

/* The first session opening (closing) strictly after now_ms, within
 * CALENDAR_SEARCH_DAYS days; KE_ENOENT if every day in between is closed. */
int calendar_next_open(const struct calendar *cal, int64_t now_ms, int64_t *at_ms);
int calendar_next_close(const struct calendar *cal, int64_t now_ms, int64_t *at_ms);

/* The inquiry's days in a small text file, so that a restart the same day
 * does not ask KIS again. Written to a temp file, fsynced and renamed over
 * path, mode 0600. KE_ESTATE if no answer was learned. Config holidays and
 * overrides are not saved: they come from the config at each start. */
int calendar_save(const struct calendar *cal, const char *path, char *err, size_t errlen);

/* Learn the days of a file calendar_save wrote on today. KE_ENOENT when the
 * file does not exist or was written another day (ask KIS), KE_EINVAL when
 * it is malformed (err names the line), KE_EIO when it cannot be read. The
 * calendar is unchanged unless KE_OK. */
int calendar_load(struct calendar *cal, const char *path, int32_t today, char *err, size_t errlen);

#endif
