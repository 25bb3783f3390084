/*
 * test_kis_msg.c - KIS request bodies, query strings and answer parsers.
 *
 * Expected strings are written by hand from kis-protocol.md sections 3-4
 * (key names and order, ORD_DVSN codes, 01 = sell / 02 = buy). Answer
 * bodies are written with ' for " to stay readable; reply() swaps them
 * back and wraps the rt_cd envelope around them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ke_common.h"
#include "kis_msg.h"
#include "kis_reply.h"

static const struct kis_credentials cred = {.cano = "12345678", .prdt = "01"};

/* An OK answer whose members (after the envelope) are body, ' for ". */
static struct kis_reply reply(const char *body)
{
	static const char head[] = "{'rt_cd':'0','msg_cd':'20310000','msg1':'모의투자 조회가 완료되었습니다.   ',";
	size_t n = strlen(head) + strlen(body) + 2;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "%s%s}", head, body);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct kis_reply r;
	assert_int_equal(kis_reply_parse(200, s, strlen(s), "D", &r), KE_OK);
	free(s);
	assert_int_equal(r.kind, KIS_REPLY_OK);
	return r;
}

/* ---- symbols and decimals ---- */

static void test_symbol_ok(void **state)
{
	(void)state;
	assert_true(kis_msg_symbol_ok("005930"));
	assert_true(kis_msg_symbol_ok("Q500001")); /* ETN: Q + 6 digits */
	assert_true(kis_msg_symbol_ok("0088K0"));  /* letters are allowed in 6-char codes */
	assert_true(kis_msg_symbol_ok("Q50000"));  /* 6 chars of [0-9A-Z] */
	assert_false(kis_msg_symbol_ok(NULL));
	assert_false(kis_msg_symbol_ok(""));
	assert_false(kis_msg_symbol_ok("00593"));
	assert_false(kis_msg_symbol_ok("0059301"));  /* 7 chars not starting with Q */
	assert_false(kis_msg_symbol_ok("00593a"));   /* lowercase */
	assert_false(kis_msg_symbol_ok("Q50000A"));  /* Q + non-digits */
	assert_false(kis_msg_symbol_ok("Q5000011")); /* Q + 7 */
	assert_false(kis_msg_symbol_ok("005 30"));
	assert_false(kis_msg_symbol_ok("005930\"")); /* would break the JSON body */
}

static void test_decimal_ok(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int scale;
		int64_t want;
	} cases[] = {
	    {"71200", 0, 71200},
	    {"-300", 0, -300},
	    {"+5", 0, 5},
	    {" 12 ", 0, 12},
	    {"0000006555", 0, 6555},
	    {"-0", 0, 0},
	    {"71234.5", 0, 71235},    /* .5 rounds away from zero */
	    {"71234.4999", 0, 71234}, /* only the first dropped digit decides */
	    {"-0.5", 0, -1},          /* away from zero on the negative side too */
	    {"-0.4", 0, 0},
	    {"1.71", 2, 171},
	    {"1.715", 2, 172}, /* 171.5 -> 172 */
	    {"-1.715", 2, -172},
	    {"1.7", 2, 170}, /* missing fraction digits are zeros */
	    {"71234.5678", 4, 712345678},
	    {"3", 8, 300000000},
	    {"0.000000005", 8, 1}, /* 0.5e-8 at scale 8 -> 1 */
	    {"0.000000004", 8, 0},
	    {"9223372036854775807", 0, INT64_MAX},
	    {"-9223372036854775808", 0, INT64_MIN},
	    {"92233720368547758.07", 2, INT64_MAX},
	    {"92233720368547758", 2, 9223372036854775800},
	    {"9223372036854775806.5", 0, INT64_MAX}, /* rounds up to the max, still fits */
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		int64_t v = 12345;
		int rc = kis_msg_decimal(cases[i].s, cases[i].scale, &v);
		if (rc != KE_OK || v != cases[i].want)
			fail_msg("\"%s\" scale %d: rc %d, got %lld", cases[i].s, cases[i].scale, rc, (long long)v);
	}
}

static void test_decimal_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",
	    " ",
	    "abc",
	    "1a",
	    "1.",
	    ".5",
	    "1.2.3",
	    "1e5",
	    "--1",
	    "+",
	    "-",
	    "1 2",
	    "0x10",
	    "1,000",
	    "\t1",
	    "9223372036854775808",   /* INT64_MAX + 1 */
	    "-9223372036854775809",  /* INT64_MIN - 1 */
	    "9223372036854775807.5", /* rounding pushes it over */
	    "99999999999999999999",
	};
	int64_t v = 777;
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++)
		if (kis_msg_decimal(bad[i], 0, &v) != KE_EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	/* Scaling overflows: 92233720368547759 x 100 > INT64_MAX. */
	assert_int_equal(kis_msg_decimal("92233720368547759", 2, &v), KE_EINVAL);
	assert_int_equal(kis_msg_decimal("1", -1, &v), KE_EINVAL);
	assert_int_equal(kis_msg_decimal("1", 9, &v), KE_EINVAL);
	assert_int_equal(kis_msg_decimal(NULL, 0, &v), KE_EINVAL);
	assert_int_equal(kis_msg_decimal("1", 0, NULL), KE_EINVAL);
	assert_int_equal(v, 777); /* untouched on failure */
}

/* ---- order-cash ---- */

static void test_order_body(void **state)
{
	(void)state;
	char buf[512], err[128];
	size_t len = 99;
	struct kis_msg_order o = {"005930", SIDE_BUY, ORDER_LIMIT, 10, 71200};
	static const char want_limit[] =
	    "{\"CANO\":\"12345678\",\"ACNT_PRDT_CD\":\"01\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"00\","
	    "\"ORD_QTY\":\"10\",\"ORD_UNPR\":\"71200\",\"EXCG_ID_DVSN_CD\":\"KRX\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":"
	    "\"\"}";
	assert_int_equal(kis_msg_order_body(&cred, &o, buf, sizeof buf, &len, err, sizeof err), KE_OK);
	assert_string_equal(buf, want_limit);
	assert_int_equal(len, strlen(want_limit));

	/* Market sell: ORD_DVSN 01 and ORD_UNPR "0" whatever price holds; the
	 * side does not appear in the body (it selects the tr_id). */
	struct kis_msg_order m = {"Q500001", SIDE_SELL, ORDER_MARKET, 1000000000, 999};
	static const char want_market[] =
	    "{\"CANO\":\"12345678\",\"ACNT_PRDT_CD\":\"01\",\"PDNO\":\"Q500001\",\"ORD_DVSN\":\"01\","
	    "\"ORD_QTY\":\"1000000000\",\"ORD_UNPR\":\"0\",\"EXCG_ID_DVSN_CD\":\"KRX\",\"SLL_TYPE\":\"\","
	    "\"CNDT_PRIC\":\"\"}";
	assert_int_equal(kis_msg_order_body(&cred, &m, buf, sizeof buf, &len, NULL, 0), KE_OK);
	assert_string_equal(buf, want_market);
	assert_int_equal(len, strlen(want_market));

	/* Highest limit price allowed. */
	o.price = 100000000000;
	assert_int_equal(kis_msg_order_body(&cred, &o, buf, sizeof buf, &len, err, sizeof err), KE_OK);
	assert_non_null(strstr(buf, "\"ORD_UNPR\":\"100000000000\""));

	/* Exactly fitting buffer, then one byte short. */
	o.price = 71200;
	char exact[sizeof want_limit];
	assert_int_equal(kis_msg_order_body(&cred, &o, exact, sizeof exact, &len, err, sizeof err), KE_OK);
	assert_string_equal(exact, want_limit);
	assert_int_equal(kis_msg_order_body(&cred, &o, exact, sizeof exact - 1, &len, err, sizeof err), KE_ELIMIT);
	assert_string_equal(exact, "");
	assert_int_equal(len, 0);
}

static void expect_order_err(const struct kis_credentials *cr, const struct kis_msg_order *o, const char *field)
{
	char buf[512], err[128] = "";
	size_t len;
	assert_int_equal(kis_msg_order_body(cr, o, buf, sizeof buf, &len, err, sizeof err), KE_EINVAL);
	if (strncmp(err, field, strlen(field)) != 0)
		fail_msg("expected an error about %s, got \"%s\"", field, err);
}

