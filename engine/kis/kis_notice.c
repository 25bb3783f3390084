/*
 * kis_notice.c - execution notices (H0STCNI0/H0STCNI9, protocol reference
 * §5.7): Base64 + AES-256-CBC decrypted into the caller's buffer, then read
 * by field index into typed records.
 *
 * Decryption streams: the Base64 text is decoded a bounded chunk at a time
 * into a small stack buffer and fed to EVP, and EVP's output is copied into
 * the caller's buffer as it comes. So nothing is allocated per notice
 * (apart from the EVP context), there is no size cap other than the
 * caller's capacity, and EVP never writes into the caller's buffer (whose
 * required slack, inl + block size per update, the caller did not promise).
 *
 * A wrong key shows as bad padding 255 times in 256; for the rest the plain
 * text must also be UTF-8 without control characters, and the parser then
 * checks every field it keeps, so garbage is refused rather than misread.
 * A wrong iv cannot be caught at all: CBC garbles only the first block
 * with it (the first 16 bytes XORed with old iv ^ new iv), so one wrong
 * character of the iv changes one character of the HTS ID or account and
 * decrypts "fine". Use the iv of the same ack as the key.
 */
#include "kis_notice.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kis_frame.h"

#if defined(__GNUC__)
#define KN_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KN_PRINTF(a, b)
#endif

static int fail(char *err, size_t errlen, const char *fmt, ...) KN_PRINTF(3, 4);

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

int kis_notice_key_set(struct kis_notice_key *k, const char *key, const char *iv)
{
	if (!k || !key || !iv || strlen(key) != sizeof(k->key) || strlen(iv) != sizeof(k->iv))
		return KE_EINVAL;
	memcpy(k->key, key, sizeof(k->key));
	memcpy(k->iv, iv, sizeof(k->iv));
	return KE_OK;
}

/* ---- decryption ---- */

static int is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* UTF-8 (no overlongs, surrogates or code points past U+10FFFF) without
 * control characters: what a decrypted notice is, and what random bytes
 * from a wrong key practically never are. */
static int is_text(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		size_t len;
		unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return 0;
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t j = 2; j < len; j++)
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* Base64 characters per decode step: 768 bytes, 48 AES blocks. */
#define B64_CHUNK 1024
#define DEC_CHUNK (B64_CHUNK / 4 * 3)

struct sink {
	char *out;
	size_t cap;
	size_t total; /* plain bytes produced, stored or not */
};

/* Keeps what fits (leaving room for the NUL); the total still counts, so
 * an over-long plain text is told apart from a bad key by the padding. */
static void sink_put(struct sink *s, const unsigned char *p, int n)
{
	if (n <= 0)
		return;
	if (s->total < s->cap) {
		size_t room = s->cap - 1 - s->total;
		memcpy(s->out + s->total, p, (size_t)n < room ? (size_t)n : room);
	}
	s->total += (size_t)n;
}

static int decrypt(EVP_CIPHER_CTX *ctx, const struct kis_notice_key *k, const char *b64, size_t len, size_t pads,
                   struct sink *s, char *err, size_t errlen)
{
	unsigned char dec[DEC_CHUNK];
	unsigned char plain[DEC_CHUNK + 32];
	int rc = KE_OK;

	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, k->key, k->iv) != 1)
		return fail(err, errlen, "AES-256-CBC setup failed");
	for (size_t off = 0; off < len && rc == KE_OK; off += B64_CHUNK) {
		size_t m = len - off < B64_CHUNK ? len - off : B64_CHUNK;
		int got = EVP_DecodeBlock(dec, (const unsigned char *)b64 + off, (int)m);
		/* DecodeBlock counts the '=' padding as zero bytes. */
		if (got < 0 || (size_t)got != m / 4 * 3)
			rc = fail(err, errlen, "not Base64");
		else {
			if (off + m == len)
				got -= (int)pads;
			int olen = 0;
			if (EVP_DecryptUpdate(ctx, plain, &olen, dec, got) != 1)
				rc = fail(err, errlen, "AES-256-CBC decryption failed");
			else
				sink_put(s, plain, olen);
		}
	}
	if (rc == KE_OK) {
		int olen = 0;
		if (EVP_DecryptFinal_ex(ctx, plain, &olen) != 1)
			rc = fail(err, errlen, "bad padding (wrong key or iv?)");
		else
			sink_put(s, plain, olen);
	}
	OPENSSL_cleanse(dec, sizeof(dec));
	OPENSSL_cleanse(plain, sizeof(plain));
	return rc;
}

