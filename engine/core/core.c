/*
 * core.c - the engine core: symbols, strategies, the clock, timers and the
 * queues that deliver broker events and strategy notifications in order.
 *
 * Orders, reservations and fills live in core_orders.c.
 */
#include "core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "krx.h"
#include "ktime.h"

void core_config_default(struct core_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	fee_model_default(&cfg->fees);
	cfg->market_reserve = CORE_RESERVE_UPPER_LIMIT;
	cfg->reserve_ticks = 0;
}

/* ---- FIFO ---- */

static void fifo_init(struct core_fifo *q, size_t item)
{
	memset(q, 0, sizeof(*q));
	q->item = item;
}

static int fifo_push(struct core_fifo *q, const void *item)
{
	if (q->len == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 64;
		unsigned char *nb = malloc(ncap * q->item);
		if (!nb)
			return KE_ENOMEM;
		for (size_t i = 0; i < q->len; i++)
			memcpy(nb + i * q->item, q->buf + ((q->head + i) % q->cap) * q->item, q->item);
		free(q->buf);
		q->buf = nb;
		q->cap = ncap;
		q->head = 0;
	}
	memcpy(q->buf + ((q->head + q->len) % q->cap) * q->item, item, q->item);
	q->len++;
	return KE_OK;
}

static int fifo_pop(struct core_fifo *q, void *out)
{
	if (q->len == 0)
		return 0;
	memcpy(out, q->buf + q->head * q->item, q->item);
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return 1;
}

/* ---- life cycle ---- */

int core_new(const struct core_config *cfg, struct core **out)
{
	struct core *c = calloc(1, sizeof(*c));
	if (!c)
		return KE_ENOMEM;
	if (cfg)
		c->cfg = *cfg;
	else
		core_config_default(&c->cfg);
	c->cur_day = -1;
	c->last_event_day = -1;
	fifo_init(&c->inbox, sizeof(struct broker_event));
	fifo_init(&c->notes, sizeof(struct core_note));
	if (order_table_new(&c->orders) != KE_OK || sched_new(&c->sched) != KE_OK) {
		core_free(c);
		return KE_ENOMEM;
	}
	*out = c;
	return KE_OK;
}

void core_free(struct core *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nstrats; i++) {
		struct core_strat *s = &c->strats[i];
		if (s->hooks.destroy)
			s->hooks.destroy(s->impl);
		portfolio_free(&s->pf);
		free(s->subs);
	}
	free(c->strats);
	for (int32_t i = 0; i < c->nsyms; i++) {
		free(c->syms[i].book);
		for (int k = 0; k < CORE_HIST_KINDS; k++)
			free(c->syms[i].hist[k]);
	}
	free(c->syms);
	free(c->symhash);
	free(c->price_vec);
	free(c->inbox.buf);
	free(c->notes.buf);
	order_table_free(c->orders);
	sched_free(c->sched);
	free(c);
}

void core_set_broker(struct core *c, const struct broker *b)
{
	c->broker = *b;
	c->has_broker = 1;
}

void core_set_log(struct core *c, const struct core_log_sink *sink)
{
	c->log = *sink;
}

void core_set_observer(struct core *c, const struct core_observer *obs)
{
	c->obs = *obs;
}

static void sink_emit(void *ctx, const struct broker_event *ev)
{
	struct core *c = ctx;
	if (fifo_push(&c->inbox, ev) != KE_OK)
		core_emit_log(c, -1, CORE_LOG_ERROR, "out of memory queueing a broker event: event lost");
}

struct broker_sink core_broker_sink(struct core *c)
{
	struct broker_sink s = {c, sink_emit};
	return s;
}

int64_t core_now(const struct core *c)
{
	return c->now;
}

/* ---- logging ---- */

int core_log_enabled(const struct core *c, enum core_log_level level)
{
	return c->log.log && level >= c->log.min_level;
}

void core_emit_log(struct core *c, int strategy, enum core_log_level level, const char *msg)
{
	if (!core_log_enabled(c, level))
		return;
	const char *name = strategy >= 0 && strategy < c->nstrats ? c->strats[strategy].name : NULL;
	c->log.log(c->log.ctx, level, name, c->now, msg);
}

void core_log(struct core *c, int strategy, enum core_log_level level, const char *fmt, ...)
{
	char buf[1024];
	if (!core_log_enabled(c, level))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	core_emit_log(c, strategy, level, buf);
}

