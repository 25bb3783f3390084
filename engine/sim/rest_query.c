/*
 * rest_query.c - the GET endpoints: inquire-balance, inquire-daily-ccld,
 * inquire-psbl-order, inquire-psbl-rvsecncl, inquire-price, the two chart
 * endpoints and chk-holiday.
 *
 * Query names are matched case-insensitively; parameters the venue does not
 * model (AFHR_FLPR_YN, OFL_YN, INQR_DVSN_3, CMA_EVLU_AMT_ICLD_YN...) are
 * accepted and ignored. Every value is sent as a string (kis-protocol §3).
 * Only fields the venue gives are written: no invented loan, credit or CMA
 * numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"
#include "rest_internal.h"

/* chk-holiday rows per call: KIS's count is unconfirmed (kis-protocol §10). */
#define HOLIDAY_ROWS 30

/* The account parameters every account query has; -1 when it answered. */
static int account(struct simrest_ctx *c, char *cano, char *prdt)
{
	if (simrest_query_field(c, "CANO", 1, cano, SIMVENUE_FIELD_MAX) != 0 ||
	    simrest_query_field(c, "ACNT_PRDT_CD", 1, prdt, SIMVENUE_FIELD_MAX) != 0)
		return -1;
	return simrest_own_account(c, cano, prdt);
}

/* The venue's answer structs hold up to 100 rows: on the heap. */
static void *alloc_answer(struct simrest_ctx *c, size_t size)
{
	void *p = calloc(1, size);
	if (p == NULL)
		simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	return p;
}

/* ---- inquire-balance ---- */

static void balance_row(struct simrest_ctx *c, cJSON *arr, const struct simvenue_balance_row *r)
{
	cJSON *o = simrest_obj(c, arr, NULL);
	char avg[48];
	/* KIS prints the average with four decimals ("70433.3333"). */
	snprintf(avg, sizeof(avg), "%lld.%04lld", (long long)(r->pchs_avg_pric_e4 / 10000),
	         (long long)(r->pchs_avg_pric_e4 % 10000));
	simrest_str(c, o, "pdno", r->pdno);
	simrest_str(c, o, "prdt_name", r->prdt_name);
	simrest_str(c, o, "trad_dvsn_name", "현금"); /* cash accounts only */
	simrest_int(c, o, "bfdy_buy_qty", r->bfdy_buy_qty);
	simrest_int(c, o, "bfdy_sll_qty", r->bfdy_sll_qty);
	simrest_int(c, o, "thdt_buyqty", r->thdt_buyqty);
	simrest_int(c, o, "thdt_sll_qty", r->thdt_sll_qty);
	simrest_int(c, o, "hldg_qty", r->hldg_qty);
	simrest_int(c, o, "ord_psbl_qty", r->ord_psbl_qty);
	simrest_str(c, o, "pchs_avg_pric", avg);
	simrest_int(c, o, "pchs_amt", r->pchs_amt);
	simrest_int(c, o, "prpr", r->prpr);
	simrest_int(c, o, "evlu_amt", r->evlu_amt);
	simrest_int(c, o, "evlu_pfls_amt", r->evlu_pfls_amt);
	simrest_bp(c, o, "evlu_pfls_rt", r->evlu_pfls_rt_bp);
	simrest_bp(c, o, "fltt_rt", r->fltt_rt_bp);
	simrest_int(c, o, "bfdy_cprs_icdc", r->bfdy_cprs_icdc);
}

