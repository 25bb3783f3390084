/*
 * test_simserver.c - kis-sim as a client sees it: the real binary started on
 * loopback ports, plain HTTP requests with libcurl (not the engine's KIS
 * client), and a minimal WebSocket client written here on a raw socket.
 * The server is started and stopped by the test itself.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef KE_BINARY_DIR
#define KE_BINARY_DIR "build"
#endif
#ifndef KE_SOURCE_DIR
#define KE_SOURCE_DIR "."
#endif

#include "simacct.h"

struct server {
	pid_t pid;
	int rest_port, ws_port;
	struct simacct_account acct; /* the built-in test account */
	char token[512];
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int port_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* Ports from the pid, so parallel test runs on one machine do not collide. */
static void start_server(struct server *s, const char *env, const char *speed, const char *start)
{
	s->rest_port = 20000 + (int)(getpid() % 10000) * 2;
	s->ws_port = s->rest_port + 1;
	char rp[16], wp[16];
	snprintf(rp, sizeof(rp), "%d", s->rest_port);
	snprintf(wp, sizeof(wp), "%d", s->ws_port);
	struct simacct_list l;
	simacct_default(&l);
	s->acct = l.acct[0];
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		execl(KE_BINARY_DIR "/kis-sim", "kis-sim", "--data", KE_SOURCE_DIR "/backtest-data/sample_ticks.csv",
		      "--speed", speed, "--start", start, "--env", env, "--rest-port", rp, "--ws-port", wp,
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 200 && !(port_open(s->rest_port) && port_open(s->ws_port)); i++)
		sleep_ms(25);
	assert_true(port_open(s->rest_port));
}

static void stop_server(struct server *s)
{
	int st = 0;
	kill(s->pid, SIGTERM);
	assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0); /* a clean stop on SIGTERM */
}

/* ---- HTTP with libcurl ---- */

struct http {
	long status;
	char body[65536];
	size_t len;
	char headers[8192];
	size_t hlen;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct http *h = ud;
	size_t k = size * n;
	if (h->len + k < sizeof(h->body)) {
		memcpy(h->body + h->len, p, k);
		h->len += k;
		h->body[h->len] = '\0';
	}
	return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct http *h = ud;
	size_t k = size * n;
	if (h->hlen + k < sizeof(h->headers)) {
		memcpy(h->headers + h->hlen, p, k);
		h->hlen += k;
		h->headers[h->hlen] = '\0';
	}
	return k;
}

/* One request; hdrs is a NULL-terminated list of "name: value"; body NULL for GET. */
static void request(const struct server *s, const char *path, const char *const *hdrs, const char *body,
                    struct http *out)
{
	memset(out, 0, sizeof(*out));
	char url[1024];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s->rest_port, path);
	CURL *c = curl_easy_init();
	assert_non_null(c);
	struct curl_slist *list = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
	list = curl_slist_append(list, "Expect:");
	for (int i = 0; hdrs && hdrs[i]; i++)
		list = curl_slist_append(list, hdrs[i]);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_VERBOSE, getenv("SIMTEST_VERBOSE") ? 1L : 0L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

static void issue_token(struct server *s)
{
	char body[1024];
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"appsecret\":\"%s\"}",
	         s->acct.app_key, s->acct.app_secret);
	struct http h;
	request(s, "/oauth2/tokenP", NULL, body, &h);
	assert_int_equal(h.status, 200);
	cJSON *j = cJSON_Parse(h.body);
	assert_non_null(j);
	snprintf(s->token, sizeof(s->token), "%s", json_str(j, "access_token"));
	assert_true(strlen(s->token) > 100);
	assert_string_equal(json_str(j, "token_type"), "Bearer");
	cJSON_Delete(j);
	/* Section 11: clients need "Content-Type" capitalised and lowercase KIS headers. */
	assert_non_null(strstr(h.headers, "Content-Type: application/json"));
}

