/*
 * venue_query.c - the venue's answers to inquire-balance, inquire-daily-ccld,
 * inquire-psbl-order, inquire-psbl-rvsecncl and inquire-price, and the
 * /_sim/state dump.
 *
 * Paged answers select every row, then cut the page that follows the cursor.
 * A cursor is the sort key of the last row given (a PDNO, an ODNO or both),
 * so a page never repeats or skips a row that was there on both calls, even
 * when orders fill or arrive between the calls.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"
#include "venue_internal.h"

/* num / den in basis points, rounded half away from zero; 0 when den <= 0. */
static int64_t ratio_bp(int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	__int128 x = (__int128)num * 20000 / den; /* twice the basis points */
	return (int64_t)(x >= 0 ? (x + 1) / 2 : -((-x + 1) / 2));
}

/* a / b rounded half up, for a >= 0, b > 0. */
static int64_t div_round(int64_t a, int64_t b)
{
	return b > 0 ? a / b + (a % b >= b - b / 2) : 0;
}

static void set_paging(struct simvenue_paging *pg, const char *cursor, int more, const char *next)
{
	int first = cursor[0] == '\0';
	pg->more = more;
	simvenue_copy(pg->next, sizeof(pg->next), more ? next : "");
	pg->tr_cont = first ? (more ? 'F' : 'D') : (more ? 'M' : 'E');
}

/* The common start of every query: clock, counter, account. */
static int query_start(struct simvenue *v, int64_t now, const char *cano, const char *prdt, struct simvenue_result *res,
                       struct simvenue_paging *pg)
{
	simvenue_clock(v, now);
	v->ctr.queries++;
	if (pg)
		pg->tr_cont = 'D';
	int ai = simvenue_account_index(v, cano, prdt);
	if (ai < 0)
		simvenue_result_set(v, res, SIMVENUE_E_ACCOUNT, NULL);
	return ai;
}

/* ---- inquire-balance ---- */

struct symkey {
	const char *code;
	int64_t id; /* a symbol id or an order index */
	int64_t odno;
};

static int cmp_code_odno(const void *pa, const void *pb)
{
	const struct symkey *a = pa, *b = pb;
	int c = strcmp(a->code, b->code);
	if (c)
		return c;
	return (a->odno > b->odno) - (a->odno < b->odno);
}

static void balance_row(const struct simvenue *v, const struct vacct *a, int32_t sym, struct simvenue_balance_row *r)
{
	const struct vsym *s = &v->syms[sym];
	const struct position *p = portfolio_peek(&a->pf, sym);
	const struct vday *d = sym < a->nday ? &a->day[sym] : NULL;
	struct position zero = {0};
	if (!p)
		p = &zero;
	memset(r, 0, sizeof(*r));
	simvenue_copy(r->pdno, sizeof(r->pdno), s->code);
	simvenue_copy(r->prdt_name, sizeof(r->prdt_name), s->name);
	if (d) {
		r->bfdy_buy_qty = d->bfdy_buy_qty;
		r->bfdy_sll_qty = d->bfdy_sell_qty;
		r->thdt_buyqty = d->buy_qty;
		r->thdt_sll_qty = d->sell_qty;
	}
	r->hldg_qty = p->qty;
	r->ord_psbl_qty = p->qty - p->reserved_qty;
	r->pchs_amt = p->cost;
	r->pchs_avg_pric = portfolio_avg_price(p);
	r->pchs_avg_pric_e4 = p->qty > 0 ? (int64_t)((__int128)p->cost * 10000 / p->qty) : 0;
	/* Without any price yet a holding is valued at its purchase price. */
	r->prpr = s->last > 0 ? s->last : r->pchs_avg_pric;
	r->evlu_amt = p->qty * r->prpr;
	r->evlu_pfls_amt = r->evlu_amt - r->pchs_amt;
	r->evlu_pfls_rt_bp = ratio_bp(r->evlu_pfls_amt, r->pchs_amt);
	if (s->base > 0 && s->last > 0) {
		r->bfdy_cprs_icdc = s->last - s->base;
		r->fltt_rt_bp = ratio_bp(r->bfdy_cprs_icdc, s->base);
	}
}

