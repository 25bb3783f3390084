/*
 * kis_rate.c - sliding-window REST rate limiter with two FIFO priority
 * classes and EGW00201 backoff.
 *
 * The window is kept as a ring of the last per_sec send times. A send may go
 * at now when fewer than per_sec sends lie in (now - window_ms, now], that is
 * when the oldest of the last per_sec sends is at least window_ms old: only
 * the newest per_sec sends can ever decide, so the ring never needs more.
 */
#include "kis_rate.h"

#include <stdlib.h>

#include "ke_common.h"

struct kis_rate_queue {
	struct kis_rate_item *head, *tail;
	size_t n;
};

struct kis_rate {
	struct kis_rate_config cfg;
	struct kis_rate_queue q[2];
	int64_t *ring;       /* per_sec send times; NULL when unlimited */
	size_t ring_next;    /* where the next send time goes: the oldest slot */
	size_t ring_used;    /* slots filled so far (< per_sec until warmed up) */
	int64_t last_now;    /* latest time seen, so a stray earlier now cannot reopen the window */
	int64_t pause_until; /* no send before this (EGW00201 backoff) */
	int64_t backoff;     /* the last pause; 0 after a success */
};

void kis_rate_config_default(struct kis_rate_config *cfg, int per_sec)
{
	if (cfg == NULL)
		return;
	cfg->per_sec = per_sec;
	/* 10 ms above a second: our clock and KIS's need not tick together. */
	cfg->window_ms = 1010;
	cfg->backoff_min_ms = 250;
	cfg->backoff_max_ms = 4000;
}

int kis_rate_new(const struct kis_rate_config *cfg, struct kis_rate **out)
{
	if (out != NULL)
		*out = NULL;
	if (cfg == NULL || out == NULL)
		return KE_EINVAL;
	if (cfg->per_sec < 0 || cfg->per_sec > 10000 || cfg->window_ms < 1 || cfg->window_ms > 60000 ||
	    cfg->backoff_min_ms < 1 || cfg->backoff_min_ms > cfg->backoff_max_ms || cfg->backoff_max_ms > 600000)
		return KE_EINVAL;
	struct kis_rate *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return KE_ENOMEM;
	r->cfg = *cfg;
	if (cfg->per_sec > 0) {
		r->ring = calloc((size_t)cfg->per_sec, sizeof(*r->ring));
		if (r->ring == NULL) {
			free(r);
			return KE_ENOMEM;
		}
	}
	r->last_now = INT64_MIN;
	r->pause_until = INT64_MIN;
	*out = r;
	return KE_OK;
}

void kis_rate_free(struct kis_rate *r)
{
	if (r == NULL)
		return;
	/* Items belong to the caller; only mark them free so they can be queued again. */
	for (int c = 0; c < 2; c++) {
		struct kis_rate_item *it = r->q[c].head;
		while (it != NULL) {
			struct kis_rate_item *next = it->next;
			it->next = NULL;
			it->queued = 0;
			it = next;
		}
	}
	free(r->ring);
	free(r);
}

int kis_rate_push(struct kis_rate *r, struct kis_rate_item *it, enum kis_rate_class cls)
{
	if (r == NULL || it == NULL || (cls != KIS_RATE_ORDER && cls != KIS_RATE_QUERY))
		return KE_EINVAL;
	if (it->queued)
		return KE_ESTATE;
	struct kis_rate_queue *q = &r->q[cls];
	it->next = NULL;
	it->queued = 1;
	it->cls = (int)cls;
	if (q->tail != NULL)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->n++;
	return KE_OK;
}

int kis_rate_remove(struct kis_rate *r, struct kis_rate_item *it)
{
	if (r == NULL || it == NULL || !it->queued || (it->cls != KIS_RATE_ORDER && it->cls != KIS_RATE_QUERY))
		return KE_ENOENT;
	/* A scan, not a back pointer: queues are short and this proves the
	 * item is queued here rather than in another limiter. */
	struct kis_rate_queue *q = &r->q[it->cls];
	struct kis_rate_item *prev = NULL;
	for (struct kis_rate_item *p = q->head; p != NULL; prev = p, p = p->next) {
		if (p != it)
			continue;
		if (prev != NULL)
			prev->next = p->next;
		else
			q->head = p->next;
		if (q->tail == p)
			q->tail = prev;
		q->n--;
		it->next = NULL;
		it->queued = 0;
		return KE_OK;
	}
	return KE_ENOENT;
}

