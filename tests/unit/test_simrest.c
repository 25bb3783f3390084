/*
 * test_simrest.c - kis-sim's REST endpoints driven through simrest_handle
 * with hand-built requests: credentials, rate limit, tr_id rules, paths and
 * bodies, orders, queries with paging, quotes, hashkey and /_sim/state.
 *
 * Unless a test says otherwise: mock env with the default test account
 * 50000000-01 (100,000,000 won, no holdings) plus a second mock account
 * 50000002-01; KIS's default commission 0.0140527% (140,527 ppb, floored per
 * fill); 005930 "삼성전자" with previous close 70,000 (band 49,000 .. 91,000:
 * 70,000 x 0.3 = 21,000 either way, both on the 100-won grid) and 000660;
 * daily-ccld pages of 2 rows. Two clocks, as in the server:
 *   wall   starts 2026-05-10 12:00:00 KST = 1778382000 s
 *          (TZ=Asia/Seoul date -d '2026-05-10 12:00:00' +%s), and moves
 *          1 s per call so the mock rate (1/s) lets every call through;
 *   market 2026-03-02 (a Monday) 09:00:05 KST unless a test moves it.
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
#include <stdlib.h>
#include <string.h>

#include "ktime.h"
#include "simrest.h"

#define SEC     1000LL
#define WALL0   1778382000000LL /* 2026-05-10 12:00:00 KST */
#define CCLD    "/uapi/domestic-stock/v1/trading/inquire-daily-ccld"
#define CASH    "/uapi/domestic-stock/v1/trading/order-cash"
#define RVSE    "/uapi/domestic-stock/v1/trading/order-rvsecncl"
#define BAL     "/uapi/domestic-stock/v1/trading/inquire-balance"
#define PSBL    "/uapi/domestic-stock/v1/trading/inquire-psbl-order"
#define PSBLRV  "/uapi/domestic-stock/v1/trading/inquire-psbl-rvsecncl"
#define PRICE   "/uapi/domestic-stock/v1/quotations/inquire-price"
#define DCHART  "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice"
#define TCHART  "/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice"
#define HOLIDAY "/uapi/domestic-stock/v1/quotations/chk-holiday"
#define ACCT_Q  "CANO=50000000&ACNT_PRDT_CD=01"
#define QUOTE_Q "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930"

/* A header override that leaves the header out. */
static const char OMIT[] = "<omit>";

struct fix {
	struct simacct_list accts;
	struct simauth *auth;
	struct simrate *rate;
	struct simvenue *venue;
	struct simrest_world w;
	int32_t sam, hynix;
	int64_t wall, market;
	char token[SIMAUTH_TOKEN_MAX];
	/* Per-call header overrides, reset after every call (NULL = default). */
	const char *h_auth, *h_appkey, *h_appsecret, *h_tr_cont, *h_hashkey;
	int step; /* advance the wall clock after each call (default 1) */
	int extra_calls;
	struct simrest_resp last; /* status and headers of the last call */
};

static int64_t mkt(const char *hms)
{
	char buf[64];
	int64_t ms;
	snprintf(buf, sizeof(buf), "2026-03-02T%s+09:00", hms);
	assert_int_equal(ktime_parse_iso(buf, strlen(buf), 0, &ms), KE_OK);
	return ms;
}

static void state_extra(void *ud, cJSON *root)
{
	struct fix *f = ud;
	f->extra_calls++;
	cJSON_AddStringToObject(root, "extra", "yes");
}

/* ---- requests ---- */

struct built {
	struct simrest_req rq;
	char qbuf[1024];
	char auth[SIMAUTH_TOKEN_MAX + 16];
};

static void add_header(struct simrest_req *rq, const char *name, const char *value)
{
	if (value == OMIT)
		return;
	rq->headers[rq->nheaders].name = name;
	rq->headers[rq->nheaders].value = value;
	rq->nheaders++;
}

/* "A=1&B=" into the request's query list (the glue has decoded it). */
static void add_query(struct built *b, const char *q)
{
	if (q == NULL)
		return;
	snprintf(b->qbuf, sizeof(b->qbuf), "%s", q);
	for (char *p = b->qbuf; p && *p;) {
		char *amp = strchr(p, '&');
		if (amp)
			*amp = '\0';
		char *eq = strchr(p, '=');
		if (eq)
			*eq = '\0';
		b->rq.query[b->rq.nquery].name = p;
		b->rq.query[b->rq.nquery].value = eq ? eq + 1 : "";
		b->rq.nquery++;
		p = amp ? amp + 1 : NULL;
	}
}

/* Sends one request; returns the parsed body (the caller deletes it) and
 * keeps status and headers in f->last. */
static cJSON *call(struct fix *f, const char *method, const char *path, const char *tr_id, const char *query,
                   const char *body)
{
	struct built b;
	memset(&b, 0, sizeof(b));
	b.rq.method = method;
	b.rq.path = path;
	snprintf(b.auth, sizeof(b.auth), "Bearer %s", f->token);
	add_header(&b.rq, "content-type", "application/json; charset=utf-8");
	add_header(&b.rq, "authorization", f->h_auth ? f->h_auth : b.auth);
	add_header(&b.rq, "appkey", f->h_appkey ? f->h_appkey : f->accts.acct[0].app_key);
	add_header(&b.rq, "appsecret", f->h_appsecret ? f->h_appsecret : f->accts.acct[0].app_secret);
	add_header(&b.rq, "custtype", "P");
	if (tr_id)
		add_header(&b.rq, "tr_id", tr_id);
	add_header(&b.rq, "tr_cont", f->h_tr_cont ? f->h_tr_cont : "");
	if (f->h_hashkey)
		add_header(&b.rq, "hashkey", f->h_hashkey);
	add_query(&b, query);
	b.rq.body = body;
	b.rq.body_len = body ? strlen(body) : 0;

	simrest_resp_free(&f->last);
	assert_int_equal(simrest_handle(&f->w, &b.rq, f->wall, f->market, &f->last), KE_OK);
	assert_non_null(f->last.body);
	assert_int_equal(strlen(f->last.body), f->last.body_len);
	cJSON *j = cJSON_ParseWithLength(f->last.body, f->last.body_len);
	assert_non_null(j);
	simrest_resp_free(&f->last);
	f->wall += f->step * SEC;
	f->h_auth = f->h_appkey = f->h_appsecret = f->h_tr_cont = f->h_hashkey = NULL;
	return j;
}

static const char *js(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsString(it))
		fail_msg("no string \"%s\"", key);
	return it->valuestring;
}

static const cJSON *jget(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	if (it == NULL)
		fail_msg("no key \"%s\"", key);
	return it;
}

/* Asserts a KIS envelope: HTTP status, rt_cd, msg_cd. */
static void expect(struct fix *f, const cJSON *j, int status, const char *rt_cd, const char *msg_cd)
{
	assert_int_equal(f->last.status, status);
	assert_string_equal(js(j, "rt_cd"), rt_cd);
	assert_string_equal(js(j, "msg_cd"), msg_cd);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(j, "msg1"));
}

static void expect_del(struct fix *f, cJSON *j, int status, const char *rt_cd, const char *msg_cd)
{
	expect(f, j, status, rt_cd, msg_cd);
	cJSON_Delete(j);
}

/* ---- fixtures ---- */

static void token_body(const struct fix *f, char *buf, size_t len)
{
	snprintf(buf, len, "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"appsecret\":\"%s\"}",
	         f->accts.acct[0].app_key, f->accts.acct[0].app_secret);
}

/* with_holdings: the default account starts with 10 x 005930 at 70,000 and
 * 2 x 000660 at 150,000, and balance pages hold 1 row. */