int simvenue_balance(struct simvenue *v, int64_t now, const struct simvenue_balance_req *req,
                     struct simvenue_balance *out)
{
	if (!v || !req || !out)
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	int ai = query_start(v, now, req->cano, req->acnt_prdt_cd, &out->res, &out->page);
	if (ai < 0)
		return KE_OK;
	struct vacct *a = &v->accts[ai];
	int32_t n = a->pf.npos > a->nday ? a->pf.npos : a->nday;
	if (n > v->nsyms)
		n = v->nsyms;
	struct symkey *keys = malloc(((size_t)n + 1) * sizeof(*keys));
	if (!keys) {
		simvenue_result_set(v, &out->res, SIMVENUE_E_INTERNAL, NULL);
		return KE_OK;
	}
	int32_t nk = 0;
	for (int32_t s = 0; s < n; s++) {
		const struct position *p = portfolio_peek(&a->pf, s);
		if ((p && p->qty > 0) || (s < a->nday && a->day[s].listed))
			keys[nk++] = (struct symkey){v->syms[s].code, s, 0};
	}
	qsort(keys, (size_t)nk, sizeof(*keys), cmp_code_odno);

	struct simvenue_balance_summary *sum = &out->sum;
	int more = 0;
	for (int32_t i = 0; i < nk; i++) {
		struct simvenue_balance_row r;
		balance_row(v, a, (int32_t)keys[i].id, &r);
		sum->pchs_amt_smtl_amt += r.pchs_amt;
		sum->evlu_amt_smtl_amt += r.evlu_amt;
		sum->evlu_pfls_smtl_amt += r.evlu_pfls_amt;
		if (req->cursor[0] && strcmp(keys[i].code, req->cursor) <= 0)
			continue;
		if (out->nrows == v->cfg.balance_page)
			more = 1;
		else
			out->rows[out->nrows++] = r;
	}
	free(keys);
	simvenue_cash_views(v, a, &sum->dnca_tot_amt, &sum->nxdy_excc_amt, &sum->prvs_rcdl_excc_amt);
	sum->thdt_buy_amt = a->thdt_buy_amt;
	sum->thdt_sll_amt = a->thdt_sll_amt;
	sum->thdt_tlex_amt = a->thdt_tlex_amt;
	sum->bfdy_buy_amt = a->bfdy_buy_amt;
	sum->bfdy_sll_amt = a->bfdy_sll_amt;
	sum->bfdy_tlex_amt = a->bfdy_tlex_amt;
	sum->scts_evlu_amt = sum->evlu_amt_smtl_amt;
	sum->tot_evlu_amt = sum->scts_evlu_amt + sum->prvs_rcdl_excc_amt;
	sum->nass_amt = sum->tot_evlu_amt;
	sum->bfdy_tot_asst_evlu_amt = a->bfdy_tot_asst;
	sum->asst_icdc_amt = sum->tot_evlu_amt - a->bfdy_tot_asst;
	set_paging(&out->page, req->cursor, more, out->nrows ? out->rows[out->nrows - 1].pdno : "");
	simvenue_result_set(v, &out->res, SIMVENUE_OK_INQUIRY, NULL);
	return KE_OK;
}

/* ---- inquire-daily-ccld ---- */

/* "" is dflt; otherwise one of the n codes; -1 for anything else. */
static int pick(const char *s, int dflt, const char *const *codes, int n)
{
	if (!s[0])
		return dflt;
	for (int i = 0; i < n; i++)
		if (strcmp(s, codes[i]) == 0)
			return i;
	return -1;
}

static int parse_date(const char *s, int32_t dflt, int32_t *out)
{
	int64_t x;
	if (!s[0]) {
		*out = dflt;
		return 0;
	}
	if (strlen(s) != 8 || simvenue_parse_uint(s, 99999999, &x) != 0)
		return -1;
	*out = (int32_t)x;
	return 0;
}

