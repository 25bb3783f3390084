/*
 * test_simacct.c - kis-sim's built-in account and the accounts file reader.
 *
 * Fixtures are tests/data/sim/accounts_*.json; the many one-field mistakes
 * are written to a temporary file from the table in test_bad_fields, and
 * each must be refused with a message naming the file and the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ke_common.h"
#include "simacct.h"

#ifndef KE_TEST_DATA
#define KE_TEST_DATA "tests/data"
#endif
#define SIMDATA KE_TEST_DATA "/sim/"

/* Writes text to a fresh temporary file; the caller unlinks path. */
static void write_temp(const char *text, size_t len, char path[64])
{
	snprintf(path, 64, "/tmp/test_simacct_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_default(void **state)
{
	(void)state;
	struct simacct_list l;
	memset(&l, 0x5a, sizeof(l));
	simacct_default(&l);
	assert_int_equal(l.n, 1);
	const struct simacct_account *a = &l.acct[0];
	assert_string_equal(a->app_key, "PSkisSimDefaultTestAppKey00000000001");
	assert_int_equal(strlen(a->app_key), 36);     /* KIS app keys are 36 characters */
	assert_int_equal(strlen(a->app_secret), 180); /* and secrets 180 */
	assert_true(strncmp(a->app_secret, "KisSimDefault/TestOnly+NotASecret", 33) == 0);
	assert_string_equal(a->app_secret + 176, "0180");
	assert_string_equal(a->hts_id, "kissim01");
	assert_string_equal(a->cano, "50000000");
	assert_string_equal(a->prdt, "01");
	assert_int_equal(a->env, SIMACCT_BOTH);
	assert_int_equal(a->cash, 100000000);
	assert_int_equal(a->nholdings, 0);

	/* "both" serves the mock and the real server alike. */
	assert_ptr_equal(simacct_by_key(&l, "PSkisSimDefaultTestAppKey00000000001", SIMACCT_MOCK), a);
	assert_ptr_equal(simacct_by_key(&l, "PSkisSimDefaultTestAppKey00000000001", SIMACCT_REAL), a);
	assert_null(simacct_by_key(&l, "PSkisSimDefaultTestAppKey0000000000", SIMACCT_MOCK)); /* prefix */
	assert_null(simacct_by_key(&l, "", SIMACCT_MOCK));
	assert_null(simacct_by_key(&l, NULL, SIMACCT_MOCK));
	assert_null(simacct_by_key(NULL, "x", SIMACCT_MOCK));
}

static void test_load_good(void **state)
{
	(void)state;
	struct simacct_list l;
	char err[256] = "untouched";
	assert_int_equal(simacct_load(SIMDATA "accounts_good.json", &l, err, sizeof(err)), KE_OK);
	assert_string_equal(err, "");
	assert_int_equal(l.n, 3);

	const struct simacct_account *m = &l.acct[0];
	assert_string_equal(m->app_key, "PSmockKeyForTestsOnly000000000000001");
	assert_string_equal(m->app_secret, "mockSecret/ForTests+Only==");
	assert_string_equal(m->hts_id, "mockuser");
	assert_string_equal(m->cano, "50000001");
	assert_string_equal(m->prdt, "01");
	assert_int_equal(m->env, SIMACCT_MOCK);
	assert_int_equal(m->cash, 10000000);
	assert_int_equal(m->nholdings, 2);
	assert_string_equal(m->holdings[0].symbol, "005930");
	assert_int_equal(m->holdings[0].qty, 10);
	assert_int_equal(m->holdings[0].avg_price, 70000);
	assert_string_equal(m->holdings[1].symbol, "Q500001");
	assert_int_equal(m->holdings[1].qty, 0);

	const struct simacct_account *r = &l.acct[1];
	assert_string_equal(r->cano, "60000002");
	assert_string_equal(r->prdt, "22");
	assert_int_equal(r->env, SIMACCT_REAL);
	assert_int_equal(r->cash, 0);
	assert_int_equal(r->nholdings, 0); /* holdings absent */

	const struct simacct_account *b = &l.acct[2];
	assert_int_equal(b->env, SIMACCT_BOTH); /* env absent: both */
	assert_string_equal(b->hts_id, "both.user-3");
	assert_int_equal(b->cash, 9007199254740992LL); /* 2^53, the largest exact JSON integer */
	assert_int_equal(b->nholdings, 0);

	/* Each key answers only in its environments. */
	assert_ptr_equal(simacct_by_key(&l, m->app_key, SIMACCT_MOCK), m);
	assert_null(simacct_by_key(&l, m->app_key, SIMACCT_REAL));
	assert_null(simacct_by_key(&l, r->app_key, SIMACCT_MOCK));
	assert_ptr_equal(simacct_by_key(&l, r->app_key, SIMACCT_REAL), r);
	assert_ptr_equal(simacct_by_key(&l, b->app_key, SIMACCT_MOCK), b);
	assert_ptr_equal(simacct_by_key(&l, b->app_key, SIMACCT_REAL), b);
}

/* Loads path, expects KE_EINVAL and every one of want[] in the message. */
static void expect_refused(const char *path, const char *want1, const char *want2)
{
	struct simacct_list l;
	simacct_default(&l);
	char err[512] = "";
	int rc = simacct_load(path, &l, err, sizeof(err));
	if (rc != KE_EINVAL || strstr(err, path) == NULL || strstr(err, want1) == NULL ||
	    (want2 != NULL && strstr(err, want2) == NULL))
		fail_msg("%s: rc %d, message '%s', wanted '%s' and '%s'", path, rc, err, want1,
		         want2 != NULL ? want2 : "");
	/* A refused file leaves the list as it was. */
	assert_int_equal(l.n, 1);
	assert_string_equal(l.acct[0].cano, "50000000");
}

static void test_bad_fixtures(void **state)
{
	(void)state;
	expect_refused(SIMDATA "accounts_bad_account.json", "accounts[1].account", "12345678-01");
	expect_refused(SIMDATA "accounts_bad_dup_key.json", "accounts[1].app_key", "accounts[0]");
	expect_refused(SIMDATA "accounts_bad_holding.json", "accounts[0].holdings[1].qty", ">= 0");
	/* The second comma of `"app_secret": "s1",,` is on line 3. */
	expect_refused(SIMDATA "accounts_bad_json.json", "line 3", "not valid JSON");
}

#define ACCT(extra) "{\"app_key\":\"k\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"12345678-01\"" extra "}"
#define FILE1(acct) "{\"accounts\":[" acct "]}"

static void test_bad_fields(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *field;
		const char *why;
	} cases[] = {
	    {"[]", "top level", NULL},
	    {"{\"accounts\":[],\"x\":1}", "x", "unknown key"},
	    {"{}", "accounts", "missing"},
	    {"{\"accounts\":{}}", "accounts", "array"},
	    {"{\"accounts\":[]}", "accounts", "at least one"},
	    {FILE1("7"), "accounts[0]", "object"},
	    {FILE1(ACCT("")), "accounts[0].cash", "missing"},
	    {FILE1(ACCT(",\"cash\":1,\"colour\":\"red\"")), "accounts[0].colour", "unknown key"},
	    {FILE1(ACCT(",\"cash\":1,\"cash\":2")), "accounts[0].cash", "twice"},
	    {FILE1(ACCT(",\"cash\":-1")), "accounts[0].cash", ">= 0"},
	    {FILE1(ACCT(",\"cash\":1.5")), "accounts[0].cash", "whole"},
	    {FILE1(ACCT(",\"cash\":\"100\"")), "accounts[0].cash", "number"},
	    {FILE1(ACCT(",\"cash\":1e300")), "accounts[0].cash", "whole"},
	    {FILE1(ACCT(",\"cash\":1,\"env\":\"paper\"")), "accounts[0].env", "\"mock\""},
	    {FILE1(ACCT(",\"cash\":1,\"env\":1")), "accounts[0].env", "\"mock\""},
	    {FILE1("{\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"12345678-01\",\"cash\":1}"),
	     "accounts[0].app_key", "missing"},
	    {FILE1("{\"app_key\":\"\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"12345678-01\",\"cash\":1}"),
	     "accounts[0].app_key", "empty"},
	    {FILE1(
	         "{\"app_key\":\"a b\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"12345678-01\",\"cash\":1}"),
	     "accounts[0].app_key", "printable"},
	    {FILE1("{\"app_key\":\"k\",\"app_secret\":5,\"hts_id\":\"u\",\"account\":\"12345678-01\",\"cash\":1}"),
	     "accounts[0].app_secret", "string"},
	    {FILE1(
	         "{\"app_key\":\"k\",\"app_secret\":\"s\",\"hts_id\":\"u^1\",\"account\":\"12345678-01\",\"cash\":1}"),
	     "accounts[0].hts_id", "letters"},
	    {FILE1("{\"app_key\":\"k\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"1234567-801\",\"cash\":1}"),
	     "accounts[0].account", "8 digits"},
	    {FILE1("{\"app_key\":\"k\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"1234567a-01\",\"cash\":1}"),
	     "accounts[0].account", "8 digits"},
	    {FILE1("{\"app_key\":\"k\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"12345678-011\",\"cash\":1}"),
	     "accounts[0].account", "8 digits"},
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":{}")), "accounts[0].holdings", "array"},
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":[{\"symbol\":\"005930\",\"qty\":1}]")),
	     "accounts[0].holdings[0].avg_price", "missing"},
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":[{\"symbol\":\"005930\",\"qty\":1,\"avg_price\":-1}]")),
	     "accounts[0].holdings[0].avg_price", ">= 0"},
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":[{\"symbol\":\"0059-30\",\"qty\":1,\"avg_price\":1}]")),
	     "accounts[0].holdings[0].symbol", "letters or digits"},
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":[{\"symbol\":\"\",\"qty\":1,\"avg_price\":1}]")),
	     "accounts[0].holdings[0].symbol", "letters or digits"},
	    /* 16 characters: one more than KE_SYMBOL_MAX - 1 */
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":[{\"symbol\":\"ABCDEFGHIJ123456\",\"qty\":1,\"avg_price\":1}]")),
	     "accounts[0].holdings[0].symbol", "1 to 15"},
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":[{\"symbol\":\"A\",\"qty\":1,\"avg_price\":1,\"fee\":0}]")),
	     "accounts[0].holdings[0].fee", "unknown key"},
	    {FILE1(ACCT(",\"cash\":1,\"holdings\":[{\"symbol\":\"A\",\"qty\":1,\"avg_price\":1},"
	                "{\"symbol\":\"A\",\"qty\":2,\"avg_price\":1}]")),
	     "accounts[0].holdings[1].symbol", "holdings[0]"},
	    {FILE1(ACCT(",\"cash\":1") ","
	                               "{\"app_key\":\"k2\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":"
	                               "\"12345678-01\",\"cash\":1}"),
	     "accounts[1].account", "accounts[0]"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		char path[64];
		write_temp(cases[i].text, strlen(cases[i].text), path);
		expect_refused(path, cases[i].field, cases[i].why);
		unlink(path);
	}
}