static void balance_summary(struct simrest_ctx *c, cJSON *arr, const struct simvenue_balance_summary *s)
{
	cJSON *o = simrest_obj(c, arr, NULL);
	simrest_int(c, o, "dnca_tot_amt", s->dnca_tot_amt);
	simrest_int(c, o, "nxdy_excc_amt", s->nxdy_excc_amt);
	simrest_int(c, o, "prvs_rcdl_excc_amt", s->prvs_rcdl_excc_amt);
	simrest_int(c, o, "bfdy_buy_amt", s->bfdy_buy_amt);
	simrest_int(c, o, "thdt_buy_amt", s->thdt_buy_amt);
	simrest_int(c, o, "bfdy_sll_amt", s->bfdy_sll_amt);
	simrest_int(c, o, "thdt_sll_amt", s->thdt_sll_amt);
	simrest_int(c, o, "bfdy_tlex_amt", s->bfdy_tlex_amt);
	simrest_int(c, o, "thdt_tlex_amt", s->thdt_tlex_amt);
	simrest_int(c, o, "scts_evlu_amt", s->scts_evlu_amt);
	simrest_int(c, o, "tot_evlu_amt", s->tot_evlu_amt);
	simrest_int(c, o, "nass_amt", s->nass_amt);
	simrest_int(c, o, "pchs_amt_smtl_amt", s->pchs_amt_smtl_amt);
	simrest_int(c, o, "evlu_amt_smtl_amt", s->evlu_amt_smtl_amt);
	simrest_int(c, o, "evlu_pfls_smtl_amt", s->evlu_pfls_smtl_amt);
	simrest_int(c, o, "bfdy_tot_asst_evlu_amt", s->bfdy_tot_asst_evlu_amt);
	simrest_int(c, o, "asst_icdc_amt", s->asst_icdc_amt);
}

int simrest_balance(struct simrest_ctx *c)
{
	struct simvenue_balance_req q;
	memset(&q, 0, sizeof(q));
	if (account(c, q.cano, q.acnt_prdt_cd) != 0 || simrest_cursor(c, "CTX_AREA_NK100", q.cursor, sizeof(q.cursor)))
		return c->rc;
	struct simvenue_balance *b = alloc_answer(c, sizeof(*b));
	if (b == NULL)
		return c->rc;
	if (simvenue_balance(c->w->venue, c->market_ms, &q, b) != KE_OK)
		simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	else if (simrest_refused(&b->res))
		simrest_venue_error(c, &b->res);
	else {
		cJSON *root = simrest_venue_ok(c, &b->res);
		simrest_paging(c, root, &b->page, "ctx_area_fk100", "ctx_area_nk100");
		cJSON *rows = simrest_arr(c, root, "output1");
		for (int i = 0; rows != NULL && i < b->nrows; i++)
			balance_row(c, rows, &b->rows[i]);
		/* An array of one object (kis-protocol §4.3, §11). */
		balance_summary(c, simrest_arr(c, root, "output2"), &b->sum);
		simrest_send(c, b->res.http_status, root);
	}
	free(b);
	return c->rc;
}

/* ---- inquire-daily-ccld ---- */

static void ccld_row(struct simrest_ctx *c, cJSON *arr, const struct simvenue_ccld_row *r)
{
	cJSON *o = simrest_obj(c, arr, NULL);
	simrest_str(c, o, "ord_dt", r->ord_dt);
	simrest_str(c, o, "ord_gno_brno", r->ord_gno_brno);
	simrest_str(c, o, "odno", r->odno);
	simrest_str(c, o, "orgn_odno", r->orgn_odno);
	simrest_str(c, o, "ord_dvsn_name", r->ord_dvsn_name);
	simrest_str(c, o, "sll_buy_dvsn_cd", r->sll_buy_dvsn_cd);
	simrest_str(c, o, "sll_buy_dvsn_cd_name", r->sll_buy_dvsn_cd_name);
	simrest_str(c, o, "pdno", r->pdno);
	simrest_str(c, o, "prdt_name", r->prdt_name);
	simrest_int(c, o, "ord_qty", r->ord_qty);
	simrest_int(c, o, "ord_unpr", r->ord_unpr);
	simrest_str(c, o, "ord_tmd", r->ord_tmd);
	simrest_int(c, o, "tot_ccld_qty", r->tot_ccld_qty);
	simrest_int(c, o, "avg_prvs", r->avg_prvs);
	simrest_str(c, o, "cncl_yn", r->cncl_yn);
	simrest_int(c, o, "tot_ccld_amt", r->tot_ccld_amt);
	simrest_str(c, o, "ord_dvsn_cd", r->ord_dvsn_cd);
	simrest_int(c, o, "cnc_cfrm_qty", r->cnc_cfrm_qty);
	simrest_int(c, o, "rmn_qty", r->rmn_qty);
	simrest_int(c, o, "rjct_qty", r->rjct_qty);
}