static void ccld_row(const struct simvenue *v, const struct vorder *o, struct simvenue_ccld_row *r)
{
	const struct vsym *s = &v->syms[o->sym];
	memset(r, 0, sizeof(*r));
	snprintf(r->ord_dt, sizeof(r->ord_dt), "%08d", (int)ktime_yyyymmdd(o->day));
	simvenue_copy(r->ord_gno_brno, sizeof(r->ord_gno_brno), v->cfg.orgno);
	simvenue_format_odno(v, o->odno, r->odno, sizeof(r->odno));
	if (o->orgn_odno)
		simvenue_format_odno(v, o->orgn_odno, r->orgn_odno, sizeof(r->orgn_odno));
	simvenue_copy(r->ord_dvsn_cd, sizeof(r->ord_dvsn_cd), o->ord_dvsn);
	simvenue_copy(r->ord_dvsn_name, sizeof(r->ord_dvsn_name), o->type == ORDER_MARKET ? "시장가" : "지정가");
	simvenue_copy(r->sll_buy_dvsn_cd, sizeof(r->sll_buy_dvsn_cd), o->side == SIDE_SELL ? "01" : "02");
	simvenue_copy(r->sll_buy_dvsn_cd_name, sizeof(r->sll_buy_dvsn_cd_name), o->side == SIDE_SELL ? "매도" : "매수");
	simvenue_copy(r->pdno, sizeof(r->pdno), s->code);
	simvenue_copy(r->prdt_name, sizeof(r->prdt_name), s->name);
	simvenue_hhmmss(o->time, r->ord_tmd, sizeof(r->ord_tmd));
	simvenue_copy(r->cncl_yn, sizeof(r->cncl_yn), o->kind == SIMVENUE_KIND_CANCEL ? "Y" : "N");
	r->ord_qty = o->qty;
	r->ord_unpr = o->price;
	r->tot_ccld_qty = o->filled_qty;
	r->tot_ccld_amt = o->filled_amt;
	r->avg_prvs = div_round(o->filled_amt, o->filled_qty);
	r->cnc_cfrm_qty = o->kind == SIMVENUE_KIND_CANCEL ? o->qty : 0;
	r->rmn_qty = o->remaining;
	r->rjct_qty = o->expired_qty;
}

int simvenue_daily_ccld(struct simvenue *v, int64_t now, const struct simvenue_ccld_req *req, struct simvenue_ccld *out)
{
	static const char *const all_sell_buy[] = {"00", "01", "02"};
	static const char *const newest_oldest[] = {"00", "01"};
	if (!v || !req || !out)
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	int ai = query_start(v, now, req->cano, req->acnt_prdt_cd, &out->res, &out->page);
	if (ai < 0)
		return KE_OK;
	int32_t today = ktime_yyyymmdd(v->day), from, to;
	int side = pick(req->sll_buy_dvsn_cd, 0, all_sell_buy, 3);
	int ccld = pick(req->ccld_dvsn, 0, all_sell_buy, 3);
	int oldest_first = pick(req->inqr_dvsn, 0, newest_oldest, 2);
	int64_t odno = 0, after = 0, last = 0;
	const char *bad = NULL;
	if (parse_date(req->inqr_strt_dt, today, &from) != 0)
		bad = "INQR_STRT_DT";
	else if (parse_date(req->inqr_end_dt, today, &to) != 0)
		bad = "INQR_END_DT";
	else if (side < 0)
		bad = "SLL_BUY_DVSN_CD";
	else if (ccld < 0)
		bad = "CCLD_DVSN";
	else if (oldest_first < 0)
		bad = "INQR_DVSN";
	else if (req->odno[0] && simvenue_parse_uint(req->odno, INT64_MAX, &odno) != 0)
		bad = "ODNO";
	else if (req->cursor[0] && simvenue_parse_uint(req->cursor, INT64_MAX, &after) != 0)
		bad = "CTX_AREA_NK100";
	if (bad) {
		simvenue_result_set(v, &out->res, SIMVENUE_E_INPUT, bad);
		return KE_OK;
	}
	int more = 0;
	for (int64_t k = 0; k < v->norders; k++) {
		const struct vorder *o = &v->orders[oldest_first ? k : v->norders - 1 - k];
		int32_t dt = ktime_yyyymmdd(o->day);
		if (o->acct != ai || dt < from || dt > to || (side == 1 && o->side != SIDE_SELL) ||
		    (side == 2 && o->side != SIDE_BUY) ||
		    (req->pdno[0] && strcmp(req->pdno, v->syms[o->sym].code) != 0) || (odno && o->odno != odno) ||
		    (ccld == 1 && o->filled_qty == 0) || (ccld == 2 && o->remaining == 0))
			continue;
		/* A cancel record is not an order of shares: it does not add to them. */
		if (o->kind != SIMVENUE_KIND_CANCEL)
			out->tot_ord_qty += o->qty;
		out->tot_ccld_qty += o->filled_qty;
		out->tot_ccld_amt += o->filled_amt;
		out->prsm_tlex_smtl += o->fees + o->taxes;
		if (req->cursor[0] && (oldest_first ? o->odno <= after : o->odno >= after))
			continue;
		if (out->nrows == v->cfg.ccld_page) {
			more = 1;
		} else {
			ccld_row(v, o, &out->rows[out->nrows++]);
			last = o->odno;
		}
	}
	out->pchs_avg_pric = div_round(out->tot_ccld_amt, out->tot_ccld_qty);
	char next[24];
	snprintf(next, sizeof(next), "%lld", (long long)last);
	set_paging(&out->page, req->cursor, more, next);
	simvenue_result_set(v, &out->res, SIMVENUE_OK_INQUIRY, NULL);
	return KE_OK;
}

