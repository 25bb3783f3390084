/*
 * test_kis_env.c - environments, URLs, loopback policy and tr_ids.
 *
 * Expected values are typed in from kis-protocol.md §1 and §4 (the table),
 * the mock ids from the §3 rule applied by hand (first letter T/J/C -> V).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "kis_env.h"

static void test_parse(void **state)
{
	enum kis_env e = KIS_ENV_REAL;

	(void)state;
	assert_int_equal(kis_env_parse("mock", &e), KE_OK);
	assert_int_equal(e, KIS_ENV_MOCK);
	assert_int_equal(kis_env_parse("real", &e), KE_OK);
	assert_int_equal(e, KIS_ENV_REAL);
	assert_int_equal(kis_env_parse("Mock", &e), KE_EINVAL);
	assert_int_equal(kis_env_parse("", &e), KE_EINVAL);
	assert_int_equal(kis_env_parse("paper", &e), KE_EINVAL);
	assert_int_equal(kis_env_parse("real ", &e), KE_EINVAL);
	assert_int_equal(kis_env_parse(NULL, &e), KE_EINVAL);
	assert_int_equal(kis_env_parse("mock", NULL), KE_EINVAL);
	/* failures leave *out alone */
	assert_int_equal(e, KIS_ENV_REAL);
	assert_string_equal(kis_env_name(KIS_ENV_MOCK), "mock");
	assert_string_equal(kis_env_name(KIS_ENV_REAL), "real");
	assert_string_equal(kis_env_name((enum kis_env)7), "?");
}

static void test_default_urls(void **state)
{
	(void)state;
	assert_string_equal(kis_env_default_base_url(KIS_ENV_REAL), "https://openapi.koreainvestment.com:9443");
	assert_string_equal(kis_env_default_base_url(KIS_ENV_MOCK), "https://openapivts.koreainvestment.com:29443");
	assert_string_equal(kis_env_default_ws_url(KIS_ENV_REAL), "ws://ops.koreainvestment.com:21000");
	assert_string_equal(kis_env_default_ws_url(KIS_ENV_MOCK), "ws://ops.koreainvestment.com:31000");
	assert_null(kis_env_default_base_url((enum kis_env)2));
	assert_null(kis_env_default_ws_url((enum kis_env) - 1));
}

static void test_endpoint_defaults(void **state)
{
	struct kis_endpoint ep;
	char err[256] = "";

	(void)state;
	assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, NULL, "", &ep, err, sizeof(err)), KE_OK);
	assert_int_equal(ep.env, KIS_ENV_MOCK);
	assert_string_equal(ep.base_url, "https://openapivts.koreainvestment.com:29443");
	assert_string_equal(ep.ws_url, "ws://ops.koreainvestment.com:31000");
	assert_int_equal(ep.base_is_loopback, 0);
	assert_int_equal(ep.ws_is_loopback, 0);
	assert_int_equal(kis_env_endpoint(KIS_ENV_REAL, NULL, NULL, &ep, err, sizeof(err)), KE_OK);
	assert_string_equal(ep.base_url, "https://openapi.koreainvestment.com:9443");
	assert_string_equal(ep.ws_url, "ws://ops.koreainvestment.com:21000");
	assert_int_equal(kis_env_endpoint((enum kis_env)5, NULL, NULL, &ep, err, sizeof(err)), KE_EINVAL);
}

static void test_endpoint_overrides(void **state)
{
	struct kis_endpoint ep;
	char err[256];

	(void)state;
	/* kis-sim on loopback: http allowed, one trailing slash dropped */
	assert_int_equal(
	    kis_env_endpoint(KIS_ENV_MOCK, "http://127.0.0.1:18443/", "ws://127.0.0.1:18000", &ep, err, sizeof(err)),
	    KE_OK);
	assert_string_equal(ep.base_url, "http://127.0.0.1:18443");
	assert_string_equal(ep.ws_url, "ws://127.0.0.1:18000");
	assert_int_equal(ep.base_is_loopback, 1);
	assert_int_equal(ep.ws_is_loopback, 1);
	assert_int_equal(ep.env, KIS_ENV_MOCK);

	assert_int_equal(
	    kis_env_endpoint(KIS_ENV_REAL, "https://localhost:8443", "wss://[::1]:9000/", &ep, err, sizeof(err)),
	    KE_OK);
	assert_string_equal(ep.ws_url, "wss://[::1]:9000");
	assert_int_equal(ep.base_is_loopback, 1);
	assert_int_equal(ep.ws_is_loopback, 1);

	/* a remote https proxy is fine but verified */
	assert_int_equal(kis_env_endpoint(KIS_ENV_REAL, "https://10.0.0.1:9443", NULL, &ep, err, sizeof(err)), KE_OK);
	assert_int_equal(ep.base_is_loopback, 0);

	/* plain http to a remote host would send the secret in clear */
	err[0] = '\0';
	assert_int_equal(kis_env_endpoint(KIS_ENV_REAL, "http://10.0.0.1:9443", NULL, &ep, err, sizeof(err)),
	                 KE_EINVAL);
	assert_non_null(strstr(err, "http://10.0.0.1:9443"));
	assert_non_null(strstr(err, "https://"));

	err[0] = '\0';
	assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, "ftp://127.0.0.1", NULL, &ep, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "REST"));
	err[0] = '\0';
	assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, NULL, "http://127.0.0.1:1", &ep, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "WebSocket"));
	err[0] = '\0';
	assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, "https://", NULL, &ep, err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "no host"));
	err[0] = '\0';
	assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, "https://a b", NULL, &ep, err, sizeof(err)), KE_EINVAL);
	/* "https://a b": the space is the 10th character (h,t,t,p,s,:,/,/,a,' ') */
	assert_non_null(strstr(err, "position 10"));

	/* 256 characters: one more than KIS_URL_MAX - 1 = 255 */
	{
		char longurl[300];
		memset(longurl, 'a', sizeof(longurl));
		memcpy(longurl, "https://", 8);
		longurl[256] = '\0';
		err[0] = '\0';
		assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, longurl, NULL, &ep, err, sizeof(err)), KE_EINVAL);
		assert_non_null(strstr(err, "too long (256 characters, max 255)"));
		longurl[255] = '\0';
		assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, longurl, NULL, &ep, err, sizeof(err)), KE_OK);
	}
	/* a NULL / zero-length err buffer is allowed */
	assert_int_equal(kis_env_endpoint(KIS_ENV_MOCK, "ftp://x", NULL, &ep, NULL, 0), KE_EINVAL);
}

