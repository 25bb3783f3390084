/*
 * test_simvenue.c - kis-sim's venue driven directly: orders and their KIS
 * codes, buying power, fills with commission and tax, revise and cancel,
 * expiry, notices, and the query answers with their paging.
 *
 * Unless a test says otherwise: mock env, commission 0.015% (150,000 ppb),
 * sell tax 0.20% (the 2026 rate of the default table), account 12345678-01
 * with 10,000,000 won and 10 shares of 005930 bought at 70,000, and 005930's
 * previous close 70,000, so its band is 49,000 .. 91,000 (70,000 x 0.3 =
 * 21,000 either way, both already on the 100-won / 50-won tick grid).
 * 2026-03-02 is a Monday.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "ktime.h"
#include "simvenue.h"

#define MAXN 64

/* Bounded copy into a char array field. */
#define SET(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

struct rec {
	struct simvenue_notice n[MAXN];
	int count;
};

static void rec_notice(void *ud, const struct simvenue_notice *n)
{
	struct rec *r = ud;
	if (r->count < MAXN)
		r->n[r->count] = *n;
	r->count++;
}

static int64_t at(const char *date, const char *hms)
{
	char buf[64];
	int64_t ms;
	snprintf(buf, sizeof(buf), "%sT%s+09:00", date, hms);
	assert_int_equal(ktime_parse_iso(buf, strlen(buf), 0, &ms), 0);
	return ms;
}

static int64_t mon(const char *hms)
{
	return at("2026-03-02", hms);
}

static void base_cfg(struct simvenue_config *cfg, enum simvenue_env env)
{
	simvenue_config_default(cfg, env);
	cfg->fees.commission_ppb = 150000;
}

static void add_acct(struct simvenue *v, int64_t cash, int nh, const char *const *codes, const int64_t *qty,
                     const int64_t *avg)
{
	struct simacct_account a;
	memset(&a, 0, sizeof(a));
	SET(a.cano, "12345678");
	SET(a.prdt, "01");
	SET(a.hts_id, "tester");
	a.env = SIMACCT_BOTH;
	a.cash = cash;
	for (int i = 0; i < nh; i++) {
		SET(a.holdings[i].symbol, codes[i]);
		a.holdings[i].qty = qty[i];
		a.holdings[i].avg_price = avg[i];
	}
	a.nholdings = nh;
	assert_int_equal(simvenue_add_account(v, &a), KE_OK);
}

/* A venue with the standard account; 005930 is symbol *sam, 000660 *hynix
 * (previous close 150,000: band 105,000 .. 195,000). */
static struct simvenue *mkv(const struct simvenue_config *cfg, struct rec *r, int32_t *sam, int32_t *hynix)
{
	static const char *const codes[] = {"005930"};
	static const int64_t qty[] = {10}, avg[] = {70000};
	struct simvenue *v;
	assert_int_equal(simvenue_new(cfg, &v), KE_OK);
	int32_t s, h;
	assert_int_equal(simvenue_symbol(v, "005930", &s), KE_OK);
	assert_int_equal(simvenue_symbol(v, "000660", &h), KE_OK);
	assert_int_equal(simvenue_set_symbol_name(v, s, "삼성전자"), KE_OK);
	add_acct(v, 10000000, 1, codes, qty, avg);
	assert_int_equal(simvenue_set_prev_close(v, mon("08:00:00"), s, 70000), KE_OK);
	assert_int_equal(simvenue_set_prev_close(v, mon("08:00:00"), h, 150000), KE_OK);
	if (r) {
		memset(r, 0, sizeof(*r));
		simvenue_set_notice_sink(v, rec_notice, r);
	}
	if (sam)
		*sam = s;
	if (hynix)
		*hynix = h;
	return v;
}

static struct simvenue *mock_venue(struct rec *r, int32_t *sam, int32_t *hynix)
{
	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_MOCK);
	return mkv(&cfg, r, sam, hynix);
}

static struct simvenue_order_req oreq(enum order_side side, const char *pdno, const char *dvsn, const char *qty,
                                      const char *unpr)
{
	struct simvenue_order_req q;
	memset(&q, 0, sizeof(q));
	SET(q.tr_id, side == SIDE_BUY ? "VTTC0012U" : "VTTC0011U");
	q.side = side;
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	snprintf(q.pdno, sizeof(q.pdno), "%s", pdno);
	snprintf(q.ord_dvsn, sizeof(q.ord_dvsn), "%s", dvsn);
	snprintf(q.ord_qty, sizeof(q.ord_qty), "%s", qty);
	snprintf(q.ord_unpr, sizeof(q.ord_unpr), "%s", unpr);
	return q;
}

static struct simvenue_rvse_req rreq(const char *orgn, const char *rvse, const char *all, const char *qty,
                                     const char *dvsn, const char *unpr)
{
	struct simvenue_rvse_req q;
	memset(&q, 0, sizeof(q));
	SET(q.tr_id, "VTTC0013U");
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	SET(q.krx_fwdg_ord_orgno, "00950");
	snprintf(q.orgn_odno, sizeof(q.orgn_odno), "%s", orgn);
	snprintf(q.rvse_cncl_dvsn_cd, sizeof(q.rvse_cncl_dvsn_cd), "%s", rvse);
	snprintf(q.qty_all_ord_yn, sizeof(q.qty_all_ord_yn), "%s", all);
	snprintf(q.ord_qty, sizeof(q.ord_qty), "%s", qty);
	snprintf(q.ord_dvsn, sizeof(q.ord_dvsn), "%s", dvsn);
	snprintf(q.ord_unpr, sizeof(q.ord_unpr), "%s", unpr);
	return q;
}

/* Place and return the answer's msg_cd in code (and the ack). */
static struct simvenue_result place(struct simvenue *v, int64_t now, struct simvenue_order_req q,
                                    struct simvenue_order_ack *ack)
{
	struct simvenue_result res;
	struct simvenue_order_ack a;
	assert_int_equal(simvenue_place(v, now, &q, &res, ack ? ack : &a), KE_OK);
	return res;
}

static int64_t place_ok(struct simvenue *v, int64_t now, struct simvenue_order_req q)
{
	struct simvenue_order_ack ack;
	struct simvenue_result res = place(v, now, q, &ack);
	assert_string_equal(res.rt_cd, "0");
	return ack.odno_num;
}

static struct simvenue_result rvse(struct simvenue *v, int64_t now, struct simvenue_rvse_req q,
                                   struct simvenue_order_ack *ack)
{
	struct simvenue_result res;
	struct simvenue_order_ack a;
	assert_int_equal(simvenue_revise_cancel(v, now, &q, &res, ack ? ack : &a), KE_OK);
	return res;
}

static void tick(struct simvenue *v, int32_t sym, int64_t now, int64_t price, int64_t vol)
{
	struct tick t = {now, sym, price, vol, 0, 0};
	assert_int_equal(simvenue_on_tick(v, &t), KE_OK);
}

static int64_t avail_cash(struct simvenue *v, int64_t now)
{
	struct simvenue_psbl_order_req q;
	struct simvenue_psbl_order out;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	assert_int_equal(simvenue_psbl_order(v, now, &q, &out), KE_OK);
	assert_string_equal(out.res.rt_cd, "0");
	return out.ord_psbl_cash;
}

static void balance(struct simvenue *v, int64_t now, const char *cursor, struct simvenue_balance *out)
{
	struct simvenue_balance_req q;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	snprintf(q.cursor, sizeof(q.cursor), "%s", cursor);
	assert_int_equal(simvenue_balance(v, now, &q, out), KE_OK);
	assert_string_equal(out->res.rt_cd, "0");
}

static const struct simvenue_balance_row *row_of(const struct simvenue_balance *b, const char *pdno)
{
	for (int i = 0; i < b->nrows; i++)
		if (strcmp(b->rows[i].pdno, pdno) == 0)
			return &b->rows[i];
	return NULL;
}

