/*
 * test_simfault.c - kis-sim's fault injection: the faults document, the
 * REST decisions (next counts, probabilities, priority, paths, delay; the
 * lost_request fault on its own), the WebSocket faults, token expiry,
 * counters and the /_sim/state dump.
 *
 * Fixtures are tests/data/sim/faults_*.json; the one-key mistakes are the
 * table in test_bad_documents, each refused with a message naming the key.
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
#include "simfault.h"

#ifndef KE_TEST_DATA
#define KE_TEST_DATA "tests/data"
#endif
#define SIMDATA KE_TEST_DATA "/sim/"

#define ORDER_CASH "/uapi/domestic-stock/v1/trading/order-cash"
#define BALANCE    "/uapi/domestic-stock/v1/trading/inquire-balance"
#define PRICE      "/uapi/domestic-stock/v1/quotations/inquire-price"
#define RVSECNCL   "/uapi/domestic-stock/v1/trading/order-rvsecncl"

/*
 * 2026-03-02T10:00:00 KST = 2026-03-02T01:00:00Z.
 * Days 1970-01-01 .. 2026-01-01: 56 years, 14 of them leap (1972..2024
 * every 4th) -> 56 * 365 + 14 = 20454. Jan 31 + Feb 28 -> 2026-03-01 is day
 * 20513, 2026-03-02 day 20514. 20514 * 86,400,000 = 1,772,409,600,000 ms,
 * + 1 h (3,600,000) = 1,772,413,200,000.
 */
#define T_1000 1772413200000LL

static struct simfault *make(uint64_t seed, const char *json)
{
	struct simfault *f = NULL;
	assert_int_equal(simfault_new(seed, &f), KE_OK);
	assert_non_null(f);
	if (json != NULL) {
		char err[256];
		int rc = simfault_configure(f, json, strlen(json), err, sizeof(err));
		if (rc != KE_OK)
			fail_msg("configure(%s): %s", json, err);
	}
	return f;
}

static void configure_ok(struct simfault *f, const char *json)
{
	char err[256];
	int rc = simfault_configure(f, json, strlen(json), err, sizeof(err));
	if (rc != KE_OK)
		fail_msg("configure(%s): %s", json, err);
}

/* The "faults" object of a dump; the caller deletes *root. */
static const cJSON *dump(const struct simfault *f, cJSON **root)
{
	*root = cJSON_CreateObject();
	assert_non_null(*root);
	simfault_dump(f, *root);
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(*root, "faults");
	assert_true(cJSON_IsObject(o));
	return o;
}

static const cJSON *at(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);
	if (b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, b);
	if (c != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, c);
	assert_non_null(v);
	return v;
}

static double num(const cJSON *o, const char *a, const char *b, const char *c)
{
	const cJSON *v = at(o, a, b, c);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* ---- the document ---- */

static void test_load_good(void **state)
{
	(void)state;
	struct simfault *f = make(1, NULL);
	char err[256] = "x";
	assert_int_equal(simfault_load(f, SIMDATA "faults_good.json", err, sizeof(err)), KE_OK);
	assert_string_equal(err, "");

	cJSON *root;
	const cJSON *s = at(dump(f, &root), "settings", NULL, NULL);
	assert_true(num(s, "rest", "delay_ms", NULL) == 250);
	const cJSON *h = at(s, "rest", "http500", NULL);
	assert_true(num(h, "probability", NULL, NULL) == 0.25);
	assert_true(num(h, "next", NULL, NULL) == 2);
	const cJSON *p = at(h, "paths", NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(p), 1);
	assert_string_equal(cJSON_GetArrayItem(p, 0)->valuestring, "/uapi/domestic-stock/v1/trading/");
	/* egw00201 gave no paths: the default, every /uapi/ path. */
	const cJSON *e = at(s, "rest", "egw00201", NULL);
	assert_true(num(e, "probability", NULL, NULL) == 0);
	assert_true(num(e, "next", NULL, NULL) == 1);
	assert_string_equal(cJSON_GetArrayItem(at(e, "paths", NULL, NULL), 0)->valuestring, "/uapi/");
	/* no_answer gave no probability: 0. */
	const cJSON *n = at(s, "rest", "no_answer", NULL);
	assert_true(num(n, "probability", NULL, NULL) == 0);
	assert_true(num(n, "next", NULL, NULL) == 1);
	assert_string_equal(cJSON_GetArrayItem(at(n, "paths", NULL, NULL), 0)->valuestring, ORDER_CASH);
	assert_true(num(s, "ws", "drop_after_frames", NULL) == 500);
	/* "10:00" is normalised with its seconds. */
	assert_string_equal(at(s, "ws", "drop_at", NULL)->valuestring, "2026-03-02T10:00:00");
	assert_true(num(s, "ws", "garbage_every", NULL) == 1000);
	assert_true(num(s, "ws", "malformed_json_next", NULL) == 1);
	assert_true(cJSON_IsTrue(at(s, "tokens", "expire_now", NULL)));
	cJSON_Delete(root);

	/* The file drives decisions: no_answer's next comes first on its
	 * path, then http500's two, then egw00201's one, then nothing. */
	int64_t d = -1;
	assert_int_equal(simfault_rest(f, ORDER_CASH, &d), SIMFAULT_NO_ANSWER);
	assert_int_equal(d, 250);
	assert_int_equal(simfault_rest(f, ORDER_CASH, &d), SIMFAULT_HTTP500);
	assert_int_equal(simfault_rest(f, BALANCE, &d), SIMFAULT_HTTP500);
	/* The price path is outside http500's paths (so no 0.25 draw), but
	 * inside egw00201's default ones. */
	assert_int_equal(simfault_rest(f, PRICE, &d), SIMFAULT_EGW00201);
	assert_int_equal(simfault_rest(f, PRICE, &d), SIMFAULT_NONE);
	assert_int_equal(simfault_tokens_expire(f), 1);
	assert_int_equal(simfault_ws_bad_json(f), 1);
	simfault_free(f);
}

static void test_off_document(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"rest\":{\"http500\":{\"next\":3}}}");
	char err[256];
	assert_int_equal(simfault_load(f, SIMDATA "faults_off.json", err, sizeof(err)), KE_OK);
	int64_t d = -1;
	assert_int_equal(simfault_rest(f, ORDER_CASH, &d), SIMFAULT_NONE);
	assert_int_equal(d, 0);
	assert_int_equal(simfault_ws_drop(f, 1, 1000000, T_1000), 0);
	assert_int_equal(simfault_ws_garbage(f, 1000000), 0);
	assert_int_equal(simfault_ws_bad_json(f), 0);
	assert_int_equal(simfault_tokens_expire(f), 0);
	simfault_free(f);
}