/* Same account number with another product code is another account. */
static void test_same_cano_other_product(void **state)
{
	(void)state;
	const char *text = FILE1(ACCT(",\"cash\":1") ","
	                                             "{\"app_key\":\"k2\",\"app_secret\":\"s\",\"hts_id\":\"u\","
	                                             "\"account\":\"12345678-22\",\"cash\":1}");
	char path[64];
	write_temp(text, strlen(text), path);
	struct simacct_list l;
	char err[256];
	int rc = simacct_load(path, &l, err, sizeof(err));
	unlink(path);
	assert_int_equal(rc, KE_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.acct[1].prdt, "22");
}

static void test_limits(void **state)
{
	(void)state;
	/* A 64-character app key does not fit SIMACCT_KEY_MAX (63 + NUL). */
	char key[65];
	memset(key, 'K', 64);
	key[64] = '\0';
	char text[512];
	snprintf(
	    text, sizeof(text),
	    FILE1("{\"app_key\":\"%s\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"12345678-01\",\"cash\":1}"),
	    key);
	char path[64];
	write_temp(text, strlen(text), path);
	expect_refused(path, "accounts[0].app_key", "longer than 63");
	unlink(path);
	key[63] = '\0'; /* 63 characters fit */
	snprintf(
	    text, sizeof(text),
	    FILE1("{\"app_key\":\"%s\",\"app_secret\":\"s\",\"hts_id\":\"u\",\"account\":\"12345678-01\",\"cash\":1}"),
	    key);
	write_temp(text, strlen(text), path);
	struct simacct_list l;
	char err[256];
	assert_int_equal(simacct_load(path, &l, err, sizeof(err)), KE_OK);
	assert_int_equal(strlen(l.acct[0].app_key), 63);
	unlink(path);

	/* 17 accounts: one more than SIMACCT_MAX. */
	char big[4096];
	size_t o = (size_t)snprintf(big, sizeof(big), "{\"accounts\":[");
	for (int i = 0; i < SIMACCT_MAX + 1; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o,
		                      "%s{\"app_key\":\"k%d\",\"app_secret\":\"s\",\"hts_id\":\"u\","
		                      "\"account\":\"123456%02d-01\",\"cash\":1}",
		                      i ? "," : "", i, i);
	snprintf(big + o, sizeof(big) - o, "]}");
	write_temp(big, strlen(big), path);
	expect_refused(path, "accounts", "more than 16");
	unlink(path);
}

