/*
 * kis_msg_parse.c - KIS answers (kind OK) turned into typed rows.
 *
 * Field lists and shapes come from kis-protocol.md section 4. A page is
 * taken whole or not at all: on any error the caller's list is left as it
 * was, so a retried page is not appended twice.
 */
#include "kis_msg.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kis_msg_internal.h"

/* Where a field is, for error messages: "<api> <part>[<idx>].<field>". */
struct where {
	const char *api;
	const char *part; /* "output", "output1", ... */
	long idx;         /* -1: the part is a single object */
	char *err;
	size_t errlen;
};

static int fail(const struct where *w, const char *field, const char *what)
{
	if (w->idx >= 0)
		kis_msg_err(w->err, w->errlen, "%s %s[%ld].%s: %s", w->api, w->part, w->idx, field, what);
	else
		kis_msg_err(w->err, w->errlen, "%s %s.%s: %s", w->api, w->part, field, what);
	return KE_EINVAL;
}

static int fail_part(const struct where *w, const char *what)
{
	if (w->idx >= 0)
		kis_msg_err(w->err, w->errlen, "%s %s[%ld]: %s", w->api, w->part, w->idx, what);
	else
		kis_msg_err(w->err, w->errlen, "%s %s: %s", w->api, w->part, what);
	return KE_EINVAL;
}

/* The reply must be a classified success with a body. */
static int check_reply(const struct kis_reply *rep, const void *out, const char *api, char *err, size_t errlen)
{
	if (!rep || !out) {
		kis_msg_err(err, errlen, "%s: no reply or no output", api);
		return KE_EINVAL;
	}
	if (rep->kind != KIS_REPLY_OK || !rep->root) {
		kis_msg_err(err, errlen, "%s: the answer is %s, not a success", api,
		            rep->root ? kis_reply_kind_name(rep->kind) : "without a body");
		return KE_EINVAL;
	}
	return KE_OK;
}

/* A top-level output; the case-insensitive lookup is a fallback because
 * only the member names inside outputs are known to vary in case. */
static const cJSON *output(const struct kis_reply *rep, const char *name)
{
	const cJSON *v = kis_reply_get(rep, name);
	if (!v)
		v = cJSON_GetObjectItem(rep->root, name);
	return v && !cJSON_IsNull(v) ? v : NULL;
}

/* cJSON_GetObjectItem compares names case-insensitively. */
static const cJSON *member(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItem(obj, name);
	return it && !cJSON_IsNull(it) ? it : NULL;
}

/* *out NULL when absent and optional. */
static int get_str(const struct where *w, const cJSON *obj, const char *name, int required, const char **out)
{
	const cJSON *it = member(obj, name);
	*out = NULL;
	if (!it)
		return required ? fail(w, name, "missing") : KE_OK;
	if (!cJSON_IsString(it) || !it->valuestring)
		return fail(w, name, "not a string");
	*out = it->valuestring;
	return KE_OK;
}

/* A JSON number as if KIS had sent its decimal text. Nine decimals keep
 * what a short decimal literal meant ("1.71" parses to 1.7099999...,
 * printed back as 1.710000000); beyond 1e15 only whole numbers are exact. */
static int number_value(const cJSON *it, int scale, int64_t *out, int *inexact)
{
	double d = it->valuedouble;
	char tmp[64];
	if (d > -1e15 && d < 1e15) {
		snprintf(tmp, sizeof tmp, "%.9f", d);
		return kis_msg_decimal_ex(tmp, scale, out, inexact);
	}
	if (!(d >= -9.2e18 && d <= 9.2e18) || d != (double)(int64_t)d)
		return KE_EINVAL;
	int64_t v = (int64_t)d;
	for (int i = 0; i < scale; i++) {
		if (v > INT64_MAX / 10 || v < INT64_MIN / 10)
			return KE_EINVAL;
		v *= 10;
	}
	*out = v;
	*inexact = 0;
	return KE_OK;
}

/* A number at scale; whole (1) refuses a dropped non-zero digit instead
 * of rounding it. Absent and optional: 0. */
