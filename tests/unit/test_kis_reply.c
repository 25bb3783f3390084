/*
 * test_kis_reply.c - classification of KIS REST answers.
 *
 * Bodies copy the shapes of kis-protocol.md sections 2, 3 and 6. The token
 * expiry instant comes from GNU date:
 *   date -u -d '2026-03-03T09:12:44+09:00' +%s  -> 1772496764
 *   date -u -d '2024-12-31T23:59:59+09:00' +%s  -> 1735657199
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ke_common.h"
#include "kis_reply.h"

static struct kis_reply parse(int status, const char *body, const char *tr_cont)
{
	struct kis_reply r;
	assert_int_equal(kis_reply_parse(status, body, strlen(body), tr_cont, &r), KE_OK);
	return r;
}

static void test_ok_envelope(void **state)
{
	(void)state;
	/* Mock query success: msg1 is right-padded with blanks (section 3). */
	struct kis_reply r =
	    parse(200,
	          "{\"rt_cd\":\"0\",\"msg_cd\":\"20310000\",\"msg1\":\"모의투자 조회가 완료되었습니다.   "
	          "\",\"output\":{\"stck_prpr\":\"71200\"}}",
	          "D");
	assert_int_equal(r.kind, KIS_REPLY_OK);
	assert_int_equal(r.http_status, 200);
	assert_string_equal(r.rt_cd, "0");
	assert_string_equal(r.msg_cd, "20310000");
	assert_string_equal(r.msg, "모의투자 조회가 완료되었습니다.");
	assert_int_equal(r.more, 0);
	const cJSON *out = kis_reply_get(&r, "output");
	assert_non_null(out);
	assert_string_equal(cJSON_GetObjectItem(out, "stck_prpr")->valuestring, "71200");
	assert_null(kis_reply_get(&r, "output2"));
	kis_reply_free(&r);
	assert_null(r.root);
	kis_reply_free(&r);                        /* idempotent */
	assert_string_equal(r.msg_cd, "20310000"); /* copies outlive the doc */
}

static void test_business_http500(void **state)
{
	(void)state;
	struct kis_reply r =
	    parse(500, "{\"rt_cd\":\"1\",\"msg_cd\":\"40580000\",\"msg1\":\"모의투자 장종료 입니다.\"}", NULL);
	assert_int_equal(r.kind, KIS_REPLY_BUSINESS);
	assert_string_equal(r.rt_cd, "1");
	assert_string_equal(r.msg_cd, "40580000");
	assert_string_equal(r.msg, "모의투자 장종료 입니다.");
	kis_reply_free(&r);
	/* rt_cd "7" on HTTP 200 is a failure too. */
	r = parse(200, "{\"rt_cd\":\"7\",\"msg_cd\":\"APBK0952\",\"msg1\":\"주문가능금액을 초과 했습니다\"}", "");
	assert_int_equal(r.kind, KIS_REPLY_BUSINESS);
	assert_string_equal(r.msg_cd, "APBK0952");
	kis_reply_free(&r);
	/* A real tr_id on mock: msg1 only, no msg_cd. */
	r = parse(500, "{\"rt_cd\":\"1\",\"msg1\":\"모의투자 TR 이 아닙니다.\"}", NULL);
	assert_int_equal(r.kind, KIS_REPLY_BUSINESS);
	assert_string_equal(r.msg_cd, "");
	assert_string_equal(r.msg, "모의투자 TR 이 아닙니다.");
	kis_reply_free(&r);
}

static void test_gateway_codes(void **state)
{
	(void)state;
	static const struct {
		int status;
		const char *code;
		enum kis_reply_kind kind;
	} cases[] = {
	    {500, "EGW00201", KIS_REPLY_RATE_LIMIT},    {500, "EGW00123", KIS_REPLY_TOKEN_EXPIRED},
	    {200, "EGW00123", KIS_REPLY_TOKEN_EXPIRED}, {500, "EGW00121", KIS_REPLY_TOKEN_INVALID},
	    {500, "EGW00103", KIS_REPLY_AUTH},          {500, "EGW00105", KIS_REPLY_AUTH},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		char body[200];
		snprintf(body, sizeof body, "{\"rt_cd\":\"1\",\"msg_cd\":\"%s\",\"msg1\":\"m\"}", cases[i].code);
		struct kis_reply r = parse(cases[i].status, body, "");
		assert_int_equal(r.kind, cases[i].kind);
		assert_string_equal(r.msg_cd, cases[i].code);
		kis_reply_free(&r);
	}
}