/* ---- inquire-psbl-order ---- */

int simvenue_psbl_order(struct simvenue *v, int64_t now, const struct simvenue_psbl_order_req *req,
                        struct simvenue_psbl_order *out)
{
	static const char *const limit_market[] = {"00", "01"};
	if (!v || !req || !out)
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	int ai = query_start(v, now, req->cano, req->acnt_prdt_cd, &out->res, NULL);
	if (ai < 0)
		return KE_OK;
	int64_t avail = portfolio_available_cash(&v->accts[ai].pf);
	out->ord_psbl_cash = avail;
	simvenue_result_set(v, &out->res, SIMVENUE_OK_INQUIRY, NULL);
	if (!req->pdno[0])
		return KE_OK;
	int32_t sym;
	int market = pick(req->ord_dvsn, 0, limit_market, 2);
	int64_t price = 0;
	if (simvenue_symbol_find(v, req->pdno, &sym) != KE_OK) {
		simvenue_result_set(v, &out->res, SIMVENUE_E_SYMBOL, NULL);
		return KE_OK;
	}
	if (market < 0 || (req->ord_unpr[0] && simvenue_parse_uint(req->ord_unpr, 1000000000000LL, &price) != 0)) {
		simvenue_result_set(v, &out->res, SIMVENUE_E_INPUT, market < 0 ? "ORD_DVSN" : "ORD_UNPR");
		return KE_OK;
	}
	const struct vsym *s = &v->syms[sym];
	/* Market: KIS prices the quantity at the upper limit; a limit order
	 * without a price is priced at the current one. */
	if (market)
		price = s->upper;
	else if (price == 0)
		price = s->last;
	out->psbl_qty_calc_unpr = price;
	if (price <= 0)
		return KE_OK;
	/* The largest q with q * price + commission(q * price) <= avail: start
	 * from the exact ratio, then step over the commission's truncation. */
	int64_t q =
	    (int64_t)((__int128)avail * FEE_PPB_ONE / ((__int128)price * (FEE_PPB_ONE + v->cfg.fees.commission_ppb)));
	while (simvenue_buy_need(v, q + 1, price) <= avail)
		q++;
	while (q > 0 && simvenue_buy_need(v, q, price) > avail)
		q--;
	out->nrcvb_buy_qty = out->max_buy_qty = q;
	out->nrcvb_buy_amt = out->max_buy_amt = q * price;
	return KE_OK;
}

/* ---- inquire-psbl-rvsecncl ---- */

