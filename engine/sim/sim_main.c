/*
 * sim_main.c - kis-sim: a local server that speaks the KIS Open API (REST and
 * WebSocket) over the replayed backtest data.
 *
 * This file is the network glue and nothing else: libwebsockets serves HTTP
 * on one port and WebSocket on another (two vhosts on one event loop), the
 * replay timer feeds the venue, and every decision about what KIS would
 * answer is made by simrest (REST) and simws (WebSocket). The glue owns the
 * two clocks: the wall clock (credentials, rate limits, keepalives) and the
 * replayed market clock (orders, quotes, data frames).
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <libwebsockets.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ktime.h"
#include "mdmerge.h"
#include "simacct.h"
#include "simauth.h"
#include "simfault.h"
#include "simrate.h"
#include "simrest.h"
#include "simvenue.h"
#include "simws.h"

#define SIM_MAX_DATA   64
#define SIM_MAX_BODY   (1 << 20)
#define SIM_REPLAY_US  5000         /* replay timer period */
#define SIM_BATCH      20000        /* most records per replay turn */
#define SIM_QUEUE_HIGH 4096         /* frames queued to one client before the replay waits */
#define SIM_WS_RX      (512 * 1024) /* receive buffer: whole frames, not 4 KiB pieces */
#define SIM_COALESCE   (64 * 1024)  /* bytes of queued frames sent in one write */

/* ---- state ---- */

struct frame {
	struct frame *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE bytes of headroom, then the text */
};

struct ws_pss {
	struct sim *sim;
	struct lws *wsi;
	int64_t id;
	struct frame *head, *tail;
	int nqueued;
	char *rx;
	size_t rxlen;
	char close_why[64];
	uint64_t frames_sent; /* to this session, for the drop-after-N fault */
	struct ws_pss *next_session;
};

struct http_pss {
	char path[512];
	int is_post;
	char *body;
	size_t len;
	int too_large;
	struct simrest_resp resp; /* the answer, held until it may be sent (delay fault) */
	int have_resp;
	unsigned char *out; /* LWS_PRE + response body, once the headers are out */
	size_t outlen;
};

struct sim {
	struct simacct_list accts;
	struct simauth *auth;
	struct simrate *rate;
	struct simvenue *venue;
	struct simws *ws;
	struct simfault *faults;
	uint64_t frames_sent; /* to every session, for the garbage fault */
	struct simrest_world world;
	struct lws_context *ctx;

	struct mdmerge *md;
	struct md_record next; /* the next record, when have_next */
	int have_next, data_done;
	int64_t speed; /* 0: as fast as clients take it; else N x wall time */
	int64_t wall0; /* wall time at which the market clock was market0 */
	int wait_subs; /* --wait-subscriptions: registrations still awaited before the replay starts */
	int64_t market0;
	int64_t market_now;
	uint64_t replayed;
	lws_sorted_usec_list_t sul_replay;

	struct ws_pss *sessions;
	int64_t next_session_id;
	unsigned char batch[LWS_PRE + SIM_COALESCE]; /* frames coalesced for one write */
};

/* Set from the signal handler; the service loop polls it. */
static volatile sig_atomic_t sim_stop;

static void on_signal(int sig)
{
	(void)sig;
	sim_stop = 1;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- replay ---- */

static int read_next(struct sim *s)
{
	char err[512];
	int rc = mdmerge_next(s->md, &s->next, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "kis-sim: %s: replay stopped\n", err);
		s->data_done = 1;
	} else if (rc == 0) {
		s->data_done = 1;
	}
	s->have_next = rc > 0;
	return rc;
}

static int clients_busy(const struct sim *s)
{
	for (const struct ws_pss *p = s->sessions; p; p = p->next_session)
		if (p->nqueued > SIM_QUEUE_HIGH)
			return 1;
	return 0;
}

static void replay_record(struct sim *s, const struct md_record *r)
{
	int32_t sym;
	if (simvenue_symbol(s->venue, r->symbol, &sym) != KE_OK)
		return;
	if (r->kind == MD_TICK) {
		struct tick t = {r->time, sym, r->price, r->volume, r->bid, r->ask};
		simvenue_on_tick(s->venue, &t);
		simws_on_tick(s->ws, &t);
	} else {
		struct bar b = {r->time, sym, r->open, r->high, r->low, r->close, r->volume};
		simvenue_on_bar(s->venue, &b);
		/* Bars carry no trade prints: the feed shows them as one print at the close. */
		struct tick t = {r->time, sym, r->close, r->volume, 0, 0};
		simws_on_tick(s->ws, &t);
	}
	s->replayed++;
}

