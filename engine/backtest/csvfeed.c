/*
 * csvfeed.c - streaming reader of market data CSV files (ticks or bars).
 *
 * The reader owns one fixed buffer and hands out records parsed in place,
 * so memory stays flat however long the file is. A backtest spends most of
 * its time here, which is why the hot path is hand-rolled: lines are found
 * with memchr, commas 64 bytes at a time (SSE2, or 8-byte words), numbers
 * of up to 8 digits and the time of day with word arithmetic instead of a
 * loop per digit, and the timestamp parser remembers the last date prefix
 * and UTC-offset suffix so that a typical row only decodes HH:MM:SS.mmm.
 * Anything unusual falls back to a plain, careful slow path.
 *
 * Nothing is skipped silently: every malformed row is an error naming the
 * file, the line and the field, and the error is sticky (later calls repeat
 * it) so a driver cannot read past a bad row by accident.
 */
#include "csvfeed.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktime.h"

#if defined(__SSE2__) && !defined(CF_NO_SIMD)
#include <emmintrin.h>
#endif

#define CF_BUF_SIZE      (1u << 20)
#define CF_LINE_MAX      65536 /* bytes of content, without the line end */
#define CF_MAX_DIGITS    18    /* keeps every accepted number inside int64_t */
#define CF_DATE_ONLY_SEC (15 * 3600 + 30 * 60)
#define CF_PAD           64 /* readable bytes past the buffer for whole-word loads */

/* The row path is a handful of small functions that must be inlined into
 * one; the error paths must stay out of it so they do not bloat it. */
#if defined(__GNUC__)
#define CF_INLINE static inline __attribute__((always_inline))
#define CF_COLD   static __attribute__((noinline, cold))
#else
#define CF_INLINE static inline
#define CF_COLD   static
#endif

enum cf_col { C_TIME, C_SYMBOL, C_PRICE, C_VOLUME, C_BID, C_ASK, C_OPEN, C_HIGH, C_LOW, C_CLOSE, C_COUNT };

static const struct {
	const char *name;
	enum cf_col col;
} cf_names[] = {
    {"time", C_TIME},   {"ts", C_TIME},       {"date", C_TIME},   {"symbol", C_SYMBOL}, {"code", C_SYMBOL},
    {"price", C_PRICE}, {"volume", C_VOLUME}, {"bid", C_BID},     {"ask", C_ASK},       {"open", C_OPEN},
    {"high", C_HIGH},   {"low", C_LOW},       {"close", C_CLOSE},
};

static const char *const cf_canon[C_COUNT] = {"time", "symbol", "price", "volume", "bid",
                                              "ask",  "open",   "high",  "low",    "close"};

struct cf_cell {
	const char *s;
	size_t n;
};

struct csvfeed {
	int fd;
	enum md_kind kind;
	int eof;
	int failed; /* sticky error code, 0 while healthy */
	long line;  /* number of the last line taken from the buffer */
	long blank; /* first blank line not yet followed by data, 0 if none */
	size_t pos, end;
	int ncols;  /* fields in the header */
	int ncells; /* leading fields a row parse must keep */
	int col[C_COUNT];
	char colname[C_COUNT][8]; /* the header's spelling, for messages */
	struct cf_cell *cells;

	int64_t last_time;
	long last_line;

	/* Timestamp cache: rows sharing the last row's date prefix, length and
	 * offset suffix only need their time of day decoded. */
	size_t tc_len;               /* 0: cache empty, else >= 19 */
	size_t tc_tail;              /* 19 or 23: where the offset suffix starts */
	uint64_t tc_pre0, tc_pre1;   /* bytes 0..7 and 3..10: "YYYY-MM-DDT" */
	uint64_t tc_suf, tc_sufmask; /* the last 8 bytes, masked to the suffix */
	int64_t tc_base;             /* ms of local midnight of that date, in UTC */

	char *path;
	char *buf;
	char errmsg[384];
};

/* Copies a cell into out for a message: printable ASCII as is, any other
 * byte as \xNN, cut after 40 bytes, so hostile input cannot garble a log. */
static void cf_show(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i == 40) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, outlen - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