int simrest_daily_ccld(struct simrest_ctx *c)
{
	struct simvenue_ccld_req q;
	memset(&q, 0, sizeof(q));
	if (account(c, q.cano, q.acnt_prdt_cd) != 0 ||
	    simrest_query_field(c, "INQR_STRT_DT", 0, q.inqr_strt_dt, sizeof(q.inqr_strt_dt)) != 0 ||
	    simrest_query_field(c, "INQR_END_DT", 0, q.inqr_end_dt, sizeof(q.inqr_end_dt)) != 0 ||
	    simrest_query_field(c, "SLL_BUY_DVSN_CD", 0, q.sll_buy_dvsn_cd, sizeof(q.sll_buy_dvsn_cd)) != 0 ||
	    simrest_query_field(c, "PDNO", 0, q.pdno, sizeof(q.pdno)) != 0 ||
	    simrest_query_field(c, "ODNO", 0, q.odno, sizeof(q.odno)) != 0 ||
	    simrest_query_field(c, "CCLD_DVSN", 0, q.ccld_dvsn, sizeof(q.ccld_dvsn)) != 0 ||
	    simrest_query_field(c, "INQR_DVSN", 0, q.inqr_dvsn, sizeof(q.inqr_dvsn)) != 0 ||
	    simrest_cursor(c, "CTX_AREA_NK100", q.cursor, sizeof(q.cursor)) != 0)
		return c->rc;
	struct simvenue_ccld *d = alloc_answer(c, sizeof(*d));
	if (d == NULL)
		return c->rc;
	if (simvenue_daily_ccld(c->w->venue, c->market_ms, &q, d) != KE_OK)
		simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	else if (simrest_refused(&d->res))
		simrest_venue_error(c, &d->res);
	else {
		cJSON *root = simrest_venue_ok(c, &d->res);
		simrest_paging(c, root, &d->page, "ctx_area_fk100", "ctx_area_nk100");
		cJSON *rows = simrest_arr(c, root, "output1");
		for (int i = 0; rows != NULL && i < d->nrows; i++)
			ccld_row(c, rows, &d->rows[i]);
		/* An object here, unlike the balance's array (§11). */
		cJSON *sum = simrest_obj(c, root, "output2");
		simrest_int(c, sum, "tot_ord_qty", d->tot_ord_qty);
		simrest_int(c, sum, "tot_ccld_qty", d->tot_ccld_qty);
		simrest_int(c, sum, "tot_ccld_amt", d->tot_ccld_amt);
		simrest_int(c, sum, "prsm_tlex_smtl", d->prsm_tlex_smtl);
		simrest_int(c, sum, "pchs_avg_pric", d->pchs_avg_pric);
		simrest_send(c, d->res.http_status, root);
	}
	free(d);
	return c->rc;
}

/* ---- inquire-psbl-order ---- */

int simrest_psbl_order(struct simrest_ctx *c)
{
	struct simvenue_psbl_order_req q;
	struct simvenue_psbl_order p;
	memset(&q, 0, sizeof(q));
	if (account(c, q.cano, q.acnt_prdt_cd) != 0 || simrest_query_field(c, "PDNO", 0, q.pdno, sizeof(q.pdno)) != 0 ||
	    simrest_query_field(c, "ORD_UNPR", 0, q.ord_unpr, sizeof(q.ord_unpr)) != 0 ||
	    simrest_query_field(c, "ORD_DVSN", 0, q.ord_dvsn, sizeof(q.ord_dvsn)) != 0)
		return c->rc;
	if (simvenue_psbl_order(c->w->venue, c->market_ms, &q, &p) != KE_OK)
		return simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	if (simrest_refused(&p.res))
		return simrest_venue_error(c, &p.res);
	cJSON *root = simrest_venue_ok(c, &p.res);
	cJSON *o = simrest_obj(c, root, "output");
	simrest_int(c, o, "ord_psbl_cash", p.ord_psbl_cash);
	simrest_int(c, o, "ord_psbl_sbst", p.ord_psbl_sbst);
	simrest_int(c, o, "ruse_psbl_amt", p.ruse_psbl_amt);
	simrest_int(c, o, "psbl_qty_calc_unpr", p.psbl_qty_calc_unpr);
	simrest_int(c, o, "nrcvb_buy_amt", p.nrcvb_buy_amt);
	simrest_int(c, o, "nrcvb_buy_qty", p.nrcvb_buy_qty);
	simrest_int(c, o, "max_buy_amt", p.max_buy_amt);
	simrest_int(c, o, "max_buy_qty", p.max_buy_qty);
	simrest_int(c, o, "cma_evlu_amt", p.cma_evlu_amt);
	return simrest_send(c, p.res.http_status, root);
}

