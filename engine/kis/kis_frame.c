/*
 * kis_frame.c - KIS WebSocket frames (protocol reference §5): data frames
 * read in place, control messages classified, subscribe requests written.
 *
 * The data path allocates nothing and copies no payload: one pass counts
 * the '^' separators (that fixes the fields per record, which KIS grows
 * over time), a second walks the fields in order and converts the ones a
 * record keeps straight from the caller's buffer. Which fields those are,
 * and how each is read, is a table per TR, so the walker is shared.
 */
#include "kis_frame.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define KF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KF_PRINTF(a, b)
#endif

static int fail(char *err, size_t errlen, const char *fmt, ...) KF_PRINTF(3, 4);

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return KE_EINVAL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int kis_frame_type(const char *buf, size_t len, enum kis_frame_type *out)
{
	if (!buf || len == 0 || !out)
		return KE_EINVAL;
	switch (buf[0]) {
	case '0':
	case '1': *out = KIS_FRAME_DATA; return KE_OK;
	case '{': *out = KIS_FRAME_CONTROL; return KE_OK;
	default: return KE_EINVAL;
	}
}

int kis_frame_split(const char *buf, size_t len, struct kis_data_frame *out, char *err, size_t errlen)
{
	if (!buf || !out)
		return fail(err, errlen, "no frame");
	memset(out, 0, sizeof(*out));
	if (len < 2 || (buf[0] != '0' && buf[0] != '1'))
		return fail(err, errlen, "not a data frame (the flag is not 0 or 1)");
	if (buf[1] != '|')
		return fail(err, errlen, "missing '|' after the flag");

	const char *end = buf + len;
	const char *tr = buf + 2;
	const char *bar = memchr(tr, '|', (size_t)(end - tr));
	if (!bar)
		return fail(err, errlen, "missing '|' after the TR id");
	size_t trlen = (size_t)(bar - tr);
	if (trlen == 0)
		return fail(err, errlen, "empty TR id");
	if (trlen >= sizeof(out->tr_id))
		return fail(err, errlen, "TR id longer than %zu characters", sizeof(out->tr_id) - 1);
	for (size_t i = 0; i < trlen; i++)
		if (!is_alnum(tr[i]))
			return fail(err, errlen, "TR id has a character other than a letter or digit");

	const char *cnt = bar + 1;
	const char *bar2 = memchr(cnt, '|', (size_t)(end - cnt));
	if (!bar2)
		return fail(err, errlen, "missing '|' after the record count");
	size_t cntlen = (size_t)(bar2 - cnt);
	/* The reference says three digits; fewer are taken too, since a
	 * shorter count is unambiguous and costs nothing to accept. */
	int count = 0;
	int ok = cntlen >= 1 && cntlen <= 3;
	for (size_t i = 0; ok && i < cntlen; i++) {
		ok = is_digit(cnt[i]);
		count = count * 10 + (cnt[i] - '0');
	}
	if (!ok || count < 1 || count > KIS_FRAME_MAX_RECORDS)
		return fail(err, errlen, "record count '%.*s' is not 1..%d", (int)(cntlen > 8 ? 8 : cntlen), cnt,
		            KIS_FRAME_MAX_RECORDS);

	const char *payload = bar2 + 1;
	if (payload == end)
		return fail(err, errlen, "empty payload");

	out->encrypted = buf[0] == '1';
	memcpy(out->tr_id, tr, trlen);
	out->tr_id[trlen] = '\0';
	out->count = count;
	out->payload = payload;
	out->payload_len = (size_t)(end - payload);
	return KE_OK;
}

/* ---- '^' scanning ----
 *
 * Most of a frame's cost is finding separators: the count pass reads every
 * byte, the record walk skips runs of unread fields. Eight bytes at a time
 * (SWAR) where the byte order is known, bytewise elsewhere.
 */

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KF_SWAR 1
#define ONES    UINT64_C(0x0101010101010101)
#define HIGHS   UINT64_C(0x8080808080808080)
#define LOWS    UINT64_C(0x7F7F7F7F7F7F7F7F)

/* The high bit of each byte of the 8 at p that is '^', exactly (no carry
 * between bytes, unlike the shorter has-zero test). */