static void cf_copy_err(const struct csvfeed *f, char *err, size_t errlen)
{
	if (err && errlen) {
		size_t n = strlen(f->errmsg);
		if (n >= errlen)
			n = errlen - 1;
		memcpy(err, f->errmsg, n);
		err[n] = '\0';
	}
}

/* Records an error about the row at line; field may be NULL. */
CF_COLD int cf_fail(struct csvfeed *f, int code, long line, const char *field, const char *what, const char *val,
                    size_t vlen)
{
	int o = snprintf(f->errmsg, sizeof(f->errmsg), "%s:%ld: ", f->path, line);
	if (o < 0 || (size_t)o >= sizeof(f->errmsg))
		o = 0;
	size_t room = sizeof(f->errmsg) - (size_t)o;
	if (field && val) {
		char shown[200];
		cf_show(val, vlen, shown, sizeof(shown));
		snprintf(f->errmsg + o, room, "field '%s': %s (got '%s')", field, what, shown);
	} else if (field) {
		snprintf(f->errmsg + o, room, "field '%s': %s", field, what);
	} else {
		snprintf(f->errmsg + o, room, "%s", what);
	}
	f->failed = code;
	return code;
}

/* Fills a fresh part of the buffer; keeps the unread tail at the front.
 * The buffer is 16 times the longest line, so there is always room. */
static int cf_fill(struct csvfeed *f)
{
	if (f->pos > 0) {
		memmove(f->buf, f->buf + f->pos, f->end - f->pos);
		f->end -= f->pos;
		f->pos = 0;
	}
	for (;;) {
		ssize_t r = read(f->fd, f->buf + f->end, CF_BUF_SIZE - f->end);
		if (r > 0) {
			f->end += (size_t)r;
			return KE_OK;
		}
		if (r == 0) {
			f->eof = 1;
			return KE_OK;
		}
		if (errno != EINTR) {
			char what[128];
			snprintf(what, sizeof(what), "read failed: %s", strerror(errno));
			return cf_fail(f, KE_EIO, f->line + 1, NULL, what, NULL, 0);
		}
	}
}

/* Takes the next line without its "\n" or "\r\n". 1: a line; 0: end. */
static int cf_line(struct csvfeed *f, const char **out, size_t *outlen)
{
	for (;;) {
		const char *s = f->buf + f->pos;
		size_t avail = f->end - f->pos;
		const char *nl = memchr(s, '\n', avail);
		size_t n;
		if (nl) {
			n = (size_t)(nl - s);
			f->pos += n + 1;
		} else if (avail > CF_LINE_MAX + 1) {
			/* No line end yet and already too long even if the
			 * last byte turns out to be a '\r'. */
			n = avail;
		} else if (f->eof) {
			if (avail == 0)
				return 0;
			n = avail; /* last line without a line end */
			f->pos = f->end;
		} else {
			int rc = cf_fill(f);
			if (rc < 0)
				return rc;
			continue;
		}
		f->line++;
		if (n && s[n - 1] == '\r')
			n--;
		if (n > CF_LINE_MAX) {
			char what[64];
			snprintf(what, sizeof(what), "line longer than %d bytes", CF_LINE_MAX);
			return cf_fail(f, KE_EINVAL, f->line, NULL, what, NULL, 0);
		}
		*out = s;
		*outlen = n;
		return 1;
	}
}

/* Splits a line into fields, keeping the first f->ncells of them.
 * Returns the field count or an error. A quoted field may hold commas
 * and doubled quotes; its cell is the text between the quotes. */
CF_COLD int cf_split_slow(struct csvfeed *f, const char *p, const char *end)
{
	struct cf_cell *cells = f->cells;
	int keep = f->ncells, n = 0;
	for (;;) {
		const char *s;
		size_t len;
		if (p < end && *p == '"') {
			const char *q = p + 1;
			for (;;) {
				q = memchr(q, '"', (size_t)(end - q));
				if (!q)
					return cf_fail(f, KE_EINVAL, f->line, NULL, "unterminated quote", NULL, 0);
				if (q + 1 < end && q[1] == '"') {
					q += 2;
					continue;
				}
				break;
			}
			s = p + 1;
			len = (size_t)(q - s);
			p = q + 1;
			if (p < end && *p != ',')
				return cf_fail(f, KE_EINVAL, f->line, NULL, "text after a closing quote", NULL, 0);
		} else {
			s = p;
			while (p < end && *p != ',')
				p++;
			len = (size_t)(p - s);
		}
		if (n < keep) {
			cells[n].s = s;
			cells[n].n = len;
		}
		n++;
		if (p >= end)
			return n;
		p++;
	}
}