static void test_loopback(void **state)
{
	(void)state;
	/* yes */
	assert_true(kis_env_is_loopback("127.0.0.1"));
	assert_true(kis_env_is_loopback("https://127.0.0.1:8443/uapi"));
	assert_true(kis_env_is_loopback("http://127.9.9.9"));
	assert_true(kis_env_is_loopback("127.255.255.254:80"));
	assert_true(kis_env_is_loopback("localhost"));
	assert_true(kis_env_is_loopback("https://LocalHost:9443"));
	assert_true(kis_env_is_loopback("http://[::1]:8080/x"));
	assert_true(kis_env_is_loopback("[::1]"));
	assert_true(kis_env_is_loopback("::1"));
	assert_true(kis_env_is_loopback("ws://user@127.0.0.1:1"));
	/* no */
	assert_false(kis_env_is_loopback("10.0.0.1"));
	assert_false(kis_env_is_loopback("https://10.0.0.1:9443"));
	assert_false(kis_env_is_loopback("https://openapi.koreainvestment.com:9443"));
	assert_false(kis_env_is_loopback("openapi.koreainvestment.com"));
	assert_false(kis_env_is_loopback("128.0.0.1"));
	assert_false(kis_env_is_loopback("http://127.0.0.1.evil.example/"));
	assert_false(kis_env_is_loopback("http://localhost.evil.example/"));
	assert_false(kis_env_is_loopback("http://localhost@evil.example/"));
	assert_false(kis_env_is_loopback("http://evil.example/127.0.0.1"));
	assert_false(kis_env_is_loopback("http://[::2]:80"));
	assert_false(kis_env_is_loopback("http://[::1"));
	assert_false(kis_env_is_loopback("127.1"));
	assert_false(kis_env_is_loopback("0.0.0.0"));
	assert_false(kis_env_is_loopback(""));
	assert_false(kis_env_is_loopback("https://"));
	assert_false(kis_env_is_loopback(NULL));
}

struct tr_case {
	enum kis_op op;
	const char *name;
	const char *real;
	const char *mock; /* NULL: refused on mock */
};

/* §4 table; new ids only (§4 "old vs new"). */
static const struct tr_case tr_cases[] = {
    {KIS_OP_ORDER_BUY, "ORDER_BUY", "TTTC0012U", "VTTC0012U"},
    {KIS_OP_ORDER_SELL, "ORDER_SELL", "TTTC0011U", "VTTC0011U"},
    {KIS_OP_ORDER_REVISE_CANCEL, "ORDER_REVISE_CANCEL", "TTTC0013U", "VTTC0013U"},
    {KIS_OP_BALANCE, "BALANCE", "TTTC8434R", "VTTC8434R"},
    {KIS_OP_DAILY_CCLD, "DAILY_CCLD", "TTTC0081R", "VTTC0081R"},
    {KIS_OP_DAILY_CCLD_OLD, "DAILY_CCLD_OLD", "CTSC9215R", "VTSC9215R"},
    {KIS_OP_PSBL_ORDER, "PSBL_ORDER", "TTTC8908R", "VTTC8908R"},
    {KIS_OP_PSBL_RVSECNCL, "PSBL_RVSECNCL", "TTTC0084R", NULL},
    {KIS_OP_PRICE, "PRICE", "FHKST01010100", "FHKST01010100"},
    {KIS_OP_DAILY_CHART, "DAILY_CHART", "FHKST03010100", "FHKST03010100"},
    {KIS_OP_MINUTE_CHART, "MINUTE_CHART", "FHKST03010200", "FHKST03010200"},
    {KIS_OP_HOLIDAY, "HOLIDAY", "CTCA0903R", NULL},
};