static struct fix *make_ex(enum simacct_env env, int with_holdings)
{
	struct fix *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	simacct_default(&f->accts);
	if (with_holdings) {
		struct simacct_account *a = &f->accts.acct[0];
		a->holdings[0] = (struct simacct_holding){"005930", 10, 70000};
		a->holdings[1] = (struct simacct_holding){"000660", 2, 150000};
		a->nholdings = 2;
	}
	struct simacct_account *b = &f->accts.acct[1];
	*b = f->accts.acct[0];
	strcpy(b->app_key, "PSsecondKey");
	strcpy(b->cano, "50000002");
	f->accts.n = 2;

	struct simauth_config ac;
	simauth_config_default(&ac, env);
	assert_int_equal(simauth_new(&ac, &f->accts, &f->auth), KE_OK);
	struct simrate_config rc;
	simrate_config_default(&rc, env);
	assert_int_equal(simrate_new(&rc, f->accts.n, &f->rate), KE_OK);
	struct simvenue_config vc;
	simvenue_config_default(&vc, env == SIMACCT_REAL ? SIMVENUE_REAL : SIMVENUE_MOCK);
	vc.ccld_page = 2;
	if (with_holdings)
		vc.balance_page = 1;
	assert_int_equal(simvenue_new(&vc, &f->venue), KE_OK);
	assert_int_equal(simvenue_symbol(f->venue, "005930", &f->sam), KE_OK);
	assert_int_equal(simvenue_symbol(f->venue, "000660", &f->hynix), KE_OK);
	assert_int_equal(simvenue_set_symbol_name(f->venue, f->sam, "삼성전자"), KE_OK);
	for (int i = 0; i < f->accts.n; i++)
		assert_int_equal(simvenue_add_account(f->venue, &f->accts.acct[i]), KE_OK);
	assert_int_equal(simvenue_set_prev_close(f->venue, mkt("08:00:00"), f->sam, 70000), KE_OK);
	assert_int_equal(simvenue_set_prev_close(f->venue, mkt("08:00:00"), f->hynix, 150000), KE_OK);

	f->w.env = env;
	f->w.accts = &f->accts;
	f->w.auth = f->auth;
	f->w.rate = f->rate;
	f->w.venue = f->venue;
	f->w.state_extra = state_extra;
	f->w.state_ud = f;
	f->wall = WALL0;
	f->market = mkt("09:00:05");
	f->step = 1;
	return f;
}

static struct fix *make(enum simacct_env env)
{
	return make_ex(env, 0);
}

/* make_ex() and a token from POST /oauth2/tokenP at WALL0. */
static struct fix *login(struct fix *f)
{
	char body[512];
	token_body(f, body, sizeof(body));
	cJSON *j = call(f, "POST", "/oauth2/tokenP", NULL, NULL, body);
	assert_int_equal(f->last.status, 200);
	snprintf(f->token, sizeof(f->token), "%s", js(j, "access_token"));
	cJSON_Delete(j);
	return f;
}

static struct fix *make_logged_in(enum simacct_env env)
{
	return login(make(env));
}

static void destroy(struct fix *f)
{
	simrest_resp_free(&f->last);
	simvenue_free(f->venue);
	simrate_free(f->rate);
	simauth_free(f->auth);
	free(f);
}

static void tick(struct fix *f, const char *hms, int32_t sym, int64_t price, int64_t vol)
{
	struct tick t = {mkt(hms), sym, price, vol, 0, 0};
	assert_int_equal(simvenue_on_tick(f->venue, &t), KE_OK);
}

static void order_body(char *buf, size_t len, const char *cano, const char *pdno, const char *dvsn, const char *qty,
                       const char *unpr)
{
	snprintf(buf, len,
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"01\",\"PDNO\":\"%s\",\"ORD_DVSN\":\"%s\",\"ORD_QTY\":\"%s\","
	         "\"ORD_UNPR\":\"%s\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}",
	         cano, pdno, dvsn, qty, unpr);
}

/* A buy on mock that must be taken; returns its ODNO string in odno. */
static void buy(struct fix *f, const char *tr_id, const char *qty, const char *unpr, char odno[16])
{
	char body[512];
	order_body(body, sizeof(body), "50000000", "005930", "00", qty, unpr);
	cJSON *j = call(f, "POST", CASH, tr_id, NULL, body);
	assert_int_equal(f->last.status, 200);
	assert_string_equal(js(j, "rt_cd"), "0");
	snprintf(odno, 16, "%s", js(jget(j, "output"), "ODNO"));
	cJSON_Delete(j);
}

/* ---- credentials ---- */

static void test_token_issue_and_reuse(void **state)
{
	(void)state;
	struct fix *f = make(SIMACCT_MOCK);
	char body[512];
	token_body(f, body, sizeof(body));
	f->step = 0;
	cJSON *j = call(f, "POST", "/oauth2/tokenP", NULL, NULL, body);
	assert_int_equal(f->last.status, 200);
	char tok[SIMAUTH_TOKEN_MAX];
	snprintf(tok, sizeof(tok), "%s", js(j, "access_token"));
	assert_true(strlen(tok) > 100);
	assert_string_equal(js(j, "token_type"), "Bearer");
	/* WALL0 + 24 h = 2026-05-11 12:00:00 KST. */
	assert_string_equal(js(j, "access_token_token_expired"), "2026-05-11 12:00:00");
	assert_true(cJSON_IsNumber(jget(j, "expires_in")));
	assert_int_equal((int64_t)jget(j, "expires_in")->valuedouble, 86400);
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "rt_cd"));
	cJSON_Delete(j);

	/* Again within the minute: EGW00133 in the /oauth2 error shape, HTTP 403. */
	f->wall = WALL0 + 30 * SEC;
	j = call(f, "POST", "/oauth2/tokenP", NULL, NULL, body);
	assert_int_equal(f->last.status, 403);
	assert_string_equal(js(j, "error_code"), "EGW00133");
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "access_token"));
	cJSON_Delete(j);

	/* After the minute, within 6 h: the same token; 86400 - 61 s left. */
	f->wall = WALL0 + 61 * SEC;
	j = call(f, "POST", "/oauth2/tokenP", NULL, NULL, body);
	assert_int_equal(f->last.status, 200);
	assert_string_equal(js(j, "access_token"), tok);
	assert_int_equal((int64_t)jget(j, "expires_in")->valuedouble, 86339);
	assert_string_equal(js(j, "access_token_token_expired"), "2026-05-11 12:00:00");
	cJSON_Delete(j);

	/* Bad key, bad secret: 403 with the /oauth2 shape. */
	f->wall += 61 * SEC;
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"nope\",\"appsecret\":\"x\"}");
	j = call(f, "POST", "/oauth2/tokenP", NULL, NULL, body);
	assert_int_equal(f->last.status, 403);
	assert_string_equal(js(j, "error_code"), "EGW00103");
	cJSON_Delete(j);
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"appsecret\":\"x\"}",
	         f->accts.acct[0].app_key);
	j = call(f, "POST", "/oauth2/tokenP", NULL, NULL, body);
	assert_int_equal(f->last.status, 403);
	assert_string_equal(js(j, "error_code"), "EGW00105");
	cJSON_Delete(j);

	/* Malformed JSON: the envelope (HTTP 500) plus error_code for /oauth2 clients. */
	j = call(f, "POST", "/oauth2/tokenP", NULL, NULL, "{\"grant_type\":");
	expect(f, j, 500, "1", "OPSQ9997");
	assert_string_equal(js(j, "error_code"), "OPSQ9997");
	assert_string_equal(js(j, "msg1"), "JSON PARSING ERROR : invalid json format");
	cJSON_Delete(j);

	struct simauth_counters ac;
	simauth_counters(f->auth, &ac);
	assert_int_equal(ac.tokens_issued, 1);
	assert_int_equal(ac.tokens_reused, 1);
	assert_int_equal(ac.tokens_throttled, 1);
	/* 6 requests: issue, throttled, reuse, bad key, bad secret, malformed;
	 * all but the two answered tokens are errors. */
	assert_int_equal(f->w.requests, 6);
	assert_int_equal(f->w.rest_errors, 4);
	destroy(f);
}