#define CF_LO7      0x7f7f7f7f7f7f7f7fULL
#define CF_HI1      0x8080808080808080ULL
#define CF_BYTES(c) (0x0101010101010101ULL * (unsigned char)(c))

/* Index of the lowest set bit of m != 0. */
CF_INLINE int cf_first_bit(uint64_t m)
{
#if defined(__GNUC__)
	return __builtin_ctzll(m);
#else
	int i = 0;
	for (; !(m & 1); m >>= 1)
		i++;
	return i;
#endif
}

/* Eight bytes at s as a little-endian word: byte i is bits 8i..8i+7. */
CF_INLINE uint64_t cf_load(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

#if !defined(__SSE2__) || defined(CF_NO_SIMD)
/* High bit set in each byte of w equal to the byte in pat (exact, no
 * false positives from borrows). */
CF_INLINE uint64_t cf_eq_bytes(uint64_t w, uint64_t pat)
{
	uint64_t x = w ^ pat;
	return ~(((x & CF_LO7) + CF_LO7) | x) & CF_HI1;
}
#endif

/* Bit i of *comma / *quote is set when byte i of the 64 at p is a comma /
 * a double quote. SSE2 is part of every x86-64; elsewhere eight 8-byte
 * words do the same job. */
CF_INLINE void cf_masks64(const char *p, uint64_t *comma, uint64_t *quote)
{
	uint64_t cm = 0, qm = 0;
#if defined(__SSE2__) && !defined(CF_NO_SIMD)
	const __m128i c = _mm_set1_epi8(','), q = _mm_set1_epi8('"');
	for (int i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
		cm |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) << (16 * i);
		qm |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)) << (16 * i);
	}
#else
	for (int i = 0; i < 8; i++) {
		uint64_t w = cf_load(p + 8 * i);
		/* The multiply gathers the high bit of each byte into the top
		 * byte, bit 8k+7 to bit 56+k. */
		cm |= ((cf_eq_bytes(w, CF_BYTES(',')) * 0x0002040810204081ULL) >> 56) << (8 * i);
		qm |= ((cf_eq_bytes(w, CF_BYTES('"')) * 0x0002040810204081ULL) >> 56) << (8 * i);
	}
#endif
	*comma = cm;
	*quote = qm;
}

/* The common case, a line without quotes, 64 bytes at a time: one mask of
 * comma positions per block and a loop that runs once per comma, which the
 * branch predictor learns because every row has the same number. */
CF_INLINE int cf_split(struct csvfeed *f, const char *line, const char *end)
{
	struct cf_cell *cells = f->cells;
	int keep = f->ncells, n = 0;
	const char *fs = line;
	size_t len = (size_t)(end - line);
	for (size_t b = 0; b < len; b += 64) {
		/* The buffer has CF_PAD spare bytes past its end, so a block
		 * can be loaded whole; positions past the line are dropped. */
		uint64_t cm, qm;
		cf_masks64(line + b, &cm, &qm);
		if (len - b < 64) {
			uint64_t lim = (1ULL << (len - b)) - 1;
			cm &= lim;
			qm &= lim;
		}
		if (qm)
			return cf_split_slow(f, line, end);
		while (cm) {
			const char *e = line + b + cf_first_bit(cm);
			if (n < keep) {
				cells[n].s = fs;
				cells[n].n = (size_t)(e - fs);
			}
			n++;
			fs = e + 1;
			cm &= cm - 1;
		}
	}
	if (n < keep) {
		cells[n].s = fs;
		cells[n].n = (size_t)(end - fs);
	}
	return n + 1;
}

enum { NUM_OK, NUM_EMPTY, NUM_BAD, NUM_FRACTION, NUM_BIG, NUM_NEGATIVE };