static uint64_t seps8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
	uint64_t x = w ^ (ONES * (unsigned char)'^');
	return ~(((x & LOWS) + LOWS) | x) & HIGHS;
}

static unsigned bits8(uint64_t m)
{
	return (unsigned)(((m >> 7) * ONES) >> 56);
}
#endif

static size_t count_seps(const char *p, const char *end)
{
	size_t n = 0;
#ifdef KF_SWAR
	for (; end - p >= 8; p += 8)
		n += bits8(seps8(p));
#endif
	for (; p < end; p++)
		n += *p == '^';
	return n;
}

/* Just past the k-th '^' from p (k >= 1), or end if there are fewer. */
static const char *skip_seps(const char *p, const char *end, int k)
{
#ifdef KF_SWAR
	while (end - p >= 8) {
		uint64_t m = seps8(p);
		unsigned c = bits8(m);
		if ((int)c < k) {
			k -= (int)c;
			p += 8;
			continue;
		}
		while (--k > 0)
			m &= m - 1;
		return p + (__builtin_ctzll(m) >> 3) + 1;
	}
#endif
	for (; p < end; p++)
		if (*p == '^' && --k == 0)
			return p + 1;
	return end;
}

/* The first '^' at or after p, or end. */
static const char *find_sep(const char *p, const char *end)
{
#ifdef KF_SWAR
	for (; end - p >= 8; p += 8) {
		uint64_t m = seps8(p);
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
	}
#endif
	while (p < end && *p != '^')
		p++;
	return p;
}

int kis_frame_fields_per_record(const char *payload, size_t len, int count, int min_fields, int *out, char *err,
                                size_t errlen)
{
	if (!payload || len == 0 || !out)
		return fail(err, errlen, "empty payload");
	if (count < 1 || count > KIS_FRAME_MAX_RECORDS)
		return fail(err, errlen, "record count %d is not 1..%d", count, KIS_FRAME_MAX_RECORDS);
	size_t total = count_seps(payload, payload + len) + 1;
	if (total % (size_t)count != 0)
		return fail(err, errlen, "%zu fields do not split evenly into %d records", total, count);
	size_t per = total / (size_t)count;
	if (per < (size_t)(min_fields < 1 ? 1 : min_fields))
		return fail(err, errlen, "%d record(s) of %zu fields, expected at least %d", count, per, min_fields);
	if (per > INT_MAX)
		return fail(err, errlen, "payload too large");
	*out = (int)per;
	return KE_OK;
}

/* ---- record readers ---- */

/* Walks a record's fields in increasing order; p is the start of field idx. */
struct cursor {
	const char *p;
	const char *end;
	int idx;
};

/* Moves to the start of field k (no move if already there or past it). */
static void cursor_seek(struct cursor *c, int k)
{
	if (c->idx < k) {
		c->p = skip_seps(c->p, c->end, k - c->idx);
		c->idx = k;
	}
}

/* Field k (>= the cursor's index) of the current record as [*s, *s + *n). */
static void cursor_get(struct cursor *c, int k, const char **s, size_t *n)
{
	cursor_seek(c, k);
	const char *e = find_sep(c->p, c->end);
	*s = c->p;
	*n = (size_t)(e - c->p);
	c->p = e < c->end ? e + 1 : e;
	c->idx = k + 1;
}

enum num_err { NUM_OK = 0, NUM_EMPTY, NUM_BAD, NUM_RANGE };

/* A decimal integer spanning exactly [s, s + n), '-' or '+' first only when
 * sign_ok. Up to 18 digits cannot overflow int64, so only longer numbers
 * pay for the range check. */