static void test_revoke_and_approval(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	char body[1024];
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"secretkey\":\"%s\"}",
	         f->accts.acct[0].app_key, f->accts.acct[0].app_secret);
	cJSON *j = call(f, "POST", "/oauth2/Approval", NULL, NULL, body);
	assert_int_equal(f->last.status, 200);
	/* UUID-shaped: 8-4-4-4-12. */
	const char *k = js(j, "approval_key");
	assert_int_equal(strlen(k), 36);
	assert_int_equal(k[8], '-');
	assert_int_equal(k[23], '-');
	cJSON_Delete(j);

	/* appsecret instead of secretkey is a missing secret. */
	f->wall += 2 * SEC;
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"appsecret\":\"%s\"}",
	         f->accts.acct[0].app_key, f->accts.acct[0].app_secret);
	j = call(f, "POST", "/oauth2/Approval", NULL, NULL, body);
	assert_int_equal(f->last.status, 403);
	assert_string_equal(js(j, "error_code"), "EGW00104");
	cJSON_Delete(j);

	snprintf(body, sizeof(body), "{\"appkey\":\"%s\",\"appsecret\":\"%s\",\"token\":\"%s\"}",
	         f->accts.acct[0].app_key, f->accts.acct[0].app_secret, f->token);
	j = call(f, "POST", "/oauth2/revokeP", NULL, NULL, body);
	assert_int_equal(f->last.status, 200);
	assert_int_equal((int)jget(j, "code")->valuedouble, 200);
	assert_string_equal(js(j, "message"), "접근토큰 폐기에 성공하였습니다");
	cJSON_Delete(j);

	/* The revoked token is unknown now. */
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00121");
	destroy(f);
}

static void test_auth_errors(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	f->step = 0; /* refused calls must not use up the 1/s */
	f->h_auth = OMIT;
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00205");
	f->h_auth = "Bearer not-a-token";
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00121");
	f->h_appkey = "PSunknown";
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00103");
	f->h_appsecret = "wrong";
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00105");
	/* Another account's key with this token: the token is not that key's. */
	f->h_appkey = "PSsecondKey";
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00121");
	/* None of those counted against the rate: this one passes at the same instant. */
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 200, "0", "MCA00000");

	simauth_expire_all(f->auth, SIMAUTH_EXPIRE_TOKENS, f->wall);
	f->wall += SEC;
	cJSON *j = call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL);
	expect(f, j, 500, "1", "EGW00123");
	assert_string_equal(js(j, "msg1"), "기간이 만료된 token 입니다.");
	cJSON_Delete(j);
	assert_int_equal(f->w.rest_errors, 6);
	destroy(f);
}

static void test_rate_limit(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	f->step = 0;
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 200, "0", "MCA00000");
	cJSON *j = call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL);
	expect(f, j, 500, "1", "EGW00201");
	assert_string_equal(js(j, "msg1"), "초당 거래건수를 초과하였습니다.");
	cJSON_Delete(j);
	/* Sliding window: 999 ms later the first call is still inside (t-1000, t]. */
	f->wall += 999;
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00201");
	f->wall += 1;
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 200, "0", "MCA00000");
	struct simrate_counters rc;
	simrate_counters(f->rate, 0, &rc);
	assert_int_equal(rc.allowed, 2);
	assert_int_equal(rc.rejected, 2);
	destroy(f);
}

/* ---- tr_id, paths, bodies ---- */

static void test_tr_id_mock(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	char body[512];
	order_body(body, sizeof(body), "50000000", "005930", "00", "1", "70000");
	cJSON *j = call(f, "POST", CASH, "TTTC0012U", NULL, body);
	expect(f, j, 500, "1", "EGW02006");
	assert_string_equal(js(j, "msg1"), "모의투자 TR 이 아닙니다.");
	assert_string_equal(f->last.tr_id, "TTTC0012U");
	cJSON_Delete(j);
	/* The balance's tr_id on the order path; no tr_id at all. */
	expect_del(f, call(f, "POST", CASH, "VTTC8434R", NULL, body), 500, "1", "OPSQ0002");
	expect_del(f, call(f, "POST", CASH, NULL, NULL, body), 500, "1", "OPSQ9999");
	/* Real-only APIs: their tr_ids are real ones; a made-up V... is unknown. */
	expect_del(f, call(f, "GET", PSBLRV, "TTTC0084R", ACCT_Q, NULL), 500, "1", "EGW02006");
	expect_del(f, call(f, "GET", PSBLRV, "TTTC8036R", ACCT_Q, NULL), 500, "1", "EGW02006");
	expect_del(f, call(f, "GET", PSBLRV, "VTTC0084R", ACCT_Q, NULL), 500, "1", "OPSQ0002");
	expect_del(f, call(f, "GET", HOLIDAY, "CTCA0903R", "BASS_DT=20260302", NULL), 500, "1", "EGW02006");
	/* The old buy tr_id is taken; headers echo tr_id and carry a 32-hex gt_uid. */
	j = call(f, "POST", CASH, "VTTC0802U", NULL, body);
	expect(f, j, 200, "0", "40600000");
	assert_string_equal(f->last.tr_id, "VTTC0802U");
	assert_int_equal(strlen(f->last.gt_uid), 32);
	assert_int_equal(strspn(f->last.gt_uid, "0123456789abcdef"), 32);
	assert_string_equal(f->last.tr_cont, "");
	cJSON_Delete(j);
	destroy(f);
}

static void test_tr_id_real(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_REAL);
	cJSON *j = call(f, "GET", BAL, "VTTC8434R", ACCT_Q, NULL);
	expect(f, j, 500, "1", "EGW02005");
	assert_string_equal(js(j, "msg1"), "실전투자 TR 이 아닙니다.");
	cJSON_Delete(j);
	expect_del(f, call(f, "GET", BAL, "TTTC8434R", ACCT_Q, NULL), 200, "0", "KIOK0510");
	/* Quote tr_ids are the same in both envs. */
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 200, "0", "MCA00000");
	destroy(f);
}

static void test_paths_and_bodies(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	/* Routing comes first: no credentials needed for these answers. */
	f->h_auth = OMIT;
	cJSON *j = call(f, "GET", "/uapi/domestic-stock/v1/trading/nope", "VTTC8434R", NULL, NULL);
	expect(f, j, 404, "1", "SIM00404");
	assert_non_null(strstr(js(j, "msg1"), "/uapi/domestic-stock/v1/trading/nope"));
	cJSON_Delete(j);
	expect_del(f, call(f, "GET", CASH, "VTTC0012U", NULL, NULL), 405, "1", "SIM00405");
	expect_del(f, call(f, "POST", "/oauth2/tokenp", NULL, NULL, "{}"), 404, "1", "SIM00404");

	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, "{\"CANO\":"), 500, "1", "OPSQ9997");
	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, "[1,2]"), 500, "1", "OPSQ9997");
	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, "{} trailing"), 500, "1", "OPSQ9997");
	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, "  "), 500, "1", "OPSQ9995");
	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, NULL), 500, "1", "OPSQ9995");

	/* Missing field, number instead of string, lowercase keys: E_INPUT naming it. */
	j = call(f, "POST", CASH, "VTTC0012U", NULL,
	         "{\"CANO\":\"50000000\",\"ACNT_PRDT_CD\":\"01\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"00\","
	         "\"ORD_UNPR\":\"70000\"}");
	expect(f, j, 200, "1", "SIM00001");
	assert_string_equal(js(j, "msg1"), "입력값을 확인해주세요. (ORD_QTY)");
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "output"));
	cJSON_Delete(j);
	j = call(f, "POST", CASH, "VTTC0012U", NULL,
	         "{\"CANO\":\"50000000\",\"ACNT_PRDT_CD\":\"01\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"00\","
	         "\"ORD_QTY\":1,\"ORD_UNPR\":\"70000\"}");
	expect(f, j, 200, "1", "SIM00001");
	assert_string_equal(js(j, "msg1"), "입력값을 확인해주세요. (ORD_QTY)");
	cJSON_Delete(j);
	j = call(f, "POST", CASH, "VTTC0012U", NULL, "{\"cano\":\"50000000\"}");
	assert_string_equal(js(j, "msg1"), "입력값을 확인해주세요. (CANO)");
	cJSON_Delete(j);

	/* Another account (it exists at the venue) is not this app key's. */
	char body[512];
	order_body(body, sizeof(body), "50000002", "005930", "00", "1", "70000");
	j = call(f, "POST", CASH, "VTTC0012U", NULL, body);
	expect(f, j, 200, "1", "OPSQ2000");
	assert_string_equal(js(j, "msg1"), "ERROR : INPUT INVALID_CHECK_ACNO");
	cJSON_Delete(j);
	expect_del(f, call(f, "GET", BAL, "VTTC8434R", "CANO=50000002&ACNT_PRDT_CD=01", NULL), 200, "1", "OPSQ2000");
	/* A venue refusal: off the 100-won grid (70,050), no output. */
	order_body(body, sizeof(body), "50000000", "005930", "00", "1", "70050");
	j = call(f, "POST", CASH, "VTTC0012U", NULL, body);
	expect(f, j, 200, "1", "APBK0506");
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "output"));
	cJSON_Delete(j);
	/* A query parameter too long for the venue's fields. */
	expect_del(f,
	           call(f, "GET", BAL, "VTTC8434R", "CANO=500000000000000000000000000000000000&ACNT_PRDT_CD=01", NULL),
	           200, "1", "SIM00001");
	destroy(f);
}

