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
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
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
/* extra: more arguments for kis-sim, NULL-terminated (may be NULL). */
static void start_server_with(struct server *s, const char *env, const char *speed, const char *start,
                              const char *const *extra)
{
	/* Below the ephemeral range (32768+), so no outgoing connection holds them. */
	s->rest_port = 20000 + (int)(getpid() % 6000) * 2;
	s->ws_port = s->rest_port + 1;
	char rp[16], wp[16];
	snprintf(rp, sizeof(rp), "%d", s->rest_port);
	snprintf(wp, sizeof(wp), "%d", s->ws_port);
	struct simacct_list l;
	simacct_default(&l);
	s->acct = l.acct[0];
	const char *argv[32] = {"kis-sim",
	                        "--data",
	                        KE_SOURCE_DIR "/backtest-data/sample_ticks.csv",
	                        "--speed",
	                        speed,
	                        "--start",
	                        start,
	                        "--env",
	                        env,
	                        "--rest-port",
	                        rp,
	                        "--ws-port",
	                        wp};
	int argc = 13;
	for (int i = 0; extra && extra[i] && argc < 31; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* no orphan server if the test dies */
		execv(KE_BINARY_DIR "/kis-sim", (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 200 && !(port_open(s->rest_port) && port_open(s->ws_port)); i++)
		sleep_ms(25);
	assert_true(port_open(s->rest_port));
}

static void start_server(struct server *s, const char *env, const char *speed, const char *start)
{
	start_server_with(s, env, speed, start, NULL);
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
static CURLcode request_rc(const struct server *s, const char *path, const char *const *hdrs, const char *body,
                           long timeout_s, struct http *out)
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
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_VERBOSE, getenv("SIMTEST_VERBOSE") ? 1L : 0L);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	CURLcode rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(c);
	return rc;
}

static void request(const struct server *s, const char *path, const char *const *hdrs, const char *body,
                    struct http *out)
{
	assert_int_equal(request_rc(s, path, hdrs, body, 10L, out), CURLE_OK);
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

/* ---- a minimal WebSocket client (RFC 6455), written here on purpose ---- */

static int ws_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char req[512];
	int n = snprintf(req, sizeof(req),
	                 "GET /tryitout HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
	                 port);
	assert_int_equal(write(fd, req, (size_t)n), n);
	/* Read the handshake answer up to the blank line. */
	char resp[2048];
	size_t got = 0;
	while (got < sizeof(resp) - 1 && (got < 4 || memcmp(resp + got - 4, "\r\n\r\n", 4) != 0)) {
		ssize_t r = read(fd, resp + got, 1);
		assert_true(r == 1);
		got++;
	}
	resp[got] = '\0';
	assert_non_null(strstr(resp, " 101 "));
	/* RFC 6455's own example key gives this accept value. */
	assert_non_null(strstr(resp, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
	return fd;
}

static void ws_send_text(int fd, const char *text)
{
	size_t len = strlen(text);
	unsigned char hdr[14];
	size_t h = 0;
	hdr[h++] = 0x81; /* FIN, text */
	if (len < 126) {
		hdr[h++] = (unsigned char)(0x80 | len);
	} else {
		hdr[h++] = 0x80 | 126;
		hdr[h++] = (unsigned char)(len >> 8);
		hdr[h++] = (unsigned char)len;
	}
	static const unsigned char mask[4] = {1, 2, 3, 4}; /* clients must mask */
	memcpy(hdr + h, mask, 4);
	h += 4;
	unsigned char *buf = malloc(h + len);
	memcpy(buf, hdr, h);
	for (size_t i = 0; i < len; i++)
		buf[h + i] = (unsigned char)text[i] ^ mask[i % 4];
	assert_int_equal(write(fd, buf, h + len), (ssize_t)(h + len));
	free(buf);
}

static int read_full(int fd, unsigned char *p, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, p + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* The next text frame (control frames are skipped); NULL on timeout or close. malloc'd. */
static char *ws_recv_text(int fd)
{
	for (;;) {
		unsigned char h[2];
		if (read_full(fd, h, 2) < 0)
			return NULL;
		uint64_t len = h[1] & 0x7f;
		if (len == 126) {
			unsigned char e[2];
			if (read_full(fd, e, 2) < 0)
				return NULL;
			len = (uint64_t)e[0] << 8 | e[1];
		} else if (len == 127) {
			unsigned char e[8];
			if (read_full(fd, e, 8) < 0)
				return NULL;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | e[i];
		}
		char *buf = malloc(len + 1);
		if (read_full(fd, (unsigned char *)buf, len) < 0) {
			free(buf);
			return NULL;
		}
		buf[len] = '\0';
		if ((h[0] & 0x0f) == 0x1)
			return buf;
		free(buf);
		if ((h[0] & 0x0f) == 0x8)
			return NULL; /* close */
	}
}

static void get_approval_key(const struct server *s, char *out, size_t len)
{
	char body[1024];
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"secretkey\":\"%s\"}",
	         s->acct.app_key, s->acct.app_secret);
	struct http h;
	request(s, "/oauth2/Approval", NULL, body, &h);
	assert_int_equal(h.status, 200);
	cJSON *j = cJSON_Parse(h.body);
	assert_non_null(j);
	snprintf(out, len, "%s", json_str(j, "approval_key"));
	assert_int_equal(strlen(out), 36);
	cJSON_Delete(j);
}

static void subscribe(int fd, const char *approval, const char *tr_id, const char *tr_key)
{
	char msg[512];
	snprintf(
	    msg, sizeof(msg),
	    "{\"header\":{\"approval_key\":\"%s\",\"custtype\":\"P\",\"tr_type\":\"1\",\"content-type\":\"utf-8\"},"
	    "\"body\":{\"input\":{\"tr_id\":\"%s\",\"tr_key\":\"%s\"}}}",
	    approval, tr_id, tr_key);
	ws_send_text(fd, msg);
}

static void test_websocket_feed(void **state)
{
	(void)state;
	struct server s;
	/* 60x the wall clock from the first morning: prints of 005930 arrive within seconds. */
	start_server(&s, "mock", "60", "2026-03-02T09:00:00");
	char approval[64];
	get_approval_key(&s, approval, sizeof(approval));
	int fd = ws_connect(s.ws_port);

	subscribe(fd, approval, "H0STCNT0", "005930");
	char *ack = ws_recv_text(fd);
	assert_non_null(ack);
	cJSON *j = cJSON_Parse(ack);
	assert_non_null(j);
	const cJSON *hdr = cJSON_GetObjectItemCaseSensitive(j, "header");
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(j, "body");
	assert_string_equal(json_str(hdr, "tr_id"), "H0STCNT0");
	assert_string_equal(json_str(hdr, "tr_key"), "005930");
	assert_string_equal(json_str(hdr, "encrypt"), "N");
	assert_string_equal(json_str(body, "rt_cd"), "0");
	assert_string_equal(json_str(body, "msg1"), "SUBSCRIBE SUCCESS");
	const cJSON *out = cJSON_GetObjectItemCaseSensitive(body, "output");
	assert_int_equal(strlen(json_str(out, "iv")), 16);
	assert_int_equal(strlen(json_str(out, "key")), 32);
	cJSON_Delete(j);
	free(ack);

	/* A trade frame: "0|H0STCNT0|NNN|" and 46 fields per record (section 5.5). */
	char *f = NULL;
	for (int i = 0; i < 50; i++) {
		f = ws_recv_text(fd);
		assert_non_null(f);
		if (strncmp(f, "0|H0STCNT0|", 11) == 0)
			break;
		free(f); /* PINGPONG or others */
		f = NULL;
	}
	assert_non_null(f);
	int count = atoi(f + 11);
	assert_true(count >= 1);
	int fields = 1;
	for (const char *p = strchr(f + 11, '|') + 1; *p; p++)
		fields += *p == '^';
	assert_int_equal(fields, 46 * count);
	assert_int_equal(strncmp(strchr(f + 11, '|') + 1, "005930^", 7), 0);
	free(f);
	close(fd);
	stop_server(&s);
}

/* Base64 + AES-256-CBC with the ack's key/iv, with OpenSSL directly (not kis-sim's code). */
static int decrypt_notice(const char *b64, const char *key, const char *iv, char *out, size_t outlen)
{
	unsigned char raw[4096];
	size_t n = strlen(b64);
	if (n > 4 * (sizeof(raw) / 3))
		return -1;
	int len = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)n);
	if (len < 0)
		return -1;
	for (size_t i = n; i > 0 && b64[i - 1] == '='; i--)
		len--; /* EVP_DecodeBlock counts the padding as data */
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int a = 0, b = 0;
	int ok =
	    c &&
	    EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, (const unsigned char *)key, (const unsigned char *)iv) &&
	    (size_t)len < outlen && EVP_DecryptUpdate(c, (unsigned char *)out, &a, raw, len) &&
	    EVP_DecryptFinal_ex(c, (unsigned char *)out + a, &b);
	EVP_CIPHER_CTX_free(c);
	if (!ok)
		return -1;
	out[a + b] = '\0';
	return 0;
}