static int get_num(const struct where *w, const cJSON *obj, const char *name, int scale, int whole, int required,
                   int64_t *out)
{
	const cJSON *it = member(obj, name);
	int inexact = 0, rc;
	*out = 0;
	if (!it)
		return required ? fail(w, name, "missing") : KE_OK;
	if (cJSON_IsString(it) && it->valuestring)
		rc = kis_msg_decimal_ex(it->valuestring, scale, out, &inexact);
	else if (cJSON_IsNumber(it))
		rc = number_value(it, scale, out, &inexact);
	else
		return fail(w, name, "not a number");
	if (rc != KE_OK)
		return fail(w, name, "not a number");
	if (whole && inexact)
		return fail(w, name, "not a whole number");
	return KE_OK;
}

static int get_int(const struct where *w, const cJSON *obj, const char *name, int64_t *out)
{
	return get_num(w, obj, name, 0, 1, 1, out);
}

static int get_opt(const struct where *w, const cJSON *obj, const char *name, int64_t *out)
{
	return get_num(w, obj, name, 0, 1, 0, out);
}

/* An average price: rounded to the won. */
static int get_avg(const struct where *w, const cJSON *obj, const char *name, int64_t *out)
{
	return get_num(w, obj, name, 0, 0, 1, out);
}

/* Digits (order numbers, branch numbers), minlen..cap-1 of them. */
static int get_digits(const struct where *w, const cJSON *obj, const char *name, size_t minlen, char *dst, size_t cap)
{
	const char *s;
	int rc = get_str(w, obj, name, 1, &s);
	if (rc != KE_OK)
		return rc;
	if (!kis_msg_digits(s, minlen, cap - 1))
		return fail(w, name, !s[0] ? "empty" : strlen(s) >= cap ? "too long" : "not digits");
	memcpy(dst, s, strlen(s) + 1);
	return KE_OK;
}

/* A product code from KIS: kept as sent if it is 1..15 letters/digits. */
static int get_code(const struct where *w, const cJSON *obj, const char *name, char *dst)
{
	const char *s;
	int rc = get_str(w, obj, name, 1, &s);
	if (rc != KE_OK)
		return rc;
	size_t n = strlen(s);
	if (n == 0 || n >= KE_SYMBOL_MAX)
		return fail(w, name, n ? "too long" : "empty");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return fail(w, name, "not a product code");
	}
	memcpy(dst, s, n + 1);
	return KE_OK;
}

/* A display name: cut to fit, never inside a UTF-8 sequence. */
static int get_name(const struct where *w, const cJSON *obj, const char *name, char *dst, size_t cap)
{
	const char *s;
	int rc = get_str(w, obj, name, 1, &s);
	if (rc != KE_OK)
		return rc;
	size_t n = strlen(s);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return KE_OK;
}

/* A date or time field: its value (int) and its text (dst, when non-NULL,
 * of 9 or 7 bytes). */
static int get_stamp(const struct where *w, const cJSON *obj, const char *name, int is_date, int32_t *out, char *dst)
{
	const char *s;
	int rc = get_str(w, obj, name, 1, &s);
	if (rc != KE_OK)
		return rc;
	if (is_date ? !kis_msg_date(s, out) : !kis_msg_time(s, out))
		return fail(w, name, is_date ? "not a date YYYYMMDD" : "not a time HHMMSS");
	if (dst)
		memcpy(dst, s, is_date ? 9 : 7);
	return KE_OK;
}

/* A field whose "" marks KIS's all-blank placeholder row. Returns 1 for
 * a blank row, 0 for a real one, an error code otherwise. */
static int blank_row(const struct where *w, const cJSON *row, const char *key)
{
	const char *s;
	int rc = get_str(w, row, key, 1, &s);
	if (rc != KE_OK)
		return rc;
	return s[0] == '\0';
}

/* The rows of a list output: an array, or one bare object (KIS sends a
 * lone blank object for an empty list on some pages); missing is an error. */
static int list_output(const struct where *w, const cJSON *v, int *is_array)
{
	if (!v)
		return fail_part(w, "missing");
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return fail_part(w, "not an array");
	*is_array = cJSON_IsArray(v);
	return KE_OK;
}

/* A single-object output; an array's first element is accepted. */
static int object_output(const struct where *w, const cJSON *v, const cJSON **out)
{
	if (v && cJSON_IsArray(v))
		v = v->child;
	if (!v)
		return fail_part(w, "missing");
	if (!cJSON_IsObject(v))
		return fail_part(w, "not an object");
	*out = v;
	return KE_OK;
}

