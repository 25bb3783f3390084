/*
 * ws_frames.c - kis-sim's WebSocket data: H0STCNT0 and H0STASP0 records
 * built from the replayed prints, encrypted H0STCNI0/H0STCNI9 notices, and
 * the per-(session, TR) queues that simws_flush turns into frames.
 *
 * A print's records are built once and copied into every subscribed
 * session's queue: one frame per (session, TR) carries all the records
 * that arrived since the last flush, joined by '^' (kis-protocol §5.4).
 * Numbers are written by hand rather than with snprintf: this is the path
 * that must reach 200k frames/s.
 *
 * What is modelled, field by field, is in docs/kis-sim.md ("WebSocket").
 * The order book is invented: ten levels one KRX tick apart from the print's
 * ask and bid, quantities a hash of the seed, the symbol and the print's
 * sequence number, so a replay under one seed always shows the same book.
 */
#include "ws_internal.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"

#define RECORD_MAX 2048 /* 62 fields of at most 20 characters and a separator */

/* ---- buffers ---- */

static int buf_reserve(struct ws_buf *b, size_t extra)
{
	if (b->cap - b->len >= extra)
		return KE_OK;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap - b->len < extra) {
		if (cap > SIZE_MAX / 2)
			return KE_ENOMEM;
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p)
		return KE_ENOMEM;
	b->p = p;
	b->cap = cap;
	return KE_OK;
}

/* Writers into a buffer already reserved: each returns the new end. */

static char *put_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return put_u64(p, (uint64_t)0 - (uint64_t)v);
	}
	return put_u64(p, (uint64_t)v);
}

/* A value in hundredths as "1.71", "-0.05". */
static char *put_fix2(char *p, int64_t h)
{
	uint64_t u = h < 0 ? (uint64_t)0 - (uint64_t)h : (uint64_t)h;
	if (h < 0)
		*p++ = '-';
	p = put_u64(p, u / 100);
	*p++ = '.';
	*p++ = (char)('0' + u / 10 % 10);
	*p++ = (char)('0' + u % 10);
	return p;
}

static char *put_str(char *p, const char *s, size_t max)
{
	/* '^' and '|' would split a field; control bytes have no place either. */
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		*p++ = c == '^' || c == '|' || c < 0x20 ? ' ' : (char)c;
	}
	return p;
}

static char *put_hhmmss(char *p, int64_t ms_of_day)
{
	int64_t s = ms_of_day / 1000;
	const int v[3] = {(int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60)};
	for (int i = 0; i < 3; i++) {
		*p++ = (char)('0' + v[i] / 10 % 10);
		*p++ = (char)('0' + v[i] % 10);
	}
	return p;
}

static char *sep(char *p)
{
	*p++ = '^';
	return p;
}

/* num / den rounded half away from zero, 0 without a denominator. */
static int64_t div_round(int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	return num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den);
}

/* ---- per-symbol accumulators ---- */

static struct ws_symacc *acc_get(struct simws *w, int32_t sym)
{
	if (sym < 0)
		return NULL;
	if (sym >= w->nacc) {
		int32_t n = w->nacc ? w->nacc : 64;
		while (n <= sym) {
			if (n > INT32_MAX / 2)
				return NULL;
			n *= 2;
		}
		struct ws_symacc *a = realloc(w->acc, (size_t)n * sizeof(*a));
		if (!a)
			return NULL;
		memset(a + w->nacc, 0, (size_t)(n - w->nacc) * sizeof(*a));
		w->acc = a;
		w->nacc = n;
	}
	return &w->acc[sym];
}

/* Books a print into its symbol's day and gives CCLD_DVSN: 1 buy-initiated
 * (at or above the ask, or an uptick), 5 sell-initiated (at or below the
 * bid, or a downtick), the previous print's side when unchanged, 3 before
 * 09:00 (장전, not counted). */
