/*
 * test_simauth.c - kis-sim's tokens, approval keys, REST checks, hashkey.
 *
 * The wall clock is a number the tests move. Instants, derived by hand:
 *   2026-01-01 is day 56*365 + 14 leap days (1972..2024) = 20454 since 1970,
 *   2026-03-02 is 20454 + 31 + 28 + 1 = day 20514, 20514 * 86400 = 1772409600 s.
 *   T0 = 1772409600 + 12 min 44 s (764 s) = 1772410364 s
 *      = 2026-03-02 00:12:44 UTC = 2026-03-02 09:12:44 KST;
 *      its 24 h expiry is 2026-03-03 09:12:44 KST.
 * (GNU date agrees: TZ=Asia/Seoul date -d @1772496764 -> 2026-03-03 09:12:44.)
 * Hashes were computed with the shell, e.g.
 *   printf '%s' '{"CANO":...}' | openssl dgst -sha256
 *   printf '%s' '{"CANO":...}' | openssl dgst -sha256 -binary | base64
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
#include "simacct.h"
#include "simauth.h"

#define SEC  1000LL
#define MIN  (60 * SEC)
#define HOUR (60 * MIN)
#define T0   1772410364000LL /* 2026-03-02 09:12:44 KST */

#define KEY     "PSkisSimDefaultTestAppKey00000000001"
#define JWT_H   "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9." /* base64url of {"typ":"JWT","alg":"HS256"} */
#define KEY2    "PSsecondKey"
#define SECRET2 "secondSecret"
#define KEYR    "PSrealOnlyKey"

/* The default account (index 0), a second mock account (index 1) and a
 * real-only one (index 2) that a mock server must not know. */
static void accounts(struct simacct_list *l)
{
	simacct_default(l);
	struct simacct_account *b = &l->acct[1];
	memset(b, 0, sizeof(*b));
	strcpy(b->app_key, KEY2);
	strcpy(b->app_secret, SECRET2);
	strcpy(b->hts_id, "second");
	strcpy(b->cano, "50000002");
	strcpy(b->prdt, "01");
	b->env = SIMACCT_MOCK;
	struct simacct_account *r = &l->acct[2];
	*r = *b;
	strcpy(r->app_key, KEYR);
	strcpy(r->cano, "50000003");
	r->env = SIMACCT_REAL;
	l->n = 3;
}

static const char *secret(void)
{
	static struct simacct_list l;
	simacct_default(&l);
	return l.acct[0].app_secret;
}

static struct simauth *make(uint64_t seed)
{
	struct simauth_config cfg;
	simauth_config_default(&cfg, SIMACCT_MOCK);
	cfg.seed = seed;
	struct simacct_list l;
	accounts(&l);
	struct simauth *a = NULL;
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_OK);
	return a;
}

static int setup(void **state)
{
	*state = make(42);
	return 0;
}

static int teardown(void **state)
{
	simauth_free(*state);
	return 0;
}

static int issue(struct simauth *a, int64_t now, struct simauth_token *t, struct simauth_reply *r)
{
	return simauth_token_issue(a, "client_credentials", KEY, secret(), now, t, r);
}

static void expect_oauth(const struct simauth_reply *r, const char *code)
{
	assert_int_equal(r->status, 403);
	assert_int_equal(r->shape, SIMAUTH_SHAPE_OAUTH);
	assert_string_equal(r->code, code);
	assert_true(r->message[0] != '\0');
}

static void expect_envelope(const struct simauth_reply *r, int status, const char *code, const char *msg)
{
	assert_int_equal(r->status, status);
	assert_int_equal(r->shape, SIMAUTH_SHAPE_ENVELOPE);
	assert_string_equal(r->rt_cd, "1");
	assert_string_equal(r->code, code);
	if (msg != NULL)
		assert_string_equal(r->message, msg);
}

static int check(struct simauth *a, const char *token, int64_t now, struct simauth_caller *who, struct simauth_reply *r)
{
	char h[SIMAUTH_TOKEN_MAX + 16];
	snprintf(h, sizeof(h), "Bearer %s", token);
	return simauth_check(a, h, KEY, secret(), now, who, r);
}

