/*
 * bench_feed.c - the realtime path end to end against kis-sim at --speed
 * max (bench/feed.sh starts it): frames from the socket through kis_ws
 * (parse), into the core as ticks, a strategy's on_tick (a C hook: the
 * engine's time, not Lua's), and every Nth tick an order through the core's
 * checks and the KIS broker to the gateway.
 *
 * Measured from the moment a frame began to arrive (kis_ws_frame_ns):
 *   frame -> on_tick running          every tick
 *   frame -> order handed to the gateway (struct broker.place entered)
 *   frame -> request on the wire      (curl about to send)
 * and frames/s and ticks/s over the run.
 *
 * usage: bench_feed REST_PORT WS_PORT FRAMES ORDER_EVERY
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "core.h"
#include "kis_broker.h"
#include "kis_client.h"
#include "kis_ws.h"
#include "simacct.h"

struct bench {
	uv_loop_t loop;
	struct core *core;
	struct kis_client *client;
	struct kis_ws *ws;
	struct kis_broker *broker;
	struct broker real; /* the KIS broker's interface, wrapped below */
	int32_t sym[3];
	const char *names[3];
	int64_t frames_target, ticks, frames_seen;
	int64_t order_every;
	int64_t cur_frame_ns;
	int64_t *tick_lat, *order_lat, *wire_lat;
	int64_t ntick, norder, nwire, nlat_cap;
	int64_t *order_frame; /* order id -> its frame's ns */
	int64_t order_cap;
	int strategy;
};

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t wall(void *ud)
{
	(void)ud;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the strategy: a C hook ---- */

static int strat_tick(void *impl, const struct tick *t)
{
	struct bench *b = impl;
	int64_t now = mono_ns();
	if (b->ntick < b->nlat_cap)
		b->tick_lat[b->ntick++] = now - b->cur_frame_ns;
	b->ticks++;
	if (b->order_every > 0 && b->ticks % b->order_every == 0 && t->price > 1000) {
		/* Far below the market: it rests, the cash lasts. */
		struct order_request rq = {.sym = t->sym,
		                           .side = SIDE_BUY,
		                           .type = ORDER_LIMIT,
		                           .qty = 1,
		                           .price = (t->price * 8 / 10) / 100 * 100};
		int64_t id;
		char err[128];
		core_place(b->core, b->strategy, &rq, &id, err, sizeof(err));
	}
	return KE_OK;
}

static const char *strat_error(void *impl)
{
	(void)impl;
	return "";
}

static void strat_destroy(void *impl)
{
	(void)impl;
}

/* ---- the broker, timed on the way in ---- */

static int timed_place(void *self, const struct order *o)
{
	struct bench *b = self;
	int64_t now = mono_ns();
	if (b->norder < b->nlat_cap)
		b->order_lat[b->norder++] = now - b->cur_frame_ns;
	if (o->id < b->order_cap)
		b->order_frame[o->id] = b->cur_frame_ns;
	return b->real.place(b->real.self, o);
}

static int timed_modify(void *self, const struct order *o, int64_t p, int64_t q)
{
	struct bench *b = self;
	return b->real.modify(b->real.self, o, p, q);
}

static int timed_cancel(void *self, const struct order *o)
{
	struct bench *b = self;
	return b->real.cancel(b->real.self, o);
}

static void on_sent(void *ud, int64_t id, int64_t sent_ns)
{
	struct bench *b = ud;
	if (sent_ns > 0 && id < b->order_cap && b->nwire < b->nlat_cap)
		b->wire_lat[b->nwire++] = sent_ns - b->order_frame[id];
}

static const char *sym_name(void *ud, int32_t sym)
{
	struct bench *b = ud;
	return core_symbol_name(b->core, sym);
}

static void on_event(void *ud, const struct broker_event *ev)
{
	struct bench *b = ud;
	struct broker_sink s = core_broker_sink(b->core);
	s.emit(s.ctx, ev);
}

/* ---- the feed ---- */

static void on_trades(void *ud, const struct kis_trade *t, int n)
{
	struct bench *b = ud;
	b->frames_seen++;
	b->cur_frame_ns = kis_ws_frame_ns(b->ws);
	for (int i = 0; i < n; i++) {
		int k = t[i].symbol[1] == '0' ? (t[i].symbol[2] == '5' ? 0 : 1) : 2;
		if (strcmp(t[i].symbol, b->names[k]) != 0)
			continue;
		struct tick tk = {.time = wall(NULL),
		                  .sym = b->sym[k],
		                  .price = t[i].price,
		                  .volume = t[i].volume,
		                  .bid = t[i].bid1,
		                  .ask = t[i].ask1};
		core_advance(b->core, tk.time);
		core_on_tick(b->core, &tk);
	}
	core_pump(b->core);
	if (b->frames_seen >= b->frames_target)
		uv_stop(&b->loop);
}

static void on_err(void *ud, const char *msg)
{
	(void)ud;
	fprintf(stderr, "%s\n", msg);
}

static int cmp64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, c = *(const int64_t *)y;
	return a < c ? -1 : a > c;
}

