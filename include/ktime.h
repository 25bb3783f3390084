/*
 * ktime.h - time as int64 milliseconds since the Unix epoch (UTC), and the
 * KST (UTC+9, no daylight saving) calendar helpers the KRX rules need.
 *
 * Nothing here reads the clock: the engine's time always comes from the
 * driver (data timestamps in a backtest, the wall clock in live modes).
 */
#ifndef KTIME_H
#define KTIME_H

#include <stddef.h>
#include <stdint.h>

#define KTIME_KST_OFFSET_MS (9LL * 3600 * 1000)
#define KTIME_DAY_MS        (86400LL * 1000)

/* Parse "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM]" or a plain
 * "YYYY-MM-DD" (taken as a KST date at date_only_sec seconds after
 * midnight KST). A timestamp without an offset is read as KST.
 * Returns KE_OK and *out_ms, or KE_EINVAL. len may be less than strlen. */
int ktime_parse_iso(const char *s, size_t len, int64_t date_only_sec, int64_t *out_ms);

/* Parse "YYYY-MM-DD" into days since 1970-01-01 (the KST calendar day). */
int ktime_parse_date(const char *s, int32_t *out_day);

/* Format as "2026-03-02T09:00:00.123+09:00" (KST). buf needs 30 bytes. */
void ktime_format_iso(int64_t ms, char *buf, size_t len);

/* Format the KST date as "2026-03-02". buf needs 11 bytes. */
void ktime_format_date(int32_t day, char *buf, size_t len);

/* KST calendar day number (days since 1970-01-01) of an instant. */
int32_t ktime_kst_day(int64_t ms);

/* Milliseconds since KST midnight of an instant. */
int64_t ktime_kst_ms_of_day(int64_t ms);

/* The instant of KST midnight starting day. */
int64_t ktime_day_start(int32_t day);

/* 0 = Sunday ... 6 = Saturday for a KST day number. */
int ktime_weekday(int32_t day);

/* YYYYMMDD integer of a day number, e.g. 20260302. */
int32_t ktime_yyyymmdd(int32_t day);

/* Civil date <-> day number (proleptic Gregorian). */
int32_t ktime_days_from_civil(int y, int m, int d);
void ktime_civil_from_days(int32_t day, int *y, int *m, int *d);

/* Parse "HH:MM" or "HH:MM:SS" into milliseconds of day. */
int ktime_parse_hhmm(const char *s, int64_t *out_ms_of_day);

#endif
