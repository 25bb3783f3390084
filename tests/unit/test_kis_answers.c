/*
 * test_kis_answers.c - the client facing answers kis-sim never gives:
 * malformed JSON, missing fields, a proxy's HTML error page. A small fake
 * KIS (a forked child on a loopback port picked by the kernel) answers
 * tokenP properly and every other path with the body the test chose.
 *
 * What must hold: a clear, typed error naming what was wrong; a query
 * fails; an order whose answer cannot be read is "unknown" (never
 * "failed": it may have been placed), and nothing is re-sent.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "kis_client.h"
#include "ktime.h"

struct fake {
	pid_t pid;
	int port;
	int counter_fd; /* the child writes one byte per non-token request */
	char dir[64];
};

/* The value of a header (name given lower case, with its colon), or NULL. */
static const char *header_value(const char *req, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = req; *p; p++) {
		size_t i = 0;
		while (i < n && p[i] && (p[i] | 0x20) == name[i])
			i++;
		if (i == n)
			return p + n;
	}
	return NULL;
}

/* Read one request (headers and a Content-Length body); 0 on EOF. */
static int read_request(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	char *end = NULL;
	while (!end) {
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k <= 0)
			return 0;
		n += (size_t)k;
		buf[n] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	const char *cl = header_value(buf, "content-length:");
	size_t body = cl ? (size_t)atol(cl) : 0;
	while (n < (size_t)(end + 4 - buf) + body && n < cap - 1) {
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k <= 0)
			return 0;
		n += (size_t)k;
	}
	return 1;
}

static void respond(int fd, int status, const char *ctype, const char *body)
{
	char head[256];
	int h = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", status,
	                 ctype, strlen(body));
	if (write(fd, head, (size_t)h) < 0 || write(fd, body, strlen(body)) < 0)
		_exit(3);
}

static void serve(int lfd, int status, const char *ctype, const char *body, int counter)
{
	char req[16384];
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		while (read_request(fd, req, sizeof(req))) {
			if (strncmp(req, "POST /oauth2/tokenP", 19) == 0) {
				/* Valid for a day from now, in KST, as KIS writes it. */
				char exp[32], tok[256];
				int64_t ms = ((int64_t)time(NULL) + 86400) * 1000;
				ktime_format_iso(ms, exp, sizeof(exp));
				exp[10] = ' ';
				exp[19] = '\0';
				snprintf(tok, sizeof(tok),
				         "{\"access_token\":\"fake-token\",\"access_token_token_expired\":\"%s\","
				         "\"token_type\":\"Bearer\",\"expires_in\":86400}",
				         exp);
				respond(fd, 200, "application/json", tok);
				continue;
			}
			if (write(counter, "x", 1) < 0)
				_exit(3);
			respond(fd, status, ctype, body);
		}
		close(fd);
	}
}

static void fake_start(struct fake *f, int status, const char *ctype, const char *body)
{
	memset(f, 0, sizeof(*f));
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	f->port = ntohs(a.sin_port);
	int p[2];
	assert_int_equal(pipe(p), 0);
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		serve(lfd, status, ctype, body, p[1]);
		_exit(0);
	}
	close(lfd);
	close(p[1]);
	f->counter_fd = p[0];
	snprintf(f->dir, sizeof(f->dir), "/tmp/kisans-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
}

/* Requests the fake answered, token issues aside. */
static int fake_requests(struct fake *f)
{
	char buf[64];
	int n = 0;
	struct timespec ts = {0, 50000000};
	nanosleep(&ts, NULL);
	for (;;) {
		fd_set rs;
		FD_ZERO(&rs);
		FD_SET(f->counter_fd, &rs);
		struct timeval tv = {0, 0};
		if (select(f->counter_fd + 1, &rs, NULL, NULL, &tv) <= 0)
			break;
		ssize_t k = read(f->counter_fd, buf, sizeof(buf));
		if (k <= 0)
			break;
		n += (int)k;
	}
	return n;
}

static void fake_stop(struct fake *f)
{
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	close(f->counter_fd);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
}

struct run {
	uv_loop_t loop;
	struct kis_client *c;
	char url[64];
};

static void run_open(struct run *r, struct fake *f)
{
	uv_loop_init(&r->loop);
	snprintf(r->url, sizeof(r->url), "http://127.0.0.1:%d", f->port);
	struct kis_client_config cfg;
	kis_client_config_default(&cfg, KIS_ENV_MOCK);
	cfg.base_url = r->url;
	cfg.cache_dir = f->dir;
	cfg.rate_per_sec = 0;
	struct kis_credentials cred;
	memset(&cred, 0, sizeof(cred));
	snprintf(cred.app_key, sizeof(cred.app_key), "PSfakeAppKey0000000000000000000000001");
	snprintf(cred.app_secret, sizeof(cred.app_secret), "fakeSecret");
	snprintf(cred.cano, sizeof(cred.cano), "12345678");
	snprintf(cred.prdt, sizeof(cred.prdt), "01");
	char err[256];
	assert_int_equal(kis_client_new(&r->loop, &cfg, &cred, &r->c, err, sizeof(err)), KE_OK);
}

static void run_close(struct run *r)
{
	kis_client_close(r->c);
	uv_run(&r->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&r->loop), 0);
}