static void test_bad_documents(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		const char *err; /* the message must start with this */
	} cases[] = {
	    {"{\"rest\":{\"http500\":{\"probability\":1.5}}}", "rest.http500.probability: "},
	    {"{\"rest\":{\"http500\":{\"probability\":-0.1}}}", "rest.http500.probability: "},
	    {"{\"rest\":{\"http500\":{\"probability\":\"0.5\"}}}", "rest.http500.probability: "},
	    {"{\"rest\":{\"http500\":{\"probabilty\":0.5}}}", "rest.http500.probabilty: unknown key"},
	    {"{\"rest\":{\"egw00201\":{\"next\":-1}}}", "rest.egw00201.next: "},
	    {"{\"rest\":{\"egw00201\":{\"next\":1.5}}}", "rest.egw00201.next: "},
	    {"{\"rest\":{\"egw00201\":{\"next\":\"2\"}}}", "rest.egw00201.next: "},
	    {"{\"rest\":{\"no_answer\":{\"paths\":\"/uapi/\"}}}", "rest.no_answer.paths: "},
	    {"{\"rest\":{\"no_answer\":{\"paths\":[]}}}", "rest.no_answer.paths: "},
	    {"{\"rest\":{\"no_answer\":{\"paths\":[\"uapi/\"]}}}", "rest.no_answer.paths[0]: "},
	    {"{\"rest\":{\"no_answer\":{\"paths\":[\"/uapi/\",3]}}}", "rest.no_answer.paths[1]: "},
	    {"{\"rest\":{\"no_answer\":{\"paths\":[\"/a\"],\"paths\":[\"/b\"]}}}",
	     "rest.no_answer.paths: key given twice"},
	    {"{\"rest\":{\"lost_request\":{\"probability\":1.5}}}", "rest.lost_request.probability: "},
	    {"{\"rest\":{\"lost_request\":{\"nxt\":1}}}", "rest.lost_request.nxt: unknown key"},
	    {"{\"rest\":{\"lost_request\":{\"next\":-1}}}", "rest.lost_request.next: "},
	    {"{\"rest\":{\"lost_request\":{\"paths\":[]}}}", "rest.lost_request.paths: "},
	    {"{\"rest\":{\"lost_request\":{\"paths\":[\"uapi/\"]}}}", "rest.lost_request.paths[0]: "},
	    {"{\"rest\":{\"lost_request\":true}}", "rest.lost_request: "},
	    {"{\"rest\":{\"lost\":{\"next\":1}}}", "rest.lost: unknown key"},
	    {"{\"rest\":{\"delay_ms\":-5}}", "rest.delay_ms: "},
	    {"{\"rest\":{\"delay_ms\":true}}", "rest.delay_ms: "},
	    {"{\"rest\":{\"timeout\":1}}", "rest.timeout: unknown key"},
	    {"{\"rest\":{\"http500\":1}}", "rest.http500: "},
	    {"{\"rest\":[]}", "rest: "},
	    {"{\"wss\":{}}", "wss: unknown key"},
	    {"{\"ws\":{\"drop_after_frames\":-1}}", "ws.drop_after_frames: "},
	    {"{\"ws\":{\"garbage_every\":\"3\"}}", "ws.garbage_every: "},
	    {"{\"ws\":{\"garbage_every\":1,\"garbage_every\":2}}", "ws.garbage_every: key given twice"},
	    {"{\"ws\":{\"malformed_json_next\":-2}}", "ws.malformed_json_next: "},
	    {"{\"ws\":{\"drop_at\":\"2026-03-02\"}}", "ws.drop_at: "},
	    {"{\"ws\":{\"drop_at\":\"2026-03-02T25:00\"}}", "ws.drop_at: "},
	    {"{\"ws\":{\"drop_at\":\"2026-02-30T10:00\"}}", "ws.drop_at: "},
	    {"{\"ws\":{\"drop_at\":\"10:00\"}}", "ws.drop_at: "},
	    {"{\"ws\":{\"drop_at\":\"2026-03-02T10:00:00junk\"}}", "ws.drop_at: "},
	    {"{\"ws\":{\"drop_at\":1772413200000}}", "ws.drop_at: "},
	    {"{\"ws\":\"on\"}", "ws: "},
	    {"{\"tokens\":{\"expire_now\":1}}", "tokens.expire_now: "},
	    {"{\"tokens\":{\"expire_later\":true}}", "tokens.expire_later: unknown key"},
	    {"[]", "the document must be a JSON object"},
	    {"{\"rest\":", "not valid JSON"},
	    {"{} {}", "not valid JSON"},
	    {"", "not valid JSON"},
	};
	/* Settings to keep: http500 on the next 1000 calls. */
	struct simfault *f = make(7, "{\"rest\":{\"http500\":{\"next\":1000}}}");
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		char err[256] = "";
		int rc = simfault_configure(f, cases[i].json, strlen(cases[i].json), err, sizeof(err));
		if (rc != KE_EINVAL || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("case %zu %s: rc %d, err \"%s\", want \"%s...\"", i, cases[i].json, rc, err,
			         cases[i].err);
		/* The previous settings stay, and so does their remaining count. */
		assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_HTTP500);
	}
	/* 1000 - one call per case are left. */
	cJSON *root;
	const cJSON *o = dump(f, &root);
	assert_true(num(o, "pending", "http500_next", NULL) == 1000 - (double)KE_ARRAY_LEN(cases));
	assert_true(num(o, "settings", "ws", "garbage_every") == 0);
	cJSON_Delete(root);

	/* No error buffer, or a tiny one, is fine. */
	const char *bad = "{\"rest\":{\"delay_ms\":-5}}";
	assert_int_equal(simfault_configure(f, bad, strlen(bad), NULL, 0), KE_EINVAL);
	char tiny[5];
	assert_int_equal(simfault_configure(f, bad, strlen(bad), tiny, sizeof(tiny)), KE_EINVAL);
	assert_string_equal(tiny, "rest");
	/* The length is honoured: only "{}" of "{}xyz" is read. */
	assert_int_equal(simfault_configure(f, "{}xyz", 2, NULL, 0), KE_OK);
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_NONE);
	/* Bounds are inside: probability 0 and 1, drop_at with seconds or null. */
	configure_ok(f, "{\"rest\":{\"http500\":{\"probability\":1},\"egw00201\":{\"probability\":0}},"
	                "\"ws\":{\"drop_at\":null}}");
	configure_ok(f, "{\"ws\":{\"drop_at\":\"2026-03-02T10:00:30\"}}");
	simfault_free(f);
}

