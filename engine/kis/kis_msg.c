/*
 * kis_msg.c - KIS request bodies and query strings, and the decimal
 * reader the answer parsers (kis_msg_parse.c) share.
 *
 * Written from kis-protocol.md sections 3 and 4. Every string that goes
 * into a body is validated as digits or [0-9A-Z] first, so the JSON needs
 * no escaping; query values are percent-encoded all the same because the
 * paging context is copied verbatim from KIS and may hold anything.
 */
#include "kis_msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "kis_msg_internal.h"

/* ---- shared helpers ---- */

void kis_msg_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int kis_msg_digits(const char *s, size_t minlen, size_t maxlen)
{
	size_t n = 0;
	if (!s)
		return 0;
	for (; s[n]; n++)
		if (s[n] < '0' || s[n] > '9' || n >= maxlen)
			return 0;
	return n >= minlen;
}

static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int kis_msg_date(const char *s, int32_t *out)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (!kis_msg_digits(s, 8, 8))
		return 0;
	int y = two(s) * 100 + two(s + 2), m = two(s + 4), d = two(s + 6);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	if (out)
		*out = (int32_t)(y * 10000 + m * 100 + d);
	return 1;
}

int kis_msg_time(const char *s, int32_t *out)
{
	if (!kis_msg_digits(s, 6, 6))
		return 0;
	int h = two(s), m = two(s + 2), sec = two(s + 4);
	if (h > 23 || m > 59 || sec > 59)
		return 0;
	if (out)
		*out = (int32_t)(h * 10000 + m * 100 + sec);
	return 1;
}