int kis_notice_decrypt(const struct kis_notice_key *k, const char *b64, size_t len, char *out, size_t cap,
                       size_t *out_len, char *err, size_t errlen)
{
	if (out_len)
		*out_len = 0;
	if (out && cap > 0)
		out[0] = '\0';
	if (!k || !b64 || !out || !out_len)
		return fail(err, errlen, "no key, input or output");
	if (len == 0 || len % 4 != 0)
		return fail(err, errlen, "Base64 length %zu is not a positive multiple of 4", len);
	if (len > (size_t)INT32_MAX)
		return fail(err, errlen, "Base64 text too long");
	/* Checked up front because EVP_DecodeBlock skips white space and takes
	 * '=' anywhere; only the last two characters may be padding. */
	size_t pads = b64[len - 1] == '=' ? (b64[len - 2] == '=' ? 2 : 1) : 0;
	for (size_t i = 0; i < len - pads; i++)
		if (!is_b64((unsigned char)b64[i]))
			return fail(err, errlen, "not Base64 (character %zu)", i);
	size_t declen = len / 4 * 3 - pads;
	if (declen % 16 != 0)
		return fail(err, errlen, "%zu bytes are not a whole number of AES blocks", declen);

	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	if (!ctx) {
		fail(err, errlen, "out of memory for the cipher context");
		return KE_ENOMEM;
	}
	struct sink s = {out, cap, 0};
	int rc = decrypt(ctx, k, b64, len, pads, &s, err, errlen);
	EVP_CIPHER_CTX_free(ctx);
	if (rc == KE_OK && s.total >= cap) {
		fail(err, errlen, "plain text of %zu bytes does not fit in %zu", s.total, cap);
		rc = KE_ELIMIT;
	}
	if (rc == KE_OK && !is_text((const unsigned char *)out, s.total))
		rc = fail(err, errlen, "decrypted bytes are not text (wrong key or iv?)");
	if (rc != KE_OK) {
		if (cap > 0)
			OPENSSL_cleanse(out, s.total < cap ? s.total : cap);
		if (cap > 0)
			out[0] = '\0';
		return rc;
	}
	out[s.total] = '\0';
	*out_len = s.total;
	return KE_OK;
}

/* ---- records ---- */

struct cursor {
	const char *p;
	const char *end;
	int idx;
};

static void cursor_seek(struct cursor *c, int k)
{
	while (c->idx < k) {
		while (c->p < c->end && *c->p != '^')
			c->p++;
		if (c->p < c->end)
			c->p++;
		c->idx++;
	}
}

/* Field k (>= the cursor's index) of the current record. */
static void cursor_get(struct cursor *c, int k, const char **s, size_t *n)
{
	cursor_seek(c, k);
	const char *e = c->p;
	while (e < c->end && *e != '^')
		e++;
	*s = c->p;
	*n = (size_t)(e - c->p);
	c->p = e < c->end ? e + 1 : e;
	c->idx = k + 1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Letters and digits, min..cap-1 of them, copied NUL-terminated. */
static const char *take_code(const char *s, size_t n, size_t min, char *dst, size_t cap)
{
	if (n < min)
		return min == 1 ? "empty" : "too short";
	if (n >= cap)
		return "too long";
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]))
			return "not letters and digits";
	memcpy(dst, s, n);
	dst[n] = '\0';
	return NULL;
}

/* A count or price: digits only (notices carry no signs), empty allowed
 * only when empty_ok (then 0). */
static const char *take_int(const char *s, size_t n, int empty_ok, int64_t *out)
{
	*out = 0;
	if (n == 0)
		return empty_ok ? NULL : "empty";
	if (n > 18)
		return "out of range"; /* 18 digits never overflow int64 */
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return "not a number";
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return NULL;
}

/* A one-character flag among allowed ("012"); empty only when empty_ok
 * (then 0). *out is the digit's value. */
static const char *take_flag(const char *s, size_t n, const char *allowed, int empty_ok, int *out)
{
	*out = 0;
	if (n == 0)
		return empty_ok ? NULL : "empty";
	if (n != 1 || s[0] == '\0' || !strchr(allowed, s[0]))
		return "not a known code";
	*out = s[0] - '0';
	return NULL;
}

