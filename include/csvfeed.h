/*
 * csvfeed.h - streaming reader of market data CSV files (ticks or bars).
 *
 * Columns are found by name in the header row:
 *   ticks: time, symbol, price, volume [, bid, ask]
 *   bars:  time, symbol, open, high, low, close, volume
 * `ts` and `date` are accepted for `time`. Extra columns are ignored. Rows
 * must not go back in time within one file. The reader keeps one buffer:
 * memory does not grow with the file. Every malformed row is an error that
 * names the file, the line and the field.
 */
#ifndef CSVFEED_H
#define CSVFEED_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"

enum md_kind { MD_TICK = 1, MD_BAR = 2 };

struct md_record {
	enum md_kind kind;
	int64_t time; /* ms since epoch; a plain date means 15:30 KST of that day */
	char symbol[KE_SYMBOL_MAX];
	/* ticks */
	int64_t price;
	int64_t bid, ask; /* 0 when the file has no such column or the cell is empty */
	/* bars */
	int64_t open, high, low, close;
	/* both */
	int64_t volume;
	long line; /* 1-based line number in the file */
};

struct csvfeed;

/* Opens the file and reads the header. On error returns KE_EIO/KE_EINVAL
 * with a message "FILE:LINE: ..." in err. */
int csvfeed_open(const char *path, struct csvfeed **out, char *err, size_t errlen);

/* 1: a record was read; 0: end of file; < 0: error, message in err. */
int csvfeed_next(struct csvfeed *f, struct md_record *rec, char *err, size_t errlen);

enum md_kind csvfeed_kind(const struct csvfeed *f);
const char *csvfeed_path(const struct csvfeed *f);
void csvfeed_close(struct csvfeed *f);

#endif
