/*
 * core_clock.c - the core's clock: days, the market open/close hooks and
 * the strategies' timers, fired in (due time, creation) order.
 */
#include <stdio.h>

#include "core_internal.h"
#include "krx.h"
#include "ktime.h"

/* Timer kinds kept in sched_timer.kind. */
enum { TK_AFTER = 1, TK_EVERY, TK_DAILY, TK_MARKET_OPEN, TK_MARKET_CLOSE };

/* on_market_close runs once the 15:30:00.000 closing auction has printed:
 * events stamped exactly 15:30 still belong to the session. */
#define CORE_CLOSE_HOOK_MS (KRX_CLOSE_MS + 1)

/* First weekday occurrence of ms_of_day strictly after `after`. */
static int64_t next_daily(int64_t after, int64_t ms_of_day)
{
	int32_t day = ktime_kst_day(after);
	for (int i = 0; i < 10; i++, day++) {
		int wd = ktime_weekday(day);
		int64_t t = ktime_day_start(day) + ms_of_day;
		if (wd != 0 && wd != 6 && t > after)
			return t;
	}
	return INT64_MAX; /* unreachable: a weekday comes within 10 days */
}

static int arm(struct core *c, int owner, int kind, int64_t due, int64_t period, int64_t ref, int64_t id,
               int64_t *out_id)
{
	struct sched_timer t = {.id = id, .due = due, .owner = owner, .kind = kind, .period = period, .ref = ref};
	int64_t got;
	int rc = sched_add(c->sched, &t, &got);
	if (rc == KE_OK && out_id)
		*out_id = got;
	return rc;
}

/* The clock reaches a new KST day: yesterday's last trade becomes the
 * previous close, and daily baselines restart. */
static void enter_day(struct core *c, int32_t day)
{
	if (day == c->cur_day)
		return;
	c->cur_day = day;
	for (int32_t i = 0; i < c->nsyms; i++) {
		struct core_symbol *s = &c->syms[i];
		if (s->last_price > 0 && s->last_day >= 0 && s->last_day < day)
			s->prev_close = s->last_price;
	}
	struct core_totals t;
	core_totals(c, -1, &t);
	c->day_start_equity = t.cash + t.position_value;
	for (int i = 0; i < c->nstrats; i++)
		c->strats[i].day_start_equity = core_equity(c, i);
}

static void fire_timer(struct core *c, const struct sched_timer *t)
{
	if (t->kind == TK_MARKET_OPEN || t->kind == TK_MARKET_CLOSE) {
		for (int i = 0; i < c->nstrats; i++) {
			struct core_strat *s = &c->strats[i];
			core_call_hook(c, i,
			               t->kind == TK_MARKET_OPEN ? s->hooks.on_market_open : s->hooks.on_market_close,
			               t->kind == TK_MARKET_OPEN ? "on_market_open" : "on_market_close");
			core_pump(c);
		}
		return;
	}
	struct core_strat *s = &c->strats[t->owner];
	int final = t->kind == TK_AFTER;
	if (s->halted) {
		if (s->hooks.drop_timer)
			s->hooks.drop_timer(s->impl, t->id, t->ref);
		return;
	}
	c->firing_timer = t->id;
	c->firing_cancelled = 0;
	if (s->hooks.on_timer && s->hooks.on_timer(s->impl, t->id, t->ref, final) != KE_OK)
		core_strategy_error(c, t->owner, "timer");
	c->firing_timer = 0;
	core_pump(c);
}

/* Put a repeating timer back in the queue after it fired (or was skipped) at t->due. */
static void rearm(struct core *c, const struct sched_timer *t, int64_t now)
{
	int64_t due;
	switch (t->kind) {
	case TK_EVERY:
		/* Occurrences missed while no events came (nights, weekends) do not
		 * fire in a burst: the next one is the latest due by now. */
		due = t->due + t->period;
		if (due < now)
			due += (now - due) / t->period * t->period;
		break;
	case TK_DAILY:
	case TK_MARKET_OPEN:
	case TK_MARKET_CLOSE: due = next_daily(t->due, t->period); break;
	default: return;
	}
	if (t->owner >= 0 && c->strats[t->owner].halted)
		return;
	struct sched_timer n = *t;
	n.due = due;
	if (sched_add(c->sched, &n, NULL) != KE_OK)
		core_emit_log(c, t->owner, CORE_LOG_ERROR, "out of memory re-arming a timer: it stops");
}

static int is_daily_kind(int kind)
{
	return kind == TK_DAILY || kind == TK_MARKET_OPEN || kind == TK_MARKET_CLOSE;
}

