/*
 * rate.c - kis-sim's per-account REST rate limit.
 *
 * Sliding window: each key keeps the instants of its last per_sec accepted
 * requests in a ring; a request is accepted when the oldest of them is at
 * least 1000 ms old, i.e. fewer than per_sec accepted requests lie in
 * (now - 1000, now]. Fixed window: a count per wall-clock second.
 * Either way the cost is O(1) per request and per_sec instants per key.
 */
#include "simrate.h"

#include <stdlib.h>
#include <string.h>

#define WINDOW_MS 1000

struct keywin {
	uint64_t allowed;
	uint64_t rejected;
	int64_t second; /* fixed: the wall-clock second counted */
	int count;      /* fixed: accepted in that second; sliding: instants in the ring */
	int head;       /* sliding: index of the oldest instant */
	int64_t newest; /* last accepted instant, to notice a clock stepping back */
};

struct simrate {
	struct simrate_config cfg;
	int nkeys;
	struct keywin *k;
	int64_t *ring; /* nkeys * per_sec instants (sliding only) */
};

void simrate_config_default(struct simrate_config *cfg, enum simacct_env env)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->per_sec = env == SIMACCT_REAL ? 18 : 1;
	cfg->window = SIMRATE_SLIDING;
	cfg->status = 500;
}

static int valid(int per_sec, enum simrate_window window)
{
	return per_sec >= 0 && per_sec <= SIMRATE_MAX_PER_SEC && (window == SIMRATE_SLIDING || window == SIMRATE_FIXED);
}

/* Fresh windows for the current per_sec/window; counters stay. */
static int reset_windows(struct simrate *r)
{
	free(r->ring);
	r->ring = NULL;
	if (r->cfg.window == SIMRATE_SLIDING && r->cfg.per_sec > 0 && r->nkeys > 0) {
		r->ring = calloc((size_t)r->nkeys * (size_t)r->cfg.per_sec, sizeof(*r->ring));
		if (r->ring == NULL)
			return KE_ENOMEM;
	}
	for (int i = 0; i < r->nkeys; i++) {
		r->k[i].count = 0;
		r->k[i].head = 0;
		r->k[i].second = 0;
		r->k[i].newest = INT64_MIN;
	}
	return KE_OK;
}

int simrate_new(const struct simrate_config *cfg, int nkeys, struct simrate **out)
{
	if (out == NULL)
		return KE_EINVAL;
	*out = NULL;
	if (cfg == NULL || nkeys < 0 || nkeys > SIMACCT_MAX || !valid(cfg->per_sec, cfg->window) || cfg->status < 100 ||
	    cfg->status > 599)
		return KE_EINVAL;
	struct simrate *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return KE_ENOMEM;
	r->cfg = *cfg;
	r->nkeys = nkeys;
	r->k = calloc(nkeys > 0 ? (size_t)nkeys : 1, sizeof(*r->k));
	if (r->k == NULL || reset_windows(r) != KE_OK) {
		simrate_free(r);
		return KE_ENOMEM;
	}
	*out = r;
	return KE_OK;
}

void simrate_free(struct simrate *r)
{
	if (r == NULL)
		return;
	free(r->ring);
	free(r->k);
	free(r);
}

int simrate_set(struct simrate *r, int per_sec, enum simrate_window window)
{
	if (!valid(per_sec, window))
		return KE_EINVAL;
	struct simrate_config old = r->cfg;
	r->cfg.per_sec = per_sec;
	r->cfg.window = window;
	if (reset_windows(r) != KE_OK) {
		/* Keep a working limiter: the old rate with fresh windows, or
		 * none at all if even that cannot be allocated. */
		r->cfg = old;
		if (reset_windows(r) != KE_OK)
			r->cfg.per_sec = 0;
		return KE_ENOMEM;
	}
	return KE_OK;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Whether key w may make a request at now; records it when so. */
static int admit(struct simrate *r, int key, struct keywin *w, int64_t now)
{
	int n = r->cfg.per_sec;
	if (w->newest != INT64_MIN && now < w->newest) {
		w->count = 0;
		w->head = 0;
	}
	if (r->cfg.window == SIMRATE_FIXED) {
		int64_t sec = floor_div(now, WINDOW_MS);
		if (w->count == 0 || sec != w->second) {
			w->second = sec;
			w->count = 0;
		}
		if (w->count >= n)
			return 0;
		w->count++;
		w->newest = now;
		return 1;
	}
	int64_t *ring = r->ring + (size_t)key * (size_t)n;
	if (w->count == n) {
		if (now - ring[w->head] < WINDOW_MS)
			return 0;
		/* Full ring: the oldest instant makes room for now. */
		ring[w->head] = now;
		w->head = (w->head + 1) % n;
	} else {
		ring[(w->head + w->count) % n] = now;
		w->count++;
	}
	w->newest = now;
	return 1;
}

int simrate_check(struct simrate *r, int key, int64_t now_ms, struct simauth_reply *rep)
{
	if (key < 0 || key >= r->nkeys) {
		rep->status = 500;
		rep->shape = SIMAUTH_SHAPE_ENVELOPE;
		rep->rt_cd = "1";
		rep->code = "EGW00201";
		rep->message = "초당 거래건수를 초과하였습니다.";
		return KE_EINVAL;
	}
	struct keywin *w = &r->k[key];
	if (r->cfg.per_sec == 0 || admit(r, key, w, now_ms)) {
		w->allowed++;
		rep->status = 200;
		rep->shape = SIMAUTH_SHAPE_NONE;
		rep->rt_cd = "0";
		rep->code = "";
		rep->message = "";
		return KE_OK;
	}
	w->rejected++;
	rep->status = r->cfg.status;
	rep->shape = SIMAUTH_SHAPE_ENVELOPE;
	rep->rt_cd = "1";
	rep->code = "EGW00201";
	rep->message = "초당 거래건수를 초과하였습니다.";
	return KE_ELIMIT;
}

void simrate_counters(const struct simrate *r, int key, struct simrate_counters *out)
{
	out->allowed = 0;
	out->rejected = 0;
	for (int i = 0; i < r->nkeys; i++) {
		if (key >= 0 && i != key)
			continue;
		out->allowed += r->k[i].allowed;
		out->rejected += r->k[i].rejected;
	}
}