static void test_issue_format(void **state)
{
	struct simauth *a = *state;
	struct simauth_token t;
	struct simauth_reply r;
	assert_int_equal(issue(a, T0, &t, &r), KE_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.shape, SIMAUTH_SHAPE_NONE);
	assert_string_equal(r.code, "");
	assert_string_equal(SIMAUTH_TOKEN_TYPE, "Bearer");
	assert_int_equal(t.reused, 0);
	assert_int_equal(t.expires_in, 86400); /* 24 h */
	assert_string_equal(t.expired, "2026-03-03 09:12:44");
	/* JWT-shaped: the KIS header, a payload, a 43-character HS256 signature. */
	assert_true(strncmp(t.access_token, JWT_H, strlen(JWT_H)) == 0);
	const char *dot2 = strrchr(t.access_token, '.');
	assert_true(dot2 > t.access_token + strlen(JWT_H));
	assert_int_equal(strlen(dot2 + 1), 43);     /* 32 bytes -> ceil(32 * 4 / 3) = 43 */
	assert_true(strlen(t.access_token) <= 286); /* revokeP's documented token length */
	for (const char *p = t.access_token; *p; p++)
		assert_true(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", *p) != NULL);

	struct simauth_counters c;
	simauth_counters(a, &c);
	assert_int_equal(c.tokens_issued, 1);
	assert_int_equal(c.tokens_reused, 0);
}

static void test_expiry_kst(void **state)
{
	(void)state;
	struct simauth_token t;
	struct simauth_reply r;
	/* Issue at 2026-03-02 15:30:00 UTC = 1772409600 + 15.5 h (55800 s)
	 * = 1772465400 s = 2026-03-03 00:30:00 KST: the KST date is a day
	 * ahead of the UTC one, and so is the expiry, 2026-03-04 00:30:00. */
	struct simauth *a = make(1);
	assert_int_equal(issue(a, 1772465400000LL, &t, &r), KE_OK);
	assert_string_equal(t.expired, "2026-03-04 00:30:00");
	simauth_free(a);

	/* Issue at 2025-12-31 00:00:00 UTC = (20454 - 1) * 86400 = 1767139200 s
	 * = 09:00 KST: the expiry crosses the year, 2026-01-01 09:00:00. */
	a = make(1);
	assert_int_equal(issue(a, 1767139200000LL, &t, &r), KE_OK);
	assert_string_equal(t.expired, "2026-01-01 09:00:00");
	simauth_free(a);

	/* Half a second into T0: the token lives to 09:12:44.500 the next day;
	 * the string shows 09:12:44 and expires_in 86400 (86400.000 s left). */
	a = make(1);
	assert_int_equal(issue(a, T0 + 500, &t, &r), KE_OK);
	assert_string_equal(t.expired, "2026-03-03 09:12:44");
	assert_int_equal(t.expires_in, 86400);
	struct simauth_caller who;
	assert_int_equal(check(a, t.access_token, T0 + 24 * HOUR + 499, &who, &r), KE_OK);
	assert_int_equal(check(a, t.access_token, T0 + 24 * HOUR + 500, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00123", "기간이 만료된 token 입니다.");
	/* A reuse 1 min + 0.7 s later: 86400 - 60.7 = 86339.3 s left, shown as 86339. */
	assert_int_equal(issue(a, T0 + 500 + MIN + 700, &t, &r), KE_OK);
	assert_int_equal(t.reused, 1);
	assert_int_equal(t.expires_in, 86339);
	simauth_free(a);
}

static void test_reuse_window(void **state)
{
	struct simauth *a = *state;
	struct simauth_token t1, t2, t3, t4;
	struct simauth_reply r;
	assert_int_equal(issue(a, T0, &t1, &r), KE_OK);

	/* One minute later: the same token, its original expiry, 86400 - 60 s left. */
	assert_int_equal(issue(a, T0 + MIN, &t2, &r), KE_OK);
	assert_int_equal(t2.reused, 1);
	assert_string_equal(t2.access_token, t1.access_token);
	assert_string_equal(t2.expired, "2026-03-03 09:12:44");
	assert_int_equal(t2.expires_in, 86340);

	/* 6 h - 1 ms after the issue: still the same; 18 h + 1 ms left
	 * (86400 - 21600 = 64800 s and 1 ms), shown rounded down as 64800. */
	assert_int_equal(issue(a, T0 + 6 * HOUR - 1, &t3, &r), KE_OK);
	assert_int_equal(t3.reused, 1);
	assert_string_equal(t3.access_token, t1.access_token);
	assert_int_equal(t3.expires_in, 64800);

	/* 6 h + 1 min (past the throttle of the previous call): a new token
	 * expiring 2026-03-03 09:12:44 + 6 h 1 min = 2026-03-03 15:13:44. */
	assert_int_equal(issue(a, T0 + 6 * HOUR + MIN, &t4, &r), KE_OK);
	assert_int_equal(t4.reused, 0);
	assert_string_not_equal(t4.access_token, t1.access_token);
	assert_string_equal(t4.expired, "2026-03-03 15:13:44");
	assert_int_equal(t4.expires_in, 86400);

	/* The older token keeps working until its own expiry. */
	struct simauth_caller who;
	assert_int_equal(check(a, t1.access_token, T0 + 7 * HOUR, &who, &r), KE_OK);
	assert_int_equal(check(a, t4.access_token, T0 + 7 * HOUR, &who, &r), KE_OK);

	struct simauth_counters c;
	simauth_counters(a, &c);
	assert_int_equal(c.tokens_issued, 2);
	assert_int_equal(c.tokens_reused, 2);
	assert_int_equal(c.tokens_throttled, 0);
}

static void test_reuse_exactly_6h(void **state)
{
	(void)state;
	/* With the throttle off, a call at exactly 6 h is outside the window. */
	struct simauth_config cfg;
	simauth_config_default(&cfg, SIMACCT_MOCK);
	cfg.token_throttle_ms = 0;
	struct simacct_list l;
	accounts(&l);
	struct simauth *a;
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_OK);
	struct simauth_token t1, t2, t3;
	struct simauth_reply r;
	assert_int_equal(issue(a, T0, &t1, &r), KE_OK);
	assert_int_equal(issue(a, T0 + 1, &t2, &r), KE_OK); /* no throttle: a reuse 1 ms later */
	assert_int_equal(t2.reused, 1);
	assert_int_equal(issue(a, T0 + 6 * HOUR, &t3, &r), KE_OK);
	assert_int_equal(t3.reused, 0);
	assert_string_not_equal(t3.access_token, t1.access_token);
	simauth_free(a);
}

static void test_throttle(void **state)
{
	struct simauth *a = *state;
	struct simauth_token t;
	struct simauth_reply r;
	assert_int_equal(issue(a, T0, &t, &r), KE_OK);
	/* 59.999 s later: EGW00133, HTTP 403, {error_code, error_description}. */
	assert_int_equal(issue(a, T0 + MIN - 1, &t, &r), KE_ELIMIT);
	expect_oauth(&r, "EGW00133");
	assert_string_equal(r.message, "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)");
	assert_string_equal(t.access_token, "");
	/* The refusal did not restart the minute: at 60 s the call is answered. */
	assert_int_equal(issue(a, T0 + MIN, &t, &r), KE_OK);
	assert_int_equal(t.reused, 1);
	/* The answered reuse did: 30 s after it is refused, 60 s after it not. */
	assert_int_equal(issue(a, T0 + MIN + 30 * SEC, &t, &r), KE_ELIMIT);
	assert_int_equal(issue(a, T0 + 2 * MIN, &t, &r), KE_OK);

	/* Another app key has its own minute. */
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEY2, SECRET2, T0 + 2 * MIN, &t, &r), KE_OK);

	struct simauth_counters c;
	simauth_counters(a, &c);
	assert_int_equal(c.tokens_throttled, 2);
	assert_int_equal(c.tokens_issued, 2); /* KEY once, KEY2 once */
	assert_int_equal(c.tokens_reused, 2);
	assert_int_equal(c.rejected, 0); /* throttles are counted apart */
}

