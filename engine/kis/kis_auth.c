/*
 * kis_auth.c - access token and approval key acquisition (see kis_auth.h).
 *
 * Each kind has a slot: the value held in memory, the cache file, the
 * waiters, and a small state machine driven by one timer:
 *
 *   IDLE --get--> LOCKING --trylock ok--> (cache hit) --> IDLE, waiters served
 *                    |  ^ busy: timer          \--> ISSUING --answer--> IDLE
 *                    v  |                                  \--EGW00133--> WAITING
 *                 (retry)                       WAITING --timer--> LOCKING
 *
 * The lock is held only while the oauth request is in flight, so other
 * processes wait at most one request for it.
 */
#include "kis_auth.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ke_common.h"
#include "kis_tokcache.h"
#include "ktime.h"

enum slot_state { SLOT_IDLE = 0, SLOT_LOCKING, SLOT_ISSUING, SLOT_WAITING };

struct waiter {
	struct waiter *next;
	kis_auth_fn fn;
	void *ud;
};

struct slot {
	struct kis_auth *auth;
	enum kis_auth_kind kind;
	enum slot_state state;
	struct kis_tokcache *cache;
	char value[KIS_REPLY_TOKEN_MAX];
	int64_t expires_ms;    /* 0: nothing held */
	int64_t last_issue_ms; /* when this process last sent an issue request */
	int64_t first_wait_ms; /* when the oldest waiter asked */
	int64_t issued;        /* successful issues by this process */
	struct waiter *waiters, **tail;
	uv_timer_t timer;
	uint64_t http_id;
	int in_flight;
};

struct kis_auth {
	uv_loop_t *loop;
	struct kis_http *http;
	const struct kis_endpoint *ep;
	const struct kis_credentials *cred;
	struct kis_auth_config cfg;
	struct slot slots[2];
	int closing;
	int open_handles;
	/* Delivery of callbacks on a later loop turn. */
	uv_idle_t deliver;
	int deliver_active;
};

static const char *const kind_path[2] = {"/oauth2/tokenP", "/oauth2/Approval"};
static const char *const kind_name[2] = {"access token", "approval key"};