/* ---- inquire-psbl-rvsecncl (real only: the tr_id table refuses it on mock) ---- */

static void rvsecncl_row(struct simrest_ctx *c, cJSON *arr, const struct simvenue_rvsecncl_row *r)
{
	cJSON *o = simrest_obj(c, arr, NULL);
	simrest_str(c, o, "ord_gno_brno", r->ord_gno_brno);
	simrest_str(c, o, "odno", r->odno);
	simrest_str(c, o, "orgn_odno", r->orgn_odno);
	simrest_str(c, o, "ord_dvsn_name", r->ord_dvsn_name);
	simrest_str(c, o, "pdno", r->pdno);
	simrest_str(c, o, "prdt_name", r->prdt_name);
	simrest_int(c, o, "ord_qty", r->ord_qty);
	simrest_int(c, o, "ord_unpr", r->ord_unpr);
	simrest_str(c, o, "ord_tmd", r->ord_tmd);
	simrest_int(c, o, "tot_ccld_qty", r->tot_ccld_qty);
	simrest_int(c, o, "tot_ccld_amt", r->tot_ccld_amt);
	simrest_int(c, o, "psbl_qty", r->psbl_qty);
	simrest_str(c, o, "sll_buy_dvsn_cd", r->sll_buy_dvsn_cd);
	simrest_str(c, o, "ord_dvsn_cd", r->ord_dvsn_cd);
}

int simrest_psbl_rvsecncl(struct simrest_ctx *c)
{
	struct simvenue_rvsecncl_req q;
	memset(&q, 0, sizeof(q));
	if (account(c, q.cano, q.acnt_prdt_cd) != 0 ||
	    simrest_query_field(c, "INQR_DVSN_1", 0, q.inqr_dvsn_1, sizeof(q.inqr_dvsn_1)) != 0 ||
	    simrest_query_field(c, "INQR_DVSN_2", 0, q.inqr_dvsn_2, sizeof(q.inqr_dvsn_2)) != 0 ||
	    simrest_cursor(c, "CTX_AREA_NK100", q.cursor, sizeof(q.cursor)) != 0)
		return c->rc;
	struct simvenue_rvsecncl *r = alloc_answer(c, sizeof(*r));
	if (r == NULL)
		return c->rc;
	if (simvenue_psbl_rvsecncl(c->w->venue, c->market_ms, &q, r) != KE_OK)
		simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	else if (simrest_refused(&r->res))
		simrest_venue_error(c, &r->res);
	else {
		cJSON *root = simrest_venue_ok(c, &r->res);
		simrest_paging(c, root, &r->page, "ctx_area_fk100", "ctx_area_nk100");
		cJSON *rows = simrest_arr(c, root, "output");
		for (int i = 0; rows != NULL && i < r->nrows; i++)
			rvsecncl_row(c, rows, &r->rows[i]);
		simrest_send(c, r->res.http_status, root);
	}
	free(r);
	return c->rc;
}

/* ---- quotations ---- */

/* FID_COND_MRKT_DIV_CODE and FID_INPUT_ISCD, then the venue's quote. KRX
 * ("J") only: NXT and the unified book are valid at KIS but not modelled.
 * Returns -1 when it answered (a refusal). */
static int quote(struct simrest_ctx *c, struct simvenue_quote *out)
{
	char mrkt[SIMVENUE_FIELD_MAX], iscd[SIMVENUE_FIELD_MAX];
	if (simrest_query_field(c, "FID_COND_MRKT_DIV_CODE", 0, mrkt, sizeof(mrkt)) != 0 ||
	    simrest_query_field(c, "FID_INPUT_ISCD", 0, iscd, sizeof(iscd)) != 0)
		return -1;
	if (strcmp(mrkt, "NX") == 0 || strcmp(mrkt, "UN") == 0) {
		simrest_venue_msg(c, SIMVENUE_E_UNSUPPORTED, "FID_COND_MRKT_DIV_CODE");
		return -1;
	}
	if (strcmp(mrkt, "J") != 0) {
		/* KIS's query-server code for a market it does not know. */
		simrest_error(c, 200, "1", "OPSQ2001", "ERROR : INPUT INVALID_CHECK_MRKT_DIV_CODE");
		return -1;
	}
	if (simvenue_quote(c->w->venue, c->market_ms, iscd, out) != KE_OK) {
		simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
		return -1;
	}
	if (simrest_refused(&out->res)) {
		simrest_venue_error(c, &out->res);
		return -1;
	}
	return 0;
}