/* ---- orders ---- */

static void test_order_fill_balance(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	char body[512];
	order_body(body, sizeof(body), "50000000", "005930", "00", "10", "70000");
	cJSON *j = call(f, "POST", CASH, "VTTC0012U", NULL, body);
	expect(f, j, 200, "0", "40600000");
	assert_string_equal(js(j, "msg1"), "모의투자 매수주문이 완료 되었습니다.");
	const cJSON *out = jget(j, "output");
	assert_string_equal(js(out, "KRX_FWDG_ORD_ORGNO"), "00950");
	assert_string_equal(js(out, "ODNO"), "0000000001");
	assert_string_equal(js(out, "ORD_TMD"), "090005");
	assert_null(cJSON_GetObjectItemCaseSensitive(out, "odno"));
	cJSON_Delete(j);

	/* A print at the limit after the order fills all 10. */
	tick(f, "09:00:10", f->sam, 70000, 100);
	f->market = mkt("09:00:15");
	j = call(f, "GET", BAL, "VTTC8434R",
	         ACCT_Q "&AFHR_FLPR_YN=N&OFL_YN=&INQR_DVSN=02&UNPR_DVSN=01&FUND_STTL_ICLD_YN=N"
	                "&FNCG_AMT_AUTO_RDPT_YN=N&PRCS_DVSN=00&CTX_AREA_FK100=&CTX_AREA_NK100=",
	         NULL);
	expect(f, j, 200, "0", "20310000");
	assert_string_equal(f->last.tr_cont, "D");
	assert_string_equal(js(j, "ctx_area_fk100"), "");
	assert_string_equal(js(j, "ctx_area_nk100"), "");
	const cJSON *rows = jget(j, "output1");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	const cJSON *r = cJSON_GetArrayItem(rows, 0);
	assert_string_equal(js(r, "pdno"), "005930");
	assert_string_equal(js(r, "prdt_name"), "삼성전자");
	assert_string_equal(js(r, "hldg_qty"), "10");
	assert_string_equal(js(r, "ord_psbl_qty"), "10");
	assert_string_equal(js(r, "thdt_buyqty"), "10");
	assert_string_equal(js(r, "pchs_amt"), "700000");
	assert_string_equal(js(r, "pchs_avg_pric"), "70000.0000");
	assert_string_equal(js(r, "prpr"), "70000");
	assert_string_equal(js(r, "evlu_amt"), "700000");
	assert_string_equal(js(r, "evlu_pfls_amt"), "0");
	assert_string_equal(js(r, "evlu_pfls_rt"), "0.00");
	const cJSON *o2 = jget(j, "output2");
	assert_true(cJSON_IsArray(o2));
	assert_int_equal(cJSON_GetArraySize(o2), 1);
	const cJSON *s = cJSON_GetArrayItem(o2, 0);
	/* Commission floor(700,000 x 140,527 / 10^9) = floor(98.37) = 98. The buy
	 * settles on Wednesday 03-04 (T+2), after today and after D+1 (Tuesday),
	 * so the deposit and D+1 still show 100,000,000; D+2 is
	 * 100,000,000 - 700,000 - 98 = 99,299,902; total = 700,000 + 99,299,902. */
	assert_string_equal(js(s, "dnca_tot_amt"), "100000000");
	assert_string_equal(js(s, "nxdy_excc_amt"), "100000000");
	assert_string_equal(js(s, "prvs_rcdl_excc_amt"), "99299902");
	assert_string_equal(js(s, "thdt_buy_amt"), "700000");
	assert_string_equal(js(s, "thdt_tlex_amt"), "98");
	assert_string_equal(js(s, "scts_evlu_amt"), "700000");
	assert_string_equal(js(s, "tot_evlu_amt"), "99999902");
	assert_string_equal(js(s, "pchs_amt_smtl_amt"), "700000");
	cJSON_Delete(j);

	/* Sell 4 at market with the new sell tr_id. */
	order_body(body, sizeof(body), "50000000", "005930", "01", "4", "0");
	j = call(f, "POST", CASH, "VTTC0011U", NULL, body);
	expect(f, j, 200, "0", "40590000");
	assert_string_equal(js(jget(j, "output"), "ODNO"), "0000000002");
	cJSON_Delete(j);
	j = call(f, "GET", BAL, "VTTC8434R", ACCT_Q, NULL);
	/* 4 of the 10 are offered: 6 can still be ordered. */
	assert_string_equal(js(cJSON_GetArrayItem(jget(j, "output1"), 0), "ord_psbl_qty"), "6");
	cJSON_Delete(j);
	destroy(f);
}

static void test_balance_paging(void **state)
{
	(void)state;
	struct fix *f = login(make_ex(SIMACCT_MOCK, 1));
	cJSON *j = call(f, "GET", BAL, "VTTC8434R", ACCT_Q "&CTX_AREA_FK100=&CTX_AREA_NK100=", NULL);
	expect(f, j, 200, "0", "20310000");
	/* One row a page, by PDNO: 000660 first; more follows. */
	assert_string_equal(f->last.tr_cont, "F");
	assert_int_equal(cJSON_GetArraySize(jget(j, "output1")), 1);
	const cJSON *r = cJSON_GetArrayItem(jget(j, "output1"), 0);
	assert_string_equal(js(r, "pdno"), "000660");
	assert_string_equal(js(r, "hldg_qty"), "2");
	assert_string_equal(js(r, "pchs_avg_pric"), "150000.0000");
	/* Sums over every row, not the page: 10 x 70,000 + 2 x 150,000. */
	assert_string_equal(js(cJSON_GetArrayItem(jget(j, "output2"), 0), "pchs_amt_smtl_amt"), "1000000");
	char nk[64], q[256];
	snprintf(nk, sizeof(nk), "%s", js(j, "ctx_area_nk100"));
	assert_string_equal(nk, "000660");
	cJSON_Delete(j);

	snprintf(q, sizeof(q), ACCT_Q "&CTX_AREA_FK100=%s&CTX_AREA_NK100=%s", nk, nk);
	f->h_tr_cont = "N";
	j = call(f, "GET", BAL, "VTTC8434R", q, NULL);
	expect(f, j, 200, "0", "20310000");
	assert_string_equal(f->last.tr_cont, "E");
	r = cJSON_GetArrayItem(jget(j, "output1"), 0);
	assert_string_equal(js(r, "pdno"), "005930");
	assert_string_equal(js(r, "hldg_qty"), "10");
	assert_string_equal(js(j, "ctx_area_fk100"), "");
	assert_string_equal(js(j, "ctx_area_nk100"), "");
	assert_string_equal(js(cJSON_GetArrayItem(jget(j, "output2"), 0), "pchs_amt_smtl_amt"), "1000000");
	cJSON_Delete(j);
	destroy(f);
}

