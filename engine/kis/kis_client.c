/*
 * kis_client.c - one call = one struct call that travels:
 *
 *   new -> (token) -> rate queue -> HTTP -> answer -> deliver
 *                        ^                    |
 *                        +---- next page, ----+  (queries only: EGW00201,
 *                              retry             expired token, paging)
 *
 * Orders never take the retry edge: an order's answer is delivered as it
 * came, with the outcome telling the caller whether it may have taken
 * effect (see kis_client.h). The answer-specific work (what to send, how to
 * read a page, when to ask for another) lives in kis_client_ops.c.
 */
#include "kis_client.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kis_client_internal.h"
#include "kis_rate.h"
#include "ktime.h"

void kis_client_config_default(struct kis_client_config *cfg, enum kis_env env)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->env = env;
	cfg->rate_per_sec = -1;
	cfg->order_timeout_ms = 5000;
	cfg->query_timeout_ms = 10000;
	cfg->token_timeout_ms = 10000;
	cfg->token_min_interval_ms = 61000;
	cfg->query_retries = 5;
	cfg->max_pages = 50;
	cfg->custtype = 'P';
	cfg->max_in_flight = 4;
}

const char *kis_outcome_name(enum kis_outcome o)
{
	switch (o) {
	case KIS_OUTCOME_OK: return "ok";
	case KIS_OUTCOME_FAILED: return "failed";
	case KIS_OUTCOME_UNKNOWN: return "unknown";
	}
	return "?";
}