/* Times beyond +-2^62 ms (146 million years) are clamped so that adding a
 * window or a pause can never overflow. */
#define KIS_RATE_TIME_MAX ((int64_t)1 << 62)

static int64_t clamp_now(struct kis_rate *r, int64_t now_ms)
{
	if (now_ms > KIS_RATE_TIME_MAX)
		now_ms = KIS_RATE_TIME_MAX;
	if (now_ms < -KIS_RATE_TIME_MAX)
		now_ms = -KIS_RATE_TIME_MAX;
	if (now_ms < r->last_now)
		now_ms = r->last_now;
	r->last_now = now_ms;
	return now_ms;
}

/* Milliseconds until a send may go at now (0: now). */
static int64_t wait_for(const struct kis_rate *r, int64_t now_ms)
{
	int64_t w = 0;
	if (r->pause_until > now_ms)
		w = r->pause_until - now_ms;
	if (r->ring != NULL && r->ring_used == (size_t)r->cfg.per_sec) {
		int64_t free_at = r->ring[r->ring_next] + r->cfg.window_ms;
		if (free_at - now_ms > w)
			w = free_at - now_ms;
	}
	return w;
}

static void record(struct kis_rate *r, int64_t now_ms)
{
	if (r->ring == NULL)
		return;
	r->ring[r->ring_next] = now_ms;
	r->ring_next = (r->ring_next + 1) % (size_t)r->cfg.per_sec;
	if (r->ring_used < (size_t)r->cfg.per_sec)
		r->ring_used++;
}

struct kis_rate_item *kis_rate_next(struct kis_rate *r, int64_t now_ms, int64_t *wait_ms)
{
	if (wait_ms != NULL)
		*wait_ms = -1;
	if (r == NULL)
		return NULL;
	now_ms = clamp_now(r, now_ms);
	struct kis_rate_queue *q = r->q[KIS_RATE_ORDER].head != NULL ? &r->q[KIS_RATE_ORDER] : &r->q[KIS_RATE_QUERY];
	if (q->head == NULL)
		return NULL;
	int64_t w = wait_for(r, now_ms);
	if (w > 0) {
		if (wait_ms != NULL)
			*wait_ms = w;
		return NULL;
	}
	struct kis_rate_item *it = q->head;
	q->head = it->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->n--;
	it->next = NULL;
	it->queued = 0;
	record(r, now_ms);
	if (wait_ms != NULL)
		*wait_ms = 0;
	return it;
}

void kis_rate_count(struct kis_rate *r, int64_t now_ms)
{
	if (r == NULL)
		return;
	record(r, clamp_now(r, now_ms));
}

void kis_rate_throttled(struct kis_rate *r, int64_t now_ms)
{
	if (r == NULL)
		return;
	now_ms = clamp_now(r, now_ms);
	if (r->backoff == 0)
		r->backoff = r->cfg.backoff_min_ms;
	else if (r->backoff * 2 < r->cfg.backoff_max_ms)
		r->backoff *= 2;
	else
		r->backoff = r->cfg.backoff_max_ms;
	/* Several answers of one burst may come back throttled: a later one
	 * never shortens a pause already running. */
	if (now_ms + r->backoff > r->pause_until)
		r->pause_until = now_ms + r->backoff;
}

void kis_rate_ok(struct kis_rate *r)
{
	/* The pause already running stays: the success may be an answer to a
	 * call sent before KIS began throttling. */
	if (r != NULL)
		r->backoff = 0;
}

size_t kis_rate_queued(const struct kis_rate *r, enum kis_rate_class cls)
{
	if (r == NULL || (cls != KIS_RATE_ORDER && cls != KIS_RATE_QUERY))
		return 0;
	return r->q[cls].n;
}
