/*
 * test_csvfeed.c - the market data CSV reader: formats it accepts, the
 * errors it reports (file, line and field), and the shipped sample files.
 *
 * Expected instants were worked out with date(1), e.g.
 *   date -u -d '2026-03-02T09:00:00+09:00' +%s  ->  1772409600
 * and are written below in milliseconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvfeed.h"

#ifndef KE_SOURCE_DIR
#define KE_SOURCE_DIR "." /* compiled by hand: run from the repository root */
#endif
#ifndef KE_TEST_DATA
#define KE_TEST_DATA KE_SOURCE_DIR "/tests/data"
#endif

#define MAXREC 16

/* 2026-03-02T09:00:00+09:00 = 2026-03-02T00:00:00Z: date -u -d ... +%s = 1772409600 */
#define T0900 1772409600000LL

struct result {
	int rc; /* last csvfeed_next result, or the csvfeed_open error */
	int n;
	struct md_record rec[MAXREC];
	enum md_kind kind;
	char err[512];
};

static void read_file(const char *path, struct result *r)
{
	struct csvfeed *f;
	memset(r, 0, sizeof(*r));
	r->rc = csvfeed_open(path, &f, r->err, sizeof(r->err));
	if (r->rc != KE_OK)
		return;
	r->kind = csvfeed_kind(f);
	assert_string_equal(csvfeed_path(f), path);
	struct md_record rec;
	while ((r->rc = csvfeed_next(f, &rec, r->err, sizeof(r->err))) == 1) {
		if (r->n < MAXREC)
			r->rec[r->n] = rec;
		r->n++;
	}
	csvfeed_close(f);
}

static void read_fixture(const char *name, struct result *r, char *path, size_t pathlen)
{
	snprintf(path, pathlen, "%s/%s", KE_TEST_DATA, name);
	read_file(path, r);
}

static void assert_ok(const struct result *r, int n)
{
	if (r->rc != 0)
		fail_msg("unexpected error: %s", r->err);
	assert_int_equal(r->n, n);
}

/* The error names the file, the line ("path:LINE:") and the field. */
static void assert_error(const struct result *r, const char *path, long line, const char *field, const char *text)
{
	char where[600];
	assert_true(r->rc < 0);
	snprintf(where, sizeof(where), "%s:%ld: ", path, line);
	if (strncmp(r->err, where, strlen(where)) != 0)
		fail_msg("expected the message to start with '%s', got '%s'", where, r->err);
	if (field) {
		char f[64];
		snprintf(f, sizeof(f), "field '%s'", field);
		if (!strstr(r->err, f))
			fail_msg("expected %s in '%s'", f, r->err);
	}
	if (text && !strstr(r->err, text))
		fail_msg("expected '%s' in '%s'", text, r->err);
}

static void test_ticks_with_quotes(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_ticks.csv", &r, path, sizeof(path));
	assert_ok(&r, 4);
	assert_int_equal(r.kind, MD_TICK);
	const struct md_record *a = &r.rec[0], *b = &r.rec[1], *d = &r.rec[3];
	assert_int_equal(a->kind, MD_TICK);
	assert_int_equal(a->time, T0900);
	assert_string_equal(a->symbol, "005930");
	assert_int_equal(a->price, 70000);
	assert_int_equal(a->volume, 1200);
	assert_int_equal(a->bid, 70000);
	assert_int_equal(a->ask, 70100);
	assert_int_equal(a->line, 2);
	assert_int_equal(a->open, 0);
	/* .250 after 09:00:00 */
	assert_int_equal(b->time, T0900 + 250);
	assert_string_equal(b->symbol, "000660");
	assert_int_equal(b->price, 180500);
	assert_int_equal(b->bid, 180400);
	assert_int_equal(b->ask, 180500);
	assert_int_equal(r.rec[2].time, T0900 + 1000);
	/* 15:30 KST: date -u -d '2026-03-02T15:30:00+09:00' +%s = 1772433000 */
	assert_int_equal(d->time, 1772433000000LL);
	assert_int_equal(d->volume, 50000);
	assert_int_equal(d->line, 5);
}