/* ---- symbols ---- */

static uint64_t sym_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int symhash_rebuild(struct core *c, size_t cap)
{
	int32_t *t = calloc(cap, sizeof(*t));
	if (!t)
		return KE_ENOMEM;
	for (int32_t i = 0; i < c->nsyms; i++) {
		size_t j = sym_hash(c->syms[i].code) & (cap - 1);
		while (t[j])
			j = (j + 1) & (cap - 1);
		t[j] = i + 1;
	}
	free(c->symhash);
	c->symhash = t;
	c->symhash_cap = cap;
	return KE_OK;
}

int core_symbol_find(const struct core *c, const char *code, int32_t *out)
{
	if (!c->symhash_cap)
		return KE_ENOENT;
	size_t j = sym_hash(code) & (c->symhash_cap - 1);
	for (; c->symhash[j]; j = (j + 1) & (c->symhash_cap - 1)) {
		int32_t i = c->symhash[j] - 1;
		if (strcmp(c->syms[i].code, code) == 0) {
			*out = i;
			return KE_OK;
		}
	}
	return KE_ENOENT;
}

int core_symbol_intern(struct core *c, const char *code, int32_t *out)
{
	size_t n = strlen(code);
	if (n == 0 || n >= KE_SYMBOL_MAX)
		return KE_EINVAL;
	if (core_symbol_find(c, code, out) == KE_OK)
		return KE_OK;
	if (c->nsyms == c->capsyms) {
		int32_t ncap = c->capsyms ? c->capsyms * 2 : 16;
		struct core_symbol *ns = realloc(c->syms, (size_t)ncap * sizeof(*ns));
		if (!ns)
			return KE_ENOMEM;
		c->syms = ns;
		int64_t *pv = realloc(c->price_vec, (size_t)ncap * sizeof(*pv));
		if (!pv)
			return KE_ENOMEM;
		c->price_vec = pv;
		c->capsyms = ncap;
	}
	struct core_symbol *s = &c->syms[c->nsyms];
	memset(s, 0, sizeof(*s));
	memcpy(s->code, code, n + 1);
	s->last_day = -1;
	c->price_vec[c->nsyms] = 0;
	c->nsyms++;
	if ((size_t)c->nsyms * 2 > c->symhash_cap) {
		if (symhash_rebuild(c, c->symhash_cap ? c->symhash_cap * 2 : 64) != KE_OK) {
			c->nsyms--;
			return KE_ENOMEM;
		}
	} else {
		size_t j = sym_hash(code) & (c->symhash_cap - 1);
		while (c->symhash[j])
			j = (j + 1) & (c->symhash_cap - 1);
		c->symhash[j] = c->nsyms;
	}
	*out = c->nsyms - 1;
	return KE_OK;
}

const char *core_symbol_name(const struct core *c, int32_t sym)
{
	return sym >= 0 && sym < c->nsyms ? c->syms[sym].code : NULL;
}

int32_t core_symbol_count(const struct core *c)
{
	return c->nsyms;
}

void core_set_prev_close(struct core *c, int32_t sym, int64_t price)
{
	if (sym >= 0 && sym < c->nsyms && price > 0)
		c->syms[sym].prev_close = price;
}

int64_t core_prev_close(const struct core *c, int32_t sym)
{
	return sym >= 0 && sym < c->nsyms ? c->syms[sym].prev_close : 0;
}

int64_t core_last_price(const struct core *c, int32_t sym)
{
	return sym >= 0 && sym < c->nsyms ? c->syms[sym].last_price : 0;
}

/* ---- strategies ---- */