static void test_place_limit_and_market(void **state)
{
	(void)state;
	struct rec r;
	int32_t sam;
	struct simvenue *v = mock_venue(&r, &sam, NULL);
	struct simvenue_order_ack ack;
	struct simvenue_result res = place(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "10", "71000"), &ack);
	assert_int_equal(res.http_status, 200);
	assert_string_equal(res.rt_cd, "0");
	assert_string_equal(res.msg_cd, "40600000");
	assert_string_equal(res.msg1, "모의투자 매수주문이 완료 되었습니다.");
	assert_string_equal(ack.krx_fwdg_ord_orgno, "00950");
	assert_string_equal(ack.odno, "0000000001");
	assert_string_equal(ack.ord_tmd, "093000");
	/* 10 x 71,000 = 710,000 plus commission floor(106.5) = 106 is held. */
	assert_int_equal(avail_cash(v, mon("09:30:00")), 10000000 - 710106);

	/* A market sell: ORD_UNPR "0"; the answer is the sell's own code. */
	res = place(v, mon("09:31:00"), oreq(SIDE_SELL, "005930", "01", "4", "0"), &ack);
	assert_string_equal(res.msg_cd, "40590000");
	assert_string_equal(res.msg1, "모의투자 매도주문이 완료 되었습니다.");
	assert_string_equal(ack.odno, "0000000002");
	struct simvenue_balance b;
	balance(v, mon("09:31:00"), "", &b);
	assert_int_equal(row_of(&b, "005930")->hldg_qty, 10);
	assert_int_equal(row_of(&b, "005930")->ord_psbl_qty, 6); /* 10 held - 4 offered */

	struct simvenue_order_info oi;
	assert_int_equal(simvenue_order_get(v, 2, &oi), KE_OK);
	assert_int_equal(oi.side, SIDE_SELL);
	assert_string_equal(oi.ord_dvsn, "01");
	assert_int_equal(oi.price, 0);
	assert_int_equal(oi.remaining, 4);
	assert_int_equal(simvenue_order_get(v, 3, &oi), KE_ENOENT);

	/* The receipt notice of the buy. */
	assert_int_equal(r.count, 2);
	const struct simvenue_notice *n = &r.n[0];
	assert_int_equal(n->kind, SIMVENUE_NOTICE_RECEIPT);
	assert_string_equal(n->cust_id, "tester");
	assert_string_equal(n->acnt_no, "1234567801");
	assert_string_equal(n->oder_no, "0000000001");
	assert_string_equal(n->ooder_no, "0000000000");
	assert_string_equal(n->seln_byov_cls, "02");
	assert_string_equal(n->rctf_cls, "0");
	assert_string_equal(n->oder_kind, "00");
	assert_string_equal(n->stck_shrn_iscd, "005930");
	assert_int_equal(n->cntg_qty, 10);
	assert_int_equal(n->cntg_unpr, 71000);
	assert_string_equal(n->stck_cntg_hour, "093000");
	assert_string_equal(n->rfus_yn, "0");
	assert_string_equal(n->cntg_yn, "1");
	assert_string_equal(n->acpt_yn, "1");
	assert_string_equal(n->brnc_no, "00950");
	assert_int_equal(n->oder_qty, 10);
	assert_int_equal(n->oder_prc, 71000);
	assert_string_equal(n->cntg_isnm40, "삼성전자");
	assert_string_equal(r.n[1].seln_byov_cls, "01");
	assert_string_equal(r.n[1].oder_kind, "01");
	simvenue_free(v);
}

static void test_buying_power_upper_limit(void **state)
{
	(void)state;
	int32_t sam;
	struct simvenue *v = mock_venue(NULL, &sam, NULL);
	struct simvenue_psbl_order_req q;
	struct simvenue_psbl_order out;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	SET(q.pdno, "005930");
	SET(q.ord_dvsn, "01");
	SET(q.ord_unpr, "0");
	/* Market: priced at the upper limit 91,000. 10,000,000 / (91,000 x
	 * 1.00015) = 109.87: 109 shares cost 9,919,000 + 1,487 = 9,920,487; 110
	 * would be 10,010,000 before commission. */
	assert_int_equal(simvenue_psbl_order(v, mon("09:30:00"), &q, &out), KE_OK);
	assert_string_equal(out.res.msg_cd, "20310000");
	assert_int_equal(out.ord_psbl_cash, 10000000);
	assert_int_equal(out.psbl_qty_calc_unpr, 91000);
	assert_int_equal(out.nrcvb_buy_qty, 109);
	assert_int_equal(out.max_buy_qty, 109);
	assert_int_equal(out.nrcvb_buy_amt, 109 * 91000);
	/* Limit at 70,000: 10,000,000 / 70,010.5 = 142.8: 142 x 70,000 =
	 * 9,940,000 + 1,491 fits, 143 x 70,000 = 10,010,000 does not. */
	SET(q.ord_dvsn, "00");
	SET(q.ord_unpr, "70000");
	assert_int_equal(simvenue_psbl_order(v, mon("09:30:00"), &q, &out), KE_OK);
	assert_int_equal(out.nrcvb_buy_qty, 142);
	/* No price given: the current one (the base, 70,000, before any print). */
	SET(q.ord_unpr, "");
	assert_int_equal(simvenue_psbl_order(v, mon("09:30:00"), &q, &out), KE_OK);
	assert_int_equal(out.psbl_qty_calc_unpr, 70000);
	assert_int_equal(out.nrcvb_buy_qty, 142);

	/* 110 at market is refused although 110 x 70,000 would fit. */
	struct simvenue_result res = place(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "01", "110", "0"), NULL);
	assert_string_equal(res.rt_cd, "1");
	assert_string_equal(res.msg_cd, "40910000");
	assert_int_equal(place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "01", "109", "0")), 1);
	assert_int_equal(avail_cash(v, mon("09:30:00")), 10000000 - 9920487);
	/* 79,513 left: 1 @ 79,500 needs 79,500 + floor(11.925) = 79,511. */
	assert_int_equal(place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "1", "79500")), 2);
	res = place(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "1", "50000"), NULL);
	assert_string_equal(res.msg_cd, "40910000");

	/* Both fill on the next print at 70,000 and settle at that price:
	 * 109 x 70,000 = 7,630,000 + floor(1,144.5) = 1,144, then 70,000 + 10. */
	tick(v, sam, mon("09:31:00"), 70000, 1000);
	assert_int_equal(avail_cash(v, mon("09:31:00")), 10000000 - 7631144 - 70010);
	struct simvenue_balance b;
	balance(v, mon("09:31:00"), "", &b);
	assert_int_equal(row_of(&b, "005930")->hldg_qty, 120);
	simvenue_free(v);
}

struct reject_case {
	enum order_side side;
	const char *pdno, *dvsn, *qty, *unpr, *code, *in_msg;
};

static void test_place_rejections_mock(void **state)
{
	(void)state;
	struct rec r;
	struct simvenue *v = mock_venue(&r, NULL, NULL);
	static const struct reject_case cases[] = {
	    {SIDE_BUY, "999999", "00", "1", "70000", "40070000", "매매불가 종목"},
	    {SIDE_BUY, "005930", "00", "0", "70000", "SIM00004", NULL},
	    {SIDE_BUY, "005930", "00", "-3", "70000", "SIM00004", NULL},
	    {SIDE_BUY, "005930", "00", "1.5", "70000", "SIM00004", NULL},
	    {SIDE_BUY, "005930", "00", "", "70000", "SIM00004", NULL},
	    {SIDE_BUY, "005930", "00", "1", "70050", "APBK0506", "호가단위"}, /* tick is 100 here */
	    {SIDE_BUY, "005930", "00", "1", "91100", "APBK0406", "상한가"},
	    {SIDE_BUY, "005930", "00", "1", "48950", "SIM00005", "하한가"}, /* on its 50-won grid */
	    {SIDE_BUY, "005930", "00", "1", "7x", "SIM00001", "(ORD_UNPR)"},
	    {SIDE_BUY, "005930", "03", "1", "70000", "SIM00002", "(ORD_DVSN)"},
	    {SIDE_BUY, "005930", "", "1", "70000", "SIM00001", "(ORD_DVSN)"},
	    {SIDE_SELL, "005930", "00", "11", "70000", "40240000", "잔고내역이 없습니다"},
	    {SIDE_SELL, "000660", "00", "1", "150000", "40240000", NULL},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		const struct reject_case *c = &cases[i];
		struct simvenue_result res =
		    place(v, mon("10:00:00"), oreq(c->side, c->pdno, c->dvsn, c->qty, c->unpr), NULL);
		assert_string_equal(res.rt_cd, "1");
		assert_int_equal(res.http_status, 200);
		assert_string_equal(res.msg_cd, c->code);
		if (c->in_msg)
			assert_non_null(strstr(res.msg1, c->in_msg));
	}
	struct simvenue_order_req q = oreq(SIDE_BUY, "005930", "00", "1", "70000");
	SET(q.excg_id_dvsn_cd, "NXT");
	assert_string_equal(place(v, mon("10:00:00"), q, NULL).msg_cd, "SIM00002");
	q = oreq(SIDE_BUY, "005930", "00", "1", "70000");
	SET(q.cano, "87654321");
	assert_string_equal(place(v, mon("10:00:00"), q, NULL).msg_cd, "OPSQ2000");
	/* Shares already offered cannot be offered again. */
	place_ok(v, mon("10:00:00"), oreq(SIDE_SELL, "005930", "00", "10", "71000"));
	assert_string_equal(place(v, mon("10:00:00"), oreq(SIDE_SELL, "005930", "00", "1", "71000"), NULL).msg_cd,
	                    "40240000");

	/* A symbol without any price yet has no band: a market order cannot be
	 * priced, a limit order on the grid is taken. */
	int32_t kakao;
	assert_int_equal(simvenue_symbol(v, "035720", &kakao), KE_OK);
	assert_string_equal(place(v, mon("10:00:00"), oreq(SIDE_BUY, "035720", "01", "1", "0"), NULL).msg_cd,
	                    "SIM00006");
	place_ok(v, mon("10:00:00"), oreq(SIDE_BUY, "035720", "00", "1", "40000"));

	struct simvenue_counters k;
	simvenue_get_counters(v, &k);
	/* 13 table cases + NXT + account + the second sell + no price = 17
	 * refused, 19 asked. */
	assert_int_equal(k.place_requests, 19);
	assert_int_equal(k.place_refused, 17);
	assert_int_equal(k.orders, 2);
	assert_int_equal(r.count, 2); /* refusals send no notice */
	simvenue_free(v);
}