/* A held replay (--wait-subscriptions) still answers quotes of every symbol
 * of the data, as KIS knows symbols before they trade: one pass to learn them. */
static int learn_symbols(struct sim *s, const char *const *data, int ndata, char *err, size_t errlen)
{
	struct mdmerge *m;
	if (mdmerge_open(data, ndata, -1, -1, &m, err, errlen) != KE_OK)
		return KE_EINVAL;
	struct md_record r;
	int rc;
	int32_t sym;
	while ((rc = mdmerge_next(m, &r, err, errlen)) > 0)
		if (simvenue_symbol(s->venue, r.symbol, &sym) != KE_OK) {
			rc = -1;
			snprintf(err, errlen, "out of memory learning the symbols");
			break;
		}
	mdmerge_close(m);
	return rc < 0 ? KE_EINVAL : KE_OK;
}

static void replay_turn(lws_sorted_usec_list_t *sul)
{
	struct sim *s = lws_container_of(sul, struct sim, sul_replay);
	int64_t wall = wall_ms();
	if (s->wait_subs > 0 && simws_registrations(s->ws) >= s->wait_subs) {
		/* The subscribers are in: the market clock starts now. */
		s->wait_subs = 0;
		s->wall0 = wall;
	}
	if (s->wait_subs == 0 && !clients_busy(s)) {
		int64_t target = s->speed ? s->market0 + (wall - s->wall0) * s->speed : INT64_MAX;
		for (int n = 0; n < SIM_BATCH && s->have_next && s->next.time <= target; n++) {
			if (s->next.time > s->market_now)
				s->market_now = s->next.time;
			replay_record(s, &s->next);
			read_next(s);
		}
		if (s->speed && target > s->market_now)
			s->market_now = target; /* between prints the clock still runs */
		simvenue_advance(s->venue, s->market_now);
	}
	simws_on_timer(s->ws, wall);
	simws_flush(s->ws);
	if (simfault_ws_garbage(s->faults, s->frames_sent))
		simws_send_garbage(s->ws);
	lws_sul_schedule(s->ctx, 0, &s->sul_replay, replay_turn,
	                 s->speed || !s->have_next || s->wait_subs > 0 ? SIM_REPLAY_US : 1);
}

/* ---- WebSocket glue ---- */

static struct ws_pss *session_by_id(struct sim *s, int64_t id)
{
	for (struct ws_pss *p = s->sessions; p; p = p->next_session)
		if (p->id == id)
			return p;
	return NULL;
}

static void ws_send(void *ud, int64_t session, const char *text, size_t len)
{
	struct sim *s = ud;
	struct ws_pss *p = session_by_id(s, session);
	if (!p || p->close_why[0])
		return;
	if (simfault_ws_drop(s->faults, session, p->frames_sent, s->market_now)) {
		snprintf(p->close_why, sizeof(p->close_why), "fault: connection dropped");
		lws_callback_on_writable(p->wsi);
		return;
	}
	if (len > 0 && text[0] == '{' && simfault_ws_bad_json(s->faults))
		len /= 2; /* a control reply cut in half: malformed JSON */
	p->frames_sent++;
	s->frames_sent++;
	struct frame *f = malloc(sizeof(*f) + LWS_PRE + len);
	if (!f) {
		snprintf(p->close_why, sizeof(p->close_why), "out of memory");
		lws_callback_on_writable(p->wsi);
		return;
	}
	f->next = NULL;
	f->len = len;
	memcpy(f->buf + LWS_PRE, text, len);
	if (p->tail)
		p->tail->next = f;
	else
		p->head = f;
	p->tail = f;
	p->nqueued++;
	lws_callback_on_writable(p->wsi);
}

static void ws_close(void *ud, int64_t session, const char *why)
{
	struct ws_pss *p = session_by_id(ud, session);
	if (!p)
		return;
	snprintf(p->close_why, sizeof(p->close_why), "%s", why && *why ? why : "closed by kis-sim");
	lws_callback_on_writable(p->wsi);
}

static void ws_forget(struct sim *s, struct ws_pss *p)
{
	for (struct ws_pss **pp = &s->sessions; *pp; pp = &(*pp)->next_session) {
		if (*pp == p) {
			*pp = p->next_session;
			break;
		}
	}
	while (p->head) {
		struct frame *f = p->head;
		p->head = f->next;
		free(f);
	}
	p->tail = NULL;
	free(p->rx);
	p->rx = NULL;
}