int core_advance(struct core *c, int64_t now)
{
	if (now < c->now)
		now = c->now; /* the clock never runs backwards */
	int32_t now_day = ktime_kst_day(now);
	struct sched_timer t;
	while (sched_pop_due(c->sched, now, &t)) {
		int32_t day = ktime_kst_day(t.due);
		/* A day on which no event arrived (a holiday, a gap in the data) gets
		 * no daily timers: it lies after the last event's day and before now's. */
		int skip = is_daily_kind(t.kind) && ((day > c->last_event_day && day < now_day) ||
		                                     (c->cal_open && !c->cal_open(c->cal_ud, day)));
		if (!skip) {
			if (t.due > c->now)
				c->now = t.due;
			enter_day(c, ktime_kst_day(c->now));
			fire_timer(c, &t);
		}
		if (!c->firing_cancelled)
			rearm(c, &t, now);
		c->firing_cancelled = 0;
	}
	c->now = now;
	enter_day(c, now_day);
	return core_pump(c);
}

void core_set_calendar(struct core *c, int (*is_open)(void *ud, int32_t kst_day), void *ud)
{
	c->cal_open = is_open;
	c->cal_ud = ud;
}

int core_start(struct core *c, int64_t now)
{
	if (c->started)
		return KE_ESTATE;
	c->started = 1;
	c->now = now;
	enter_day(c, ktime_kst_day(now));
	/* A market open or close due exactly now still fires: it is due at or
	 * before the first event. */
	int rc = arm(c, -1, TK_MARKET_OPEN, next_daily(now - 1, KRX_OPEN_MS), KRX_OPEN_MS, 0, 0, NULL);
	if (rc == KE_OK)
		rc = arm(c, -1, TK_MARKET_CLOSE, next_daily(now - 1, CORE_CLOSE_HOOK_MS), CORE_CLOSE_HOOK_MS, 0, 0,
		         NULL);
	if (rc != KE_OK)
		return rc;
	for (int i = 0; i < c->nstrats; i++) {
		core_call_hook(c, i, c->strats[i].hooks.on_start, "on_start");
		core_pump(c);
	}
	return KE_OK;
}

static int finish(struct core *c, int rest_of_day)
{
	if (c->finished)
		return KE_ESTATE;
	c->finished = 1;
	/* Timers left on the last day of data still fire (e.g. a 15:15 flatten
	 * when the data ends at 15:10); later days had no data. */
	if (rest_of_day && c->last_event_day >= 0) {
		int64_t end = ktime_day_start(c->last_event_day) + KTIME_DAY_MS - 1;
		if (end > c->now)
			core_advance(c, end);
	}
	for (int i = 0; i < c->nstrats; i++) {
		core_call_hook(c, i, c->strats[i].hooks.on_stop, "on_stop");
		core_pump(c);
	}
	return KE_OK;
}

int core_finish(struct core *c)
{
	return finish(c, 1);
}

int core_stop(struct core *c)
{
	return finish(c, 0);
}

int core_timer_after(struct core *c, int strategy, int64_t delay_ms, int64_t period_ms, int64_t ref, int64_t *out_id)
{
	if (strategy < 0 || strategy >= c->nstrats || delay_ms < 0 || period_ms < 0 || delay_ms > CORE_MAX_DELAY ||
	    period_ms > CORE_MAX_DELAY)
		return KE_EINVAL;
	if (period_ms > 0)
		return arm(c, strategy, TK_EVERY, c->now + (delay_ms > 0 ? delay_ms : period_ms), period_ms, ref, 0,
		           out_id);
	return arm(c, strategy, TK_AFTER, c->now + delay_ms, 0, ref, 0, out_id);
}

int core_timer_daily(struct core *c, int strategy, int64_t ms_of_day, int64_t ref, int64_t *out_id)
{
	if (strategy < 0 || strategy >= c->nstrats || ms_of_day < 0 || ms_of_day >= KTIME_DAY_MS)
		return KE_EINVAL;
	/* Due now counts: a 09:00 timer made at 09:00:00.000 fires before that event. */
	return arm(c, strategy, TK_DAILY, next_daily(c->now - 1, ms_of_day), ms_of_day, ref, 0, out_id);
}

int core_timer_cancel(struct core *c, int strategy, int64_t id)
{
	(void)strategy; /* ids are unique across strategies; ownership is the host's concern */
	if (id > 0 && id == c->firing_timer) {
		/* Cancelled from its own callback: it is out of the queue while it
		 * runs, so the mark stops it from being re-armed. */
		c->firing_cancelled = 1;
		return KE_OK;
	}
	return sched_cancel(c->sched, id);
}