int simvenue_psbl_rvsecncl(struct simvenue *v, int64_t now, const struct simvenue_rvsecncl_req *req,
                           struct simvenue_rvsecncl *out)
{
	static const char *const order_symbol[] = {"0", "1"};
	static const char *const all_sell_buy[] = {"0", "1", "2"};
	if (!v || !req || !out)
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	int ai = query_start(v, now, req->cano, req->acnt_prdt_cd, &out->res, &out->page);
	if (ai < 0)
		return KE_OK;
	int by_symbol = pick(req->inqr_dvsn_1, 0, order_symbol, 2);
	int side = pick(req->inqr_dvsn_2, 0, all_sell_buy, 3);
	if (by_symbol < 0 || side < 0) {
		simvenue_result_set(v, &out->res, SIMVENUE_E_INPUT, by_symbol < 0 ? "INQR_DVSN_1" : "INQR_DVSN_2");
		return KE_OK;
	}
	/* The cursor is "ODNO" by order, "PDNO:ODNO" by symbol. */
	struct symkey after = {"", 0, 0};
	char code[SIMVENUE_CURSOR_MAX] = "";
	if (req->cursor[0]) {
		const char *colon = strchr(req->cursor, ':');
		const char *num = req->cursor;
		if (by_symbol && colon) {
			size_t n = (size_t)(colon - req->cursor);
			memcpy(code, req->cursor, n);
			code[n] = '\0';
			num = colon + 1;
		}
		if ((by_symbol && !colon) || simvenue_parse_uint(num, INT64_MAX, &after.odno) != 0) {
			simvenue_result_set(v, &out->res, SIMVENUE_E_INPUT, "CTX_AREA_NK100");
			return KE_OK;
		}
		after.code = code;
	}
	struct symkey *keys = malloc(((size_t)v->norders + 1) * sizeof(*keys));
	if (!keys) {
		simvenue_result_set(v, &out->res, SIMVENUE_E_INTERNAL, NULL);
		return KE_OK;
	}
	int64_t nk = 0;
	for (int64_t i = 0; i < v->norders; i++) {
		const struct vorder *o = &v->orders[i];
		if (o->acct != ai || o->remaining <= 0 || (side == 1 && o->side != SIDE_SELL) ||
		    (side == 2 && o->side != SIDE_BUY))
			continue;
		keys[nk++] = (struct symkey){by_symbol ? v->syms[o->sym].code : "", i, o->odno};
	}
	if (by_symbol)
		qsort(keys, (size_t)nk, sizeof(*keys), cmp_code_odno);
	int more = 0;
	const struct vorder *last = NULL;
	for (int64_t k = 0; k < nk; k++) {
		if (req->cursor[0] && cmp_code_odno(&keys[k], &after) <= 0)
			continue;
		if (out->nrows == v->cfg.rvsecncl_page) {
			more = 1;
			break;
		}
		const struct vorder *o = &v->orders[keys[k].id];
		const struct vsym *s = &v->syms[o->sym];
		struct simvenue_rvsecncl_row *r = &out->rows[out->nrows++];
		last = o;
		simvenue_copy(r->ord_gno_brno, sizeof(r->ord_gno_brno), v->cfg.orgno);
		simvenue_format_odno(v, o->odno, r->odno, sizeof(r->odno));
		if (o->orgn_odno)
			simvenue_format_odno(v, o->orgn_odno, r->orgn_odno, sizeof(r->orgn_odno));
		simvenue_copy(r->ord_dvsn_cd, sizeof(r->ord_dvsn_cd), o->ord_dvsn);
		simvenue_copy(r->ord_dvsn_name, sizeof(r->ord_dvsn_name),
		              o->type == ORDER_MARKET ? "시장가" : "지정가");
		simvenue_copy(r->sll_buy_dvsn_cd, sizeof(r->sll_buy_dvsn_cd), o->side == SIDE_SELL ? "01" : "02");
		simvenue_copy(r->pdno, sizeof(r->pdno), s->code);
		simvenue_copy(r->prdt_name, sizeof(r->prdt_name), s->name);
		simvenue_hhmmss(o->time, r->ord_tmd, sizeof(r->ord_tmd));
		r->ord_qty = o->qty;
		r->ord_unpr = o->price;
		r->tot_ccld_qty = o->filled_qty;
		r->tot_ccld_amt = o->filled_amt;
		r->psbl_qty = o->remaining;
	}
	char next[SIMVENUE_CURSOR_MAX] = "";
	if (last && by_symbol)
		snprintf(next, sizeof(next), "%s:%lld", v->syms[last->sym].code, (long long)last->odno);
	else if (last)
		snprintf(next, sizeof(next), "%lld", (long long)last->odno);
	free(keys);
	set_paging(&out->page, req->cursor, more, next);
	simvenue_result_set(v, &out->res, SIMVENUE_OK_INQUIRY, NULL);
	return KE_OK;
}