/* Appends the RFC 6455 header of an unmasked, final text frame of len bytes. */
static size_t ws_frame_header(unsigned char *h, size_t len)
{
	h[0] = 0x81;
	if (len < 126) {
		h[1] = (unsigned char)len;
		return 2;
	}
	if (len <= 0xffff) {
		h[1] = 126;
		h[2] = (unsigned char)(len >> 8);
		h[3] = (unsigned char)len;
		return 4;
	}
	h[1] = 127;
	for (int i = 0; i < 8; i++)
		h[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	return 10;
}

/* Queued frames go out first, so a close (OPSP8996) follows its reply.
 * Small frames are framed here and sent together in one raw write: one
 * system call per frame would cap the feed well below what a client takes. */
static int ws_writable(struct ws_pss *p)
{
	unsigned char *batch = p->sim->batch;
	while (p->head) {
		size_t used = 0;
		struct frame *f;
		while ((f = p->head) != NULL && used + 10 + f->len <= SIM_COALESCE) {
			used += ws_frame_header(batch + LWS_PRE + used, f->len);
			memcpy(batch + LWS_PRE + used, f->buf + LWS_PRE, f->len);
			used += f->len;
			p->head = f->next;
			if (!p->head)
				p->tail = NULL;
			p->nqueued--;
			free(f);
		}
		int n;
		if (used > 0) {
			n = lws_write(p->wsi, batch + LWS_PRE, used, LWS_WRITE_RAW);
		} else { /* one frame larger than the batch: lws frames it */
			f = p->head;
			p->head = f->next;
			if (!p->head)
				p->tail = NULL;
			p->nqueued--;
			n = lws_write(p->wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT);
			free(f);
		}
		if (n < 0)
			return -1;
		if (lws_send_pipe_choked(p->wsi))
			break;
	}
	if (p->head) {
		lws_callback_on_writable(p->wsi);
		return 0;
	}
	if (p->close_why[0]) {
		lws_close_reason(p->wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)p->close_why, strlen(p->close_why));
		return -1;
	}
	return 0;
}

static int ws_receive(struct ws_pss *p, const char *in, size_t len)
{
	if (p->rxlen + len > SIM_WS_RX) {
		snprintf(p->close_why, sizeof(p->close_why), "message too big");
		lws_callback_on_writable(p->wsi);
		return 0;
	}
	char *n = realloc(p->rx, p->rxlen + len + 1);
	if (!n)
		return -1;
	p->rx = n;
	memcpy(p->rx + p->rxlen, in, len);
	p->rxlen += len;
	if (!lws_is_final_fragment(p->wsi))
		return 0;
	p->rx[p->rxlen] = '\0';
	simws_on_text(p->sim->ws, p->id, p->rx, p->rxlen, wall_ms());
	simws_flush(p->sim->ws);
	p->rxlen = 0;
	return 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct ws_pss *p = user;
	struct sim *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(p, 0, sizeof(*p));
		p->sim = s;
		p->wsi = wsi;
		p->id = ++s->next_session_id;
		p->next_session = s->sessions;
		s->sessions = p;
		simws_open(s->ws, p->id, wall_ms());
		return 0;
	case LWS_CALLBACK_RECEIVE: return ws_receive(p, in, len);
	case LWS_CALLBACK_RECEIVE_PONG: simws_on_pong(s->ws, p->id, wall_ms()); return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE: return ws_writable(p);
	case LWS_CALLBACK_CLOSED:
		if (p && p->id) { /* 0: closed before the handshake completed */
			simws_closed(s->ws, p->id);
			ws_forget(s, p);
		}
		return 0;
	case LWS_CALLBACK_HTTP:
		/* Plain HTTP to the WebSocket port. */
		lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, "kis-sim: WebSocket only on this port");
		return -1;
	default: return 0;
	}
}

/* ---- REST glue ---- */

/* The request headers simrest looks at; lws keeps unknown ones as custom headers. */
static const char *const custom_headers[] = {"appkey",   "appsecret", "tr_id",          "tr_cont",
                                             "custtype", "hashkey",   "personalseckey", "gt_uid"};

struct req_arena {
	char buf[16384];
	size_t used;
};

static char *arena_put(struct req_arena *a, const char *s, size_t n)
{
	if (a->used + n + 1 > sizeof(a->buf))
		return NULL;
	char *p = a->buf + a->used;
	memcpy(p, s, n);
	p[n] = '\0';
	a->used += n + 1;
	return p;
}

static void add_header(struct simrest_req *rq, struct req_arena *a, const char *name, const char *value, int len)
{
	if (len < 0 || rq->nheaders >= SIMREST_MAX_KV)
		return;
	char *v = arena_put(a, value, (size_t)len);
	if (v)
		rq->headers[rq->nheaders++] = (struct simrest_kv){name, v};
}