static void test_revise_cancel(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	char odno[16], body[512];
	buy(f, "VTTC0012U", "10", "69000", odno);
	assert_string_equal(odno, "0000000001");

	/* Revise all 10 to 69,500: a new order 2 with lowercase output keys. */
	const char *fmt = "{\"CANO\":\"50000000\",\"ACNT_PRDT_CD\":\"01\",\"KRX_FWDG_ORD_ORGNO\":\"00950\","
	                  "\"ORGN_ODNO\":\"%s\",\"ORD_DVSN\":\"00\",\"RVSE_CNCL_DVSN_CD\":\"%s\",\"ORD_QTY\":\"%s\","
	                  "\"ORD_UNPR\":\"%s\",\"QTY_ALL_ORD_YN\":\"%s\",\"EXCG_ID_DVSN_CD\":\"KRX\"}";
	snprintf(body, sizeof(body), fmt, odno, "01", "0", "69500", "Y");
	cJSON *j = call(f, "POST", RVSE, "VTTC0013U", NULL, body);
	expect(f, j, 200, "0", "40620000");
	const cJSON *out = jget(j, "output");
	assert_string_equal(js(out, "odno"), "0000000002");
	assert_string_equal(js(out, "krx_fwdg_ord_orgno"), "00950");
	assert_string_equal(js(out, "ord_tmd"), "090005");
	assert_null(cJSON_GetObjectItemCaseSensitive(out, "ODNO"));
	cJSON_Delete(j);

	/* Cancel 4 of the revised order with the old tr_id: cancel record 3. */
	snprintf(body, sizeof(body), fmt, "0000000002", "02", "4", "0", "N");
	j = call(f, "POST", RVSE, "VTTC0803U", NULL, body);
	expect(f, j, 200, "0", "40630000");
	assert_string_equal(js(jget(j, "output"), "odno"), "0000000003");
	cJSON_Delete(j);

	struct simvenue_order_info oi;
	assert_int_equal(simvenue_order_get(f->venue, 1, &oi), KE_OK);
	assert_int_equal(oi.remaining, 0);
	assert_int_equal(oi.revised_qty, 10);
	assert_int_equal(simvenue_order_get(f->venue, 2, &oi), KE_OK);
	assert_int_equal(oi.remaining, 6);
	assert_int_equal(oi.cancelled_qty, 4);
	assert_int_equal(oi.price, 69500);

	/* Order 1 has nothing left; a missing QTY_ALL_ORD_YN is named. */
	snprintf(body, sizeof(body), fmt, odno, "02", "0", "0", "Y");
	expect_del(f, call(f, "POST", RVSE, "VTTC0013U", NULL, body), 200, "1", "40330000");
	j = call(f, "POST", RVSE, "VTTC0013U", NULL,
	         "{\"CANO\":\"50000000\",\"ACNT_PRDT_CD\":\"01\",\"KRX_FWDG_ORD_ORGNO\":\"00950\","
	         "\"ORGN_ODNO\":\"2\",\"ORD_DVSN\":\"00\",\"RVSE_CNCL_DVSN_CD\":\"02\",\"ORD_QTY\":\"0\","
	         "\"ORD_UNPR\":\"0\"}");
	expect(f, j, 200, "1", "SIM00001");
	assert_string_equal(js(j, "msg1"), "입력값을 확인해주세요. (QTY_ALL_ORD_YN)");
	cJSON_Delete(j);
	destroy(f);
}

/* ---- queries ---- */

static void test_daily_ccld_paging(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	char odno[16];
	buy(f, "VTTC0012U", "1", "69000", odno);
	f->market = mkt("09:01:00");
	buy(f, "VTTC0012U", "2", "68000", odno);
	f->market = mkt("09:02:00");
	buy(f, "VTTC0012U", "3", "67000", odno);
	assert_string_equal(odno, "0000000003");

	const char *q = ACCT_Q "&INQR_STRT_DT=20260302&INQR_END_DT=20260302&SLL_BUY_DVSN_CD=00&INQR_DVSN=00&PDNO="
	                       "&CCLD_DVSN=00&ORD_GNO_BRNO=&ODNO=&INQR_DVSN_3=00&INQR_DVSN_1=&EXCG_ID_DVSN_CD=KRX"
	                       "&CTX_AREA_FK100=&CTX_AREA_NK100=";
	cJSON *j = call(f, "GET", CCLD, "VTTC0081R", q, NULL);
	expect(f, j, 200, "0", "20310000");
	/* Page of 2, newest first: orders 3 and 2; more follows. */
	assert_string_equal(f->last.tr_cont, "F");
	const cJSON *rows = jget(j, "output1");
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "odno"), "0000000003");
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "ord_qty"), "3");
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "ord_unpr"), "67000");
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "ord_tmd"), "090200");
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "sll_buy_dvsn_cd"), "02");
	assert_string_equal(js(cJSON_GetArrayItem(rows, 1), "odno"), "0000000002");
	/* output2 is an object with totals over every selected row: 1 + 2 + 3 = 6. */
	const cJSON *o2 = jget(j, "output2");
	assert_true(cJSON_IsObject(o2));
	assert_string_equal(js(o2, "tot_ord_qty"), "6");
	assert_string_equal(js(o2, "tot_ccld_qty"), "0");
	char nk[64];
	snprintf(nk, sizeof(nk), "%s", js(j, "ctx_area_nk100"));
	assert_string_equal(js(j, "ctx_area_fk100"), nk);
	cJSON_Delete(j);

	/* Next page: tr_cont N and the context copied back (lowercase names too). */
	char q2[512];
	snprintf(q2, sizeof(q2), "cano=50000000&acnt_prdt_cd=01&inqr_dvsn=00&ctx_area_fk100=%s&ctx_area_nk100=%s", nk,
	         nk);
	f->h_tr_cont = "N";
	j = call(f, "GET", CCLD, "VTTC0081R", q2, NULL);
	expect(f, j, 200, "0", "20310000");
	assert_string_equal(f->last.tr_cont, "E");
	rows = jget(j, "output1");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "odno"), "0000000001");
	assert_string_equal(js(j, "ctx_area_nk100"), "");
	cJSON_Delete(j);

	/* The context without tr_cont N is ignored: the first page again. */
	j = call(f, "GET", CCLD, "VTTC0081R", q2, NULL);
	assert_string_equal(f->last.tr_cont, "F");
	assert_string_equal(js(cJSON_GetArrayItem(jget(j, "output1"), 0), "odno"), "0000000003");
	cJSON_Delete(j);

	/* Oldest first, old tr_id; a PDNO filter with nothing in it. */
	j = call(f, "GET", CCLD, "VTTC8001R", ACCT_Q "&INQR_DVSN=01", NULL);
	assert_string_equal(js(cJSON_GetArrayItem(jget(j, "output1"), 0), "odno"), "0000000001");
	cJSON_Delete(j);
	j = call(f, "GET", CCLD, "VTSC9215R", ACCT_Q "&PDNO=000660", NULL);
	expect(f, j, 200, "0", "20310000");
	assert_string_equal(f->last.tr_cont, "D");
	assert_int_equal(cJSON_GetArraySize(jget(j, "output1")), 0);
	assert_string_equal(js(jget(j, "output2"), "tot_ord_qty"), "0");
	cJSON_Delete(j);
	/* A malformed filter is the venue's E_INPUT naming it. */
	j = call(f, "GET", CCLD, "VTTC0081R", ACCT_Q "&CCLD_DVSN=09", NULL);
	expect(f, j, 200, "1", "SIM00001");
	assert_string_equal(js(j, "msg1"), "입력값을 확인해주세요. (CCLD_DVSN)");
	cJSON_Delete(j);
	destroy(f);
}