static int acc_update(struct ws_symacc *a, const struct tick *t)
{
	int32_t day = ktime_kst_day(t->time);
	int64_t tod = ktime_kst_ms_of_day(t->time);
	if (!a->used || day != a->day) {
		int64_t prev = a->used && day > a->day ? a->vol : a->prev_vol;
		int64_t last = a->last_price;
		memset(a, 0, sizeof(*a));
		a->used = 1;
		a->day = day;
		a->prev_vol = prev;
		a->last_price = last;
		a->open_ms = -1;
	}
	int dir;
	if (tod < KRX_OPEN_MS)
		dir = 3;
	else if (t->ask > 0 && t->price >= t->ask)
		dir = 1;
	else if (t->bid > 0 && t->price <= t->bid)
		dir = 5;
	else if (a->last_price > 0 && t->price != a->last_price)
		dir = t->price > a->last_price ? 1 : 5;
	else
		dir = a->last_dir ? a->last_dir : 1;
	if (dir == 1) {
		a->shnu_n++;
		a->shnu_q += t->volume;
	} else if (dir == 5) {
		a->seln_n++;
		a->seln_q += t->volume;
	}
	if (dir != 3)
		a->last_dir = dir;
	a->last_price = t->price;
	a->vol += t->volume;
	if (a->open_ms < 0)
		a->open_ms = tod;
	if (a->high == 0 || t->price > a->high) {
		a->high = t->price;
		a->high_ms = tod;
	}
	if (a->low == 0 || t->price < a->low) {
		a->low = t->price;
		a->low_ms = tod;
	}
	a->seq++;
	return dir;
}

/* ---- the invented order book ---- */

struct invented_book {
	int64_t ask[10], bid[10], askq[10], bidq[10];
	int64_t ask_total, bid_total;
};