static void collect_request(struct lws *wsi, struct http_pss *p, struct simrest_req *rq, struct req_arena *a)
{
	char tmp[4096];
	memset(rq, 0, sizeof(*rq));
	rq->method = p->is_post ? "POST" : "GET";
	rq->path = p->path;
	for (int i = 0; rq->nquery < SIMREST_MAX_KV; i++) {
		int n = lws_hdr_copy_fragment(wsi, tmp, sizeof(tmp), WSI_TOKEN_HTTP_URI_ARGS, i);
		if (n < 0)
			break;
		char *eq = memchr(tmp, '=', (size_t)n);
		char *name = arena_put(a, tmp, eq ? (size_t)(eq - tmp) : (size_t)n);
		char *value = eq ? arena_put(a, eq + 1, (size_t)(n - (eq + 1 - tmp))) : arena_put(a, "", 0);
		if (name && value)
			rq->query[rq->nquery++] = (struct simrest_kv){name, value};
	}
	if (lws_hdr_copy(wsi, tmp, sizeof(tmp), WSI_TOKEN_HTTP_AUTHORIZATION) >= 0)
		add_header(rq, a, "authorization", tmp, (int)strlen(tmp));
	if (lws_hdr_copy(wsi, tmp, sizeof(tmp), WSI_TOKEN_HTTP_CONTENT_TYPE) >= 0)
		add_header(rq, a, "content-type", tmp, (int)strlen(tmp));
	for (size_t i = 0; i < sizeof(custom_headers) / sizeof(custom_headers[0]); i++) {
		char name[32];
		int nl = snprintf(name, sizeof(name), "%s:", custom_headers[i]);
		if (lws_hdr_custom_length(wsi, name, nl) < 0)
			continue;
		int n = lws_hdr_custom_copy(wsi, tmp, sizeof(tmp), name, nl);
		add_header(rq, a, custom_headers[i], tmp, n);
	}
	rq->body = p->body;
	rq->body_len = p->len;
}

static int add_named(struct lws *wsi, const char *name, const char *value, unsigned char **pp, unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)value,
	                                   (int)strlen(value), pp, end);
}

/* A response made here, not by simrest (faults, the glue's own endpoint). */
static int own_response(struct simrest_resp *r, int status, const char *json)
{
	memset(r, 0, sizeof(*r));
	r->status = status;
	r->body_len = strlen(json);
	r->body = malloc(r->body_len + 1);
	if (!r->body)
		return KE_ENOMEM;
	memcpy(r->body, json, r->body_len + 1);
	return KE_OK;
}

/* POST /_sim/faults: the posted document replaces the current faults. */
static int faults_endpoint(struct sim *s, const struct http_pss *p, struct simrest_resp *r)
{
	char err[512];
	if (simfault_configure(s->faults, p->body ? p->body : "", p->len, err, sizeof(err)) == KE_OK)
		return own_response(r, 200, "{\"ok\":true}");
	cJSON *e = cJSON_CreateObject();
	char *txt = e && cJSON_AddStringToObject(e, "error", err) ? cJSON_PrintUnformatted(e) : NULL;
	int rc = own_response(r, 400, txt ? txt : "{\"error\":\"bad faults document\"}");
	cJSON_free(txt);
	cJSON_Delete(e);
	return rc;
}

/* Writes the held response's headers; the body follows when writable. */
static int send_headers(struct lws *wsi, struct http_pss *p)
{
	struct simrest_resp *r = &p->resp;
	unsigned char hdr[LWS_PRE + 2048], *start = hdr + LWS_PRE, *pos = start, *end = hdr + sizeof(hdr) - 1;
	char clen[32];
	snprintf(clen, sizeof(clen), "%zu", r->body_len);
	/* Header names as KIS sends them: "Content-Type" capitalised, the KIS ones lowercase (section 11). */
	if (lws_add_http_header_status(wsi, (unsigned int)r->status, &pos, end) ||
	    add_named(wsi, "Content-Type:", "application/json; charset=utf-8", &pos, end) ||
	    add_named(wsi, "Content-Length:", clen, &pos, end) ||
	    (r->tr_id[0] && add_named(wsi, "tr_id:", r->tr_id, &pos, end)) ||
	    (r->tr_cont[0] && add_named(wsi, "tr_cont:", r->tr_cont, &pos, end)) ||
	    (r->gt_uid[0] && add_named(wsi, "gt_uid:", r->gt_uid, &pos, end)) ||
	    lws_finalize_http_header(wsi, &pos, end))
		return -1;
	if (lws_write(wsi, start, (size_t)(pos - start), LWS_WRITE_HTTP_HEADERS) < 0)
		return -1;
	p->out = malloc(LWS_PRE + r->body_len + 1);
	if (!p->out)
		return -1;
	memcpy(p->out + LWS_PRE, r->body ? r->body : "", r->body_len);
	p->outlen = r->body_len;
	simrest_resp_free(r);
	p->have_resp = 0;
	lws_callback_on_writable(wsi);
	return 0;
}