static void test_tr_ids(void **state)
{
	size_t i;

	(void)state;
	/* every operation is covered above */
	assert_int_equal(KE_ARRAY_LEN(tr_cases), KIS_OP__COUNT);
	for (i = 0; i < KE_ARRAY_LEN(tr_cases); i++) {
		const struct tr_case *c = &tr_cases[i];
		const char *id = NULL;

		assert_string_equal(kis_env_op_name(c->op), c->name);
		assert_int_equal(kis_env_tr_id(KIS_ENV_REAL, c->op, &id), KE_OK);
		assert_string_equal(id, c->real);
		id = "untouched";
		if (c->mock == NULL) {
			assert_int_equal(kis_env_tr_id(KIS_ENV_MOCK, c->op, &id), KE_ENOENT);
			assert_string_equal(id, "untouched");
		} else {
			assert_int_equal(kis_env_tr_id(KIS_ENV_MOCK, c->op, &id), KE_OK);
			assert_string_equal(id, c->mock);
		}
	}
}

static void test_tr_ids_never_old(void **state)
{
	/* §4 old ids the client must not emit on either env */
	static const char *const old[] = {"TTTC0801U", "TTTC0802U", "TTTC0803U", "TTTC8001R", "CTSC9115R", "TTTC8036R",
	                                  "VTTC0801U", "VTTC0802U", "VTTC0803U", "VTTC8001R", "VTSC9115R"};
	int op;
	int env;
	size_t k;

	(void)state;
	for (env = KIS_ENV_MOCK; env <= KIS_ENV_REAL; env++) {
		for (op = 0; op < KIS_OP__COUNT; op++) {
			const char *id = NULL;
			if (kis_env_tr_id((enum kis_env)env, (enum kis_op)op, &id) != KE_OK)
				continue;
			for (k = 0; k < KE_ARRAY_LEN(old); k++)
				assert_string_not_equal(id, old[k]);
			/* a mock id is never a real trading id */
			if (env == KIS_ENV_MOCK)
				assert_true(id[0] == 'V' || id[0] == 'F');
		}
	}
}

static void test_tr_id_bad_args(void **state)
{
	const char *id = NULL;

	(void)state;
	assert_int_equal(kis_env_tr_id(KIS_ENV_REAL, KIS_OP__COUNT, &id), KE_EINVAL);
	assert_int_equal(kis_env_tr_id(KIS_ENV_REAL, (enum kis_op) - 1, &id), KE_EINVAL);
	assert_int_equal(kis_env_tr_id((enum kis_env)9, KIS_OP_PRICE, &id), KE_EINVAL);
	assert_int_equal(kis_env_tr_id(KIS_ENV_REAL, KIS_OP_PRICE, NULL), KE_EINVAL);
	assert_null(id);
	assert_string_equal(kis_env_op_name(KIS_OP__COUNT), "?");
}

static void test_mock_rule(void **state)
{
	char buf[KIS_TR_ID_MAX];

	(void)state;
	assert_int_equal(kis_env_mock_tr_id("TTTC0012U", buf), KE_OK);
	assert_string_equal(buf, "VTTC0012U");
	assert_int_equal(kis_env_mock_tr_id("CTSC9215R", buf), KE_OK);
	assert_string_equal(buf, "VTSC9215R");
	assert_int_equal(kis_env_mock_tr_id("JTTT1234U", buf), KE_OK);
	assert_string_equal(buf, "VTTT1234U");
	assert_int_equal(kis_env_mock_tr_id("FHKST01010100", buf), KE_OK);
	assert_string_equal(buf, "FHKST01010100");
	assert_int_equal(kis_env_mock_tr_id("", buf), KE_EINVAL);
	/* 16 characters do not fit in 16 bytes with the NUL */
	assert_int_equal(kis_env_mock_tr_id("TTTTTTTTTTTTTTTT", buf), KE_EINVAL);
	assert_int_equal(kis_env_mock_tr_id(NULL, buf), KE_EINVAL);
}

/* The table agrees with the §3 rule wherever mock is supported. */
static void test_table_matches_rule(void **state)
{
	int op;

	(void)state;
	for (op = 0; op < KIS_OP__COUNT; op++) {
		const char *real = NULL;
		const char *mock = NULL;
		char buf[KIS_TR_ID_MAX];

		assert_int_equal(kis_env_tr_id(KIS_ENV_REAL, (enum kis_op)op, &real), KE_OK);
		if (kis_env_tr_id(KIS_ENV_MOCK, (enum kis_op)op, &mock) != KE_OK)
			continue;
		assert_int_equal(kis_env_mock_tr_id(real, buf), KE_OK);
		assert_string_equal(buf, mock);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_default_urls),
	    cmocka_unit_test(test_endpoint_defaults),
	    cmocka_unit_test(test_endpoint_overrides),
	    cmocka_unit_test(test_loopback),
	    cmocka_unit_test(test_tr_ids),
	    cmocka_unit_test(test_tr_ids_never_old),
	    cmocka_unit_test(test_tr_id_bad_args),
	    cmocka_unit_test(test_mock_rule),
	    cmocka_unit_test(test_table_matches_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