static void test_load_errors(void **state)
{
	(void)state;
	struct simfault *f = make(1, NULL);
	char err[512];
	assert_int_equal(simfault_load(f, SIMDATA "faults_bad_probability.json", err, sizeof(err)), KE_EINVAL);
	const char *want = SIMDATA "faults_bad_probability.json: rest.http500.probability: ";
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("err \"%s\"", err);
	assert_int_equal(simfault_load(f, SIMDATA "faults_bad_syntax.json", err, sizeof(err)), KE_EINVAL);
	assert_non_null(strstr(err, "faults_bad_syntax.json: not valid JSON"));
	assert_int_equal(simfault_load(f, SIMDATA "faults_no_such_file.json", err, sizeof(err)), KE_ENOENT);
	assert_non_null(strstr(err, "faults_no_such_file.json: cannot open"));
	assert_int_equal(simfault_load(f, NULL, err, sizeof(err)), KE_EINVAL);
	simfault_free(f);
}

/* ---- REST ---- */

static void test_next_priority(void **state)
{
	(void)state;
	/* Listed in the reverse of priority order on purpose: the document's
	 * order must not matter. */
	struct simfault *f = make(3, "{\"rest\":{\"egw00201\":{\"next\":1},\"http500\":{\"next\":2},"
	                             "\"no_answer\":{\"next\":2}}}");
	static const enum simfault_rest want[] = {SIMFAULT_NO_ANSWER, SIMFAULT_NO_ANSWER, SIMFAULT_HTTP500,
	                                          SIMFAULT_HTTP500,   SIMFAULT_EGW00201,  SIMFAULT_NONE,
	                                          SIMFAULT_NONE};
	for (size_t i = 0; i < KE_ARRAY_LEN(want); i++) {
		int64_t d = -1;
		assert_int_equal(simfault_rest(f, ORDER_CASH, &d), want[i]);
		assert_int_equal(d, 0);
	}
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.no_answer, 2);
	assert_int_equal(c.http500, 2);
	assert_int_equal(c.egw00201, 1);
	assert_int_equal(c.delayed, 0);

	/* "next" goes before any probability, whatever the fault: no_answer
	 * at probability 1 waits until http500's next is used up. */
	configure_ok(f, "{\"rest\":{\"no_answer\":{\"probability\":1},\"http500\":{\"next\":1}}}");
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_HTTP500);
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_NO_ANSWER);
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_NO_ANSWER);
	simfault_free(f);
}

static void test_probability_edges(void **state)
{
	(void)state;
	struct simfault *f = make(11, "{\"rest\":{\"http500\":{\"probability\":1}}}");
	for (int i = 0; i < 100; i++)
		assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_HTTP500);
	configure_ok(f, "{\"rest\":{\"http500\":{\"probability\":0},\"egw00201\":{\"probability\":0},"
	                "\"no_answer\":{\"probability\":0}}}");
	for (int i = 0; i < 100; i++)
		assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_NONE);
	/* Probabilities in priority order too: egw00201 at 1 loses to no_answer at 1. */
	configure_ok(f, "{\"rest\":{\"egw00201\":{\"probability\":1},\"no_answer\":{\"probability\":1}}}");
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_NO_ANSWER);
	/* After the next 2, probability 1 takes over. */
	configure_ok(f, "{\"rest\":{\"egw00201\":{\"next\":2},\"http500\":{\"probability\":1}}}");
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_EGW00201);
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_EGW00201);
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_HTTP500);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.http500, 101); /* 100 + 1 */
	assert_int_equal(c.egw00201, 2);
	assert_int_equal(c.no_answer, 1);
	simfault_free(f);
}