/* Decides the answer (faults first), then sends it now or after the delay fault. */
static int respond(struct lws *wsi, struct http_pss *p, struct sim *s)
{
	struct simrest_req *rq = malloc(sizeof(*rq));
	struct req_arena *arena = malloc(sizeof(*arena));
	int rc = KE_ENOMEM, answer = 1;
	int64_t delay = 0;
	if (!rq || !arena)
		goto out;
	arena->used = 0;
	collect_request(wsi, p, rq, arena);
	if (simfault_tokens_expire(s->faults))
		simauth_expire_all(s->auth, SIMAUTH_EXPIRE_TOKENS | SIMAUTH_EXPIRE_APPROVALS, wall_ms());
	enum simfault_rest fault = SIMFAULT_NONE;
	if (p->too_large) {
		rc = own_response(&p->resp, 413,
		                  "{\"rt_cd\":\"1\",\"msg_cd\":\"SIM00413\",\"msg1\":\"request body too large\"}");
	} else if (p->is_post && strcmp(p->path, "/_sim/faults") == 0) {
		rc = faults_endpoint(s, p, &p->resp);
	} else if ((fault = simfault_rest(s->faults, p->path, &delay)) == SIMFAULT_LOST_REQUEST) {
		/* Swallowed: never handled (no order, no rate or request count)
		 * and never answered, so the client sees a timeout as for no_answer. */
		rc = KE_OK;
		answer = 0;
	} else if (fault == SIMFAULT_HTTP500) {
		rc = own_response(
		    &p->resp, 500,
		    "{\"rt_cd\":\"1\",\"msg_cd\":\"SIM00500\",\"msg1\":\"kis-sim fault: internal server error\"}");
	} else if (fault == SIMFAULT_EGW00201) {
		rc = own_response(
		    &p->resp, 500,
		    "{\"rt_cd\":\"1\",\"msg_cd\":\"EGW00201\",\"msg1\":\"초당 거래건수를 초과하였습니다.\"}");
	} else {
		rc = simrest_handle(&s->world, rq, wall_ms(), s->market_now, &p->resp);
		/* Taken but never answered: the venue has the order, the client sees a timeout. */
		answer = fault != SIMFAULT_NO_ANSWER;
	}
	simws_flush(s->ws); /* notices the request caused (order receipts) */
	if (rc != KE_OK)
		goto out;
	p->have_resp = 1;
	if (!answer) {
		simrest_resp_free(&p->resp);
		p->have_resp = 0;
	} else if (delay > 0) {
		lws_set_timer_usecs(wsi, delay * 1000);
	} else if (send_headers(wsi, p) != 0) {
		rc = KE_EIO;
	}
out:
	free(rq);
	free(arena);
	return rc == KE_OK ? 0 : -1;
}

static void http_reset(struct http_pss *p)
{
	free(p->body);
	free(p->out);
	if (p->have_resp)
		simrest_resp_free(&p->resp);
	memset(p, 0, sizeof(*p));
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct http_pss *p = user;
	struct sim *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		http_reset(p);
		snprintf(p->path, sizeof(p->path), "%s", (const char *)in);
		p->is_post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
		if (p->is_post && lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
			char cl[32];
			lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH);
			if (atoll(cl) > 0)
				return 0; /* the body follows */
		}
		return respond(wsi, p, s);
	case LWS_CALLBACK_HTTP_BODY:
		if (p->len + len > SIM_MAX_BODY) {
			p->too_large = 1;
			return 0;
		}
		{
			char *n = realloc(p->body, p->len + len + 1);
			if (!n)
				return -1;
			p->body = n;
			memcpy(p->body + p->len, in, len);
			p->len += len;
			p->body[p->len] = '\0';
		}
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION: return respond(wsi, p, s);
	case LWS_CALLBACK_TIMER: /* the delay fault is over */ return p && p->have_resp ? send_headers(wsi, p) : 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (!p->out)
			return 0;
		if (lws_write(wsi, p->out + LWS_PRE, p->outlen, LWS_WRITE_HTTP_FINAL) < 0)
			return -1;
		free(p->out);
		p->out = NULL;
		free(p->body);
		p->body = NULL;
		p->len = 0;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (p) /* NULL for a connection that closed before any request */
			http_reset(p);
		return 0;
	default: return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

/* ---- /_sim/state extras ---- */