static void test_oauth_error_shape(void **state)
{
	(void)state;
	const char *thr = "{\"error_description\":\"접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)\","
	                  "\"error_code\":\"EGW00133\"}";
	struct kis_reply r;
	struct kis_token tok;
	assert_int_equal(kis_reply_parse_token(403, thr, strlen(thr), &r, &tok), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_TOKEN_THROTTLED);
	assert_string_equal(r.msg_cd, "EGW00133");
	assert_string_equal(r.msg, "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)");
	assert_string_equal(tok.token, "");
	kis_reply_free(&r);

	r = parse(403, "{\"error_description\":\"유효하지 않은 AppKey입니다.\",\"error_code\":\"EGW00103\"}", NULL);
	assert_int_equal(r.kind, KIS_REPLY_AUTH);
	assert_string_equal(r.msg_cd, "EGW00103");
	kis_reply_free(&r);
	/* An unknown oauth code is still a credential problem. */
	r = parse(403, "{\"error_description\":\"x\",\"error_code\":\"EGW00999\"}", NULL);
	assert_int_equal(r.kind, KIS_REPLY_AUTH);
	kis_reply_free(&r);
}

static void test_paging(void **state)
{
	(void)state;
	/* KIS pads continuation keys with blanks; they go back verbatim. */
	const char *body = "{\"rt_cd\":\"0\",\"msg_cd\":\"KIOK0510\",\"msg1\":\"ok\",\"output1\":[],\"output2\":[{}],"
	                   "\"ctx_area_fk100\":\"12345678^01^N  \",\"ctx_area_nk100\":\"KRX^005930  \"}";
	const char *more[] = {"F", "M"};
	for (size_t i = 0; i < 2; i++) {
		struct kis_reply r = parse(200, body, more[i]);
		assert_int_equal(r.kind, KIS_REPLY_OK);
		assert_int_equal(r.more, 1);
		assert_string_equal(r.ctx_fk100, "12345678^01^N  ");
		assert_string_equal(r.ctx_nk100, "KRX^005930  ");
		assert_true(cJSON_IsArray(kis_reply_get(&r, "output1")));
		kis_reply_free(&r);
	}
	const char *last[] = {"D", "E", "", NULL};
	for (size_t i = 0; i < 4; i++) {
		struct kis_reply r = parse(200, body, last[i]);
		assert_int_equal(r.kind, KIS_REPLY_OK);
		assert_int_equal(r.more, 0);
		kis_reply_free(&r);
	}
	/* A continuation key we would have to cut is refused, not truncated. */
	char big[600];
	char key[301];
	memset(key, 'k', 300);
	key[300] = '\0';
	snprintf(big, sizeof big, "{\"rt_cd\":\"0\",\"ctx_area_fk100\":\"%s\"}", key);
	struct kis_reply r = parse(200, big, "F");
	assert_int_equal(r.kind, KIS_REPLY_TRANSPORT);
	assert_int_equal(r.more, 0);
	assert_non_null(strstr(r.msg, "ctx_area_fk100"));
	kis_reply_free(&r);
	r = parse(200, "{\"rt_cd\":\"0\",\"ctx_area_nk100\":5}", "F");
	assert_int_equal(r.kind, KIS_REPLY_TRANSPORT);
	assert_non_null(strstr(r.msg, "ctx_area_nk100 is not a string"));
	kis_reply_free(&r);
}

static void expect_transport(int status, const char *body, size_t len, const char *needle)
{
	struct kis_reply r;
	assert_int_equal(kis_reply_parse(status, body, len, "F", &r), KE_OK);
	if (r.kind != KIS_REPLY_TRANSPORT)
		fail_msg("body %.40s: kind %s", body, kis_reply_kind_name(r.kind));
	assert_int_equal(r.http_status, status);
	assert_int_equal(r.more, 0);
	if (!strstr(r.msg, needle))
		fail_msg("message '%s' lacks '%s'", r.msg, needle);
	kis_reply_free(&r);
}