int core_add_strategy(struct core *c, const struct strategy_spec *spec, const struct strategy_hooks *hooks, void *impl,
                      int *out_index)
{
	int rc = KE_EINVAL;
	if (!spec || !hooks || spec->cash < 0 || c->started)
		goto fail;
	rc = KE_ENOMEM;
	if (c->nstrats == c->capstrats) {
		int ncap = c->capstrats ? c->capstrats * 2 : 4;
		struct core_strat *ns = realloc(c->strats, (size_t)ncap * sizeof(*ns));
		if (!ns)
			goto fail;
		c->strats = ns;
		c->capstrats = ncap;
	}
	struct core_strat *s = &c->strats[c->nstrats];
	memset(s, 0, sizeof(*s));
	if (portfolio_init(&s->pf, spec->cash) != KE_OK)
		goto fail;
	snprintf(s->name, sizeof(s->name), "%s", spec->name ? spec->name : "strategy");
	s->hooks = *hooks;
	s->impl = impl;
	s->initial_cash = spec->cash;
	s->risk = spec->risk;
	s->halt_on_error = spec->halt_on_error;
	s->day_start_equity = spec->cash;
	s->max_data_age_ms = spec->max_data_age_ms > 0 ? spec->max_data_age_ms : 0;
	*out_index = c->nstrats++;
	return KE_OK;
fail:
	if (hooks && hooks->destroy)
		hooks->destroy(impl);
	return rc;
}

int core_set_max_data_age(struct core *c, int strategy, int64_t max_data_age_ms)
{
	if (strategy < 0 || strategy >= c->nstrats || max_data_age_ms < 0)
		return KE_EINVAL;
	c->strats[strategy].max_data_age_ms = max_data_age_ms;
	return KE_OK;
}

int core_subscribe(struct core *c, int strategy, int32_t sym)
{
	if (strategy < 0 || strategy >= c->nstrats || sym < 0 || sym >= c->nsyms)
		return KE_EINVAL;
	struct core_strat *s = &c->strats[strategy];
	if (sym >= s->nsubs_cap) {
		int32_t ncap = c->capsyms > sym ? c->capsyms : sym + 1;
		unsigned char *n = realloc(s->subs, (size_t)ncap);
		if (!n)
			return KE_ENOMEM;
		memset(n + s->nsubs_cap, 0, (size_t)(ncap - s->nsubs_cap));
		s->subs = n;
		s->nsubs_cap = ncap;
	}
	if (!s->subs[sym]) {
		s->subs[sym] = 1;
		s->nsubs++;
	}
	return KE_OK;
}

int core_subscribed(const struct core_strat *s, int32_t sym)
{
	return s->nsubs == 0 || (sym < s->nsubs_cap && s->subs[sym]);
}

int core_strategy_count(const struct core *c)
{
	return c->nstrats;
}

const char *core_strategy_name(const struct core *c, int strategy)
{
	return strategy >= 0 && strategy < c->nstrats ? c->strats[strategy].name : NULL;
}

const char *core_strategy_halted(const struct core *c, int strategy)
{
	if (strategy < 0 || strategy >= c->nstrats || !c->strats[strategy].halted)
		return NULL;
	return c->strats[strategy].halt_reason;
}

int core_strategy_failed(const struct core *c, int strategy)
{
	return strategy >= 0 && strategy < c->nstrats && c->strats[strategy].failed;
}

int core_halt_strategy(struct core *c, int strategy, const char *reason)
{
	if (strategy < 0 || strategy >= c->nstrats)
		return KE_EINVAL;
	struct core_strat *s = &c->strats[strategy];
	if (s->halted)
		return KE_OK;
	s->halted = 1;
	snprintf(s->halt_reason, sizeof(s->halt_reason), "%s", reason ? reason : "halted");
	core_log(c, strategy, CORE_LOG_ERROR, "strategy halted: %s", s->halt_reason);
	return core_cancel_all(c, strategy);
}

/* A hook failed: log it with the host's message and apply the strategy's
 * error policy. */
void core_strategy_error(struct core *c, int strategy, const char *hook)
{
	struct core_strat *s = &c->strats[strategy];
	const char *msg = s->hooks.last_error ? s->hooks.last_error(s->impl) : NULL;
	char reason[KE_REASON_MAX];
	snprintf(reason, sizeof(reason), "error in %s: %s", hook, msg ? msg : "unknown error");
	if (s->halt_on_error) {
		/* The full message (with traceback) goes to the log; the halt reason is its first line. */
		core_log(c, strategy, CORE_LOG_ERROR, "error in %s: %s", hook, msg ? msg : "unknown error");
		char *nl = strchr(reason, '\n');
		if (nl)
			*nl = '\0';
		s->failed = !s->halted;
		core_halt_strategy(c, strategy, reason);
	} else {
		core_log(c, strategy, CORE_LOG_ERROR, "error in %s (strategy keeps running): %s", hook,
		         msg ? msg : "unknown error");
	}
}