static void decisions(uint64_t seed, enum simfault_rest *out, int n)
{
	struct simfault *f = make(seed, "{\"rest\":{\"http500\":{\"probability\":0.3}}}");
	for (int i = 0; i < n; i++)
		out[i] = simfault_rest(f, PRICE, NULL);
	simfault_free(f);
}

static void test_seed_determinism(void **state)
{
	(void)state;
	enum simfault_rest a[1000], b[1000], c[1000];
	decisions(42, a, 1000);
	decisions(42, b, 1000);
	decisions(43, c, 1000);
	int fired = 0, differ = 0;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(a[i], b[i]);
		assert_true(a[i] == SIMFAULT_NONE || a[i] == SIMFAULT_HTTP500);
		fired += a[i] == SIMFAULT_HTTP500;
		differ += a[i] != c[i];
	}
	/* Binomial(1000, 0.3): mean 300, sd sqrt(1000 * 0.3 * 0.7) = 14.5;
	 * 240..360 is about 4 sd either side. */
	assert_in_range(fired, 240, 360);
	/* Two independent streams agree on a call with probability
	 * 0.3^2 + 0.7^2 = 0.58, so they differ on about 420 of 1000. */
	assert_in_range(differ, 300, 540);

	/* A configure restarts the stream at the seed: after 500 calls, the
	 * same document gives the first 1000 decisions again. */
	struct simfault *f = make(42, "{\"rest\":{\"http500\":{\"probability\":0.3}}}");
	for (int i = 0; i < 500; i++)
		simfault_rest(f, PRICE, NULL);
	configure_ok(f, "{\"rest\":{\"http500\":{\"probability\":0.3}}}");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(simfault_rest(f, PRICE, NULL), a[i]);
	/* Paths outside the fault take no draw: interleaving them changes nothing. */
	configure_ok(f, "{\"rest\":{\"http500\":{\"probability\":0.3}}}");
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(simfault_rest(f, "/oauth2/tokenP", NULL), SIMFAULT_NONE);
		assert_int_equal(simfault_rest(f, PRICE, NULL), a[i]);
	}
	simfault_free(f);
}

static void test_paths(void **state)
{
	(void)state;
	struct simfault *f = make(5, "{\"rest\":{\"http500\":{\"probability\":1,\"paths\":[\"" ORDER_CASH "\","
	                             "\"/uapi/domestic-stock/v1/quotations/\"]}}}");
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_HTTP500);
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_HTTP500);
	assert_int_equal(simfault_rest(f, BALANCE, NULL), SIMFAULT_NONE);
	/* A prefix, not a whole-path match, and not a substring match. */
	assert_int_equal(simfault_rest(f, ORDER_CASH "?x=1", NULL), SIMFAULT_HTTP500);
	assert_int_equal(simfault_rest(f, "/x" ORDER_CASH, NULL), SIMFAULT_NONE);

	/* Default: every /uapi/ path, nothing else. */
	configure_ok(f, "{\"rest\":{\"egw00201\":{\"probability\":1}}}");
	assert_int_equal(simfault_rest(f, "/uapi/hashkey", NULL), SIMFAULT_EGW00201);
	assert_int_equal(simfault_rest(f, BALANCE, NULL), SIMFAULT_EGW00201);
	assert_int_equal(simfault_rest(f, "/oauth2/tokenP", NULL), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, "/oauth2/Approval", NULL), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, "/uapi", NULL), SIMFAULT_NONE);

	/* Token paths only when named; kis-sim's own endpoints never. */
	configure_ok(f, "{\"rest\":{\"delay_ms\":100,\"no_answer\":{\"next\":5,\"paths\":[\"/\"]}}}");
	int64_t d = -1;
	assert_int_equal(simfault_rest(f, "/_sim/faults", &d), SIMFAULT_NONE);
	assert_int_equal(d, 0);
	assert_int_equal(simfault_rest(f, "/_sim/state", &d), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, "/oauth2/tokenP", &d), SIMFAULT_NO_ANSWER);
	assert_int_equal(d, 0); /* delay_ms is for /uapi/ paths */
	/* A "next" count is used only by matching calls: 5 - 1 = 4 left. */
	cJSON *root;
	assert_true(num(dump(f, &root), "pending", "no_answer_next", NULL) == 4);
	cJSON_Delete(root);
	simfault_free(f);
}

static void test_delay(void **state)
{
	(void)state;
	struct simfault *f = make(9, "{\"rest\":{\"delay_ms\":1500,\"http500\":{\"next\":1}}}");
	int64_t d = -1;
	/* The delay is independent of the failure: the 500 is delayed too. */
	assert_int_equal(simfault_rest(f, ORDER_CASH, &d), SIMFAULT_HTTP500);
	assert_int_equal(d, 1500);
	d = -1;
	assert_int_equal(simfault_rest(f, BALANCE, &d), SIMFAULT_NONE);
	assert_int_equal(d, 1500);
	d = -1;
	assert_int_equal(simfault_rest(f, "/oauth2/tokenP", &d), SIMFAULT_NONE);
	assert_int_equal(d, 0);
	/* A NULL delay_ms is allowed. */
	assert_int_equal(simfault_rest(f, BALANCE, NULL), SIMFAULT_NONE);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.delayed, 3); /* order-cash, balance, balance */
	assert_int_equal(c.http500, 1);
	simfault_free(f);
}