static void test_order_body_invalid(void **state)
{
	(void)state;
	const struct kis_msg_order good = {"005930", SIDE_BUY, ORDER_LIMIT, 10, 71200};
	struct kis_msg_order o;
	const char *const syms[] = {NULL, "", "00593", "00593a", "005930\""};
	for (size_t i = 0; i < KE_ARRAY_LEN(syms); i++) {
		o = good;
		o.symbol = syms[i];
		expect_order_err(&cred, &o, "symbol");
	}
	const int64_t qtys[] = {0, -1, 1000000001};
	for (size_t i = 0; i < KE_ARRAY_LEN(qtys); i++) {
		o = good;
		o.qty = qtys[i];
		expect_order_err(&cred, &o, "qty");
	}
	const int64_t prices[] = {0, -71200, 100000000001};
	for (size_t i = 0; i < KE_ARRAY_LEN(prices); i++) {
		o = good;
		o.price = prices[i];
		expect_order_err(&cred, &o, "price");
	}
	o = good;
	o.side = (enum order_side)0;
	expect_order_err(&cred, &o, "side");
	o = good;
	o.side = (enum order_side)3;
	expect_order_err(&cred, &o, "side");
	o = good;
	o.type = (enum order_type)0;
	expect_order_err(&cred, &o, "type");

	/* Account fields: the message names the field, never the value. */
	struct kis_credentials bad = cred;
	memcpy(bad.cano, "1234567", 8);
	expect_order_err(&bad, &good, "CANO");
	memcpy(bad.cano, "1234567x", 9);
	char buf[256], err[128];
	size_t len;
	assert_int_equal(kis_msg_order_body(&bad, &good, buf, sizeof buf, &len, err, sizeof err), KE_EINVAL);
	assert_null(strstr(err, "1234567"));
	bad = cred;
	memcpy(bad.prdt, "1", 2);
	expect_order_err(&bad, &good, "ACNT_PRDT_CD");
	expect_order_err(NULL, &good, "credentials");
	expect_order_err(&cred, NULL, "order");

	assert_int_equal(kis_msg_order_body(&cred, &good, NULL, 10, &len, NULL, 0), KE_EINVAL);
	assert_int_equal(kis_msg_order_body(&cred, &good, buf, 0, &len, NULL, 0), KE_EINVAL);
	assert_int_equal(kis_msg_order_body(&cred, &good, buf, sizeof buf, NULL, NULL, 0), KE_EINVAL);
}

/* ---- order-rvsecncl ---- */

static void test_rvse_body(void **state)
{
	(void)state;
	char buf[512], err[128];
	size_t len;
	/* Revise 5 shares to 71500, staying a limit order. */
	struct kis_msg_rvse r = {"06010", "0000006555", KIS_MSG_REVISE, ORDER_LIMIT, 0, 5, 71500};
	static const char want_revise[] =
	    "{\"CANO\":\"12345678\",\"ACNT_PRDT_CD\":\"01\",\"KRX_FWDG_ORD_ORGNO\":\"06010\","
	    "\"ORGN_ODNO\":\"0000006555\",\"ORD_DVSN\":\"00\",\"RVSE_CNCL_DVSN_CD\":\"01\",\"ORD_QTY\":\"5\","
	    "\"ORD_UNPR\":\"71500\",\"QTY_ALL_ORD_YN\":\"N\",\"EXCG_ID_DVSN_CD\":\"KRX\",\"CNDT_PRIC\":\"\"}";
	assert_int_equal(kis_msg_rvse_body(&cred, &r, buf, sizeof buf, &len, err, sizeof err), KE_OK);
	assert_string_equal(buf, want_revise);
	assert_int_equal(len, strlen(want_revise));

	/* Cancel everything left: QTY_ALL_ORD_YN Y, ORD_QTY and ORD_UNPR "0". */
	struct kis_msg_rvse c = {"00950", "2696", KIS_MSG_CANCEL, ORDER_LIMIT, 1, 0, 71500};
	static const char want_cancel[] =
	    "{\"CANO\":\"12345678\",\"ACNT_PRDT_CD\":\"01\",\"KRX_FWDG_ORD_ORGNO\":\"00950\","
	    "\"ORGN_ODNO\":\"2696\",\"ORD_DVSN\":\"00\",\"RVSE_CNCL_DVSN_CD\":\"02\",\"ORD_QTY\":\"0\","
	    "\"ORD_UNPR\":\"0\",\"QTY_ALL_ORD_YN\":\"Y\",\"EXCG_ID_DVSN_CD\":\"KRX\",\"CNDT_PRIC\":\"\"}";
	assert_int_equal(kis_msg_rvse_body(&cred, &c, buf, sizeof buf, &len, err, sizeof err), KE_OK);
	assert_string_equal(buf, want_cancel);

	/* Cancel 3 of them: price 0 is fine for a cancel. */
	c.all = 0;
	c.qty = 3;
	c.price = 0;
	assert_int_equal(kis_msg_rvse_body(&cred, &c, buf, sizeof buf, &len, err, sizeof err), KE_OK);
	assert_non_null(strstr(buf, "\"RVSE_CNCL_DVSN_CD\":\"02\",\"ORD_QTY\":\"3\",\"ORD_UNPR\":\"0\","
	                            "\"QTY_ALL_ORD_YN\":\"N\""));

	/* Revise into a market order: ORD_DVSN 01, price "0". */
	r.type = ORDER_MARKET;
	r.all = 1;
	r.price = 0;
	assert_int_equal(kis_msg_rvse_body(&cred, &r, buf, sizeof buf, &len, err, sizeof err), KE_OK);
	assert_non_null(strstr(buf, "\"ORD_DVSN\":\"01\",\"RVSE_CNCL_DVSN_CD\":\"01\",\"ORD_QTY\":\"0\","
	                            "\"ORD_UNPR\":\"0\",\"QTY_ALL_ORD_YN\":\"Y\""));

	/* Longest numbers allowed: 7-digit orgno, 15-digit odno. */
	struct kis_msg_rvse l = {"1234567", "123456789012345", KIS_MSG_CANCEL, ORDER_LIMIT, 1, 0, 0};
	assert_int_equal(kis_msg_rvse_body(&cred, &l, buf, sizeof buf, &len, err, sizeof err), KE_OK);

	r = (struct kis_msg_rvse){"06010", "0000006555", KIS_MSG_REVISE, ORDER_LIMIT, 0, 5, 71500};
	assert_int_equal(kis_msg_rvse_body(&cred, &r, buf, strlen(want_revise), &len, err, sizeof err), KE_ELIMIT);
	assert_string_equal(buf, "");
}

static void expect_rvse_err(const struct kis_msg_rvse *r, const char *field)
{
	char buf[512], err[128] = "";
	size_t len;
	assert_int_equal(kis_msg_rvse_body(&cred, r, buf, sizeof buf, &len, err, sizeof err), KE_EINVAL);
	if (strncmp(err, field, strlen(field)) != 0)
		fail_msg("expected an error about %s, got \"%s\"", field, err);
}

static void test_rvse_body_invalid(void **state)
{
	(void)state;
	const struct kis_msg_rvse good = {"06010", "0000006555", KIS_MSG_REVISE, ORDER_LIMIT, 0, 5, 71500};
	struct kis_msg_rvse r;
	const char *const orgnos[] = {NULL, "", "12345678", "0601a", "06 10"};
	for (size_t i = 0; i < KE_ARRAY_LEN(orgnos); i++) {
		r = good;
		r.orgno = orgnos[i];
		expect_rvse_err(&r, "orgno");
	}
	const char *const odnos[] = {NULL, "", "1234567890123456", "65x5", "\"1\""};
	for (size_t i = 0; i < KE_ARRAY_LEN(odnos); i++) {
		r = good;
		r.odno = odnos[i];
		expect_rvse_err(&r, "odno");
	}
	r = good;
	r.kind = (enum kis_msg_rvse_kind)0;
	expect_rvse_err(&r, "kind");
	r = good;
	r.kind = (enum kis_msg_rvse_kind)3;
	expect_rvse_err(&r, "kind");
	r = good;
	r.type = (enum order_type)7;
	expect_rvse_err(&r, "type");
	r = good;
	r.qty = 0;
	expect_rvse_err(&r, "qty");
	r.kind = KIS_MSG_CANCEL; /* a partial cancel needs a quantity too */
	expect_rvse_err(&r, "qty");
	r = good;
	r.qty = 1000000001;
	expect_rvse_err(&r, "qty");
	r = good;
	r.price = 0;
	expect_rvse_err(&r, "price");
	r.all = 1; /* all does not excuse a revise to limit from its price */
	expect_rvse_err(&r, "price");
}

/* ---- query strings ---- */