struct got {
	int done, ok;
	struct kis_error e;
};

static void on_quote(void *ud, const struct kis_error *e, const struct kis_msg_quote *q)
{
	struct got *g = ud;
	(void)q;
	g->done = 1;
	g->ok = !e;
	if (e)
		g->e = *e;
}

static void on_order(void *ud, const struct kis_error *e, const struct kis_msg_order_ack *a)
{
	struct got *g = ud;
	(void)a;
	g->done = 1;
	g->ok = !e;
	if (e)
		g->e = *e;
}

static void on_tick(uv_timer_t *t)
{
	(void)t;
}

static void wait_done(struct run *r, struct got *g)
{
	uv_timer_t tick;
	uv_timer_init(&r->loop, &tick);
	uv_timer_start(&tick, on_tick, 5, 5);
	for (int i = 0; i < 2000 && !g->done; i++)
		uv_run(&r->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&tick, NULL);
	uv_run(&r->loop, UV_RUN_NOWAIT);
	assert_true(g->done);
}

static void quote_and_order(int status, const char *ctype, const char *body, struct got *q, struct got *o)
{
	struct fake f;
	fake_start(&f, status, ctype, body);
	struct run r;
	run_open(&r, &f);
	memset(q, 0, sizeof(*q));
	memset(o, 0, sizeof(*o));
	assert_int_equal(kis_client_quote(r.c, "005930", on_quote, q), KE_OK);
	wait_done(&r, q);
	struct kis_msg_order m = {.symbol = "005930", .side = SIDE_BUY, .type = ORDER_LIMIT, .qty = 1, .price = 70000};
	char err[256];
	assert_int_equal(kis_client_order(r.c, &m, on_order, o, err, sizeof(err)), KE_OK);
	wait_done(&r, o);
	/* One quote and one order reached the server: nothing was repeated. */
	assert_int_equal(fake_requests(&f), 2);
	run_close(&r);
	fake_stop(&f);
}

static void test_malformed_json(void **state)
{
	(void)state;
	struct got q, o;
	quote_and_order(200, "application/json",
	                "{\"rt_cd\":\"0\",\"msg_cd\":\"MCA00000\",\"output\":{\"stck_prpr\":", &q, &o);
	assert_false(q.ok);
	assert_int_equal(q.e.kind, KIS_REPLY_TRANSPORT);
	assert_int_equal(q.e.outcome, KIS_OUTCOME_FAILED);
	assert_int_equal(q.e.http_status, 200);
	assert_non_null(strstr(q.e.msg, "JSON"));
	assert_false(o.ok);
	assert_int_equal(o.e.outcome, KIS_OUTCOME_UNKNOWN);
}

static void test_missing_fields(void **state)
{
	(void)state;
	struct got q, o;
	/* rt_cd "0" but the outputs lack what the engine needs. */
	quote_and_order(200, "application/json",
	                "{\"rt_cd\":\"0\",\"msg_cd\":\"MCA00000\",\"msg1\":\"ok\",\"output\":{}}", &q, &o);
	assert_false(q.ok);
	assert_int_equal(q.e.outcome, KIS_OUTCOME_FAILED);
	assert_non_null(strstr(q.e.msg, "inquire-price"));
	assert_non_null(strstr(q.e.msg, "missing"));
	/* The order was taken (rt_cd "0") but has no number: unknown, to be
	 * resolved by asking KIS, never re-sent. */
	assert_false(o.ok);
	assert_int_equal(o.e.outcome, KIS_OUTCOME_UNKNOWN);
	/* The message names the first field missing (the order numbers). */
	assert_non_null(strstr(o.e.msg, "output.KRX_FWDG_ORD_ORGNO: missing"));
}

static void test_proxy_error_page(void **state)
{
	(void)state;
	struct got q, o;
	quote_and_order(502, "text/html", "<html><body>502 Bad Gateway</body></html>", &q, &o);
	assert_false(q.ok);
	assert_int_equal(q.e.outcome, KIS_OUTCOME_FAILED);
	assert_int_equal(q.e.http_status, 502);
	assert_int_equal(q.e.kind, KIS_REPLY_TRANSPORT);
	assert_false(o.ok);
	assert_int_equal(o.e.outcome, KIS_OUTCOME_UNKNOWN);
	assert_int_equal(o.e.http_status, 502);
}

static void test_business_error_on_500(void **state)
{
	(void)state;
	struct got q, o;
	/* KIS's business errors come as HTTP 500 with the envelope. */
	quote_and_order(500, "application/json",
	                "{\"rt_cd\":\"1\",\"msg_cd\":\"APBK0919\",\"msg1\":\"주문가능금액을 초과 했습니다\"}", &q, &o);
	assert_false(q.ok);
	assert_int_equal(q.e.kind, KIS_REPLY_BUSINESS);
	assert_string_equal(q.e.code, "APBK0919");
	assert_false(o.ok);
	assert_int_equal(o.e.outcome, KIS_OUTCOME_FAILED);
	assert_string_equal(o.e.code, "APBK0919");
	assert_non_null(strstr(o.e.msg, "주문가능금액"));
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_malformed_json),
	    cmocka_unit_test(test_missing_fields),
	    cmocka_unit_test(test_proxy_error_page),
	    cmocka_unit_test(test_business_error_on_500),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