/* ---- lost_request ---- */

static void test_lost_request_file(void **state)
{
	(void)state;
	struct simfault *f = make(1, NULL);
	char err[256];
	assert_int_equal(simfault_load(f, SIMDATA "faults_lost_request.json", err, sizeof(err)), KE_OK);
	cJSON *root;
	const cJSON *l = at(dump(f, &root), "settings", "rest", "lost_request");
	assert_true(num(l, "next", NULL, NULL) == 2);
	assert_true(num(l, "probability", NULL, NULL) == 0);
	const cJSON *p = at(l, "paths", NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(p), 2);
	assert_string_equal(cJSON_GetArrayItem(p, 0)->valuestring, ORDER_CASH);
	assert_string_equal(cJSON_GetArrayItem(p, 1)->valuestring, RVSECNCL);
	cJSON_Delete(root);

	/* lost_request's 2 on its two paths; the price path is outside them,
	 * so no_answer's 1 (every /uapi/ path) takes it; once both counts are
	 * used up, http500 at probability 1 on trading paths only. */
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_LOST_REQUEST);
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_NO_ANSWER);
	assert_int_equal(simfault_rest(f, RVSECNCL, NULL), SIMFAULT_LOST_REQUEST);
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_HTTP500);
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_NONE);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.lost_request, 2);
	assert_int_equal(c.no_answer, 1);
	assert_int_equal(c.http500, 1);
	assert_int_equal(c.egw00201, 0);
	const cJSON *pend = at(dump(f, &root), "pending", NULL, NULL);
	assert_true(num(pend, "lost_request_next", NULL, NULL) == 0); /* 2 - 2 */
	assert_true(num(pend, "no_answer_next", NULL, NULL) == 0);    /* 1 - 1 */
	cJSON_Delete(root);
	simfault_free(f);
}

static void test_lost_request_priority(void **state)
{
	(void)state;
	/* "next" counts: lost_request first of all four, whatever the
	 * document's order (here the reverse). */
	struct simfault *f = make(3, "{\"rest\":{\"egw00201\":{\"next\":1},\"http500\":{\"next\":1},"
	                             "\"no_answer\":{\"next\":1},\"lost_request\":{\"next\":1}}}");
	static const enum simfault_rest want[] = {SIMFAULT_LOST_REQUEST, SIMFAULT_NO_ANSWER, SIMFAULT_HTTP500,
	                                          SIMFAULT_EGW00201, SIMFAULT_NONE};
	for (size_t i = 0; i < KE_ARRAY_LEN(want); i++)
		assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), want[i]);

	/* Probability 1 for all four: lost_request every time. */
	configure_ok(f, "{\"rest\":{\"egw00201\":{\"probability\":1},\"http500\":{\"probability\":1},"
	                "\"no_answer\":{\"probability\":1},\"lost_request\":{\"probability\":1}}}");
	for (int i = 0; i < 10; i++)
		assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_LOST_REQUEST);

	/* A "next" of a later fault still goes before lost_request's probability. */
	configure_ok(f, "{\"rest\":{\"lost_request\":{\"probability\":1},\"no_answer\":{\"next\":1}}}");
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_NO_ANSWER);
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_LOST_REQUEST);

	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.lost_request, 12); /* 1 + 10 + 1 */
	assert_int_equal(c.no_answer, 2);     /* 1 + 1 */
	assert_int_equal(c.http500, 1);
	assert_int_equal(c.egw00201, 1);
	assert_int_equal(c.delayed, 0);
	simfault_free(f);
}

static void test_lost_request_probability(void **state)
{
	(void)state;
	/* Both unanswered faults at 0.3 on one path: lost_request draws
	 * first, no_answer only when lost_request did not fire. */
	struct simfault *f = make(42, "{\"rest\":{\"no_answer\":{\"probability\":0.3},"
	                              "\"lost_request\":{\"probability\":0.3}}}");
	int lost = 0, unanswered = 0;
	for (int i = 0; i < 1000; i++) {
		enum simfault_rest r = simfault_rest(f, ORDER_CASH, NULL);
		assert_true(r == SIMFAULT_NONE || r == SIMFAULT_LOST_REQUEST || r == SIMFAULT_NO_ANSWER);
		lost += r == SIMFAULT_LOST_REQUEST;
		unanswered += r == SIMFAULT_NO_ANSWER;
	}
	/* lost: Binomial(1000, 0.3), mean 300, sd 14.5 -> 240..360 (about 4 sd).
	 * no_answer: 0.7 * 0.3 = 0.21 per call, mean 210, sd
	 * sqrt(1000 * 0.21 * 0.79) = 12.9 -> 155..265 (about 4 sd). */
	assert_in_range(lost, 240, 360);
	assert_in_range(unanswered, 155, 265);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.lost_request, (uint64_t)lost);
	assert_int_equal(c.no_answer, (uint64_t)unanswered);
	simfault_free(f);
}