/* ---- inquire-price ---- */

int simvenue_quote(struct simvenue *v, int64_t now, const char *pdno, struct simvenue_quote *out)
{
	if (!v || !pdno || !out)
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	simvenue_clock(v, now);
	v->ctr.queries++;
	int32_t sym;
	if (simvenue_symbol_find(v, pdno, &sym) != KE_OK) {
		simvenue_result_set(v, &out->res, SIMVENUE_E_QUOTE_SYMBOL, NULL);
		return KE_OK;
	}
	const struct vsym *s = &v->syms[sym];
	simvenue_copy(out->pdno, sizeof(out->pdno), s->code);
	simvenue_copy(out->name, sizeof(out->name), s->name);
	out->stck_prpr = s->last;
	out->stck_sdpr = s->base;
	out->stck_mxpr = s->upper;
	out->stck_llam = s->lower;
	if (s->base > 0 && s->last > 0)
		out->prdy_vrss = s->last - s->base;
	out->prdy_ctrt_bp = ratio_bp(out->prdy_vrss, s->base);
	const char *sign = "3";
	if (s->last > 0 && s->upper > 0 && s->last >= s->upper)
		sign = "1";
	else if (s->last > 0 && s->lower > 0 && s->last <= s->lower)
		sign = "4";
	else if (out->prdy_vrss > 0)
		sign = "2";
	else if (out->prdy_vrss < 0)
		sign = "5";
	simvenue_copy(out->prdy_vrss_sign, sizeof(out->prdy_vrss_sign), sign);
	out->acml_vol = s->volume;
	out->acml_tr_pbmn = s->value;
	out->stck_oprc = s->open;
	out->stck_hgpr = s->high;
	out->stck_lwpr = s->low;
	out->aspr_unit = s->last > 0 ? krx_tick_size(s->last) : 0;
	out->hts_deal_qty_unit_val = 1;
	out->wghn_avrg_stck_prc = div_round(s->value, s->volume);
	out->last_time = s->last_time;
	simvenue_result_set(v, &out->res, SIMVENUE_OK_QUOTE, NULL);
	return KE_OK;
}

/* ---- /_sim/state ---- */

struct jb {
	int ok;
};

static cJSON *num(struct jb *j, cJSON *o, const char *k, int64_t x)
{
	cJSON *r = cJSON_AddNumberToObject(o, k, (double)x);
	j->ok &= r != NULL;
	return r;
}

static cJSON *str(struct jb *j, cJSON *o, const char *k, const char *s)
{
	cJSON *r = cJSON_AddStringToObject(o, k, s);
	j->ok &= r != NULL;
	return r;
}

static cJSON *child(struct jb *j, cJSON *parent, const char *k, int array)
{
	cJSON *c = array ? cJSON_CreateArray() : cJSON_CreateObject();
	if (!c) {
		j->ok = 0;
		return NULL;
	}
	if (k ? !cJSON_AddItemToObject(parent, k, c) : !cJSON_AddItemToArray(parent, c)) {
		cJSON_Delete(c);
		j->ok = 0;
		return NULL;
	}
	return c;
}