/*
 * Every row of the list output part: each must be an object; a row whose
 * blank_key is "" is KIS's blank placeholder and skipped; every other row
 * goes to add (which appends it to the caller's list). Returns the first
 * error; the caller cuts its list back to where it was.
 */
static int each_row(const struct kis_reply *rep, struct where *w,
                    int (*add)(const struct where *w, const cJSON *row, void *acc), void *acc, const char *blank_key)
{
	const cJSON *v = output(rep, w->part);
	int is_array = 0, rc = list_output(w, v, &is_array);
	if (rc != KE_OK)
		return rc;
	long i = 0;
	for (const cJSON *r = is_array ? v->child : v; r; r = is_array ? r->next : NULL, i++) {
		w->idx = is_array ? i : -1;
		if (!cJSON_IsObject(r))
			return fail_part(w, "not an object");
		if ((rc = blank_row(w, r, blank_key)) != 0) {
			if (rc == 1)
				continue;
			return rc;
		}
		if ((rc = add(w, r, acc)) != KE_OK)
			return rc;
	}
	w->idx = -1;
	return KE_OK;
}

/* The out-of-memory error of a list that could not grow. */
static int no_room(const struct where *w)
{
	kis_msg_err(w->err, w->errlen, "%s: out of memory", w->api);
	return KE_ENOMEM;
}

/* Room for one more item: doubling from 16. NULL (list untouched) when
 * the allocation fails. */
static void *grow(void *items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return items;
	size_t nc = *cap ? *cap * 2 : 16;
	if (nc < *cap || nc > SIZE_MAX / size)
		return NULL;
	void *p = realloc(items, nc * size);
	if (p)
		*cap = nc;
	return p;
}

/* ---- order-cash / order-rvsecncl ---- */