int kis_msg_symbol_ok(const char *symbol)
{
	if (!symbol)
		return 0;
	/* An ETN code is 'Q' + 6 digits; everything else is exactly 6. */
	if (symbol[0] == 'Q' && kis_msg_digits(symbol + 1, 6, 6))
		return 1;
	size_t n = 0;
	for (; symbol[n]; n++) {
		char c = symbol[n];
		if (n >= 6 || !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return n == 6;
}

/* The magnitude is accumulated unsigned so that INT64_MIN
 * ("-9223372036854775808") fits; every step checks for overflow. */
int kis_msg_decimal_ex(const char *s, int scale, int64_t *out, int *inexact)
{
	if (!s || !out || scale < 0 || scale > 8)
		return KE_EINVAL;
	int neg = 0, dropped = 0, round_digit = 0, seen_round = 0, kept = 0;
	uint64_t mag = 0;
	while (*s == ' ')
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (*s < '0' || *s > '9')
		return KE_EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (mag > (limit - d) / 10)
			return KE_EINVAL;
		mag = mag * 10 + d;
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return KE_EINVAL;
		for (; *s >= '0' && *s <= '9'; s++) {
			unsigned d = (unsigned)(*s - '0');
			if (kept < scale) {
				if (mag > (limit - d) / 10)
					return KE_EINVAL;
				mag = mag * 10 + d;
				kept++;
			} else {
				if (!seen_round) {
					round_digit = (int)d;
					seen_round = 1;
				}
				if (d)
					dropped = 1;
			}
		}
	}
	while (*s == ' ')
		s++;
	if (*s)
		return KE_EINVAL;
	for (; kept < scale; kept++) {
		if (mag > limit / 10)
			return KE_EINVAL;
		mag *= 10;
	}
	/* Half away from zero: the magnitude rounds up on a first dropped
	 * digit of 5 or more, whatever the sign. */
	if (round_digit >= 5) {
		if (mag >= limit)
			return KE_EINVAL;
		mag++;
	}
	if (neg)
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*out = (int64_t)mag;
	if (inexact)
		*inexact = dropped;
	return KE_OK;
}

int kis_msg_decimal(const char *s, int scale, int64_t *out)
{
	return kis_msg_decimal_ex(s, scale, out, NULL);
}

/* ---- bodies ---- */

static int check_account(const struct kis_credentials *cr, char *err, size_t errlen)
{
	if (!cr) {
		kis_msg_err(err, errlen, "credentials: missing");
		return KE_EINVAL;
	}
	/* The message names the field only: these are account numbers. */
	if (!kis_msg_digits(cr->cano, 8, 8)) {
		kis_msg_err(err, errlen, "CANO: not 8 digits");
		return KE_EINVAL;
	}
	if (!kis_msg_digits(cr->prdt, 2, 2)) {
		kis_msg_err(err, errlen, "ACNT_PRDT_CD: not 2 digits");
		return KE_EINVAL;
	}
	return KE_OK;
}

static const char *ord_dvsn(enum order_type t)
{
	switch (t) {
	case ORDER_LIMIT: return "00";
	case ORDER_MARKET: return "01";
	}
	return NULL;
}

static int check_qty(int64_t qty, char *err, size_t errlen)
{
	if (qty < 1 || qty > CORE_MAX_QTY) {
		kis_msg_err(err, errlen, "qty: out of range 1..%lld", (long long)CORE_MAX_QTY);
		return KE_EINVAL;
	}
	return KE_OK;
}

static int check_price(int64_t price, char *err, size_t errlen)
{
	if (price < 1 || price > CORE_MAX_PRICE) {
		kis_msg_err(err, errlen, "price: out of range 1..%lld", (long long)CORE_MAX_PRICE);
		return KE_EINVAL;
	}
	return KE_OK;
}

/* The snprintf result as a builder result: KE_ELIMIT when it was cut. */
static int finish(int n, char *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	if (n < 0 || (size_t)n >= cap) {
		buf[0] = '\0';
		kis_msg_err(err, errlen, "request body: does not fit in %zu bytes", cap);
		return KE_ELIMIT;
	}
	*len = (size_t)n;
	return KE_OK;
}

static int body_args(char *buf, size_t cap, size_t *len, char *err, size_t errlen)
{
	if (len)
		*len = 0;
	if (!buf || cap == 0 || !len) {
		kis_msg_err(err, errlen, "request body: no buffer");
		return KE_EINVAL;
	}
	buf[0] = '\0';
	return KE_OK;
}

int kis_msg_order_body(const struct kis_credentials *cr, const struct kis_msg_order *o, char *buf, size_t cap,
                       size_t *len, char *err, size_t errlen)
{
	int rc = body_args(buf, cap, len, err, errlen);
	if (rc != KE_OK)
		return rc;
	if ((rc = check_account(cr, err, errlen)) != KE_OK)
		return rc;
	if (!o) {
		kis_msg_err(err, errlen, "order: missing");
		return KE_EINVAL;
	}
	if (!kis_msg_symbol_ok(o->symbol)) {
		kis_msg_err(err, errlen, "symbol: not a KRX code (6 of 0-9A-Z or Q + 6 digits)");
		return KE_EINVAL;
	}
	if (o->side != SIDE_BUY && o->side != SIDE_SELL) {
		kis_msg_err(err, errlen, "side: neither buy nor sell");
		return KE_EINVAL;
	}
	const char *dvsn = ord_dvsn(o->type);
	if (!dvsn) {
		kis_msg_err(err, errlen, "type: neither limit nor market");
		return KE_EINVAL;
	}
	if ((rc = check_qty(o->qty, err, errlen)) != KE_OK)
		return rc;
	if (o->type == ORDER_LIMIT && (rc = check_price(o->price, err, errlen)) != KE_OK)
		return rc;
	/* A market order sends "0": KIS prices it itself. */
	long long unpr = o->type == ORDER_LIMIT ? (long long)o->price : 0;
	int n = snprintf(buf, cap,
	                 "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"PDNO\":\"%s\",\"ORD_DVSN\":\"%s\","
	                 "\"ORD_QTY\":\"%lld\",\"ORD_UNPR\":\"%lld\",\"EXCG_ID_DVSN_CD\":\"KRX\","
	                 "\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}",
	                 cr->cano, cr->prdt, o->symbol, dvsn, (long long)o->qty, unpr);
	return finish(n, buf, cap, len, err, errlen);
}

int kis_msg_rvse_body(const struct kis_credentials *cr, const struct kis_msg_rvse *r, char *buf, size_t cap,
                      size_t *len, char *err, size_t errlen)
{
	int rc = body_args(buf, cap, len, err, errlen);
	if (rc != KE_OK)
		return rc;
	if ((rc = check_account(cr, err, errlen)) != KE_OK)
		return rc;
	if (!r) {
		kis_msg_err(err, errlen, "revise/cancel: missing");
		return KE_EINVAL;
	}
	if (!kis_msg_digits(r->orgno, 1, KIS_MSG_ORGNO_MAX - 1)) {
		kis_msg_err(err, errlen, "orgno: not 1..%d digits", KIS_MSG_ORGNO_MAX - 1);
		return KE_EINVAL;
	}
	if (!kis_msg_digits(r->odno, 1, KIS_MSG_ODNO_MAX - 1)) {
		kis_msg_err(err, errlen, "odno: not 1..%d digits", KIS_MSG_ODNO_MAX - 1);
		return KE_EINVAL;
	}
	if (r->kind != KIS_MSG_REVISE && r->kind != KIS_MSG_CANCEL) {
		kis_msg_err(err, errlen, "kind: neither revise nor cancel");
		return KE_EINVAL;
	}
	const char *dvsn = ord_dvsn(r->type);
	if (!dvsn) {
		kis_msg_err(err, errlen, "type: neither limit nor market");
		return KE_EINVAL;
	}
	if (!r->all && (rc = check_qty(r->qty, err, errlen)) != KE_OK)
		return rc;
	/* Only a revise to a limit price carries a price; KIS ignores the
	 * field otherwise and "0" is what the official samples send. */
	int priced = r->kind == KIS_MSG_REVISE && r->type == ORDER_LIMIT;
	if (priced && (rc = check_price(r->price, err, errlen)) != KE_OK)
		return rc;
	int n = snprintf(buf, cap,
	                 "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"KRX_FWDG_ORD_ORGNO\":\"%s\",\"ORGN_ODNO\":\"%s\","
	                 "\"ORD_DVSN\":\"%s\",\"RVSE_CNCL_DVSN_CD\":\"%s\",\"ORD_QTY\":\"%lld\",\"ORD_UNPR\":\"%lld\","
	                 "\"QTY_ALL_ORD_YN\":\"%s\",\"EXCG_ID_DVSN_CD\":\"KRX\",\"CNDT_PRIC\":\"\"}",
	                 cr->cano, cr->prdt, r->orgno, r->odno, dvsn, r->kind == KIS_MSG_REVISE ? "01" : "02",
	                 r->all ? 0LL : (long long)r->qty, priced ? (long long)r->price : 0LL, r->all ? "Y" : "N");
	return finish(n, buf, cap, len, err, errlen);
}

/* ---- query strings ---- */

struct qw {
	char *buf;
	size_t cap, len;
	int full;
};

static void q_char(struct qw *w, char c)
{
	if (w->full)
		return;
	if (w->len + 1 >= w->cap) {
		w->full = 1;
		return;
	}
	w->buf[w->len++] = c;
	w->buf[w->len] = '\0';
}

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_' || c == '~';
}