static void dump_request(struct jb *j, cJSON *o, int is_rvse, const void *req)
{
	cJSON *r = child(j, o, "request", 0);
	if (!r)
		return;
	if (is_rvse) {
		const struct simvenue_rvse_req *q = req;
		str(j, r, "tr_id", q->tr_id);
		str(j, r, "CANO", q->cano);
		str(j, r, "ACNT_PRDT_CD", q->acnt_prdt_cd);
		str(j, r, "KRX_FWDG_ORD_ORGNO", q->krx_fwdg_ord_orgno);
		str(j, r, "ORGN_ODNO", q->orgn_odno);
		str(j, r, "ORD_DVSN", q->ord_dvsn);
		str(j, r, "RVSE_CNCL_DVSN_CD", q->rvse_cncl_dvsn_cd);
		str(j, r, "ORD_QTY", q->ord_qty);
		str(j, r, "ORD_UNPR", q->ord_unpr);
		str(j, r, "QTY_ALL_ORD_YN", q->qty_all_ord_yn);
		str(j, r, "EXCG_ID_DVSN_CD", q->excg_id_dvsn_cd);
	} else {
		const struct simvenue_order_req *q = req;
		str(j, r, "tr_id", q->tr_id);
		str(j, r, "side", q->side == SIDE_SELL ? "sell" : q->side == SIDE_BUY ? "buy" : "");
		str(j, r, "CANO", q->cano);
		str(j, r, "ACNT_PRDT_CD", q->acnt_prdt_cd);
		str(j, r, "PDNO", q->pdno);
		str(j, r, "ORD_DVSN", q->ord_dvsn);
		str(j, r, "ORD_QTY", q->ord_qty);
		str(j, r, "ORD_UNPR", q->ord_unpr);
		str(j, r, "EXCG_ID_DVSN_CD", q->excg_id_dvsn_cd);
		str(j, r, "SLL_TYPE", q->sll_type);
	}
}

static void dump_accounts(const struct simvenue *v, struct jb *j, cJSON *root)
{
	cJSON *arr = child(j, root, "accounts", 1);
	for (int i = 0; arr && i < v->nacct; i++) {
		const struct vacct *a = &v->accts[i];
		cJSON *o = child(j, arr, NULL, 0);
		if (!o)
			return;
		int64_t d0, d1, d2;
		simvenue_cash_views(v, a, &d0, &d1, &d2);
		str(j, o, "cano", a->cano);
		str(j, o, "acnt_prdt_cd", a->prdt);
		str(j, o, "hts_id", a->hts_id);
		num(j, o, "cash", a->pf.cash);
		num(j, o, "reserved_cash", a->pf.reserved_cash);
		num(j, o, "dnca_tot_amt", d0);
		num(j, o, "nxdy_excc_amt", d1);
		num(j, o, "prvs_rcdl_excc_amt", d2);
		num(j, o, "fees", a->pf.fees);
		num(j, o, "taxes", a->pf.taxes);
		num(j, o, "realized", a->pf.realized);
		cJSON *pos = child(j, o, "positions", 1);
		for (int32_t s = 0; pos && s < a->pf.npos && s < v->nsyms; s++) {
			const struct position *p = &a->pf.pos[s];
			if (p->qty == 0 && p->reserved_qty == 0 && p->cost == 0 && p->realized == 0)
				continue;
			cJSON *e = child(j, pos, NULL, 0);
			if (!e)
				return;
			str(j, e, "pdno", v->syms[s].code);
			num(j, e, "qty", p->qty);
			num(j, e, "reserved_qty", p->reserved_qty);
			num(j, e, "cost", p->cost);
			num(j, e, "avg_price", portfolio_avg_price(p));
			num(j, e, "realized", p->realized);
		}
	}
}