static void print_pct(const char *what, int64_t *v, int64_t n)
{
	if (n == 0) {
		printf("%-36s no samples\n", what);
		return;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp64);
	printf("%-36s n=%-8lld p50 %6.1f us  p99 %6.1f us  p99.9 %7.1f us\n", what, (long long)n, v[n / 2] / 1e3,
	       v[n * 99 / 100] / 1e3, v[n * 999 / 1000] / 1e3);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: bench_feed REST_PORT WS_PORT FRAMES ORDER_EVERY\n");
		return 2;
	}
	struct bench b;
	memset(&b, 0, sizeof(b));
	b.frames_target = atoll(argv[3]);
	b.order_every = atoll(argv[4]);
	b.nlat_cap = b.frames_target * 2 + 16;
	b.tick_lat = malloc(sizeof(int64_t) * (size_t)b.nlat_cap);
	b.order_lat = malloc(sizeof(int64_t) * (size_t)b.nlat_cap);
	b.wire_lat = malloc(sizeof(int64_t) * (size_t)b.nlat_cap);
	b.order_cap = b.nlat_cap;
	b.order_frame = calloc((size_t)b.order_cap, sizeof(int64_t));
	uv_loop_init(&b.loop);

	struct core_config cc;
	core_config_default(&cc);
	core_new(&cc, &b.core);
	b.names[0] = "005930";
	b.names[1] = "000660";
	b.names[2] = "035420";
	for (int i = 0; i < 3; i++)
		core_symbol_intern(b.core, b.names[i], &b.sym[i]);
	struct strategy_hooks hooks = {.on_tick = strat_tick, .last_error = strat_error, .destroy = strat_destroy};
	struct strategy_spec spec = {.name = "bench", .cash = 100000000, .halt_on_error = 0};
	core_add_strategy(b.core, &spec, &hooks, &b, &b.strategy);

	struct simacct_list l;
	simacct_default(&l);
	struct kis_credentials cred;
	memset(&cred, 0, sizeof(cred));
	snprintf(cred.app_key, sizeof(cred.app_key), "%s", l.acct[0].app_key);
	snprintf(cred.app_secret, sizeof(cred.app_secret), "%s", l.acct[0].app_secret);
	snprintf(cred.cano, sizeof(cred.cano), "%s", l.acct[0].cano);
	snprintf(cred.prdt, sizeof(cred.prdt), "%s", l.acct[0].prdt);
	char rest[64], ws[64], cache[64] = "/tmp/bench-feed-XXXXXX";
	snprintf(rest, sizeof(rest), "http://127.0.0.1:%s", argv[1]);
	snprintf(ws, sizeof(ws), "ws://127.0.0.1:%s", argv[2]);
	if (!mkdtemp(cache))
		return 1;
	struct kis_client_config kc;
	kis_client_config_default(&kc, KIS_ENV_MOCK);
	kc.base_url = rest;
	kc.ws_url = ws;
	kc.cache_dir = cache;
	kc.rate_per_sec = 0;
	char err[256];
	if (kis_client_new(&b.loop, &kc, &cred, &b.client, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct kis_broker_config bc;
	kis_broker_config_default(&bc, KIS_ENV_MOCK);
	bc.poll_ms = 3600000;
	bc.on_sent = on_sent;
	bc.on_sent_ud = &b;
	struct broker_sink sink = {.ctx = &b, .emit = on_event};
	kis_broker_new(&b.loop, b.client, &bc, sym_name, &b, wall, NULL, sink, &b.broker);
	b.real = kis_broker_iface(b.broker);
	struct broker timed = {.self = &b, .place = timed_place, .modify = timed_modify, .cancel = timed_cancel};
	core_set_broker(b.core, &timed);
	core_start(b.core, wall(NULL));

	struct kis_ws_config wc;
	kis_ws_config_default(&wc, KIS_ENV_MOCK);
	wc.pace_ms = 0;
	struct kis_ws_sink ws_sink = {.ud = &b, .on_trades = on_trades, .on_error = on_err};
	if (kis_ws_new(&b.loop, kis_client_endpoint(b.client), kis_client_auth(b.client), &wc, &ws_sink, &b.ws, err,
	               sizeof(err)) != KE_OK) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (int i = 0; i < 3; i++)
		kis_ws_subscribe(b.ws, b.names[i], err, sizeof(err));
	kis_ws_start(b.ws);
	int64_t t0 = 0;
	while (b.frames_seen < b.frames_target) {
		if (!t0 && b.frames_seen > 0)
			t0 = mono_ns();
		uv_run(&b.loop, UV_RUN_ONCE);
	}
	double s = (mono_ns() - t0) / 1e9;
	printf("%lld frames, %lld ticks in %.2f s: %.0f frames/s, %.0f ticks/s (both programs on this machine)\n",
	       (long long)b.frames_seen, (long long)b.ticks, s, b.frames_seen / s, b.ticks / s);
	print_pct("frame -> on_tick", b.tick_lat, b.ntick);
	print_pct("frame -> order to the gateway", b.order_lat, b.norder);
	/* Wait for the answers so every request has gone out. */
	int64_t end = mono_ns() + 5000000000LL;
	while (kis_client_pending(b.client) > 0 && mono_ns() < end)
		uv_run(&b.loop, UV_RUN_NOWAIT);
	print_pct("frame -> request on the wire", b.wire_lat, b.nwire);

	kis_ws_close(b.ws);
	kis_broker_free(b.broker);
	kis_client_close(b.client);
	uv_run(&b.loop, UV_RUN_DEFAULT);
	kis_ws_free(b.ws);
	uv_run(&b.loop, UV_RUN_DEFAULT);
	uv_loop_close(&b.loop);
	core_free(b.core);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
	return system(cmd) == 0 ? 0 : 1;
}
