/*
 * bench_kis.c - the KIS gateway's cost, against a running kis-sim with its
 * rate limit off (bench/kis.sh starts it):
 *
 *   1. place latency: from the core's place command (struct broker.place
 *      of the KIS broker) to the moment curl begins writing the request
 *      (CURLOPT_PREREQFUNCTION), one order at a time, so no request waits
 *      behind another: p50 / p99 / max over N orders. Network and server
 *      time are excluded by construction.
 *   2. throughput: N quotes issued at once through one client (4
 *      keep-alive connections), requests per second until all answered.
 *
 * usage: bench_kis PORT N
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "kis_broker.h"
#include "kis_client.h"
#include "simacct.h"

struct bench {
	uv_loop_t loop;
	struct kis_client *client;
	int64_t *lat;
	int64_t t0;
	int64_t done;
	int64_t answered;
};

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_sent(void *ud, int64_t id, int64_t sent_ns)
{
	struct bench *b = ud;
	b->lat[id - 1] = sent_ns > 0 ? sent_ns - b->t0 : -1;
	b->done = id;
}

static void on_event(void *ud, const struct broker_event *ev)
{
	(void)ud;
	(void)ev;
}

static const char *sym(void *ud, int32_t s)
{
	(void)ud;
	(void)s;
	return "005930";
}

static int64_t wall(void *ud)
{
	(void)ud;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_quote(void *ud, const struct kis_error *e, const struct kis_msg_quote *q)
{
	struct bench *b = ud;
	(void)q;
	if (e)
		fprintf(stderr, "quote failed: %s\n", e->msg);
	b->answered++;
}

static void on_tick(uv_timer_t *t)
{
	(void)t;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_kis PORT N\n");
		return 2;
	}
	int port = atoi(argv[1]);
	int n = atoi(argv[2]);
	if (port <= 0 || n <= 0)
		return 2;
	struct bench b;
	memset(&b, 0, sizeof(b));
	b.lat = calloc((size_t)n, sizeof(int64_t));
	uv_loop_init(&b.loop);
	struct simacct_list l;
	simacct_default(&l);
	struct kis_credentials cred;
	memset(&cred, 0, sizeof(cred));
	snprintf(cred.app_key, sizeof(cred.app_key), "%s", l.acct[0].app_key);
	snprintf(cred.app_secret, sizeof(cred.app_secret), "%s", l.acct[0].app_secret);
	snprintf(cred.cano, sizeof(cred.cano), "%s", l.acct[0].cano);
	snprintf(cred.prdt, sizeof(cred.prdt), "%s", l.acct[0].prdt);
	char url[64], cache[64] = "/tmp/bench-kis-XXXXXX";
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	if (!mkdtemp(cache))
		return 1;
	struct kis_client_config cc;
	kis_client_config_default(&cc, KIS_ENV_MOCK);
	cc.base_url = url;
	cc.cache_dir = cache;
	cc.rate_per_sec = 0;
	char err[256];
	if (kis_client_new(&b.loop, &cc, &cred, &b.client, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "client: %s\n", err);
		return 1;
	}
	/* The token first: it is not what is measured. */
	kis_client_quote(b.client, "005930", on_quote, &b);
	while (b.answered < 1)
		uv_run(&b.loop, UV_RUN_NOWAIT); /* ONCE may sleep in its poll after a timer did the work */

	struct kis_broker_config bc;
	kis_broker_config_default(&bc, KIS_ENV_MOCK);
	bc.poll_ms = 3600000; /* no polls during the run */
	bc.on_sent = on_sent;
	bc.on_sent_ud = &b;
	struct kis_broker *br;
	struct broker_sink sink = {.ctx = NULL, .emit = on_event};
	if (kis_broker_new(&b.loop, b.client, &bc, sym, NULL, wall, NULL, sink, &br) != KE_OK)
		return 1;
	struct broker iface = kis_broker_iface(br);
	for (int i = 0; i < n; i++) {
		struct order o;
		memset(&o, 0, sizeof(o));
		o.id = i + 1;
		o.sym = 0;
		o.side = SIDE_BUY;
		o.type = ORDER_LIMIT;
		o.qty = 1;
		o.price = 50000 + 100 * (i % 50);
		b.t0 = mono_ns();
		if (iface.place(iface.self, &o) != KE_OK)
			return 1;
		while (b.done < i + 1)
			uv_run(&b.loop, UV_RUN_NOWAIT); /* ONCE may sleep in its poll after a timer did the work */
	}
	qsort(b.lat, (size_t)n, sizeof(int64_t), cmp64);
	printf("place -> on the wire, %d orders one at a time: p50 %.1f us  p99 %.1f us  max %.1f us\n", n,
	       b.lat[n / 2] / 1e3, b.lat[(int64_t)n * 99 / 100] / 1e3, b.lat[n - 1] / 1e3);

	/* Throughput: sleep in the loop's poll (no spinning beside kis-sim on
	 * the same cores); a 1 ms tick ends a poll that a timer made pointless. */
	uv_timer_t tick;
	uv_timer_init(&b.loop, &tick);
	uv_timer_start(&tick, on_tick, 1, 1);
	b.answered = 0;
	int64_t t = mono_ns();
	for (int i = 0; i < n; i++)
		kis_client_quote(b.client, i % 2 ? "005930" : "000660", on_quote, &b);
	int64_t queued = mono_ns() - t;
	while (b.answered < n)
		uv_run(&b.loop, UV_RUN_ONCE);
	double s = (mono_ns() - t) / 1e9;
	uv_close((uv_handle_t *)&tick, NULL);
	printf("gateway: %d quotes issued in %.1f ms; all answered at %.0f requests/s\n", n, queued / 1e6, n / s);

	kis_broker_free(br);
	kis_client_close(b.client);
	uv_run(&b.loop, UV_RUN_DEFAULT);
	uv_loop_close(&b.loop);
	free(b.lat);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
	return system(cmd) == 0 ? 0 : 1;
}