static uint64_t hash4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t z = a ^ (b * 0x9E3779B97F4A7C15ULL) ^ (c * 0xC2B2AE3D27D4EB4FULL) ^ (d * 0x165667B19E3779F9ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Levels outside the day's band stay 0, as KRX shows no quotes beyond the
 * limits (lower/upper 0: no band known). */
static void make_book(const struct simws *w, const struct ws_symacc *a, const struct tick *t, int64_t lower,
                      int64_t upper, struct invented_book *b)
{
	memset(b, 0, sizeof(*b));
	int64_t ask = t->ask > 0 ? t->ask : krx_add_ticks(t->price, 1);
	int64_t bid = t->bid > 0 ? t->bid : krx_add_ticks(t->price, -1);
	if (bid >= ask)
		bid = ask > 1 ? krx_add_ticks(ask, -1) : 0;
	int64_t p = ask;
	for (int i = 0; i < 10; i++, p = krx_add_ticks(p, 1)) {
		if (upper > 0 && p > upper)
			break;
		b->ask[i] = p;
		b->askq[i] = 1 + (int64_t)(hash4(w->cfg.seed, (uint64_t)t->sym, a->seq, (uint64_t)i) % 50000);
		b->ask_total += b->askq[i];
	}
	int64_t prev = INT64_MAX;
	p = bid;
	for (int i = 0; i < 10 && p > 0 && p < prev; i++) {
		if (lower > 0 && p < lower)
			break;
		b->bid[i] = p;
		b->bidq[i] = 1 + (int64_t)(hash4(w->cfg.seed, (uint64_t)t->sym, a->seq, 16u + (uint64_t)i) % 50000);
		b->bid_total += b->bidq[i];
		prev = p;
		p = krx_add_ticks(p, -1);
	}
}

/* ---- records ---- */

static const char *sign_of(int64_t v)
{
	return v > 0 ? "2" : v < 0 ? "5" : "3";
}

/* H0STCNT0, 46 fields (kis-protocol §5.5). */
static void build_cnt(struct ws_buf *out, const char *code, const struct tick *t, const struct simvenue_quote *q,
                      const struct ws_symacc *a, int dir, const struct invented_book *b)
{
	out->len = 0;
	char *p = out->p;
	int32_t day = ktime_kst_day(t->time);
	int64_t tod = ktime_kst_ms_of_day(t->time);
	int64_t base = q->stck_sdpr, px = t->price;
	int64_t chg = base > 0 ? px - base : 0;
	const char *sign = sign_of(chg);
	if (q->stck_mxpr > 0 && px >= q->stck_mxpr)
		sign = "1";
	else if (q->stck_llam > 0 && px <= q->stck_llam)
		sign = "4";
	p = sep(put_str(p, code, KE_SYMBOL_MAX));                            /* 0 */
	p = sep(put_hhmmss(p, tod));                                         /* 1 */
	p = sep(put_i64(p, px));                                             /* 2 */
	p = sep(put_str(p, sign, 1));                                        /* 3 */
	p = sep(put_i64(p, chg));                                            /* 4 */
	p = sep(put_fix2(p, div_round(chg * 10000, base)));                  /* 5 */
	p = sep(put_fix2(p, div_round(q->acml_tr_pbmn * 100, q->acml_vol))); /* 6 */
	p = sep(put_i64(p, q->stck_oprc));                                   /* 7 */
	p = sep(put_i64(p, q->stck_hgpr));                                   /* 8 */
	p = sep(put_i64(p, q->stck_lwpr));                                   /* 9 */
	p = sep(put_i64(p, b->ask[0]));                                      /* 10 */
	p = sep(put_i64(p, b->bid[0]));                                      /* 11 */
	p = sep(put_i64(p, t->volume));                                      /* 12 */
	p = sep(put_i64(p, q->acml_vol));                                    /* 13 */
	p = sep(put_i64(p, q->acml_tr_pbmn));                                /* 14 */
	p = sep(put_i64(p, a->seln_n));                                      /* 15 */
	p = sep(put_i64(p, a->shnu_n));                                      /* 16 */
	p = sep(put_i64(p, a->shnu_n - a->seln_n));                          /* 17 */
	p = sep(put_fix2(p, div_round(a->shnu_q * 10000, a->seln_q)));       /* 18 */
	p = sep(put_i64(p, a->seln_q));                                      /* 19 */
	p = sep(put_i64(p, a->shnu_q));                                      /* 20 */
	*p++ = (char)('0' + dir);                                            /* 21 */
	p = sep(p);
	p = sep(put_fix2(p, div_round(a->shnu_q * 10000, a->shnu_q + a->seln_q)));           /* 22 */
	p = sep(put_fix2(p, div_round(a->vol * 10000, a->prev_vol)));                        /* 23 */
	p = sep(put_hhmmss(p, a->open_ms));                                                  /* 24 */
	p = sep(put_str(p, sign_of(px - q->stck_oprc), 1));                                  /* 25 */
	p = sep(put_i64(p, px - q->stck_oprc));                                              /* 26 */
	p = sep(put_hhmmss(p, a->high_ms));                                                  /* 27 */
	p = sep(put_str(p, sign_of(px - q->stck_hgpr), 1));                                  /* 28 */
	p = sep(put_i64(p, px - q->stck_hgpr));                                              /* 29 */
	p = sep(put_hhmmss(p, a->low_ms));                                                   /* 30 */
	p = sep(put_str(p, sign_of(px - q->stck_lwpr), 1));                                  /* 31 */
	p = sep(put_i64(p, px - q->stck_lwpr));                                              /* 32 */
	p = sep(put_i64(p, ktime_yyyymmdd(day)));                                            /* 33 */
	p = sep(put_str(p, tod < KRX_OPEN_MS ? "10" : tod > KRX_CLOSE_MS ? "30" : "20", 2)); /* 34 */
	p = sep(put_str(p, "N", 1));                                                         /* 35 TRHT_YN */
	p = sep(put_i64(p, b->askq[0]));                                                     /* 36 */
	p = sep(put_i64(p, b->bidq[0]));                                                     /* 37 */
	p = sep(put_i64(p, b->ask_total));                                                   /* 38 */
	p = sep(put_i64(p, b->bid_total));                                                   /* 39 */
	p = sep(put_str(p, "0.00", 4));                                                      /* 40 VOL_TNRT */
	p = sep(put_str(p, "0", 1));                                                         /* 41 */
	p = sep(put_str(p, "0.00", 4));                                                      /* 42 */
	p = sep(put_str(p, "0", 1));                                                         /* 43 HOUR_CLS_CODE */
	p = sep(p);                                                                          /* 44 MRKT_TRTM_CLS_CODE */
	p = put_i64(p, q->stck_oprc);                                                        /* 45 VI_STND_PRC */
	out->len = (size_t)(p - out->p);
}

/* H0STASP0, 59 fields, or 62 with the KRX mid-price fields (§5.6). */
static void build_asp(struct ws_buf *out, int fields, const char *code, const struct tick *t,
                      const struct simvenue_quote *q, const struct ws_symacc *a, const struct invented_book *b)
{
	char *p = out->p;
	p = sep(put_str(p, code, KE_SYMBOL_MAX));
	p = sep(put_hhmmss(p, ktime_kst_ms_of_day(t->time)));
	p = sep(put_str(p, "0", 1));
	const int64_t *cols[4] = {b->ask, b->bid, b->askq, b->bidq};
	for (int c = 0; c < 4; c++)
		for (int i = 0; i < 10; i++)
			p = sep(put_i64(p, cols[c][i]));
	p = sep(put_i64(p, b->ask_total));
	p = sep(put_i64(p, b->bid_total));
	for (int i = 45; i <= 51; i++) /* off-hours totals, the expected (auction) price fields */
		p = sep(put_str(p, "0", 1));
	p = sep(put_str(p, "0.00", 4));
	p = sep(put_i64(p, q->acml_vol));
	p = sep(put_i64(p, a->has_prev ? b->ask_total - a->prev_ask_total : 0));
	p = sep(put_i64(p, a->has_prev ? b->bid_total - a->prev_bid_total : 0));
	p = sep(put_str(p, "0", 1));
	p = sep(put_str(p, "0", 1));
	p = put_str(p, "00", 2); /* 58 STCK_DEAL_CLS_CODE */
	if (fields == 62) {
		int64_t mid = b->ask[0] > 0 && b->bid[0] > 0 ? (b->ask[0] + b->bid[0]) / 2 : 0;
		p = sep(p);
		p = sep(put_i64(p, mid));
		p = sep(put_str(p, "0", 1));
		p = put_str(p, "0", 1);
	}
	out->len = (size_t)(p - out->p);
}

/* ---- queues ---- */

static void flush_data(struct simws *w, struct ws_session *s, enum ws_tr tr)
{
	struct ws_queue *q = &s->q[tr];
	if (q->count == 0)
		return;
	/* The prefix goes into the room kept in front: "0|H0STCNT0|003|". */
	static const char prefix[2][WS_PREFIX_LEN + 1] = {"0|H0STCNT0|000|", "0|H0STASP0|000|"};
	char *p = q->b.p;
	for (int i = 0; i < WS_PREFIX_LEN; i++)
		p[i] = prefix[tr][i];
	p[11] = (char)('0' + q->count / 100 % 10);
	p[12] = (char)('0' + q->count / 10 % 10);
	p[13] = (char)('0' + q->count % 10);
	q->b.p[q->b.len] = '\0';
	size_t len = q->b.len;
	q->count = 0;
	q->b.len = 0;
	w->n.data_frames++;
	simws_emit(w, s, q->b.p, len);
}

static void flush_notices(struct simws *w, struct ws_session *s)
{
	struct ws_queue *q = &s->q[WS_TR_NOTICE];
	size_t at = 0;
	while (q->count > 0 && !s->dead) {
		char *nl = memchr(q->b.p + at, '\n', q->b.len - at);
		if (!nl)
			break;
		*nl = '\0';
		size_t len = (size_t)(nl - (q->b.p + at));
		q->count--;
		simws_emit(w, s, q->b.p + at, len);
		at += len + 1;
	}
	q->count = 0;
	q->b.len = 0;
}

/* Data frames first, then notices: a fill's notice follows the print that caused it. */
static void flush_session(struct simws *w, struct ws_session *s)
{
	if (!simws_session_live(s))
		return;
	flush_data(w, s, WS_TR_CNT);
	if (!simws_session_live(s))
		return;
	flush_data(w, s, WS_TR_ASP);
	if (simws_session_live(s))
		flush_notices(w, s);
}

void simws_drop_queues(struct simws *w, struct ws_session *s)
{
	for (int i = 0; i < WS_TR_COUNT; i++) {
		w->n.lost += (uint64_t)s->q[i].count;
		s->q[i].count = 0;
		s->q[i].b.len = 0;
	}
}

static void enqueue_record(struct simws *w, struct ws_session *s, enum ws_tr tr, const struct ws_buf *rec)
{
	struct ws_queue *q = &s->q[tr];
	size_t need = rec->len + 1 + (q->count == 0 ? WS_PREFIX_LEN : 0) + 1;
	if (buf_reserve(&q->b, need) != KE_OK) {
		w->n.lost++;
		return;
	}
	if (q->count == 0)
		q->b.len = WS_PREFIX_LEN;
	else
		q->b.p[q->b.len++] = '^';
	memcpy(q->b.p + q->b.len, rec->p, rec->len);
	q->b.len += rec->len;
	q->count++;
	s->records++;
	w->n.records++;
	if (q->count >= w->cfg.frame_records)
		flush_data(w, s, tr);
}

/* ---- ticks ---- */

/* Subscriptions made before the venue knew their symbol find it once the
 * venue's symbol table has grown. */
static void resolve_symbols(struct simws *w)
{
	int32_t n = simvenue_symbol_count(w->venue);
	if (n == w->resolved_syms)
		return;
	w->resolved_syms = n;
	for (int i = 0; i < w->nsess; i++) {
		struct ws_session *s = w->sess[i];
		for (int k = 0; k < s->nsubs; k++) {
			struct ws_sub *u = &s->subs[k];
			int32_t id;
			if (u->tr != WS_TR_NOTICE && u->sym < 0 && simvenue_symbol_find(w->venue, u->key, &id) == KE_OK)
				u->sym = id;
		}
	}
}

void simws_on_tick(struct simws *w, const struct tick *t)
{
	if (!w || !t || t->price <= 0)
		return;
	const char *code = simvenue_symbol_code(w->venue, t->sym);
	struct ws_symacc *a = acc_get(w, t->sym);
	if (!code || !a)
		return;
	int dir = acc_update(a, t);
	resolve_symbols(w);
	int want[2] = {0, 0};
	for (int i = 0; i < w->nsess; i++) {
		const struct ws_session *s = w->sess[i];
		for (int k = 0; simws_session_live(s) && k < s->nsubs; k++)
			if (s->subs[k].tr != WS_TR_NOTICE && s->subs[k].sym == t->sym)
				want[s->subs[k].tr] = 1;
	}
	if (!want[0] && !want[1])
		return;
	struct simvenue_quote q;
	if (simvenue_quote(w->venue, t->time, code, &q) != KE_OK || strcmp(q.res.rt_cd, "0") != 0)
		return;
	if (buf_reserve(&w->rec[0], RECORD_MAX) != KE_OK || buf_reserve(&w->rec[1], RECORD_MAX) != KE_OK) {
		w->n.lost++;
		return;
	}
	struct invented_book b;
	make_book(w, a, t, q.stck_llam, q.stck_mxpr, &b);
	w->rec[0].len = w->rec[1].len = 0;
	if (want[WS_TR_CNT])
		build_cnt(&w->rec[0], code, t, &q, a, dir, &b);
	if (want[WS_TR_ASP])
		build_asp(&w->rec[1], w->cfg.asp_fields, code, t, &q, a, &b);
	a->prev_ask_total = b.ask_total;
	a->prev_bid_total = b.bid_total;
	a->has_prev = 1;
	simws_enter(w);
	for (int i = 0; i < w->nsess; i++) {
		struct ws_session *s = w->sess[i];
		for (int k = 0; simws_session_live(s) && k < s->nsubs; k++)
			if (s->subs[k].tr != WS_TR_NOTICE && s->subs[k].sym == t->sym)
				enqueue_record(w, s, s->subs[k].tr, &w->rec[s->subs[k].tr]);
	}
	simws_leave(w);
}

/* ---- notices ---- */

int simws_encrypt_b64(const char *key, const char *iv, const void *plain, size_t len, char *out, size_t cap,
                      size_t *outlen)
{
	if (!key || !iv || (!plain && len) || !out || len > INT32_MAX - 32)
		return KE_EINVAL;
	size_t clen_max = (len / 16 + 1) * 16;
	if (cap < (clen_max + 2) / 3 * 4 + 1)
		return KE_EINVAL;
	unsigned char *ct = malloc(clen_max);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;
	int ok = ct && ctx &&
	         EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, (const unsigned char *)key,
	                            (const unsigned char *)iv) == 1 &&
	         EVP_EncryptUpdate(ctx, ct, &n1, plain, (int)len) == 1 && EVP_EncryptFinal_ex(ctx, ct + n1, &n2) == 1;
	if (ok) {
		/* EVP_EncodeBlock writes one line, no newlines, with padding. */
		int b = EVP_EncodeBlock((unsigned char *)out, ct, n1 + n2);
		ok = b >= 0;
		if (ok && outlen)
			*outlen = (size_t)b;
	}
	EVP_CIPHER_CTX_free(ctx);
	free(ct);
	return ok ? KE_OK : KE_ENOMEM;
}

