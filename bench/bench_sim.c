/*
 * bench_sim.c - how fast kis-sim answers: REST requests per second on one
 * keep-alive connection (run kis-sim with --rate 0), and WebSocket frames
 * per second pushed to one client subscribed to every symbol (run it with
 * --speed max). bench/sim.sh starts kis-sim and runs this.
 *
 *   bench_sim rest PORT N        N inquire-price calls, prints requests/s
 *   bench_sim ws WS_PORT REST_PORT SECONDS SYM...   counts frames and records
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "simacct.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct buf {
	char d[65536];
	size_t n;
};

static size_t sink(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	size_t k = size * n;
	if (b->n + k < sizeof(b->d)) {
		memcpy(b->d + b->n, p, k);
		b->n += k;
		b->d[b->n] = '\0';
	}
	return k;
}

static int post(CURL *c, const char *url, const char *body, struct buf *out)
{
	out->n = 0;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	return curl_easy_perform(c) == CURLE_OK ? 0 : -1;
}

static const char *field(const char *json, const char *key, char *out, size_t len)
{
	cJSON *j = cJSON_Parse(json);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	snprintf(out, len, "%s", cJSON_IsString(v) ? v->valuestring : "");
	cJSON_Delete(j);
	return out;
}

static int bench_rest(int port, long n)
{
	struct simacct_list l;
	simacct_default(&l);
	const struct simacct_account *a = &l.acct[0];
	CURL *c = curl_easy_init();
	char url[256], body[1024], token[512];
	struct buf b;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/oauth2/tokenP", port);
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"appsecret\":\"%s\"}",
	         a->app_key, a->app_secret);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (post(c, url, body, &b) < 0 || !*field(b.d, "access_token", token, sizeof(token)))
		return fprintf(stderr, "bench_sim: no token: %s\n", b.d), 1;
	char auth[600], key[128], secret[300];
	snprintf(auth, sizeof(auth), "authorization: Bearer %s", token);
	snprintf(key, sizeof(key), "appkey: %s", a->app_key);
	snprintf(secret, sizeof(secret), "appsecret: %s", a->app_secret);
	struct curl_slist *hh = NULL;
	hh = curl_slist_append(hh, auth);
	hh = curl_slist_append(hh, key);
	hh = curl_slist_append(hh, secret);
	hh = curl_slist_append(hh, "tr_id: FHKST01010100");
	hh = curl_slist_append(hh, "custtype: P");
	snprintf(url, sizeof(url),
	         "http://127.0.0.1:%d/uapi/domestic-stock/v1/quotations/inquire-price?FID_COND_MRKT_DIV_CODE=J&"
	         "FID_INPUT_ISCD=005930",
	         port);
	/* PARALLEL keep-alive connections, each sending its next request as soon
	 * as the last is answered: the server's rate, not one round trip's. */
	enum { PARALLEL = 8 };
	CURLM *m = curl_multi_init();
	CURL *e[PARALLEL];
	static struct buf bodies[PARALLEL];
	for (int i = 0; i < PARALLEL; i++) {
		e[i] = curl_easy_init();
		curl_easy_setopt(e[i], CURLOPT_HTTPHEADER, hh);
		curl_easy_setopt(e[i], CURLOPT_URL, url);
		curl_easy_setopt(e[i], CURLOPT_WRITEFUNCTION, sink);
		curl_easy_setopt(e[i], CURLOPT_WRITEDATA, &bodies[i]);
		curl_easy_setopt(e[i], CURLOPT_PRIVATE, &bodies[i]);
	}
	long sent = 0, done = 0, ok = 0;
	double t0 = now_s();
	for (int i = 0; i < PARALLEL && sent < n; i++, sent++)
		curl_multi_add_handle(m, e[i]);
	while (done < n) {
		int running, q;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		while ((msg = curl_multi_info_read(m, &q)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			CURL *x = msg->easy_handle;
			long st = 0;
			curl_easy_getinfo(x, CURLINFO_RESPONSE_CODE, &st);
			ok += msg->data.result == CURLE_OK && st == 200;
			done++;
			curl_multi_remove_handle(m, x);
			struct buf *bb;
			curl_easy_getinfo(x, CURLINFO_PRIVATE, (char **)&bb);
			bb->n = 0;
			if (sent < n) {
				sent++;
				curl_multi_add_handle(m, x);
			}
		}
		if (done < n)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	double dt = now_s() - t0;
	printf("REST: %ld requests (%ld answered 200) in %.3f s: %.0f requests/s over %d keep-alive connections\n", n,
	       ok, dt, (double)n / dt, PARALLEL);
	for (int i = 0; i < PARALLEL; i++)
		curl_easy_cleanup(e[i]);
	curl_multi_cleanup(m);
	curl_slist_free_all(h);
	curl_slist_free_all(hh);
	curl_easy_cleanup(c);
	return ok == n ? 0 : 1;
}

/* ---- WebSocket ---- */

static int ws_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	char req[512];
	int n = snprintf(req, sizeof(req),
	                 "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
	if (write(fd, req, (size_t)n) != n)
		return -1;
	char c, last4[4] = {0};
	while (read(fd, &c, 1) == 1) {
		memmove(last4, last4 + 1, 3);
		last4[3] = c;
		if (memcmp(last4, "\r\n\r\n", 4) == 0)
			return fd;
	}
	return -1;
}

static void ws_text(int fd, const char *t)
{
	size_t len = strlen(t);
	unsigned char h[8] = {0x81, (unsigned char)(0x80 | (len < 126 ? len : 126))};
	size_t hl = 2;
	if (len >= 126) {
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		hl = 4;
	}
	unsigned char frame[1024];
	memcpy(frame, h, hl);
	memset(frame + hl, 0, 4); /* a zero mask leaves the text as is */
	memcpy(frame + hl + 4, t, len);
	if (write(fd, frame, hl + 4 + len) < 0)
		perror("write");
}

/* Reads frames for `seconds`; counts data frames and their records. */
static int bench_ws(int ws_port, int rest_port, double seconds, char **syms, int nsyms)
{
	struct simacct_list l;
	simacct_default(&l);
	const struct simacct_account *a = &l.acct[0];
	CURL *c = curl_easy_init();
	char url[256], body[1024], approval[64];
	struct buf b;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/oauth2/Approval", rest_port);
	snprintf(body, sizeof(body), "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"secretkey\":\"%s\"}",
	         a->app_key, a->app_secret);
	if (post(c, url, body, &b) < 0 || !*field(b.d, "approval_key", approval, sizeof(approval)))
		return fprintf(stderr, "bench_sim: no approval key\n"), 1;
	curl_easy_cleanup(c);
	int fd = ws_open(ws_port);
	if (fd < 0)
		return fprintf(stderr, "bench_sim: cannot open the WebSocket\n"), 1;
	for (int i = 0; i < nsyms; i++) {
		char msg[512];
		snprintf(msg, sizeof(msg),
		         "{\"header\":{\"approval_key\":\"%s\",\"custtype\":\"P\",\"tr_type\":\"1\",\"content-type\":"
		         "\"utf-8\"},"
		         "\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"%s\"}}}",
		         approval, syms[i]);
		ws_text(fd, msg);
	}
	static unsigned char rb[1 << 20];
	size_t have = 0;
	long frames = 0, records = 0;
	double t0 = now_s(), first = 0;
	struct timeval tv = {1, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (now_s() - t0 < seconds) {
		ssize_t r = read(fd, rb + have, sizeof(rb) - have);
		if (r <= 0)
			break;
		have += (size_t)r;
		size_t off = 0;
		for (;;) {
			if (have - off < 2)
				break;
			size_t len = rb[off + 1] & 0x7f, hl = 2;
			if (len == 126) {
				if (have - off < 4)
					break;
				len = (size_t)rb[off + 2] << 8 | rb[off + 3];
				hl = 4;
			} else if (len == 127) {
				if (have - off < 10)
					break;
				len = 0;
				for (int i = 0; i < 8; i++)
					len = len << 8 | rb[off + 2 + i];
				hl = 10;
			}
			if (have - off < hl + len)
				break;
			const unsigned char *p = rb + off + hl;
			if (len > 11 && memcmp(p, "0|H0STCNT0|", 11) == 0) {
				if (!frames)
					first = now_s();
				frames++;
				records += atoi((const char *)p + 11);
			}
			off += hl + len;
		}
		memmove(rb, rb + off, have - off);
		have -= off;
	}
	double dt = now_s() - (first ? first : t0);
	printf("WebSocket: %ld H0STCNT0 frames (%ld records) in %.3f s: %.0f frames/s, %.0f records/s\n", frames,
	       records, dt, (double)frames / dt, (double)records / dt);
	close(fd);
	return frames > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = 2;
	if (argc == 4 && strcmp(argv[1], "rest") == 0)
		rc = bench_rest(atoi(argv[2]), atol(argv[3]));
	else if (argc >= 6 && strcmp(argv[1], "ws") == 0)
		rc = bench_ws(atoi(argv[2]), atoi(argv[3]), atof(argv[4]), argv + 5, argc - 5);
	else
		fprintf(stderr, "usage: bench_sim rest PORT N | bench_sim ws WS_PORT REST_PORT SECONDS SYM...\n");
	curl_global_cleanup();
	return rc;
}