static enum num_err span_int(const char *s, size_t n, int sign_ok, int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	if (n == 0)
		return NUM_EMPTY;
	if (s[0] == '-' || s[0] == '+') {
		if (!sign_ok)
			return NUM_BAD;
		neg = s[0] == '-';
		i = 1;
		if (n == 1)
			return NUM_BAD;
	}
	uint64_t v = 0;
	if (n - i <= 18) {
		for (; i < n; i++) {
			unsigned d = (unsigned)(unsigned char)s[i] - '0';
			if (d > 9)
				return NUM_BAD;
			v = v * 10 + d;
		}
	} else {
		for (; i < n; i++) {
			unsigned d = (unsigned)(unsigned char)s[i] - '0';
			if (d > 9)
				return NUM_BAD;
			if (v > ((uint64_t)INT64_MAX - d) / 10)
				return NUM_RANGE;
			v = v * 10 + d;
		}
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return NUM_OK;
}

/* How a kept field is read; the comment says what an empty field gives. */
enum fkind {
	F_SYMBOL,  /* char[KE_SYMBOL_MAX], letters and digits; refused if empty */
	F_HHMMSS,  /* int32 from six digits; refused if empty */
	F_DATE,    /* int32 from eight digits; 0 */
	F_INT,     /* int64 >= 0; refused */
	F_SINT,    /* int64, signed; refused */
	F_INT_OPT, /* int64 >= 0; 0 */
	F_SIDE,    /* int, one digit 1..5; 0 */
	F_YN,      /* int, "Y" 1 or "N" 0; 0 */
	F_CODE2,   /* char[3], up to two letters or digits; "" */
	F_CHAR,    /* char, one letter or digit; 0 */
};

struct fdesc {
	unsigned char idx;
	unsigned char kind;
	unsigned short off;
	const char *name;
};

/* clang-format off */
#define T(i, k, m, nm) {i, k, offsetof(struct kis_trade, m), nm}
static const struct fdesc trade_fields[] = {
	T(0, F_SYMBOL, symbol, "MKSC_SHRN_ISCD"),
	T(1, F_HHMMSS, hhmmss, "STCK_CNTG_HOUR"),
	T(2, F_INT, price, "STCK_PRPR"),
	T(4, F_SINT, change, "PRDY_VRSS"),
	T(7, F_INT, open, "STCK_OPRC"),
	T(8, F_INT, high, "STCK_HGPR"),
	T(9, F_INT, low, "STCK_LWPR"),
	T(10, F_INT_OPT, ask1, "ASKP1"),
	T(11, F_INT_OPT, bid1, "BIDP1"),
	T(12, F_INT, volume, "CNTG_VOL"),
	T(13, F_INT, cum_volume, "ACML_VOL"),
	T(14, F_INT, cum_value, "ACML_TR_PBMN"),
	T(21, F_SIDE, side, "CCLD_DVSN"),
	T(33, F_DATE, date, "BSOP_DATE"),
	T(34, F_CODE2, session, "NEW_MKOP_CLS_CODE"),
	T(35, F_YN, halted, "TRHT_YN"),
	T(43, F_CHAR, hour_cls, "HOUR_CLS_CODE"),
};
#undef T

/* Book prices and quantities are all "0 if empty": levels beyond the
 * book's depth and the expected price outside auctions come empty. */
#define B(i, m, nm) {i, F_INT_OPT, offsetof(struct kis_book, m), nm}
#define LEVELS(first, arr, nm)                                                                                      \
	B(first + 0, arr[0], nm "1"), B(first + 1, arr[1], nm "2"), B(first + 2, arr[2], nm "3"),                   \
	    B(first + 3, arr[3], nm "4"), B(first + 4, arr[4], nm "5"), B(first + 5, arr[5], nm "6"),               \
	    B(first + 6, arr[6], nm "7"), B(first + 7, arr[7], nm "8"), B(first + 8, arr[8], nm "9"),               \
	    B(first + 9, arr[9], nm "10")
static const struct fdesc book_fields[] = {
	{0, F_SYMBOL, offsetof(struct kis_book, symbol), "MKSC_SHRN_ISCD"},
	{1, F_HHMMSS, offsetof(struct kis_book, hhmmss), "BSOP_HOUR"},
	{2, F_CHAR, offsetof(struct kis_book, hour_cls), "HOUR_CLS_CODE"},
	LEVELS(3, ask, "ASKP"),
	LEVELS(13, bid, "BIDP"),
	LEVELS(23, ask_qty, "ASKP_RSQN"),
	LEVELS(33, bid_qty, "BIDP_RSQN"),
	B(43, total_ask_qty, "TOTAL_ASKP_RSQN"),
	B(44, total_bid_qty, "TOTAL_BIDP_RSQN"),
	B(47, expected_price, "ANTC_CNPR"),
	B(48, expected_qty, "ANTC_CNQN"),
	B(53, cum_volume, "ACML_VOL"),
};
#undef LEVELS
#undef B
/* clang-format on */

/* Reads one field into the record; NULL on success, else why not. */
static const char *read_field(const struct fdesc *d, const char *s, size_t n, char *rec)
{
	char *dst = rec + d->off;
	int64_t v = 0;
	int32_t v32;
	int iv;

	switch ((enum fkind)d->kind) {
	case F_SYMBOL:
		if (n == 0)
			return "missing symbol";
		if (n >= KE_SYMBOL_MAX)
			return "symbol too long";
		for (size_t i = 0; i < n; i++)
			if (!is_alnum(s[i]))
				return "symbol has a character other than a letter or digit";
		memcpy(dst, s, n);
		dst[n] = '\0';
		return NULL;
	case F_HHMMSS:
		if (n != 6 || span_int(s, n, 0, &v) != NUM_OK)
			return "not a time HHMMSS";
		if (v / 10000 > 23 || v / 100 % 100 > 59 || v % 100 > 59)
			return "not a time of day";
		v32 = (int32_t)v;
		memcpy(dst, &v32, sizeof(v32));
		return NULL;
	case F_DATE:
		if (n != 0 && (n != 8 || span_int(s, n, 0, &v) != NUM_OK))
			return "not a date YYYYMMDD";
		v32 = (int32_t)v;
		memcpy(dst, &v32, sizeof(v32));
		return NULL;
	case F_INT:
	case F_SINT:
	case F_INT_OPT:
		switch (span_int(s, n, d->kind == F_SINT, &v)) {
		case NUM_OK: break;
		case NUM_EMPTY:
			if (d->kind != F_INT_OPT)
				return "empty";
			break;
		case NUM_BAD: return "not a number";
		case NUM_RANGE: return "out of range";
		}
		memcpy(dst, &v, sizeof(v));
		return NULL;
	case F_SIDE:
		if (n == 0)
			iv = 0;
		else if (n == 1 && s[0] >= '1' && s[0] <= '5')
			iv = s[0] - '0';
		else
			return "not a code 1..5";
		memcpy(dst, &iv, sizeof(iv));
		return NULL;
	case F_YN:
		if (n == 0 || (n == 1 && s[0] == 'N'))
			iv = 0;
		else if (n == 1 && s[0] == 'Y')
			iv = 1;
		else
			return "not Y or N";
		memcpy(dst, &iv, sizeof(iv));
		return NULL;
	case F_CODE2:
		if (n > 2)
			return "longer than 2 characters";
		for (size_t i = 0; i < n; i++)
			if (!is_alnum(s[i]))
				return "not a letter or digit";
		memcpy(dst, s, n);
		dst[n] = '\0';
		return NULL;
	case F_CHAR:
		if (n > 1 || (n == 1 && !is_alnum(s[0])))
			return "not one letter or digit";
		*dst = n ? s[0] : '\0';
		return NULL;
	}
	return "unknown field kind";
}

static int read_records(const struct kis_data_frame *f, const char *tr_id, int min_fields, const struct fdesc *tab,
                        size_t ntab, void *out, size_t recsize, int max, int *n, char *err, size_t errlen)
{
	if (n)
		*n = 0;
	if (!f || !out || !n || !f->payload)
		return fail(err, errlen, "%s: no frame or no output", tr_id);
	if (!memchr(f->tr_id, '\0', sizeof(f->tr_id)) || strcmp(f->tr_id, tr_id) != 0)
		return fail(err, errlen, "%s reader given a %.15s frame", tr_id,
		            memchr(f->tr_id, '\0', sizeof(f->tr_id)) ? f->tr_id : "?");
	if (f->encrypted)
		return fail(err, errlen, "%s: the frame is encrypted", tr_id);
	if (f->count < 1 || f->count > KIS_FRAME_MAX_RECORDS)
		return fail(err, errlen, "%s: record count %d is not 1..%d", tr_id, f->count, KIS_FRAME_MAX_RECORDS);
	if (f->count > max) {
		fail(err, errlen, "%s: %d records, room for %d", tr_id, f->count, max);
		return KE_ELIMIT;
	}
	int per;
	char why[96];
	if (kis_frame_fields_per_record(f->payload, f->payload_len, f->count, min_fields, &per, why, sizeof(why)) !=
	    KE_OK)
		return fail(err, errlen, "%s: %s", tr_id, why);

	struct cursor c = {f->payload, f->payload + f->payload_len, 0};
	for (int r = 0; r < f->count; r++) {
		char *rec = (char *)out + (size_t)r * recsize;
		memset(rec, 0, recsize);
		c.idx = 0;
		for (size_t i = 0; i < ntab; i++) {
			const char *s;
			size_t len;
			cursor_get(&c, tab[i].idx, &s, &len);
			const char *bad = read_field(&tab[i], s, len, rec);
			if (bad) {
				memset(out, 0, (size_t)(r + 1) * recsize);
				return fail(err, errlen, "%s record %d field %d (%s): %s", tr_id, r + 1, tab[i].idx,
				            tab[i].name, bad);
			}
		}
		/* Step over the unread tail to the next record's first field. */
		if (r + 1 < f->count)
			cursor_seek(&c, per);
	}
	*n = f->count;
	return KE_OK;
}

int kis_frame_trades(const struct kis_data_frame *f, struct kis_trade *out, int max, int *n, char *err, size_t errlen)
{
	return read_records(f, "H0STCNT0", KIS_FRAME_TRADE_FIELDS, trade_fields, KE_ARRAY_LEN(trade_fields), out,
	                    sizeof(*out), max, n, err, errlen);
}

int kis_frame_books(const struct kis_data_frame *f, struct kis_book *out, int max, int *n, char *err, size_t errlen)
{
	return read_records(f, "H0STASP0", KIS_FRAME_BOOK_FIELDS, book_fields, KE_ARRAY_LEN(book_fields), out,
	                    sizeof(*out), max, n, err, errlen);
}

/* ---- control messages ---- */

/* An identifier-like string member (tr_id, rt_cd ...): absent gives "",
 * present it must be a string that fits and has no control character. */
static int copy_id(const cJSON *obj, const char *name, const char *where, char *dst, size_t cap, int required,
                   char *err, size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	dst[0] = '\0';
	if (!it) {
		if (required)
			return fail(err, errlen, "no %s.%s", where, name);
		return KE_OK;
	}
	if (!cJSON_IsString(it) || !it->valuestring)
		return fail(err, errlen, "%s.%s is not a string", where, name);
	size_t n = strlen(it->valuestring);
	if (n >= cap)
		return fail(err, errlen, "%s.%s longer than %zu characters", where, name, cap - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)it->valuestring[i] < 0x20 || it->valuestring[i] == 0x7f)
			return fail(err, errlen, "%s.%s has a control character", where, name);
	memcpy(dst, it->valuestring, n + 1);
	return KE_OK;
}