static void state_extra(void *ud, struct cJSON *root)
{
	struct sim *s = ud;
	simws_dump(s->ws, root);
	simfault_dump(s->faults, root);
	cJSON *r = cJSON_AddObjectToObject(root, "replay");
	char t[40];
	ktime_format_iso(s->market_now, t, sizeof(t));
	cJSON_AddStringToObject(r, "market_time", t);
	cJSON_AddNumberToObject(r, "records", (double)s->replayed);
	cJSON_AddBoolToObject(r, "done", s->data_done);
	cJSON_AddBoolToObject(r, "waiting", s->wait_subs > 0);
	cJSON_AddNumberToObject(r, "speed", (double)s->speed);
}

static void on_notice(void *ud, const struct simvenue_notice *n)
{
	simws_on_notice(((struct sim *)ud)->ws, n);
}

/* ---- command line ---- */

static void usage(FILE *fp)
{
	fputs("usage: kis-sim --data FILE.csv [--data ...] [--speed 1|N|max] [--start YYYY-MM-DDTHH:MM]\n"
	      "               [--rest-port 29443] [--ws-port 31000] [--env mock|real] [--accounts FILE]\n"
	      "               [--seed N] [--tls CERT KEY] [--rate N] [--faults FILE]\n"
	      "               [--frame-records N] [--ping-ms N] [--token-throttle-ms N]\n"
	      "               [--wait-subscriptions N]\n"
	      "\n"
	      "Serves the KIS Open API (REST and WebSocket) on 127.0.0.1 over the replayed data;\n"
	      "docs/kis-sim.md describes every option, the accounts file and what is modelled.\n"
	      "Stops on SIGINT or SIGTERM.\n",
	      fp);
}

struct options {
	const char *data[SIM_MAX_DATA];
	int ndata;
	int64_t speed;
	const char *start;
	int rest_port, ws_port;
	enum simacct_env env;
	const char *accounts;
	uint64_t seed;
	const char *tls_cert, *tls_key; /* both or neither */
	const char *faults;             /* a faults file, or NULL */
	int frame_records;              /* most records per data frame */
	int64_t ping_ms;                /* PINGPONG interval; 0: the module's default */
	int rate;                       /* REST requests per second per account; -1: the env's default */
	int64_t token_throttle_ms;      /* -1: KIS's minute */
	int wait_subs;                  /* hold the replay until this many registrations; 0: start at once */
};

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"speed", required_argument, NULL, 's'},
	    {"start", required_argument, NULL, 'S'},
	    {"rest-port", required_argument, NULL, 'r'},
	    {"ws-port", required_argument, NULL, 'w'},
	    {"env", required_argument, NULL, 'e'},
	    {"accounts", required_argument, NULL, 'a'},
	    {"seed", required_argument, NULL, 'x'},
	    {"tls", required_argument, NULL, 't'},
	    {"rate", required_argument, NULL, 'R'},
	    {"faults", required_argument, NULL, 'F'},
	    {"frame-records", required_argument, NULL, 'N'},
	    {"ping-ms", required_argument, NULL, 'P'},
	    {"token-throttle-ms", required_argument, NULL, 'T'},
	    {"wait-subscriptions", required_argument, NULL, 'W'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->speed = 1;
	o->rest_port = 29443;
	o->ws_port = 31000;
	o->env = SIMACCT_MOCK;
	o->seed = 1;
	o->rate = -1;
	o->token_throttle_ms = -1;
	o->frame_records = 100;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (o->ndata == SIM_MAX_DATA)
				return fprintf(stderr, "kis-sim: at most %d --data files\n", SIM_MAX_DATA), 2;
			o->data[o->ndata++] = optarg;
			break;
		case 's':
			if (strcmp(optarg, "max") == 0) {
				o->speed = 0;
			} else {
				o->speed = strtoll(optarg, &end, 10);
				if (*end || o->speed < 1 || o->speed > 1000000)
					return fprintf(stderr,
					               "kis-sim: --speed wants 1, a whole N up to 1000000, or max\n"),
					       2;
			}
			break;
		case 'S': o->start = optarg; break;
		case 'r':
		case 'w': {
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 65535)
				return fprintf(stderr, "kis-sim: --%s wants a port number\n",
				               c == 'r' ? "rest-port" : "ws-port"),
				       2;
			*(c == 'r' ? &o->rest_port : &o->ws_port) = (int)v;
			break;
		}
		case 'e':
			if (strcmp(optarg, "mock") == 0)
				o->env = SIMACCT_MOCK;
			else if (strcmp(optarg, "real") == 0)
				o->env = SIMACCT_REAL;
			else
				return fprintf(stderr, "kis-sim: --env is mock or real\n"), 2;
			break;
		case 'a': o->accounts = optarg; break;
		case 'x':
			o->seed = strtoull(optarg, &end, 10);
			if (*end)
				return fprintf(stderr, "kis-sim: --seed wants a number\n"), 2;
			break;
		case 't':
			/* --tls CERT KEY: the key is the next word on the command line. */
			if (optind >= argc || argv[optind][0] == '-')
				return fprintf(stderr, "kis-sim: --tls wants a certificate file and a key file\n"), 2;
			o->tls_cert = optarg;
			o->tls_key = argv[optind++];
			break;
		case 'R':
			o->rate = (int)strtol(optarg, &end, 10);
			if (*end || o->rate < 0 || o->rate > 100000)
				return fprintf(stderr, "kis-sim: --rate wants requests per second, 0 for no limit\n"),
				       2;
			break;
		case 'F': o->faults = optarg; break;
		case 'P':
			o->ping_ms = strtoll(optarg, &end, 10);
			if (*end || o->ping_ms < 10 || o->ping_ms > 3600000)
				return fprintf(stderr, "kis-sim: --ping-ms wants 10 to 3600000\n"), 2;
			break;
		case 'T':
			o->token_throttle_ms = strtoll(optarg, &end, 10);
			if (*end || o->token_throttle_ms < 0 || o->token_throttle_ms > 3600000)
				return fprintf(stderr, "kis-sim: --token-throttle-ms wants 0 to 3600000\n"), 2;
			break;
		case 'W':
			o->wait_subs = (int)strtol(optarg, &end, 10);
			if (*end || o->wait_subs < 1 || o->wait_subs > 10000)
				return fprintf(stderr, "kis-sim: --wait-subscriptions wants 1 to 10000\n"), 2;
			break;
		case 'N':
			o->frame_records = (int)strtol(optarg, &end, 10);
			if (*end || o->frame_records < 1 || o->frame_records > 100)
				return fprintf(stderr, "kis-sim: --frame-records wants 1 to 100\n"), 2;
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc)
		return fprintf(stderr, "kis-sim: unexpected argument '%s'\n", argv[optind]), 2;
	if (o->ndata == 0)
		return fprintf(stderr, "kis-sim: at least one --data file is needed\n"), usage(stderr), 2;
	if (o->rest_port == o->ws_port)
		return fprintf(stderr, "kis-sim: --rest-port and --ws-port must differ\n"), 2;
	return 0;
}