/* The change fields every quote answer starts with. */
static void quote_change(struct simrest_ctx *c, cJSON *o, const struct simvenue_quote *q)
{
	simrest_int(c, o, "prdy_vrss", q->prdy_vrss);
	simrest_str(c, o, "prdy_vrss_sign", q->prdy_vrss_sign);
	simrest_bp(c, o, "prdy_ctrt", q->prdy_ctrt_bp);
}

int simrest_price(struct simrest_ctx *c)
{
	struct simvenue_quote q;
	if (quote(c, &q) != 0)
		return c->rc;
	cJSON *root = simrest_venue_ok(c, &q.res);
	cJSON *o = simrest_obj(c, root, "output");
	simrest_str(c, o, "stck_shrn_iscd", q.pdno);
	simrest_int(c, o, "stck_prpr", q.stck_prpr);
	quote_change(c, o, &q);
	simrest_int(c, o, "acml_vol", q.acml_vol);
	simrest_int(c, o, "acml_tr_pbmn", q.acml_tr_pbmn);
	simrest_int(c, o, "stck_oprc", q.stck_oprc);
	simrest_int(c, o, "stck_hgpr", q.stck_hgpr);
	simrest_int(c, o, "stck_lwpr", q.stck_lwpr);
	simrest_int(c, o, "stck_mxpr", q.stck_mxpr);
	simrest_int(c, o, "stck_llam", q.stck_llam);
	simrest_int(c, o, "stck_sdpr", q.stck_sdpr);
	simrest_int(c, o, "aspr_unit", q.aspr_unit);
	simrest_int(c, o, "hts_deal_qty_unit_val", q.hts_deal_qty_unit_val);
	simrest_int(c, o, "wghn_avrg_stck_prc", q.wghn_avrg_stck_prc);
	return simrest_send(c, q.res.http_status, root);
}

/* "YYYYMMDD" as a day number; -1 when not a real date. */
static int parse_yyyymmdd(const char *s, int32_t *day)
{
	int v[3] = {0, 0, 0};
	static const int width[3] = {4, 2, 2};
	if (strlen(s) != 8)
		return -1;
	for (int k = 0, i = 0; k < 3; k++)
		for (int n = 0; n < width[k]; n++, i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			v[k] = v[k] * 10 + (s[i] - '0');
		}
	*day = ktime_days_from_civil(v[0], v[1], v[2]);
	int y, m, d;
	ktime_civil_from_days(*day, &y, &m, &d);
	return y == v[0] && m == v[1] && d == v[2] ? 0 : -1;
}

/* The chart endpoints: output1 is the venue's snapshot, output2 the bars the
 * venue recorded from the replay (simvenue_daily_bars / simvenue_minute_bars). */

/* FID_INPUT_DATE_1 / _2: "" is unbounded, else a real YYYYMMDD. Returns -1
 * when it answered (a refusal). */
static int chart_date(struct simrest_ctx *c, const char *name, int32_t *yyyymmdd)
{
	char s[SIMVENUE_FIELD_MAX];
	int32_t day;
	*yyyymmdd = 0;
	if (simrest_query_field(c, name, 0, s, sizeof(s)) != 0)
		return -1;
	if (s[0] == '\0')
		return 0;
	if (parse_yyyymmdd(s, &day) != 0) {
		simrest_venue_msg(c, SIMVENUE_E_INPUT, name);
		return -1;
	}
	*yyyymmdd = ktime_yyyymmdd(day);
	return 0;
}

