/*
 * kis_msg_internal.h - helpers shared by kis_msg.c (builders, decimals)
 * and kis_msg_parse.c (answer parsers). Nothing outside engine/kis/kis_msg*
 * includes this file.
 */
#ifndef KIS_MSG_INTERNAL_H
#define KIS_MSG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define KIS_MSG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KIS_MSG_PRINTF(a, b)
#endif

/* kis_msg_decimal plus *inexact: 1 when a non-zero digit was dropped, so
 * integer fields can refuse "1.5" instead of rounding it silently. */
int kis_msg_decimal_ex(const char *s, int scale, int64_t *out, int *inexact);

/* 1 when s is minlen..maxlen ASCII digits and nothing else. */
int kis_msg_digits(const char *s, size_t minlen, size_t maxlen);

/* "YYYYMMDD" naming a real calendar day (*out may be NULL). */
int kis_msg_date(const char *s, int32_t *out);

/* "HHMMSS" with HH 00..23, MM and SS 00..59 (*out may be NULL). */
int kis_msg_time(const char *s, int32_t *out);

/* snprintf into err when err is non-NULL and errlen > 0. */
void kis_msg_err(char *err, size_t errlen, const char *fmt, ...) KIS_MSG_PRINTF(3, 4);

#endif