static void test_balance_query(void **state)
{
	(void)state;
	char buf[512];
	static const char want[] = "CANO=12345678&ACNT_PRDT_CD=01&AFHR_FLPR_YN=N&OFL_YN=&INQR_DVSN=02&UNPR_DVSN=01"
	                           "&FUND_STTL_ICLD_YN=N&FNCG_AMT_AUTO_RDPT_YN=N&PRCS_DVSN=00"
	                           "&CTX_AREA_FK100=&CTX_AREA_NK100=";
	assert_int_equal(kis_msg_balance_query(&cred, NULL, NULL, buf, sizeof buf), KE_OK);
	assert_string_equal(buf, want);
	assert_int_equal(kis_msg_balance_query(&cred, "", "", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, want);

	/* Paging context is percent-encoded: '^' 0x5E, ' ' 0x20, '+' 0x2B,
	 * '/' 0x2F, '=' 0x3D, '&' 0x26, and "가" is UTF-8 EA B0 80; the RFC
	 * 3986 unreserved "-._~" and alphanumerics stay. */
	assert_int_equal(kis_msg_balance_query(&cred, "12345678^01^A  ", "a+b/c=d&e~f-_.가", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "CANO=12345678&ACNT_PRDT_CD=01&AFHR_FLPR_YN=N&OFL_YN=&INQR_DVSN=02&UNPR_DVSN=01"
	                         "&FUND_STTL_ICLD_YN=N&FNCG_AMT_AUTO_RDPT_YN=N&PRCS_DVSN=00"
	                         "&CTX_AREA_FK100=12345678%5E01%5EA%20%20"
	                         "&CTX_AREA_NK100=a%2Bb%2Fc%3Dd%26e~f-_.%EA%B0%80");

	char exact[sizeof want];
	assert_int_equal(kis_msg_balance_query(&cred, "", "", exact, sizeof exact), KE_OK);
	assert_int_equal(kis_msg_balance_query(&cred, "", "", exact, sizeof exact - 1), KE_ELIMIT);
	assert_string_equal(exact, "");
	/* An escape that does not fit whole is a failure, not a cut "%2". */
	assert_int_equal(kis_msg_balance_query(&cred, "", "^", buf, sizeof want + 2), KE_ELIMIT);
	assert_int_equal(kis_msg_balance_query(&cred, "", "^", buf, sizeof want + 3), KE_OK);

	struct kis_credentials bad = cred;
	memcpy(bad.cano, "1234567x", 9);
	assert_int_equal(kis_msg_balance_query(&bad, "", "", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_balance_query(NULL, "", "", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_balance_query(&cred, "", "", NULL, 0), KE_EINVAL);
}

static void test_ccld_query(void **state)
{
	(void)state;
	char buf[512];
	struct kis_msg_ccld_filter f = {"20260301", "20260303", NULL, 0, KIS_MSG_CCLD_ALL, NULL, 0};
	assert_int_equal(kis_msg_ccld_query(&cred, &f, NULL, NULL, buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "CANO=12345678&ACNT_PRDT_CD=01&INQR_STRT_DT=20260301&INQR_END_DT=20260303"
	                         "&SLL_BUY_DVSN_CD=00&INQR_DVSN=00&PDNO=&CCLD_DVSN=00&ORD_GNO_BRNO=&ODNO="
	                         "&INQR_DVSN_3=00&INQR_DVSN_1=&EXCG_ID_DVSN_CD=KRX&CTX_AREA_FK100=&CTX_AREA_NK100=");

	/* Buys (02), filled (01), oldest first (01), one symbol and order. */
	f = (struct kis_msg_ccld_filter){"20260301",          "20260303",   "005930", SIDE_BUY,
	                                 KIS_MSG_CCLD_FILLED, "0000006555", 1};
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "FK", "NK", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "CANO=12345678&ACNT_PRDT_CD=01&INQR_STRT_DT=20260301&INQR_END_DT=20260303"
	                         "&SLL_BUY_DVSN_CD=02&INQR_DVSN=01&PDNO=005930&CCLD_DVSN=01&ORD_GNO_BRNO="
	                         "&ODNO=0000006555&INQR_DVSN_3=00&INQR_DVSN_1=&EXCG_ID_DVSN_CD=KRX"
	                         "&CTX_AREA_FK100=FK&CTX_AREA_NK100=NK");

	/* Sells are 01, unfilled is 02; "" means all like NULL. */
	f = (struct kis_msg_ccld_filter){"20260303", "20260303", "", SIDE_SELL, KIS_MSG_CCLD_UNFILLED, "", 0};
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_OK);
	assert_non_null(strstr(buf, "&SLL_BUY_DVSN_CD=01&INQR_DVSN=00&PDNO=&CCLD_DVSN=02&ORD_GNO_BRNO=&ODNO=&"));

	const struct kis_msg_ccld_filter good = f;
	/* 2025 and 1900 are not leap years (1900 is a century not divisible by 400). */
	const char *const dates[] = {"2026030", "2026030a", "20260230", "20261301", "20260300",
	                             "",        "20250229", "19000229", "20260431"};
	for (size_t i = 0; i < KE_ARRAY_LEN(dates); i++) {
		f = good;
		strcpy(f.start, dates[i]);
		assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_EINVAL);
		f = good;
		strcpy(f.end, dates[i]);
		assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_EINVAL);
	}
	f = good;
	memcpy(f.start, "202603011", 9); /* no NUL inside the array */
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_EINVAL);
	f = good;
	strcpy(f.start, "20240229"); /* a leap day is a day */
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_OK);
	strcpy(f.start, "20000229"); /* 2000 is divisible by 400 */
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_OK);
	f = good;
	f.side = 3;
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_EINVAL);
	f = good;
	f.fill = (enum kis_msg_ccld_fill)3;
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_EINVAL);
	f = good;
	f.symbol = "abc";
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_EINVAL);
	f = good;
	f.odno = "65a5";
	assert_int_equal(kis_msg_ccld_query(&cred, &f, "", "", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_ccld_query(&cred, NULL, "", "", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_ccld_query(&cred, &good, "", "", buf, 40), KE_ELIMIT);
}

static void test_other_queries(void **state)
{
	(void)state;
	char buf[512];
	assert_int_equal(kis_msg_psbl_order_query(&cred, "005930", ORDER_LIMIT, 71200, buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "CANO=12345678&ACNT_PRDT_CD=01&PDNO=005930&ORD_UNPR=71200&ORD_DVSN=00"
	                         "&CMA_EVLU_AMT_ICLD_YN=N&OVRS_ICLD_YN=N");
	assert_int_equal(kis_msg_psbl_order_query(&cred, "005930", ORDER_MARKET, 5, buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "CANO=12345678&ACNT_PRDT_CD=01&PDNO=005930&ORD_UNPR=0&ORD_DVSN=01"
	                         "&CMA_EVLU_AMT_ICLD_YN=N&OVRS_ICLD_YN=N");
	assert_int_equal(kis_msg_psbl_order_query(&cred, "005930", ORDER_LIMIT, 0, buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_psbl_order_query(&cred, "5930", ORDER_LIMIT, 71200, buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_psbl_order_query(&cred, "005930", (enum order_type)0, 71200, buf, sizeof buf),
	                 KE_EINVAL);
	assert_int_equal(kis_msg_psbl_order_query(&cred, "005930", ORDER_LIMIT, 71200, buf, 20), KE_ELIMIT);

	assert_int_equal(kis_msg_psbl_rvsecncl_query(&cred, NULL, "N K", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "CANO=12345678&ACNT_PRDT_CD=01&CTX_AREA_FK100=&CTX_AREA_NK100=N%20K"
	                         "&INQR_DVSN_1=0&INQR_DVSN_2=0");

	assert_int_equal(kis_msg_price_query("005930", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930");
	assert_int_equal(kis_msg_price_query("Q500001", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=Q500001");
	assert_int_equal(kis_msg_price_query("005930&X=1", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_price_query(NULL, buf, sizeof buf), KE_EINVAL);
	/* "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930" is 46 bytes + NUL. */
	assert_int_equal(kis_msg_price_query("005930", buf, 47), KE_OK);
	assert_int_equal(kis_msg_price_query("005930", buf, 46), KE_ELIMIT);

	assert_int_equal(kis_msg_daily_chart_query("005930", "20260101", "20260303", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930&FID_INPUT_DATE_1=20260101"
	                         "&FID_INPUT_DATE_2=20260303&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0");
	assert_int_equal(kis_msg_daily_chart_query("005930", "2026011", "20260303", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_daily_chart_query("005930", "20260101", "2026-03-03", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_daily_chart_query("005930", NULL, "20260303", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_daily_chart_query("00593", "20260101", "20260303", buf, sizeof buf), KE_EINVAL);

	assert_int_equal(kis_msg_minute_chart_query("005930", "153000", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "FID_ETC_CLS_CODE=&FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930"
	                         "&FID_INPUT_HOUR_1=153000&FID_PW_DATA_INCU_YN=Y");
	const char *const times[] = {"1530", "1530000", "246000", "156000", "153060", "15300a", NULL};
	for (size_t i = 0; i < KE_ARRAY_LEN(times); i++)
		assert_int_equal(kis_msg_minute_chart_query("005930", times[i], buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_minute_chart_query("005930", "090000", buf, 30), KE_ELIMIT);
}

/* ---- order acknowledgements ---- */

static void test_parse_order_ack(void **state)
{
	(void)state;
	char err[160];
	struct kis_msg_order_ack a;
	/* The real success example of section 4.1. */
	struct kis_reply r = reply("'output':{'KRX_FWDG_ORD_ORGNO':'06590','ODNO':'0000006555','ORD_TMD':'151059'}");
	assert_int_equal(kis_msg_parse_order_ack(&r, &a, err, sizeof err), KE_OK);
	assert_string_equal(a.orgno, "06590");
	assert_string_equal(a.odno, "0000006555");
	assert_string_equal(a.ord_tmd, "151059");
	kis_reply_free(&r);

	/* rvsecncl as documented (lowercase), unpadded mock ODNO. */
	r = reply("'output':{'krx_fwdg_ord_orgno':'00950','odno':'2696','ord_tmd':'091501'}");
	assert_int_equal(kis_msg_parse_order_ack(&r, &a, err, sizeof err), KE_OK);
	assert_string_equal(a.orgno, "00950");
	assert_string_equal(a.odno, "2696");
	assert_string_equal(a.ord_tmd, "091501");
	kis_reply_free(&r);

	/* Mixed case and no ORD_TMD. */
	r = reply("'output':{'Krx_Fwdg_Ord_Orgno':'00950','odno':'0000002697'}");
	assert_int_equal(kis_msg_parse_order_ack(&r, &a, err, sizeof err), KE_OK);
	assert_string_equal(a.odno, "0000002697");
	assert_string_equal(a.ord_tmd, "");
	kis_reply_free(&r);

	static const struct {
		const char *body, *err;
	} bad[] = {
	    {"'output':{'KRX_FWDG_ORD_ORGNO':'06590','ORD_TMD':'151059'}", "order-cash/rvsecncl output.ODNO: missing"},
	    {"'output':{'ODNO':'0000006555'}", "order-cash/rvsecncl output.KRX_FWDG_ORD_ORGNO: missing"},
	    {"'output':{'KRX_FWDG_ORD_ORGNO':'06590','ODNO':6555}", "order-cash/rvsecncl output.ODNO: not a string"},
	    {"'output':{'KRX_FWDG_ORD_ORGNO':'06590','ODNO':''}", "order-cash/rvsecncl output.ODNO: empty"},
	    {"'output':{'KRX_FWDG_ORD_ORGNO':'06590','ODNO':'1234567890123456'}",
	     "order-cash/rvsecncl output.ODNO: too long"},
	    {"'output':{'KRX_FWDG_ORD_ORGNO':'06 90','ODNO':'1'}",
	     "order-cash/rvsecncl output.KRX_FWDG_ORD_ORGNO: not digits"},
	    {"'output':{'KRX_FWDG_ORD_ORGNO':'06590','ODNO':'1','ORD_TMD':'256000'}",
	     "order-cash/rvsecncl output.ORD_TMD: not a time HHMMSS"},
	    {"'output1':{}", "order-cash/rvsecncl output: missing"},
	    {"'output':'x'", "order-cash/rvsecncl output: not an object"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		memset(&a, 0x5A, sizeof a);
		r = reply(bad[i].body);
		assert_int_equal(kis_msg_parse_order_ack(&r, &a, err, sizeof err), KE_EINVAL);
		assert_string_equal(err, bad[i].err);
		assert_int_equal((unsigned char)a.odno[0], 0x5A); /* untouched */
		kis_reply_free(&r);
	}

	/* Only successes are parsed. */
	static const char biz[] = "{\"rt_cd\":\"1\",\"msg_cd\":\"40580000\",\"msg1\":\"모의투자 장종료 입니다.\"}";
	assert_int_equal(kis_reply_parse(500, biz, strlen(biz), NULL, &r), KE_OK);
	assert_int_equal(kis_msg_parse_order_ack(&r, &a, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "order-cash/rvsecncl: the answer is business, not a success");
	kis_reply_free(&r);
	assert_int_equal(kis_msg_parse_order_ack(NULL, &a, err, sizeof err), KE_EINVAL);
}

/* ---- inquire-balance ---- */

/* One holding bought today at two prices: 10 shares for 712,346 won, so
 * pchs_avg_pric 71234.6 -> 71235; at 71,200 they are worth 712,000, a
 * loss of 346. SK hynix was sold out today and stays with hldg_qty 0.
 * Cash: D+2 = 10,000,000 - 712,346 = 9,287,654; total = 712,000 +
 * 9,287,654 = 9,999,654. */
static const char balance_page[] =
    "'ctx_area_fk100':'12345678^01^','ctx_area_nk100':'',"
    "'output1':["
    "{'pdno':'005930','prdt_name':'삼성전자','trad_dvsn_name':'현금','bfdy_buy_qty':'0','bfdy_sll_qty':'0',"
    "'thdt_buyqty':'10','thdt_sll_qty':'0','hldg_qty':'10','ord_psbl_qty':'10','pchs_avg_pric':'71234.6000',"
    "'pchs_amt':'712346','prpr':'71200','evlu_amt':'712000','evlu_pfls_amt':'-346','evlu_pfls_rt':'-0.05',"
    "'fltt_rt':'1.71','bfdy_cprs_icdc':'1200'},"
    "{'pdno':'000660','prdt_name':'SK하이닉스','hldg_qty':'0','ord_psbl_qty':'0','pchs_avg_pric':'0.0000',"
    "'pchs_amt':'0','prpr':'180000','evlu_amt':'0','evlu_pfls_amt':'0'}],"
    "'output2':[{'dnca_tot_amt':'10000000','nxdy_excc_amt':'9287654','prvs_rcdl_excc_amt':'9287654',"
    "'thdt_buy_amt':'712346','thdt_sll_amt':'0','thdt_tlex_amt':'100','scts_evlu_amt':'712000',"
    "'tot_evlu_amt':'9999654','nass_amt':'9999654','pchs_amt_smtl_amt':'712346',"
    "'evlu_amt_smtl_amt':'712000','evlu_pfls_smtl_amt':'-346'}]";

static void test_parse_balance(void **state)
{
	(void)state;
	char err[160];
	struct kis_msg_balance b;
	memset(&b, 0, sizeof b);
	struct kis_reply r = reply(balance_page);
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(b.npos, 2);
	assert_true(b.cap >= 2);
	const struct kis_msg_position *p = &b.pos[0];
	assert_string_equal(p->symbol, "005930");
	assert_string_equal(p->name, "삼성전자");
	assert_int_equal(p->qty, 10);
	assert_int_equal(p->orderable, 10);
	assert_int_equal(p->avg_price, 71235);
	assert_int_equal(p->purchase_amount, 712346);
	assert_int_equal(p->price, 71200);
	assert_int_equal(p->eval_amount, 712000);
	assert_int_equal(p->pnl, -346);
	assert_int_equal(p->today_buy_qty, 10);
	assert_int_equal(p->today_sell_qty, 0);
	p = &b.pos[1];
	assert_string_equal(p->symbol, "000660");
	assert_string_equal(p->name, "SK하이닉스");
	assert_int_equal(p->qty, 0); /* kept although sold out */
	assert_int_equal(p->price, 180000);
	assert_int_equal(p->today_buy_qty, 0); /* absent -> 0 */
	assert_true(b.have_cash);
	assert_int_equal(b.cash.deposit, 10000000);
	assert_int_equal(b.cash.d1, 9287654);
	assert_int_equal(b.cash.d2, 9287654);
	assert_int_equal(b.cash.today_buy_amount, 712346);
	assert_int_equal(b.cash.today_sell_amount, 0);
	assert_int_equal(b.cash.today_costs, 100);
	assert_int_equal(b.cash.securities_eval, 712000);
	assert_int_equal(b.cash.total_eval, 9999654);
	assert_int_equal(b.cash.net_assets, 9999654);
	assert_int_equal(b.cash.pnl, -346);

	/* A second page appends; output2 as a bare object is taken too, and
	 * the optional cash fields default to 0. JSON numbers are accepted. */
	r = reply("'output1':[{'PDNO':'Q500001','PRDT_NAME':'ETN','HLDG_QTY':3,'ORD_PSBL_QTY':'3',"
	          "'PCHS_AVG_PRIC':10050.5,'PCHS_AMT':'30152','PRPR':'10100','EVLU_AMT':'30300',"
	          "'EVLU_PFLS_AMT':'148'}],"
	          "'output2':{'dnca_tot_amt':'1','nxdy_excc_amt':'2','prvs_rcdl_excc_amt':'3',"
	          "'scts_evlu_amt':'4','tot_evlu_amt':'5'}");
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(b.npos, 3);
	assert_string_equal(b.pos[0].symbol, "005930");
	assert_string_equal(b.pos[2].symbol, "Q500001");
	assert_int_equal(b.pos[2].qty, 3);
	assert_int_equal(b.pos[2].avg_price, 10051); /* 10050.5 rounds up */
	assert_int_equal(b.cash.deposit, 1);
	assert_int_equal(b.cash.total_eval, 5);
	assert_int_equal(b.cash.today_buy_amount, 0);
	assert_int_equal(b.cash.net_assets, 0);
	assert_int_equal(b.cash.pnl, 0);

	/* No holdings and no output2: nothing added, the cash kept. */
	r = reply("'output1':[],'output2':[]");
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(b.npos, 3);
	assert_int_equal(b.cash.deposit, 1);

	kis_msg_balance_free(&b);
	assert_null(b.pos);
	assert_int_equal(b.npos, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.have_cash, 0);
	kis_msg_balance_free(&b); /* twice, and on a zeroed struct */
	kis_msg_balance_free(NULL);

	/* Empty account, first page: no rows, cash seen. */
	r = reply("'output1':[{'pdno':'','prdt_name':'','hldg_qty':''}],"
	          "'output2':[{'dnca_tot_amt':'0','nxdy_excc_amt':'0','prvs_rcdl_excc_amt':'0',"
	          "'scts_evlu_amt':'0','tot_evlu_amt':'0'}]");
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(b.npos, 0);
	assert_true(b.have_cash);
	kis_msg_balance_free(&b);
}

static const char pos_ok[] = "{'pdno':'005930','prdt_name':'삼성전자','hldg_qty':'10','ord_psbl_qty':'10',"
                             "'pchs_avg_pric':'71234.6','pchs_amt':'712346','prpr':'71200','evlu_amt':'712000',"
                             "'evlu_pfls_amt':'-346'}";

static void test_parse_balance_errors(void **state)
{
	(void)state;
	char err[160], body[1024];
	struct kis_msg_balance b;
	memset(&b, 0, sizeof b);
	struct kis_reply r = reply(balance_page);
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(b.npos, 2);

	static const struct {
		const char *row1; /* output1[1]; output1[0] is pos_ok */
		const char *err;
	} bad[] = {
	    {"{'pdno':'000660','prdt_name':'x','ord_psbl_qty':'0','pchs_avg_pric':'0','pchs_amt':'0','prpr':'1',"
	     "'evlu_amt':'0','evlu_pfls_amt':'0'}",
	     "inquire-balance output1[1].hldg_qty: missing"},
	    {"{'pdno':'000660','prdt_name':'x','hldg_qty':'1.5','ord_psbl_qty':'0','pchs_avg_pric':'0',"
	     "'pchs_amt':'0','prpr':'1','evlu_amt':'0','evlu_pfls_amt':'0'}",
	     "inquire-balance output1[1].hldg_qty: not a whole number"},
	    {"{'pdno':'000660','prdt_name':'x','hldg_qty':'ten','ord_psbl_qty':'0','pchs_avg_pric':'0',"
	     "'pchs_amt':'0','prpr':'1','evlu_amt':'0','evlu_pfls_amt':'0'}",
	     "inquire-balance output1[1].hldg_qty: not a number"},
	    {"{'pdno':'000660','prdt_name':'x','hldg_qty':true,'ord_psbl_qty':'0','pchs_avg_pric':'0',"
	     "'pchs_amt':'0','prpr':'1','evlu_amt':'0','evlu_pfls_amt':'0'}",
	     "inquire-balance output1[1].hldg_qty: not a number"},
	    {"{'pdno':'000660','prdt_name':'x','hldg_qty':'1','ord_psbl_qty':'0','pchs_avg_pric':'0',"
	     "'pchs_amt':'0','prpr':'1','evlu_amt':'0','evlu_pfls_amt':'0','thdt_buyqty':'x'}",
	     "inquire-balance output1[1].thdt_buyqty: not a number"},
	    {"{'pdno':'000660','hldg_qty':'1','ord_psbl_qty':'0','pchs_avg_pric':'0',"
	     "'pchs_amt':'0','prpr':'1','evlu_amt':'0','evlu_pfls_amt':'0'}",
	     "inquire-balance output1[1].prdt_name: missing"},
	    {"{'prdt_name':'x'}", "inquire-balance output1[1].pdno: missing"},
	    {"{'pdno':'005930!','prdt_name':'x'}", "inquire-balance output1[1].pdno: not a product code"},
	    {"{'pdno':7}", "inquire-balance output1[1].pdno: not a string"},
	    {"'005930'", "inquire-balance output1[1]: not an object"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		snprintf(body, sizeof body, "'output1':[%s,%s],'output2':[]", pos_ok, bad[i].row1);
		r = reply(body);
		assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_EINVAL);
		assert_string_equal(err, bad[i].err);
		assert_int_equal(b.npos, 2); /* the page's good row 0 was undone */
		kis_reply_free(&r);
	}

	/* A cash error undoes the page's rows and keeps the old cash. */
	snprintf(body, sizeof body,
	         "'output1':[%s],'output2':[{'nxdy_excc_amt':'0','prvs_rcdl_excc_amt':'0','scts_evlu_amt':'0',"
	         "'tot_evlu_amt':'0'}]",
	         pos_ok);
	r = reply(body);
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-balance output2[0].dnca_tot_amt: missing");
	assert_int_equal(b.npos, 2);
	assert_int_equal(b.cash.deposit, 10000000);
	kis_reply_free(&r);

	r = reply("'output1':[],'output2':{'dnca_tot_amt':'x'}");
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-balance output2.dnca_tot_amt: not a number");
	kis_reply_free(&r);

	r = reply("'output1':[],'output2':['x']");
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-balance output2[0]: not an object");
	kis_reply_free(&r);

	r = reply("'output2':[]");
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-balance output1: missing");
	kis_reply_free(&r);

	r = reply("'output1':'none'");
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-balance output1: not an array");
	kis_reply_free(&r);

	assert_int_equal(kis_msg_parse_balance(&r, NULL, err, sizeof err), KE_EINVAL);
	kis_msg_balance_free(&b);
}

static void test_balance_growth(void **state)
{
	(void)state;
	/* 40 rows: the capacity goes 16 -> 32 -> 64. */
	size_t cap = 64 + 40 * sizeof pos_ok;
	char *body = malloc(cap), err[160];
	assert_non_null(body);
	size_t n = (size_t)snprintf(body, cap, "'output1':[");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(body + n, cap - n, "%s%s", i ? "," : "", pos_ok);
	snprintf(body + n, cap - n, "]");
	struct kis_msg_balance b;
	memset(&b, 0, sizeof b);
	struct kis_reply r = reply(body);
	free(body);
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(b.npos, 40);
	assert_int_equal(b.cap, 64);
	assert_int_equal(b.have_cash, 0); /* no output2 on this page */
	assert_string_equal(b.pos[39].symbol, "005930");
	assert_int_equal(b.pos[39].pnl, -346);
	kis_msg_balance_free(&b);
}

/* ---- inquire-daily-ccld ---- */

/* A limit buy of 10 at 71,200 filled 4 at an average of 71,150.5
 * (284,602 won), then a cancel of the other 6; a market sell filled. */
static const char ccld_page[] =
    "'ctx_area_fk100':'','ctx_area_nk100':'',"
    "'output1':["
    "{'ord_dt':'20260303','ord_gno_brno':'06010','odno':'0000006555','orgn_odno':'','ord_dvsn_name':'지정가',"
    "'sll_buy_dvsn_cd':'02','sll_buy_dvsn_cd_name':'현금매수','pdno':'005930','prdt_name':'삼성전자',"
    "'ord_qty':'10','ord_unpr':'71200','ord_tmd':'091501','tot_ccld_qty':'4','avg_prvs':'71150.5',"
    "'cncl_yn':'N','tot_ccld_amt':'284602','ord_dvsn_cd':'00','cnc_cfrm_qty':'6','rmn_qty':'0',"
    "'rjct_qty':'0','excg_id_dvsn_Cd':'KRX'},"
    "{'ord_dt':'20260303','ord_gno_brno':'06010','odno':'0000006560','orgn_odno':'0000006555',"
    "'sll_buy_dvsn_cd':'02','pdno':'005930','prdt_name':'삼성전자','ord_qty':'6','ord_unpr':'0',"
    "'ord_tmd':'093000','tot_ccld_qty':'0','avg_prvs':'0','cncl_yn':'Y','tot_ccld_amt':'0',"
    "'ord_dvsn_cd':'00','rmn_qty':'0'},"
    "{'ord_dt':'20260302','ord_gno_brno':'06010','odno':'0000006100','orgn_odno':'','sll_buy_dvsn_cd':'01',"
    "'pdno':'000660','prdt_name':'SK하이닉스','ord_qty':'3','ord_unpr':'0','ord_tmd':'150001',"
    "'tot_ccld_qty':'3','avg_prvs':'180000','cncl_yn':'N','tot_ccld_amt':'540000','ord_dvsn_cd':'01',"
    "'cnc_cfrm_qty':'0','rmn_qty':'0','rjct_qty':'0'}],"
    "'output2':{'tot_ord_qty':'19','tot_ccld_qty':'7','tot_ccld_amt':'824602','prsm_tlex_smtl':'116',"
    "'pchs_avg_pric':'71150.5'}";

static void test_parse_ccld(void **state)
{
	(void)state;
	char err[160];
	struct kis_msg_ccld_list l;
	memset(&l, 0, sizeof l);
	struct kis_reply r = reply(ccld_page);
	assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 3);
	const struct kis_msg_ccld_row *c = &l.rows[0];
	assert_string_equal(c->date, "20260303");
	assert_string_equal(c->orgno, "06010");
	assert_string_equal(c->odno, "0000006555");
	assert_string_equal(c->orig_odno, "");
	assert_string_equal(c->symbol, "005930");
	assert_string_equal(c->name, "삼성전자");
	assert_string_equal(c->ord_dvsn, "00");
	assert_string_equal(c->ord_tmd, "091501");
	assert_int_equal(c->side, SIDE_BUY);
	assert_int_equal(c->cancel, 0);
	assert_int_equal(c->qty, 10);
	assert_int_equal(c->price, 71200);
	assert_int_equal(c->filled_qty, 4);
	assert_int_equal(c->filled_amount, 284602);
	assert_int_equal(c->avg_price, 71151); /* 71150.5 away from zero */
	assert_int_equal(c->cancelled_qty, 6);
	assert_int_equal(c->remaining, 0);
	assert_int_equal(c->rejected_qty, 0);
	c = &l.rows[1];
	assert_string_equal(c->orig_odno, "0000006555");
	assert_int_equal(c->cancel, 1);
	assert_int_equal(c->cancelled_qty, 0); /* absent */
	assert_int_equal(c->rejected_qty, 0);  /* absent */
	c = &l.rows[2];
	assert_string_equal(c->date, "20260302");
	assert_int_equal(c->side, SIDE_SELL); /* 01 is sell */
	assert_string_equal(c->ord_dvsn, "01");
	assert_int_equal(c->price, 0);
	assert_int_equal(c->avg_price, 180000);

	/* Empty answers: [], a lone blank object, a blank row in an array. */
	static const char blank[] = "{'ord_dt':'','ord_gno_brno':'','odno':'','orgn_odno':'','sll_buy_dvsn_cd':'',"
	                            "'pdno':'','prdt_name':'','ord_qty':'','ord_unpr':'','ord_tmd':'',"
	                            "'tot_ccld_qty':'','avg_prvs':'','cncl_yn':'','tot_ccld_amt':'','rmn_qty':''}";
	char body[1024];
	r = reply("'output1':[],'output2':{}");
	assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	snprintf(body, sizeof body, "'output1':%s", blank);
	r = reply(body);
	assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	snprintf(body, sizeof body, "'output1':[%s]", blank);
	r = reply(body);
	assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 3);

	kis_msg_ccld_free(&l);
	assert_null(l.rows);
	assert_int_equal(l.n + l.cap, 0);
	kis_msg_ccld_free(&l);
	kis_msg_ccld_free(NULL);
}

static const char ccld_ok[] = "'ord_dt':'20260303','ord_gno_brno':'06010','odno':'0000006555','orgn_odno':'',"
                              "'pdno':'005930','prdt_name':'삼성전자','ord_qty':'10','ord_unpr':'71200',"
                              "'tot_ccld_qty':'0','tot_ccld_amt':'0','ord_dvsn_cd':'00'";

static void test_parse_ccld_errors(void **state)
{
	(void)state;
	char err[160], body[1024];
	struct kis_msg_ccld_list l;
	memset(&l, 0, sizeof l);
	static const char tail_ok[] = "'ord_tmd':'091501','sll_buy_dvsn_cd':'02','cncl_yn':'N','avg_prvs':'0',"
	                              "'rmn_qty':'10'";
	snprintf(body, sizeof body, "'output1':[{%s,%s}]", ccld_ok, tail_ok);
	struct kis_reply r = reply(body);
	assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.rows[0].remaining, 10);

	/* cncl_yn "" (seen on rows that are not cancels) is not a cancel. */
	snprintf(
	    body, sizeof body,
	    "'output1':[{%s,'ord_tmd':'091501','sll_buy_dvsn_cd':'01','cncl_yn':'','avg_prvs':'0','rmn_qty':'10'}]",
	    ccld_ok);
	r = reply(body);
	assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.rows[1].cancel, 0);
	assert_int_equal(l.rows[1].side, SIDE_SELL);
	l.n = 1;

	static const struct {
		const char *tail, *err;
	} bad[] = {
	    {"'ord_tmd':'091501','sll_buy_dvsn_cd':'02','cncl_yn':'N','avg_prvs':'0'",
	     "inquire-daily-ccld output1[1].rmn_qty: missing"},
	    {"'ord_tmd':'091501','sll_buy_dvsn_cd':'03','cncl_yn':'N','avg_prvs':'0','rmn_qty':'1'",
	     "inquire-daily-ccld output1[1].sll_buy_dvsn_cd: not 01 (sell) or 02 (buy)"},
	    {"'ord_tmd':'091501','sll_buy_dvsn_cd':'02','cncl_yn':'X','avg_prvs':'0','rmn_qty':'1'",
	     "inquire-daily-ccld output1[1].cncl_yn: not Y or N"},
	    {"'ord_tmd':'091501','sll_buy_dvsn_cd':'02','cncl_yn':'N','rmn_qty':'1'",
	     "inquire-daily-ccld output1[1].avg_prvs: missing"},
	    {"'ord_tmd':'091501','sll_buy_dvsn_cd':'02','cncl_yn':'N','avg_prvs':'x','rmn_qty':'1'",
	     "inquire-daily-ccld output1[1].avg_prvs: not a number"},
	    {"'ord_tmd':'91501','sll_buy_dvsn_cd':'02','cncl_yn':'N','avg_prvs':'0','rmn_qty':'1'",
	     "inquire-daily-ccld output1[1].ord_tmd: not a time HHMMSS"},
	    {"'ord_tmd':'091501','sll_buy_dvsn_cd':'02','cncl_yn':'N','avg_prvs':'0','rmn_qty':'1',"
	     "'rjct_qty':[]",
	     "inquire-daily-ccld output1[1].rjct_qty: not a number"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		snprintf(body, sizeof body, "'output1':[{%s,%s},{%s,%s}]", ccld_ok, tail_ok, ccld_ok, bad[i].tail);
		r = reply(body);
		assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_EINVAL);
		assert_string_equal(err, bad[i].err);
		assert_int_equal(l.n, 1);
		kis_reply_free(&r);
	}

	/* Fields of the shared part. */
	static const struct {
		const char *row, *err;
	} bad_row[] = {
	    {"{'ord_dt':'20260230','odno':'1'}", "inquire-daily-ccld output1[0].ord_dt: not a date YYYYMMDD"},
	    {"{'odno':'1'}", "inquire-daily-ccld output1[0].ord_dt: missing"},
	    {"{'ord_dt':'20260303','ord_gno_brno':'06010','odno':'1'}",
	     "inquire-daily-ccld output1[0].orgn_odno: missing"},
	    {"{'ord_dt':'20260303','ord_gno_brno':'060100000','odno':'1'}",
	     "inquire-daily-ccld output1[0].ord_gno_brno: too long"},
	    {"{'ord_dt':'20260303'}", "inquire-daily-ccld output1[0].odno: missing"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad_row); i++) {
		snprintf(body, sizeof body, "'output1':[%s]", bad_row[i].row);
		r = reply(body);
		assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_EINVAL);
		assert_string_equal(err, bad_row[i].err);
		kis_reply_free(&r);
	}

	r = reply("'output2':{}");
	assert_int_equal(kis_msg_parse_ccld(&r, &l, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-daily-ccld output1: missing");
	kis_reply_free(&r);
	assert_int_equal(l.n, 1);
	kis_msg_ccld_free(&l);
}

static void test_parse_psbl_rvsecncl(void **state)
{
	(void)state;
	char err[160];
	struct kis_msg_ccld_list l;
	memset(&l, 0, sizeof l);
	/* 4 of 10 filled for 284,602 won: no avg_prvs in this API, so the
	 * average is 284602 / 4 = 71150.5 -> 71151; psbl_qty 6 remains. */
	struct kis_reply r =
	    reply("'output':[{'ord_gno_brno':'06010','odno':'0000006555','orgn_odno':'','ord_dvsn_name':'지정가',"
	          "'pdno':'005930','prdt_name':'삼성전자','ord_qty':'10','ord_unpr':'71200','ord_tmd':'091501',"
	          "'tot_ccld_qty':'4','tot_ccld_amt':'284602','psbl_qty':'6','sll_buy_dvsn_cd':'02',"
	          "'ord_dvsn_cd':'00','excg_id_dvsn_cd':'KRX','stpm_cndt_pric':'0'},"
	          "{'ord_gno_brno':'06010','odno':'0000006600','orgn_odno':'','pdno':'000660','prdt_name':'SK하이닉스',"
	          "'ord_qty':'2','ord_unpr':'181000','ord_tmd':'100000','tot_ccld_qty':'0','tot_ccld_amt':'0',"
	          "'psbl_qty':'2','sll_buy_dvsn_cd':'01','ord_dvsn_cd':'00'}]");
	assert_int_equal(kis_msg_parse_psbl_rvsecncl(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.rows[0].date, "");
	assert_string_equal(l.rows[0].odno, "0000006555");
	assert_int_equal(l.rows[0].side, SIDE_BUY);
	assert_int_equal(l.rows[0].cancel, 0);
	assert_int_equal(l.rows[0].filled_qty, 4);
	assert_int_equal(l.rows[0].avg_price, 71151);
	assert_int_equal(l.rows[0].remaining, 6);
	assert_int_equal(l.rows[1].side, SIDE_SELL);
	assert_int_equal(l.rows[1].avg_price, 0);
	assert_int_equal(l.rows[1].remaining, 2);

	r = reply("'output':[{'ord_gno_brno':'06010','odno':'1','orgn_odno':'','pdno':'005930','prdt_name':'x',"
	          "'ord_qty':'10','ord_unpr':'71200','ord_tmd':'091501','tot_ccld_qty':'0','tot_ccld_amt':'0',"
	          "'sll_buy_dvsn_cd':'02','ord_dvsn_cd':'00'}]");
	assert_int_equal(kis_msg_parse_psbl_rvsecncl(&r, &l, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-psbl-rvsecncl output[0].psbl_qty: missing");
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);

	r = reply("'output':[]");
	assert_int_equal(kis_msg_parse_psbl_rvsecncl(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);
	kis_msg_ccld_free(&l);
}

/* ---- inquire-psbl-order / inquire-price ---- */

static void test_parse_buyable(void **state)
{
	(void)state;
	char err[160];
	struct kis_msg_buyable b;
	/* 9,287,654 won at 71,200: floor(9287654 / 71200) = 130 shares,
	 * 130 x 71,200 = 9,256,000 won. */
	struct kis_reply r = reply("'output':{'ord_psbl_cash':'9287654','ord_psbl_sbst':'0','ruse_psbl_amt':'0',"
	                           "'psbl_qty_calc_unpr':'71200','nrcvb_buy_amt':'9256000','nrcvb_buy_qty':'130',"
	                           "'max_buy_amt':'9256000','max_buy_qty':'130','cma_evlu_amt':'0'}");
	assert_int_equal(kis_msg_parse_buyable(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(b.cash, 9287654);
	assert_int_equal(b.calc_price, 71200);
	assert_int_equal(b.no_margin_amount, 9256000);
	assert_int_equal(b.no_margin_qty, 130);
	assert_int_equal(b.max_amount, 9256000);
	assert_int_equal(b.max_qty, 130);

	r = reply("'output':{'ord_psbl_cash':'9287654','psbl_qty_calc_unpr':'71200','nrcvb_buy_amt':'9256000',"
	          "'nrcvb_buy_qty':'130','max_buy_amt':'9256000'}");
	assert_int_equal(kis_msg_parse_buyable(&r, &b, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-psbl-order output.max_buy_qty: missing");
	assert_int_equal(b.max_qty, 130); /* untouched */
	kis_reply_free(&r);
	r = reply("'output':[]");
	assert_int_equal(kis_msg_parse_buyable(&r, &b, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-psbl-order output: missing");
	kis_reply_free(&r);
}

/* prdy_ctrt is left to the caller: %s. */
#define QUOTE_FMT                                                                                                      \
	"'stck_prpr':'71200','prdy_vrss':'1200','prdy_vrss_sign':'2','prdy_ctrt':'%s','acml_vol':'12345678',"          \
	"'acml_tr_pbmn':'876543210000','stck_oprc':'70100','stck_hgpr':'71500','stck_lwpr':'70000',"                   \
	"'stck_mxpr':'91000','stck_llam':'49000','stck_sdpr':'70000','hts_deal_qty_unit_val':'1','per':'13.5'"

static void test_parse_quote(void **state)
{
	(void)state;
	char err[160], body[1024];
	struct kis_msg_quote q;
	/* +1,200 on 70,000 = 1.714% -> prdy_ctrt "1.71" -> 171 bp; limits
	 * 70,000 x 1.3 = 91,000 and x 0.7 = 49,000. */
	snprintf(body, sizeof body, "'output':{" QUOTE_FMT ",'aspr_unit':'100'}", "1.71");
	struct kis_reply r = reply(body);
	assert_int_equal(kis_msg_parse_quote(&r, &q, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(q.price, 71200);
	assert_int_equal(q.change, 1200);
	assert_int_equal(q.open, 70100);
	assert_int_equal(q.high, 71500);
	assert_int_equal(q.low, 70000);
	assert_int_equal(q.upper, 91000);
	assert_int_equal(q.lower, 49000);
	assert_int_equal(q.prev_close, 70000);
	assert_int_equal(q.volume, 12345678);
	assert_int_equal(q.value, 876543210000);
	assert_int_equal(q.tick, 100);
	assert_int_equal(q.change_bp, 171);

	/* A falling stock, numbers sent as JSON numbers, no aspr_unit:
	 * -300 on 71,500 = -0.4196% -> "-0.42" -> -42 bp. */
	r = reply("'output':{'stck_prpr':71200,'prdy_vrss':-300,'prdy_ctrt':-0.42,'acml_vol':0,'acml_tr_pbmn':0,"
	          "'stck_oprc':71500,'stck_hgpr':71500,'stck_lwpr':71200,'stck_mxpr':92900,'stck_llam':50100,"
	          "'stck_sdpr':71500}");
	assert_int_equal(kis_msg_parse_quote(&r, &q, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(q.change, -300);
	assert_int_equal(q.change_bp, -42);
	assert_int_equal(q.tick, 0);
	assert_int_equal(q.upper, 92900);

	/* prdy_ctrt "-0.005" -> -0.5 bp -> -1 (away from zero). */
	snprintf(body, sizeof body, "'output':{" QUOTE_FMT "}", "-0.005");
	r = reply(body);
	assert_int_equal(kis_msg_parse_quote(&r, &q, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(q.change_bp, -1);

	r = reply("'output':{'stck_prpr':'71200'}");
	assert_int_equal(kis_msg_parse_quote(&r, &q, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-price output.prdy_vrss: missing");
	kis_reply_free(&r);
	snprintf(body, sizeof body, "'output':{" QUOTE_FMT ",'aspr_unit':'1 00'}", "1.71");
	r = reply(body);
	assert_int_equal(kis_msg_parse_quote(&r, &q, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-price output.aspr_unit: not a number");
	kis_reply_free(&r);
	/* The top-level name is matched case-insensitively as a fallback. */
	snprintf(body, sizeof body, "'OUTPUT':{" QUOTE_FMT "}", "1.71");
	r = reply(body);
	assert_int_equal(kis_msg_parse_quote(&r, &q, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(q.change_bp, 171);
}

/* ---- chart bars ---- */

static void test_parse_daily_bars(void **state)
{
	(void)state;
	char err[160];
	struct kis_msg_bar_list l;
	memset(&l, 0, sizeof l);
	struct kis_reply r =
	    reply("'output1':{'stck_prpr':'71200','stck_prdy_clpr':'70000','hts_kor_isnm':'삼성전자'},"
	          "'output2':[{'stck_bsop_date':'20260303','stck_clpr':'71200','stck_oprc':'70100','stck_hgpr':'71500',"
	          "'stck_lwpr':'70000','acml_vol':'12345678','acml_tr_pbmn':'876543210000','flng_cls_code':'00',"
	          "'prtt_rate':'0.00','mod_yn':'N','prdy_vrss_sign':'2','prdy_vrss':'1200','revl_issu_reas':''},"
	          "{'stck_bsop_date':'20260302','stck_clpr':'70000','stck_oprc':'69000','stck_hgpr':'70500',"
	          "'stck_lwpr':'68800','acml_vol':'9000000'},"
	          "{'stck_bsop_date':'','stck_clpr':'','stck_oprc':'','stck_hgpr':'','stck_lwpr':'','acml_vol':''}]");
	assert_int_equal(kis_msg_parse_daily_bars(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 2); /* the blank row is skipped */
	assert_int_equal(l.bars[0].date, 20260303);
	assert_int_equal(l.bars[0].time, 0);
	assert_int_equal(l.bars[0].open, 70100);
	assert_int_equal(l.bars[0].high, 71500);
	assert_int_equal(l.bars[0].low, 70000);
	assert_int_equal(l.bars[0].close, 71200);
	assert_int_equal(l.bars[0].volume, 12345678);
	assert_int_equal(l.bars[1].date, 20260302); /* order as received */
	assert_int_equal(l.bars[1].close, 70000);

	r = reply("'output2':[]");
	assert_int_equal(kis_msg_parse_daily_bars(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);

	r = reply("'output2':[{'stck_bsop_date':'20260227','stck_clpr':'1','stck_oprc':'1','stck_hgpr':'1',"
	          "'stck_lwpr':'1','acml_vol':'1'},{'stck_bsop_date':'2026022','stck_clpr':'1'}]");
	assert_int_equal(kis_msg_parse_daily_bars(&r, &l, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-daily-itemchartprice output2[1].stck_bsop_date: not a date YYYYMMDD");
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);
	r = reply("'output2':[{'stck_bsop_date':'20260227','stck_oprc':'1','stck_hgpr':'1','stck_lwpr':'1',"
	          "'acml_vol':'1'}]");
	assert_int_equal(kis_msg_parse_daily_bars(&r, &l, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-daily-itemchartprice output2[0].stck_clpr: missing");
	kis_reply_free(&r);
	r = reply("'output1':{}");
	assert_int_equal(kis_msg_parse_daily_bars(&r, &l, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-daily-itemchartprice output2: missing");
	kis_reply_free(&r);

	kis_msg_bars_free(&l);
	assert_null(l.bars);
	assert_int_equal(l.n + l.cap, 0);
	kis_msg_bars_free(&l);
	kis_msg_bars_free(NULL);
}

static void test_holidays(void **state)
{
	(void)state;
	char buf[128], err[160];
	assert_int_equal(kis_msg_holiday_query("20260302", buf, sizeof buf), KE_OK);
	assert_string_equal(buf, "BASS_DT=20260302&CTX_AREA_NK=&CTX_AREA_FK=");
	assert_int_equal(kis_msg_holiday_query("2026032", buf, sizeof buf), KE_EINVAL);
	assert_int_equal(kis_msg_holiday_query("20260302", buf, 10), KE_ELIMIT);

	struct kis_msg_day_list l;
	memset(&l, 0, sizeof l);
	/* 2026-03-01 is a Sunday (wday 01): closed; Monday 03-02 open; and
	 * 03-03 a holiday on a weekday (bank open, market closed). */
	struct kis_reply r = reply("'ctx_area_nk':'','ctx_area_fk':'','output':["
	                           "{'bass_dt':'20260301','wday_dvsn_cd':'01','bzdy_yn':'N','tr_day_yn':'N',"
	                           "'opnd_yn':'N','sttl_day_yn':'N'},"
	                           "{'bass_dt':'20260302','wday_dvsn_cd':'02','bzdy_yn':'Y','tr_day_yn':'Y',"
	                           "'opnd_yn':'Y','sttl_day_yn':'Y'},"
	                           "{'bass_dt':'20260303','wday_dvsn_cd':'03','bzdy_yn':'Y','tr_day_yn':'N',"
	                           "'opnd_yn':'N','sttl_day_yn':'N'}]");
	assert_int_equal(kis_msg_parse_holidays(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.days[0].date, 20260301);
	assert_int_equal(l.days[0].weekday, 1);
	assert_int_equal(l.days[0].open, 0);
	assert_int_equal(l.days[1].open, 1);
	assert_int_equal(l.days[1].settlement, 1);
	assert_int_equal(l.days[2].business, 1);
	assert_int_equal(l.days[2].trading, 0);
	assert_int_equal(l.days[2].open, 0);
	/* A flag other than Y/N and a weekday out of range are refused, and
	 * the list stays as it was. */
	r = reply("'output':[{'bass_dt':'20260304','wday_dvsn_cd':'04','bzdy_yn':'Y','tr_day_yn':'Y',"
	          "'opnd_yn':'1','sttl_day_yn':'Y'}]");
	assert_int_equal(kis_msg_parse_holidays(&r, &l, err, sizeof err), KE_EINVAL);
	kis_reply_free(&r);
	assert_string_equal(err, "chk-holiday output[0].opnd_yn: not Y or N");
	r = reply("'output':[{'bass_dt':'20260304','wday_dvsn_cd':'09','bzdy_yn':'Y','tr_day_yn':'Y',"
	          "'opnd_yn':'Y','sttl_day_yn':'Y'}]");
	assert_int_equal(kis_msg_parse_holidays(&r, &l, err, sizeof err), KE_EINVAL);
	kis_reply_free(&r);
	assert_int_equal(l.n, 3);
	kis_msg_days_free(&l);
	assert_null(l.days);
}

static void test_parse_minute_bars(void **state)
{
	(void)state;
	char err[160];
	struct kis_msg_bar_list l;
	memset(&l, 0, sizeof l);
	/* cntg_vol (the bar's own volume) is used, not acml_vol. */
	struct kis_reply r =
	    reply("'output1':{'prdy_vrss':'1200','stck_prpr':'71200','acml_vol':'12345678'},"
	          "'output2':[{'stck_bsop_date':'20260303','stck_cntg_hour':'153000','stck_prpr':'71200',"
	          "'stck_oprc':'71100','stck_hgpr':'71300','stck_lwpr':'71000','cntg_vol':'52000',"
	          "'acml_tr_pbmn':'876543210000'},"
	          "{'stck_bsop_date':'20260303','stck_cntg_hour':'091500','stck_prpr':'70200','stck_oprc':'70100',"
	          "'stck_hgpr':'70300','stck_lwpr':'70050','cntg_vol':'1000','acml_vol':'999999'}]");
	assert_int_equal(kis_msg_parse_minute_bars(&r, &l, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.bars[0].date, 20260303);
	assert_int_equal(l.bars[0].time, 153000);
	assert_int_equal(l.bars[0].open, 71100);
	assert_int_equal(l.bars[0].high, 71300);
	assert_int_equal(l.bars[0].low, 71000);
	assert_int_equal(l.bars[0].close, 71200);
	assert_int_equal(l.bars[0].volume, 52000);
	assert_int_equal(l.bars[1].time, 91500);
	assert_int_equal(l.bars[1].volume, 1000);

	r = reply("'output2':[{'stck_bsop_date':'20260303','stck_cntg_hour':'156100','stck_prpr':'1'}]");
	assert_int_equal(kis_msg_parse_minute_bars(&r, &l, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-time-itemchartprice output2[0].stck_cntg_hour: not a time HHMMSS");
	kis_reply_free(&r);
	r = reply("'output2':[{'stck_bsop_date':'20260303','stck_cntg_hour':'153000','stck_prpr':'1',"
	          "'stck_oprc':'1','stck_hgpr':'1','stck_lwpr':'1','acml_vol':'5'}]");
	assert_int_equal(kis_msg_parse_minute_bars(&r, &l, err, sizeof err), KE_EINVAL);
	assert_string_equal(err, "inquire-time-itemchartprice output2[0].cntg_vol: missing");
	kis_reply_free(&r);
	assert_int_equal(l.n, 2);
	kis_msg_bars_free(&l);
}

/* A name longer than the field is cut at a character boundary: 30 x
 * "가" (3 bytes each) = 90 bytes; 63 bytes of room hold 21 of them. */
static void test_long_name_cut(void **state)
{
	(void)state;
	char name[128] = "", body[1024], err[160];
	for (int i = 0; i < 30; i++)
		strcat(name, "가");
	snprintf(body, sizeof body,
	         "'output1':[{'pdno':'005930','prdt_name':'%s','hldg_qty':'1','ord_psbl_qty':'1',"
	         "'pchs_avg_pric':'1','pchs_amt':'1','prpr':'1','evlu_amt':'1','evlu_pfls_amt':'0'}]",
	         name);
	struct kis_msg_balance b;
	memset(&b, 0, sizeof b);
	struct kis_reply r = reply(body);
	assert_int_equal(kis_msg_parse_balance(&r, &b, err, sizeof err), KE_OK);
	kis_reply_free(&r);
	assert_int_equal(strlen(b.pos[0].name), 63);
	assert_memory_equal(b.pos[0].name, name, 63);
	kis_msg_balance_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_symbol_ok),
	    cmocka_unit_test(test_decimal_ok),
	    cmocka_unit_test(test_decimal_bad),
	    cmocka_unit_test(test_order_body),
	    cmocka_unit_test(test_order_body_invalid),
	    cmocka_unit_test(test_rvse_body),
	    cmocka_unit_test(test_rvse_body_invalid),
	    cmocka_unit_test(test_balance_query),
	    cmocka_unit_test(test_ccld_query),
	    cmocka_unit_test(test_other_queries),
	    cmocka_unit_test(test_parse_order_ack),
	    cmocka_unit_test(test_parse_balance),
	    cmocka_unit_test(test_parse_balance_errors),
	    cmocka_unit_test(test_balance_growth),
	    cmocka_unit_test(test_parse_ccld),
	    cmocka_unit_test(test_parse_ccld_errors),
	    cmocka_unit_test(test_parse_psbl_rvsecncl),
	    cmocka_unit_test(test_parse_buyable),
	    cmocka_unit_test(test_parse_quote),
	    cmocka_unit_test(test_parse_daily_bars),
	    cmocka_unit_test(test_parse_minute_bars),
	    cmocka_unit_test(test_holidays),
	    cmocka_unit_test(test_long_name_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