static void test_ticks_without_bid_ask(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_ticks_nobidask.csv", &r, path, sizeof(path));
	assert_ok(&r, 3);
	assert_int_equal(r.rec[0].bid, 0);
	assert_int_equal(r.rec[0].ask, 0);
	/* 2026-03-02T00:00:01Z is 09:00:01 KST; "70100.0" is whole won */
	assert_int_equal(r.rec[1].time, T0900 + 1000);
	assert_int_equal(r.rec[1].price, 70100);
	assert_int_equal(r.rec[1].volume, 0);
	/* No offset means KST; ".5" is 500 ms */
	assert_int_equal(r.rec[2].time, T0900 + 2500);
	assert_int_equal(r.rec[2].price, 70200);
}

static void test_empty_bid_ask_cells(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_ticks_empty_bidask.csv", &r, path, sizeof(path));
	assert_ok(&r, 3);
	assert_int_equal(r.rec[0].bid, 0);
	assert_int_equal(r.rec[0].ask, 0);
	assert_int_equal(r.rec[1].bid, 69900);
	assert_int_equal(r.rec[1].ask, 0);
	assert_int_equal(r.rec[2].bid, 0);
	assert_int_equal(r.rec[2].ask, 70100);
}

static void test_quoted_cells(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_quoted.csv", &r, path, sizeof(path));
	assert_ok(&r, 2);
	assert_string_equal(r.rec[0].symbol, "005930"); /* leading zeros kept */
	assert_int_equal(r.rec[0].price, 70000);
	assert_int_equal(r.rec[0].volume, 10);
	assert_string_equal(r.rec[1].symbol, "000660");
	assert_int_equal(r.rec[1].volume, 5);
	assert_int_equal(r.rec[1].line, 3);
}

static void test_bom(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	/* Also: the last line has no line end. */
	read_fixture("csvfeed_bom.csv", &r, path, sizeof(path));
	assert_ok(&r, 2);
	assert_int_equal(r.rec[0].time, T0900);
	assert_int_equal(r.rec[1].volume, 20);
}

static void test_crlf_and_trailing_blank_lines(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	snprintf(path, sizeof(path), "%s/csvfeed_crlf.csv", KE_TEST_DATA);
	/* Guard against a checkout that rewrote the line ends. */
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char buf[256];
	size_t got = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[got] = '\0';
	assert_non_null(strstr(buf, "ask\r\n"));
	read_file(path, &r);
	assert_ok(&r, 2);
	assert_int_equal(r.rec[1].time, T0900 + 1000);
	assert_int_equal(r.rec[1].ask, 70100); /* not "70100\r" */
}

static void test_extra_columns_and_case(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_extra_cols.csv", &r, path, sizeof(path));
	assert_ok(&r, 2);
	assert_int_equal(r.kind, MD_TICK);
	assert_string_equal(r.rec[0].symbol, "005930");
	assert_int_equal(r.rec[0].price, 70000);
	assert_int_equal(r.rec[0].ask, 70100);
	assert_string_equal(r.rec[1].symbol, "A0593Z");
	assert_int_equal(r.rec[1].time, T0900); /* equal times are fine */
	assert_int_equal(r.rec[1].price, 1500);
	assert_int_equal(r.rec[1].bid, 0);
}

static void test_ts_alias(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_ts_alias.csv", &r, path, sizeof(path));
	assert_ok(&r, 2);
	assert_int_equal(r.rec[0].time, T0900);
	/* date -u -d '2026-03-02T09:00:02+09:00' +%s = 1772409602 */
	assert_int_equal(r.rec[1].time, 1772409602000LL);
}