static void test_psbl_order(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	cJSON *j = call(f, "GET", PSBL, "VTTC8908R",
	                ACCT_Q "&PDNO=005930&ORD_UNPR=70000&ORD_DVSN=00&CMA_EVLU_AMT_ICLD_YN=N&OVRS_ICLD_YN=N", NULL);
	expect(f, j, 200, "0", "20310000");
	const cJSON *o = jget(j, "output");
	/* 1,428 x 70,000 = 99,960,000 + floor(14,047.1) = 99,974,047 <= 10^8;
	 * 1,429 x 70,000 = 100,030,000 > 10^8. */
	assert_string_equal(js(o, "ord_psbl_cash"), "100000000");
	assert_string_equal(js(o, "psbl_qty_calc_unpr"), "70000");
	assert_string_equal(js(o, "nrcvb_buy_qty"), "1428");
	assert_string_equal(js(o, "max_buy_qty"), "1428");
	assert_string_equal(js(o, "max_buy_amt"), "99960000");
	cJSON_Delete(j);
	/* Market: priced at the upper limit 91,000. 1,098 x 91,000 = 99,918,000
	 * + floor(14,041.2) = 99,932,041 fits; 1,099 x 91,000 = 100,009,000 not. */
	j = call(f, "GET", PSBL, "VTTC8908R", ACCT_Q "&PDNO=005930&ORD_UNPR=0&ORD_DVSN=01", NULL);
	o = jget(j, "output");
	assert_string_equal(js(o, "psbl_qty_calc_unpr"), "91000");
	assert_string_equal(js(o, "max_buy_qty"), "1098");
	assert_string_equal(js(o, "max_buy_amt"), "99918000");
	cJSON_Delete(j);
	/* Without CANO: named. */
	j = call(f, "GET", PSBL, "VTTC8908R", "ACNT_PRDT_CD=01&PDNO=005930", NULL);
	expect(f, j, 200, "1", "SIM00001");
	assert_string_equal(js(j, "msg1"), "입력값을 확인해주세요. (CANO)");
	cJSON_Delete(j);
	destroy(f);
}

static void test_quote_and_charts(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	tick(f, "09:00:10", f->sam, 71200, 100);
	f->market = mkt("09:00:20");
	/* Lowercase fid_* names, as the official Postman collection sends. */
	cJSON *j = call(f, "GET", PRICE, "FHKST01010100", "fid_cond_mrkt_div_code=J&fid_input_iscd=005930", NULL);
	expect(f, j, 200, "0", "MCA00000");
	assert_string_equal(js(j, "msg1"), "정상처리 되었습니다.");
	const cJSON *o = jget(j, "output");
	/* 71,200 - 70,000 = 1,200 up; 1,200 / 70,000 = 1.714% -> "1.71". */
	assert_string_equal(js(o, "stck_prpr"), "71200");
	assert_string_equal(js(o, "prdy_vrss"), "1200");
	assert_string_equal(js(o, "prdy_vrss_sign"), "2");
	assert_string_equal(js(o, "prdy_ctrt"), "1.71");
	assert_string_equal(js(o, "acml_vol"), "100");
	assert_string_equal(js(o, "acml_tr_pbmn"), "7120000"); /* 71,200 x 100 */
	assert_string_equal(js(o, "stck_oprc"), "71200");
	assert_string_equal(js(o, "stck_mxpr"), "91000");
	assert_string_equal(js(o, "stck_llam"), "49000");
	assert_string_equal(js(o, "stck_sdpr"), "70000");
	assert_string_equal(js(o, "aspr_unit"), "100"); /* 50,000 .. 200,000 band */
	assert_string_equal(js(o, "hts_deal_qty_unit_val"), "1");
	cJSON_Delete(j);

	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=999999", NULL),
	           200, "1", "SIM00003");
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", "FID_COND_MRKT_DIV_CODE=NX&FID_INPUT_ISCD=005930", NULL),
	           200, "1", "SIM00002");
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", "FID_COND_MRKT_DIV_CODE=Q&FID_INPUT_ISCD=005930", NULL),
	           200, "1", "OPSQ2001");

	j = call(f, "GET", DCHART, "FHKST03010100",
	         QUOTE_Q "&FID_INPUT_DATE_1=20260201&FID_INPUT_DATE_2=20260302&FID_PERIOD_DIV_CODE=D&FID_ORG_ADJ_PRC=0",
	         NULL);
	expect(f, j, 200, "0", "MCA00000");
	o = jget(j, "output1");
	assert_string_equal(js(o, "stck_prpr"), "71200");
	assert_string_equal(js(o, "stck_prdy_clpr"), "70000");
	assert_string_equal(js(o, "hts_kor_isnm"), "삼성전자");
	/* The one print makes today's daily bar. */
	assert_true(cJSON_IsArray(jget(j, "output2")));
	assert_int_equal(cJSON_GetArraySize(jget(j, "output2")), 1);
	o = cJSON_GetArrayItem(jget(j, "output2"), 0);
	assert_string_equal(js(o, "stck_bsop_date"), "20260302");
	assert_string_equal(js(o, "stck_clpr"), "71200");
	assert_string_equal(js(o, "acml_tr_pbmn"), "7120000");
	cJSON_Delete(j);
	/* 09:30 is still to come at 09:00:20: now, with the forming 09:01 bar. */
	j = call(f, "GET", TCHART, "FHKST03010200",
	         "FID_ETC_CLS_CODE=&" QUOTE_Q "&FID_INPUT_HOUR_1=093000&FID_PW_DATA_INCU_YN=N", NULL);
	expect(f, j, 200, "0", "MCA00000");
	assert_string_equal(js(jget(j, "output1"), "prdy_vrss"), "1200");
	assert_int_equal(cJSON_GetArraySize(jget(j, "output2")), 1);
	assert_string_equal(js(cJSON_GetArrayItem(jget(j, "output2"), 0), "stck_cntg_hour"), "090100");
	cJSON_Delete(j);
	/* A chart tr_id on the price path. */
	expect_del(f, call(f, "GET", PRICE, "FHKST03010100", QUOTE_Q, NULL), 500, "1", "OPSQ0002");
	destroy(f);
}

/* One output2 row of the minute chart. */
static void expect_minute_row(const cJSON *r, const char *date, const char *hour, const char *close, const char *open,
                              const char *high, const char *low, const char *vol, const char *acml)
{
	assert_string_equal(js(r, "stck_bsop_date"), date);
	assert_string_equal(js(r, "stck_cntg_hour"), hour);
	assert_string_equal(js(r, "stck_prpr"), close);
	assert_string_equal(js(r, "stck_oprc"), open);
	assert_string_equal(js(r, "stck_hgpr"), high);
	assert_string_equal(js(r, "stck_lwpr"), low);
	assert_string_equal(js(r, "cntg_vol"), vol);
	assert_string_equal(js(r, "acml_tr_pbmn"), acml);
}

static void expect_daily_row(const cJSON *r, const char *date, const char *close, const char *open, const char *high,
                             const char *low, const char *vol, const char *value, const char *vrss, const char *sign)
{
	assert_string_equal(js(r, "stck_bsop_date"), date);
	assert_string_equal(js(r, "stck_clpr"), close);
	assert_string_equal(js(r, "stck_oprc"), open);
	assert_string_equal(js(r, "stck_hgpr"), high);
	assert_string_equal(js(r, "stck_lwpr"), low);
	assert_string_equal(js(r, "acml_vol"), vol);
	assert_string_equal(js(r, "acml_tr_pbmn"), value);
	assert_string_equal(js(r, "prdy_vrss"), vrss);
	assert_string_equal(js(r, "prdy_vrss_sign"), sign);
	assert_string_equal(js(r, "flng_cls_code"), "00");
	assert_string_equal(js(r, "mod_yn"), "N");
}