/* Parses a whole number with an optional all-zero fraction ("70000.00"). */
CF_COLD int cf_parse_num_slow(const char *s, size_t n, int64_t *out)
{
	if (n == 0)
		return NUM_EMPTY;
	size_t i = 0;
	int neg = 0;
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	size_t start = i;
	uint64_t v = 0;
	while (i < n && (unsigned)(s[i] - '0') < 10) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		i++;
		if (i - start > CF_MAX_DIGITS)
			return NUM_BIG;
	}
	if (i == start)
		return NUM_BAD;
	if (i < n) {
		if (s[i] != '.')
			return NUM_BAD;
		size_t dot = i++;
		int frac = 0;
		for (; i < n; i++) {
			if ((unsigned)(s[i] - '0') >= 10)
				return NUM_BAD;
			if (s[i] != '0')
				frac = 1;
		}
		if (i == dot + 1)
			return NUM_BAD;
		if (frac)
			return NUM_FRACTION;
	}
	if (neg)
		return v == 0 ? NUM_BAD : NUM_NEGATIVE;
	*out = (int64_t)v;
	return NUM_OK;
}

/* Up to 8 digits without a loop: the exit of a digit loop mispredicts for
 * numbers of varying length, and that was the reader's largest cost. The
 * 8 bytes loaded may run past the cell into the rest of the line or the
 * buffer's spare tail; those bytes are shifted out before use. */
CF_INLINE int cf_parse_num(const char *s, size_t n, int64_t *out)
{
	if (n - 1 < 8) {
		unsigned sh = (unsigned)(8 * (8 - n));
		/* The digits move to the top bytes, '0's fill in below them. */
		uint64_t w = (cf_load(s) << sh) | (sh ? CF_BYTES('0') >> (64 - sh) : 0);
		if ((w & 0xf0f0f0f0f0f0f0f0ULL) == CF_BYTES('0') &&
		    ((w + CF_BYTES(6)) & 0xf0f0f0f0f0f0f0f0ULL) == CF_BYTES('0')) {
			w -= CF_BYTES('0');
			w = w * 10 + (w >> 8);
			w = (((w & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32))) +
			     (((w >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32)))) >>
			    32;
			*out = (int64_t)w;
			return NUM_OK;
		}
	}
	return cf_parse_num_slow(s, n, out);
}

/* Why the number in column col did not pass; 0 for an empty optional. */
CF_COLD int cf_num_err(struct csvfeed *f, int col, int optional, int64_t *out)
{
	const struct cf_cell *c = &f->cells[f->col[col]];
	int r = cf_parse_num(c->s, c->n, out), vol = col == C_VOLUME;
	const char *what = vol ? "expected a whole number >= 0" : "expected a whole number of won";
	if (r == NUM_EMPTY && optional) {
		*out = 0;
		return KE_OK;
	}
	if (r == NUM_EMPTY)
		return cf_fail(f, KE_EINVAL, f->line, f->colname[col], "empty cell", NULL, 0);
	if (r == NUM_BIG)
		what = "number too large (more than 18 digits)";
	else if (r == NUM_NEGATIVE || (r == NUM_OK && !vol))
		what = vol ? "volume must be >= 0" : "price must be > 0";
	return cf_fail(f, KE_EINVAL, f->line, f->colname[col], what, c->s, c->n);
}

/* A price in whole won, > 0; an empty cell is 0 when optional. */
CF_INLINE int cf_price(struct csvfeed *f, int col, int optional, int64_t *out)
{
	const struct cf_cell *c = &f->cells[f->col[col]];
	if (cf_parse_num(c->s, c->n, out) == NUM_OK && *out > 0)
		return KE_OK;
	return cf_num_err(f, col, optional, out);
}

CF_INLINE int cf_volume(struct csvfeed *f, int64_t *out)
{
	const struct cf_cell *c = &f->cells[f->col[C_VOLUME]];
	if (cf_parse_num(c->s, c->n, out) == NUM_OK)
		return KE_OK;
	return cf_num_err(f, C_VOLUME, 0, out);
}