/* ---- set-up ---- */

static int setup(struct sim *s, const struct options *o)
{
	char err[1024];
	if (o->accounts) {
		if (simacct_load(o->accounts, &s->accts, err, sizeof(err)) != KE_OK)
			return fprintf(stderr, "kis-sim: %s\n", err), 2;
	} else {
		simacct_default(&s->accts);
	}
	struct simauth_config ac;
	simauth_config_default(&ac, o->env);
	ac.seed = o->seed;
	if (o->token_throttle_ms >= 0)
		ac.token_throttle_ms = o->token_throttle_ms; /* tests of EGW00133 without a minute's wait */
	struct simrate_config rc;
	simrate_config_default(&rc, o->env);
	if (o->rate >= 0)
		rc.per_sec = o->rate; /* 0: no limit (benchmarks) */
	struct simvenue_config vc;
	simvenue_config_default(&vc, o->env == SIMACCT_REAL ? SIMVENUE_REAL : SIMVENUE_MOCK);
	struct simws_config wc;
	simws_config_default(&wc, o->env);
	wc.seed = o->seed;
	wc.frame_records = o->frame_records;
	if (o->ping_ms > 0) { /* a silent client is dropped after three missed pings */
		wc.ping_interval_ms = o->ping_ms;
		wc.ping_timeout_ms = 3 * o->ping_ms;
	}
	if (simauth_new(&ac, &s->accts, &s->auth) != KE_OK || simrate_new(&rc, s->accts.n, &s->rate) != KE_OK ||
	    simvenue_new(&vc, &s->venue) != KE_OK)
		return fprintf(stderr, "kis-sim: cannot set up the simulator\n"), 2;
	for (int i = 0; i < s->accts.n; i++)
		if (simvenue_add_account(s->venue, &s->accts.acct[i]) != KE_OK)
			return fprintf(stderr, "kis-sim: account %s cannot be opened\n", s->accts.acct[i].cano), 2;
	if (simfault_new(o->seed, &s->faults) != KE_OK)
		return fprintf(stderr, "kis-sim: out of memory\n"), 2;
	if (o->faults && simfault_load(s->faults, o->faults, err, sizeof(err)) != KE_OK)
		return fprintf(stderr, "kis-sim: %s\n", err), 2;
	struct simws_sink sink = {s, ws_send, ws_close};
	if (simws_new(&wc, s->auth, s->venue, sink, &s->ws) != KE_OK)
		return fprintf(stderr, "kis-sim: cannot set up the WebSocket side\n"), 2;
	simvenue_set_notice_sink(s->venue, on_notice, s);
	s->world = (struct simrest_world){.env = o->env,
	                                  .accts = &s->accts,
	                                  .auth = s->auth,
	                                  .rate = s->rate,
	                                  .venue = s->venue,
	                                  .state_extra = state_extra,
	                                  .state_ud = s};

	if (mdmerge_open(o->data, o->ndata, -1, -1, &s->md, err, sizeof(err)) != KE_OK)
		return fprintf(stderr, "kis-sim: %s\n", err), 2;
	if (o->wait_subs > 0 && learn_symbols(s, o->data, o->ndata, err, sizeof(err)) != KE_OK)
		return fprintf(stderr, "kis-sim: %s\n", err), 2;
	if (read_next(s) < 0)
		return 2;
	s->speed = o->speed;
	s->wait_subs = o->wait_subs;
	s->market0 = s->have_next ? s->next.time : 0;
	char start[40];
	/* "YYYY-MM-DDTHH:MM" gets its seconds: ktime_parse_iso wants them. */
	snprintf(start, sizeof(start), "%s%s", o->start ? o->start : "",
	         o->start && strlen(o->start) == 16 ? ":00" : "");
	if (o->start && ktime_parse_iso(start, strlen(start), 9 * 3600, &s->market0) != KE_OK)
		return fprintf(stderr, "kis-sim: --start wants YYYY-MM-DDTHH:MM[:SS] (KST)\n"), 2;
	s->wall0 = wall_ms();
	s->market_now = s->market0;
	return 0;
}