#define DCHART_Q(d1, d2, p)                                                                                            \
	QUOTE_Q "&FID_INPUT_DATE_1=" d1 "&FID_INPUT_DATE_2=" d2 "&FID_PERIOD_DIV_CODE=" p "&FID_ORG_ADJ_PRC=0"
#define TCHART_Q(h) "FID_ETC_CLS_CODE=&" QUOTE_Q "&FID_INPUT_HOUR_1=" h "&FID_PW_DATA_INCU_YN=N"

static void test_chart_bars(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	/* Monday (base 70,000): 09:01 bar 71,200x100 + 71,000x50 = 7,120,000 +
	 * 3,550,000 = 10,670,000 won, 150 shares; the 09:01:05 print opens the
	 * 09:02 bar: 71,500x10 = 715,000, day 11,385,000. */
	tick(f, "09:00:10", f->sam, 71200, 100);
	tick(f, "09:00:50", f->sam, 71000, 50);
	tick(f, "09:01:05", f->sam, 71500, 10);
	f->market = mkt("09:01:30");
	cJSON *j = call(f, "GET", TCHART, "FHKST03010200", TCHART_Q("153000"), NULL);
	expect(f, j, 200, "0", "MCA00000");
	const cJSON *rows = jget(j, "output2");
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	expect_minute_row(cJSON_GetArrayItem(rows, 0), "20260302", "090200", "71500", "71500", "71500", "71500", "10",
	                  "11385000");
	expect_minute_row(cJSON_GetArrayItem(rows, 1), "20260302", "090100", "71000", "71200", "71200", "71000", "150",
	                  "10670000");
	cJSON_Delete(j);
	/* At or before 09:01:00: the 09:01 bar only. */
	j = call(f, "GET", TCHART, "FHKST03010200", TCHART_Q("090100"), NULL);
	expect(f, j, 200, "0", "MCA00000");
	rows = jget(j, "output2");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "stck_cntg_hour"), "090100");
	cJSON_Delete(j);
	expect_del(f, call(f, "GET", TCHART, "FHKST03010200", TCHART_Q("0901"), NULL), 200, "1", "SIM00001");
	expect_del(f, call(f, "GET", TCHART, "FHKST03010200", TCHART_Q("096100"), NULL), 200, "1", "SIM00001");

	/* Tuesday: the base is Monday's close 71,500; 70,000x20 = 1,400,000 at
	 * 09:05:00 makes the 09:06 bar; 70,000 - 71,500 = -1,500 (sign 5). */
	int64_t day = 24LL * 3600 * 1000;
	struct tick t = {mkt("09:05:00") + day, f->sam, 70000, 20, 0, 0};
	assert_int_equal(simvenue_on_tick(f->venue, &t), KE_OK);
	f->market = mkt("09:05:30") + day;
	j = call(f, "GET", DCHART, "FHKST03010100", DCHART_Q("20260301", "20260303", "D"), NULL);
	expect(f, j, 200, "0", "MCA00000");
	assert_string_equal(js(jget(j, "output1"), "stck_prdy_clpr"), "71500");
	rows = jget(j, "output2");
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	expect_daily_row(cJSON_GetArrayItem(rows, 0), "20260303", "70000", "70000", "70000", "70000", "20", "1400000",
	                 "-1500", "5");
	/* Monday: 71,500 - 70,000 = +1,500 (sign 2); 160 shares. */
	expect_daily_row(cJSON_GetArrayItem(rows, 1), "20260302", "71500", "71200", "71500", "71000", "160", "11385000",
	                 "1500", "2");
	cJSON_Delete(j);
	/* The end date bounds the list (how a client pages back). */
	j = call(f, "GET", DCHART, "FHKST03010100", DCHART_Q("", "20260302", "D"), NULL);
	expect(f, j, 200, "0", "MCA00000");
	rows = jget(j, "output2");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	assert_string_equal(js(cJSON_GetArrayItem(rows, 0), "stck_bsop_date"), "20260302");
	cJSON_Delete(j);
	/* Only days: W/M/Y are refused as not modelled; garbage is an input error. */
	expect_del(f, call(f, "GET", DCHART, "FHKST03010100", DCHART_Q("20260301", "20260303", "W"), NULL), 200, "1",
	           "SIM00002");
	expect_del(f, call(f, "GET", DCHART, "FHKST03010100", DCHART_Q("20260301", "20260303", "X"), NULL), 200, "1",
	           "SIM00001");
	expect_del(f, call(f, "GET", DCHART, "FHKST03010100", DCHART_Q("20260230", "20260303", "D"), NULL), 200, "1",
	           "SIM00001");
	/* Today's minutes only: Monday's are gone; "" is now. */
	j = call(f, "GET", TCHART, "FHKST03010200", TCHART_Q(""), NULL);
	expect(f, j, 200, "0", "MCA00000");
	rows = jget(j, "output2");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	expect_minute_row(cJSON_GetArrayItem(rows, 0), "20260303", "090600", "70000", "70000", "70000", "70000", "20",
	                  "1400000");
	cJSON_Delete(j);
	destroy(f);
}

static void test_real_psbl_rvsecncl_and_holiday(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_REAL);
	char odno[16];
	buy(f, "TTTC0012U", "5", "69000", odno);
	assert_string_equal(odno, "0000000001");
	cJSON *j = call(f, "GET", PSBLRV, "TTTC0084R",
	                ACCT_Q "&CTX_AREA_FK100=&CTX_AREA_NK100=&INQR_DVSN_1=0&INQR_DVSN_2=0", NULL);
	expect(f, j, 200, "0", "KIOK0510");
	assert_string_equal(f->last.tr_cont, "D");
	const cJSON *rows = jget(j, "output");
	assert_int_equal(cJSON_GetArraySize(rows), 1);
	const cJSON *r = cJSON_GetArrayItem(rows, 0);
	assert_string_equal(js(r, "odno"), "0000000001");
	assert_string_equal(js(r, "ord_gno_brno"), "06010");
	assert_string_equal(js(r, "psbl_qty"), "5");
	assert_string_equal(js(r, "ord_unpr"), "69000");
	assert_string_equal(js(r, "sll_buy_dvsn_cd"), "02");
	cJSON_Delete(j);
	/* The old tr_id; a sell-only filter finds nothing. */
	j = call(f, "GET", PSBLRV, "TTTC8036R", ACCT_Q "&INQR_DVSN_2=1", NULL);
	expect(f, j, 200, "0", "KIOK0510");
	assert_int_equal(cJSON_GetArraySize(jget(j, "output")), 0);
	cJSON_Delete(j);

	/* chk-holiday from Monday 2026-03-02: wday 01 = Sunday .. 07 = Saturday. */
	j = call(f, "GET", HOLIDAY, "CTCA0903R", "BASS_DT=20260302&CTX_AREA_NK=&CTX_AREA_FK=", NULL);
	expect(f, j, 200, "0", "KIOK0510");
	assert_string_equal(f->last.tr_cont, "D");
	assert_string_equal(js(j, "ctx_area_fk"), "");
	assert_string_equal(js(j, "ctx_area_nk"), "");
	rows = jget(j, "output");
	assert_int_equal(cJSON_GetArraySize(rows), 30);
	r = cJSON_GetArrayItem(rows, 0);
	assert_string_equal(js(r, "bass_dt"), "20260302");
	assert_string_equal(js(r, "wday_dvsn_cd"), "02");
	assert_string_equal(js(r, "opnd_yn"), "Y");
	r = cJSON_GetArrayItem(rows, 5); /* 03-07, Saturday */
	assert_string_equal(js(r, "bass_dt"), "20260307");
	assert_string_equal(js(r, "wday_dvsn_cd"), "07");
	assert_string_equal(js(r, "opnd_yn"), "N");
	assert_string_equal(js(r, "tr_day_yn"), "N");
	r = cJSON_GetArrayItem(rows, 29); /* 03-02 + 29 days = 03-31, Tuesday */
	assert_string_equal(js(r, "bass_dt"), "20260331");
	assert_string_equal(js(r, "wday_dvsn_cd"), "03");
	cJSON_Delete(j);
	expect_del(f, call(f, "GET", HOLIDAY, "CTCA0903R", "BASS_DT=20260230", NULL), 200, "1", "SIM00001");
	expect_del(f, call(f, "GET", HOLIDAY, "CTCA0903R", NULL, NULL), 200, "1", "SIM00001");
	destroy(f);
}