CF_COLD int cf_time_slow(struct csvfeed *f, const char *s, size_t n, int64_t *out)
{
	if (ktime_parse_iso(s, n, CF_DATE_ONLY_SEC, out) != KE_OK) {
		if (n == 0)
			return cf_fail(f, KE_EINVAL, f->line, f->colname[C_TIME], "empty cell", NULL, 0);
		return cf_fail(f, KE_EINVAL, f->line, f->colname[C_TIME],
		               "expected a time like 2026-03-02T09:00:00.000+09:00 or a date like 2026-03-02", s, n);
	}
	/* ktime_parse_iso accepted it, so any form longer than a date has
	 * "YYYY-MM-DDTHH:MM:SS" in front. Cache only the common shapes: no
	 * fraction or exactly three digits of milliseconds. */
	f->tc_len = 0;
	if (n < 19)
		return KE_OK;
	size_t tail = 19;
	int64_t frac = 0;
	if (n > 19 && s[19] == '.') {
		if (n < 23 || (unsigned)(s[20] - '0') >= 10 || (unsigned)(s[21] - '0') >= 10 ||
		    (unsigned)(s[22] - '0') >= 10 || (n > 23 && (unsigned)(s[23] - '0') < 10))
			return KE_OK;
		tail = 23;
		frac = (s[20] - '0') * 100 + (s[21] - '0') * 10 + (s[22] - '0');
	}
	if (n - tail > 8)
		return KE_OK;
	int64_t tod = (((s[11] - '0') * 10 + (s[12] - '0')) * 3600LL + ((s[14] - '0') * 10 + (s[15] - '0')) * 60 +
	               (s[17] - '0') * 10 + (s[18] - '0')) *
	                  1000 +
	              frac;
	f->tc_pre0 = cf_load(s);
	f->tc_pre1 = cf_load(s + 3);
	f->tc_sufmask = n == tail ? 0 : ~0ULL << (8 * (8 - (n - tail)));
	f->tc_suf = cf_load(s + n - 8) & f->tc_sufmask;
	f->tc_tail = tail;
	f->tc_base = *out - tod;
	f->tc_len = n;
	return KE_OK;
}

/* True when the bytes of w under mask are all digits '0'..'9'. Adding 6
 * cannot carry out of a byte whose high nibble is already known to be 3. */
CF_INLINE int cf_digits(uint64_t w, uint64_t mask)
{
	uint64_t hi = 0xf0f0f0f0f0f0f0f0ULL & mask, zero = CF_BYTES('0') & mask;
	return (w & hi) == zero && (((w & mask) + (CF_BYTES(6) & mask)) & hi) == zero;
}

CF_INLINE int cf_time(struct csvfeed *f, const char *s, size_t n, int64_t *out)
{
	/* tc_len is 0 or >= 19, so the loads stay inside the cell (the
	 * fraction's may run past it into the buffer's spare bytes). */
	if (n == f->tc_len && n && cf_load(s) == f->tc_pre0 && cf_load(s + 3) == f->tc_pre1 &&
	    (cf_load(s + n - 8) & f->tc_sufmask) == f->tc_suf) {
		/* "HH:MM:SS" in one word: digits at bytes 0,1,3,4,6,7. */
		const uint64_t dm = 0xffff00ffff00ffffULL;
		uint64_t w = cf_load(s + 11);
		if ((w & ~dm) == (CF_BYTES(':') & ~dm) && cf_digits(w, dm)) {
			uint64_t d = (w & dm) - (CF_BYTES('0') & dm);
			unsigned hh = (unsigned)(d & 0xff) * 10 + (unsigned)(d >> 8 & 0xff);
			unsigned mi = (unsigned)(d >> 24 & 0xff) * 10 + (unsigned)(d >> 32 & 0xff);
			unsigned ss = (unsigned)(d >> 48 & 0xff) * 10 + (unsigned)(d >> 56);
			unsigned ms = 0;
			int ok = hh < 24 && mi < 60 && ss < 60;
			if (f->tc_tail == 23) {
				/* ".mmm" */
				uint64_t v = cf_load(s + 19);
				ok = ok && (v & 0xff) == '.' && cf_digits(v, 0xffffff00ULL);
				uint64_t e = v - (CF_BYTES('0') & 0xffffff00ULL);
				ms = (unsigned)(e >> 8 & 0xff) * 100 + (unsigned)(e >> 16 & 0xff) * 10 +
				     (unsigned)(e >> 24 & 0xff);
			}
			if (ok) {
				*out = f->tc_base + ((int64_t)hh * 3600 + mi * 60 + ss) * 1000 + ms;
				return KE_OK;
			}
		}
	}
	return cf_time_slow(f, s, n, out);
}

