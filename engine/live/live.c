/*
 * live.c - the live driver (see live.h).
 *
 * Start-up:   credentials -> KIS client -> a quote per symbol (previous
 *             close: the +-30% limits) -> core_start -> the WebSocket feed.
 * Running:    feed records -> (paper: the simulated broker first) -> core;
 *             notices -> the KIS broker; a 100 ms clock timer advances the
 *             core and reports feed health; signals stop.
 * Stopping:   core_stop (on_stop hooks), then every handle closed and the
 *             loop drained.
 * The books (journal, ctx.state, restart, reconciliation, the trading day)
 * are live_book.c's.
 */
#include "live.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "krx.h"
#include "ktime.h"
#include "live_internal.h"

static const char *const mode_names[] = {"paper", "mock", "real"};

const char *live_mode_name(enum live_mode m)
{
	return (unsigned)m < KE_ARRAY_LEN(mode_names) ? mode_names[m] : "?";
}

int live_mode_parse(const char *s, enum live_mode *out)
{
	for (size_t i = 0; s && i < KE_ARRAY_LEN(mode_names); i++)
		if (strcmp(s, mode_names[i]) == 0) {
			*out = (enum live_mode)i;
			return KE_OK;
		}
	return KE_EINVAL;
}

int64_t live_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t live_now(const struct live *l)
{
	if (l->opt->feed_clock)
		return l->feed_time > 0 ? l->feed_time : live_wall_ms();
	return live_wall_ms();
}

static int64_t market_ms(void *ud)
{
	return live_now(ud);
}

static void vlog(struct live *l, enum core_log_level level, const char *event, const char *fmt, va_list ap)
{
	if (l->opt->log) {
		/* Formatted whole by the logger: masked before any cut. */
		logline_vprintf(l->opt->log, level, live_now(l), event, fmt, ap);
	} else if (level >= CORE_LOG_WARN || !l->opt->quiet) {
		char msg[LOGLINE_MAX + 1];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		fprintf(stderr, "kis-engine: %s%s\n", level >= CORE_LOG_WARN ? "warning: " : "", msg);
	}
}

void live_log(struct live *l, enum core_log_level level, const char *event, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(l, level, event, fmt, ap);
	va_end(ap);
}