static void test_execution_notice(void **state)
{
	(void)state;
	struct server s;
	start_server(&s, "mock", "1", "2026-03-02T09:00:00");
	issue_token(&s);
	char approval[64];
	get_approval_key(&s, approval, sizeof(approval));
	int fd = ws_connect(s.ws_port);
	subscribe(fd, approval, "H0STCNI9", s.acct.hts_id);
	char *ack = ws_recv_text(fd);
	assert_non_null(ack);
	cJSON *j = cJSON_Parse(ack);
	assert_non_null(j);
	assert_string_equal(json_str(cJSON_GetObjectItemCaseSensitive(j, "header"), "encrypt"), "Y");
	const cJSON *out = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "body"), "output");
	char key[40], iv[24];
	snprintf(key, sizeof(key), "%s", json_str(out, "key"));
	snprintf(iv, sizeof(iv), "%s", json_str(out, "iv"));
	cJSON_Delete(j);
	free(ack);

	/* A limit buy far below the market: the receipt notice, and no fill. */
	sleep_ms(1100);
	char order[512];
	snprintf(order, sizeof(order),
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"00\","
	         "\"ORD_QTY\":\"3\",\"ORD_UNPR\":\"60000\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}",
	         s.acct.cano, s.acct.prdt);
	long st;
	j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-cash", "VTTC0012U", order, &st);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	char odno[16];
	snprintf(odno, sizeof(odno), "%s", json_str(cJSON_GetObjectItemCaseSensitive(j, "output"), "ODNO"));
	cJSON_Delete(j);

	char *f = NULL;
	for (int i = 0; i < 50; i++) {
		f = ws_recv_text(fd);
		assert_non_null(f);
		if (strncmp(f, "1|H0STCNI9|001|", 15) == 0)
			break;
		free(f);
		f = NULL;
	}
	assert_non_null(f);
	char plain[2048];
	assert_int_equal(decrypt_notice(f + 15, key, iv, plain, sizeof(plain)), 0);
	free(f);
	/* Section 5.7: 26 fields; 0 HTS ID, 1 account, 2 order number, 4 buy "02",
	 * 8 symbol, 9/10 order qty/price on an acknowledgement, 13 CNTG_YN "1". */
	char *field[32];
	int n = 0;
	field[n++] = plain; /* split on '^' keeping empty fields */
	for (char *p = plain; *p && n < 32; p++) {
		if (*p == '^') {
			*p = '\0';
			field[n++] = p + 1;
		}
	}
	assert_int_equal(n, 26);
	assert_string_equal(field[0], s.acct.hts_id);
	char acnt[16];
	snprintf(acnt, sizeof(acnt), "%s%s", s.acct.cano, s.acct.prdt);
	assert_string_equal(field[1], acnt);
	assert_string_equal(field[2], odno);
	assert_string_equal(field[4], "02");
	assert_string_equal(field[8], "005930");
	assert_string_equal(field[9], "3");
	assert_string_equal(field[10], "60000");
	assert_string_equal(field[13], "1");
	close(fd);
	stop_server(&s);
}