/* NAME=value, '&' before all but the first; value NULL is "". */
static void q_param(struct qw *w, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	if (w->len > 0)
		q_char(w, '&');
	for (; *name; name++)
		q_char(w, *name);
	q_char(w, '=');
	for (const unsigned char *v = (const unsigned char *)(value ? value : ""); *v; v++) {
		if (unreserved(*v)) {
			q_char(w, (char)*v);
		} else {
			q_char(w, '%');
			q_char(w, hex[*v >> 4]);
			q_char(w, hex[*v & 15]);
		}
	}
}

static void q_int(struct qw *w, const char *name, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof tmp, "%lld", (long long)v);
	q_param(w, name, tmp);
}

static int q_start(struct qw *w, char *buf, size_t cap)
{
	if (!buf || cap == 0)
		return KE_EINVAL;
	buf[0] = '\0';
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->full = 0;
	return KE_OK;
}

static int q_end(struct qw *w)
{
	if (w->full) {
		w->buf[0] = '\0';
		return KE_ELIMIT;
	}
	return KE_OK;
}

static void q_account(struct qw *w, const struct kis_credentials *cr)
{
	q_param(w, "CANO", cr->cano);
	q_param(w, "ACNT_PRDT_CD", cr->prdt);
}

int kis_msg_balance_query(const struct kis_credentials *cr, const char *fk100, const char *nk100, char *buf, size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || check_account(cr, NULL, 0) != KE_OK)
		return KE_EINVAL;
	q_account(&w, cr);
	q_param(&w, "AFHR_FLPR_YN", "N");
	q_param(&w, "OFL_YN", "");
	q_param(&w, "INQR_DVSN", "02");
	q_param(&w, "UNPR_DVSN", "01");
	q_param(&w, "FUND_STTL_ICLD_YN", "N");
	q_param(&w, "FNCG_AMT_AUTO_RDPT_YN", "N");
	q_param(&w, "PRCS_DVSN", "00");
	q_param(&w, "CTX_AREA_FK100", fk100);
	q_param(&w, "CTX_AREA_NK100", nk100);
	return q_end(&w);
}