void live_say(struct live *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(l, CORE_LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

/* ---- the feed into the core ---- */

static int lookup_symbol(void *ud, const char *code, int32_t *sym)
{
	struct live *l = ud;
	return core_symbol_find(l->core, code, sym);
}

static void fetch_history(struct live *l);

static void run_tick(struct live *l, struct tick *tk)
{
	if (l->sbroker)
		simbroker_advance(l->sbroker, tk->time);
	core_advance(l->core, tk->time);
	if (l->sbroker)
		simbroker_on_tick(l->sbroker, tk);
	core_on_tick(l->core, tk);
	core_pump(l->core);
}

/* The feed clock: the replay's day is known from its first print, so the
 * warm-up history is asked for then; prints wait in order meanwhile. */
static void hold_tick(struct live *l, const struct tick *tk)
{
	if (l->nheld == l->capheld) {
		size_t cap = l->capheld ? l->capheld * 2 : 1024;
		struct tick *p = realloc(l->held, cap * sizeof(*p));
		if (!p) {
			live_stop(l, 1, "out of memory holding prints until the history arrives");
			return;
		}
		l->held = p;
		l->capheld = cap;
	}
	l->held[l->nheld++] = *tk;
}

/* History in (or none wanted) on the feed clock: trading begins at the
 * first print, then the held prints go through in order. */
static void begin_after_history(struct live *l)
{
	if (l->nheld == 0 || l->stopping)
		return;
	lvb_begin_trading(l, l->held[0].time);
	for (size_t i = 0; i < l->nheld && l->core_started && !l->stopping; i++)
		run_tick(l, &l->held[i]);
	free(l->held);
	l->held = NULL;
	l->nheld = l->capheld = 0;
}

static void feed_tick(void *ud, const struct tick *t)
{
	struct live *l = ud;
	if (!l->started || l->stopping)
		return;
	struct tick tk = *t;
	if (l->opt->feed_clock) {
		if (tk.time > l->feed_time)
			l->feed_time = tk.time;
		tk.time = l->feed_time; /* KIS stamps whole seconds: never let time go back */
		if (!l->core_started) {
			hold_tick(l, &tk);
			if (!l->history_asked) {
				l->history_asked = 1;
				fetch_history(l); /* may begin at once: nothing wanted */
			}
			return;
		}
	} else {
		/* Ticks carry KIS's second; the core's clock is ours. */
		tk.time = live_wall_ms();
	}
	run_tick(l, &tk);
}

static void feed_book(void *ud, const struct book *b)
{
	struct live *l = ud;
	if (l->core_started && !l->stopping)
		core_on_book(l->core, b);
}

static void ws_trades(void *ud, const struct kis_trade *t, int n)
{
	struct live *l = ud;
	kis_feed_trades(l->feed, t, n, live_now(l));
}

static void ws_books(void *ud, const struct kis_book *b, int n)
{
	struct live *l = ud;
	kis_feed_books(l->feed, b, n, live_now(l));
}

static void ws_notices(void *ud, const struct kis_notice *x, int n)
{
	struct live *l = ud;
	for (int i = 0; i < n && l->kbroker; i++)
		kis_broker_on_notice(l->kbroker, &x[i]);
	if (l->core_started)
		core_pump(l->core);
}

static void ws_resync(void *ud)
{
	struct live *l = ud;
	live_say(l, "feed reconnected: asking KIS for what was missed");
	if (l->kbroker)
		kis_broker_poll_now(l->kbroker);
}

static void ws_state(void *ud, enum kis_ws_state st, const char *why)
{
	struct live *l = ud;
	live_say(l, "feed %s (%s)", kis_ws_state_name(st), why);
	if (st == KIS_WS_STOPPED && !l->stopping)
		live_stop(l, 1, "the realtime feed stopped");
}

static void ws_error(void *ud, const char *msg)
{
	struct live *l = ud;
	if (!l->opt->quiet)
		live_log(l, CORE_LOG_WARN, "feed", "%s", msg);
}

/* ---- time, signals, stopping ---- */

static void halt_all(struct live *l, const char *why);

static void on_clock(uv_timer_t *t)
{
	struct live *l = t->data;
	if (l->core_started) {
		struct kis_ws_stats st;
		kis_ws_stats(l->ws, &st);
		struct feed_status fs;
		kis_feed_status(l->feed, &st, live_wall_ms(), &fs);
		core_set_feed_status(l->core, &fs);
		/* With the wall clock, timers and staleness run even when the
		 * feed is quiet; a replay's clock moves with its ticks only. */
		if (!l->opt->feed_clock) {
			if (l->sbroker)
				simbroker_advance(l->sbroker, live_wall_ms());
			core_advance(l->core, live_wall_ms());
		}
		core_pump(l->core);
		for (int i = 0; i < core_strategy_count(l->core); i++)
			if (core_strategy_failed(l->core, i))
				l->status = 1;
		lvb_clock_step(l);
		/* Once a second: strategies' state to the journal, and has someone
		 * asked to stop trading? */
		if (++l->clock_ticks % (1000 / CLOCK_TICK_MS) == 0) {
			lvb_save_states(l);
			const char *hf = l->opt->cfg->live.halt_file;
			if (hf[0] && access(hf, F_OK) == 0)
				halt_all(l, "halt file");
		}
	}
	if (l->opt->duration_ms > 0 && (int64_t)uv_now(&l->loop) - l->begun_mono >= l->opt->duration_ms)
		live_stop(l, l->status, "the requested duration is over");
}

/* The kill switch: every strategy halted (open orders cancelled, no new
 * ones); the feed keeps running so cancels and fills are still seen. */
static void halt_all(struct live *l, const char *why)
{
	if (l->halted || !l->core_started)
		return;
	l->halted = 1;
	live_log(l, CORE_LOG_WARN, "halt", "KILL SWITCH (%s): halting every strategy and cancelling open orders", why);
	for (int i = 0; i < core_strategy_count(l->core); i++)
		core_halt_strategy(l->core, i, why);
	core_pump(l->core);
}

static void on_sigusr1(uv_signal_t *s, int signum)
{
	(void)signum;
	halt_all(s->data, "SIGUSR1");
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct live *l = s->data;
	live_stop(l, l->status, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_closed(uv_handle_t *h)
{
	struct live *l = h->data;
	l->handles--;
}

/* Second half of stopping: requests still on the wire (orders from on_stop,
 * cancels) get a moment to be answered, then everything is closed. */
static void close_all_handles(struct live *l)
{
	uv_close((uv_handle_t *)&l->clock, on_closed);
	uv_close((uv_handle_t *)&l->sigint, on_closed);
	uv_close((uv_handle_t *)&l->sigterm, on_closed);
	uv_close((uv_handle_t *)&l->sigusr1, on_closed);
	if (l->ws)
		kis_ws_close(l->ws);
	if (l->kbroker) {
		kis_broker_free(l->kbroker);
		l->kbroker = NULL;
	}
	kis_client_close(l->client);
	l->client = NULL;
}

static void on_drain(uv_timer_t *t)
{
	struct live *l = t->data;
	int64_t waited = (int64_t)uv_now(&l->loop) - l->begun_mono;
	if ((l->client && kis_client_pending(l->client) > 0) && waited < l->drain_until)
		return;
	uv_timer_stop(t);
	if (l->core_started) {
		core_pump(l->core); /* fills the last poll reported */
		lvb_save_states(l);
	}
	close_all_handles(l);
}

void live_stop(struct live *l, int status, const char *why)
{
	if (l->stopping)
		return;
	l->stopping = 1;
	if (status > l->status)
		l->status = status;
	live_say(l, "stopping: %s", why);
	if (l->core_started) {
		core_stop(l->core);
		core_pump(l->core);
		if (l->opt->cfg->live.cancel_on_stop)
			lvb_cancel_open_orders(l, "stopping");
	}
	uv_signal_stop(&l->sigint);
	uv_signal_stop(&l->sigterm);
	uv_signal_stop(&l->sigusr1);
	/* A last look at today's orders: fills whose notices are still on the
	 * way are reported before the engine's totals are printed. */
	if (l->kbroker)
		kis_broker_poll_now(l->kbroker);
	/* Reuse the clock timer to wait (at most 3 s) for answers in flight. */
	l->drain_until = (int64_t)uv_now(&l->loop) - l->begun_mono + 3000;
	uv_timer_start(&l->clock, on_drain, 0, 20);
}

/* ---- start-up ---- */

static void start_feed(struct live *l)
{
	if (l->stopping)
		return;
	if (!l->opt->feed_clock) {
		lvb_begin_trading(l, live_wall_ms());
		if (!l->core_started)
			return;
	}
	l->started = 1;
	if (kis_ws_start(l->ws) != KE_OK)
		live_stop(l, 1, "the realtime feed could not start");
	live_say(l, "running %d strateg%s in %s mode", core_strategy_count(l->core),
	         core_strategy_count(l->core) == 1 ? "y" : "ies", live_mode_name(l->opt->mode));
}

/* A start-up request about one symbol (its quote, its history). */
struct sym_req {
	struct live *l;
	int32_t sym;
	enum core_history_kind kind; /* history requests only */
};

/* A KIS chart bar as the core's: stamped at its end (a daily bar at the
 * 15:30 close; a minute bar, which KIS labels with its minute, a minute
 * later). */
static struct bar bar_of(const struct kis_msg_bar *k, int32_t sym)
{
	int32_t day = ktime_days_from_civil(k->date / 10000, k->date / 100 % 100, k->date % 100);
	int64_t t = ktime_day_start(day);
	if (k->time == 0)
		t += KRX_CLOSE_MS;
	else
		t += ((int64_t)(k->time / 10000) * 3600 + (k->time / 100 % 100) * 60 + k->time % 100) * 1000 + 60000;
	struct bar b = {.time = t,
	                .sym = sym,
	                .open = k->open,
	                .high = k->high,
	                .low = k->low,
	                .close = k->close,
	                .volume = k->volume};
	return b;
}

static void history_done(struct live *l)
{
	if (--l->history_pending != 0 || l->stopping)
		return;
	if (l->opt->feed_clock)
		begin_after_history(l);
	else
		start_feed(l);
}

static void on_history(void *ud, const struct kis_error *e, const struct kis_msg_bar_list *list)
{
	struct sym_req *qr = ud;
	struct live *l = qr->l;
	const char *what = qr->kind == CORE_HIST_DAILY ? "daily" : "minute";
	if (e) {
		snprintf(l->fatal, sizeof(l->fatal), "%s history of %s: %s%s%s", what,
		         core_symbol_name(l->core, qr->sym), e->code, e->code[0] ? " " : "", e->msg);
		free(qr);
		live_stop(l, 1, l->fatal);
		return;
	}
	struct bar *bars = list->n ? malloc(list->n * sizeof(*bars)) : NULL;
	size_t n = 0;
	int64_t now = live_now(l);
	for (size_t i = 0; bars && i < list->n; i++) {
		struct bar b = bar_of(&list->bars[i], qr->sym);
		/* Complete bars only (KIS includes today's, still forming), oldest
		 * first, a repeated one once. */
		if (b.time <= now && (n == 0 || b.time > bars[n - 1].time))
			bars[n++] = b;
	}
	if ((list->n && !bars) || core_history_set(l->core, qr->sym, qr->kind, bars, n) != KE_OK)
		live_log(l, CORE_LOG_WARN, "start", "%s history of %s could not be kept", what,
		         core_symbol_name(l->core, qr->sym));
	else
		live_say(l, "%zu %s bars of %s before the start", n, what, core_symbol_name(l->core, qr->sym));
	free(bars);
	free(qr);
	history_done(l);
}

/* Warm-up: the bars the strategies declared (s.history), per symbol the
 * most any of them wants, before the first hook runs. */
static void fetch_history(struct live *l)
{
	l->history_pending = 1; /* held until every request is out */
	for (int32_t sym = 0; sym < core_symbol_count(l->core) && !l->stopping; sym++)
		for (int k = 0; k < CORE_HIST_KINDS; k++) {
			int need = core_history_need(l->core, sym, (enum core_history_kind)k);
			if (need <= 0)
				continue;
			struct sym_req *qr = malloc(sizeof(*qr));
			if (!qr) {
				live_stop(l, 1, "out of memory");
				return;
			}
			*qr = (struct sym_req){.l = l, .sym = sym, .kind = (enum core_history_kind)k};
			const char *code = core_symbol_name(l->core, sym);
			int rc = k == CORE_HIST_DAILY ? kis_client_daily_bars(l->client, code, need, on_history, qr)
			                              : kis_client_minute_bars(l->client, code, need, on_history, qr);
			if (rc != KE_OK) {
				free(qr);
				live_stop(l, 1, "cannot ask KIS for the strategies' history");
				return;
			}
			l->history_pending++;
		}
	history_done(l);
}

/* The previous close bounds limit prices (+-30%): learnt from a quote. */
static void on_quote(void *ud, const struct kis_error *e, const struct kis_msg_quote *q)
{
	struct sym_req *qr = ud;
	struct live *l = qr->l;
	if (e) {
		snprintf(l->fatal, sizeof(l->fatal), "quote of %s: %s%s%s", core_symbol_name(l->core, qr->sym), e->code,
		         e->code[0] ? " " : "", e->msg);
		free(qr);
		live_stop(l, 1, l->fatal);
		return;
	}
	if (q->prev_close > 0)
		core_set_prev_close(l->core, qr->sym, q->prev_close);
	free(qr);
	/* On the wall clock the history comes first; a replay's day is known
	 * only from its first print (feed_tick asks then). */
	if (--l->quotes_pending == 0) {
		if (l->opt->feed_clock)
			start_feed(l);
		else
			fetch_history(l);
	}
}

static int live_subscribe_all(struct live *l, char *err, size_t errlen)
{
	int32_t n = core_symbol_count(l->core);
	if (n == 0) {
		snprintf(err, errlen, "no symbols: every strategy must name the symbols it trades (s.symbols)");
		return KE_EINVAL;
	}
	for (int32_t i = 0; i < n; i++) {
		int rc = kis_ws_subscribe(l->ws, core_symbol_name(l->core, i), err, errlen);
		if (rc != KE_OK)
			return rc;
	}
	return KE_OK;
}

static int64_t broker_clock(void *ud)
{
	return live_now(ud);
}

static const char *broker_symbol(void *ud, int32_t sym)
{
	struct live *l = ud;
	return core_symbol_name(l->core, sym);
}

static int fail(char *err, size_t errlen, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return status;
}

static int build(struct live *l, const struct kis_credentials *cred, char *err, size_t errlen)
{
	const struct config_kis *k = &l->opt->cfg->kis;
	enum kis_env env;
	if (kis_env_parse(k->env, &env) != KE_OK)
		return fail(err, errlen, 2, "kis.env must be \"mock\" or \"real\"");
	if (l->opt->mode == LIVE_MOCK && env != KIS_ENV_MOCK)
		return fail(err, errlen, 2, "mode mock needs kis.env = \"mock\"");
	if (l->opt->mode == LIVE_REAL && env != KIS_ENV_REAL)
		return fail(err, errlen, 2, "mode real needs kis.env = \"real\"");
	struct kis_client_config kc;
	kis_client_config_default(&kc, env);
	kc.base_url = k->base_url[0] ? k->base_url : NULL;
	kc.ws_url = k->ws_url[0] ? k->ws_url : NULL;
	kc.ca_file = k->ca_file[0] ? k->ca_file : NULL;
	kc.cache_dir = k->token_cache_dir[0] ? k->token_cache_dir : NULL;
	kc.rate_per_sec = k->rate_per_sec;
	if (k->order_timeout_ms)
		kc.order_timeout_ms = (long)k->order_timeout_ms;
	if (k->query_timeout_ms)
		kc.query_timeout_ms = (long)k->query_timeout_ms;
	kc.use_hashkey = k->hashkey;
	kc.market_ms = market_ms;
	kc.market_ud = l;
	if (kis_client_new(&l->loop, &kc, cred, &l->client, err, errlen) != KE_OK)
		return 2;

	struct broker_sink sink = core_broker_sink(l->core);
	if (l->opt->mode == LIVE_PAPER) {
		struct simbroker_config sc = {l->opt->cfg->fill.slippage_ticks, l->opt->cfg->fill.latency_ms,
		                              l->opt->cfg->fill.participation_ppm};
		if (simbroker_new(&sc, sink, &l->sbroker) != KE_OK)
			return fail(err, errlen, 2, "bad fill settings");
		struct broker b = simbroker_broker(l->sbroker);
		core_set_broker(l->core, &b);
	} else {
		struct kis_broker_config bc;
		kis_broker_config_default(&bc, env);
		if (k->poll_ms)
			bc.poll_ms = k->poll_ms;
		bc.on_numbers = lvb_on_numbers;
		bc.on_numbers_ud = l;
		if (kis_broker_new(&l->loop, l->client, &bc, broker_symbol, l, broker_clock, l, sink, &l->kbroker) !=
		    KE_OK)
			return fail(err, errlen, 2, "cannot create the KIS broker");
		struct broker b = kis_broker_iface(l->kbroker);
		core_set_broker(l->core, &b);
	}

	char acct[11];
	snprintf(acct, sizeof(acct), "%s%s", cred->cano, cred->prdt);
	struct kis_ws_config wc;
	kis_ws_config_default(&wc, env);
	/* Paper mode trades nothing at KIS: no notices to subscribe. */
	wc.hts_id = l->opt->mode == LIVE_PAPER ? NULL : cred->hts_id;
	wc.account = acct;
	struct kis_ws_sink ws = {.ud = l,
	                         .on_trades = ws_trades,
	                         .on_books = ws_books,
	                         .on_notices = ws_notices,
	                         .on_resync = ws_resync,
	                         .on_state = ws_state,
	                         .on_error = ws_error};
	if (kis_ws_new(&l->loop, kis_client_endpoint(l->client), kis_client_auth(l->client), &wc, &ws, &l->ws, err,
	               errlen) != KE_OK)
		return 2;
	struct kis_feed_sink fs = {.ud = l, .on_tick = feed_tick, .on_book = feed_book};
	if (kis_feed_new(lookup_symbol, l, &fs, &l->feed) != KE_OK)
		return fail(err, errlen, 2, "out of memory");
	if (live_subscribe_all(l, err, errlen) != KE_OK)
		return 2;
	return 0;
}

static void limits_text(const struct risk_limits *r, char *buf, size_t len)
{
	char a[KE_KRW_BUF], b[KE_KRW_BUF], c[KE_KRW_BUF];
	snprintf(buf, len, "max order %s, max position %s, daily loss %s KRW, open orders %d, orders/min %d",
	         r->max_order_value ? ke_format_krw(a, r->max_order_value) : "-",
	         r->max_position_value ? ke_format_krw(b, r->max_position_value) : "-",
	         r->daily_loss_limit ? ke_format_krw(c, r->daily_loss_limit) : "-", r->max_open_orders,
	         r->max_orders_per_minute);
}

/* Real money: say what is about to trade, with what and within which limits. */
static void announce_real(struct live *l, const struct kis_credentials *cred)
{
	char masked[KIS_CRED_MASK_BUF], acct[16], lim[256], cash[KE_KRW_BUF];
	snprintf(acct, sizeof(acct), "%s-%s", cred->cano, cred->prdt);
	int n = core_strategy_count(l->core);
	limits_text(&l->opt->cfg->core.risk, lim, sizeof(lim));
	live_log(l, CORE_LOG_WARN, "start", "REAL account %s, %d strateg%s; engine limits: %s",
	         kis_cred_mask(acct, masked), n, n == 1 ? "y" : "ies", lim);
	for (int i = 0; i < n && i < l->opt->cfg->nstrategies; i++) {
		limits_text(&l->opt->cfg->strategies[i].risk, lim, sizeof(lim));
		live_log(l, CORE_LOG_WARN, "start", "  %s: cash %s KRW; limits: %s", core_strategy_name(l->core, i),
		         ke_format_krw(cash, core_cash(l->core, i)), lim);
	}
}

int live_run(const struct live_options *opt, struct core *core, char *err, size_t errlen)
{
	if (!opt || !opt->cfg || !core)
		return fail(err, errlen, 2, "live_run: missing options or core");
	if (opt->mode == LIVE_REAL && !opt->allow_real)
		return fail(err, errlen, 2, "mode real trades real money: start it with --live");
	/* A pulled kill switch stays pulled until someone removes the file. */
	if (opt->cfg->live.halt_file[0] && access(opt->cfg->live.halt_file, F_OK) == 0)
		return fail(err, errlen, 2, "the kill switch is engaged (%s exists): remove it to start trading",
		            opt->cfg->live.halt_file);
	struct kis_credentials cred;
	char cerr[KIS_CRED_ERR_MAX];
	int rc = opt->secrets_file && *opt->secrets_file
	             ? kis_cred_from_file(&cred, opt->secrets_file, cerr, sizeof(cerr))
	             : kis_cred_from_env(&cred, NULL, NULL, cerr, sizeof(cerr));
	if (rc != KE_OK)
		return fail(err, errlen, 2, "credentials: %s", cerr);
	/* Whatever is printed from here on cannot show them. */
	if (opt->log) {
		char both[32];
		const char *secrets[] = {cred.app_key, cred.app_secret, cred.cano, cred.hts_id, both, both + 16};
		snprintf(both, 16, "%s-%s", cred.cano, cred.prdt);
		snprintf(both + 16, 16, "%s%s", cred.cano, cred.prdt);
		for (size_t i = 0; i < KE_ARRAY_LEN(secrets); i++)
			if (strlen(secrets[i]) >= 4)
				logline_add_secret(opt->log, secrets[i]);
	}

	struct live *l = calloc(1, sizeof(*l));
	if (!l) {
		kis_cred_wipe(&cred);
		return fail(err, errlen, 1, "out of memory");
	}
	l->opt = opt;
	l->core = core;
	int nst = core_strategy_count(core);
	l->state_blob = calloc((size_t)nst + 1, sizeof(*l->state_blob));
	l->state_len = calloc((size_t)nst + 1, sizeof(*l->state_len));
	l->day_start_eq = calloc((size_t)nst + 1, sizeof(*l->day_start_eq));
	l->fills_today = calloc((size_t)nst + 1, sizeof(*l->fills_today));
	l->state_bad = calloc((size_t)nst + 1, 1);
	if (!l->state_blob || !l->state_len || !l->day_start_eq || !l->fills_today || !l->state_bad) {
		free(l->state_bad);
		free(l->state_blob);
		free(l->state_len);
		free(l->day_start_eq);
		free(l->fills_today);
		free(l);
		kis_cred_wipe(&cred);
		return fail(err, errlen, 1, "out of memory");
	}
	uv_loop_init(&l->loop);
	signal(SIGPIPE, SIG_IGN);
	if (opt->mode != LIVE_PAPER && !cred.hts_id[0])
		live_log(l, CORE_LOG_WARN, NULL, "no KIS_HTS_ID: no execution notices, fills come from polls only");
	int status = build(l, &cred, err, errlen);
	if (opt->mode == LIVE_REAL && status == 0)
		announce_real(l, &cred);
	kis_cred_wipe(&cred);
	const char *jpath = opt->cfg->live.journal;
	if (status == 0 && jpath[0]) {
		/* Its directory, one level, private (out/ in the example configs). */
		char dir[CONFIG_PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", jpath);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			mkdir(dir, 0700);
		}
		if (journal_open(jpath, &l->jr, err, errlen) != KE_OK ||
		    journal_run_begin(l->jr, live_wall_ms(), live_mode_name(opt->mode), opt->cfg->kis.env,
		                      &l->run_id) != KE_OK) {
			if (l->jr)
				snprintf(err, errlen, "journal %s: %s", jpath, journal_errmsg(l->jr));
			status = 2;
		}
	}
	if (status == 0 && lvc_open(l, err, errlen) != KE_OK)
		status = 1;
	if (status == 0) {
		struct core_observer obs = lvb_observer(l);
		core_set_observer(core, &obs);
	}
	if (status == 0) {
		uv_timer_init(&l->loop, &l->clock);
		uv_signal_init(&l->loop, &l->sigint);
		uv_signal_init(&l->loop, &l->sigterm);
		uv_signal_init(&l->loop, &l->sigusr1);
		l->clock.data = l->sigint.data = l->sigterm.data = l->sigusr1.data = l;
		l->handles = 4;
		uv_timer_start(&l->clock, on_clock, CLOCK_TICK_MS, CLOCK_TICK_MS);
		uv_signal_start(&l->sigint, on_signal, SIGINT);
		uv_signal_start(&l->sigterm, on_signal, SIGTERM);
		uv_signal_start(&l->sigusr1, on_sigusr1, SIGUSR1);
		l->begun_mono = (int64_t)uv_now(&l->loop);
		/* Quotes first: limit prices need each symbol's previous close. */
		int32_t n = core_symbol_count(core);
		l->quotes_pending = n;
		for (int32_t i = 0; i < n && !l->stopping; i++) {
			struct sym_req *qr = malloc(sizeof(*qr));
			if (qr) {
				qr->l = l;
				qr->sym = i;
			}
			if (!qr || kis_client_quote(l->client, core_symbol_name(core, i), on_quote, qr) != KE_OK) {
				free(qr);
				live_stop(l, 1, "cannot ask for quotes");
			}
		}
		uv_run(&l->loop, UV_RUN_DEFAULT);
		status = l->status;
		if (l->fatal[0])
			snprintf(err, errlen, "%s", l->fatal);
	} else {
		if (l->ws)
			kis_ws_close(l->ws);
		if (l->kbroker)
			kis_broker_free(l->kbroker);
		kis_client_close(l->client);
		uv_run(&l->loop, UV_RUN_DEFAULT);
	}
	if (l->ws)
		kis_ws_free(l->ws);
	uv_run(&l->loop, UV_RUN_DEFAULT);
	kis_feed_free(l->feed);
	simbroker_free(l->sbroker);
	struct core_observer none = {0};
	core_set_observer(core, &none);
	core_set_calendar(core, NULL, NULL);
	lvc_close(l);
	if (l->jr) {
		journal_run_end(l->jr, l->run_id, live_wall_ms(), l->status == 0 ? "stopped" : "failed");
		journal_close(l->jr);
	}
	free(l->jid);
	free(l->held);
	for (int i = 0; i < nst; i++)
		free(l->state_blob[i]);
	free(l->state_blob);
	free(l->state_len);
	free(l->day_start_eq);
	free(l->fills_today);
	free(l->state_bad);
	uv_loop_close(&l->loop);
	free(l);
	return status;
}