static void test_session_mock_and_real(void **state)
{
	(void)state;
	struct simvenue *v = mock_venue(NULL, NULL, NULL);
	struct simvenue_order_req q = oreq(SIDE_BUY, "005930", "00", "1", "70000");
	struct simvenue_result res = place(v, mon("08:59:59"), q, NULL);
	assert_string_equal(res.msg_cd, "40570000");
	assert_string_equal(res.msg1, "모의투자 장시작전 입니다.");
	assert_string_equal(place(v, mon("09:00:00"), q, NULL).rt_cd, "0");
	assert_string_equal(place(v, mon("15:29:59"), q, NULL).rt_cd, "0");
	res = place(v, mon("15:30:00"), q, NULL);
	assert_string_equal(res.msg_cd, "40580000");
	assert_string_equal(res.msg1, "모의투자 장종료 입니다.");
	/* A cancel after the close is refused the same way. */
	assert_string_equal(rvse(v, mon("15:31:00"), rreq("1", "02", "Y", "0", "00", "0"), NULL).msg_cd, "40580000");
	assert_string_equal(place(v, at("2026-03-07", "10:00:00"), q, NULL).msg_cd, "40100000"); /* Saturday */
	simvenue_free(v);

	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_REAL);
	v = mkv(&cfg, NULL, NULL, NULL);
	assert_string_equal(place(v, mon("08:29:59"), q, NULL).msg_cd, "APBK0918");
	/* Real takes orders for the opening auction from 08:30. */
	assert_string_equal(place(v, mon("08:30:00"), q, NULL).msg_cd, "APBK0013");
	assert_string_equal(place(v, mon("15:30:00"), q, NULL).msg_cd, "APBK0918");
	simvenue_free(v);

	base_cfg(&cfg, SIMVENUE_MOCK);
	cfg.check_session = 0;
	v = mkv(&cfg, NULL, NULL, NULL);
	assert_string_equal(place(v, mon("20:00:00"), q, NULL).rt_cd, "0");
	simvenue_free(v);
}

static void test_fills_book_commission_tax_and_settlement(void **state)
{
	(void)state;
	int32_t sam;
	struct simvenue *v = mock_venue(NULL, &sam, NULL);
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "10", "71000"));
	/* A limit buy fills at the print's price: 10 x 70,900 = 709,000,
	 * commission floor(106.35) = 106. */
	tick(v, sam, mon("09:30:01"), 70900, 100);
	place_ok(v, mon("09:31:00"), oreq(SIDE_SELL, "005930", "00", "15", "71500"));
	/* Sell 15 at the print 71,600: 1,074,000, commission floor(161.1) = 161,
	 * tax 0.20% = 2,148. */
	tick(v, sam, mon("09:31:01"), 71600, 1000);

	struct simvenue_order_info oi;
	assert_int_equal(simvenue_order_get(v, 2, &oi), KE_OK);
	assert_int_equal(oi.filled_qty, 15);
	assert_int_equal(oi.filled_amt, 1074000);
	assert_int_equal(oi.fees, 161);
	assert_int_equal(oi.taxes, 2148);
	assert_int_equal(oi.remaining, 0);

	struct simvenue_balance b;
	balance(v, mon("09:32:00"), "", &b);
	assert_int_equal(b.nrows, 1);
	const struct simvenue_balance_row *row = row_of(&b, "005930");
	/* Held 20 costing 700,000 + 709,000 = 1,409,000; 15 sold take
	 * floor(1,409,000 x 15 / 20) = 1,056,750, leaving 5 at 352,250. */
	assert_int_equal(row->hldg_qty, 5);
	assert_int_equal(row->ord_psbl_qty, 5);
	assert_int_equal(row->pchs_amt, 352250);
	assert_int_equal(row->pchs_avg_pric, 70450);
	assert_int_equal(row->pchs_avg_pric_e4, 704500000);
	assert_int_equal(row->prpr, 71600);
	assert_int_equal(row->evlu_amt, 358000);
	assert_int_equal(row->evlu_pfls_amt, 5750);
	assert_int_equal(row->evlu_pfls_rt_bp, 163); /* 5,750 / 352,250 = 1.632% */
	assert_int_equal(row->fltt_rt_bp, 229);      /* 1,600 / 70,000 = 2.2857% */
	assert_int_equal(row->bfdy_cprs_icdc, 1600);
	assert_int_equal(row->thdt_buyqty, 10);
	assert_int_equal(row->thdt_sll_qty, 15);
	/* Cash: 10,000,000 - 709,106 + (1,074,000 - 161 - 2,148 = 1,071,691). */
	const struct simvenue_balance_summary *s = &b.sum;
	assert_int_equal(s->prvs_rcdl_excc_amt, 10362585);
	/* Monday's trades settle on Wednesday: the deposit and D+1 are unchanged. */
	assert_int_equal(s->dnca_tot_amt, 10000000);
	assert_int_equal(s->nxdy_excc_amt, 10000000);
	assert_int_equal(s->thdt_buy_amt, 709000);
	assert_int_equal(s->thdt_sll_amt, 1074000);
	assert_int_equal(s->thdt_tlex_amt, 106 + 161 + 2148);
	assert_int_equal(s->scts_evlu_amt, 358000);
	assert_int_equal(s->pchs_amt_smtl_amt, 352250);
	assert_int_equal(s->evlu_pfls_smtl_amt, 5750);
	assert_int_equal(s->tot_evlu_amt, 358000 + 10362585);
	assert_int_equal(b.page.tr_cont, 'D');

	/* Tuesday: D+1 now includes Monday; the day's counters moved to bfdy. */
	balance(v, at("2026-03-03", "08:00:00"), "", &b);
	assert_int_equal(b.sum.dnca_tot_amt, 10000000);
	assert_int_equal(b.sum.nxdy_excc_amt, 10362585);
	assert_int_equal(b.sum.thdt_buy_amt, 0);
	assert_int_equal(b.sum.bfdy_buy_amt, 709000);
	/* Yesterday's total: 5 x 71,600 + 10,362,585. */
	assert_int_equal(b.sum.bfdy_tot_asst_evlu_amt, 358000 + 10362585);
	assert_int_equal(b.rows[0].thdt_buyqty, 0);
	assert_int_equal(b.rows[0].bfdy_buy_qty, 10);
	assert_int_equal(b.rows[0].bfdy_sll_qty, 15);
	/* Wednesday: settled. */
	balance(v, at("2026-03-04", "08:00:00"), "", &b);
	assert_int_equal(b.sum.dnca_tot_amt, 10362585);

	struct simvenue_counters k;
	simvenue_get_counters(v, &k);
	assert_int_equal(k.fills, 2);
	assert_int_equal(k.book_errors, 0);
	simvenue_free(v);
}

