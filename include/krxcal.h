/*
 * krxcal.h - which KST days KRX trades, for the live runtime.
 *
 * Three sources, in this order of precedence:
 *  1. days the user listed as closed (config live.holidays);
 *  2. KIS's holiday inquiry (chk-holiday, real accounts only: opnd_yn, the
 *     flag KIS says decides whether orders are possible), learnt with
 *     krxcal_learn and cached in a file for the rest of the KST day, since
 *     KIS asks for at most one call a day;
 *  3. otherwise weekdays trade, except 1 January and 31 December, which
 *     KRX closes every year (the fallback: the caller warns).
 * Session hours are KRX's (09:00-15:30 KST, include/krx.h) on every open
 * day. Pure: no clock is read; days are KST day numbers (ktime.h).
 *
 * Ownership: krxcal_new hands out a calendar the caller frees with
 * krxcal_free. Errors: KE_* codes, err (errlen bytes) says why.
 */
#ifndef KRXCAL_H
#define KRXCAL_H

#include <stddef.h>
#include <stdint.h>

#include "kis_msg.h"

enum krxcal_source { KRXCAL_CONFIG = 1, KRXCAL_INQUIRY, KRXCAL_WEEKDAYS };

struct krxcal;

int krxcal_new(struct krxcal **out);
void krxcal_free(struct krxcal *c);

/* A day the user says is closed. KE_ENOMEM. */
int krxcal_add_closed(struct krxcal *c, int32_t day);
/* The rows of a chk-holiday answer, fetched on KST day fetched_day; they
 * replace what an earlier answer said of the same days. KE_EINVAL for a
 * row with a bad date. */
int krxcal_learn(struct krxcal *c, const struct kis_msg_day *days, size_t n, int32_t fetched_day);
/* The KST day of the last answer learnt (or loaded); -1 when none. */
int32_t krxcal_fetched_on(const struct krxcal *c);

/* 1 when KRX trades on day, 0 when not; *src (may be NULL) says why. */
int krxcal_is_open(const struct krxcal *c, int32_t day, enum krxcal_source *src);

/* The inquiry's days in a text file, written atomically (temporary file,
 * fsync, rename), mode 0600. load: KE_ENOENT when there is no file or it
 * was fetched another day than today (stale: ask KIS again); KE_EINVAL for
 * a malformed file (err names the line); the calendar is unchanged then. */
int krxcal_save(const struct krxcal *c, const char *path, char *err, size_t errlen);
int krxcal_load(struct krxcal *c, const char *path, int32_t today, char *err, size_t errlen);

#endif