static void test_too_large(void **state)
{
	(void)state;
	/* A valid file padded with spaces to 1 MiB + 1 byte is refused for
	 * its size; the same padded to exactly 1 MiB is read. */
	const char *body = FILE1(ACCT(",\"cash\":1"));
	size_t blen = strlen(body);
	size_t limit = 1024 * 1024;
	char *text = malloc(limit + 1);
	assert_non_null(text);
	memcpy(text, body, blen);
	memset(text + blen, ' ', limit + 1 - blen);
	char path[64];
	write_temp(text, limit + 1, path);
	expect_refused(path, "larger than 1048576 bytes", NULL);
	unlink(path);

	write_temp(text, limit, path);
	struct simacct_list l;
	char err[256];
	assert_int_equal(simacct_load(path, &l, err, sizeof(err)), KE_OK);
	assert_int_equal(l.n, 1);
	unlink(path);
	free(text);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct simacct_list l;
	char err[256];
	assert_int_equal(simacct_load(SIMDATA "no_such_accounts.json", &l, err, sizeof(err)), KE_EIO);
	assert_non_null(strstr(err, "no_such_accounts.json"));
	assert_non_null(strstr(err, "cannot open"));
	assert_int_equal(simacct_load(NULL, &l, err, sizeof(err)), KE_EINVAL);
	/* No room for a message is not an error of its own. */
	assert_int_equal(simacct_load(SIMDATA "no_such_accounts.json", &l, NULL, 0), KE_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default),
	    cmocka_unit_test(test_load_good),
	    cmocka_unit_test(test_bad_fixtures),
	    cmocka_unit_test(test_bad_fields),
	    cmocka_unit_test(test_same_cano_other_product),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