int simrest_chart_daily(struct simrest_ctx *c)
{
	char period[SIMVENUE_FIELD_MAX];
	int32_t from, to;
	if (chart_date(c, "FID_INPUT_DATE_1", &from) != 0 || chart_date(c, "FID_INPUT_DATE_2", &to) != 0 ||
	    simrest_query_field(c, "FID_PERIOD_DIV_CODE", 0, period, sizeof(period)) != 0)
		return c->rc;
	/* Weeks, months and years would need KIS's stamping and adjustment
	 * rules, which are unconfirmed: refused rather than guessed. */
	if (strcmp(period, "W") == 0 || strcmp(period, "M") == 0 || strcmp(period, "Y") == 0)
		return simrest_venue_msg(c, SIMVENUE_E_UNSUPPORTED, "FID_PERIOD_DIV_CODE: kis-sim models D only");
	if (period[0] != '\0' && strcmp(period, "D") != 0)
		return simrest_venue_msg(c, SIMVENUE_E_INPUT, "FID_PERIOD_DIV_CODE");
	struct simvenue_quote q;
	if (quote(c, &q) != 0)
		return c->rc;
	struct simvenue_daily_bar bars[SIMVENUE_DAILY_BARS_MAX];
	int n = 0;
	if (simvenue_daily_bars(c->w->venue, c->market_ms, q.pdno, from, to, bars, SIMVENUE_DAILY_BARS_MAX, &n) !=
	    KE_OK)
		return simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	cJSON *root = simrest_venue_ok(c, &q.res);
	cJSON *o = simrest_obj(c, root, "output1");
	quote_change(c, o, &q);
	simrest_int(c, o, "stck_prdy_clpr", q.stck_sdpr);
	simrest_int(c, o, "acml_vol", q.acml_vol);
	simrest_int(c, o, "acml_tr_pbmn", q.acml_tr_pbmn);
	simrest_str(c, o, "hts_kor_isnm", q.name);
	simrest_int(c, o, "stck_prpr", q.stck_prpr);
	simrest_str(c, o, "stck_shrn_iscd", q.pdno);
	simrest_int(c, o, "stck_mxpr", q.stck_mxpr);
	simrest_int(c, o, "stck_llam", q.stck_llam);
	simrest_int(c, o, "stck_oprc", q.stck_oprc);
	simrest_int(c, o, "stck_hgpr", q.stck_hgpr);
	simrest_int(c, o, "stck_lwpr", q.stck_lwpr);
	cJSON *rows = simrest_arr(c, root, "output2");
	for (int i = 0; rows != NULL && i < n; i++) {
		const struct simvenue_daily_bar *b = &bars[i];
		char date[16];
		snprintf(date, sizeof(date), "%08d", (int)b->yyyymmdd);
		cJSON *r = simrest_obj(c, rows, NULL);
		simrest_str(c, r, "stck_bsop_date", date);
		simrest_int(c, r, "stck_clpr", b->close);
		simrest_int(c, r, "stck_oprc", b->open);
		simrest_int(c, r, "stck_hgpr", b->high);
		simrest_int(c, r, "stck_lwpr", b->low);
		simrest_int(c, r, "acml_vol", b->volume);
		simrest_int(c, r, "acml_tr_pbmn", b->value);
		/* No rights, dividends or splits are modelled: never an ex-date
		 * and never an adjusted price. */
		simrest_str(c, r, "flng_cls_code", "00");
		simrest_str(c, r, "prtt_rate", "0.00");
		simrest_str(c, r, "mod_yn", "N");
		simrest_str(c, r, "prdy_vrss_sign", b->prdy_vrss_sign);
		simrest_int(c, r, "prdy_vrss", b->prdy_vrss);
		simrest_str(c, r, "revl_issu_reas", "");
	}
	return simrest_send(c, q.res.http_status, root);
}

/* FID_INPUT_HOUR_1 "HHMMSS" ("" = now) as a number; -2 when not a time. */
static int32_t chart_hour(const char *s)
{
	if (s[0] == '\0')
		return -1;
	int32_t x = 0;
	for (int i = 0; i < 6; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -2;
		x = x * 10 + (s[i] - '0');
	}
	return s[6] == '\0' ? x : -2;
}