/* HTTPS with a CA made here: verification on, and refused without the CA. */
static void test_tls(void **state)
{
	(void)state;
	char dir[] = "/tmp/kis-sim-tls-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[2048];
	snprintf(
	    cmd, sizeof(cmd),
	    "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
	    "-subj '/CN=kis-sim test CA' >/dev/null 2>&1 && "
	    "openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj '/CN=127.0.0.1' >/dev/null 2>&1 && "
	    "printf 'subjectAltName=IP:127.0.0.1\\n' > ext.cnf && "
	    "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 1 "
	    "-extfile ext.cnf >/dev/null 2>&1",
	    dir);
	assert_int_equal(system(cmd), 0);
	char cert[512], key[512], ca[512], url[128];
	snprintf(cert, sizeof(cert), "%s/srv.pem", dir);
	snprintf(key, sizeof(key), "%s/srv.key", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	const char *extra[] = {"--tls", cert, key, NULL};
	struct server s;
	start_server_with(&s, "mock", "1", "2026-03-02T09:00:00", extra);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/_sim/state", s.rest_port);

	for (int with_ca = 1; with_ca >= 0; with_ca--) {
		struct http h;
		memset(&h, 0, sizeof(h));
		CURL *c = curl_easy_init();
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &h);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
		if (with_ca)
			curl_easy_setopt(c, CURLOPT_CAINFO, ca);
		CURLcode rc = curl_easy_perform(c);
		if (with_ca) {
			assert_int_equal(rc, CURLE_OK);
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h.status);
			assert_int_equal(h.status, 200);
		} else {
			assert_int_equal(rc, CURLE_PEER_FAILED_VERIFICATION); /* the system CAs do not know it */
		}
		curl_easy_cleanup(c);
	}
	stop_server(&s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Faults switched at run time: an order taken but never answered, an HTTP 500,
 * a bad faults document, and a WebSocket dropped after its first frame. */
static void test_faults(void **state)
{
	(void)state;
	struct server s;
	start_server(&s, "mock", "1", "2026-03-02T09:00");
	issue_token(&s);
	struct http h;
	request(&s, "/_sim/faults", NULL,
	        "{\"rest\":{\"no_answer\":{\"next\":1,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-cash\"]}}}",
	        &h);
	assert_int_equal(h.status, 200);

	sleep_ms(1100);
	char order[512], auth[600], key[128], secret[300];
	snprintf(order, sizeof(order),
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"00\","
	         "\"ORD_QTY\":\"2\",\"ORD_UNPR\":\"60000\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}",
	         s.acct.cano, s.acct.prdt);
	snprintf(auth, sizeof(auth), "authorization: Bearer %s", s.token);
	snprintf(key, sizeof(key), "appkey: %s", s.acct.app_key);
	snprintf(secret, sizeof(secret), "appsecret: %s", s.acct.app_secret);
	const char *hdrs[] = {auth, key, secret, "tr_id: VTTC0012U", "custtype: P", NULL};
	/* The client sees a timeout... */
	assert_int_equal(request_rc(&s, "/uapi/domestic-stock/v1/trading/order-cash", hdrs, order, 2L, &h),
	                 CURLE_OPERATION_TIMEDOUT);
	/* ...but the venue has the order. */
	request(&s, "/_sim/state", NULL, NULL, &h);
	cJSON *j = cJSON_Parse(h.body);
	assert_non_null(j);
	const cJSON *orders = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "venue"), "orders");
	assert_int_equal(cJSON_GetArraySize(orders), 1);
	cJSON_Delete(j);

	request(&s, "/_sim/faults", NULL, "{\"rest\":{\"http500\":{\"next\":1}}}", &h);
	assert_int_equal(h.status, 200);
	long st;
	j = kis_call(&s,
	             "/uapi/domestic-stock/v1/quotations/inquire-price?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930",
	             "FHKST01010100", NULL, &st);
	assert_int_equal(st, 500);
	assert_string_equal(json_str(j, "rt_cd"), "1");
	cJSON_Delete(j);

	request(&s, "/_sim/faults", NULL, "{\"rest\":{\"http500\":{\"probability\":2}}}", &h);
	assert_int_equal(h.status, 400);
	assert_non_null(strstr(h.body, "rest.http500.probability"));

	request(&s, "/_sim/faults", NULL, "{\"ws\":{\"drop_after_frames\":1}}", &h);
	assert_int_equal(h.status, 200);
	char approval[64];
	get_approval_key(&s, approval, sizeof(approval));
	int fd = ws_connect(s.ws_port);
	subscribe(fd, approval, "H0STCNT0", "005930");
	char *ack = ws_recv_text(fd);
	assert_non_null(ack); /* the first frame passes */
	free(ack);
	subscribe(fd, approval, "H0STASP0", "005930");
	assert_null(ws_recv_text(fd)); /* then the connection is dropped */
	close(fd);
	stop_server(&s);
}