/* A char[9] date field: NUL-terminated within the array and a real day. */
static int filter_date_ok(const char d[9])
{
	return memchr(d, '\0', 9) != NULL && kis_msg_date(d, NULL);
}

int kis_msg_ccld_query(const struct kis_credentials *cr, const struct kis_msg_ccld_filter *f, const char *fk100,
                       const char *nk100, char *buf, size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || check_account(cr, NULL, 0) != KE_OK || !f)
		return KE_EINVAL;
	if (!filter_date_ok(f->start) || !filter_date_ok(f->end))
		return KE_EINVAL;
	int all_symbols = !f->symbol || !f->symbol[0], all_orders = !f->odno || !f->odno[0];
	if (!all_symbols && !kis_msg_symbol_ok(f->symbol))
		return KE_EINVAL;
	if (!all_orders && !kis_msg_digits(f->odno, 1, KIS_MSG_ODNO_MAX - 1))
		return KE_EINVAL;
	/* KIS codes sell as 01 and buy as 02. */
	const char *side = f->side == 0 ? "00" : f->side == SIDE_SELL ? "01" : f->side == SIDE_BUY ? "02" : NULL;
	const char *fill = f->fill == KIS_MSG_CCLD_ALL        ? "00"
	                   : f->fill == KIS_MSG_CCLD_FILLED   ? "01"
	                   : f->fill == KIS_MSG_CCLD_UNFILLED ? "02"
	                                                      : NULL;
	if (!side || !fill)
		return KE_EINVAL;
	q_account(&w, cr);
	q_param(&w, "INQR_STRT_DT", f->start);
	q_param(&w, "INQR_END_DT", f->end);
	q_param(&w, "SLL_BUY_DVSN_CD", side);
	q_param(&w, "INQR_DVSN", f->oldest_first ? "01" : "00");
	q_param(&w, "PDNO", all_symbols ? "" : f->symbol);
	q_param(&w, "CCLD_DVSN", fill);
	q_param(&w, "ORD_GNO_BRNO", "");
	q_param(&w, "ODNO", all_orders ? "" : f->odno);
	q_param(&w, "INQR_DVSN_3", "00");
	q_param(&w, "INQR_DVSN_1", "");
	q_param(&w, "EXCG_ID_DVSN_CD", "KRX");
	q_param(&w, "CTX_AREA_FK100", fk100);
	q_param(&w, "CTX_AREA_NK100", nk100);
	return q_end(&w);
}