int kis_msg_parse_order_ack(const struct kis_reply *rep, struct kis_msg_order_ack *out, char *err, size_t errlen)
{
	static const char api[] = "order-cash/rvsecncl";
	int rc = check_reply(rep, out, api, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct where w = {api, "output", -1, err, errlen};
	struct kis_msg_order_ack a;
	const cJSON *o;
	const char *tmd;
	memset(&a, 0, sizeof a);
	if ((rc = object_output(&w, output(rep, "output"), &o)) != KE_OK ||
	    (rc = get_digits(&w, o, "KRX_FWDG_ORD_ORGNO", 1, a.orgno, sizeof a.orgno)) != KE_OK ||
	    (rc = get_digits(&w, o, "ODNO", 1, a.odno, sizeof a.odno)) != KE_OK ||
	    (rc = get_str(&w, o, "ORD_TMD", 0, &tmd)) != KE_OK)
		return rc;
	if (tmd && tmd[0]) {
		if (!kis_msg_time(tmd, NULL))
			return fail(&w, "ORD_TMD", "not a time HHMMSS");
		memcpy(a.ord_tmd, tmd, 7);
	}
	*out = a;
	return KE_OK;
}

/* ---- inquire-balance ---- */

static int parse_position(const struct where *w, const cJSON *r, struct kis_msg_position *p)
{
	int rc;
	memset(p, 0, sizeof *p);
	if ((rc = get_code(w, r, "pdno", p->symbol)) != KE_OK ||
	    (rc = get_name(w, r, "prdt_name", p->name, sizeof p->name)) != KE_OK ||
	    (rc = get_int(w, r, "hldg_qty", &p->qty)) != KE_OK ||
	    (rc = get_int(w, r, "ord_psbl_qty", &p->orderable)) != KE_OK ||
	    (rc = get_avg(w, r, "pchs_avg_pric", &p->avg_price)) != KE_OK ||
	    (rc = get_int(w, r, "pchs_amt", &p->purchase_amount)) != KE_OK ||
	    (rc = get_int(w, r, "prpr", &p->price)) != KE_OK ||
	    (rc = get_int(w, r, "evlu_amt", &p->eval_amount)) != KE_OK ||
	    (rc = get_int(w, r, "evlu_pfls_amt", &p->pnl)) != KE_OK ||
	    (rc = get_opt(w, r, "thdt_buyqty", &p->today_buy_qty)) != KE_OK ||
	    (rc = get_opt(w, r, "thdt_sll_qty", &p->today_sell_qty)) != KE_OK)
		return rc;
	return KE_OK;
}

static int parse_cash(const struct where *w, const cJSON *r, struct kis_msg_cash *c)
{
	int rc;
	memset(c, 0, sizeof *c);
	if ((rc = get_int(w, r, "dnca_tot_amt", &c->deposit)) != KE_OK ||
	    (rc = get_int(w, r, "nxdy_excc_amt", &c->d1)) != KE_OK ||
	    (rc = get_int(w, r, "prvs_rcdl_excc_amt", &c->d2)) != KE_OK ||
	    (rc = get_opt(w, r, "thdt_buy_amt", &c->today_buy_amount)) != KE_OK ||
	    (rc = get_opt(w, r, "thdt_sll_amt", &c->today_sell_amount)) != KE_OK ||
	    (rc = get_opt(w, r, "thdt_tlex_amt", &c->today_costs)) != KE_OK ||
	    (rc = get_int(w, r, "scts_evlu_amt", &c->securities_eval)) != KE_OK ||
	    (rc = get_int(w, r, "tot_evlu_amt", &c->total_eval)) != KE_OK ||
	    (rc = get_opt(w, r, "nass_amt", &c->net_assets)) != KE_OK ||
	    (rc = get_opt(w, r, "evlu_pfls_smtl_amt", &c->pnl)) != KE_OK)
		return rc;
	return KE_OK;
}

/* output2 is one element repeated on every page; absent or [] leaves the
 * cash unseen rather than failing the holdings. *seen says which. */
static int balance_cash(const struct kis_reply *rep, struct where *w, struct kis_msg_cash *c, int *seen)
{
	const cJSON *v = output(rep, "output2");
	*seen = 0;
	w->part = "output2";
	w->idx = -1;
	if (!v || (cJSON_IsArray(v) && !v->child))
		return KE_OK;
	if (cJSON_IsArray(v)) {
		v = v->child;
		w->idx = 0;
	}
	if (!cJSON_IsObject(v))
		return fail_part(w, "not an object");
	*seen = 1;
	return parse_cash(w, v, c);
}

static int add_position(const struct where *w, const cJSON *r, void *ctx)
{
	struct kis_msg_balance *acc = ctx;
	void *p = grow(acc->pos, acc->npos, &acc->cap, sizeof *acc->pos);
	if (!p)
		return no_room(w);
	acc->pos = p;
	int rc = parse_position(w, r, &acc->pos[acc->npos]);
	if (rc == KE_OK)
		acc->npos++;
	return rc;
}

int kis_msg_parse_balance(const struct kis_reply *rep, struct kis_msg_balance *acc, char *err, size_t errlen)
{
	static const char api[] = "inquire-balance";
	int rc = check_reply(rep, acc, api, err, errlen), seen;
	if (rc != KE_OK)
		return rc;
	struct where w = {api, "output1", -1, err, errlen};
	const size_t n0 = acc->npos;
	struct kis_msg_cash cash;
	/* A row without a product code is KIS's blank placeholder. */
	if ((rc = each_row(rep, &w, add_position, acc, "pdno")) != KE_OK ||
	    (rc = balance_cash(rep, &w, &cash, &seen)) != KE_OK) {
		acc->npos = n0;
		return rc;
	}
	if (seen) {
		acc->cash = cash;
		acc->have_cash = 1;
	}
	return KE_OK;
}

void kis_msg_balance_free(struct kis_msg_balance *b)
{
	if (!b)
		return;
	free(b->pos);
	memset(b, 0, sizeof *b);
}

/* ---- inquire-daily-ccld / inquire-psbl-rvsecncl ---- */

static int get_side(const struct where *w, const cJSON *r, enum order_side *side)
{
	const char *s;
	int rc = get_str(w, r, "sll_buy_dvsn_cd", 1, &s);
	if (rc != KE_OK)
		return rc;
	/* KIS: 01 sell, 02 buy. */
	if (strcmp(s, "01") == 0)
		*side = SIDE_SELL;
	else if (strcmp(s, "02") == 0)
		*side = SIDE_BUY;
	else
		return fail(w, "sll_buy_dvsn_cd", "not 01 (sell) or 02 (buy)");
	return KE_OK;
}

static int get_cancel(const struct where *w, const cJSON *r, int *cancel)
{
	const char *s;
	int rc = get_str(w, r, "cncl_yn", 1, &s);
	if (rc != KE_OK)
		return rc;
	if (strcmp(s, "Y") == 0)
		*cancel = 1;
	else if (strcmp(s, "N") == 0 || s[0] == '\0')
		*cancel = 0;
	else
		return fail(w, "cncl_yn", "not Y or N");
	return KE_OK;
}

/* psbl-rvsecncl documents no avg_prvs: derive it from the totals then. */
static int psbl_avg(const struct where *w, const cJSON *r, struct kis_msg_ccld_row *c)
{
	if (member(r, "avg_prvs"))
		return get_avg(w, r, "avg_prvs", &c->avg_price);
	if (c->filled_qty > 0 && c->filled_amount >= 0 && c->filled_amount <= INT64_MAX - c->filled_qty / 2)
		c->avg_price = (c->filled_amount + c->filled_qty / 2) / c->filled_qty;
	return KE_OK;
}

static int parse_ccld_row(const struct where *w, const cJSON *r, int psbl, struct kis_msg_ccld_row *c)
{
	int rc;
	int32_t ignored;
	memset(c, 0, sizeof *c);
	if (!psbl && (rc = get_stamp(w, r, "ord_dt", 1, &ignored, c->date)) != KE_OK)
		return rc;
	if ((rc = get_digits(w, r, "ord_gno_brno", 0, c->orgno, sizeof c->orgno)) != KE_OK ||
	    (rc = get_digits(w, r, "odno", 1, c->odno, sizeof c->odno)) != KE_OK ||
	    (rc = get_digits(w, r, "orgn_odno", 0, c->orig_odno, sizeof c->orig_odno)) != KE_OK ||
	    (rc = get_code(w, r, "pdno", c->symbol)) != KE_OK ||
	    (rc = get_name(w, r, "prdt_name", c->name, sizeof c->name)) != KE_OK ||
	    (rc = get_digits(w, r, "ord_dvsn_cd", 2, c->ord_dvsn, sizeof c->ord_dvsn)) != KE_OK ||
	    (rc = get_stamp(w, r, "ord_tmd", 0, &ignored, c->ord_tmd)) != KE_OK ||
	    (rc = get_side(w, r, &c->side)) != KE_OK || (rc = get_int(w, r, "ord_qty", &c->qty)) != KE_OK ||
	    (rc = get_int(w, r, "ord_unpr", &c->price)) != KE_OK ||
	    (rc = get_int(w, r, "tot_ccld_qty", &c->filled_qty)) != KE_OK ||
	    (rc = get_int(w, r, "tot_ccld_amt", &c->filled_amount)) != KE_OK)
		return rc;
	if (psbl)
		return (rc = get_int(w, r, "psbl_qty", &c->remaining)) != KE_OK ? rc : psbl_avg(w, r, c);
	if ((rc = get_cancel(w, r, &c->cancel)) != KE_OK || (rc = get_avg(w, r, "avg_prvs", &c->avg_price)) != KE_OK ||
	    (rc = get_opt(w, r, "cnc_cfrm_qty", &c->cancelled_qty)) != KE_OK ||
	    (rc = get_int(w, r, "rmn_qty", &c->remaining)) != KE_OK ||
	    (rc = get_opt(w, r, "rjct_qty", &c->rejected_qty)) != KE_OK)
		return rc;
	return KE_OK;
}

struct ccld_acc {
	struct kis_msg_ccld_list *list;
	int psbl;
};

static int add_ccld_row(const struct where *w, const cJSON *r, void *ctx)
{
	struct ccld_acc *a = ctx;
	struct kis_msg_ccld_list *acc = a->list;
	void *p = grow(acc->rows, acc->n, &acc->cap, sizeof *acc->rows);
	if (!p)
		return no_room(w);
	acc->rows = p;
	int rc = parse_ccld_row(w, r, a->psbl, &acc->rows[acc->n]);
	if (rc == KE_OK)
		acc->n++;
	return rc;
}

static int parse_ccld_list(const struct kis_reply *rep, struct kis_msg_ccld_list *acc, int psbl, char *err,
                           size_t errlen)
{
	const char *api = psbl ? "inquire-psbl-rvsecncl" : "inquire-daily-ccld";
	int rc = check_reply(rep, acc, api, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct where w = {api, psbl ? "output" : "output1", -1, err, errlen};
	const size_t n0 = acc->n;
	struct ccld_acc a = {acc, psbl};
	if ((rc = each_row(rep, &w, add_ccld_row, &a, "odno")) != KE_OK)
		acc->n = n0;
	return rc;
}

int kis_msg_parse_ccld(const struct kis_reply *rep, struct kis_msg_ccld_list *acc, char *err, size_t errlen)
{
	return parse_ccld_list(rep, acc, 0, err, errlen);
}

int kis_msg_parse_psbl_rvsecncl(const struct kis_reply *rep, struct kis_msg_ccld_list *acc, char *err, size_t errlen)
{
	return parse_ccld_list(rep, acc, 1, err, errlen);
}

void kis_msg_ccld_free(struct kis_msg_ccld_list *l)
{
	if (!l)
		return;
	free(l->rows);
	memset(l, 0, sizeof *l);
}

/* ---- inquire-psbl-order / inquire-price ---- */

int kis_msg_parse_buyable(const struct kis_reply *rep, struct kis_msg_buyable *out, char *err, size_t errlen)
{
	static const char api[] = "inquire-psbl-order";
	int rc = check_reply(rep, out, api, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct where w = {api, "output", -1, err, errlen};
	struct kis_msg_buyable b;
	const cJSON *o;
	if ((rc = object_output(&w, output(rep, "output"), &o)) != KE_OK ||
	    (rc = get_int(&w, o, "ord_psbl_cash", &b.cash)) != KE_OK ||
	    (rc = get_int(&w, o, "psbl_qty_calc_unpr", &b.calc_price)) != KE_OK ||
	    (rc = get_int(&w, o, "nrcvb_buy_amt", &b.no_margin_amount)) != KE_OK ||
	    (rc = get_int(&w, o, "nrcvb_buy_qty", &b.no_margin_qty)) != KE_OK ||
	    (rc = get_int(&w, o, "max_buy_amt", &b.max_amount)) != KE_OK ||
	    (rc = get_int(&w, o, "max_buy_qty", &b.max_qty)) != KE_OK)
		return rc;
	*out = b;
	return KE_OK;
}

int kis_msg_parse_quote(const struct kis_reply *rep, struct kis_msg_quote *out, char *err, size_t errlen)
{
	static const char api[] = "inquire-price";
	int rc = check_reply(rep, out, api, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct where w = {api, "output", -1, err, errlen};
	struct kis_msg_quote q;
	const cJSON *o;
	if ((rc = object_output(&w, output(rep, "output"), &o)) != KE_OK ||
	    (rc = get_int(&w, o, "stck_prpr", &q.price)) != KE_OK ||
	    (rc = get_int(&w, o, "prdy_vrss", &q.change)) != KE_OK ||
	    (rc = get_int(&w, o, "stck_oprc", &q.open)) != KE_OK ||
	    (rc = get_int(&w, o, "stck_hgpr", &q.high)) != KE_OK ||
	    (rc = get_int(&w, o, "stck_lwpr", &q.low)) != KE_OK ||
	    (rc = get_int(&w, o, "stck_mxpr", &q.upper)) != KE_OK ||
	    (rc = get_int(&w, o, "stck_llam", &q.lower)) != KE_OK ||
	    (rc = get_int(&w, o, "stck_sdpr", &q.prev_close)) != KE_OK ||
	    (rc = get_int(&w, o, "acml_vol", &q.volume)) != KE_OK ||
	    (rc = get_int(&w, o, "acml_tr_pbmn", &q.value)) != KE_OK ||
	    (rc = get_opt(&w, o, "aspr_unit", &q.tick)) != KE_OK ||
	    (rc = get_num(&w, o, "prdy_ctrt", 2, 0, 1, &q.change_bp)) != KE_OK)
		return rc;
	*out = q;
	return KE_OK;
}

/* ---- chart bars ---- */

struct bars_acc {
	struct kis_msg_bar_list *list;
	int minute;
};

static int add_bar(const struct where *w, const cJSON *r, void *ctx)
{
	struct bars_acc *a = ctx;
	struct kis_msg_bar b;
	memset(&b, 0, sizeof b);
	int rc;
	if ((rc = get_stamp(w, r, "stck_bsop_date", 1, &b.date, NULL)) != KE_OK ||
	    (a->minute && (rc = get_stamp(w, r, "stck_cntg_hour", 0, &b.time, NULL)) != KE_OK) ||
	    (rc = get_int(w, r, "stck_oprc", &b.open)) != KE_OK ||
	    (rc = get_int(w, r, "stck_hgpr", &b.high)) != KE_OK || (rc = get_int(w, r, "stck_lwpr", &b.low)) != KE_OK ||
	    (rc = get_int(w, r, a->minute ? "stck_prpr" : "stck_clpr", &b.close)) != KE_OK ||
	    (rc = get_int(w, r, a->minute ? "cntg_vol" : "acml_vol", &b.volume)) != KE_OK)
		return rc;
	struct kis_msg_bar_list *acc = a->list;
	void *p = grow(acc->bars, acc->n, &acc->cap, sizeof *acc->bars);
	if (!p)
		return no_room(w);
	acc->bars = p;
	acc->bars[acc->n++] = b;
	return KE_OK;
}

static int parse_bars(const struct kis_reply *rep, struct kis_msg_bar_list *acc, int minute, char *err, size_t errlen)
{
	const char *api = minute ? "inquire-time-itemchartprice" : "inquire-daily-itemchartprice";
	int rc = check_reply(rep, acc, api, err, errlen);
	if (rc != KE_OK)
		return rc;
	struct where w = {api, "output2", -1, err, errlen};
	const size_t n0 = acc->n;
	struct bars_acc a = {acc, minute};
	/* Fewer bars than a page: KIS pads with blank rows. */
	if ((rc = each_row(rep, &w, add_bar, &a, "stck_bsop_date")) != KE_OK)
		acc->n = n0;
	return rc;
}

int kis_msg_parse_daily_bars(const struct kis_reply *rep, struct kis_msg_bar_list *acc, char *err, size_t errlen)
{
	return parse_bars(rep, acc, 0, err, errlen);
}

int kis_msg_parse_minute_bars(const struct kis_reply *rep, struct kis_msg_bar_list *acc, char *err, size_t errlen)
{
	return parse_bars(rep, acc, 1, err, errlen);
}

void kis_msg_bars_free(struct kis_msg_bar_list *l)
{
	if (!l)
		return;
	free(l->bars);
	memset(l, 0, sizeof *l);
}

/* ---- chk-holiday ---- */

/* A Y/N flag into 1/0. */
static int get_yn(const struct where *w, const cJSON *obj, const char *name, int *out)
{
	const char *s;
	int rc = get_str(w, obj, name, 1, &s);
	if (rc != KE_OK)
		return rc;
	if (strcmp(s, "Y") != 0 && strcmp(s, "N") != 0)
		return fail(w, name, "not Y or N");
	*out = s[0] == 'Y';
	return KE_OK;
}

static int add_day(const struct where *w, const cJSON *r, void *ctx)
{
	struct kis_msg_day_list *acc = ctx;
	struct kis_msg_day d;
	memset(&d, 0, sizeof d);
	int64_t wd = 0;
	int rc;
	if ((rc = get_stamp(w, r, "bass_dt", 1, &d.date, NULL)) != KE_OK ||
	    (rc = get_int(w, r, "wday_dvsn_cd", &wd)) != KE_OK || (rc = get_yn(w, r, "opnd_yn", &d.open)) != KE_OK ||
	    (rc = get_yn(w, r, "bzdy_yn", &d.business)) != KE_OK ||
	    (rc = get_yn(w, r, "tr_day_yn", &d.trading)) != KE_OK ||
	    (rc = get_yn(w, r, "sttl_day_yn", &d.settlement)) != KE_OK)
		return rc;
	if (wd < 1 || wd > 7)
		return fail(w, "wday_dvsn_cd", "not 01..07");
	d.weekday = (int)wd;
	void *p = grow(acc->days, acc->n, &acc->cap, sizeof *acc->days);
	if (!p)
		return no_room(w);
	acc->days = p;
	acc->days[acc->n++] = d;
	return KE_OK;
}

int kis_msg_parse_holidays(const struct kis_reply *rep, struct kis_msg_day_list *acc, char *err, size_t errlen)
{
	int rc = check_reply(rep, acc, "chk-holiday", err, errlen);
	if (rc != KE_OK)
		return rc;
	struct where w = {"chk-holiday", "output", -1, err, errlen};
	const size_t n0 = acc->n;
	if ((rc = each_row(rep, &w, add_day, acc, "bass_dt")) != KE_OK)
		acc->n = n0;
	return rc;
}

void kis_msg_days_free(struct kis_msg_day_list *l)
{
	if (!l)
		return;
	free(l->days);
	memset(l, 0, sizeof *l);
}