void kcl_error(struct kis_error *e, int rc, enum kis_outcome outcome, enum kis_reply_kind kind, int http_status,
               const char *code, const char *fmt, ...)
{
	memset(e, 0, sizeof(*e));
	e->rc = rc;
	e->outcome = outcome;
	e->kind = kind;
	e->http_status = http_status;
	snprintf(e->code, sizeof(e->code), "%s", code ? code : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

int64_t kis_client_now_ms(const struct kis_client *c)
{
	if (c->cfg.now_ms)
		return c->cfg.now_ms(c->cfg.now_ud);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t kis_client_market_ms(const struct kis_client *c)
{
	return c->cfg.market_ms ? c->cfg.market_ms(c->cfg.market_ud) : kis_client_now_ms(c);
}

void kis_client_today(const struct kis_client *c, char out[9])
{
	int32_t day = ktime_kst_day(kis_client_market_ms(c));
	snprintf(out, 9, "%08d", (int)ktime_yyyymmdd(day));
}

const struct kis_endpoint *kis_client_endpoint(const struct kis_client *c)
{
	return c ? &c->ep : NULL;
}

struct kis_auth *kis_client_auth(struct kis_client *c)
{
	return c ? c->auth : NULL;
}

size_t kis_client_pending(const struct kis_client *c)
{
	return c ? c->ncalls : 0;
}

int64_t kis_client_sent_ns(const struct kis_client *c)
{
	return c ? c->cur_sent_ns : 0;
}

static void kcl_finish_now(struct call *k, const struct kis_error *e);

/* ---- life cycle ---- */

static void on_timer_closed(uv_handle_t *h)
{
	struct kcl_timers *t = h->data;
	if (--t->open == 0)
		free(t);
}

static void on_pump_timer(uv_timer_t *t);
static void on_defer_timer(uv_timer_t *t);

int kis_client_new(uv_loop_t *loop, const struct kis_client_config *cfg, const struct kis_credentials *cred,
                   struct kis_client **out, char *err, size_t errlen)
{
	if (!out || !loop || !cfg || !cred) {
		snprintf(err ? err : (char[1]){0}, err ? errlen : 1, "kis_client: missing argument");
		return KE_EINVAL;
	}
	*out = NULL;
	if (cfg->order_timeout_ms <= 0 || cfg->query_timeout_ms <= 0 || cfg->token_timeout_ms <= 0 ||
	    cfg->query_retries < 0 || cfg->max_pages < 1 || cfg->rate_per_sec < -1 || cfg->rate_per_sec > 10000 ||
	    cfg->max_in_flight < 1 || cfg->max_in_flight > 64 || (cfg->custtype != 'P' && cfg->custtype != 'B')) {
		if (err && errlen)
			snprintf(err, errlen,
			         "kis_client: a timeout, retry count, page limit, rate or custtype is out of range");
		return KE_EINVAL;
	}
	struct kis_client *c = calloc(1, sizeof(*c));
	if (!c) {
		if (err && errlen)
			snprintf(err, errlen, "kis_client: out of memory");
		return KE_ENOMEM;
	}
	c->loop = loop;
	c->cfg = *cfg;
	/* The strings the caller gave are not kept. */
	c->cfg.base_url = c->cfg.ws_url = c->cfg.ca_file = c->cfg.cache_dir = NULL;
	c->cred = *cred;
	int rc = kis_env_endpoint(cfg->env, cfg->base_url, cfg->ws_url, &c->ep, err, errlen);
	if (rc != KE_OK)
		goto fail;
	int per_sec = cfg->rate_per_sec >= 0 ? cfg->rate_per_sec : (cfg->env == KIS_ENV_REAL ? 18 : 1);
	struct kis_rate_config rcfg;
	kis_rate_config_default(&rcfg, per_sec);
	rc = kis_rate_new(&rcfg, &c->rate);
	if (rc != KE_OK) {
		if (err && errlen)
			snprintf(err, errlen, "kis_client: cannot create the rate limiter");
		goto fail;
	}
	struct kis_http_config hcfg = {.ca_file = cfg->ca_file, .max_host_connections = cfg->max_in_flight};
	rc = kis_http_new(loop, &hcfg, &c->http);
	if (rc != KE_OK) {
		if (err && errlen)
			snprintf(err, errlen, "kis_client: cannot start the HTTP gateway: %s", ke_strerror(rc));
		goto fail;
	}
	struct kis_auth_config acfg;
	kis_auth_config_default(&acfg);
	acfg.cache_dir = cfg->cache_dir;
	acfg.timeout_ms = cfg->token_timeout_ms;
	acfg.min_issue_interval_ms = cfg->token_min_interval_ms;
	acfg.now_ms = cfg->now_ms;
	acfg.now_ud = cfg->now_ud;
	rc = kis_auth_new(loop, c->http, &c->ep, &c->cred, &acfg, &c->auth, err, errlen);
	if (rc != KE_OK)
		goto fail;
	c->timers = calloc(1, sizeof(*c->timers));
	if (!c->timers) {
		rc = KE_ENOMEM;
		goto fail;
	}
	c->timers->c = c;
	uv_timer_init(loop, &c->timers->pump);
	uv_timer_init(loop, &c->timers->defer);
	c->timers->pump.data = c->timers->defer.data = c->timers;
	c->timers->open = 2;
	*out = c;
	return KE_OK;
fail:
	if (c->auth)
		kis_auth_close(c->auth);
	if (c->http)
		kis_http_close(c->http);
	kis_rate_free(c->rate);
	kis_cred_wipe(&c->cred);
	free(c);
	return rc;
}

static void destroy(struct kis_client *c)
{
	kis_rate_free(c->rate);
	kis_cred_wipe(&c->cred);
	free(c);
}

/* Around every entry from the loop (HTTP answers, tokens, timers): the
 * caller's callback may close the client; the memory goes on leaving. */
static void enter(struct kis_client *c)
{
	c->depth++;
}

static void leave(struct kis_client *c)
{
	if (--c->depth == 0 && c->dead)
		destroy(c);
}

void kis_client_close(struct kis_client *c)
{
	if (!c || c->closing)
		return;
	c->closing = 1;
	/* Waiters for a token fail first, then requests on the wire, then the
	 * queued ones: each finishes its call exactly once. */
	kis_auth_close(c->auth);
	struct kis_error e;
	for (struct call *k = c->calls; k;) {
		struct call *next = k->next;
		if (k->in_http)
			kis_http_abort(c->http, k->http_id);
		k = next;
	}
	while (c->deferred) {
		struct call *k = c->deferred;
		c->deferred = k->next;
		kcl_finish_now(k, &k->deferred_err);
	}
	while (c->calls) {
		struct call *k = c->calls;
		if (k->item.queued)
			kis_rate_remove(c->rate, &k->item);
		kcl_error(&e, KE_ESTATE, k->sent_any ? KIS_OUTCOME_UNKNOWN : KIS_OUTCOME_FAILED, KIS_REPLY_TRANSPORT, 0,
		          "", "shutting down");
		kcl_finish(k, &e);
	}
	kis_http_close(c->http);
	c->timers->c = NULL;
	uv_close((uv_handle_t *)&c->timers->pump, on_timer_closed);
	uv_close((uv_handle_t *)&c->timers->defer, on_timer_closed);
	if (c->depth > 0)
		c->dead = 1; /* a callback of ours is still on the stack: it frees */
	else
		destroy(c);
}

/* ---- the call's journey ---- */

struct call *kcl_call_new(struct kis_client *c, enum kcl_kind kind)
{
	struct call *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->c = c;
	k->kind = kind;
	return k;
}

static void link_call(struct call *k)
{
	struct kis_client *c = k->c;
	k->next = c->calls;
	if (c->calls)
		c->calls->prev = k;
	c->calls = k;
	c->ncalls++;
}

static void unlink_call(struct call *k)
{
	struct kis_client *c = k->c;
	if (k->prev)
		k->prev->next = k->next;
	else
		c->calls = k->next;
	if (k->next)
		k->next->prev = k->prev;
	c->ncalls--;
}

static void kcl_finish_now(struct call *k, const struct kis_error *e)
{
	struct kis_client *c = k->c;
	c->cur_sent_ns = k->sent_ns;
	kcl_deliver(k, e);
	c->cur_sent_ns = 0;
	kcl_call_free(k);
}

static void on_defer_timer(uv_timer_t *t)
{
	struct kcl_timers *tm = t->data;
	struct kis_client *c = tm->c;
	if (!c)
		return;
	enter(c);
	while (!c->closing && c->deferred) {
		struct call *k = c->deferred;
		c->deferred = k->next;
		kcl_finish_now(k, &k->deferred_err);
	}
	leave(c);
}

void kcl_finish(struct call *k, const struct kis_error *e)
{
	struct kis_client *c = k->c;
	unlink_call(k);
	if (!c->starting || c->closing || !e) {
		kcl_finish_now(k, e);
		return;
	}
	/* Inside kis_client_*(): the caller must not see its callback yet. */
	k->deferred_err = *e;
	k->next = c->deferred;
	c->deferred = k;
	uv_timer_start(&c->timers->defer, on_defer_timer, 0, 0);
}

static void pump(struct kis_client *c);

static void on_pump_timer(uv_timer_t *t)
{
	struct kcl_timers *tm = t->data;
	struct kis_client *c = tm->c;
	if (!c)
		return;
	enter(c);
	pump(c);
	leave(c);
}

static void enqueue(struct call *k)
{
	struct kis_client *c = k->c;
	kis_rate_push(c->rate, &k->item, k->is_order ? KIS_RATE_ORDER : KIS_RATE_QUERY);
	pump(c);
}

static void on_token(void *ud, const char *value, const struct kis_auth_error *ae)
{
	struct call *k = ud;
	struct kis_client *c = k->c;
	k->waiting_token = 0;
	enter(c);
	if (!value) {
		struct kis_error e;
		kcl_error(&e, ae->rc, KIS_OUTCOME_FAILED, ae->kind, 0, ae->code, "%s", ae->msg);
		kcl_finish(k, &e);
	} else if (!c->closing) {
		enqueue(k);
	}
	leave(c);
}

/* Queue the call once a token is at hand. */
static void acquire(struct call *k)
{
	struct kis_client *c = k->c;
	if (kis_auth_current(c->auth, KIS_AUTH_TOKEN)) {
		enqueue(k);
		return;
	}
	k->waiting_token = 1;
	int rc = kis_auth_get(c->auth, KIS_AUTH_TOKEN, on_token, k);
	if (rc != KE_OK) {
		k->waiting_token = 0;
		struct kis_error e;
		kcl_error(&e, rc, KIS_OUTCOME_FAILED, KIS_REPLY_TRANSPORT, 0, "", "cannot obtain a token: %s",
		          ke_strerror(rc));
		kcl_finish(k, &e);
	}
}

int kcl_start(struct call *k)
{
	struct kis_client *c = k->c;
	link_call(k);
	c->starting++;
	acquire(k);
	c->starting--;
	return KE_OK;
}

static void on_http(void *ud, const struct kis_http_response *r);

/* Header lines for the request in k: the common set of §3, plus the
 * hashkey when one was obtained. Written into k->hdr_buf. */
static size_t build_headers(struct call *k, const char *token, const char **lines)
{
	struct kis_client *c = k->c;
	char *p = k->hdr_buf, *end = k->hdr_buf + sizeof(k->hdr_buf);
	size_t n = 0;
#define ADD(...)                                                                                                       \
	do {                                                                                                           \
		int w_ = snprintf(p, (size_t)(end - p), __VA_ARGS__);                                                  \
		if (w_ < 0 || w_ >= end - p)                                                                           \
			return 0;                                                                                      \
		lines[n++] = p;                                                                                        \
		p += w_ + 1;                                                                                           \
	} while (0)
	ADD("content-type: application/json; charset=utf-8");
	ADD("accept: application/json");
	if (k->stage == KCL_STAGE_HASHKEY) {
		ADD("appkey: %s", c->cred.app_key);
		ADD("appsecret: %s", c->cred.app_secret);
		return n;
	}
	ADD("authorization: Bearer %s", token);
	ADD("appkey: %s", c->cred.app_key);
	ADD("appsecret: %s", c->cred.app_secret);
	ADD("tr_id: %s", k->tr_id);
	ADD("custtype: %c", c->cfg.custtype);
	if (k->next_page)
		ADD("tr_cont: N");
	if (k->hashkey[0])
		ADD("hashkey: %s", k->hashkey);
#undef ADD
	return n;
}

static void send_call(struct call *k)
{
	struct kis_client *c = k->c;
	const char *token = kis_auth_current(c->auth, KIS_AUTH_TOKEN);
	if (!token && k->stage != KCL_STAGE_HASHKEY) {
		/* It expired while queued: fetch a new one; the slot is spent. */
		acquire(k);
		return;
	}
	if (token)
		snprintf(k->token, sizeof(k->token), "%s", token);
	char url[KIS_URL_MAX + KCL_QUERY_MAX + 64];
	int w;
	if (k->stage == KCL_STAGE_HASHKEY)
		w = snprintf(url, sizeof(url), "%s/uapi/hashkey", c->ep.base_url);
	else if (k->method == KIS_HTTP_GET)
		w = snprintf(url, sizeof(url), "%s%s?%s", c->ep.base_url, k->path, k->query);
	else
		w = snprintf(url, sizeof(url), "%s%s", c->ep.base_url, k->path);
	const char *lines[12];
	size_t nl = build_headers(k, token, lines);
	struct kis_error e;
	if (w < 0 || (size_t)w >= sizeof(url) || nl == 0) {
		kcl_error(&e, KE_ELIMIT, KIS_OUTCOME_FAILED, KIS_REPLY_TRANSPORT, 0, "", "request too long");
		kcl_finish(k, &e);
		return;
	}
	struct kis_http_request rq = {.method = k->stage == KCL_STAGE_HASHKEY ? KIS_HTTP_POST : k->method,
	                              .url = url,
	                              .headers = lines,
	                              .nheaders = nl,
	                              .body = k->body,
	                              .body_len = k->body_len,
	                              .timeout_ms = k->is_order ? c->cfg.order_timeout_ms : c->cfg.query_timeout_ms};
	int rc = kis_http_send(c->http, &rq, on_http, k, &k->http_id);
	memset(k->hdr_buf, 0, sizeof(k->hdr_buf));
	if (rc != KE_OK) {
		kcl_error(&e, rc, KIS_OUTCOME_FAILED, KIS_REPLY_TRANSPORT, 0, "", "request not sent: %s",
		          ke_strerror(rc));
		kcl_finish(k, &e);
		return;
	}
	k->in_http = 1;
	c->in_flight++;
}

static void pump(struct kis_client *c)
{
	if (c->closing || c->pumping)
		return;
	c->pumping = 1;
	uv_update_time(c->loop);
	int64_t wait = -1;
	struct kis_rate_item *it;
	/* A full wire leaves the backlog in the priority queue; each answer pumps. */
	while (!c->closing && c->in_flight < c->cfg.max_in_flight &&
	       (it = kis_rate_next(c->rate, (int64_t)uv_now(c->loop), &wait)) != NULL)
		send_call((struct call *)it);
	if (c->in_flight >= c->cfg.max_in_flight)
		wait = -1;
	c->pumping = 0;
	if (!c->closing && wait >= 0)
		uv_timer_start(&c->timers->pump, on_pump_timer, (uint64_t)wait, 0);
}

void kcl_requeue(struct call *k)
{
	acquire(k);
}

/* The hashkey answer: {"BODY": {...}, "HASH": "..."}; anything else means
 * the order itself was never sent. */
static int read_hashkey(struct call *k, const struct kis_http_response *r, struct kis_error *e)
{
	struct kis_reply rep;
	kis_reply_parse((int)r->http_code, r->body, r->body_len, NULL, &rep);
	const cJSON *h = rep.root ? cJSON_GetObjectItemCaseSensitive(rep.root, "HASH") : NULL;
	int ok = r->http_code == 200 && cJSON_IsString(h) && h->valuestring[0] &&
	         strlen(h->valuestring) < sizeof(k->hashkey);
	if (ok)
		snprintf(k->hashkey, sizeof(k->hashkey), "%s", h->valuestring);
	else
		kcl_error(e, KE_EIO, KIS_OUTCOME_FAILED, rep.kind, (int)r->http_code, rep.msg_cd,
		          "hashkey refused, order not sent: %s", rep.msg[0] ? rep.msg : "no HASH in the answer");
	kis_reply_free(&rep);
	return ok ? KE_OK : KE_EIO;
}

/* A transport failure: whether an order may have reached KIS. */
static enum kis_outcome transport_outcome(const struct call *k, const struct kis_http_response *r)
{
	if (!k->is_order || k->stage == KCL_STAGE_HASHKEY)
		return KIS_OUTCOME_FAILED;
	if (r->status == KIS_HTTP_CONNECT || (r->status == KIS_HTTP_ABORTED && r->sent_ns == 0))
		return KIS_OUTCOME_FAILED;
	return KIS_OUTCOME_UNKNOWN;
}

static void answer(struct call *k, const struct kis_http_response *r, const char *token);

static void on_http(void *ud, const struct kis_http_response *r)
{
	struct call *k = ud;
	struct kis_client *c = k->c;
	k->in_http = 0;
	c->in_flight--;
	if (r->sent_ns) {
		k->sent_ns = r->sent_ns;
		if (k->stage == KCL_STAGE_MAIN)
			k->sent_any = 1;
	}
	/* The token this request carried: KIS may say it has expired. */
	char token[KIS_REPLY_TOKEN_MAX];
	memcpy(token, k->token, sizeof(token));
	memset(k->token, 0, sizeof(k->token));
	enter(c);
	answer(k, r, token);
	memset(token, 0, sizeof(token));
	pump(c);
	leave(c);
}

static void answer(struct call *k, const struct kis_http_response *r, const char *token)
{
	struct kis_client *c = k->c;
	struct kis_error e;
	if (r->status != KIS_HTTP_DONE) {
		enum kis_outcome o = transport_outcome(k, r);
		kcl_error(&e, KE_EIO, o, KIS_REPLY_TRANSPORT, 0, "", "%s%s",
		          o == KIS_OUTCOME_UNKNOWN ? "no answer, outcome unknown: " : "", r->error);
		kcl_finish(k, &e);
		return;
	}
	if (k->stage == KCL_STAGE_HASHKEY) {
		if (read_hashkey(k, r, &e) != KE_OK) {
			kcl_finish(k, &e);
			return;
		}
		k->stage = KCL_STAGE_MAIN;
		kcl_requeue(k);
		return;
	}
	struct kis_reply rep;
	kis_reply_parse((int)r->http_code, r->body, r->body_len, r->tr_cont, &rep);
	uv_update_time(c->loop);
	int64_t now = (int64_t)uv_now(c->loop);
	int again = 0;
	switch (rep.kind) {
	case KIS_REPLY_OK:
		kis_rate_ok(c->rate);
		if (k->is_order) {
			/* Whatever is wrong with the body now, the order was taken. */
			int prc = kcl_on_page(k, &rep, &e);
			if (prc < 0) {
				e.outcome = KIS_OUTCOME_UNKNOWN;
				kis_reply_free(&rep);
				kcl_finish(k, &e);
				return;
			}
			break;
		}
		again = kcl_on_page(k, &rep, &e);
		if (again < 0) {
			kis_reply_free(&rep);
			kcl_finish(k, &e);
			return;
		}
		break;
	case KIS_REPLY_RATE_LIMIT:
		kis_rate_throttled(c->rate, now);
		if (!k->is_order && k->retries < c->cfg.query_retries) {
			k->retries++;
			again = 1;
			break;
		}
		kcl_error(&e, KE_ELIMIT, KIS_OUTCOME_FAILED, rep.kind, rep.http_status, rep.msg_cd, "%s%s", rep.msg,
		          k->is_order ? " (order not taken)" : "");
		kis_reply_free(&rep);
		kcl_finish(k, &e);
		return;
	case KIS_REPLY_TOKEN_EXPIRED:
	case KIS_REPLY_TOKEN_INVALID:
		kis_auth_invalidate(c->auth, KIS_AUTH_TOKEN, token);
		if (!k->is_order && !k->token_retried) {
			k->token_retried = 1;
			again = 1;
			break;
		}
		kcl_error(&e, KE_ESTATE, KIS_OUTCOME_FAILED, rep.kind, rep.http_status, rep.msg_cd, "%s%s", rep.msg,
		          k->is_order ? " (order not taken; the token is re-issued for the next call)" : "");
		kis_reply_free(&rep);
		kcl_finish(k, &e);
		return;
	case KIS_REPLY_TRANSPORT:
		/* An HTTP answer without KIS's envelope (a proxy's error page, a
		 * cut body): an order may have gone through behind it. */
		kcl_error(&e, KE_EIO, k->is_order ? KIS_OUTCOME_UNKNOWN : KIS_OUTCOME_FAILED, rep.kind, rep.http_status,
		          "", "%s", rep.msg);
		kis_reply_free(&rep);
		kcl_finish(k, &e);
		return;
	default:
		kcl_error(&e, KE_ESTATE, KIS_OUTCOME_FAILED, rep.kind, rep.http_status, rep.msg_cd, "%s", rep.msg);
		kis_reply_free(&rep);
		kcl_finish(k, &e);
		return;
	}
	kis_reply_free(&rep);
	if (again)
		kcl_requeue(k);
	else
		kcl_finish(k, NULL);
}