static void test_partial_fill_revise_cancel(void **state)
{
	(void)state;
	struct rec r;
	int32_t sam;
	struct simvenue *v = mock_venue(&r, &sam, NULL);
	assert_int_equal(place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "100", "70000")), 1);
	tick(v, sam, mon("09:30:01"), 70000, 30); /* 30 of 100 fill */

	/* Revise 40 of the 70 left to 70,500: a new order 2 carries them. */
	struct simvenue_order_ack ack;
	struct simvenue_result res = rvse(v, mon("09:31:00"), rreq("0000000001", "01", "N", "40", "00", "70500"), &ack);
	assert_string_equal(res.msg_cd, "40620000");
	assert_string_equal(res.msg1, "모의투자 정정주문이 완료 되었습니다.");
	assert_string_equal(ack.odno, "0000000002");
	assert_string_equal(ack.krx_fwdg_ord_orgno, "00950");
	assert_string_equal(ack.ord_tmd, "093100");
	struct simvenue_order_info a, b;
	assert_int_equal(simvenue_order_get(v, 1, &a), KE_OK);
	assert_int_equal(simvenue_order_get(v, 2, &b), KE_OK);
	assert_int_equal(a.filled_qty, 30);
	assert_int_equal(a.remaining, 30);
	assert_int_equal(a.revised_qty, 40);
	assert_int_equal(b.kind, SIMVENUE_KIND_REVISE);
	assert_int_equal(b.orgn_odno, 1);
	assert_int_equal(b.qty, 40);
	assert_int_equal(b.price, 70500);
	assert_int_equal(b.remaining, 40);
	/* Cash 10,000,000 - (2,100,000 + 315); held: 30 @ 70,000 = 2,100,315
	 * and 40 @ 70,500 = 2,820,000 + 423. */
	assert_int_equal(avail_cash(v, mon("09:31:00")), 10000000 - 2100315 - 2100315 - 2820423);

	/* A print at 70,500 reaches only the revised order. */
	tick(v, sam, mon("09:31:01"), 70500, 10);
	assert_int_equal(simvenue_order_get(v, 2, &b), KE_OK);
	assert_int_equal(b.filled_qty, 10);
	assert_int_equal(simvenue_order_get(v, 1, &a), KE_OK);
	assert_int_equal(a.filled_qty, 30);

	/* Cancel all that is left of order 1: cancel record 3. */
	res = rvse(v, mon("09:32:00"), rreq("1", "02", "Y", "0", "00", "0"), &ack);
	assert_string_equal(res.msg_cd, "40630000");
	assert_string_equal(ack.odno, "0000000003");
	assert_int_equal(simvenue_order_get(v, 1, &a), KE_OK);
	assert_int_equal(a.remaining, 0);
	assert_int_equal(a.cancelled_qty, 30);
	struct simvenue_order_info c;
	assert_int_equal(simvenue_order_get(v, 3, &c), KE_OK);
	assert_int_equal(c.kind, SIMVENUE_KIND_CANCEL);
	assert_int_equal(c.orgn_odno, 1);
	assert_int_equal(c.qty, 30);
	/* Part of the revised order: 10 of its 30. */
	res = rvse(v, mon("09:33:00"), rreq("2", "02", "N", "10", "00", "0"), &ack);
	assert_string_equal(res.rt_cd, "0");
	assert_int_equal(ack.odno_num, 4);
	assert_int_equal(simvenue_order_get(v, 2, &b), KE_OK);
	assert_int_equal(b.remaining, 20);
	/* The chain goes on: revise all of order 2 to market, order 5. */
	res = rvse(v, mon("09:34:00"), rreq("2", "01", "Y", "0", "01", "0"), &ack);
	assert_string_equal(res.rt_cd, "0");
	assert_int_equal(ack.odno_num, 5);
	struct simvenue_order_info e;
	assert_int_equal(simvenue_order_get(v, 5, &e), KE_OK);
	assert_int_equal(e.orgn_odno, 2);
	assert_int_equal(e.remaining, 20);
	assert_string_equal(e.ord_dvsn, "01");

	/* Refusals. */
	assert_string_equal(rvse(v, mon("09:35:00"), rreq("1", "02", "Y", "0", "00", "0"), NULL).msg_cd, "40330000");
	assert_string_equal(rvse(v, mon("09:35:00"), rreq("99", "02", "Y", "0", "00", "0"), NULL).msg_cd, "40330000");
	assert_string_equal(rvse(v, mon("09:35:00"), rreq("3", "02", "Y", "0", "00", "0"), NULL).msg_cd, "40330000");
	assert_string_equal(rvse(v, mon("09:35:00"), rreq("5", "02", "N", "21", "00", "0"), NULL).msg_cd, "SIM00008");
	assert_string_equal(rvse(v, mon("09:35:00"), rreq("5", "03", "Y", "0", "00", "0"), NULL).msg_cd, "SIM00001");
	assert_string_equal(rvse(v, mon("09:35:00"), rreq("5", "01", "Y", "0", "00", "70010"), NULL).msg_cd,
	                    "APBK0506");
	struct simvenue_rvse_req q = rreq("5", "02", "Y", "0", "00", "0");
	SET(q.krx_fwdg_ord_orgno, "06010");
	assert_string_equal(rvse(v, mon("09:35:00"), q, NULL).msg_cd, "40330000");

	/* Fill the market order: 20 x 70,200. */
	tick(v, sam, mon("09:36:00"), 70200, 100);
	assert_int_equal(simvenue_order_get(v, 5, &e), KE_OK);
	assert_int_equal(e.filled_qty, 20);
	/* Notices: receipt 1, fill 30, revised 2, fill 10, cancelled 3, cancelled 4, revised 5, fill 20. */
	static const enum simvenue_notice_kind kinds[] = {
	    SIMVENUE_NOTICE_RECEIPT,   SIMVENUE_NOTICE_FILL,      SIMVENUE_NOTICE_REVISED, SIMVENUE_NOTICE_FILL,
	    SIMVENUE_NOTICE_CANCELLED, SIMVENUE_NOTICE_CANCELLED, SIMVENUE_NOTICE_REVISED, SIMVENUE_NOTICE_FILL};
	assert_int_equal(r.count, (int)KE_ARRAY_LEN(kinds));
	for (size_t i = 0; i < KE_ARRAY_LEN(kinds); i++)
		assert_int_equal(r.n[i].kind, kinds[i]);
	/* 30 + 10 + 20 = 60 shares bought in all, nothing held back any more. */
	assert_int_equal(avail_cash(v, mon("09:36:00")), 10000000 - (2100000 + 315) - (705000 + 105) - (1404000 + 210));
	simvenue_free(v);
}

static void test_cancel_filled_refused(void **state)
{
	(void)state;
	int32_t sam;
	struct simvenue *v = mock_venue(NULL, &sam, NULL);
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "10", "71000"));
	tick(v, sam, mon("09:30:01"), 71000, 10);
	struct simvenue_result res = rvse(v, mon("09:31:00"), rreq("1", "02", "Y", "0", "00", "0"), NULL);
	assert_string_equal(res.rt_cd, "1");
	assert_string_equal(res.msg_cd, "40330000");
	assert_string_equal(res.msg1, "모의투자 정정/취소할 수량이 없습니다.");
	assert_string_equal(rvse(v, mon("09:31:00"), rreq("1", "01", "Y", "0", "00", "71100"), NULL).msg_cd,
	                    "40330000");
	struct simvenue_counters k;
	simvenue_get_counters(v, &k);
	assert_int_equal(k.rvse_refused, 2);
	assert_int_equal(k.cancels, 0);
	simvenue_free(v);
}

static void test_notice_flags_and_expiry(void **state)
{
	(void)state;
	struct rec r;
	int32_t sam;
	struct simvenue *v = mock_venue(&r, &sam, NULL);
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "10", "60000"));
	place_ok(v, mon("09:30:00"), oreq(SIDE_SELL, "005930", "00", "8", "72000"));
	tick(v, sam, mon("09:40:00"), 72000, 3); /* 3 of the sell */
	rvse(v, mon("09:41:00"), rreq("2", "02", "N", "1", "00", "0"), NULL);
	assert_int_equal(avail_cash(v, mon("10:00:00")) + 600090, 10000000 + 216000 - 32 - 432);
	/* Nothing more trades; Tuesday's first call expires what is left. */
	struct simvenue_balance b;
	balance(v, at("2026-03-03", "08:00:00"), "", &b);
	/* Held 10, sold 3: 7, all free again. */
	assert_int_equal(b.rows[0].hldg_qty, 7);
	assert_int_equal(b.rows[0].ord_psbl_qty, 7);
	/* 3 x 72,000 = 216,000, commission floor(32.4) = 32, tax 432; the
	 * buy's 600,090 is no longer held. */
	assert_int_equal(avail_cash(v, at("2026-03-03", "08:00:00")), 10000000 + 216000 - 32 - 432);

	/* receipt(1) receipt(2) fill(2) cancelled(3) expired(1) expired(2) */
	assert_int_equal(r.count, 6);
	static const struct {
		enum simvenue_notice_kind kind;
		const char *oder_no, *ooder_no, *rctf, *rfus, *cntg, *acpt;
		int64_t qty, price, oder_qty;
		const char *hour;
	} want[] = {
	    {SIMVENUE_NOTICE_RECEIPT, "0000000001", "0000000000", "0", "0", "1", "1", 10, 60000, 10, "093000"},
	    {SIMVENUE_NOTICE_RECEIPT, "0000000002", "0000000000", "0", "0", "1", "1", 8, 72000, 8, "093000"},
	    {SIMVENUE_NOTICE_FILL, "0000000002", "0000000000", "0", "0", "2", "2", 3, 72000, 8, "094000"},
	    {SIMVENUE_NOTICE_CANCELLED, "0000000003", "0000000002", "2", "0", "1", "2", 1, 72000, 1, "094100"},
	    {SIMVENUE_NOTICE_REJECTED, "0000000001", "0000000000", "0", "1", "1", "3", 10, 60000, 10, "080000"},
	    {SIMVENUE_NOTICE_REJECTED, "0000000002", "0000000000", "0", "1", "1", "3", 4, 72000, 8, "080000"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(want); i++) {
		const struct simvenue_notice *n = &r.n[i];
		assert_int_equal(n->kind, want[i].kind);
		assert_string_equal(n->oder_no, want[i].oder_no);
		assert_string_equal(n->ooder_no, want[i].ooder_no);
		assert_string_equal(n->rctf_cls, want[i].rctf);
		assert_string_equal(n->rfus_yn, want[i].rfus);
		assert_string_equal(n->cntg_yn, want[i].cntg);
		assert_string_equal(n->acpt_yn, want[i].acpt);
		assert_int_equal(n->cntg_qty, want[i].qty);
		assert_int_equal(n->cntg_unpr, want[i].price);
		assert_int_equal(n->oder_qty, want[i].oder_qty);
		assert_string_equal(n->stck_cntg_hour, want[i].hour);
	}

	/* Monday's orders in daily-ccld: the unfilled rest is rjct_qty now. */
	struct simvenue_ccld_req q;
	struct simvenue_ccld out;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	SET(q.inqr_strt_dt, "20260302");
	SET(q.inqr_end_dt, "20260302");
	SET(q.inqr_dvsn, "01");
	assert_int_equal(simvenue_daily_ccld(v, at("2026-03-03", "08:00:00"), &q, &out), KE_OK);
	assert_int_equal(out.nrows, 3);
	assert_int_equal(out.rows[0].rjct_qty, 10);
	assert_int_equal(out.rows[0].rmn_qty, 0);
	assert_int_equal(out.rows[1].rjct_qty, 4); /* 8 - 3 filled - 1 cancelled */
	assert_string_equal(out.rows[2].cncl_yn, "Y");
	assert_int_equal(out.rows[2].cnc_cfrm_qty, 1);
	struct simvenue_counters k;
	simvenue_get_counters(v, &k);
	assert_int_equal(k.expired, 2);
	simvenue_free(v);
}