CF_COLD int cf_symbol_slow(struct csvfeed *f, char *out)
{
	const struct cf_cell *c = &f->cells[f->col[C_SYMBOL]];
	int ok = c->n >= 1 && c->n < KE_SYMBOL_MAX;
	for (size_t i = 0; ok && i < c->n; i++) {
		unsigned char ch = (unsigned char)c->s[i];
		ok = (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
	}
	if (!ok) {
		if (c->n == 0)
			return cf_fail(f, KE_EINVAL, f->line, f->colname[C_SYMBOL], "empty cell", NULL, 0);
		return cf_fail(f, KE_EINVAL, f->line, f->colname[C_SYMBOL], "expected 1-15 letters or digits", c->s,
		               c->n);
	}
	memset(out, 0, KE_SYMBOL_MAX);
	memcpy(out, c->s, c->n);
	return KE_OK;
}

/* Codes of up to 8 characters (all KRX codes) are checked and copied as
 * one word; a byte is in lo..hi when w + (0x80 - lo) has its high bit set
 * and w + (0x7f - hi) has not (no carries: every byte is below 0x80). */
CF_INLINE int cf_symbol(struct csvfeed *f, char *out)
{
	const struct cf_cell *c = &f->cells[f->col[C_SYMBOL]];
	if (c->n - 1 < 8) {
		uint64_t mask = c->n == 8 ? ~0ULL : (1ULL << (8 * c->n)) - 1, hi = mask & CF_HI1;
		uint64_t w = cf_load(c->s) & mask, lw = w | CF_BYTES(0x20);
		uint64_t digit = (w + CF_BYTES(0x80 - '0')) & ~(w + CF_BYTES(0x7f - '9'));
		uint64_t alpha = (lw + CF_BYTES(0x80 - 'a')) & ~(lw + CF_BYTES(0x7f - 'z'));
		if (!(w & CF_HI1) && ((digit | alpha) & hi) == hi) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			w = __builtin_bswap64(w);
#endif
			memcpy(out, &w, 8);
			memset(out + 8, 0, KE_SYMBOL_MAX - 8);
			return KE_OK;
		}
	}
	return cf_symbol_slow(f, out);
}

static int cf_bar_check(struct csvfeed *f, struct md_record *r)
{
	char what[96];
	if (r->high < r->low) {
		snprintf(what, sizeof(what), "high is below low %lld", (long long)r->low);
		const struct cf_cell *c = &f->cells[f->col[C_HIGH]];
		return cf_fail(f, KE_EINVAL, f->line, f->colname[C_HIGH], what, c->s, c->n);
	}
	const int cols[2] = {C_OPEN, C_CLOSE};
	const int64_t vals[2] = {r->open, r->close};
	for (int i = 0; i < 2; i++) {
		if (vals[i] < r->low || vals[i] > r->high) {
			snprintf(what, sizeof(what), "outside low..high %lld..%lld", (long long)r->low,
			         (long long)r->high);
			const struct cf_cell *c = &f->cells[f->col[cols[i]]];
			return cf_fail(f, KE_EINVAL, f->line, f->colname[cols[i]], what, c->s, c->n);
		}
	}
	return KE_OK;
}