/* Each call_* runs one hook of one strategy, if it has it and is running. */
#define CALL_HOOK(c, i, hook, ...)                                                                                     \
	do {                                                                                                           \
		struct core_strat *s_ = &(c)->strats[i];                                                               \
		if (!s_->halted && s_->hooks.hook && s_->hooks.hook(s_->impl, __VA_ARGS__) != KE_OK)                   \
			core_strategy_error((c), (i), #hook);                                                          \
	} while (0)

void core_call_hook(struct core *c, int i, int (*hook)(void *), const char *name)
{
	struct core_strat *s = &c->strats[i];
	if (!s->halted && hook && hook(s->impl) != KE_OK)
		core_strategy_error(c, i, name);
}

/* ---- equity and totals ---- */

int64_t core_cash(const struct core *c, int strategy)
{
	return strategy >= 0 && strategy < c->nstrats ? c->strats[strategy].pf.cash : 0;
}

int64_t core_available_cash(const struct core *c, int strategy)
{
	return strategy >= 0 && strategy < c->nstrats ? portfolio_available_cash(&c->strats[strategy].pf) : 0;
}

int64_t core_equity(const struct core *c, int strategy)
{
	if (strategy < 0 || strategy >= c->nstrats)
		return 0;
	const struct portfolio *pf = &c->strats[strategy].pf;
	return pf->cash + portfolio_position_value(pf, c->price_vec, c->nsyms);
}

void core_totals(const struct core *c, int strategy, struct core_totals *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < c->nstrats; i++) {
		if (strategy >= 0 && i != strategy)
			continue;
		const struct core_strat *s = &c->strats[i];
		out->initial_cash += s->initial_cash;
		out->cash += s->pf.cash;
		out->position_value += portfolio_position_value(&s->pf, c->price_vec, c->nsyms);
		out->fees += s->pf.fees;
		out->taxes += s->pf.taxes;
		out->realized += s->pf.realized;
	}
}

int core_position(const struct core *c, int strategy, int32_t sym, struct core_position *out)
{
	memset(out, 0, sizeof(*out));
	if (strategy < 0 || strategy >= c->nstrats || sym < 0 || sym >= c->nsyms)
		return KE_EINVAL;
	const struct position *p = portfolio_peek(&c->strats[strategy].pf, sym);
	if (!p)
		return KE_OK;
	out->qty = p->qty;
	out->available = p->qty - p->reserved_qty;
	out->avg_price = portfolio_avg_price(p);
	out->cost = p->cost;
	out->realized = p->realized;
	return KE_OK;
}

/* Daily loss limit of one strategy. */
void core_check_daily_loss(struct core *c, int strategy)
{
	struct core_strat *s = &c->strats[strategy];
	if (s->halted || s->risk.daily_loss_limit <= 0)
		return;
	int64_t eq = core_equity(c, strategy);
	if (!risk_daily_loss_hit(&s->risk, s->day_start_equity, eq))
		return;
	char why[KE_REASON_MAX];
	snprintf(why, sizeof(why), "daily loss limit: equity %lld KRW is %lld below the day's start %lld (limit %lld)",
	         (long long)eq, (long long)(s->day_start_equity - eq), (long long)s->day_start_equity,
	         (long long)s->risk.daily_loss_limit);
	core_halt_strategy(c, strategy, why);
}

/* The engine-wide daily loss limit halts every strategy. */
static void check_engine_daily_loss(struct core *c)
{
	if (c->cfg.risk.daily_loss_limit <= 0)
		return;
	struct core_totals t;
	core_totals(c, -1, &t);
	if (!risk_daily_loss_hit(&c->cfg.risk, c->day_start_equity, t.cash + t.position_value))
		return;
	for (int i = 0; i < c->nstrats; i++)
		core_halt_strategy(c, i, "engine daily loss limit reached");
}

/* ---- queues ---- */

int core_note_push(struct core *c, const struct core_note *n)
{
	int rc = fifo_push(&c->notes, n);
	if (rc != KE_OK)
		core_emit_log(c, n->strategy, CORE_LOG_ERROR, "out of memory queueing a notification: it is lost");
	return rc;
}