static void test_bad_credentials(void **state)
{
	struct simauth *a = *state;
	struct simauth_token t;
	struct simauth_reply r;
	assert_int_equal(simauth_token_issue(a, "client_credentials", "PSnoSuchKey", secret(), T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00103");
	assert_string_equal(r.message, "유효하지 않은 AppKey입니다.");
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEY, "wrong", T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00105");
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEY, SECRET2, T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00105"); /* another account's secret */
	assert_int_equal(simauth_token_issue(a, "client_credentials", NULL, secret(), T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00102");
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEY, "", T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00104");
	assert_int_equal(simauth_token_issue(a, "password", KEY, secret(), T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00112");
	assert_int_equal(simauth_token_issue(a, NULL, KEY, secret(), T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00115");
	/* A real-only key does not exist on the mock server. */
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEYR, SECRET2, T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00103");

	/* Refused calls do not start the throttle minute. */
	assert_int_equal(issue(a, T0 + 1, &t, &r), KE_OK);

	struct simauth_counters c;
	simauth_counters(a, &c);
	assert_int_equal(c.rejected, 8);
	assert_int_equal(c.tokens_issued, 1);
}

static void test_check(void **state)
{
	struct simauth *a = *state;
	struct simauth_token t, t2;
	struct simauth_reply r;
	struct simauth_caller who;
	assert_int_equal(issue(a, T0, &t, &r), KE_OK);
	assert_int_equal(check(a, t.access_token, T0 + HOUR, &who, &r), KE_OK);
	assert_int_equal(r.status, 200);
	assert_int_equal(who.index, 0);
	assert_string_equal(who.acct->cano, "50000000");

	/* Scheme case-insensitive, several spaces. */
	char h[SIMAUTH_TOKEN_MAX + 16];
	snprintf(h, sizeof(h), "bearer   %s", t.access_token);
	assert_int_equal(simauth_check(a, h, KEY, secret(), T0, &who, &r), KE_OK);

	/* Garbage token: EGW00121 in the rt_cd "1" envelope, HTTP 500. */
	assert_int_equal(check(a, "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.garbage.x", T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00121", "유효하지 않은 token 입니다.");
	assert_int_equal(who.index, -1);
	assert_null(who.acct);
	/* A token with one character changed. */
	snprintf(h, sizeof(h), "%s", t.access_token);
	h[strlen(h) - 1] = h[strlen(h) - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(check(a, h, T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00121", NULL);

	/* Expired: 24 h after the issue. */
	assert_int_equal(check(a, t.access_token, T0 + 24 * HOUR, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00123", "기간이 만료된 token 입니다.");

	/* Missing or non-bearer authorization. */
	assert_int_equal(simauth_check(a, NULL, KEY, secret(), T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00205", NULL);
	assert_int_equal(simauth_check(a, "Basic abc", KEY, secret(), T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00205", NULL);
	assert_int_equal(simauth_check(a, "Bearer ", KEY, secret(), T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00205", NULL);
	snprintf(h, sizeof(h), "Bearer%s", t.access_token);
	assert_int_equal(simauth_check(a, h, KEY, secret(), T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00205", NULL);

	/* Key and secret headers. */
	snprintf(h, sizeof(h), "Bearer %s", t.access_token);
	assert_int_equal(simauth_check(a, h, "PSnoSuchKey", secret(), T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00103", NULL);
	assert_int_equal(simauth_check(a, h, KEY, "wrong", T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00105", NULL);
	assert_int_equal(simauth_check(a, h, NULL, secret(), T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00102", NULL);
	assert_int_equal(simauth_check(a, h, KEY, NULL, T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00104", NULL);

	/* Another app key's valid token is not this key's. */
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEY2, SECRET2, T0, &t2, &r), KE_OK);
	snprintf(h, sizeof(h), "Bearer %s", t2.access_token);
	assert_int_equal(simauth_check(a, h, KEY2, SECRET2, T0, &who, &r), KE_OK);
	assert_int_equal(who.index, 1);
	assert_int_equal(simauth_check(a, h, KEY, secret(), T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00121", NULL);

	/* Key and secret alone (the hashkey endpoint). */
	assert_int_equal(simauth_check_app(a, KEY2, SECRET2, &who, &r), KE_OK);
	assert_int_equal(who.index, 1);
	assert_int_equal(simauth_check_app(a, KEY2, "x", &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00105", NULL);
}

static void test_envelope_status(void **state)
{
	(void)state;
	/* Some captures show these errors with HTTP 200: configurable. */
	struct simauth_config cfg;
	simauth_config_default(&cfg, SIMACCT_MOCK);
	cfg.envelope_status = 200;
	struct simacct_list l;
	accounts(&l);
	struct simauth *a;
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_OK);
	struct simauth_caller who;
	struct simauth_reply r;
	assert_int_equal(check(a, "nope", T0, &who, &r), KE_EINVAL);
	expect_envelope(&r, 200, "EGW00121", NULL);
	simauth_free(a);
}

static void test_revoke(void **state)
{
	struct simauth *a = *state;
	struct simauth_token t, t2;
	struct simauth_reply r;
	struct simauth_caller who;
	assert_int_equal(issue(a, T0, &t, &r), KE_OK);
	assert_int_equal(simauth_revoke(a, KEY, secret(), t.access_token, T0 + SEC, &r), KE_OK);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.message, "접근토큰 폐기에 성공하였습니다");
	assert_string_equal(r.message, SIMAUTH_REVOKE_MSG);

	/* Using it afterwards: invalid. Revoking it again: invalid. */
	assert_int_equal(check(a, t.access_token, T0 + 2 * SEC, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00121", NULL);
	assert_int_equal(simauth_revoke(a, KEY, secret(), t.access_token, T0 + 3 * SEC, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00121");
	assert_int_equal(simauth_revoke(a, KEY, secret(), NULL, T0 + 3 * SEC, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00121");
	assert_int_equal(simauth_revoke(a, KEY, "wrong", t.access_token, T0 + 3 * SEC, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00105");

	/* Within the 6 h a new tokenP gives a NEW token, not the revoked one. */
	assert_int_equal(issue(a, T0 + MIN, &t2, &r), KE_OK);
	assert_int_equal(t2.reused, 0);
	assert_string_not_equal(t2.access_token, t.access_token);
	assert_int_equal(check(a, t2.access_token, T0 + MIN, &who, &r), KE_OK);

	struct simauth_counters c;
	simauth_counters(a, &c);
	assert_int_equal(c.tokens_revoked, 1);
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void expect_uuid(const char *s)
{
	assert_int_equal(strlen(s), 36);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(s[i], '-');
		else
			assert_true(is_hex(s[i]));
	}
	assert_int_equal(s[14], '4');           /* version 4 */
	assert_non_null(strchr("89ab", s[19])); /* RFC 4122 variant */
}

static void test_approval(void **state)
{
	struct simauth *a = *state;
	char k1[SIMAUTH_APPROVAL_MAX], k2[SIMAUTH_APPROVAL_MAX], k3[SIMAUTH_APPROVAL_MAX];
	struct simauth_reply r;
	struct simauth_caller who;
	assert_int_equal(simauth_approval_issue(a, "client_credentials", KEY, secret(), T0, k1, &r), KE_OK);
	assert_int_equal(r.status, 200);
	expect_uuid(k1);
	assert_int_equal(simauth_approval_check(a, k1, T0 + HOUR, &who, &r), KE_OK);
	assert_int_equal(who.index, 0);
	assert_string_equal(who.acct->hts_id, "kissim01");

	/* 1/s: 999 ms later refused, 1000 ms later a new, different key. */
	assert_int_equal(simauth_approval_issue(a, "client_credentials", KEY, secret(), T0 + 999, k2, &r), KE_ELIMIT);
	expect_oauth(&r, "EGW00201");
	assert_string_equal(k2, "");
	assert_int_equal(simauth_approval_issue(a, "client_credentials", KEY, secret(), T0 + SEC, k2, &r), KE_OK);
	expect_uuid(k2);
	assert_string_not_equal(k1, k2);
	/* Both stay valid. */
	assert_int_equal(simauth_approval_check(a, k1, T0 + 2 * SEC, &who, &r), KE_OK);
	assert_int_equal(simauth_approval_check(a, k2, T0 + 2 * SEC, &who, &r), KE_OK);

	/* The body names the secret `secretkey`: a wrong one is EGW00105. */
	assert_int_equal(simauth_approval_issue(a, "client_credentials", KEY, "wrong", T0 + 5 * SEC, k3, &r),
	                 KE_EINVAL);
	expect_oauth(&r, "EGW00105");
	assert_int_equal(simauth_approval_issue(a, "client_credentials", KEY2, SECRET2, T0 + 5 * SEC, k3, &r), KE_OK);
	assert_int_equal(simauth_approval_check(a, k3, T0 + 5 * SEC, &who, &r), KE_OK);
	assert_int_equal(who.index, 1);

	/* Unknown, empty, and 24 h old keys: OPSP0011, rt_cd "9". */
	assert_int_equal(simauth_approval_check(a, "a2585daf-8c09-4587-9fce-8ab893000000", T0, &who, &r), KE_EINVAL);
	assert_int_equal(r.shape, SIMAUTH_SHAPE_ENVELOPE);
	assert_string_equal(r.rt_cd, "9");
	assert_string_equal(r.code, "OPSP0011");
	assert_string_equal(r.message, "invalid approval : NOT FOUND");
	assert_int_equal(who.index, -1);
	assert_int_equal(simauth_approval_check(a, "", T0, &who, &r), KE_EINVAL);
	assert_int_equal(simauth_approval_check(a, NULL, T0, &who, &r), KE_EINVAL);
	assert_int_equal(simauth_approval_check(a, k1, T0 + 24 * HOUR - 1, &who, &r), KE_OK);
	assert_int_equal(simauth_approval_check(a, k1, T0 + 24 * HOUR, &who, &r), KE_EINVAL);
	assert_string_equal(r.code, "OPSP0011");

	struct simauth_counters c;
	simauth_counters(a, &c);
	assert_int_equal(c.approvals_issued, 3);
	assert_int_equal(c.approvals_throttled, 1);
}

static void test_expire_all(void **state)
{
	struct simauth *a = *state;
	struct simauth_token t, t2;
	struct simauth_reply r;
	struct simauth_caller who;
	char k[SIMAUTH_APPROVAL_MAX];
	assert_int_equal(issue(a, T0, &t, &r), KE_OK);
	assert_int_equal(simauth_approval_issue(a, "client_credentials", KEY, secret(), T0, k, &r), KE_OK);

	simauth_expire_all(a, SIMAUTH_EXPIRE_TOKENS, T0 + HOUR);
	assert_int_equal(check(a, t.access_token, T0 + HOUR, &who, &r), KE_EINVAL);
	expect_envelope(&r, 500, "EGW00123", NULL);
	/* Approval keys were not asked for. */
	assert_int_equal(simauth_approval_check(a, k, T0 + HOUR, &who, &r), KE_OK);

	/* Asking again gives a new token although the 6 h are not over. */
	assert_int_equal(issue(a, T0 + HOUR, &t2, &r), KE_OK);
	assert_int_equal(t2.reused, 0);
	assert_string_not_equal(t2.access_token, t.access_token);
	assert_int_equal(check(a, t2.access_token, T0 + HOUR, &who, &r), KE_OK);

	simauth_expire_all(a, SIMAUTH_EXPIRE_APPROVALS, T0 + 2 * HOUR);
	assert_int_equal(simauth_approval_check(a, k, T0 + 2 * HOUR, &who, &r), KE_EINVAL);
	assert_int_equal(check(a, t2.access_token, T0 + 2 * HOUR, &who, &r), KE_OK); /* tokens untouched */

	simauth_expire_all(a, SIMAUTH_EXPIRE_TOKENS | SIMAUTH_EXPIRE_APPROVALS, T0 + 3 * HOUR);
	assert_int_equal(check(a, t2.access_token, T0 + 3 * HOUR, &who, &r), KE_EINVAL);
	assert_string_equal(r.code, "EGW00123");

	struct simauth_counters c;
	simauth_counters(a, &c);
	assert_int_equal(c.expire_all, 3);
}

static void test_eviction(void **state)
{
	(void)state;
	/* No reuse, no throttle: every call issues. Each key keeps its last 8
	 * tokens; the 9th issue pushes out the 1st, which then reads as unknown. */
	struct simauth_config cfg;
	simauth_config_default(&cfg, SIMACCT_MOCK);
	cfg.token_reuse_ms = 0;
	cfg.token_throttle_ms = 0;
	struct simacct_list l;
	accounts(&l);
	struct simauth *a;
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_OK);
	struct simauth_token t[9];
	struct simauth_reply r;
	struct simauth_caller who;
	for (int i = 0; i < 9; i++) {
		assert_int_equal(issue(a, T0 + i, &t[i], &r), KE_OK);
		assert_int_equal(t[i].reused, 0);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(t[i].access_token, t[j].access_token);
	}
	assert_int_equal(check(a, t[0].access_token, T0 + 10, &who, &r), KE_EINVAL);
	assert_string_equal(r.code, "EGW00121");
	for (int i = 1; i < 9; i++)
		assert_int_equal(check(a, t[i].access_token, T0 + 10, &who, &r), KE_OK);
	simauth_free(a);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct simauth *a = make(7), *b = make(7), *c = make(8);
	struct simauth_token ta, tb, tc;
	char ka[SIMAUTH_APPROVAL_MAX], kb[SIMAUTH_APPROVAL_MAX], kc[SIMAUTH_APPROVAL_MAX];
	struct simauth_reply r;
	assert_int_equal(issue(a, T0, &ta, &r), KE_OK);
	assert_int_equal(issue(b, T0, &tb, &r), KE_OK);
	assert_int_equal(issue(c, T0, &tc, &r), KE_OK);
	assert_string_equal(ta.access_token, tb.access_token);
	assert_string_not_equal(ta.access_token, tc.access_token);
	assert_int_equal(simauth_approval_issue(a, "client_credentials", KEY, secret(), T0, ka, &r), KE_OK);
	assert_int_equal(simauth_approval_issue(b, "client_credentials", KEY, secret(), T0, kb, &r), KE_OK);
	assert_int_equal(simauth_approval_issue(c, "client_credentials", KEY, secret(), T0, kc, &r), KE_OK);
	assert_string_equal(ka, kb);
	assert_string_not_equal(ka, kc);
	simauth_free(a);
	simauth_free(b);
	simauth_free(c);
}

static void test_config(void **state)
{
	(void)state;
	struct simauth_config cfg;
	simauth_config_default(&cfg, SIMACCT_REAL);
	assert_int_equal(cfg.env, SIMACCT_REAL);
	assert_int_equal(cfg.token_life_ms, 86400000);
	assert_int_equal(cfg.token_reuse_ms, 21600000);
	assert_int_equal(cfg.token_throttle_ms, 60000);
	assert_int_equal(cfg.approval_life_ms, 86400000);
	assert_int_equal(cfg.approval_throttle_ms, 1000);
	assert_int_equal(cfg.envelope_status, 500);
	assert_int_equal(cfg.hash, SIMAUTH_HASH_HEX);

	struct simacct_list l;
	accounts(&l);
	struct simauth *a = (struct simauth *)&l; /* must be reset to NULL on failure */
	cfg.env = SIMACCT_BOTH;
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_EINVAL);
	assert_null(a);
	simauth_config_default(&cfg, SIMACCT_MOCK);
	cfg.token_life_ms = 0;
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_EINVAL);
	simauth_config_default(&cfg, SIMACCT_MOCK);
	cfg.envelope_status = 99;
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_EINVAL);
	simauth_config_default(&cfg, SIMACCT_MOCK);
	assert_int_equal(simauth_new(&cfg, NULL, &a), KE_EINVAL);

	/* On the real server the real-only key works and the mock-only one not. */
	simauth_config_default(&cfg, SIMACCT_REAL);
	assert_int_equal(simauth_new(&cfg, &l, &a), KE_OK);
	assert_int_equal(simauth_config_of(a)->env, SIMACCT_REAL);
	struct simauth_token t;
	struct simauth_reply r;
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEYR, SECRET2, T0, &t, &r), KE_OK);
	assert_int_equal(simauth_token_issue(a, "client_credentials", KEY2, SECRET2, T0, &t, &r), KE_EINVAL);
	expect_oauth(&r, "EGW00103");
	assert_int_equal(issue(a, T0, &t, &r), KE_OK); /* the default account is "both" */
	simauth_free(a);
}

#define ORDER_BODY                                                                                                     \
	"{\"CANO\":\"50000000\",\"ACNT_PRDT_CD\":\"01\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"00\",\"ORD_QTY\":\"10\","   \
	"\"ORD_UNPR\":\"70000\"}"

static void expect_hash(const char *body, size_t len, const char *want)
{
	char out[SIMAUTH_HASH_MAX];
	assert_int_equal(simauth_hashkey(body, len, SIMAUTH_HASH_HEX, out, sizeof(out)), KE_OK);
	assert_string_equal(out, want);
}

static void test_hashkey(void **state)
{
	(void)state;
	char out[SIMAUTH_HASH_MAX];
	/* printf '%s' "$ORDER_BODY" | openssl dgst -sha256 (105 bytes) */
	assert_int_equal(strlen(ORDER_BODY), 105);
	expect_hash(ORDER_BODY, strlen(ORDER_BODY), "55f811c625e0f5312f8480e1ac76f332ac4f02c3e70f15cca0ae0a0375e98c26");
	/* ... | openssl dgst -sha256 -binary | base64 */
	assert_int_equal(simauth_hashkey(ORDER_BODY, strlen(ORDER_BODY), SIMAUTH_HASH_BASE64, out, sizeof(out)), KE_OK);
	assert_string_equal(out, "VfgRxiXg9TEvhIDhrHbzMqxPAsPnDxXMoK4KA3XpjCY=");
	/* The empty body: the well-known SHA-256 of nothing. */
	expect_hash("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(simauth_hashkey(NULL, 0, SIMAUTH_HASH_HEX, out, sizeof(out)), KE_OK);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* Padding edges: n times 'a' for n around one and two 64-byte blocks,
	 * from printf "%0${n}d" 0 | tr 0 a | openssl dgst -sha256. */
	static const struct {
		size_t n;
		const char *hex;
	} edges[] = {
	    {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
	    {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
	    {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
	    {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
	    {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
	    {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
	    {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
	    {1000, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"},
	};
	char *as = malloc(1000);
	assert_non_null(as);
	memset(as, 'a', 1000);
	for (size_t i = 0; i < KE_ARRAY_LEN(edges); i++)
		expect_hash(as, edges[i].n, edges[i].hex);
	free(as);

	/* Too small an output buffer. */
	assert_int_equal(simauth_hashkey("x", 1, SIMAUTH_HASH_HEX, out, 64), KE_EINVAL);
	assert_int_equal(simauth_hashkey("x", 1, SIMAUTH_HASH_BASE64, out, 44), KE_EINVAL);
	assert_int_equal(simauth_hashkey("x", 1, SIMAUTH_HASH_BASE64, out, 45), KE_OK);
}

static void test_hashkey_verify(void **state)
{
	struct simauth *a = *state;
	struct simauth_reply r;
	const char *b = ORDER_BODY;
	size_t n = strlen(b);
	assert_int_equal(simauth_hashkey_verify(a, b, n, NULL, &r), KE_OK); /* optional */
	assert_int_equal(simauth_hashkey_verify(a, b, n, "", &r), KE_OK);
	assert_int_equal(
	    simauth_hashkey_verify(a, b, n, "55f811c625e0f5312f8480e1ac76f332ac4f02c3e70f15cca0ae0a0375e98c26", &r),
	    KE_OK);
	/* The body changed after hashing (one more share). */
	assert_int_equal(simauth_hashkey_verify(a, "{\"ORD_QTY\":\"11\"}", 16,
	                                        "55f811c625e0f5312f8480e1ac76f332ac4f02c3e70f15cca0ae0a0375e98c26", &r),
	                 KE_EINVAL);
	expect_envelope(&r, 500, "EGW00131", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_issue_format, setup, teardown),
	    cmocka_unit_test(test_expiry_kst),
	    cmocka_unit_test_setup_teardown(test_reuse_window, setup, teardown),
	    cmocka_unit_test(test_reuse_exactly_6h),
	    cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_credentials, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check, setup, teardown),
	    cmocka_unit_test(test_envelope_status),
	    cmocka_unit_test_setup_teardown(test_revoke, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_approval, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expire_all, setup, teardown),
	    cmocka_unit_test(test_eviction),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_config),
	    cmocka_unit_test(test_hashkey),
	    cmocka_unit_test_setup_teardown(test_hashkey_verify, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