static void test_lost_request_paths(void **state)
{
	(void)state;
	struct simfault *f =
	    make(5, "{\"rest\":{\"lost_request\":{\"probability\":1,\"paths\":[\"" ORDER_CASH "\"]}}}");
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_LOST_REQUEST);
	assert_int_equal(simfault_rest(f, ORDER_CASH "?x=1", NULL), SIMFAULT_LOST_REQUEST);
	assert_int_equal(simfault_rest(f, BALANCE, NULL), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, RVSECNCL, NULL), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, "/oauth2/tokenP", NULL), SIMFAULT_NONE);

	/* Default paths: every /uapi/ path and nothing else. */
	configure_ok(f, "{\"rest\":{\"lost_request\":{\"next\":3}}}");
	assert_int_equal(simfault_rest(f, "/oauth2/tokenP", NULL), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, BALANCE, NULL), SIMFAULT_LOST_REQUEST);

	/* Even on "/", kis-sim's own endpoints are never lost. */
	configure_ok(f, "{\"rest\":{\"lost_request\":{\"next\":3,\"paths\":[\"/\"]}}}");
	assert_int_equal(simfault_rest(f, "/_sim/faults", NULL), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, "/_sim/state", NULL), SIMFAULT_NONE);
	assert_int_equal(simfault_rest(f, "/oauth2/tokenP", NULL), SIMFAULT_LOST_REQUEST);
	cJSON *root;
	/* Only the matching call used the count: 3 - 1 = 2 left. */
	assert_true(num(dump(f, &root), "pending", "lost_request_next", NULL) == 2);
	cJSON_Delete(root);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.lost_request, 4); /* order-cash twice, balance, tokenP */
	simfault_free(f);
}

/* ---- WebSocket and tokens ---- */

static void test_ws_drop_after_frames(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"ws\":{\"drop_after_frames\":3}}");
	/* Frames 1..3 go out (0, 1 and 2 sent before each); the 4th is refused. */
	for (uint64_t n = 0; n < 3; n++) {
		assert_int_equal(simfault_ws_drop(f, 1, n, T_1000), 0);
		assert_int_equal(simfault_ws_drop(f, 2, n, T_1000), 0);
	}
	assert_int_equal(simfault_ws_drop(f, 1, 3, T_1000), 1);
	/* Each session once: asked again while closing, it is not counted again. */
	assert_int_equal(simfault_ws_drop(f, 1, 4, T_1000), 0);
	assert_int_equal(simfault_ws_drop(f, 2, 7, T_1000), 1);
	/* The reconnection counts from 0 under its new id. */
	assert_int_equal(simfault_ws_drop(f, 3, 0, T_1000), 0);
	assert_int_equal(simfault_ws_drop(f, 3, 2, T_1000), 0);
	assert_int_equal(simfault_ws_drop(f, 3, 3, T_1000), 1);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.ws_dropped, 3);
	simfault_free(f);
}

static void test_ws_drop_at(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"ws\":{\"drop_at\":\"2026-03-02T10:00\"}}");
	/* Sessions 1, 2 and 4 are connected before 10:00; 3 came and went. */
	assert_int_equal(simfault_ws_drop(f, 1, 10, T_1000 - 1), 0);
	assert_int_equal(simfault_ws_drop(f, 2, 10, T_1000 - 1000), 0);
	assert_int_equal(simfault_ws_drop(f, 4, 0, T_1000 - 1), 0);
	/* 10:00:00.000 exactly: the first frame at or after drop_at fires it. */
	assert_int_equal(simfault_ws_drop(f, 2, 11, T_1000), 1);
	assert_int_equal(simfault_ws_drop(f, 2, 12, T_1000), 0);
	/* Session 1's next frame, later: connected then, so dropped too. */
	assert_int_equal(simfault_ws_drop(f, 1, 11, T_1000 + 5000), 1);
	assert_int_equal(simfault_ws_drop(f, 4, 1, T_1000 + 6000), 1);
	/* Session 5 connected after: the fault is spent. */
	assert_int_equal(simfault_ws_drop(f, 5, 0, T_1000 + 7000), 0);
	assert_int_equal(simfault_ws_drop(f, 5, 100, T_1000 + 3600000), 0);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.ws_dropped, 3);
	cJSON *root;
	assert_true(cJSON_IsFalse(at(dump(f, &root), "pending", "drop_at", NULL)));
	cJSON_Delete(root);

	/* Re-armed by a configure; seconds and an explicit offset are read:
	 * 01:00:30Z = 10:00:30 KST = T_1000 + 30,000. */
	configure_ok(f, "{\"ws\":{\"drop_at\":\"2026-03-02T01:00:30Z\"}}");
	assert_true(cJSON_IsTrue(at(dump(f, &root), "pending", "drop_at", NULL)));
	cJSON_Delete(root);
	assert_int_equal(simfault_ws_drop(f, 6, 0, T_1000 + 29999), 0);
	assert_int_equal(simfault_ws_drop(f, 6, 1, T_1000 + 30000), 1);
	/* Session 5 was seen before (id 5 < 6): connected then, dropped too. */
	assert_int_equal(simfault_ws_drop(f, 5, 101, T_1000 + 30001), 1);
	assert_int_equal(simfault_ws_drop(f, 7, 0, T_1000 + 30002), 0);
	simfault_free(f);
}

static void test_ws_drop_both(void **state)
{
	(void)state;
	/* Both faults: a session is dropped once, by whichever comes first. */
	struct simfault *f = make(1, "{\"ws\":{\"drop_after_frames\":5,\"drop_at\":\"2026-03-02T10:00:00\"}}");
	assert_int_equal(simfault_ws_drop(f, 1, 4, T_1000 - 10), 0);
	assert_int_equal(simfault_ws_drop(f, 1, 5, T_1000 - 9), 1);
	assert_int_equal(simfault_ws_drop(f, 2, 0, T_1000 - 8), 0);
	assert_int_equal(simfault_ws_drop(f, 1, 6, T_1000), 0);
	assert_int_equal(simfault_ws_drop(f, 2, 1, T_1000), 1);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.ws_dropped, 2);
	simfault_free(f);
}