int kis_msg_psbl_order_query(const struct kis_credentials *cr, const char *symbol, enum order_type type, int64_t price,
                             char *buf, size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || check_account(cr, NULL, 0) != KE_OK || !kis_msg_symbol_ok(symbol))
		return KE_EINVAL;
	const char *dvsn = ord_dvsn(type);
	if (!dvsn || (type == ORDER_LIMIT && check_price(price, NULL, 0) != KE_OK))
		return KE_EINVAL;
	q_account(&w, cr);
	q_param(&w, "PDNO", symbol);
	q_int(&w, "ORD_UNPR", type == ORDER_LIMIT ? price : 0);
	q_param(&w, "ORD_DVSN", dvsn);
	q_param(&w, "CMA_EVLU_AMT_ICLD_YN", "N");
	q_param(&w, "OVRS_ICLD_YN", "N");
	return q_end(&w);
}

int kis_msg_psbl_rvsecncl_query(const struct kis_credentials *cr, const char *fk100, const char *nk100, char *buf,
                                size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || check_account(cr, NULL, 0) != KE_OK)
		return KE_EINVAL;
	q_account(&w, cr);
	q_param(&w, "CTX_AREA_FK100", fk100);
	q_param(&w, "CTX_AREA_NK100", nk100);
	q_param(&w, "INQR_DVSN_1", "0");
	q_param(&w, "INQR_DVSN_2", "0");
	return q_end(&w);
}

int kis_msg_price_query(const char *symbol, char *buf, size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || !kis_msg_symbol_ok(symbol))
		return KE_EINVAL;
	q_param(&w, "FID_COND_MRKT_DIV_CODE", "J");
	q_param(&w, "FID_INPUT_ISCD", symbol);
	return q_end(&w);
}

int kis_msg_daily_chart_query(const char *symbol, const char *from_yyyymmdd, const char *to_yyyymmdd, char *buf,
                              size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || !kis_msg_symbol_ok(symbol) || !kis_msg_date(from_yyyymmdd, NULL) ||
	    !kis_msg_date(to_yyyymmdd, NULL))
		return KE_EINVAL;
	q_param(&w, "FID_COND_MRKT_DIV_CODE", "J");
	q_param(&w, "FID_INPUT_ISCD", symbol);
	q_param(&w, "FID_INPUT_DATE_1", from_yyyymmdd);
	q_param(&w, "FID_INPUT_DATE_2", to_yyyymmdd);
	q_param(&w, "FID_PERIOD_DIV_CODE", "D");
	q_param(&w, "FID_ORG_ADJ_PRC", "0");
	return q_end(&w);
}

int kis_msg_holiday_query(const char *yyyymmdd, char *buf, size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || !kis_msg_date(yyyymmdd, NULL))
		return KE_EINVAL;
	q_param(&w, "BASS_DT", yyyymmdd);
	q_param(&w, "CTX_AREA_NK", "");
	q_param(&w, "CTX_AREA_FK", "");
	return q_end(&w);
}

int kis_msg_minute_chart_query(const char *symbol, const char *hhmmss, char *buf, size_t cap)
{
	struct qw w;
	if (q_start(&w, buf, cap) != KE_OK || !kis_msg_symbol_ok(symbol) || !kis_msg_time(hhmmss, NULL))
		return KE_EINVAL;
	q_param(&w, "FID_ETC_CLS_CODE", "");
	q_param(&w, "FID_COND_MRKT_DIV_CODE", "J");
	q_param(&w, "FID_INPUT_ISCD", symbol);
	q_param(&w, "FID_INPUT_HOUR_1", hhmmss);
	q_param(&w, "FID_PW_DATA_INCU_YN", "Y");
	return q_end(&w);
}