static void test_daily_bars_plain_dates(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_daily.csv", &r, path, sizeof(path));
	assert_ok(&r, 3);
	assert_int_equal(r.kind, MD_BAR);
	const struct md_record *a = &r.rec[0];
	assert_int_equal(a->kind, MD_BAR);
	/* A plain date is the close, 15:30 KST:
	 * date -u -d '2024-01-02T15:30:00+09:00' +%s = 1704177000 */
	assert_int_equal(a->time, 1704177000000LL);
	assert_string_equal(a->symbol, "005930");
	assert_int_equal(a->open, 78200);
	assert_int_equal(a->high, 79800);
	assert_int_equal(a->low, 78200);
	assert_int_equal(a->close, 79600);
	assert_int_equal(a->volume, 17142847);
	assert_int_equal(a->price, 0);
	assert_int_equal(r.rec[1].time, 1704177000000LL);
	/* date -u -d '2024-01-03T15:30:00+09:00' +%s = 1704263400 */
	assert_int_equal(r.rec[2].time, 1704263400000LL);
	assert_int_equal(r.rec[2].close, 77000);
}

static void test_intraday_bars(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_bars.csv", &r, path, sizeof(path));
	assert_ok(&r, 2);
	/* Stamped at the bar's end, 09:01: T0900 + 60 s */
	assert_int_equal(r.rec[0].time, T0900 + 60000);
	assert_int_equal(r.rec[0].high, 70300);
	assert_int_equal(r.rec[0].low, 69900);
	assert_int_equal(r.rec[1].volume, 0);
}

static void test_err_missing_column(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_missing_col.csv", &r, path, sizeof(path));
	assert_error(&r, path, 1, NULL, "missing column 'volume'");
}

static void test_err_non_numeric_price(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_price_text.csv", &r, path, sizeof(path));
	assert_int_equal(r.n, 1); /* the good row before it was delivered */
	assert_error(&r, path, 3, "price", "(got '7O000')");
}

static void test_err_fractional_price(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_price_fraction.csv", &r, path, sizeof(path));
	assert_int_equal(r.n, 2); /* "70000.0" on line 3 is fine */
	assert_error(&r, path, 4, "price", "expected a whole number of won (got '70000.5')");
}

static void test_err_negative_volume(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_volume_negative.csv", &r, path, sizeof(path));
	assert_int_equal(r.n, 0);
	assert_error(&r, path, 2, "volume", "(got '-5')");
}

static void test_err_bad_time(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_bad_time.csv", &r, path, sizeof(path));
	assert_int_equal(r.n, 1);
	assert_error(&r, path, 3, "time", "(got '2026-03-02T25:00:00.000+09:00')");
}

static void test_err_time_backwards(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_backwards.csv", &r, path, sizeof(path));
	assert_int_equal(r.n, 2);
	assert_error(&r, path, 4, "time",
	             "time goes backwards: 2026-03-02T09:00:04.999+09:00 after 2026-03-02T09:00:05.000+09:00");
}

static void test_err_too_few_fields(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_few_fields.csv", &r, path, sizeof(path));
	assert_int_equal(r.n, 1);
	assert_error(&r, path, 3, NULL, "expected 6 fields as in the header, got 5");
}

static void test_err_high_below_low(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_err_high_low.csv", &r, path, sizeof(path));
	assert_int_equal(r.n, 0);
	assert_error(&r, path, 2, "high", "(got '69800')");
}

static void test_err_empty_file(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_empty.csv", &r, path, sizeof(path));
	assert_error(&r, path, 1, NULL, "empty file");
}

static void test_err_file_not_found(void **state)
{
	(void)state;
	struct result r;
	char path[512];
	read_fixture("csvfeed_no_such_file.csv", &r, path, sizeof(path));
	assert_int_equal(r.rc, KE_EIO);
	assert_non_null(strstr(r.err, path));
	assert_non_null(strstr(r.err, "cannot open"));
}

/* Cases that need odd bytes or big files are written at run time. */
struct tmpdir {
	char dir[64];
	char path[128];
};

static int setup_tmp(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/test_csvfeed.XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/in.csv", t->dir);
	*state = t;
	return 0;
}