static void test_ws_garbage(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"ws\":{\"garbage_every\":3}}");
	/* Counting from the first call (0): due at 3, 6 and 9. */
	int fired_at[16], nfired = 0;
	for (uint64_t n = 0; n <= 10; n++)
		if (simfault_ws_garbage(f, n))
			fired_at[nfired++] = (int)n;
	assert_int_equal(nfired, 3);
	assert_int_equal(fired_at[0], 3);
	assert_int_equal(fired_at[1], 6);
	assert_int_equal(fired_at[2], 9);
	/* Asked twice at one count: once. A jump over a multiple (10 -> 14
	 * passes 12) fires once; 15 is the next multiple. */
	assert_int_equal(simfault_ws_garbage(f, 10), 0);
	assert_int_equal(simfault_ws_garbage(f, 14), 1);
	assert_int_equal(simfault_ws_garbage(f, 15), 1);
	assert_int_equal(simfault_ws_garbage(f, 17), 0);
	/* A reconfigure counts from its first call: 100, then due at 104. */
	configure_ok(f, "{\"ws\":{\"garbage_every\":4}}");
	assert_int_equal(simfault_ws_garbage(f, 100), 0);
	assert_int_equal(simfault_ws_garbage(f, 103), 0);
	assert_int_equal(simfault_ws_garbage(f, 104), 1);
	/* A count that went back starts over: 2, then due at 6. */
	assert_int_equal(simfault_ws_garbage(f, 2), 0);
	assert_int_equal(simfault_ws_garbage(f, 5), 0);
	assert_int_equal(simfault_ws_garbage(f, 6), 1);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.ws_garbage, 7); /* 3 + 2 + 1 + 1 */
	simfault_free(f);
}

static void test_ws_bad_json(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"ws\":{\"malformed_json_next\":2}}");
	assert_int_equal(simfault_ws_bad_json(f), 1);
	assert_int_equal(simfault_ws_bad_json(f), 1);
	assert_int_equal(simfault_ws_bad_json(f), 0);
	assert_int_equal(simfault_ws_bad_json(f), 0);
	configure_ok(f, "{\"ws\":{\"malformed_json_next\":1}}");
	assert_int_equal(simfault_ws_bad_json(f), 1);
	assert_int_equal(simfault_ws_bad_json(f), 0);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.ws_bad_json, 3);
	simfault_free(f);
}

static void test_tokens_expire(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"tokens\":{\"expire_now\":true}}");
	assert_int_equal(simfault_tokens_expire(f), 1);
	assert_int_equal(simfault_tokens_expire(f), 0);
	/* Only a configure that says true again arms it again. */
	configure_ok(f, "{\"tokens\":{\"expire_now\":false}}");
	assert_int_equal(simfault_tokens_expire(f), 0);
	configure_ok(f, "{\"tokens\":{\"expire_now\":true}}");
	/* A later configure without it replaces the one not yet taken. */
	configure_ok(f, "{}");
	assert_int_equal(simfault_tokens_expire(f), 0);
	configure_ok(f, "{\"tokens\":{\"expire_now\":true}}");
	assert_int_equal(simfault_tokens_expire(f), 1);
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.tokens_expired, 2);
	simfault_free(f);
}

static void test_reconfigure_replaces(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"rest\":{\"delay_ms\":50,\"http500\":{\"next\":5}},"
	                             "\"ws\":{\"garbage_every\":2,\"drop_after_frames\":1}}");
	assert_int_equal(simfault_rest(f, PRICE, NULL), SIMFAULT_HTTP500);
	configure_ok(f, "{\"rest\":{\"egw00201\":{\"next\":1}}}");
	/* Nothing of the old document survives: not http500's 4 left, not
	 * the delay, not the WebSocket faults. */
	int64_t d = -1;
	assert_int_equal(simfault_rest(f, PRICE, &d), SIMFAULT_EGW00201);
	assert_int_equal(d, 0);
	assert_int_equal(simfault_rest(f, PRICE, &d), SIMFAULT_NONE);
	assert_int_equal(simfault_ws_garbage(f, 0), 0);
	assert_int_equal(simfault_ws_garbage(f, 100), 0);
	assert_int_equal(simfault_ws_drop(f, 1, 100, T_1000), 0);
	/* Counters are kept across configures. */
	struct simfault_counters c;
	simfault_counters(f, &c);
	assert_int_equal(c.http500, 1);
	assert_int_equal(c.egw00201, 1);
	assert_int_equal(c.delayed, 1);
	simfault_free(f);
}