static void test_balance_paging(void **state)
{
	(void)state;
	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_MOCK);
	cfg.balance_page = 2;
	struct simvenue *v;
	assert_int_equal(simvenue_new(&cfg, &v), KE_OK);
	/* Given out of order: the balance lists by PDNO. */
	static const char *const codes[] = {"000500", "000100", "000300", "000200", "000400"};
	static const int64_t qty[] = {5, 1, 3, 2, 4}, avg[] = {5000, 1000, 3000, 2000, 4000};
	add_acct(v, 1000000, 5, codes, qty, avg);
	int32_t s100;
	assert_int_equal(simvenue_symbol_find(v, "000100", &s100), KE_OK);
	struct simvenue_balance b;
	balance(v, mon("09:00:00"), "", &b);
	assert_int_equal(b.nrows, 2);
	assert_string_equal(b.rows[0].pdno, "000100");
	assert_string_equal(b.rows[1].pdno, "000200");
	assert_int_equal(b.page.tr_cont, 'F');
	assert_int_equal(b.page.more, 1);
	assert_string_equal(b.page.next, "000200");
	/* Totals cover every holding on every page: 1,000 + 4,000 + 9,000 +
	 * 16,000 + 25,000 = 55,000 (no prices yet: valued at cost). */
	assert_int_equal(b.sum.pchs_amt_smtl_amt, 55000);
	assert_int_equal(b.sum.tot_evlu_amt, 55000 + 1000000);
	balance(v, mon("09:00:00"), "000200", &b);
	assert_int_equal(b.nrows, 2);
	assert_string_equal(b.rows[0].pdno, "000300");
	assert_string_equal(b.rows[1].pdno, "000400");
	assert_int_equal(b.page.tr_cont, 'M');
	assert_string_equal(b.page.next, "000400");
	balance(v, mon("09:00:00"), "000400", &b);
	assert_int_equal(b.nrows, 1);
	assert_string_equal(b.rows[0].pdno, "000500");
	assert_int_equal(b.page.tr_cont, 'E');
	assert_int_equal(b.page.more, 0);
	assert_string_equal(b.page.next, "");

	/* Selling 000100 out keeps it listed, at 0, until the day ends. */
	struct simvenue_order_req q = oreq(SIDE_SELL, "000100", "01", "1", "0");
	assert_int_equal(simvenue_set_prev_close(v, mon("09:00:00"), s100, 1000), KE_OK);
	place_ok(v, mon("09:10:00"), q);
	tick(v, s100, mon("09:10:01"), 1000, 10);
	balance(v, mon("09:20:00"), "", &b);
	assert_string_equal(b.rows[0].pdno, "000100");
	assert_int_equal(b.rows[0].hldg_qty, 0);
	assert_int_equal(b.rows[0].thdt_sll_qty, 1);
	balance(v, at("2026-03-03", "09:00:00"), "", &b);
	assert_string_equal(b.rows[0].pdno, "000200");
	simvenue_free(v);
}

static void ccld(struct simvenue *v, int64_t now, const char *side, const char *pdno, const char *odno,
                 const char *ccld_dvsn, const char *dvsn, const char *cursor, struct simvenue_ccld *out)
{
	struct simvenue_ccld_req q;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	SET(q.sll_buy_dvsn_cd, side);
	SET(q.pdno, pdno);
	SET(q.odno, odno);
	SET(q.ccld_dvsn, ccld_dvsn);
	SET(q.inqr_dvsn, dvsn);
	SET(q.cursor, cursor);
	assert_int_equal(simvenue_daily_ccld(v, now, &q, out), KE_OK);
}

static void test_daily_ccld(void **state)
{
	(void)state;
	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_MOCK);
	cfg.ccld_page = 2;
	int32_t sam;
	struct simvenue *v = mkv(&cfg, NULL, &sam, NULL);
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "10", "71000"));
	tick(v, sam, mon("09:30:01"), 70900, 100); /* 709,000, commission 106 */
	place_ok(v, mon("09:31:00"), oreq(SIDE_SELL, "005930", "00", "5", "80000"));
	place_ok(v, mon("09:32:00"), oreq(SIDE_BUY, "000660", "00", "3", "150000"));
	place_ok(v, mon("09:33:00"), oreq(SIDE_BUY, "000660", "00", "2", "149000"));
	int64_t now = mon("10:00:00");
	struct simvenue_ccld out;

	ccld(v, now, "00", "", "", "00", "00", "", &out); /* newest first */
	assert_string_equal(out.res.msg_cd, "20310000");
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].odno, "0000000004");
	assert_string_equal(out.rows[1].odno, "0000000003");
	assert_int_equal(out.page.tr_cont, 'F');
	assert_string_equal(out.page.next, "3");
	/* Totals over all four: 10 + 5 + 3 + 2 ordered, 10 filled for 709,000. */
	assert_int_equal(out.tot_ord_qty, 20);
	assert_int_equal(out.tot_ccld_qty, 10);
	assert_int_equal(out.tot_ccld_amt, 709000);
	assert_int_equal(out.prsm_tlex_smtl, 106);
	assert_int_equal(out.pchs_avg_pric, 70900);
	ccld(v, now, "00", "", "", "00", "00", "3", &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].odno, "0000000002");
	assert_string_equal(out.rows[1].odno, "0000000001");
	assert_int_equal(out.page.tr_cont, 'E');
	const struct simvenue_ccld_row *r1 = &out.rows[1];
	assert_string_equal(r1->ord_dt, "20260302");
	assert_string_equal(r1->ord_gno_brno, "00950");
	assert_string_equal(r1->orgn_odno, "");
	assert_string_equal(r1->sll_buy_dvsn_cd, "02");
	assert_string_equal(r1->pdno, "005930");
	assert_string_equal(r1->ord_tmd, "093000");
	assert_string_equal(r1->ord_dvsn_cd, "00");
	assert_string_equal(r1->cncl_yn, "N");
	assert_int_equal(r1->ord_qty, 10);
	assert_int_equal(r1->ord_unpr, 71000);
	assert_int_equal(r1->tot_ccld_qty, 10);
	assert_int_equal(r1->tot_ccld_amt, 709000);
	assert_int_equal(r1->avg_prvs, 70900);
	assert_int_equal(r1->rmn_qty, 0);

	ccld(v, now, "", "", "", "", "01", "", &out); /* oldest first */
	assert_string_equal(out.rows[0].odno, "0000000001");
	assert_string_equal(out.rows[1].odno, "0000000002");
	ccld(v, now, "", "", "", "", "01", out.page.next, &out);
	assert_string_equal(out.rows[0].odno, "0000000003");
	assert_string_equal(out.rows[1].odno, "0000000004");
	assert_int_equal(out.page.tr_cont, 'E');

	ccld(v, now, "01", "", "", "00", "00", "", &out); /* sells */
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].odno, "0000000002");
	assert_int_equal(out.page.tr_cont, 'D');
	ccld(v, now, "00", "000660", "", "00", "00", "", &out);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].odno, "0000000004");
	assert_int_equal(out.tot_ord_qty, 5);
	ccld(v, now, "00", "", "", "01", "00", "", &out); /* filled */
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].odno, "0000000001");
	ccld(v, now, "00", "", "", "02", "00", "", &out); /* unfilled: 4, 3 | 2 */
	assert_int_equal(out.nrows, 2);
	assert_int_equal(out.page.more, 1);
	ccld(v, now, "00", "", "0000000003", "00", "00", "", &out);
	assert_int_equal(out.nrows, 1);
	assert_int_equal(out.rows[0].ord_unpr, 150000);
	ccld(v, now, "00", "", "", "00", "03", "", &out);
	assert_string_equal(out.res.msg_cd, "SIM00001");

	/* Tuesday: "" dates mean today; a range reaches Monday. */
	int64_t tue = at("2026-03-03", "09:30:00");
	place_ok(v, tue, oreq(SIDE_BUY, "005930", "00", "1", "70000"));
	ccld(v, tue, "", "", "", "", "", "", &out);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].odno, "0000000005");
	assert_string_equal(out.rows[0].ord_dt, "20260303");
	struct simvenue_ccld_req q;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	SET(q.inqr_strt_dt, "20260302");
	SET(q.inqr_end_dt, "20260303");
	assert_int_equal(simvenue_daily_ccld(v, tue, &q, &out), KE_OK);
	assert_int_equal(out.tot_ord_qty, 21);
	SET(q.inqr_strt_dt, "2026-03-02");
	assert_int_equal(simvenue_daily_ccld(v, tue, &q, &out), KE_OK);
	assert_string_equal(out.res.msg_cd, "SIM00001");
	assert_non_null(strstr(out.res.msg1, "INQR_STRT_DT"));
	SET(q.cano, "00000000");
	assert_int_equal(simvenue_daily_ccld(v, tue, &q, &out), KE_OK);
	assert_string_equal(out.res.msg_cd, "OPSQ2000");
	simvenue_free(v);
}