static void dump_orders(const struct simvenue *v, struct jb *j, cJSON *root)
{
	static const char *const kinds[] = {"new", "revise", "cancel"};
	cJSON *arr = child(j, root, "orders", 1);
	for (int64_t i = 0; arr && i < v->norders; i++) {
		const struct vorder *o = &v->orders[i];
		const struct vacct *a = &v->accts[o->acct];
		cJSON *e = child(j, arr, NULL, 0);
		if (!e)
			return;
		char buf[32];
		num(j, e, "odno", o->odno);
		num(j, e, "orgn_odno", o->orgn_odno);
		snprintf(buf, sizeof(buf), "%s-%s", a->cano, a->prdt);
		str(j, e, "account", buf);
		str(j, e, "kind", kinds[o->kind]);
		str(j, e, "side", o->side == SIDE_SELL ? "sell" : "buy");
		str(j, e, "pdno", v->syms[o->sym].code);
		str(j, e, "ord_dvsn", o->ord_dvsn);
		num(j, e, "qty", o->qty);
		num(j, e, "price", o->price);
		ktime_format_iso(o->time, buf, sizeof(buf));
		str(j, e, "time", buf);
		num(j, e, "filled_qty", o->filled_qty);
		num(j, e, "filled_amt", o->filled_amt);
		num(j, e, "fees", o->fees);
		num(j, e, "taxes", o->taxes);
		num(j, e, "remaining", o->remaining);
		num(j, e, "revised_qty", o->revised_qty);
		num(j, e, "cancelled_qty", o->cancelled_qty);
		num(j, e, "expired_qty", o->expired_qty);
		dump_request(j, e, o->is_rvse, o->is_rvse ? (const void *)&o->req.r : (const void *)&o->req.o);
	}
	arr = child(j, root, "refused", 1);
	for (int64_t i = 0; arr && i < v->nrejects; i++) {
		const struct vreject *r = &v->rejects[i];
		cJSON *e = child(j, arr, NULL, 0);
		if (!e)
			return;
		char buf[32];
		ktime_format_iso(r->time, buf, sizeof(buf));
		str(j, e, "time", buf);
		str(j, e, "answer", simvenue_msg_name(r->id));
		str(j, e, "msg_cd", v->cfg.msg[r->id].msg_cd);
		dump_request(j, e, r->is_rvse, r->is_rvse ? (const void *)&r->req.r : (const void *)&r->req.o);
	}
	arr = child(j, root, "fills", 1);
	for (int64_t i = 0; arr && i < v->nfills; i++) {
		const struct vfill *f = &v->fills[i];
		cJSON *e = child(j, arr, NULL, 0);
		if (!e)
			return;
		char buf[32];
		num(j, e, "odno", f->odno);
		ktime_format_iso(f->time, buf, sizeof(buf));
		str(j, e, "time", buf);
		num(j, e, "qty", f->qty);
		num(j, e, "price", f->price);
		num(j, e, "fee", f->fee);
		num(j, e, "tax", f->tax);
	}
}

int simvenue_dump(const struct simvenue *v, struct cJSON **out)
{
	if (!v || !out)
		return KE_EINVAL;
	*out = NULL;
	struct jb j = {1};
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return KE_ENOMEM;
	char buf[32];
	str(&j, root, "env", v->cfg.env == SIMVENUE_REAL ? "real" : "mock");
	ktime_format_iso(v->now, buf, sizeof(buf));
	str(&j, root, "time", buf);
	cJSON *c = child(&j, root, "counters", 0);
	if (c) {
		const struct simvenue_counters *k = &v->ctr;
		num(&j, c, "place_requests", k->place_requests);
		num(&j, c, "place_refused", k->place_refused);
		num(&j, c, "rvse_requests", k->rvse_requests);
		num(&j, c, "rvse_refused", k->rvse_refused);
		num(&j, c, "orders", k->orders);
		num(&j, c, "revises", k->revises);
		num(&j, c, "cancels", k->cancels);
		num(&j, c, "fills", k->fills);
		num(&j, c, "expired", k->expired);
		num(&j, c, "notices", k->notices);
		num(&j, c, "ticks", k->ticks);
		num(&j, c, "bars", k->bars);
		num(&j, c, "queries", k->queries);
		num(&j, c, "book_errors", k->book_errors);
		num(&j, c, "open_at_matcher", simbroker_open_count(v->sb));
	}
	cJSON *syms = child(&j, root, "symbols", 1);
	for (int32_t i = 0; syms && i < v->nsyms; i++) {
		const struct vsym *s = &v->syms[i];
		cJSON *e = child(&j, syms, NULL, 0);
		if (!e)
			break;
		str(&j, e, "pdno", s->code);
		num(&j, e, "last", s->last);
		num(&j, e, "base", s->base);
		num(&j, e, "lower", s->lower);
		num(&j, e, "upper", s->upper);
		num(&j, e, "volume", s->volume);
	}
	dump_accounts(v, &j, root);
	dump_orders(v, &j, root);
	if (!j.ok) {
		cJSON_Delete(root);
		return KE_ENOMEM;
	}
	*out = root;
	return KE_OK;
}