static int read_record(struct cursor *c, int per, int rec, struct kis_notice *nt, char *err, size_t errlen)
{
	const char *s, *why = NULL;
	size_t n;
	int k = 0, v;
	const char *name = "";
	int64_t t;

#define FIELD(idx, nm) (cursor_get(c, (k = (idx)), &s, &n), name = (nm))
#define CHECK(expr)                                                                                                    \
	do {                                                                                                           \
		if ((why = (expr)) != NULL)                                                                            \
			goto bad;                                                                                      \
	} while (0)

	memset(nt, 0, sizeof(*nt));
	FIELD(0, "CUST_ID");
	if (n == 0)
		CHECK("empty");
	if (n >= sizeof(nt->hts_id))
		CHECK("too long");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			CHECK("has a control character");
	memcpy(nt->hts_id, s, n);

	FIELD(1, "ACNT_NO");
	if (n != 10)
		CHECK("not 10 digits");
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			CHECK("not 10 digits");
	memcpy(nt->account, s, n);

	FIELD(2, "ODER_NO");
	CHECK(take_code(s, n, 1, nt->odno, sizeof(nt->odno)));
	FIELD(3, "OODER_NO");
	CHECK(take_code(s, n, 0, nt->orig_odno, sizeof(nt->orig_odno)));

	FIELD(4, "SELN_BYOV_CLS");
	if (n == 2 && s[0] == '0' && s[1] == '1')
		nt->side = SIDE_SELL;
	else if (n == 2 && s[0] == '0' && s[1] == '2')
		nt->side = SIDE_BUY;
	else
		CHECK("not 01 (sell) or 02 (buy)");

	FIELD(5, "RCTF_CLS");
	CHECK(take_flag(s, n, "012", 0, &v));
	nt->change = (enum kis_notice_change)v;
	FIELD(6, "ODER_KIND");
	CHECK(take_code(s, n, 0, nt->ord_kind, sizeof(nt->ord_kind)));
	FIELD(8, "STCK_SHRN_ISCD");
	CHECK(take_code(s, n, 1, nt->symbol, sizeof(nt->symbol)));
	FIELD(9, "CNTG_QTY");
	CHECK(take_int(s, n, 0, &nt->qty));
	FIELD(10, "CNTG_UNPR");
	CHECK(take_int(s, n, 0, &nt->price));

	FIELD(11, "STCK_CNTG_HOUR");
	if (n != 6 || take_int(s, n, 0, &t) != NULL || t / 10000 > 23 || t / 100 % 100 > 59 || t % 100 > 59)
		CHECK("not a time HHMMSS");
	nt->hhmmss = (int32_t)t;

	FIELD(12, "RFUS_YN");
	CHECK(take_flag(s, n, "01", 0, &nt->rejected));
	FIELD(13, "CNTG_YN");
	CHECK(take_flag(s, n, "12", 0, &v));
	nt->is_fill = v == 2;
	FIELD(14, "ACPT_YN");
	CHECK(take_flag(s, n, "123", 1, &nt->accept));
	FIELD(15, "BRNC_NO");
	CHECK(take_code(s, n, 0, nt->branch, sizeof(nt->branch)));
	FIELD(16, "ODER_QTY");
	CHECK(take_int(s, n, 1, &nt->order_qty));
	/* ODER_PRC is the last field of both layouts: 22 of 23, 25 of 26.
	 * Widths in between are the old layout with extras appended. */
	FIELD(per >= 26 ? 25 : 22, "ODER_PRC");
	CHECK(take_int(s, n, 1, &nt->order_price));
	nt->fields = per;
	return KE_OK;
bad:
	memset(nt, 0, sizeof(*nt));
	return fail(err, errlen, "H0STCNI0 record %d field %d (%s): %s", rec + 1, k, name, why);
#undef CHECK
#undef FIELD
}

int kis_notice_parse(const char *text, size_t len, int count, struct kis_notice *out, int max, int *n, char *err,
                     size_t errlen)
{
	if (n)
		*n = 0;
	if (!text || !out || !n)
		return fail(err, errlen, "H0STCNI0: no text or no output");
	if (count < 1 || count > KIS_FRAME_MAX_RECORDS)
		return fail(err, errlen, "H0STCNI0: record count %d is not 1..%d", count, KIS_FRAME_MAX_RECORDS);
	if (count > max) {
		fail(err, errlen, "H0STCNI0: %d records, room for %d", count, max);
		return KE_ELIMIT;
	}
	int per;
	char why[96];
	if (kis_frame_fields_per_record(text, len, count, KIS_FRAME_NOTICE_FIELDS, &per, why, sizeof(why)) != KE_OK)
		return fail(err, errlen, "H0STCNI0: %s", why);

	struct cursor c = {text, text + len, 0};
	for (int r = 0; r < count; r++) {
		c.idx = 0;
		if (read_record(&c, per, r, &out[r], err, errlen) != KE_OK) {
			memset(out, 0, (size_t)r * sizeof(*out));
			return KE_EINVAL;
		}
		if (r + 1 < count)
			cursor_seek(&c, per);
	}
	*n = count;
	return KE_OK;
}
