/*
 * mdmerge.h - several market data CSV files read as one stream in time
 * order. Ties go in the order the files were given, then in file order, so
 * the merge is stable and reproducible. Used by the backtest driver and by
 * kis-sim's replay.
 */
#ifndef MDMERGE_H
#define MDMERGE_H

#include <stddef.h>
#include <stdint.h>

#include "csvfeed.h"

struct mdmerge;

/* Opens every file and reads its first record in range. from_day/to_day are
 * KST day numbers, inclusive, -1 for open ends. Errors name file and line. */
int mdmerge_open(const char *const *paths, int n, int32_t from_day, int32_t to_day, struct mdmerge **out, char *err,
                 size_t errlen);

/* The next record: 1 (filled *rec), 0 at the end, < 0 on a data error. */
int mdmerge_next(struct mdmerge *m, struct md_record *rec, char *err, size_t errlen);

/* Time of the record mdmerge_next would return, or INT64_MAX at the end. */
int64_t mdmerge_peek_time(const struct mdmerge *m);

void mdmerge_close(struct mdmerge *m);

#endif