/* The number at a path of nested keys in GET /_sim/state (-1 when absent). */
static double state_num(const struct server *s, const char *a, const char *b, const char *c)
{
	struct http h;
	request(s, "/_sim/state", NULL, NULL, &h);
	assert_int_equal(h.status, 200);
	cJSON *j = cJSON_Parse(h.body);
	assert_non_null(j);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, a), b);
	if (c != NULL)
		v = cJSON_GetObjectItemCaseSensitive(v, c);
	double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
	cJSON_Delete(j);
	return d;
}

/* The lost_request fault: an order swallowed, neither placed nor answered.
 * One is sent with curl (which times out), one on a raw socket left open
 * while kis-sim is stopped (which must still stop cleanly). */
static void test_lost_request(void **state)
{
	(void)state;
	struct server s;
	start_server(&s, "mock", "1", "2026-03-02T09:00");
	issue_token(&s);
	struct http h;
	request(&s, "/_sim/faults", NULL,
	        "{\"rest\":{\"lost_request\":{\"next\":2,\"paths\":[\"/uapi/domestic-stock/v1/trading/order-cash\"]}}}",
	        &h);
	assert_int_equal(h.status, 200);
	/* Each GET /_sim/state is a request too, counted before it dumps. */
	double total0 = state_num(&s, "requests", "total", NULL);
	double allowed0 = state_num(&s, "rate", "allowed", NULL);
	assert_true(total0 > 0 && allowed0 >= 0);

	char order[512], auth[600], key[128], secret[300];
	snprintf(order, sizeof(order),
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"01\","
	         "\"ORD_QTY\":\"1\",\"ORD_UNPR\":\"0\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}",
	         s.acct.cano, s.acct.prdt);
	snprintf(auth, sizeof(auth), "authorization: Bearer %s", s.token);
	snprintf(key, sizeof(key), "appkey: %s", s.acct.app_key);
	snprintf(secret, sizeof(secret), "appsecret: %s", s.acct.app_secret);
	const char *hdrs[] = {auth, key, secret, "tr_id: VTTC0012U", "custtype: P", NULL};
	assert_int_equal(request_rc(&s, "/uapi/domestic-stock/v1/trading/order-cash", hdrs, order, 1L, &h),
	                 CURLE_OPERATION_TIMEDOUT);
	assert_int_equal(h.len, 0);

	/* The second on a socket of our own, kept open. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s.rest_port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	char raw[2048];
	int n = snprintf(raw, sizeof(raw),
	                 "POST /uapi/domestic-stock/v1/trading/order-cash HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	                 "Content-Type: application/json; charset=utf-8\r\nContent-Length: %zu\r\n"
	                 "%s\r\n%s\r\n%s\r\ntr_id: VTTC0012U\r\ncusttype: P\r\n\r\n%s",
	                 s.rest_port, strlen(order), auth, key, secret, order);
	assert_true(n > 0 && (size_t)n < sizeof(raw));
	assert_int_equal(write(fd, raw, (size_t)n), n);
	/* Seen by the server when the counter says 2 (1 by curl + 1 here). */
	int polls = 0;
	double lost = 0;
	for (; polls < 100 && (lost = state_num(&s, "faults", "counters", "lost_request")) < 2; polls++)
		sleep_ms(20);
	polls++; /* the last call counted too */
	assert_true(lost == 2);
	/* Nothing came back on the socket. */
	struct timeval tv = {0, 300000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char c;
	assert_int_equal(read(fd, &c, 1), -1);

	/* No order, and no request or rate count but the state calls: the two
	 * before and the polls above, then this one (total0 counted itself). */
	assert_true(state_num(&s, "venue", "counters", "place_requests") == 0);
	assert_true(state_num(&s, "faults", "pending", "lost_request_next") == 0); /* 2 - 2 */
	assert_true(state_num(&s, "requests", "total", NULL) == total0 + 1 + polls + 3);
	assert_true(state_num(&s, "rate", "allowed", NULL) == allowed0);

	/* The fault is spent: the next order is placed and answered. */
	sleep_ms(1100);
	long st;
	cJSON *j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-cash", "VTTC0012U", order, &st);
	assert_int_equal(st, 200);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	cJSON_Delete(j);
	assert_true(state_num(&s, "venue", "counters", "place_requests") == 1);
	/* SIGTERM with the swallowed request still open: a clean stop. */
	stop_server(&s);
	close(fd);
}

/* An order body for the test account. */
static void order_body(const struct server *s, const char *dvsn, const char *qty, const char *price, char *out,
                       size_t len)
{
	snprintf(out, len,
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"PDNO\":\"005930\",\"ORD_DVSN\":\"%s\","
	         "\"ORD_QTY\":\"%s\",\"ORD_UNPR\":\"%s\",\"SLL_TYPE\":\"\",\"CNDT_PRIC\":\"\"}",
	         s->acct.cano, s->acct.prdt, dvsn, qty, price);
}

/* The account and query endpoints over HTTP, with the rate limit off: each
 * answers rt_cd "0" with its documented shape; daily-ccld pages (mock: 15
 * rows) with tr_cont F then D/E; revise gives a new ODNO; cancel ends it. */
static void test_endpoints_over_http(void **state)
{
	(void)state;
	const char *extra[] = {"--rate", "0", NULL};
	struct server s;
	start_server_with(&s, "mock", "1", "2026-03-02T09:00", extra);
	issue_token(&s);
	sleep_ms(1100);
	long st;
	char body[512], path[512];
	/* 16 limit buys far below the market: none fills; the 16th needs a second page. */
	char odno[16] = "";
	for (int i = 0; i < 16; i++) {
		order_body(&s, "00", "1", "60000", body, sizeof(body));
		cJSON *j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-cash", "VTTC0012U", body, &st);
		assert_string_equal(json_str(j, "rt_cd"), "0");
		snprintf(odno, sizeof(odno), "%s", json_str(cJSON_GetObjectItemCaseSensitive(j, "output"), "ODNO"));
		cJSON_Delete(j);
	}
	snprintf(path, sizeof(path),
	         "/uapi/domestic-stock/v1/trading/inquire-daily-ccld?CANO=%s&ACNT_PRDT_CD=%s&INQR_STRT_DT=20260302&"
	         "INQR_END_DT=20260302&SLL_BUY_DVSN_CD=00&INQR_DVSN=00&PDNO=&CCLD_DVSN=00&ORD_GNO_BRNO=&ODNO=&"
	         "INQR_DVSN_3=00&INQR_DVSN_1=&CTX_AREA_FK100=&CTX_AREA_NK100=",
	         s.acct.cano, s.acct.prdt);
	cJSON *j = kis_call(&s, path, "VTTC0081R", NULL, &st);
	assert_int_equal(st, 200);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "output1")), 15);
	assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "output2"))); /* an object here (section 11) */
	assert_true(strlen(json_str(j, "ctx_area_nk100")) > 0);
	cJSON_Delete(j);

	/* Revise the last order's price: a new order number. */
	snprintf(body, sizeof(body),
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"KRX_FWDG_ORD_ORGNO\":\"00950\",\"ORGN_ODNO\":\"%s\","
	         "\"ORD_DVSN\":\"00\",\"RVSE_CNCL_DVSN_CD\":\"01\",\"ORD_QTY\":\"1\",\"ORD_UNPR\":\"61000\","
	         "\"QTY_ALL_ORD_YN\":\"Y\"}",
	         s.acct.cano, s.acct.prdt, odno);
	j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-rvsecncl", "VTTC0013U", body, &st);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	char new_odno[16];
	snprintf(new_odno, sizeof(new_odno), "%s", json_str(cJSON_GetObjectItemCaseSensitive(j, "output"), "odno"));
	assert_string_not_equal(new_odno, odno);
	cJSON_Delete(j);
	/* Cancel it; cancelling again finds nothing left. */
	snprintf(body, sizeof(body),
	         "{\"CANO\":\"%s\",\"ACNT_PRDT_CD\":\"%s\",\"KRX_FWDG_ORD_ORGNO\":\"00950\",\"ORGN_ODNO\":\"%s\","
	         "\"ORD_DVSN\":\"00\",\"RVSE_CNCL_DVSN_CD\":\"02\",\"ORD_QTY\":\"0\",\"ORD_UNPR\":\"0\","
	         "\"QTY_ALL_ORD_YN\":\"Y\"}",
	         s.acct.cano, s.acct.prdt, new_odno);
	j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-rvsecncl", "VTTC0013U", body, &st);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	cJSON_Delete(j);
	j = kis_call(&s, "/uapi/domestic-stock/v1/trading/order-rvsecncl", "VTTC0013U", body, &st);
	assert_string_not_equal(json_str(j, "rt_cd"), "0");
	cJSON_Delete(j);

	snprintf(path, sizeof(path),
	         "/uapi/domestic-stock/v1/trading/inquire-balance?CANO=%s&ACNT_PRDT_CD=%s&AFHR_FLPR_YN=N&OFL_YN=&"
	         "INQR_DVSN=02&UNPR_DVSN=01&FUND_STTL_ICLD_YN=N&FNCG_AMT_AUTO_RDPT_YN=N&PRCS_DVSN=00&"
	         "CTX_AREA_FK100=&CTX_AREA_NK100=",
	         s.acct.cano, s.acct.prdt);
	j = kis_call(&s, path, "VTTC8434R", NULL, &st);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	assert_true(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "output2"))); /* an array here (section 11) */
	cJSON_Delete(j);

	snprintf(path, sizeof(path),
	         "/uapi/domestic-stock/v1/trading/inquire-psbl-order?CANO=%s&ACNT_PRDT_CD=%s&PDNO=005930&"
	         "ORD_UNPR=60000&ORD_DVSN=00&CMA_EVLU_AMT_ICLD_YN=N&OVRS_ICLD_YN=N",
	         s.acct.cano, s.acct.prdt);
	j = kis_call(&s, path, "VTTC8908R", NULL, &st);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	assert_true(strlen(json_str(cJSON_GetObjectItemCaseSensitive(j, "output"), "nrcvb_buy_qty")) > 0);
	cJSON_Delete(j);

	j = kis_call(&s,
	             "/uapi/domestic-stock/v1/quotations/inquire-time-itemchartprice?FID_ETC_CLS_CODE=&"
	             "FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930&FID_INPUT_HOUR_1=&FID_PW_DATA_INCU_YN=N",
	             "FHKST03010200", NULL, &st);
	assert_string_equal(json_str(j, "rt_cd"), "0");
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "output2")) >= 1); /* the 09:01 bar */
	cJSON_Delete(j);

	/* Hashkey of a body, and revoking the token. */
	char hk[128], hs[300];
	snprintf(hk, sizeof(hk), "appkey: %s", s.acct.app_key);
	snprintf(hs, sizeof(hs), "appsecret: %s", s.acct.app_secret);
	const char *hh[] = {hk, hs, NULL};
	struct http h;
	request(&s, "/uapi/hashkey", hh, body, &h);
	assert_int_equal(h.status, 200);
	assert_non_null(strstr(h.body, "\"HASH\""));
	char revoke[1200];
	snprintf(revoke, sizeof(revoke), "{\"appkey\":\"%s\",\"appsecret\":\"%s\",\"token\":\"%s\"}", s.acct.app_key,
	         s.acct.app_secret, s.token);
	request(&s, "/oauth2/revokeP", NULL, revoke, &h);
	assert_int_equal(h.status, 200);
	j = kis_call(&s, path, "VTTC8908R", NULL, &st);
	assert_string_equal(json_str(j, "msg_cd"), "EGW00121"); /* the revoked token is gone */
	cJSON_Delete(j);
	stop_server(&s);
}