static void test_dump(void **state)
{
	(void)state;
	struct simfault *f = make(1, "{\"rest\":{\"delay_ms\":20,\"no_answer\":{\"next\":3,\"probability\":0.5},"
	                             "\"lost_request\":{\"next\":4,\"probability\":0.25,\"paths\":[\"/uapi/x\"]}},"
	                             "\"ws\":{\"drop_at\":\"2026-03-02T10:00:00.250\",\"malformed_json_next\":2},"
	                             "\"tokens\":{\"expire_now\":true}}");
	assert_int_equal(simfault_rest(f, ORDER_CASH, NULL), SIMFAULT_NO_ANSWER);
	assert_int_equal(simfault_ws_bad_json(f), 1);
	assert_int_equal(simfault_tokens_expire(f), 1);

	cJSON *root;
	const cJSON *o = dump(f, &root);
	const cJSON *s = at(o, "settings", NULL, NULL);
	assert_true(num(s, "rest", "delay_ms", NULL) == 20);
	assert_true(num(s, "rest", "no_answer", "probability") == 0.5);
	assert_true(num(s, "rest", "no_answer", "next") == 3); /* as configured */
	assert_true(num(s, "rest", "http500", "probability") == 0);
	assert_true(num(s, "rest", "http500", "next") == 0);
	assert_true(num(s, "rest", "lost_request", "next") == 4);
	assert_true(num(s, "rest", "lost_request", "probability") == 0.25);
	assert_string_equal(cJSON_GetArrayItem(at(s, "rest", "lost_request", "paths"), 0)->valuestring, "/uapi/x");
	assert_true(num(s, "ws", "drop_after_frames", NULL) == 0);
	assert_string_equal(at(s, "ws", "drop_at", NULL)->valuestring, "2026-03-02T10:00:00.250");
	assert_true(num(s, "ws", "malformed_json_next", NULL) == 2);
	assert_true(cJSON_IsTrue(at(s, "tokens", "expire_now", NULL)));
	const cJSON *c = at(o, "counters", NULL, NULL);
	assert_int_equal(cJSON_GetArraySize(c), 9);
	assert_true(num(c, "delayed", NULL, NULL) == 1);
	assert_true(num(c, "no_answer", NULL, NULL) == 1);
	assert_true(num(c, "http500", NULL, NULL) == 0);
	assert_true(num(c, "egw00201", NULL, NULL) == 0);
	assert_true(num(c, "lost_request", NULL, NULL) == 0); /* order-cash is outside /uapi/x */
	assert_true(num(c, "ws_dropped", NULL, NULL) == 0);
	assert_true(num(c, "ws_garbage", NULL, NULL) == 0);
	assert_true(num(c, "ws_bad_json", NULL, NULL) == 1);
	assert_true(num(c, "tokens_expired", NULL, NULL) == 1);
	const cJSON *p = at(o, "pending", NULL, NULL);
	assert_true(num(p, "no_answer_next", NULL, NULL) == 2); /* 3 - 1 */
	assert_true(num(p, "lost_request_next", NULL, NULL) == 4);
	assert_true(num(p, "malformed_json_next", NULL, NULL) == 1);
	assert_true(cJSON_IsFalse(at(p, "expire_now", NULL, NULL)));
	assert_true(cJSON_IsTrue(at(p, "drop_at", NULL, NULL)));

	/* The settings post back unchanged. */
	char *text = cJSON_PrintUnformatted(s);
	assert_non_null(text);
	struct simfault *g = make(2, text);
	cJSON *root2;
	char *text2 = cJSON_PrintUnformatted(at(dump(g, &root2), "settings", NULL, NULL));
	assert_string_equal(text, text2);
	cJSON_free(text);
	cJSON_free(text2);
	cJSON_Delete(root2);
	simfault_free(g);
	cJSON_Delete(root);

	/* NULLs are ignored. */
	simfault_dump(NULL, NULL);
	simfault_dump(f, NULL);
	simfault_free(f);
}

static void test_null_args(void **state)
{
	(void)state;
	assert_int_equal(simfault_new(1, NULL), KE_EINVAL);
	assert_int_equal(simfault_configure(NULL, "{}", 2, NULL, 0), KE_EINVAL);
	int64_t d = -1;
	assert_int_equal(simfault_rest(NULL, PRICE, &d), SIMFAULT_NONE);
	assert_int_equal(d, 0);
	assert_int_equal(simfault_ws_drop(NULL, 1, 100, 0), 0);
	assert_int_equal(simfault_ws_garbage(NULL, 100), 0);
	assert_int_equal(simfault_ws_bad_json(NULL), 0);
	assert_int_equal(simfault_tokens_expire(NULL), 0);
	struct simfault_counters c;
	memset(&c, 0xff, sizeof(c));
	simfault_counters(NULL, &c);
	assert_int_equal(c.http500, 0);
	assert_int_equal(c.lost_request, 0);
	simfault_free(NULL);

	struct simfault *f = make(1, NULL);
	assert_int_equal(simfault_configure(f, NULL, 0, NULL, 0), KE_EINVAL);
	assert_int_equal(simfault_rest(f, NULL, &d), SIMFAULT_NONE);
	/* A fresh instance has every fault off. */
	assert_int_equal(simfault_rest(f, PRICE, &d), SIMFAULT_NONE);
	assert_int_equal(simfault_ws_drop(f, 1, 1000000, T_1000), 0);
	assert_int_equal(simfault_tokens_expire(f), 0);
	simfault_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_good),
	    cmocka_unit_test(test_off_document),
	    cmocka_unit_test(test_bad_documents),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_next_priority),
	    cmocka_unit_test(test_probability_edges),
	    cmocka_unit_test(test_seed_determinism),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_delay),
	    cmocka_unit_test(test_lost_request_file),
	    cmocka_unit_test(test_lost_request_priority),
	    cmocka_unit_test(test_lost_request_probability),
	    cmocka_unit_test(test_lost_request_paths),
	    cmocka_unit_test(test_ws_drop_after_frames),
	    cmocka_unit_test(test_ws_drop_at),
	    cmocka_unit_test(test_ws_drop_both),
	    cmocka_unit_test(test_ws_garbage),
	    cmocka_unit_test(test_ws_bad_json),
	    cmocka_unit_test(test_tokens_expire),
	    cmocka_unit_test(test_reconfigure_replaces),
	    cmocka_unit_test(test_dump),
	    cmocka_unit_test(test_null_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