static int teardown_tmp(void **state)
{
	struct tmpdir *t = *state;
	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static const char *write_tmp(void **state, const char *data, size_t len)
{
	struct tmpdir *t = *state;
	FILE *fp = fopen(t->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return t->path;
}

#define TICK_HDR "time,symbol,price,volume\n"
#define ROW0     "2026-03-02T09:00:00.000+09:00,005930,"

static void check_bad(void **state, const char *data, long line, const char *field, const char *text)
{
	struct result r;
	const char *path = write_tmp(state, data, strlen(data));
	read_file(path, &r);
	assert_error(&r, path, line, field, text);
}

static void test_err_row_cases(void **state)
{
	check_bad(state, TICK_HDR ROW0 "0,1\n", 2, "price", "must be > 0");
	check_bad(state, TICK_HDR ROW0 ",1\n", 2, "price", "empty cell");
	check_bad(state, TICK_HDR ROW0 "70000,\n", 2, "volume", "empty cell");
	check_bad(state, TICK_HDR ROW0 "1234567890123456789,1\n", 2, "price", "more than 18 digits");
	check_bad(state, TICK_HDR ROW0 "70000,1.5\n", 2, "volume", "(got '1.5')");
	check_bad(state, TICK_HDR "2026-03-02T09:00:00.000+09:00,0059-30,70000,1\n", 2, "symbol", "(got '0059-30')");
	check_bad(state, TICK_HDR "2026-03-02T09:00:00.000+09:00,,70000,1\n", 2, "symbol", "empty cell");
	check_bad(state, TICK_HDR "2026-03-02T09:00:00.000+09:00,0123456789ABCDEF,70000,1\n", 2, "symbol",
	          "1-15 letters or digits");
	check_bad(state, TICK_HDR ",005930,70000,1\n", 2, "time", "empty cell");
	check_bad(state, TICK_HDR "2026-02-30,005930,70000,1\n", 2, "time", "(got '2026-02-30')");
	check_bad(state, TICK_HDR ROW0 "\"70000,1\n", 2, NULL, "unterminated quote");
	check_bad(state, TICK_HDR ROW0 "70000,1,9\n", 2, NULL, "expected 4 fields as in the header, got 5");
	check_bad(state, TICK_HDR ROW0 "70000,1\n\n" ROW0 "70000,1\n", 3, NULL, "blank line");
	check_bad(state, "time,symbol,open,high,low,close,volume\n2026-03-02,005930,100,200,150,160,1\n", 2, "open",
	          "outside low..high 150..200");
	check_bad(state, "time,symbol,open,high,low,close,volume\n2026-03-02,005930,160,200,150,201,1\n", 2, "close",
	          "outside low..high 150..200");
	check_bad(state, "time,symbol,open,high,low,close,volume\n2026-03-02,005930,0,0,0,0,1\n", 2, "open",
	          "must be > 0");
}

static void test_err_header_cases(void **state)
{
	check_bad(state, "time,ts,symbol,price,volume\n", 1, NULL, "column 'time' appears twice");
	check_bad(state, "time,symbol,volume\n", 1, NULL, "neither a 'price' column");
	check_bad(state, "time,symbol,open,high,low,volume\n", 1, NULL, "missing column 'close'");
	check_bad(state, "\n" TICK_HDR, 1, NULL, "blank header row");
	check_bad(state, "\xef\xbb\xbf", 1, NULL, "blank header row");
}

static void test_nul_bytes(void **state)
{
	static const char data[] = TICK_HDR "2026-03-02T09:00:00.000+09:00,0059\0"
	                                    "0,70000,1\n";
	struct result r;
	const char *path = write_tmp(state, data, sizeof(data) - 1);
	read_file(path, &r);
	assert_error(&r, path, 2, "symbol", "(got '0059\\x000')");
	/* NUL inside a number. */
	static const char data2[] = TICK_HDR ROW0 "70\0"
	                                          "00,1\n";
	path = write_tmp(state, data2, sizeof(data2) - 1);
	read_file(path, &r);
	assert_error(&r, path, 2, "price", "(got '70\\x0000')");
}

static void test_line_length_limit(void **state)
{
	/* A row of exactly 65536 bytes is read, one of 65537 is refused. The
	 * note column pads the row: prefix + note = 65536. */
	const char *hdr = "time,symbol,price,volume,note\n";
	const char *row = ROW0 "70000,1,";
	size_t hl = strlen(hdr), rl = strlen(row), pad = 65536 - rl;
	size_t total = hl + 2 * (rl + pad + 1) + 1;
	char *buf = malloc(total + 1);
	assert_non_null(buf);
	char *p = buf;
	memcpy(p, hdr, hl);
	p += hl;
	memcpy(p, row, rl);
	p += rl;
	memset(p, 'x', pad);
	p += pad;
	*p++ = '\n';
	memcpy(p, row, rl);
	p += rl;
	memset(p, 'x', pad + 1);
	p += pad + 1;
	*p++ = '\n';
	struct result r;
	const char *path = write_tmp(state, buf, (size_t)(p - buf));
	read_file(path, &r);
	assert_int_equal(r.n, 1);
	assert_error(&r, path, 3, NULL, "line longer than 65536 bytes");
	/* Without a line end at all, and far longer than the limit. */
	memset(buf, 'y', total);
	path = write_tmp(state, buf, total);
	read_file(path, &r);
	assert_error(&r, path, 1, NULL, "line longer than 65536 bytes");
	free(buf);
}

static void test_errors_are_sticky(void **state)
{
	const char *data = TICK_HDR ROW0 "x,1\n" ROW0 "70000,1\n";
	const char *path = write_tmp(state, data, strlen(data));
	struct csvfeed *f;
	char err[256], err2[256];
	struct md_record rec;
	assert_int_equal(csvfeed_open(path, &f, err, sizeof(err)), KE_OK);
	assert_true(csvfeed_next(f, &rec, err, sizeof(err)) < 0);
	/* The good row after the bad one is not handed out. */
	assert_true(csvfeed_next(f, &rec, err2, sizeof(err2)) < 0);
	assert_string_equal(err, err2);
	/* A short buffer is cut, never overrun. */
	char tiny[8];
	assert_true(csvfeed_next(f, &rec, tiny, sizeof(tiny)) < 0);
	assert_int_equal(strlen(tiny), 7);
	csvfeed_close(f);
}

/* 200,000 rows of varying length (about 12 MB) cross many refills of the
 * 1 MiB buffer at every possible offset; each row must come back intact. */
static void test_long_file_streams(void **state)
{
	struct tmpdir *t = *state;
	FILE *fp = fopen(t->path, "wb");
	assert_non_null(fp);
	fputs("time,symbol,price,volume,bid,ask\n", fp);
	const int rows = 200000;
	for (int i = 0; i < rows; i++) {
		/* ms of day from 09:00 on, i ms apart; price and volume vary in
		 * length so line ends drift across buffer boundaries. */
		int ms = i % 1000, s = i / 1000 % 60, m = i / 60000;
		fprintf(fp, "2026-03-02T09:%02d:%02d.%03d+09:00,%s,%d,%d,%d,%d\n", m, s, ms, i % 2 ? "005930" : "A1",
		        1 + i % 9999999, i % 123457, 1 + i % 99, 1 + i % 100);
	}
	assert_int_equal(fclose(fp), 0);
	struct csvfeed *f;
	char err[256];
	struct md_record rec;
	assert_int_equal(csvfeed_open(t->path, &f, err, sizeof(err)), KE_OK);
	int n = 0, rc;
	while ((rc = csvfeed_next(f, &rec, err, sizeof(err))) == 1) {
		if (rec.time != T0900 + n || rec.price != 1 + n % 9999999 || rec.volume != n % 123457 ||
		    rec.ask != 1 + n % 100 || rec.line != n + 2 || strcmp(rec.symbol, n % 2 ? "005930" : "A1"))
			fail_msg("row %d (line %ld) read wrong", n, rec.line);
		n++;
	}
	csvfeed_close(f);
	if (rc != 0)
		fail_msg("%s", err);
	assert_int_equal(n, rows);
}

/* The shipped samples, read whole. Their sizes follow from the commands in
 * backtest-data/README.md:
 *   ticks: 3 symbols x 20 weekdays x 800 ticks          = 48,000
 *   bars:  260 weekdays in 2025-01-02..2025-12-31 (2025 has 261,
 *          Jan 1 is one) x 381 bars (380 minutes + close) = 99,060
 *   daily: 3 symbols x 522 weekdays in 2024-01-02..2025-12-31
 *          (2024 from Jan 2: 261, 2025: 261)             = 1,566 */
static void check_sample(const char *name, enum md_kind kind, long want_rows, int64_t first, int64_t last)
{
	char path[512], err[512];
	snprintf(path, sizeof(path), "%s/backtest-data/%s", KE_SOURCE_DIR, name);
	struct csvfeed *f;
	if (csvfeed_open(path, &f, err, sizeof(err)) != KE_OK)
		fail_msg("%s", err);
	assert_int_equal(csvfeed_kind(f), kind);
	struct md_record rec;
	long n = 0;
	int64_t prev = INT64_MIN, first_t = 0;
	int rc;
	while ((rc = csvfeed_next(f, &rec, err, sizeof(err))) == 1) {
		if (n == 0)
			first_t = rec.time;
		if (rec.time < prev)
			fail_msg("%s: line %ld is out of time order", name, rec.line);
		if (kind == MD_TICK && !(rec.ask > rec.bid && (rec.price == rec.bid || rec.price == rec.ask)))
			fail_msg("%s: line %ld: price not at bid or ask", name, rec.line);
		prev = rec.time;
		n++;
	}
	csvfeed_close(f);
	if (rc != 0)
		fail_msg("%s", err);
	assert_int_equal(n, want_rows);
	assert_int_equal(first_t, first);
	assert_int_equal(prev, last);
}

static void test_sample_files(void **state)
{
	(void)state;
	/* first: T0900; last: date -u -d '2026-03-27T15:30:00+09:00' +%s = 1774593000 */
	check_sample("sample_ticks.csv", MD_TICK, 48000, T0900, 1774593000000LL);
	/* date -u -d '2025-01-02T09:01:00+09:00' +%s = 1735776060;
	 * date -u -d '2025-12-31T15:30:00+09:00' +%s = 1767162600 */
	check_sample("sample_bars_1m.csv", MD_BAR, 99060, 1735776060000LL, 1767162600000LL);
	/* date -u -d '2024-01-02T15:30:00+09:00' +%s = 1704177000 */
	check_sample("sample_daily.csv", MD_BAR, 1566, 1704177000000LL, 1767162600000LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ticks_with_quotes),
	    cmocka_unit_test(test_ticks_without_bid_ask),
	    cmocka_unit_test(test_empty_bid_ask_cells),
	    cmocka_unit_test(test_quoted_cells),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_crlf_and_trailing_blank_lines),
	    cmocka_unit_test(test_extra_columns_and_case),
	    cmocka_unit_test(test_ts_alias),
	    cmocka_unit_test(test_daily_bars_plain_dates),
	    cmocka_unit_test(test_intraday_bars),
	    cmocka_unit_test(test_err_missing_column),
	    cmocka_unit_test(test_err_non_numeric_price),
	    cmocka_unit_test(test_err_fractional_price),
	    cmocka_unit_test(test_err_negative_volume),
	    cmocka_unit_test(test_err_bad_time),
	    cmocka_unit_test(test_err_time_backwards),
	    cmocka_unit_test(test_err_too_few_fields),
	    cmocka_unit_test(test_err_high_below_low),
	    cmocka_unit_test(test_err_empty_file),
	    cmocka_unit_test(test_err_file_not_found),
	    cmocka_unit_test_setup_teardown(test_err_row_cases, setup_tmp, teardown_tmp),
	    cmocka_unit_test_setup_teardown(test_err_header_cases, setup_tmp, teardown_tmp),
	    cmocka_unit_test_setup_teardown(test_nul_bytes, setup_tmp, teardown_tmp),
	    cmocka_unit_test_setup_teardown(test_line_length_limit, setup_tmp, teardown_tmp),
	    cmocka_unit_test_setup_teardown(test_errors_are_sticky, setup_tmp, teardown_tmp),
	    cmocka_unit_test_setup_teardown(test_long_file_streams, setup_tmp, teardown_tmp),
	    cmocka_unit_test(test_sample_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