/* The 26 fields of §5.7, no trailing '^'. */
static size_t format_notice(const struct simvenue_notice *n, char *buf)
{
	char *p = buf;
	p = sep(put_str(p, n->cust_id, sizeof(n->cust_id)));
	p = sep(put_str(p, n->acnt_no, sizeof(n->acnt_no)));
	p = sep(put_str(p, n->oder_no, sizeof(n->oder_no)));
	p = sep(put_str(p, n->ooder_no, sizeof(n->ooder_no)));
	p = sep(put_str(p, n->seln_byov_cls, sizeof(n->seln_byov_cls)));
	p = sep(put_str(p, n->rctf_cls, sizeof(n->rctf_cls)));
	p = sep(put_str(p, n->oder_kind, sizeof(n->oder_kind)));
	p = sep(put_str(p, n->oder_cond, sizeof(n->oder_cond)));
	p = sep(put_str(p, n->stck_shrn_iscd, sizeof(n->stck_shrn_iscd)));
	p = sep(put_i64(p, n->cntg_qty));
	p = sep(put_i64(p, n->cntg_unpr));
	p = sep(put_str(p, n->stck_cntg_hour, sizeof(n->stck_cntg_hour)));
	p = sep(put_str(p, n->rfus_yn, sizeof(n->rfus_yn)));
	p = sep(put_str(p, n->cntg_yn, sizeof(n->cntg_yn)));
	p = sep(put_str(p, n->acpt_yn, sizeof(n->acpt_yn)));
	p = sep(put_str(p, n->brnc_no, sizeof(n->brnc_no)));
	p = sep(put_i64(p, n->oder_qty));
	p = sep(put_str(p, n->acnt_name, sizeof(n->acnt_name)));
	p = sep(put_str(p, "0", 1)); /* 18 ORD_COND_PRC: no stop orders */
	p = sep(put_str(p, n->ord_exg_gb, sizeof(n->ord_exg_gb)));
	p = sep(put_str(p, "Y", 1)); /* 20 POPUP_YN */
	p = sep(p);                  /* 21 FILLER */
	p = sep(p);                  /* 22 CRDT_CLS: no credit */
	p = sep(p);                  /* 23 CRDT_LOAN_DATE */
	p = sep(put_str(p, n->cntg_isnm40, sizeof(n->cntg_isnm40)));
	p = put_i64(p, n->oder_prc);
	*p = '\0';
	return (size_t)(p - buf);
}