static void test_malformed(void **state)
{
	(void)state;
	const char *html = "<html><body>502 Bad Gateway</body></html>";
	expect_transport(502, html, strlen(html), "HTTP 502: body is not JSON");
	expect_transport(504, "", 0, "HTTP 504: empty body");
	expect_transport(200, "{\"rt_cd\":\"0\",\"msg1\":\"ok", strlen("{\"rt_cd\":\"0\",\"msg1\":\"ok"), "not JSON");
	expect_transport(200, "[1,2]", strlen("[1,2]"), "not an object");
	expect_transport(200, "{\"foo\":1}", strlen("{\"foo\":1}"), "no rt_cd envelope");
	expect_transport(200, "{\"rt_cd\":0}", strlen("{\"rt_cd\":0}"), "rt_cd is not a string");
	expect_transport(200, "{\"rt_cd\":\"1\",\"msg_cd\":[]}", strlen("{\"rt_cd\":\"1\",\"msg_cd\":[]}"),
	                 "msg_cd or msg1");
	expect_transport(403, "{\"error_code\":1}", strlen("{\"error_code\":1}"), "error_code");
	expect_transport(200, "{\"rt_cd\":\"0\"}{\"rt_cd\":\"0\"}", strlen("{\"rt_cd\":\"0\"}{\"rt_cd\":\"0\"}"),
	                 "trailing data");
	/* A success envelope under HTTP 500 is contradictory: not OK. */
	expect_transport(500, "{\"rt_cd\":\"0\",\"msg1\":\"ok\"}", strlen("{\"rt_cd\":\"0\",\"msg1\":\"ok\"}"),
	                 "rt_cd 0 with a non-2xx");
	/* len shorter than the buffer: only len bytes are read. */
	const char *two = "{\"rt_cd\":\"0\"}GARBAGE";
	struct kis_reply r;
	assert_int_equal(kis_reply_parse(200, two, 13, NULL, &r), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_OK);
	kis_reply_free(&r);
	/* Over the body limit: 8 MiB + 1 bytes of blanks. */
	size_t n = KIS_REPLY_BODY_MAX + 1;
	char *huge = malloc(n);
	assert_non_null(huge);
	memset(huge, ' ', n);
	expect_transport(200, huge, n, "exceeds");
	free(huge);
	assert_int_equal(kis_reply_parse(200, "{}", 2, NULL, NULL), KE_EINVAL);
	assert_int_equal(kis_reply_parse(200, NULL, 5, NULL, &r), KE_EINVAL);
}

static void test_huge_message(void **state)
{
	(void)state;
	/* 300 Hangul syllables of 3 UTF-8 bytes = 900 bytes: the copy keeps
	 * whole characters, 85 of them (85 * 3 = 255 <= 255). */
	size_t n = 300 * 3;
	char *body = malloc(n + 100);
	assert_non_null(body);
	char *p = body + sprintf(body, "{\"rt_cd\":\"1\",\"msg_cd\":\"X\",\"msg1\":\"");
	for (int i = 0; i < 300; i++, p += 3)
		memcpy(p, "가", 3);
	strcpy(p, "\"}");
	struct kis_reply r = parse(500, body, NULL);
	assert_int_equal(r.kind, KIS_REPLY_BUSINESS);
	assert_int_equal(strlen(r.msg), 255);
	assert_memory_equal(r.msg + 252, "가", 3);
	kis_reply_free(&r);
	free(body);
}

