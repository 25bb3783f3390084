/*
 * test_kis_http.c - the asynchronous HTTP client on a real libuv loop,
 * against the kis-sim binary (plain and TLS, with a CA made here) and
 * against a tiny HTTP server written here on a raw socket, which gives
 * exact answers (tr_cont, oversized bodies, no answer at all) and counts the
 * connections it accepted. Both servers run in child processes started and
 * stopped by the test.
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
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "ke_common.h"
#include "kis_http.h"
#include "simacct.h"

#ifndef KE_BINARY_DIR
#define KE_BINARY_DIR "/tmp/simbin"
#endif
#ifndef KE_SOURCE_DIR
#define KE_SOURCE_DIR "."
#endif

/* ---- child processes ---- */

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

/* A child must not keep the parent's sockets (curl's connections) open,
 * and must not outlive the test when an assertion cuts a test short. */
static void close_inherited(int keep)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

static void stop_child(pid_t pid)
{
	int st = 0;
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
}

struct sim {
	pid_t pid;
	int port;
};

/* kis-sim on ports from the pid (an offset of its own, away from
 * test_simserver's 20000 + ...), with more arguments in extra. */
static void sim_start(struct sim *s, const char *const *extra)
{
	s->port = 26000 + (int)(getpid() % 2000) * 2;
	char rp[16], wp[16];
	snprintf(rp, sizeof(rp), "%d", s->port);
	snprintf(wp, sizeof(wp), "%d", s->port + 1);
	/* clang-format off */
	const char *argv[24] = {"kis-sim", "--data", KE_SOURCE_DIR "/backtest-data/sample_ticks.csv",
	                        "--speed", "1", "--start", "2026-03-02T09:00:00", "--env", "mock",
	                        "--rest-port", rp, "--ws-port", wp};
	/* clang-format on */
	int argc = 13;
	for (int i = 0; extra && extra[i] && argc < 23; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		close_inherited(-1);
		execv(KE_BINARY_DIR "/kis-sim", (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 200 && !(port_open(s->port) && port_open(s->port + 1)); i++)
		sleep_ms(25);
	assert_true(port_open(s->port));
}

static void sim_stop(struct sim *s)
{
	int st = 0;
	kill(s->pid, SIGTERM);
	assert_int_equal(waitpid(s->pid, &st, 0), s->pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- the tiny server ---- */

#define TINY_CONNS 16
#define TINY_BUF   65536

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* total bytes of 'x', as one plain body or as 64 KiB chunks. */
static int write_x(int fd, size_t total, int chunked)
{
	static char xs[65536];
	memset(xs, 'x', sizeof(xs));
	while (total > 0) {
		size_t k = total < sizeof(xs) ? total : sizeof(xs);
		char head[32];
		int hn = snprintf(head, sizeof(head), "%zx\r\n", k);
		if ((chunked && write_all(fd, head, (size_t)hn) != 0) || write_all(fd, xs, k) != 0 ||
		    (chunked && write_all(fd, "\r\n", 2) != 0))
			return -1;
		total -= k;
	}
	return chunked ? write_all(fd, "0\r\n\r\n", 5) : 0;
}

/* Content-Length of a request head (0 when absent). */
static size_t content_length(const char *head, size_t hlen)
{
	for (size_t i = 0; i + 16 < hlen; i++)
		if ((i == 0 || head[i - 1] == '\n') && strncasecmp(head + i, "Content-Length:", 15) == 0)
			return (size_t)strtoul(head + i + 15, NULL, 10);
	return 0;
}

/* Answer one request; -1: close the connection. */
static int tiny_answer(int fd, const char *rq, size_t hlen, size_t total, unsigned accepted)
{
	char path[256] = "";
	const char *sp = memchr(rq, ' ', hlen);
	if (sp != NULL) {
		size_t n = strcspn(sp + 1, " ?");
		snprintf(path, sizeof(path), "%.*s", (int)(n < 255 ? n : 255), sp + 1);
	}
	static const struct {
		const char *path, *answer;
	} fixed[] = {
	    {"/trcont", "HTTP/1.1 200 OK\r\ntr_cont: M\r\nContent-Length: 2\r\n\r\n{}"},
	    {"/trcont-trim", "HTTP/1.1 200 OK\r\nTR_CONT: \t F \r\nContent-Length: 2\r\n\r\n{}"},
	    {"/trcont-long", "HTTP/1.1 200 OK\r\ntr_cont: ABCDE\r\nContent-Length: 2\r\n\r\n{}"},
	    {"/plain", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"},
	    {"/status503", "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(fixed); i++)
		if (strcmp(path, fixed[i].path) == 0)
			return write_all(fd, fixed[i].answer, strlen(fixed[i].answer));
	char out[512];
	if (strcmp(path, "/hang") == 0)
		return 0;
	if (strcmp(path, "/count") == 0) {
		char body[32];
		int bn = snprintf(body, sizeof(body), "%u", accepted);
		int n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", bn, body);
		return write_all(fd, out, (size_t)n);
	}
	if (strcmp(path, "/echo") == 0) {
		int n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", total);
		return write_all(fd, out, (size_t)n) != 0 ? -1 : write_all(fd, rq, total);
	}
	if (strcmp(path, "/big") == 0) {
		int n = snprintf(out, sizeof(out), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
		                 (size_t)KIS_HTTP_BODY_MAX + 1);
		write_all(fd, out, (size_t)n);
		write_x(fd, (size_t)KIS_HTTP_BODY_MAX + 1, 0);
		return -1;
	}
	if (strcmp(path, "/bigchunked") == 0 || strcmp(path, "/exact") == 0) {
		int big = path[1] == 'b';
		static const char h[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
		if (write_all(fd, h, sizeof(h) - 1) != 0 || write_x(fd, KIS_HTTP_BODY_MAX + (big ? 1u : 0u), 1) != 0)
			return -1;
		return big ? -1 : 0;
	}
	static const char nf[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
	return write_all(fd, nf, sizeof(nf) - 1);
}

static void tiny_serve(int lfd)
{
	struct {
		int fd;
		size_t len;
		char *buf;
	} c[TINY_CONNS];
	unsigned accepted = 0;
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < TINY_CONNS; i++) {
		c[i].fd = -1;
		c[i].buf = malloc(TINY_BUF);
		if (c[i].buf == NULL)
			_exit(2);
	}
	for (;;) {
		struct pollfd p[TINY_CONNS + 1];
		p[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
		for (int i = 0; i < TINY_CONNS; i++)
			p[i + 1] = (struct pollfd){.fd = c[i].fd, .events = POLLIN};
		if (poll(p, TINY_CONNS + 1, -1) < 0)
			continue;
		if (p[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);
			int slot = -1;
			for (int i = 0; i < TINY_CONNS && fd >= 0 && slot < 0; i++)
				if (c[i].fd < 0)
					slot = i;
			if (slot >= 0) {
				accepted++;
				c[slot].fd = fd;
				c[slot].len = 0;
			} else if (fd >= 0) {
				close(fd);
			}
		}
		for (int i = 0; i < TINY_CONNS; i++) {
			if (c[i].fd < 0 || !(p[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(c[i].fd, c[i].buf + c[i].len, TINY_BUF - 1 - c[i].len);
			int drop = n <= 0;
			if (!drop)
				c[i].len += (size_t)n;
			while (!drop) {
				c[i].buf[c[i].len] = '\0';
				char *end = strstr(c[i].buf, "\r\n\r\n");
				if (end == NULL)
					break;
				size_t hlen = (size_t)(end - c[i].buf) + 4;
				size_t total = hlen + content_length(c[i].buf, hlen);
				if (total > c[i].len)
					break;
				drop = tiny_answer(c[i].fd, c[i].buf, hlen, total, accepted) != 0;
				memmove(c[i].buf, c[i].buf + total, c[i].len - total);
				c[i].len -= total;
			}
			if (drop || c[i].len >= TINY_BUF - 1) {
				close(c[i].fd);
				c[i].fd = -1;
			}
		}
	}
}

struct tiny {
	pid_t pid;
	int port;
};

/* A listening socket on an ephemeral port: no collisions with anyone. */
static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 64), 0);
	socklen_t al = sizeof(a);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void tiny_start(struct tiny *t)
{
	int lfd = listen_any(&t->port);
	t->pid = fork();
	assert_true(t->pid >= 0);
	if (t->pid == 0) {
		close_inherited(lfd);
		tiny_serve(lfd);
		_exit(0);
	}
	close(lfd);
}

/* A port nobody listens on: bound, read, closed. */
static int refused_port(void)
{
	int port;
	close(listen_any(&port));
	return port;
}

/* ---- the client side ---- */

struct got {
	int calls;
	int in_send;     /* the test is inside kis_http_send */
	int bad_reentry; /* a callback ran inside kis_http_send */
	enum kis_http_status status;
	long code;
	char *body;
	size_t body_len;
	char tr_cont[4];
	char error[256];
	int64_t sent_ns;
	int64_t done_ns;
};

static void on_done(void *ud, const struct kis_http_response *r)
{
	struct got *g = ud;
	if (g->in_send)
		g->bad_reentry = 1;
	g->calls++;
	g->status = r->status;
	g->code = r->http_code;
	free(g->body);
	g->body = malloc(r->body_len + 1);
	assert_non_null(g->body);
	assert_non_null(r->body);
	assert_int_equal(r->body[r->body_len], '\0');
	memcpy(g->body, r->body, r->body_len + 1);
	g->body_len = r->body_len;
	memcpy(g->tr_cont, r->tr_cont, sizeof(g->tr_cont));
	memcpy(g->error, r->error, sizeof(g->error));
	g->sent_ns = r->sent_ns;
	g->done_ns = kis_http_now_ns();
}

static void got_free(struct got *g)
{
	free(g->body);
	memset(g, 0, sizeof(*g));
}

static void loop_open(uv_loop_t *loop, struct kis_http **h, const struct kis_http_config *cfg)
{
	assert_int_equal(uv_loop_init(loop), 0);
	assert_int_equal(kis_http_new(loop, cfg, h), KE_OK);
	assert_non_null(*h);
}

/* Close and run the loop dry: every handle closed (uv_loop_close would
 * say UV_EBUSY otherwise), memory released (ASan would report it). */
static void loop_close(uv_loop_t *loop, struct kis_http *h)
{
	kis_http_close(h);
	assert_int_equal(uv_run(loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(loop), 0);
}

struct waiter {
	const int *count;
	int target;
	int expired;
	uint64_t deadline;
};

/* uv_run(UV_RUN_ONCE) may block in its poll after a timer already did the
 * work, so the loop runs until this 5 ms tick sees the count or the deadline. */
static void on_tick(uv_timer_t *t)
{
	struct waiter *w = t->data;
	if (*w->count < w->target && uv_now(t->loop) < w->deadline)
		return;
	w->expired = *w->count < w->target;
	uv_stop(t->loop);
}

/* Run the loop until *count reaches target, at most max_ms. */
static void run_until(uv_loop_t *loop, const int *count, int target, uint64_t max_ms)
{
	uv_timer_t tick;
	uv_update_time(loop);
	struct waiter w = {.count = count, .target = target, .deadline = uv_now(loop) + max_ms};
	uv_timer_init(loop, &tick);
	tick.data = &w;
	uv_timer_start(&tick, on_tick, 5, 5);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_close((uv_handle_t *)&tick, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	assert_false(w.expired);
}

static uint64_t send_rq(struct kis_http *h, const struct kis_http_request *rq, struct got *g)
{
	uint64_t id = 0;
	g->in_send = 1;
	int rc = kis_http_send(h, rq, on_done, g, &id);
	g->in_send = 0;
	assert_int_equal(rc, KE_OK);
	assert_true(id > 0);
	return id;
}

static uint64_t send_get(struct kis_http *h, const char *url, long timeout_ms, struct got *g)
{
	struct kis_http_request rq = {.method = KIS_HTTP_GET, .url = url, .timeout_ms = timeout_ms};
	return send_rq(h, &rq, g);
}

/* One GET, run to its end. */
static void get(uv_loop_t *loop, struct kis_http *h, const char *url, struct got *g)
{
	int before = g->calls;
	send_get(h, url, 10000, g);
	run_until(loop, &g->calls, before + 1, 15000);
	assert_int_equal(g->calls, before + 1);
	assert_false(g->bad_reentry);
}

/* ---- tests ---- */

static void test_bad_arguments(void **state)
{
	(void)state;
	uv_loop_t loop;
	struct kis_http *h = (struct kis_http *)&loop; /* must come back NULL */
	struct kis_http_config bad = {.max_host_connections = -1};
	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(kis_http_new(NULL, NULL, &h), KE_EINVAL);
	assert_null(h);
	assert_int_equal(kis_http_new(&loop, NULL, NULL), KE_EINVAL);
	assert_int_equal(kis_http_new(&loop, &bad, &h), KE_EINVAL);
	assert_int_equal(uv_loop_close(&loop), 0);

	loop_open(&loop, &h, NULL);
	struct got g = {0};
	const char *crlf[] = {"appkey: x\r\nEvil: 1"};
	const char *nullhdr[] = {NULL};
	struct kis_http_request rqs[] = {
	    {.method = KIS_HTTP_GET, .url = NULL, .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET, .url = "", .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET, .url = "http://127.0.0.1:1/", .timeout_ms = 0},
	    {.method = (enum kis_http_method)7, .url = "http://127.0.0.1:1/", .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET, .url = "ftp://127.0.0.1/x", .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET, .url = "no scheme at all", .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET, .url = "/relative", .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET, .url = "http://127.0.0.1:1/", .headers = crlf, .nheaders = 1, .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET,
	     .url = "http://127.0.0.1:1/",
	     .headers = nullhdr,
	     .nheaders = 1,
	     .timeout_ms = 1000},
	    {.method = KIS_HTTP_GET, .url = "http://127.0.0.1:1/", .headers = NULL, .nheaders = 2, .timeout_ms = 1000},
	    {.method = KIS_HTTP_POST, .url = "http://127.0.0.1:1/", .body = NULL, .body_len = 3, .timeout_ms = 1000},
	};
	for (size_t i = 0; i < KE_ARRAY_LEN(rqs); i++) {
		uint64_t id = 77;
		assert_int_equal(kis_http_send(h, &rqs[i], on_done, &g, &id), KE_EINVAL);
		assert_int_equal(id, 0);
	}
	struct kis_http_request ok = {.method = KIS_HTTP_GET, .url = "http://127.0.0.1:1/", .timeout_ms = 1000};
	assert_int_equal(kis_http_send(NULL, &ok, on_done, &g, NULL), KE_EINVAL);
	assert_int_equal(kis_http_send(h, NULL, on_done, &g, NULL), KE_EINVAL);
	assert_int_equal(kis_http_send(h, &ok, NULL, &g, NULL), KE_EINVAL);
	assert_int_equal(kis_http_pending(h), 0);
	assert_int_equal(kis_http_abort(h, 12345), KE_ENOENT);
	assert_int_equal(kis_http_abort(NULL, 1), KE_ENOENT);
	assert_int_equal(kis_http_pending(NULL), 0);
	kis_http_close(NULL);
	assert_int_equal(g.calls, 0);

	int64_t a = kis_http_now_ns(), b = kis_http_now_ns();
	assert_true(a > 0 && b >= a);
	loop_close(&loop, h);
}

/* kis-sim: state, token, a burst, and a request it never answers. */
static void test_sim(void **state)
{
	(void)state;
	char dir[] = "/tmp/kis-http-test-XXXXXX", faults[64];
	assert_non_null(mkdtemp(dir));
	snprintf(faults, sizeof(faults), "%s/faults.json", dir);
	FILE *fp = fopen(faults, "w");
	assert_non_null(fp);
	fputs("{\"rest\":{\"no_answer\":{\"next\":1}}}", fp);
	fclose(fp);
	const char *extra[] = {"--faults", faults, NULL};
	struct sim s;
	sim_start(&s, extra);

	uv_loop_t loop;
	struct kis_http *h;
	loop_open(&loop, &h, NULL);
	char url[256];
	struct got g = {0};

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/_sim/state", s.port);
	int64_t t0 = kis_http_now_ns();
	get(&loop, h, url, &g);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_int_equal(g.code, 200);
	assert_string_equal(g.tr_cont, "");
	assert_string_equal(g.error, "");
	assert_true(g.sent_ns >= t0 && g.sent_ns <= g.done_ns);
	cJSON *j = cJSON_ParseWithLength(g.body, g.body_len);
	assert_non_null(j);
	assert_true(cJSON_IsObject(j));
	cJSON_Delete(j);

	/* The token with the built-in account's key and secret. */
	struct simacct_list l;
	simacct_default(&l);
	char body[1024];
	int bn = snprintf(body, sizeof(body),
	                  "{\"grant_type\":\"client_credentials\",\"appkey\":\"%s\",\"appsecret\":\"%s\"}",
	                  l.acct[0].app_key, l.acct[0].app_secret);
	const char *hdrs[] = {"Content-Type: application/json; charset=utf-8"};
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/oauth2/tokenP", s.port);
	struct kis_http_request post = {.method = KIS_HTTP_POST,
	                                .url = url,
	                                .headers = hdrs,
	                                .nheaders = 1,
	                                .body = body,
	                                .body_len = (size_t)bn,
	                                .timeout_ms = 10000};
	send_rq(h, &post, &g);
	run_until(&loop, &g.calls, 2, 15000);
	assert_false(g.bad_reentry);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_int_equal(g.code, 200);
	j = cJSON_ParseWithLength(g.body, g.body_len);
	assert_non_null(j);
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");
	assert_true(cJSON_IsString(tok) && strlen(tok->valuestring) > 100);
	cJSON_Delete(j);

	/* Eight at once, all answered. */
	struct got burst[8];
	memset(burst, 0, sizeof(burst));
	int total = 0;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/_sim/state", s.port);
	for (int i = 0; i < 8; i++)
		send_get(h, url, 10000, &burst[i]);
	assert_int_equal(kis_http_pending(h), 8);
	for (int i = 0; i < 8; i++) {
		run_until(&loop, &burst[i].calls, 1, 15000);
		assert_int_equal(burst[i].calls, 1);
		assert_int_equal(burst[i].status, KIS_HTTP_DONE);
		assert_int_equal(burst[i].code, 200);
		total += burst[i].calls;
		got_free(&burst[i]);
	}
	assert_int_equal(total, 8);
	assert_int_equal(kis_http_pending(h), 0);

	/* The faults file holds back the first /uapi/ answer: TIMEOUT after
	 * timeout_ms (300 ms), the request having gone out (sent_ns set). */
	snprintf(url, sizeof(url),
	         "http://127.0.0.1:%d/uapi/domestic-stock/v1/quotations/"
	         "inquire-price?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=005930",
	         s.port);
	struct got t = {0};
	int64_t start = kis_http_now_ns();
	send_get(h, url, 300, &t);
	run_until(&loop, &t.calls, 1, 5000);
	int64_t took_ms = (t.done_ns - start) / 1000000;
	assert_int_equal(t.status, KIS_HTTP_TIMEOUT);
	assert_int_equal(t.code, 0);
	assert_true(t.sent_ns > 0);
	assert_true(t.error[0] != '\0');
	assert_true(took_ms >= 290 && took_ms < 2000);
	/* next was 1: the second is answered (an error envelope, no token). */
	get(&loop, h, url, &t);
	assert_int_equal(t.status, KIS_HTTP_DONE);
	assert_true(t.code >= 200 && t.code < 600);
	got_free(&t);
	got_free(&g);

	loop_close(&loop, h);
	sim_stop(&s);
	unlink(faults);
	rmdir(dir);
}

/* ---- tests against the tiny server: one server and one client each ---- */

struct fx {
	struct tiny t;
	uv_loop_t loop;
	struct kis_http *h; /* NULL when the test closed client and loop itself */
	char url[160];
};

static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	tiny_start(&f->t);
	loop_open(&f->loop, &f->h, NULL);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	if (f->h != NULL)
		loop_close(&f->loop, f->h);
	stop_child(f->t.pid);
	free(f);
	return 0;
}

/* The tiny server's URL for path (valid until the next call). */
static const char *fx_url(struct fx *f, const char *path)
{
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d%s", f->t.port, path);
	return f->url;
}

static void test_refused(void **state)
{
	struct fx *f = *state;
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", refused_port());
	struct got g = {0};
	send_get(f->h, url, 5000, &g);
	assert_int_equal(g.calls, 0); /* never inside the send */
	assert_int_equal(kis_http_pending(f->h), 1);
	run_until(&f->loop, &g.calls, 1, 10000);
	assert_false(g.bad_reentry);
	assert_int_equal(g.status, KIS_HTTP_CONNECT);
	assert_int_equal(g.code, 0);
	assert_int_equal(g.sent_ns, 0);
	assert_string_equal(g.body, "");
	assert_true(g.error[0] != '\0');
	assert_int_equal(kis_http_pending(f->h), 0);
	for (int i = 0; i < 5; i++)
		uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(g.calls, 1);
	got_free(&g);
}

static void test_answers(void **state)
{
	struct fx *f = *state;
	struct {
		const char *path, *tr_cont, *body;
		long code;
	} cases[] = {
	    {"/trcont?page=1", "M", "{}", 200}, {"/trcont-trim", "F", "{}", 200}, /* any case, blanks trimmed */
	    {"/trcont-long", "ABC", "{}", 200},                                   /* 3 characters kept */
	    {"/plain", "", "{}", 200},          {"/status503", "", "", 503},      /* any status is DONE */
	};
	struct got g = {0};
	for (size_t i = 0; i < KE_ARRAY_LEN(cases); i++) {
		get(&f->loop, f->h, fx_url(f, cases[i].path), &g);
		assert_int_equal(g.status, KIS_HTTP_DONE);
		assert_int_equal(g.code, cases[i].code);
		assert_string_equal(g.tr_cont, cases[i].tr_cont);
		assert_string_equal(g.body, cases[i].body);
		assert_int_equal(g.body_len, strlen(cases[i].body));
	}

	/* Too large, announced by Content-Length or not (chunked). */
	const char *big[] = {"/big", "/bigchunked"};
	for (int i = 0; i < 2; i++) {
		get(&f->loop, f->h, fx_url(f, big[i]), &g);
		assert_int_equal(g.status, KIS_HTTP_TOO_LARGE);
		assert_int_equal(g.code, 0);
		assert_int_equal(g.body_len, 0);
		assert_true(g.error[0] != '\0');
	}
	/* Exactly the limit is fine, and the client carries on. */
	get(&f->loop, f->h, fx_url(f, "/exact"), &g);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_int_equal(g.body_len, KIS_HTTP_BODY_MAX);
	assert_int_equal(g.body[0], 'x');
	assert_int_equal(g.body[KIS_HTTP_BODY_MAX - 1], 'x');
	get(&f->loop, f->h, fx_url(f, "/trcont"), &g);
	assert_string_equal(g.tr_cont, "M");
	got_free(&g);
}

static void test_post_wire(void **state)
{
	struct fx *f = *state;
	const char *hdrs[] = {"Content-Type: application/json", "appkey: K1"};
	static const char body[] = "abcXYZ"; /* only 3 bytes are the body */
	struct kis_http_request rq = {.method = KIS_HTTP_POST,
	                              .url = fx_url(f, "/echo"),
	                              .headers = hdrs,
	                              .nheaders = 2,
	                              .body = body,
	                              .body_len = 3,
	                              .timeout_ms = 5000};
	struct got g = {0};
	send_rq(f->h, &rq, &g);
	run_until(&f->loop, &g.calls, 1, 10000);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_non_null(strstr(g.body, "POST /echo HTTP/1.1\r\n"));
	assert_non_null(strstr(g.body, "\r\nappkey: K1\r\n"));
	assert_non_null(strstr(g.body, "\r\nContent-Type: application/json\r\n"));
	assert_non_null(strstr(g.body, "\r\nContent-Length: 3\r\n"));
	/* No Expect: 100-continue (lws never answers it). */
	for (const char *p = g.body; *p; p++)
		assert_false(strncasecmp(p, "expect", 6) == 0);
	assert_true(g.body_len > 7 && strcmp(g.body + g.body_len - 7, "\r\n\r\nabc") == 0);

	/* A POST with no body at all. */
	rq.body = NULL;
	rq.body_len = 0;
	send_rq(f->h, &rq, &g);
	run_until(&f->loop, &g.calls, 2, 10000);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_non_null(strstr(g.body, "\r\nContent-Length: 0\r\n"));
	got_free(&g);
}

struct chain {
	struct kis_http *h;
	char url[160];
	int done, left, failures;
	int64_t last_sent;
};

/* Each answer sends the next request from inside the callback. */
static void on_chain(void *ud, const struct kis_http_response *r)
{
	struct chain *c = ud;
	c->done++;
	if (r->status != KIS_HTTP_DONE || r->http_code != 200 || strcmp(r->tr_cont, "M") != 0 ||
	    r->sent_ns < c->last_sent || r->sent_ns == 0)
		c->failures++;
	c->last_sent = r->sent_ns;
	if (c->left > 0) {
		c->left--;
		struct kis_http_request rq = {.method = KIS_HTTP_GET, .url = c->url, .timeout_ms = 5000};
		if (kis_http_send(c->h, &rq, on_chain, c, NULL) != KE_OK)
			c->failures++;
	}
}

static void test_connection_reuse(void **state)
{
	struct fx *f = *state;
	struct chain c = {.h = f->h, .left = 99};
	snprintf(c.url, sizeof(c.url), "%s", fx_url(f, "/trcont"));
	struct kis_http_request rq = {.method = KIS_HTTP_GET, .url = c.url, .timeout_ms = 5000};
	assert_int_equal(kis_http_send(f->h, &rq, on_chain, &c, NULL), KE_OK);
	run_until(&f->loop, &c.done, 100, 20000);
	assert_int_equal(c.done, 100);
	assert_int_equal(c.failures, 0);

	/* The kick: on the warm connection the request is written inside
	 * kis_http_send, before the loop turns (sent_ns no later than the
	 * return), even if the loop is then held up for 50 ms. */
	struct got g = {0};
	send_get(f->h, c.url, 5000, &g);
	int64_t returned = kis_http_now_ns();
	sleep_ms(50);
	run_until(&f->loop, &g.calls, 1, 5000);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_true(g.sent_ns > 0 && g.sent_ns <= returned);

	/* 101 sequential requests and this one: one connection accepted. */
	get(&f->loop, f->h, fx_url(f, "/count"), &g);
	assert_string_equal(g.body, "1");
	loop_close(&f->loop, f->h);

	/* Ten at once from a client allowing 2 connections per host: curl
	 * queues; the server counts at most 1 + 2 connections. */
	struct kis_http_config cfg = {.max_host_connections = 2};
	loop_open(&f->loop, &f->h, &cfg);
	struct got many[10];
	memset(many, 0, sizeof(many));
	for (int i = 0; i < 10; i++)
		send_get(f->h, fx_url(f, "/plain"), 5000, &many[i]);
	for (int i = 0; i < 10; i++) {
		run_until(&f->loop, &many[i].calls, 1, 10000);
		assert_int_equal(many[i].status, KIS_HTTP_DONE);
		assert_false(many[i].bad_reentry);
		got_free(&many[i]);
	}
	get(&f->loop, f->h, fx_url(f, "/count"), &g);
	long n = strtol(g.body, NULL, 10);
	assert_true(n >= 2 && n <= 3);
	got_free(&g);
}

struct meddler {
	struct kis_http *h;
	uint64_t victim; /* aborted from the callback */
	int abort_rc;
	struct got *victim_got;
	int victim_calls_seen; /* victim's calls right after the abort */
	char url[160];         /* sent from the callback */
	struct got *next;
	int send_rc;
	int calls;
};

static void on_meddle(void *ud, const struct kis_http_response *r)
{
	struct meddler *m = ud;
	(void)r;
	m->calls++;
	m->abort_rc = kis_http_abort(m->h, m->victim);
	m->victim_calls_seen = m->victim_got->calls;
	struct kis_http_request rq = {.method = KIS_HTTP_GET, .url = m->url, .timeout_ms = 5000};
	m->send_rc = kis_http_send(m->h, &rq, on_done, m->next, NULL);
}

static void test_abort(void **state)
{
	struct fx *f = *state;
	char refused[64];
	snprintf(refused, sizeof(refused), "http://127.0.0.1:%d/", refused_port());

	/* The callback runs before abort returns, once. */
	struct got a = {0};
	uint64_t id = send_get(f->h, fx_url(f, "/hang"), 10000, &a);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(kis_http_abort(f->h, id), KE_OK);
	assert_int_equal(a.calls, 1);
	assert_int_equal(a.status, KIS_HTTP_ABORTED);
	assert_int_equal(a.code, 0);
	assert_int_equal(kis_http_pending(f->h), 0);
	assert_int_equal(kis_http_abort(f->h, id), KE_ENOENT);

	/* Aborted right after the send, whether or not curl already failed it. */
	struct got b = {0};
	id = send_get(f->h, refused, 10000, &b);
	assert_int_equal(kis_http_abort(f->h, id), KE_OK);
	assert_int_equal(b.calls, 1);
	assert_int_equal(b.status, KIS_HTTP_ABORTED);

	/* From a callback: abort another request and send a new one. */
	struct got victim = {0}, next = {0};
	struct meddler m = {.h = f->h, .victim_got = &victim, .next = &next};
	snprintf(m.url, sizeof(m.url), "%s", fx_url(f, "/trcont"));
	m.victim = send_get(f->h, fx_url(f, "/hang"), 10000, &victim);
	struct kis_http_request rq = {.method = KIS_HTTP_GET, .url = fx_url(f, "/plain"), .timeout_ms = 5000};
	assert_int_equal(kis_http_send(f->h, &rq, on_meddle, &m, NULL), KE_OK);
	run_until(&f->loop, &next.calls, 1, 10000);
	assert_int_equal(m.calls, 1);
	assert_int_equal(m.abort_rc, KE_OK);
	assert_int_equal(m.victim_calls_seen, 1);
	assert_int_equal(victim.status, KIS_HTTP_ABORTED);
	assert_int_equal(m.send_rc, KE_OK);
	assert_int_equal(next.status, KIS_HTTP_DONE);
	assert_string_equal(next.tr_cont, "M");

	/* Nothing runs twice later: another 100 ms of loop. */
	struct got later = {0};
	send_get(f->h, fx_url(f, "/plain"), 5000, &later);
	run_until(&f->loop, &later.calls, 1, 5000);
	sleep_ms(100);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_int_equal(a.calls + b.calls + victim.calls + next.calls + m.calls, 5);
	got_free(&a);
	got_free(&b);
	got_free(&victim);
	got_free(&next);
	got_free(&later);
}

struct closer {
	struct kis_http *h;
	int calls, send_rc, close_now;
	enum kis_http_status status;
};

/* Tries to send (refused while closing), or closes the client itself. */
static void on_closer(void *ud, const struct kis_http_response *r)
{
	struct closer *c = ud;
	struct kis_http_request rq = {.method = KIS_HTTP_GET, .url = "http://127.0.0.1:1/", .timeout_ms = 5000};
	c->calls++;
	c->status = r->status;
	if (c->close_now)
		kis_http_close(c->h);
	else
		c->send_rc = kis_http_send(c->h, &rq, on_closer, c, NULL);
}

static void test_close_in_flight(void **state)
{
	struct fx *f = *state;
	char refused[64];
	snprintf(refused, sizeof(refused), "http://127.0.0.1:%d/", refused_port());
	struct got g[6];
	memset(g, 0, sizeof(g));
	for (int i = 0; i < 5; i++)
		send_get(f->h, fx_url(f, "/hang"), 10000, &g[i]);
	struct closer c = {.h = f->h};
	struct kis_http_request rq = {.method = KIS_HTTP_GET, .url = fx_url(f, "/hang"), .timeout_ms = 10000};
	assert_int_equal(kis_http_send(f->h, &rq, on_closer, &c, NULL), KE_OK);
	uv_run(&f->loop, UV_RUN_NOWAIT); /* let connections get under way */
	/* Possibly failed already by the kick, but not yet delivered: still pending. */
	send_get(f->h, refused, 10000, &g[5]);
	assert_int_equal(kis_http_pending(f->h), 7);

	kis_http_close(f->h);
	/* Every callback ran inside close, once, ABORTED; sending then is refused. */
	for (int i = 0; i < 6; i++) {
		assert_int_equal(g[i].calls, 1);
		assert_int_equal(g[i].status, KIS_HTTP_ABORTED);
		got_free(&g[i]);
	}
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.status, KIS_HTTP_ABORTED);
	assert_int_equal(c.send_rc, KE_ESTATE);
	assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&f->loop), 0);

	/* Closed from inside a callback, with another request in flight. */
	loop_open(&f->loop, &f->h, NULL);
	struct got other = {0};
	send_get(f->h, fx_url(f, "/hang"), 10000, &other);
	struct closer c2 = {.h = f->h, .close_now = 1};
	rq.url = fx_url(f, "/plain");
	assert_int_equal(kis_http_send(f->h, &rq, on_closer, &c2, NULL), KE_OK);
	run_until(&f->loop, &c2.calls, 1, 10000);
	assert_int_equal(c2.status, KIS_HTTP_DONE);
	assert_int_equal(other.calls, 1);
	assert_int_equal(other.status, KIS_HTTP_ABORTED);
	assert_int_equal(uv_run(&f->loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	f->h = NULL;
	got_free(&other);
}

/* HTTPS to kis-sim with a CA made here. */
static void test_tls(void **state)
{
	(void)state;
	char dir[] = "/tmp/kis-http-tls-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
	         "cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
	         "-subj '/CN=kis-http test CA' >/dev/null 2>&1 && "
	         "openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 1 "
	         "-subj '/CN=unrelated CA' >/dev/null 2>&1 && "
	         "openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj '/CN=127.0.0.1' "
	         ">/dev/null 2>&1 && "
	         "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf && "
	         "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 1 "
	         "-extfile ext.cnf >/dev/null 2>&1",
	         dir);
	assert_int_equal(system(cmd), 0);
	char cert[128], key[128], ca[128], other[128];
	snprintf(cert, sizeof(cert), "%s/srv.pem", dir);
	snprintf(key, sizeof(key), "%s/srv.key", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	const char *extra[] = {"--tls", cert, key, NULL};
	struct sim s;
	sim_start(&s, extra);
	char ip_url[128], name_url[128];
	snprintf(ip_url, sizeof(ip_url), "https://127.0.0.1:%d/_sim/state", s.port);
	snprintf(name_url, sizeof(name_url), "https://localhost:%d/_sim/state", s.port);

	uv_loop_t loop;
	struct kis_http *h;
	struct got g = {0};
	/* Verified against our CA, by address and by name. */
	struct kis_http_config cfg = {.ca_file = ca};
	loop_open(&loop, &h, &cfg);
	get(&loop, h, ip_url, &g);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_int_equal(g.code, 200);
	get(&loop, h, name_url, &g);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_int_equal(g.code, 200);
	loop_close(&loop, h);

	/* An unrelated CA: verification fails before anything is sent. */
	cfg.ca_file = other;
	loop_open(&loop, &h, &cfg);
	get(&loop, h, ip_url, &g);
	assert_int_equal(g.status, KIS_HTTP_CONNECT);
	assert_int_equal(g.sent_ns, 0);
	assert_true(g.error[0] != '\0');
	loop_close(&loop, h);

	/* No CA file and a loopback host: kis-sim's own certificate is taken. */
	loop_open(&loop, &h, NULL);
	get(&loop, h, ip_url, &g);
	assert_int_equal(g.status, KIS_HTTP_DONE);
	assert_int_equal(g.code, 200);
	loop_close(&loop, h);
	got_free(&g);

	sim_stop(&s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	/* The program's job, as kis_http.c says. */
	signal(SIGPIPE, SIG_IGN);
	/* KIS_HTTP_TEST=name runs the tests matching that pattern only. */
	if (getenv("KIS_HTTP_TEST") != NULL)
		cmocka_set_test_filter(getenv("KIS_HTTP_TEST"));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_arguments),
	    cmocka_unit_test(test_sim),
	    cmocka_unit_test_setup_teardown(test_refused, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_answers, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_post_wire, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_connection_reuse, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_abort, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_close_in_flight, fx_setup, fx_teardown),
	    cmocka_unit_test(test_tls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