static int serve(struct sim *s, const struct options *o)
{
	static const struct lws_protocols http_protocols[] = {
	    {"http", http_callback, sizeof(struct http_pss), 0, 0, NULL, 0},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	static const struct lws_protocols ws_protocols[] = {
	    {"kis", ws_callback, sizeof(struct ws_pss), SIM_WS_RX, 0, NULL, 0},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	lws_set_log_level(LLL_ERR, NULL);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | (o->tls_cert ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.user = s;
	s->ctx = lws_create_context(&info);
	if (!s->ctx)
		return fprintf(stderr, "kis-sim: cannot create the server\n"), 1;

	struct lws_context_creation_info vi;
	memset(&vi, 0, sizeof(vi));
	vi.iface = "127.0.0.1"; /* loopback only: kis-sim is a local sandbox */
	vi.port = o->rest_port;
	vi.protocols = http_protocols;
	vi.vhost_name = "rest";
	/* HTTPS when asked, so a client's TLS path can be tested against a CA made at test time. */
	vi.ssl_cert_filepath = o->tls_cert;
	vi.ssl_private_key_filepath = o->tls_key;
	vi.options = o->tls_cert ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0;
	if (!lws_create_vhost(s->ctx, &vi))
		return fprintf(stderr, "kis-sim: cannot listen on 127.0.0.1:%d\n", o->rest_port), 1;
	vi.port = o->ws_port;
	vi.protocols = ws_protocols;
	vi.vhost_name = "ws";
	vi.ssl_cert_filepath = NULL; /* KIS's WebSocket is plain ws:// */
	vi.ssl_private_key_filepath = NULL;
	vi.options = 0;
	if (!lws_create_vhost(s->ctx, &vi))
		return fprintf(stderr, "kis-sim: cannot listen on 127.0.0.1:%d\n", o->ws_port), 1;

	printf("kis-sim: REST %s://127.0.0.1:%d  WebSocket ws://127.0.0.1:%d  env %s  speed %s\n",
	       o->tls_cert ? "https" : "http", o->rest_port, o->ws_port, o->env == SIMACCT_REAL ? "real" : "mock",
	       s->speed ? "wall clock" : "max");
	fflush(stdout);
	lws_sul_schedule(s->ctx, 0, &s->sul_replay, replay_turn, 1);
	while (!sim_stop && lws_service(s->ctx, 0) >= 0)
		;
	lws_context_destroy(s->ctx);
	s->ctx = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	struct sim *s = calloc(1, sizeof(*s));
	if (!s)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	rc = setup(s, &o);
	if (rc == 0)
		rc = serve(s, &o);
	simws_free(s->ws);
	simfault_free(s->faults);
	simvenue_free(s->venue);
	simrate_free(s->rate);
	simauth_free(s->auth);
	mdmerge_close(s->md);
	free(s);
	return rc;
}