static void test_token_answer(void **state)
{
	(void)state;
	const char *b = "{\"access_token\":\"eyJ0eXAiOiJKV1Qi.abc\",\"access_token_token_expired\":\"2026-03-03 "
	                "09:12:44\",\"token_type\":\"Bearer\",\"expires_in\":86400}";
	struct kis_reply r;
	struct kis_token t;
	assert_int_equal(kis_reply_parse_token(200, b, strlen(b), &r, &t), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_OK);
	assert_string_equal(t.token, "eyJ0eXAiOiJKV1Qi.abc");
	assert_int_equal(t.expires_ms, 1772496764000LL); /* 2026-03-03 09:12:44 KST */
	assert_int_equal(t.expires_in_s, 86400);
	kis_reply_free(&r);

	/* expires_in as a string, absent elsewhere: both accepted. */
	b = "{\"access_token\":\"t\",\"access_token_token_expired\":\"2024-12-31 23:59:59\",\"expires_in\":\"86400\"}";
	assert_int_equal(kis_reply_parse_token(200, b, strlen(b), &r, &t), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_OK);
	assert_int_equal(t.expires_ms, 1735657199000LL);
	assert_int_equal(t.expires_in_s, 86400);
	kis_reply_free(&r);

	static const struct {
		int status;
		const char *body, *needle;
	} bad[] = {
	    {200, "{\"access_token_token_expired\":\"2026-03-03 09:12:44\"}", "no access_token"},
	    {200, "{\"access_token\":\"t\"}", "no access_token_token_expired"},
	    {200, "{\"access_token\":5,\"access_token_token_expired\":\"2026-03-03 09:12:44\"}", "not a string"},
	    {200, "{\"access_token\":\"t\",\"access_token_token_expired\":\"2026-03-03\"}", "YYYY-MM-DD HH:MM:SS"},
	    {200, "{\"access_token\":\"t\",\"access_token_token_expired\":\"2026-13-03 09:12:44\"}", "YYYY-MM-DD"},
	    {200,
	     "{\"access_token\":\"t\",\"access_token_token_expired\":\"2026-03-03 09:12:44\",\"expires_in\":\"x\"}",
	     "expires_in"},
	    {200, "{\"access_token\":\"t\",\"access_token_token_expired\":\"2026-03-03 09:12:44\",\"expires_in\":1.5}",
	     "expires_in"},
	    {200, "{\"rt_cd\":\"0\",\"msg1\":\"ok\"}", "rt_cd envelope"},
	    {500, "{\"access_token\":\"t\"}", "error status"},
	    {200, "{\"access_token\":\"t\",", "not JSON"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(bad); i++) {
		assert_int_equal(kis_reply_parse_token(bad[i].status, bad[i].body, strlen(bad[i].body), &r, &t), KE_OK);
		assert_int_equal(r.kind, KIS_REPLY_TRANSPORT);
		if (!strstr(r.msg, bad[i].needle))
			fail_msg("case %zu: message '%s' lacks '%s'", i, r.msg, bad[i].needle);
		assert_string_equal(t.token, "");
		kis_reply_free(&r);
	}
	/* A token longer than the buffer is refused, not cut. */
	size_t n = KIS_REPLY_TOKEN_MAX + 100;
	char *big = malloc(n + 100);
	assert_non_null(big);
	char *p = big + sprintf(big, "{\"access_token\":\"");
	memset(p, 'a', KIS_REPLY_TOKEN_MAX);
	strcpy(p + KIS_REPLY_TOKEN_MAX, "\",\"access_token_token_expired\":\"2026-03-03 09:12:44\"}");
	assert_int_equal(kis_reply_parse_token(200, big, strlen(big), &r, &t), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_TRANSPORT);
	assert_non_null(strstr(r.msg, "access_token is 2048 bytes long"));
	kis_reply_free(&r);
	free(big);
	assert_int_equal(kis_reply_parse_token(200, "{}", 2, &r, NULL), KE_EINVAL);
}

static void test_approval_answer(void **state)
{
	(void)state;
	const char *b = "{\"approval_key\":\"a2585daf-8c09-4587-9fce-8ab893XXXXX\"}";
	struct kis_reply r;
	char key[KIS_REPLY_APPROVAL_MAX];
	assert_int_equal(kis_reply_parse_approval(200, b, strlen(b), &r, key, sizeof key), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_OK);
	assert_string_equal(key, "a2585daf-8c09-4587-9fce-8ab893XXXXX");
	kis_reply_free(&r);
	char small[8];
	assert_int_equal(kis_reply_parse_approval(200, b, strlen(b), &r, small, sizeof small), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_TRANSPORT);
	assert_string_equal(small, "");
	kis_reply_free(&r);
	b = "{\"approval_key\":\"\"}";
	assert_int_equal(kis_reply_parse_approval(200, b, strlen(b), &r, key, sizeof key), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_TRANSPORT);
	assert_non_null(strstr(r.msg, "no approval_key"));
	kis_reply_free(&r);
	b = "{\"error_code\":\"EGW00105\",\"error_description\":\"유효하지 않은 AppSecret입니다.\"}";
	assert_int_equal(kis_reply_parse_approval(403, b, strlen(b), &r, key, sizeof key), KE_OK);
	assert_int_equal(r.kind, KIS_REPLY_AUTH);
	assert_string_equal(r.msg_cd, "EGW00105");
	kis_reply_free(&r);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(kis_reply_kind_name(KIS_REPLY_OK), "ok");
	assert_string_equal(kis_reply_kind_name(KIS_REPLY_TOKEN_THROTTLED), "token_throttled");
	assert_string_equal(kis_reply_kind_name(KIS_REPLY_TRANSPORT), "transport");
	assert_string_equal(kis_reply_kind_name((enum kis_reply_kind)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ok_envelope),     cmocka_unit_test(test_business_http500),
	    cmocka_unit_test(test_gateway_codes),   cmocka_unit_test(test_oauth_error_shape),
	    cmocka_unit_test(test_paging),          cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_huge_message),    cmocka_unit_test(test_token_answer),
	    cmocka_unit_test(test_approval_answer), cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