/* A message for people: cut to fit, but never inside a UTF-8 sequence. */
static void copy_text(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int classify(const cJSON *root, struct kis_ctl *out, char *err, size_t errlen)
{
	if (!cJSON_IsObject(root))
		return fail(err, errlen, "control message is not a JSON object");
	const cJSON *hdr = cJSON_GetObjectItemCaseSensitive(root, "header");
	if (!cJSON_IsObject(hdr))
		return fail(err, errlen, "no header object");
	if (copy_id(hdr, "tr_id", "header", out->tr_id, sizeof(out->tr_id), 1, err, errlen) != KE_OK)
		return KE_EINVAL;
	if (out->tr_id[0] == '\0')
		return fail(err, errlen, "empty header.tr_id");
	if (copy_id(hdr, "tr_key", "header", out->tr_key, sizeof(out->tr_key), 0, err, errlen) != KE_OK)
		return KE_EINVAL;
	const cJSON *enc = cJSON_GetObjectItemCaseSensitive(hdr, "encrypt");
	out->encrypt = cJSON_IsString(enc) && enc->valuestring && strcmp(enc->valuestring, "Y") == 0;

	/* A keepalive has no body; whatever else it carries is echoed as is. */
	if (strcmp(out->tr_id, "PINGPONG") == 0) {
		out->kind = KIS_CTL_PINGPONG;
		return KE_OK;
	}

	const cJSON *body = cJSON_GetObjectItemCaseSensitive(root, "body");
	if (!body)
		return fail(err, errlen, "no body");
	if (!cJSON_IsObject(body))
		return fail(err, errlen, "body is not an object");
	if (copy_id(body, "rt_cd", "body", out->rt_cd, sizeof(out->rt_cd), 1, err, errlen) != KE_OK ||
	    copy_id(body, "msg_cd", "body", out->msg_cd, sizeof(out->msg_cd), 0, err, errlen) != KE_OK)
		return KE_EINVAL;
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(body, "msg1");
	if (msg && !(cJSON_IsString(msg) && msg->valuestring))
		return fail(err, errlen, "body.msg1 is not a string");
	if (msg)
		copy_text(out->msg, sizeof(out->msg), msg->valuestring);

	/* Only an object output can carry the AES key; KIS sends none with
	 * most refusals, and the length is what makes a key usable. */
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(body, "output");
	if (cJSON_IsObject(o)) {
		if (copy_id(o, "iv", "output", out->iv, sizeof(out->iv), 0, err, errlen) != KE_OK ||
		    copy_id(o, "key", "output", out->key, sizeof(out->key), 0, err, errlen) != KE_OK)
			return KE_EINVAL;
		if (cJSON_GetObjectItemCaseSensitive(o, "iv") && strlen(out->iv) != 16)
			return fail(err, errlen, "output.iv is %zu characters, not 16", strlen(out->iv));
		if (cJSON_GetObjectItemCaseSensitive(o, "key") && strlen(out->key) != 32)
			return fail(err, errlen, "output.key is %zu characters, not 32", strlen(out->key));
	}

	if (strcmp(out->rt_cd, "0") != 0)
		out->kind = KIS_CTL_ERROR;
	else if (strncmp(out->msg, "UNSUB", 5) == 0)
		out->kind = KIS_CTL_UNSUBSCRIBED;
	else
		out->kind = KIS_CTL_SUBSCRIBED;
	/* An encrypted TR's notices cannot be read without its key. */
	if (out->kind == KIS_CTL_SUBSCRIBED && out->encrypt && (!out->iv[0] || !out->key[0]))
		return fail(err, errlen, "%s subscribed encrypted without output.iv and output.key", out->tr_id);
	return KE_OK;
}

int kis_frame_control(const char *buf, size_t len, struct kis_ctl *out, char *err, size_t errlen)
{
	if (!out)
		return fail(err, errlen, "no output");
	memset(out, 0, sizeof(*out));
	if (!buf || len == 0)
		return fail(err, errlen, "empty control message");
	cJSON *root = cJSON_ParseWithLength(buf, len);
	if (!root)
		return fail(err, errlen, "malformed JSON");
	int rc = classify(root, out, err, errlen);
	cJSON_Delete(root);
	if (rc != KE_OK) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	return KE_OK;
}

/* ---- subscribe ---- */

/* Safe to place between JSON quotes as is: no quote, backslash or control
 * character (UTF-8 bytes above 0x7f need no escaping). */
static int json_safe(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return 0;
	}
	return 1;
}

int kis_frame_subscribe(const char *approval_key, char custtype, int subscribe, const char *tr_id, const char *tr_key,
                        char *buf, size_t cap, size_t *len)
{
	if (!buf || !len || (custtype != 'P' && custtype != 'B') || !json_safe(approval_key) || !json_safe(tr_id) ||
	    !json_safe(tr_key))
		return KE_EINVAL;
	int n = snprintf(buf, cap,
	                 "{\"header\":{\"approval_key\":\"%s\",\"custtype\":\"%c\",\"tr_type\":\"%c\","
	                 "\"content-type\":\"utf-8\"},\"body\":{\"input\":{\"tr_id\":\"%s\",\"tr_key\":\"%s\"}}}",
	                 approval_key, custtype, subscribe ? '1' : '2', tr_id, tr_key);
	if (n < 0)
		return KE_EINVAL;
	if ((size_t)n >= cap) {
		if (cap > 0)
			buf[0] = '\0';
		return KE_ELIMIT;
	}
	*len = (size_t)n;
	return KE_OK;
}