static int cf_row(struct csvfeed *f, const char *s, size_t n, struct md_record *r)
{
	int nf = cf_split(f, s, s + n);
	if (nf < 0)
		return nf;
	if (nf != f->ncols) {
		char what[96];
		snprintf(what, sizeof(what), "expected %d fields as in the header, got %d", f->ncols, nf);
		return cf_fail(f, KE_EINVAL, f->line, NULL, what, NULL, 0);
	}
	const struct cf_cell *tc = &f->cells[f->col[C_TIME]];
	int rc;
	if ((rc = cf_time(f, tc->s, tc->n, &r->time)) < 0)
		return rc;
	if (r->time < f->last_time) {
		char now[32], before[32], what[128];
		ktime_format_iso(r->time, now, sizeof(now));
		ktime_format_iso(f->last_time, before, sizeof(before));
		snprintf(what, sizeof(what), "time goes backwards: %s after %s on line %ld", now, before, f->last_line);
		return cf_fail(f, KE_EINVAL, f->line, f->colname[C_TIME], what, tc->s, tc->n);
	}
	if ((rc = cf_symbol(f, r->symbol)) < 0)
		return rc;
	r->kind = f->kind;
	r->line = f->line;
	if (f->kind == MD_TICK) {
		if ((rc = cf_price(f, C_PRICE, 0, &r->price)) < 0 || (rc = cf_volume(f, &r->volume)) < 0)
			return rc;
		r->bid = r->ask = 0;
		if (f->col[C_BID] >= 0 && (rc = cf_price(f, C_BID, 1, &r->bid)) < 0)
			return rc;
		if (f->col[C_ASK] >= 0 && (rc = cf_price(f, C_ASK, 1, &r->ask)) < 0)
			return rc;
		r->open = r->high = r->low = r->close = 0;
	} else {
		if ((rc = cf_price(f, C_OPEN, 0, &r->open)) < 0 || (rc = cf_price(f, C_HIGH, 0, &r->high)) < 0 ||
		    (rc = cf_price(f, C_LOW, 0, &r->low)) < 0 || (rc = cf_price(f, C_CLOSE, 0, &r->close)) < 0 ||
		    (rc = cf_volume(f, &r->volume)) < 0 || (rc = cf_bar_check(f, r)) < 0)
			return rc;
		r->price = r->bid = r->ask = 0;
	}
	f->last_time = r->time;
	f->last_line = f->line;
	return 1;
}

int csvfeed_next(struct csvfeed *f, struct md_record *rec, char *err, size_t errlen)
{
	if (!f || !rec)
		return KE_EINVAL;
	if (f->failed) {
		cf_copy_err(f, err, errlen);
		return f->failed;
	}
	for (;;) {
		const char *s;
		size_t n;
		int rc = cf_line(f, &s, &n);
		if (rc == 0)
			return 0; /* blank lines at the end are allowed */
		if (rc < 0) {
			cf_copy_err(f, err, errlen);
			return rc;
		}
		if (n == 0) {
			if (!f->blank)
				f->blank = f->line;
			continue;
		}
		if (f->blank) {
			rc = cf_fail(f, KE_EINVAL, f->blank, NULL, "blank line before more data", NULL, 0);
		} else {
			rc = cf_row(f, s, n, rec);
			if (rc > 0)
				return rc;
		}
		cf_copy_err(f, err, errlen);
		return rc;
	}
}

/* A header name without the spaces around it. */
static void cf_header_name(const struct cf_cell *c, const char **s, size_t *n)
{
	const char *p = c->s, *e = c->s + c->n;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*s = p;
	*n = (size_t)(e - p);
}

static int cf_name_is(const char *s, size_t n, const char *name)
{
	size_t i = 0;
	for (; i < n && name[i]; i++) {
		char ch = s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		if (ch != name[i])
			return 0;
	}
	return i == n && name[i] == '\0';
}