static void deliver_note(struct core *c, const struct core_note *n)
{
	if (n->kind == NOTE_FILL) {
		CALL_HOOK(c, n->strategy, on_fill, &n->u.fill);
		if (c->obs.fill_delivered)
			c->obs.fill_delivered(c->obs.ctx, &n->u.fill);
		return;
	}
	CALL_HOOK(c, n->strategy, on_order, &n->u.order);
	/* The observer saw the end at once and the strategy has now heard of it:
	 * nothing refers to the order any more, so memory stays flat. */
	if (order_is_terminal(&n->u.order))
		order_table_release(c->orders, n->u.order.id);
}

int core_pump(struct core *c)
{
	if (c->pumping)
		return KE_OK; /* the outer pump will get to it */
	c->pumping = 1;
	for (;;) {
		struct broker_event ev;
		struct core_note n;
		if (fifo_pop(&c->inbox, &ev)) {
			core_orders_on_broker_event(c, &ev);
			continue;
		}
		if (fifo_pop(&c->notes, &n)) {
			deliver_note(c, &n);
			continue;
		}
		break;
	}
	c->pumping = 0;
	return KE_OK;
}

/* ---- market events ---- */

static void note_price(struct core *c, int32_t sym, int64_t time, int64_t price)
{
	struct core_symbol *s = &c->syms[sym];
	/* The clock was advanced to time, so cur_day is its day. A print that
	 * arrives late does not make the data look younger than it is. */
	if (time > s->last_time)
		s->last_time = time;
	s->last_price = price;
	s->last_day = c->cur_day;
	c->price_vec[sym] = price;
	c->last_event_day = c->cur_day;
}

/* After a price change, strategies holding sym may have crossed a loss limit. */
static void check_losses_for(struct core *c, int32_t sym)
{
	for (int i = 0; i < c->nstrats; i++) {
		if (c->strats[i].risk.daily_loss_limit <= 0)
			continue;
		const struct position *p = portfolio_peek(&c->strats[i].pf, sym);
		if (p && p->qty != 0)
			core_check_daily_loss(c, i);
	}
	check_engine_daily_loss(c);
}

int core_on_tick(struct core *c, const struct tick *t)
{
	if (t->sym < 0 || t->sym >= c->nsyms)
		return KE_EINVAL;
	if (t->time > c->now)
		core_advance(c, t->time);
	note_price(c, t->sym, t->time, t->price);
	core_pump(c); /* fills from this tick come before on_tick */
	check_losses_for(c, t->sym);
	for (int i = 0; i < c->nstrats; i++) {
		if (core_subscribed(&c->strats[i], t->sym)) {
			CALL_HOOK(c, i, on_tick, t);
			core_pump(c);
		}
	}
	return core_pump(c); /* a halt above may have queued cancels */
}

int core_on_bar(struct core *c, const struct bar *b)
{
	if (b->sym < 0 || b->sym >= c->nsyms)
		return KE_EINVAL;
	if (b->time > c->now)
		core_advance(c, b->time);
	note_price(c, b->sym, b->time, b->close);
	core_pump(c);
	check_losses_for(c, b->sym);
	for (int i = 0; i < c->nstrats; i++) {
		if (core_subscribed(&c->strats[i], b->sym)) {
			CALL_HOOK(c, i, on_bar, b);
			core_pump(c);
		}
	}
	return core_pump(c);
}

/* ---- order books and the feed ---- */

int core_on_book(struct core *c, const struct book *b)
{
	if (!b || b->sym < 0 || b->sym >= c->nsyms)
		return KE_EINVAL;
	struct core_symbol *s = &c->syms[b->sym];
	/* One allocation per symbol for the whole run; every later book is a copy. */
	if (!s->book) {
		s->book = malloc(sizeof(*s->book));
		if (!s->book)
			return KE_ENOMEM;
	}
	*s->book = *b;
	return KE_OK;
}

const struct book *core_book(const struct core *c, int32_t sym)
{
	return sym >= 0 && sym < c->nsyms ? c->syms[sym].book : NULL;
}

void core_set_feed_status(struct core *c, const struct feed_status *st)
{
	if (!st)
		return;
	c->feed = *st;
	c->feed_set = 1;
}

void core_feed_status(const struct core *c, struct feed_status *out)
{
	if (c->feed_set) {
		*out = c->feed;
		return;
	}
	/* Backtests have no feed to lose: report one that is up and silent. */
	memset(out, 0, sizeof(*out));
	out->connected = 1;
}