static void test_psbl_rvsecncl(void **state)
{
	(void)state;
	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_REAL);
	cfg.rvsecncl_page = 2;
	int32_t sam;
	struct simvenue *v = mkv(&cfg, NULL, &sam, NULL);
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "000660", "00", "3", "150000"));
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "10", "69000"));
	place_ok(v, mon("09:30:00"), oreq(SIDE_SELL, "005930", "00", "4", "72000"));
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "1", "71000"));
	tick(v, sam, mon("09:31:00"), 71000, 100); /* order 4 fills and leaves the list */
	struct simvenue_rvsecncl_req q;
	struct simvenue_rvsecncl out;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "12345678");
	SET(q.acnt_prdt_cd, "01");
	SET(q.inqr_dvsn_1, "1"); /* by symbol: 000660 #1, 005930 #2, #3 */
	assert_int_equal(simvenue_psbl_rvsecncl(v, mon("10:00:00"), &q, &out), KE_OK);
	assert_string_equal(out.res.msg_cd, "KIOK0510");
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].pdno, "000660");
	assert_string_equal(out.rows[1].odno, "0000000002");
	assert_int_equal(out.rows[1].psbl_qty, 10);
	assert_string_equal(out.rows[0].ord_gno_brno, "06010");
	assert_int_equal(out.page.tr_cont, 'F');
	assert_string_equal(out.page.next, "005930:2");
	SET(q.cursor, out.page.next);
	assert_int_equal(simvenue_psbl_rvsecncl(v, mon("10:00:00"), &q, &out), KE_OK);
	assert_int_equal(out.nrows, 1);
	assert_string_equal(out.rows[0].odno, "0000000003");
	assert_string_equal(out.rows[0].sll_buy_dvsn_cd, "01");
	assert_int_equal(out.page.tr_cont, 'E');
	memset(q.cursor, 0, sizeof(q.cursor));
	SET(q.inqr_dvsn_1, "0");
	SET(q.inqr_dvsn_2, "2"); /* buys, by order */
	assert_int_equal(simvenue_psbl_rvsecncl(v, mon("10:00:00"), &q, &out), KE_OK);
	assert_int_equal(out.nrows, 2);
	assert_string_equal(out.rows[0].odno, "0000000001");
	assert_string_equal(out.rows[1].odno, "0000000002");
	assert_int_equal(out.page.tr_cont, 'D');
	simvenue_free(v);
}

static void test_quote(void **state)
{
	(void)state;
	int32_t sam, hynix;
	struct simvenue *v = mock_venue(NULL, &sam, &hynix);
	struct simvenue_quote qt;
	assert_int_equal(simvenue_quote(v, mon("08:50:00"), "005930", &qt), KE_OK);
	assert_string_equal(qt.res.msg_cd, "MCA00000");
	assert_int_equal(qt.stck_prpr, 70000);
	assert_string_equal(qt.prdy_vrss_sign, "3");
	assert_int_equal(qt.stck_oprc, 0);
	tick(v, sam, mon("09:00:00"), 70500, 100);
	tick(v, sam, mon("09:10:00"), 71200, 50);
	tick(v, sam, mon("09:20:00"), 70300, 20);
	assert_int_equal(simvenue_quote(v, mon("09:20:00"), "005930", &qt), KE_OK);
	assert_string_equal(qt.name, "삼성전자");
	assert_int_equal(qt.stck_prpr, 70300);
	assert_int_equal(qt.prdy_vrss, 300);
	assert_string_equal(qt.prdy_vrss_sign, "2");
	assert_int_equal(qt.prdy_ctrt_bp, 43); /* 300 / 70,000 = 0.4286% */
	assert_int_equal(qt.acml_vol, 170);
	/* 7,050,000 + 3,560,000 + 1,406,000 */
	assert_int_equal(qt.acml_tr_pbmn, 12016000);
	assert_int_equal(qt.wghn_avrg_stck_prc, 70682); /* 12,016,000 / 170 = 70,682.35 */
	assert_int_equal(qt.stck_oprc, 70500);
	assert_int_equal(qt.stck_hgpr, 71200);
	assert_int_equal(qt.stck_lwpr, 70300);
	assert_int_equal(qt.stck_mxpr, 91000);
	assert_int_equal(qt.stck_llam, 49000);
	assert_int_equal(qt.stck_sdpr, 70000);
	assert_int_equal(qt.aspr_unit, 100);
	assert_int_equal(qt.hts_deal_qty_unit_val, 1);
	assert_int_equal(qt.last_time, mon("09:20:00"));
	tick(v, sam, mon("09:30:00"), 91000, 1);
	assert_int_equal(simvenue_quote(v, mon("09:30:00"), "005930", &qt), KE_OK);
	assert_string_equal(qt.prdy_vrss_sign, "1");
	assert_int_equal(qt.prdy_ctrt_bp, 3000);
	tick(v, sam, mon("09:40:00"), 49000, 1);
	assert_int_equal(simvenue_quote(v, mon("09:40:00"), "005930", &qt), KE_OK);
	assert_string_equal(qt.prdy_vrss_sign, "4");
	assert_int_equal(qt.prdy_vrss, -21000);
	assert_int_equal(qt.prdy_ctrt_bp, -3000);
	tick(v, sam, mon("09:50:00"), 69900, 1);
	assert_int_equal(simvenue_quote(v, mon("09:50:00"), "005930", &qt), KE_OK);
	assert_string_equal(qt.prdy_vrss_sign, "5");
	assert_int_equal(qt.prdy_ctrt_bp, -14); /* -100 / 70,000 = -0.1429% */

	/* Tuesday: the base is Monday's last price, 69,900; 20,970 either way:
	 * 90,870 rounds down to 90,800, 48,930 up to 48,950 (its grid is 50). */
	assert_int_equal(simvenue_quote(v, at("2026-03-03", "08:00:00"), "005930", &qt), KE_OK);
	assert_int_equal(qt.stck_sdpr, 69900);
	assert_int_equal(qt.stck_prpr, 69900);
	assert_int_equal(qt.stck_mxpr, 90800);
	assert_int_equal(qt.stck_llam, 48950);
	assert_int_equal(qt.acml_vol, 0);
	assert_int_equal(qt.stck_hgpr, 0);
	/* An explicit base: 33,333 x 0.3 = 9,999.9 -> 9,999; 43,332 down to
	 * 43,300 and 23,334 up to 23,350 on the 50-won grid. */
	assert_int_equal(simvenue_set_prev_close(v, at("2026-03-03", "08:00:00"), hynix, 33333), KE_OK);
	assert_int_equal(simvenue_quote(v, at("2026-03-03", "08:00:00"), "000660", &qt), KE_OK);
	assert_int_equal(qt.stck_mxpr, 43300);
	assert_int_equal(qt.stck_llam, 23350);
	assert_int_equal(qt.aspr_unit, 50);

	assert_int_equal(simvenue_quote(v, at("2026-03-03", "08:00:00"), "123456", &qt), KE_OK);
	assert_string_equal(qt.res.rt_cd, "1");
	assert_string_equal(qt.res.msg_cd, "SIM00003");
	simvenue_free(v);

	/* A 10% band: 70,000 +/- 7,000; 33,333 +/- 3,333 -> 36,650 down, 30,000 up. */
	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_MOCK);
	cfg.limit_ppm = 100000;
	v = mkv(&cfg, NULL, &sam, &hynix);
	assert_int_equal(simvenue_quote(v, mon("09:00:00"), "005930", &qt), KE_OK);
	assert_int_equal(qt.stck_mxpr, 77000);
	assert_int_equal(qt.stck_llam, 63000);
	assert_int_equal(simvenue_set_prev_close(v, mon("09:00:00"), hynix, 33333), KE_OK);
	assert_int_equal(simvenue_quote(v, mon("09:00:00"), "000660", &qt), KE_OK);
	assert_int_equal(qt.stck_mxpr, 36650);
	assert_int_equal(qt.stck_llam, 30000);
	simvenue_free(v);
}