/* GET or POST to a domestic-stock API with the full set of KIS headers. */
static cJSON *kis_call(const struct server *s, const char *path, const char *tr_id, const char *body, long *status)
{
	char auth[600], key[128], secret[300], tr[64];
	snprintf(auth, sizeof(auth), "authorization: Bearer %s", s->token);
	snprintf(key, sizeof(key), "appkey: %s", s->acct.app_key);
	snprintf(secret, sizeof(secret), "appsecret: %s", s->acct.app_secret);
	snprintf(tr, sizeof(tr), "tr_id: %s", tr_id);
	const char *hdrs[] = {auth, key, secret, tr, "custtype: P", "tr_cont:", NULL};
	struct http h;
	request(s, path, hdrs, body, &h);
	*status = h.status;
	cJSON *j = cJSON_Parse(h.body);
	assert_non_null(j);
	return j;
}

/* ---- tests ---- */

static void test_rest_session(void **state)
{
	(void)state;
	struct server s;
	/* Wall-clock speed from the first morning: the market is open while the test runs. */
	start_server(&s, "mock", "1", "2026-03-02T09:00:00");
	issue_token(&s);

	/* Asking again within a minute: EGW00133 in the oauth error shape, HTTP 403. */
	char body[1024];
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"appsecret\":\"%s\"}",
	         s.acct.app_key, s.acct.app_secret);
	struct http h;
	request(&s, "/oauth2/tokenP", NULL, body, &h);
	assert_int_equal(h.status, 403);
	assert_non_null(strstr(h.body, "EGW00133"));

	/* A wrong secret is refused before anything else. */
	request(&s, "/oauth2/tokenP", NULL,
	        "{\"grant_type\":\"client_credentials\",\"appkey\":\"PSkisSimDefaultTestAppKey00000000001\","
	        "\"appsecret\":\"wrong\"}",
	        &h);
	assert_int_equal(h.status, 403);
	assert_non_null(strstr(h.body, "EGW00105"));

	/* The opening prints at 09:00:00 have been replayed: a market buy of one share is taken. */
	sleep_ms(1100);
	long st;
	char order[512];
	snprintf(order, sizeof(order),
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"01\","
	         "\"ORD_QTY\":\"1\",\"ORD_UNPR\":\"0\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}",
	         s.acct.cano, s.acct.prdt);
	cJSON *j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-cash", "VTTC0012U", order, &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	const cJSON *out = cJSON_GetObjectItemCaseSensitive(j, "output");
	assert_int_equal(strlen(json_str(out, "ODNO")), 10); /* zero-padded, as KIS sends it */
	assert_string_equal(json_str(out, "KRX_FWDG_ORD_ORGNO"), "00950");
	cJSON_Delete(j);

	/* The mock rate limit is 1 request a second: an immediate second call is EGW00201 as HTTP 500. */
	j = kis_call(&s,
	             "/uapi/domestic-stock/v1/quotations/inquire-price?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930",
	             "FHKST01010100", NULL, &st);
	assert_int_equal(st, 500);
	assert_string_equal(json_str(j, "msg_cd"), "EGW00201");
	cJSON_Delete(j);

	/* A real tr_id on the mock server fails as KIS fails. */
	sleep_ms(1100);
	j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-cash", "TTTC0012U", order, &st);
	assert_int_equal(st, 500);
	assert_non_null(strstr(json_str(j, "msg1"), "모의투자 TR 이 아닙니다"));
	cJSON_Delete(j);

	/* The inspection endpoint sees what the venue received. */
	request(&s, "/_sim/state", NULL, NULL, &h);
	assert_int_equal(h.status, 200);
	j = cJSON_Parse(h.body);
	assert_non_null(j);
	/* Exactly one order reached the venue: the refused real-tr_id call did not. */
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "venue"), "orders");
	assert_int_equal(cJSON_GetArraySize(orders), 1);
	cJSON_Delete(j);
	stop_server(&s);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rest_session),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