int simrest_chart_time(struct simrest_ctx *c)
{
	char hour[SIMVENUE_FIELD_MAX];
	if (simrest_query_field(c, "FID_INPUT_HOUR_1", 0, hour, sizeof(hour)) != 0)
		return c->rc;
	int32_t hhmmss = chart_hour(hour);
	if (hhmmss == -2)
		return simrest_venue_msg(c, SIMVENUE_E_INPUT, "FID_INPUT_HOUR_1");
	struct simvenue_quote q;
	if (quote(c, &q) != 0)
		return c->rc;
	struct simvenue_minute_bar bars[SIMVENUE_MINUTE_BARS_MAX];
	int n = 0;
	int rc = simvenue_minute_bars(c->w->venue, c->market_ms, q.pdno, hhmmss, bars, SIMVENUE_MINUTE_BARS_MAX, &n);
	if (rc == KE_EINVAL) /* six digits but no time of day ("996199") */
		return simrest_venue_msg(c, SIMVENUE_E_INPUT, "FID_INPUT_HOUR_1");
	if (rc != KE_OK)
		return simrest_venue_msg(c, SIMVENUE_E_INTERNAL, NULL);
	cJSON *root = simrest_venue_ok(c, &q.res);
	cJSON *o = simrest_obj(c, root, "output1");
	quote_change(c, o, &q);
	simrest_int(c, o, "stck_prdy_clpr", q.stck_sdpr);
	simrest_int(c, o, "acml_vol", q.acml_vol);
	simrest_int(c, o, "acml_tr_pbmn", q.acml_tr_pbmn);
	simrest_str(c, o, "hts_kor_isnm", q.name);
	simrest_int(c, o, "stck_prpr", q.stck_prpr);
	cJSON *rows = simrest_arr(c, root, "output2");
	for (int i = 0; rows != NULL && i < n; i++) {
		const struct simvenue_minute_bar *b = &bars[i];
		char date[16], hms[16];
		snprintf(date, sizeof(date), "%08d", (int)b->yyyymmdd);
		snprintf(hms, sizeof(hms), "%06d", (int)b->hhmmss);
		cJSON *r = simrest_obj(c, rows, NULL);
		simrest_str(c, r, "stck_bsop_date", date);
		simrest_str(c, r, "stck_cntg_hour", hms);
		simrest_int(c, r, "stck_prpr", b->close);
		simrest_int(c, r, "stck_oprc", b->open);
		simrest_int(c, r, "stck_hgpr", b->high);
		simrest_int(c, r, "stck_lwpr", b->low);
		simrest_int(c, r, "cntg_vol", b->volume);
		/* Cumulative, as KIS's name says: the day's value through the bar. */
		simrest_int(c, r, "acml_tr_pbmn", b->acml_value);
	}
	return simrest_send(c, q.res.http_status, root);
}

/* ---- chk-holiday (real only) ---- */

/* The venue knows weekends, not holidays: every weekday is a trading,
 * bank and settlement day, matching the venue's own session check. */
int simrest_holiday(struct simrest_ctx *c)
{
	char bass[SIMVENUE_FIELD_MAX];
	int32_t day;
	if (simrest_query_field(c, "BASS_DT", 1, bass, sizeof(bass)) != 0)
		return c->rc;
	if (parse_yyyymmdd(bass, &day) != 0)
		return simrest_venue_msg(c, SIMVENUE_E_INPUT, "BASS_DT");
	const struct simvenue_msg *m = &simvenue_get_config(c->w->venue)->msg[SIMVENUE_OK_INQUIRY];
	cJSON *root = simrest_envelope(c, m->rt_cd, m->msg_cd, m->msg1);
	/* One page: a calendar has no end, and clients stop on "last". */
	const char *cont = simrest_header(c->rq, "tr_cont");
	struct simvenue_paging pg = {"", cont != NULL && strcmp(cont, "N") == 0 ? 'E' : 'D', 0};
	simrest_paging(c, root, &pg, "ctx_area_fk", "ctx_area_nk");
	cJSON *rows = simrest_arr(c, root, "output");
	for (int i = 0; rows != NULL && i < HOLIDAY_ROWS; i++) {
		int32_t d = day + i;
		int wd = ktime_weekday(d); /* 0 = Sunday */
		const char *yn = wd != 0 && wd != 6 ? "Y" : "N";
		char date[16], wday[3] = {'0', (char)('1' + (wd >= 0 && wd <= 6 ? wd : 0)), '\0'};
		snprintf(date, sizeof(date), "%08d", (int)ktime_yyyymmdd(d));
		cJSON *o = simrest_obj(c, rows, NULL);
		simrest_str(c, o, "bass_dt", date);
		simrest_str(c, o, "wday_dvsn_cd", wday);
		simrest_str(c, o, "bzdy_yn", yn);
		simrest_str(c, o, "tr_day_yn", yn);
		simrest_str(c, o, "opnd_yn", yn);
		simrest_str(c, o, "sttl_day_yn", yn);
	}
	return simrest_send(c, m->http_status, root);
}