/* ---- hashkey and /_sim/state ---- */

#define HK_BODY                                                                                                        \
	"{\"CANO\":\"50000000\",\"ACNT_PRDT_CD\":\"01\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"00\",\"ORD_QTY\":\"1\","    \
	"\"ORD_UNPR\":\"70000\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}"
/* printf '%s' "$HK_BODY" | openssl dgst -sha256 */
#define HK_HASH "aae11a39b0de1db0e1fd1d1cd913cb3b1008b29ececf0cfa3282619fc477c12e"

static void test_hashkey(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	f->step = 0;
	f->h_auth = OMIT; /* needs only appkey / appsecret */
	cJSON *j = call(f, "POST", "/uapi/hashkey", NULL, NULL, HK_BODY);
	assert_int_equal(f->last.status, 200);
	assert_string_equal(js(j, "HASH"), HK_HASH);
	const cJSON *b = jget(j, "BODY");
	assert_string_equal(js(b, "PDNO"), "005930");
	assert_string_equal(js(b, "ORD_UNPR"), "70000");
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "rt_cd"));
	cJSON_Delete(j);

	/* The hashkey call used this second's one request (mock 1/s). */
	f->h_hashkey = HK_HASH;
	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, HK_BODY), 500, "1", "EGW00201");
	f->wall += SEC;
	f->h_hashkey = HK_HASH;
	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, HK_BODY), 200, "0", "40600000");
	f->wall += SEC;
	f->h_hashkey = "deadbeef";
	expect_del(f, call(f, "POST", CASH, "VTTC0012U", NULL, HK_BODY), 500, "1", "EGW00131");
	f->wall += SEC;
	f->h_auth = OMIT;
	f->h_appsecret = "wrong";
	expect_del(f, call(f, "POST", "/uapi/hashkey", NULL, NULL, HK_BODY), 500, "1", "EGW00105");
	f->h_auth = OMIT;
	expect_del(f, call(f, "POST", "/uapi/hashkey", NULL, NULL, "{oops"), 500, "1", "OPSQ9997");
	destroy(f);
}

static void test_sim_state(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK); /* request 1 */
	char odno[16];
	f->step = 0;
	buy(f, "VTTC0012U", "3", "69000", odno);                                                    /* request 2 */
	expect_del(f, call(f, "GET", PRICE, "FHKST01010100", QUOTE_Q, NULL), 500, "1", "EGW00201"); /* 3 */
	f->h_auth = OMIT;
	f->h_appkey = OMIT;
	cJSON *j = call(f, "GET", "/_sim/state", NULL, NULL, NULL); /* 4: no credentials needed */
	assert_int_equal(f->last.status, 200);
	const cJSON *orders = jget(jget(j, "venue"), "orders");
	assert_int_equal(cJSON_GetArraySize(orders), 1);
	const cJSON *o = cJSON_GetArrayItem(orders, 0);
	assert_int_equal((int)jget(o, "odno")->valuedouble, 1);
	assert_int_equal((int)jget(o, "qty")->valuedouble, 3);
	assert_string_equal(js(jget(o, "request"), "tr_id"), "VTTC0012U");
	assert_string_equal(js(jget(o, "request"), "ORD_UNPR"), "69000");
	assert_int_equal((int)jget(jget(j, "auth"), "tokens_issued")->valuedouble, 1);
	const cJSON *rate = jget(j, "rate");
	assert_int_equal((int)jget(rate, "allowed")->valuedouble, 1);
	assert_int_equal((int)jget(rate, "rejected")->valuedouble, 1);
	const cJSON *acct0 = cJSON_GetArrayItem(jget(rate, "accounts"), 0);
	assert_string_equal(js(acct0, "account"), "50000000-01");
	assert_int_equal((int)jget(acct0, "rejected")->valuedouble, 1);
	assert_int_equal((int)jget(jget(j, "requests"), "total")->valuedouble, 4);
	assert_int_equal((int)jget(jget(j, "requests"), "errors")->valuedouble, 1);
	assert_string_equal(js(j, "extra"), "yes");
	assert_int_equal(f->extra_calls, 1);
	cJSON_Delete(j);
	expect_del(f, call(f, "POST", "/_sim/state", NULL, NULL, "{}"), 405, "1", "SIM00405");
	destroy(f);
}

/* ---- out of memory ---- */

/* The cJSON allocation number `budget` (from 0) fails, the others succeed:
 * every answer must still be a whole KIS envelope, with nothing leaked
 * (ASan). */
static int alloc_budget;

static void *tight_malloc(size_t n)
{
	return alloc_budget-- == 0 ? NULL : malloc(n);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	struct fix *f = make_logged_in(SIMACCT_MOCK);
	f->step = 0;
	int full = 0, fallbacks = 0;
	for (int budget = 0; budget < 400 && !full; budget++) {
		char auth[SIMAUTH_TOKEN_MAX + 16];
		struct simrest_req rq;
		memset(&rq, 0, sizeof(rq));
		rq.method = "GET";
		rq.path = BAL;
		snprintf(auth, sizeof(auth), "Bearer %s", f->token);
		add_header(&rq, "authorization", auth);
		add_header(&rq, "appkey", f->accts.acct[0].app_key);
		add_header(&rq, "appsecret", f->accts.acct[0].app_secret);
		add_header(&rq, "tr_id", "VTTC8434R");
		rq.query[0] = (struct simrest_kv){"CANO", "50000000"};
		rq.query[1] = (struct simrest_kv){"ACNT_PRDT_CD", "01"};
		rq.nquery = 2;
		cJSON_Hooks hooks = {tight_malloc, free};
		alloc_budget = budget;
		cJSON_InitHooks(&hooks);
		struct simrest_resp out;
		int rc = simrest_handle(&f->w, &rq, f->wall, f->market, &out);
		cJSON_InitHooks(NULL);
		f->wall += SEC;
		/* Only the one failed allocation: the fixed answer always fits. */
		assert_int_equal(rc, KE_OK);
		cJSON *j = cJSON_ParseWithLength(out.body, out.body_len);
		assert_non_null(j);
		if (alloc_budget >= 0) {
			/* No allocation failed: the whole answer. */
			full = 1;
			assert_int_equal(out.status, 200);
			assert_string_equal(js(j, "rt_cd"), "0");
			assert_non_null(cJSON_GetObjectItemCaseSensitive(j, "output2"));
		} else {
			fallbacks++;
			assert_int_equal(out.status, 500);
			assert_string_equal(js(j, "msg_cd"), "SIM09999");
			assert_string_equal(out.tr_cont, "");
		}
		cJSON_Delete(j);
		simrest_resp_free(&out);
	}
	assert_true(full);
	assert_true(fallbacks > 10);
	destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_issue_and_reuse),
	    cmocka_unit_test(test_revoke_and_approval),
	    cmocka_unit_test(test_auth_errors),
	    cmocka_unit_test(test_rate_limit),
	    cmocka_unit_test(test_tr_id_mock),
	    cmocka_unit_test(test_tr_id_real),
	    cmocka_unit_test(test_paths_and_bodies),
	    cmocka_unit_test(test_order_fill_balance),
	    cmocka_unit_test(test_balance_paging),
	    cmocka_unit_test(test_revise_cancel),
	    cmocka_unit_test(test_daily_ccld_paging),
	    cmocka_unit_test(test_psbl_order),
	    cmocka_unit_test(test_quote_and_charts),
	    cmocka_unit_test(test_chart_bars),
	    cmocka_unit_test(test_real_psbl_rvsecncl_and_holiday),
	    cmocka_unit_test(test_hashkey),
	    cmocka_unit_test(test_sim_state),
	    cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