static void test_real_codes_and_unpadded_odno(void **state)
{
	(void)state;
	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_REAL);
	cfg.odno_padded = 0;
	cfg.first_odno = 6555;
	struct rec r;
	struct simvenue *v = mkv(&cfg, &r, NULL, NULL);
	struct simvenue_order_ack ack;
	struct simvenue_result res = place(v, mon("10:00:00"), oreq(SIDE_BUY, "005930", "00", "1", "70000"), &ack);
	assert_string_equal(res.msg_cd, "APBK0013");
	assert_string_equal(res.msg1, "주문 전송 완료 되었습니다.");
	assert_string_equal(ack.krx_fwdg_ord_orgno, "06010");
	assert_string_equal(ack.odno, "6555");
	assert_string_equal(r.n[0].oder_no, "6555");
	assert_string_equal(r.n[0].ooder_no, "0");
	assert_string_equal(r.n[0].brnc_no, "06010");
	res = place(v, mon("10:00:00"), oreq(SIDE_BUY, "005930", "01", "110", "0"), NULL);
	assert_string_equal(res.msg_cd, "APBK0952");
	assert_string_equal(res.rt_cd, "7");
	assert_string_equal(res.msg1, "주문가능금액을 초과 했습니다");
	assert_string_equal(place(v, mon("10:00:00"), oreq(SIDE_SELL, "005930", "00", "11", "70000"), NULL).msg_cd,
	                    "APBK0400");
	assert_string_equal(place(v, mon("10:00:00"), oreq(SIDE_BUY, "999999", "00", "1", "70000"), NULL).msg_cd,
	                    "APBK0656");
	struct simvenue_rvse_req q = rreq("6555", "02", "Y", "0", "00", "0");
	SET(q.krx_fwdg_ord_orgno, "06010");
	res = rvse(v, mon("10:01:00"), q, &ack);
	assert_string_equal(res.msg_cd, "APBK0013");
	assert_string_equal(ack.odno, "6556");
	struct simvenue_balance b;
	balance(v, mon("10:01:00"), "", &b);
	assert_string_equal(b.res.msg_cd, "KIOK0510");
	simvenue_free(v);
}

static void test_bars_fill_and_quote(void **state)
{
	(void)state;
	int32_t sam;
	struct simvenue *v = mock_venue(NULL, &sam, NULL);
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "10", "70000"));
	/* A bar whose low reaches the limit fills at the better of open and limit. */
	struct bar b = {mon("09:31:00"), sam, 70200, 70300, 69800, 70100, 500};
	assert_int_equal(simvenue_on_bar(v, &b), KE_OK);
	struct simvenue_order_info oi;
	assert_int_equal(simvenue_order_get(v, 1, &oi), KE_OK);
	assert_int_equal(oi.filled_qty, 10);
	assert_int_equal(oi.filled_amt, 700000);
	struct simvenue_quote qt;
	assert_int_equal(simvenue_quote(v, mon("09:31:00"), "005930", &qt), KE_OK);
	assert_int_equal(qt.stck_prpr, 70100);
	assert_int_equal(qt.stck_oprc, 70200);
	assert_int_equal(qt.stck_lwpr, 69800);
	assert_int_equal(qt.acml_vol, 500);
	assert_int_equal(qt.acml_tr_pbmn, 500 * 70100);
	struct bar bad = {mon("09:32:00"), sam, 70200, 70000, 70100, 70100, 5}; /* low > high */
	assert_int_equal(simvenue_on_bar(v, &bad), KE_EINVAL);
	simvenue_free(v);
}

/* Checks one minute bar: end HHMMSS, OHLC, volume, the bar's value and the
 * day's value through it. */
static void expect_min(const struct simvenue_minute_bar *b, int32_t hhmmss, int64_t o, int64_t h, int64_t l, int64_t c,
                       int64_t vol, int64_t value, int64_t acml)
{
	assert_int_equal(b->hhmmss, hhmmss);
	assert_int_equal(b->open, o);
	assert_int_equal(b->high, h);
	assert_int_equal(b->low, l);
	assert_int_equal(b->close, c);
	assert_int_equal(b->volume, vol);
	assert_int_equal(b->value, value);
	assert_int_equal(b->acml_value, acml);
}

static void expect_day(const struct simvenue_daily_bar *b, int32_t date, int64_t o, int64_t h, int64_t l, int64_t c,
                       int64_t vol, int64_t value, int64_t vrss, const char *sign)
{
	assert_int_equal(b->yyyymmdd, date);
	assert_int_equal(b->open, o);
	assert_int_equal(b->high, h);
	assert_int_equal(b->low, l);
	assert_int_equal(b->close, c);
	assert_int_equal(b->volume, vol);
	assert_int_equal(b->value, value);
	assert_int_equal(b->prdy_vrss, vrss);
	assert_string_equal(b->prdy_vrss_sign, sign);
}