static int cf_header(struct csvfeed *f)
{
	const char *s;
	size_t n;
	int rc = cf_line(f, &s, &n);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return cf_fail(f, KE_EINVAL, 1, NULL, "empty file (no header row)", NULL, 0);
	if (n >= 3 && (unsigned char)s[0] == 0xef && (unsigned char)s[1] == 0xbb && (unsigned char)s[2] == 0xbf) {
		s += 3;
		n -= 3;
	}
	if (n == 0)
		return cf_fail(f, KE_EINVAL, 1, NULL, "blank header row", NULL, 0);
	/* The header may be as wide as a line; count its fields first, then
	 * keep them all once to read the names. */
	f->ncells = 0;
	int nf = cf_split(f, s, s + n);
	if (nf < 0)
		return nf;
	f->cells = malloc((size_t)nf * sizeof(*f->cells));
	if (!f->cells)
		return cf_fail(f, KE_ENOMEM, 1, NULL, "out of memory", NULL, 0);
	f->ncells = nf;
	cf_split(f, s, s + n);
	f->ncols = nf;
	int maxcol = -1;
	for (int i = 0; i < nf; i++) {
		const char *name;
		size_t len;
		cf_header_name(&f->cells[i], &name, &len);
		for (size_t k = 0; k < KE_ARRAY_LEN(cf_names); k++) {
			if (!cf_name_is(name, len, cf_names[k].name))
				continue;
			int c = cf_names[k].col;
			if (f->col[c] >= 0) {
				char what[96];
				snprintf(what, sizeof(what), "column '%s' appears twice (as '%s' and '%s')",
				         cf_canon[c], f->colname[c], cf_names[k].name);
				return cf_fail(f, KE_EINVAL, 1, NULL, what, NULL, 0);
			}
			f->col[c] = i;
			snprintf(f->colname[c], sizeof(f->colname[c]), "%.*s", (int)len, name);
			if (i > maxcol)
				maxcol = i;
			break;
		}
	}
	static const int tick_need[] = {C_TIME, C_SYMBOL, C_PRICE, C_VOLUME};
	static const int bar_need[] = {C_TIME, C_SYMBOL, C_OPEN, C_HIGH, C_LOW, C_CLOSE, C_VOLUME};
	const int *need;
	size_t nneed;
	const char *kind;
	if (f->col[C_PRICE] >= 0) {
		f->kind = MD_TICK;
		need = tick_need;
		nneed = KE_ARRAY_LEN(tick_need);
		kind = "tick files need time, symbol, price, volume";
	} else if (f->col[C_OPEN] >= 0 || f->col[C_HIGH] >= 0 || f->col[C_LOW] >= 0 || f->col[C_CLOSE] >= 0) {
		f->kind = MD_BAR;
		need = bar_need;
		nneed = KE_ARRAY_LEN(bar_need);
		kind = "bar files need time, symbol, open, high, low, close, volume";
	} else {
		return cf_fail(f, KE_EINVAL, 1, NULL,
		               "header has neither a 'price' column (ticks) nor 'open', 'high', 'low', 'close' (bars)",
		               NULL, 0);
	}
	for (size_t k = 0; k < nneed; k++) {
		if (f->col[need[k]] < 0) {
			char what[128];
			snprintf(what, sizeof(what), "missing column '%s' (%s)", cf_canon[need[k]], kind);
			return cf_fail(f, KE_EINVAL, 1, NULL, what, NULL, 0);
		}
	}
	/* Rows only keep fields up to the last column we read. */
	f->ncells = maxcol + 1;
	return KE_OK;
}

int csvfeed_open(const char *path, struct csvfeed **out, char *err, size_t errlen)
{
	if (!path || !out) {
		if (err && errlen)
			snprintf(err, errlen, "csvfeed_open: no path");
		return KE_EINVAL;
	}
	*out = NULL;
	struct csvfeed *f = calloc(1, sizeof(*f));
	/* Zeroed, so the spare bytes read by whole-word loads are defined. */
	char *buf = calloc(1, CF_BUF_SIZE + CF_PAD);
	char *p = strdup(path);
	if (!f || !buf || !p) {
		free(f);
		free(buf);
		free(p);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return KE_ENOMEM;
	}
	f->buf = buf;
	f->path = p;
	f->last_time = INT64_MIN;
	for (int i = 0; i < C_COUNT; i++)
		f->col[i] = -1;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		snprintf(f->errmsg, sizeof(f->errmsg), "%s: cannot open: %s", path, strerror(errno));
		cf_copy_err(f, err, errlen);
		csvfeed_close(f);
		return KE_EIO;
	}
	int rc = cf_header(f);
	if (rc < 0) {
		cf_copy_err(f, err, errlen);
		csvfeed_close(f);
		return rc;
	}
	*out = f;
	return KE_OK;
}

enum md_kind csvfeed_kind(const struct csvfeed *f)
{
	return f->kind;
}

const char *csvfeed_path(const struct csvfeed *f)
{
	return f->path;
}

void csvfeed_close(struct csvfeed *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->cells);
	free(f->buf);
	free(f->path);
	free(f);
}