static int64_t wall_ms(const struct kis_auth *a)
{
	if (a->cfg.now_ms)
		return a->cfg.now_ms(a->cfg.now_ud);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_err(struct kis_auth_error *e, int rc, enum kis_reply_kind kind, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void set_err(struct kis_auth_error *e, int rc, enum kis_reply_kind kind, const char *code, const char *fmt, ...)
{
	memset(e, 0, sizeof(*e));
	e->rc = rc;
	e->kind = kind;
	snprintf(e->code, sizeof(e->code), "%s", code ? code : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void kis_auth_config_default(struct kis_auth_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout_ms = 10000;
	cfg->min_issue_interval_ms = 61000;
	cfg->refresh_margin_ms = KIS_TOKCACHE_MARGIN_MS;
	cfg->give_up_ms = 180000;
	cfg->lock_retry_ms = 50;
}

/* ---- waiters ---- */

/* Hand every waiter the outcome. Callbacks may call kis_auth_get again: the
 * list is detached first so new waiters start a fresh round. */
static void serve(struct slot *s, const struct kis_auth_error *e)
{
	struct waiter *w = s->waiters;
	s->waiters = NULL;
	s->tail = &s->waiters;
	s->first_wait_ms = 0;
	char copy[KIS_REPLY_TOKEN_MAX];
	snprintf(copy, sizeof(copy), "%s", s->value);
	while (w) {
		struct waiter *next = w->next;
		w->fn(w->ud, e ? NULL : copy, e);
		free(w);
		w = next;
	}
	memset(copy, 0, sizeof(copy));
}

static int held(const struct slot *s, int64_t now)
{
	return s->expires_ms > 0 && s->expires_ms - now > s->auth->cfg.refresh_margin_ms;
}

static void on_deliver(uv_idle_t *h)
{
	struct kis_auth *a = h->data;
	int64_t now = wall_ms(a);
	for (int k = 0; k < 2; k++) {
		struct slot *s = &a->slots[k];
		if (s->state == SLOT_IDLE && s->waiters && held(s, now))
			serve(s, NULL);
	}
	uv_idle_stop(h);
	a->deliver_active = 0;
}

static void schedule_delivery(struct kis_auth *a)
{
	if (!a->deliver_active) {
		a->deliver_active = 1;
		uv_idle_start(&a->deliver, on_deliver);
	}
}

/* ---- the state machine ---- */

static void step(struct slot *s);

static void on_timer(uv_timer_t *t)
{
	step(t->data);
}

static void arm(struct slot *s, int64_t delay_ms)
{
	uv_timer_start(&s->timer, on_timer, (uint64_t)(delay_ms > 0 ? delay_ms : 0), 0);
}

static void fail_all(struct slot *s, const struct kis_auth_error *e)
{
	s->state = SLOT_IDLE;
	serve(s, e);
}

/* Approval keys are kept for their KST day (KIS: valid 24 h, "issue one a
 * day"); expiring at the next KST midnight keeps that without a clock of
 * its own. */
static int64_t approval_expiry(int64_t now)
{
	int32_t day = ktime_kst_day(now);
	int64_t end = ktime_day_start(day + 1);
	int64_t day_later = now + 24LL * 3600 * 1000;
	return end < day_later ? end : day_later;
}

static void unlock(struct slot *s)
{
	if (s->cache) /* NULL once kis_auth_close closed it (which drops the lock) */
		kis_tokcache_unlock(s->cache);
}

static void issued_answer(struct slot *s, const struct kis_http_response *r)
{
	struct kis_auth *a = s->auth;
	if (a->closing)
		return;
	struct kis_auth_error e;
	if (r->status != KIS_HTTP_DONE) {
		set_err(&e, KE_EIO, KIS_REPLY_TRANSPORT, "", "%s request failed: %s", kind_name[s->kind], r->error);
		fail_all(s, &e);
		return;
	}
	struct kis_reply rep;
	struct kis_token tok;
	char key[KIS_REPLY_APPROVAL_MAX];
	int64_t now = wall_ms(a);
	int64_t expires = 0;
	const char *value = NULL;
	if (s->kind == KIS_AUTH_TOKEN) {
		kis_reply_parse_token((int)r->http_code, r->body, r->body_len, &rep, &tok);
		value = tok.token;
		expires = tok.expires_ms;
	} else {
		kis_reply_parse_approval((int)r->http_code, r->body, r->body_len, &rep, key, sizeof(key));
		value = key;
		expires = approval_expiry(now);
	}
	kis_reply_free(&rep);
	if (rep.kind == KIS_REPLY_TOKEN_THROTTLED) {
		/* Wait the minute out; the waiters stay. */
		s->state = SLOT_WAITING;
		if (now - s->first_wait_ms >= a->cfg.give_up_ms) {
			set_err(&e, KE_ELIMIT, rep.kind, rep.msg_cd,
			        "%s: KIS refused the issue (%s %s) and %lld ms have passed", kind_name[s->kind],
			        rep.msg_cd, rep.msg, (long long)a->cfg.give_up_ms);
			fail_all(s, &e);
			return;
		}
		arm(s, a->cfg.min_issue_interval_ms);
		return;
	}
	if (rep.kind != KIS_REPLY_OK) {
		set_err(&e, rep.kind == KIS_REPLY_TRANSPORT ? KE_EIO : KE_ESTATE, rep.kind, rep.msg_cd,
		        "%s refused: %s%s%s (HTTP %d)", kind_name[s->kind], rep.msg_cd, *rep.msg_cd ? " " : "", rep.msg,
		        rep.http_status);
		fail_all(s, &e);
		return;
	}
	if (expires <= now) {
		set_err(&e, KE_EIO, KIS_REPLY_TRANSPORT, "", "%s answer expires in the past", kind_name[s->kind]);
		fail_all(s, &e);
		return;
	}
	snprintf(s->value, sizeof(s->value), "%s", value);
	s->expires_ms = expires;
	s->issued++;
	char cerr[256];
	/* A failed store costs a re-issue later, not this run: carry on. */
	(void)kis_tokcache_store(s->cache, s->value, expires, now, cerr, sizeof(cerr));
	memset(&tok, 0, sizeof(tok));
	memset(key, 0, sizeof(key));
	s->state = SLOT_IDLE;
	serve(s, NULL);
}

static void on_issued(void *ud, const struct kis_http_response *r)
{
	struct slot *s = ud;
	s->in_flight = 0;
	/* The lock is released only once the new credential is in the file:
	 * the next process to take it must find it there, not issue again
	 * (KIS would answer EGW00133 within the minute). */
	issued_answer(s, r);
	unlock(s);
}

static int send_issue(struct slot *s)
{
	struct kis_auth *a = s->auth;
	cJSON *b = cJSON_CreateObject();
	if (!b)
		return KE_ENOMEM;
	int ok = cJSON_AddStringToObject(b, "grant_type", "client_credentials") &&
	         cJSON_AddStringToObject(b, "appkey", a->cred->app_key) &&
	         cJSON_AddStringToObject(b, s->kind == KIS_AUTH_TOKEN ? "appsecret" : "secretkey", a->cred->app_secret);
	char *body = ok ? cJSON_PrintUnformatted(b) : NULL;
	cJSON_Delete(b);
	if (!body)
		return KE_ENOMEM;
	char url[KIS_URL_MAX + 32];
	snprintf(url, sizeof(url), "%s%s", a->ep->base_url, kind_path[s->kind]);
	static const char *const headers[] = {"content-type: application/json; charset=utf-8",
	                                      "accept: application/json"};
	struct kis_http_request rq = {.method = KIS_HTTP_POST,
	                              .url = url,
	                              .headers = headers,
	                              .nheaders = 2,
	                              .body = body,
	                              .body_len = strlen(body),
	                              .timeout_ms = a->cfg.timeout_ms};
	int rc = kis_http_send(a->http, &rq, on_issued, s, &s->http_id);
	memset(body, 0, strlen(body));
	cJSON_free(body);
	if (rc == KE_OK)
		s->in_flight = 1;
	return rc;
}

static void step(struct slot *s)
{
	struct kis_auth *a = s->auth;
	struct kis_auth_error e;
	char cerr[256] = "";
	if (a->closing || !s->waiters) {
		s->state = SLOT_IDLE;
		return;
	}
	int64_t now = wall_ms(a);
	if (held(s, now)) {
		s->state = SLOT_IDLE;
		serve(s, NULL);
		return;
	}
	if (now - s->first_wait_ms >= a->cfg.give_up_ms) {
		set_err(&e, KE_ELIMIT, KIS_REPLY_TRANSPORT, "", "%s: gave up after %lld ms", kind_name[s->kind],
		        (long long)a->cfg.give_up_ms);
		fail_all(s, &e);
		return;
	}
	s->state = SLOT_LOCKING;
	int rc = kis_tokcache_trylock(s->cache, cerr, sizeof(cerr));
	if (rc == KE_ELIMIT) {
		arm(s, a->cfg.lock_retry_ms);
		return;
	}
	if (rc != KE_OK) {
		set_err(&e, rc, KIS_REPLY_TRANSPORT, "", "%s cache: %s", kind_name[s->kind], cerr);
		fail_all(s, &e);
		return;
	}
	char value[KIS_REPLY_TOKEN_MAX];
	int64_t expires = 0;
	rc = kis_tokcache_lookup(s->cache, now, a->cfg.refresh_margin_ms, value, sizeof(value), &expires, cerr,
	                         sizeof(cerr));
	if (rc == KE_OK) {
		unlock(s);
		snprintf(s->value, sizeof(s->value), "%s", value);
		memset(value, 0, sizeof(value));
		s->expires_ms = expires;
		s->state = SLOT_IDLE;
		serve(s, NULL);
		return;
	}
	/* KE_ENOENT (none, or nearly expired) and KE_EINVAL (corrupt: the
	 * store will repair it) lead to an issue; a file others may read is
	 * refused rather than used or overwritten. */
	if (rc != KE_ENOENT && rc != KE_EINVAL) {
		unlock(s);
		set_err(&e, rc, KIS_REPLY_TRANSPORT, "", "%s cache: %s", kind_name[s->kind], cerr);
		fail_all(s, &e);
		return;
	}
	if (s->kind == KIS_AUTH_TOKEN && s->last_issue_ms && now - s->last_issue_ms < a->cfg.min_issue_interval_ms) {
		unlock(s);
		s->state = SLOT_WAITING;
		arm(s, a->cfg.min_issue_interval_ms - (now - s->last_issue_ms));
		return;
	}
	s->state = SLOT_ISSUING;
	s->last_issue_ms = now;
	rc = send_issue(s);
	if (rc != KE_OK) {
		unlock(s);
		set_err(&e, rc, KIS_REPLY_TRANSPORT, "", "%s request could not be sent: %s", kind_name[s->kind],
		        ke_strerror(rc));
		fail_all(s, &e);
	}
}

/* ---- public API ---- */

static int fail(char *err, size_t errlen, int rc, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return rc;
}

static void on_handle_closed(uv_handle_t *h)
{
	struct kis_auth *a = h->data;
	if (--a->open_handles == 0)
		free(a);
}

static void on_slot_timer_closed(uv_handle_t *h)
{
	struct slot *s = h->data;
	struct kis_auth *a = s->auth;
	if (--a->open_handles == 0)
		free(a);
}

int kis_auth_new(uv_loop_t *loop, struct kis_http *http, const struct kis_endpoint *ep,
                 const struct kis_credentials *cred, const struct kis_auth_config *cfg, struct kis_auth **out,
                 char *err, size_t errlen)
{
	if (!out)
		return fail(err, errlen, KE_EINVAL, "kis_auth: no out");
	*out = NULL;
	if (!loop || !http || !ep || !cred)
		return fail(err, errlen, KE_EINVAL, "kis_auth: missing loop, http, endpoint or credentials");
	struct kis_auth *a = calloc(1, sizeof(*a));
	if (!a)
		return fail(err, errlen, KE_ENOMEM, "kis_auth: out of memory");
	a->loop = loop;
	a->http = http;
	a->ep = ep;
	a->cred = cred;
	if (cfg)
		a->cfg = *cfg;
	else
		kis_auth_config_default(&a->cfg);
	/* Below a second, an EGW00133 answer would be retried in a tight loop. */
	if (a->cfg.timeout_ms <= 0 || a->cfg.min_issue_interval_ms < 1000 || a->cfg.refresh_margin_ms < 0 ||
	    a->cfg.give_up_ms <= 0 || a->cfg.lock_retry_ms <= 0) {
		free(a);
		return fail(err, errlen, KE_EINVAL, "kis_auth: a timeout or interval is out of range");
	}
	/* One cache file per (environment, kind, app key). */
	char name[2][16];
	snprintf(name[0], sizeof(name[0]), "%s", kis_env_name(ep->env));
	snprintf(name[1], sizeof(name[1]), "%s-ws", kis_env_name(ep->env));
	for (int k = 0; k < 2; k++) {
		struct slot *s = &a->slots[k];
		s->auth = a;
		s->kind = (enum kis_auth_kind)k;
		s->tail = &s->waiters;
		int rc = kis_tokcache_open(&s->cache, a->cfg.cache_dir, name[k], cred->app_key, err, errlen);
		if (rc != KE_OK) {
			kis_tokcache_close(a->slots[0].cache);
			free(a);
			return rc;
		}
	}
	for (int k = 0; k < 2; k++) {
		uv_timer_init(loop, &a->slots[k].timer);
		a->slots[k].timer.data = &a->slots[k];
		a->open_handles++;
	}
	uv_idle_init(loop, &a->deliver);
	a->deliver.data = a;
	a->open_handles++;
	*out = a;
	return KE_OK;
}

void kis_auth_close(struct kis_auth *a)
{
	if (!a || a->closing)
		return;
	a->closing = 1;
	struct kis_auth_error e;
	set_err(&e, KE_ESTATE, KIS_REPLY_TRANSPORT, "", "shutting down");
	for (int k = 0; k < 2; k++) {
		struct slot *s = &a->slots[k];
		if (s->in_flight)
			kis_http_abort(a->http, s->http_id);
		serve(s, &e);
		memset(s->value, 0, sizeof(s->value));
		kis_tokcache_close(s->cache);
		s->cache = NULL;
		uv_close((uv_handle_t *)&s->timer, on_slot_timer_closed);
	}
	uv_close((uv_handle_t *)&a->deliver, on_handle_closed);
}

const char *kis_auth_current(struct kis_auth *a, enum kis_auth_kind kind)
{
	if (!a || (kind != KIS_AUTH_TOKEN && kind != KIS_AUTH_APPROVAL) || a->closing)
		return NULL;
	struct slot *s = &a->slots[kind];
	return held(s, wall_ms(a)) ? s->value : NULL;
}

int kis_auth_get(struct kis_auth *a, enum kis_auth_kind kind, kis_auth_fn fn, void *ud)
{
	if (!a || !fn || (kind != KIS_AUTH_TOKEN && kind != KIS_AUTH_APPROVAL))
		return KE_EINVAL;
	if (a->closing)
		return KE_ESTATE;
	struct slot *s = &a->slots[kind];
	struct waiter *w = calloc(1, sizeof(*w));
	if (!w)
		return KE_ENOMEM;
	w->fn = fn;
	w->ud = ud;
	if (!s->waiters)
		s->first_wait_ms = wall_ms(a);
	*s->tail = w;
	s->tail = &w->next;
	if (s->state == SLOT_IDLE) {
		if (held(s, wall_ms(a)))
			schedule_delivery(a);
		else {
			/* Start on the next turn so the callback never runs inside this call. */
			s->state = SLOT_LOCKING;
			arm(s, 0);
		}
	}
	return KE_OK;
}

void kis_auth_invalidate(struct kis_auth *a, enum kis_auth_kind kind, const char *value)
{
	if (!a || (kind != KIS_AUTH_TOKEN && kind != KIS_AUTH_APPROVAL) || a->closing || !value)
		return;
	struct slot *s = &a->slots[kind];
	if (strcmp(s->value, value) == 0) {
		memset(s->value, 0, sizeof(s->value));
		s->expires_ms = 0;
	}
	char cached[KIS_REPLY_TOKEN_MAX], cerr[256];
	/* Busy means another process is issuing right now: it will replace the
	 * file, so there is nothing to remove and no reason to block the loop. */
	if (kis_tokcache_trylock(s->cache, cerr, sizeof(cerr)) != KE_OK)
		return;
	/* now 0, margin 0: find it whatever its expiry, to compare. */
	if (kis_tokcache_lookup(s->cache, 0, 0, cached, sizeof(cached), NULL, cerr, sizeof(cerr)) == KE_OK &&
	    strcmp(cached, value) == 0)
		kis_tokcache_remove(s->cache, cerr, sizeof(cerr));
	kis_tokcache_unlock(s->cache);
	memset(cached, 0, sizeof(cached));
}

int kis_auth_status(struct kis_auth *a, enum kis_auth_kind kind, struct kis_auth_status *out)
{
	if (!a || !out || (kind != KIS_AUTH_TOKEN && kind != KIS_AUTH_APPROVAL))
		return KE_EINVAL;
	memset(out, 0, sizeof(*out));
	struct slot *s = &a->slots[kind];
	out->issued_here = s->issued;
	if (s->cache)
		snprintf(out->cache_path, sizeof(out->cache_path), "%s", kis_tokcache_path(s->cache));
	int64_t now = wall_ms(a);
	if (held(s, now)) {
		out->have = 1;
		out->expires_ms = s->expires_ms;
		return KE_OK;
	}
	if (!s->cache)
		return KE_OK;
	char value[KIS_REPLY_TOKEN_MAX], cerr[256];
	int64_t expires = 0;
	int rc = kis_tokcache_lookup(s->cache, now, 0, value, sizeof(value), &expires, cerr, sizeof(cerr));
	memset(value, 0, sizeof(value));
	if (rc == KE_OK) {
		out->have = 1;
		out->expires_ms = expires;
	}
	return rc == KE_OK || rc == KE_ENOENT ? KE_OK : rc;
}