static void test_chart_bars(void **state)
{
	(void)state;
	int32_t sam, hynix;
	struct simvenue *v = mock_venue(NULL, &sam, &hynix);
	struct simvenue_minute_bar mb[SIMVENUE_MINUTE_BARS_MAX];
	struct simvenue_daily_bar db[SIMVENUE_DAILY_BARS_MAX];
	int n = -1;

	/* Before any print: no bars. */
	assert_int_equal(simvenue_minute_bars(v, mon("08:59:00"), "005930", -1, mb, 30, &n), KE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(simvenue_daily_bars(v, mon("08:59:00"), "005930", 0, 0, db, 100, &n), KE_OK);
	assert_int_equal(n, 0);

	/* Monday: three prints in [09:00, 09:01) make the 09:01 bar; 09:01:00.000
	 * itself opens the 09:02 bar (a bar is stamped at its end). */
	tick(v, sam, mon("09:00:10"), 70000, 10);
	tick(v, sam, mon("09:00:40"), 70500, 20);
	tick(v, sam, mon("09:00:50"), 69900, 5);
	tick(v, sam, mon("09:01:00"), 70200, 7);
	tick(v, sam, mon("09:01:30"), 70300, 3);
	/* 09:01: 70,000x10 + 70,500x20 + 69,900x5 = 700,000 + 1,410,000 + 349,500 = 2,459,500, 35 shares.
	 * 09:02: 70,200x7 + 70,300x3 = 491,400 + 210,900 = 702,300, 10 shares; day 3,161,800. */
	assert_int_equal(simvenue_minute_bars(v, mon("09:01:40"), "005930", -1, mb, 30, &n), KE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(mb[0].yyyymmdd, 20260302);
	expect_min(&mb[0], 90200, 70200, 70300, 70200, 70300, 10, 702300, 3161800);
	expect_min(&mb[1], 90100, 70000, 70500, 69900, 69900, 35, 2459500, 2459500);
	/* A later time than now is now; the forming 09:02 bar is shown. */
	assert_int_equal(simvenue_minute_bars(v, mon("09:01:40"), "005930", 153000, mb, 30, &n), KE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(mb[0].hhmmss, 90200);
	/* At or before a past time: 09:01:00 takes the 09:01 bar, 09:00:59 none. */
	assert_int_equal(simvenue_minute_bars(v, mon("09:01:40"), "005930", 90100, mb, 30, &n), KE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(mb[0].hhmmss, 90100);
	assert_int_equal(simvenue_minute_bars(v, mon("09:01:40"), "005930", 90059, mb, 30, &n), KE_OK);
	assert_int_equal(n, 0);
	/* max caps the rows, newest kept. */
	assert_int_equal(simvenue_minute_bars(v, mon("09:01:40"), "005930", -1, mb, 1, &n), KE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(mb[0].hhmmss, 90200);
	assert_int_equal(simvenue_minute_bars(v, mon("09:01:40"), "005930", 96000, mb, 30, &n), KE_EINVAL);
	assert_int_equal(simvenue_minute_bars(v, mon("09:01:40"), "999999", -1, mb, 30, &n), KE_ENOENT);
	assert_int_equal(simvenue_daily_bars(v, mon("09:01:40"), "999999", 0, 0, db, 100, &n), KE_ENOENT);
	/* Today so far: open 70,000, high 70,500, low 69,900, last 70,300, 45
	 * shares, 3,161,800 won; 70,300 - 70,000 = +300 (sign 2). */
	assert_int_equal(simvenue_daily_bars(v, mon("09:01:40"), "005930", 0, 0, db, 100, &n), KE_OK);
	assert_int_equal(n, 1);
	expect_day(&db[0], 20260302, 70000, 70500, 69900, 70300, 45, 3161800, 300, "2");

	/* Tuesday: the base is Monday's last, 70,300; a print at 09:05:00 makes
	 * the 09:06 bar, a fed bar ending 09:10 the 09:10 bar (value at its
	 * close: 69,400 x 50 = 3,470,000). Monday's minutes are gone. */
	int64_t tue = 24LL * 3600 * 1000;
	tick(v, sam, mon("09:05:00") + tue, 69000, 100);
	struct bar b = {mon("09:10:00") + tue, sam, 69100, 69500, 68900, 69400, 50};
	assert_int_equal(simvenue_on_bar(v, &b), KE_OK);
	/* 000660 (base 150,000, band up to 195,000) closes at its upper limit. */
	tick(v, hynix, mon("09:11:00") + tue, 195000, 1);
	int64_t now = mon("09:12:00") + tue;
	assert_int_equal(simvenue_minute_bars(v, now, "005930", -1, mb, 30, &n), KE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(mb[0].yyyymmdd, 20260303);
	/* 69,000 x 100 = 6,900,000; + 3,470,000 = 10,370,000. */
	expect_min(&mb[0], 91000, 69100, 69500, 68900, 69400, 50, 3470000, 10370000);
	expect_min(&mb[1], 90600, 69000, 69000, 69000, 69000, 100, 6900000, 6900000);
	/* Newest first; Tuesday 69,400 - 70,300 = -900 (sign 5), 150 shares,
	 * 10,370,000 won. */
	assert_int_equal(simvenue_daily_bars(v, now, "005930", 0, 0, db, 100, &n), KE_OK);
	assert_int_equal(n, 2);
	expect_day(&db[0], 20260303, 69000, 69500, 68900, 69400, 150, 10370000, -900, "5");
	expect_day(&db[1], 20260302, 70000, 70500, 69900, 70300, 45, 3161800, 300, "2");
	/* The date range bounds both ends; max caps. */
	assert_int_equal(simvenue_daily_bars(v, now, "005930", 20260303, 0, db, 100, &n), KE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db[0].yyyymmdd, 20260303);
	assert_int_equal(simvenue_daily_bars(v, now, "005930", 20260101, 20260302, db, 100, &n), KE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db[0].yyyymmdd, 20260302);
	assert_int_equal(simvenue_daily_bars(v, now, "005930", 20260304, 0, db, 100, &n), KE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(simvenue_daily_bars(v, now, "005930", 0, 0, db, 1, &n), KE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db[0].yyyymmdd, 20260303);
	/* 195,000 - 150,000 = +45,000 at the upper limit: sign 1. */
	assert_int_equal(simvenue_daily_bars(v, now, "000660", 0, 0, db, 100, &n), KE_OK);
	assert_int_equal(n, 1);
	expect_day(&db[0], 20260303, 195000, 195000, 195000, 195000, 1, 195000, 45000, "1");
	simvenue_free(v);
}

static void test_dump_and_accounts(void **state)
{
	(void)state;
	int32_t sam;
	struct simvenue *v = mock_venue(NULL, &sam, NULL);
	place_ok(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "2", "70000"));
	place(v, mon("09:30:00"), oreq(SIDE_BUY, "005930", "00", "2", "70050"), NULL);
	tick(v, sam, mon("09:31:00"), 70000, 5);
	cJSON *j;
	assert_int_equal(simvenue_dump(v, &j), KE_OK);
	assert_string_equal(cJSON_GetObjectItem(j, "env")->valuestring, "mock");
	cJSON *orders = cJSON_GetObjectItem(j, "orders");
	assert_int_equal(cJSON_GetArraySize(orders), 1);
	cJSON *o = cJSON_GetArrayItem(orders, 0);
	assert_int_equal((int64_t)cJSON_GetObjectItem(o, "filled_qty")->valuedouble, 2);
	cJSON *req = cJSON_GetObjectItem(o, "request");
	assert_string_equal(cJSON_GetObjectItem(req, "tr_id")->valuestring, "VTTC0012U");
	assert_string_equal(cJSON_GetObjectItem(req, "ORD_UNPR")->valuestring, "70000");
	cJSON *refused = cJSON_GetObjectItem(j, "refused");
	assert_int_equal(cJSON_GetArraySize(refused), 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(refused, 0), "msg_cd")->valuestring, "APBK0506");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "fills")), 1);
	cJSON *acct = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "accounts"), 0);
	/* 10,000,000 - 140,000 - floor(21) */
	assert_int_equal((int64_t)cJSON_GetObjectItem(acct, "cash")->valuedouble, 9859979);
	cJSON *k = cJSON_GetObjectItem(j, "counters");
	assert_int_equal((int64_t)cJSON_GetObjectItem(k, "orders")->valuedouble, 1);
	assert_int_equal((int64_t)cJSON_GetObjectItem(k, "place_refused")->valuedouble, 1);
	assert_int_equal((int64_t)cJSON_GetObjectItem(k, "book_errors")->valuedouble, 0);
	cJSON_Delete(j);

	/* Accounts: a duplicate or a malformed number is refused. */
	struct simacct_account a;
	memset(&a, 0, sizeof(a));
	SET(a.cano, "12345678");
	SET(a.prdt, "01");
	assert_int_equal(simvenue_add_account(v, &a), KE_EINVAL);
	SET(a.cano, "1234567");
	assert_int_equal(simvenue_add_account(v, &a), KE_EINVAL);
	SET(a.cano, "22222222");
	assert_int_equal(simvenue_add_account(v, &a), KE_OK);
	/* A second account sees none of the first one's orders. */
	struct simvenue_ccld_req q;
	struct simvenue_ccld out;
	memset(&q, 0, sizeof(q));
	SET(q.cano, "22222222");
	SET(q.acnt_prdt_cd, "01");
	assert_int_equal(simvenue_daily_ccld(v, mon("10:00:00"), &q, &out), KE_OK);
	assert_string_equal(out.res.rt_cd, "0");
	assert_int_equal(out.nrows, 0);

	char buf[24];
	simvenue_format_bp(171, buf, sizeof(buf));
	assert_string_equal(buf, "1.71");
	simvenue_format_bp(-5, buf, sizeof(buf));
	assert_string_equal(buf, "-0.05");
	simvenue_format_bp(0, buf, sizeof(buf));
	assert_string_equal(buf, "0.00");
	assert_string_equal(simvenue_msg_name(SIMVENUE_E_CASH), "E_CASH");
	assert_null(simvenue_msg_name(SIMVENUE_MSG_COUNT));

	struct simvenue_config cfg;
	base_cfg(&cfg, SIMVENUE_MOCK);
	cfg.balance_page = SIMVENUE_PAGE_MAX + 1;
	struct simvenue *bad;
	assert_int_equal(simvenue_new(&cfg, &bad), KE_EINVAL);
	simvenue_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_place_limit_and_market),
	    cmocka_unit_test(test_buying_power_upper_limit),
	    cmocka_unit_test(test_place_rejections_mock),
	    cmocka_unit_test(test_session_mock_and_real),
	    cmocka_unit_test(test_fills_book_commission_tax_and_settlement),
	    cmocka_unit_test(test_partial_fill_revise_cancel),
	    cmocka_unit_test(test_cancel_filled_refused),
	    cmocka_unit_test(test_notice_flags_and_expiry),
	    cmocka_unit_test(test_balance_paging),
	    cmocka_unit_test(test_daily_ccld),
	    cmocka_unit_test(test_psbl_rvsecncl),
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_real_codes_and_unpadded_odno),
	    cmocka_unit_test(test_bars_fill_and_quote),
	    cmocka_unit_test(test_chart_bars),
	    cmocka_unit_test(test_dump_and_accounts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