/* Strings of struct simvenue_notice total under 300 bytes, numbers 80. */
#define NOTICE_PLAIN_MAX 512
#define NOTICE_B64_MAX   ((NOTICE_PLAIN_MAX + 16 + 2) / 3 * 4 + 1)

static void enqueue_notice(struct simws *w, struct ws_session *s, const char *plain, size_t len)
{
	char b64[NOTICE_B64_MAX];
	size_t blen = 0;
	struct ws_queue *q = &s->q[WS_TR_NOTICE];
	if (simws_encrypt_b64(s->key, s->iv, plain, len, b64, sizeof(b64), &blen) != KE_OK ||
	    buf_reserve(&q->b, WS_PREFIX_LEN + blen + 2) != KE_OK) {
		w->n.lost++;
		return;
	}
	const char *prefix = w->cfg.env == SIMACCT_REAL ? "1|H0STCNI0|001|" : "1|H0STCNI9|001|";
	char *p = q->b.p + q->b.len;
	for (int i = 0; i < WS_PREFIX_LEN; i++)
		p[i] = prefix[i];
	memcpy(p + WS_PREFIX_LEN, b64, blen);
	p[WS_PREFIX_LEN + blen] = '\n'; /* Base64 has none: it separates queued frames */
	q->b.len += WS_PREFIX_LEN + blen + 1;
	q->count++;
	s->notices++;
	w->n.notices++;
	if (q->count >= WS_NOTICE_QUEUE)
		flush_notices(w, s);
}

void simws_on_notice(struct simws *w, const struct simvenue_notice *n)
{
	if (!w || !n || !n->cust_id[0])
		return;
	char plain[NOTICE_PLAIN_MAX];
	size_t len = format_notice(n, plain);
	simws_enter(w);
	for (int i = 0; i < w->nsess; i++) {
		struct ws_session *s = w->sess[i];
		for (int k = 0; simws_session_live(s) && k < s->nsubs; k++)
			if (s->subs[k].tr == WS_TR_NOTICE &&
			    strncmp(s->subs[k].key, n->cust_id, sizeof(n->cust_id)) == 0) {
				enqueue_notice(w, s, plain, len);
				break;
			}
	}
	simws_leave(w);
}

void simws_flush(struct simws *w)
{
	if (!w)
		return;
	simws_enter(w);
	for (int i = 0; i < w->nsess; i++)
		flush_session(w, w->sess[i]);
	simws_leave(w);
}