/* PINGPONG over the socket: answered by an echo the session lives on; left
 * unanswered it is dropped. Then a garbage data frame from the fault. */
static void test_pingpong_and_garbage(void **state)
{
	(void)state;
	const char *extra[] = {"--ping-ms", "150", NULL};
	struct server s;
	start_server_with(&s, "mock", "1", "2026-03-02T09:00", extra);
	char approval[64];
	get_approval_key(&s, approval, sizeof(approval));
	int fd = ws_connect(s.ws_port);
	subscribe(fd, approval, "H0STCNI9", s.acct.hts_id); /* notices only: no data frames */
	char *f = ws_recv_text(fd);
	assert_non_null(f);
	free(f);
	for (int pings = 0; pings < 4;) { /* 4 pings answered = 600 ms, past the 450 ms timeout */
		f = ws_recv_text(fd);
		assert_non_null(f);
		if (strstr(f, "\"PINGPONG\"")) {
			ws_send_text(fd, f);
			pings++;
		}
		free(f);
	}
	/* Now silent: the server closes within the timeout (the read returns NULL). */
	int64_t t0 = (int64_t)time(NULL);
	while ((f = ws_recv_text(fd)) != NULL)
		free(f);
	assert_true((int64_t)time(NULL) - t0 <= 3);
	close(fd);

	struct http h;
	request(&s, "/_sim/faults", NULL, "{\"ws\":{\"garbage_every\":1}}", &h);
	assert_int_equal(h.status, 200);
	fd = ws_connect(s.ws_port);
	subscribe(fd, approval, "H0STCNT0", "005930");
	int garbage = 0;
	for (int i = 0; i < 200 && !garbage; i++) {
		f = ws_recv_text(fd);
		assert_non_null(f);
		if (strncmp(f, "0|H0STCNT0|", 11) == 0) {
			int fields = 1;
			for (const char *p = strchr(f + 11, '|') + 1; *p; p++)
				fields += *p == '^';
			garbage = fields % 46 != 0; /* a truncated record */
		}
		if (strstr(f, "\"PINGPONG\""))
			ws_send_text(fd, f);
		free(f);
	}
	assert_true(garbage);
	close(fd);
	stop_server(&s);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rest_session),
	    cmocka_unit_test(test_websocket_feed),
	    cmocka_unit_test(test_execution_notice),
	    cmocka_unit_test(test_tls),
	    cmocka_unit_test(test_faults),
	    cmocka_unit_test(test_lost_request),
	    cmocka_unit_test(test_endpoints_over_http),
	    cmocka_unit_test(test_pingpong_and_garbage),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
