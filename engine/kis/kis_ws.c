/*
 * kis_ws.c - the KIS realtime session (see kis_ws.h).
 *
 * One lws context on the caller's libuv loop (LWS_SERVER_OPTION_LIBUV with
 * a foreign loop) holding at most one client connection. Our own timers
 * (pacing, watchdog, reconnect) are uv timers on the same loop, allocated
 * with the struct so that closing is: stop timers, destroy the context,
 * let the loop run the close callbacks, destroy the context again, free.
 *
 *   IDLE -> CONNECTING -> SUBSCRIBING -> LIVE
 *              ^   |            |          |
 *              |   v            v          v
 *              +- WAITING <-----+----------+   (backoff with jitter)
 *   any -> STOPPED on OPSP8996 or close
 */
#include "kis_ws.h"

#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kis_msg.h"
#include "krng.h"

#define OUTQ_MAX       128 /* queued text messages: subscriptions and PINGPONG echoes */
#define MSG_MAX        1024
#define TR_TRADE       "H0STCNT0"
#define TR_BOOK        "H0STASP0"
#define TR_NOTICE_REAL "H0STCNI0"
#define TR_NOTICE_MOCK "H0STCNI9"

struct outmsg {
	size_t len;
	unsigned char buf[LWS_PRE + MSG_MAX];
};

struct ws_timers {
	uv_timer_t pace, watchdog, retry;
	int open;
};

struct key_ticket {
	int *alive; /* [0] tickets out, [1] ws gone */
	struct kis_ws *w;
};

struct kis_ws {
	uv_loop_t *loop;
	struct kis_endpoint ep;
	struct kis_auth *auth;
	struct kis_ws_config cfg;
	char hts_id[64], account[16], path[64];
	struct kis_ws_sink sink;
	enum kis_env env;
	const char *notice_tr;

	char host[256];
	int port, tls;

	struct lws_context *ctx;
	struct lws_protocols protocols[2];
	struct lws *wsi;

	char (*syms)[KE_SYMBOL_MAX];
	int nsyms, syms_cap;
	int cursor; /* next registration to send this session */
	int acked;
	int resync_due;

	struct kis_notice_key nkey;
	int have_nkey;

	char approval[KIS_REPLY_APPROVAL_MAX];
	int *alive;
	int waiting_key;
	int key_retried;

	char *rx;
	size_t rxlen;
	int rx_overflow;

	struct outmsg *outq; /* ring */
	int out_head, out_n;

	struct kis_trade *trades;
	struct kis_book *books;
	struct kis_notice *notices;
	char *plain; /* decrypted notice text */

	struct ws_timers *t;
	struct krng rng;
	int backoff_step;
	int64_t connected_at; /* monotonic ms */
	int64_t last_frame_mono;
	int64_t frame_ns; /* first fragment of the frame being read */
	int closing;
	int fatal;
	struct kis_ws_stats st;
};

static const char *const state_names[] = {"idle", "connecting", "subscribing", "live", "waiting", "stopped"};

const char *kis_ws_state_name(enum kis_ws_state st)
{
	return (unsigned)st < KE_ARRAY_LEN(state_names) ? state_names[st] : "?";
}

void kis_ws_config_default(struct kis_ws_config *cfg, enum kis_env env)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = "/tryitout";
	cfg->pace_ms = env == KIS_ENV_REAL ? 50 : 500;
	cfg->silence_ms = 60000;
	cfg->backoff_min_ms = 1000;
	cfg->backoff_max_ms = 60000;
	cfg->stable_ms = 30000;
	cfg->rx_buffer = 512 * 1024;
	cfg->custtype = 'P';
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(const struct kis_ws *w)
{
	return (int64_t)uv_now(w->loop);
}

static void report(struct kis_ws *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct kis_ws *w, const char *fmt, ...)
{
	if (!w->sink.on_error)
		return;
	char msg[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->sink.on_error(w->sink.ud, msg);
}

static void set_state(struct kis_ws *w, enum kis_ws_state st, const char *why)
{
	if (w->st.state == st)
		return;
	w->st.state = st;
	if (w->sink.on_state)
		w->sink.on_state(w->sink.ud, st, why ? why : "");
}

/* ---- the outgoing queue ---- */

static int enqueue_text(struct kis_ws *w, const char *text, size_t len)
{
	if (len > MSG_MAX || w->out_n >= OUTQ_MAX)
		return KE_ELIMIT;
	struct outmsg *m = &w->outq[(w->out_head + w->out_n) % OUTQ_MAX];
	memcpy(m->buf + LWS_PRE, text, len);
	m->len = len;
	w->out_n++;
	if (w->wsi)
		lws_callback_on_writable(w->wsi);
	return KE_OK;
}

static void write_one(struct kis_ws *w, struct lws *wsi)
{
	if (w->out_n == 0)
		return;
	struct outmsg *m = &w->outq[w->out_head];
	int n = lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
	w->out_head = (w->out_head + 1) % OUTQ_MAX;
	w->out_n--;
	if (n < (int)m->len)
		report(w, "kis_ws: a message could not be written (%d of %zu bytes)", n, m->len);
	if (w->out_n > 0)
		lws_callback_on_writable(wsi);
}

/* ---- registrations ---- */

int kis_ws_registrations(const struct kis_ws *w)
{
	return w->nsyms * 2 + (w->hts_id[0] ? 1 : 0);
}

/* Registration i of the session: 2 per symbol, then the notices. */
static void registration(const struct kis_ws *w, int i, const char **tr, const char **key)
{
	if (i < w->nsyms * 2) {
		*tr = (i % 2 == 0) ? TR_TRADE : TR_BOOK;
		*key = w->syms[i / 2];
	} else {
		*tr = w->notice_tr;
		*key = w->hts_id;
	}
}

static void on_pace(uv_timer_t *t);

static void send_next_registration(struct kis_ws *w)
{
	if (!w->wsi || w->cursor >= kis_ws_registrations(w))
		return;
	const char *tr, *key;
	registration(w, w->cursor, &tr, &key);
	char msg[MSG_MAX];
	size_t len;
	if (kis_frame_subscribe(w->approval, w->cfg.custtype, 1, tr, key, msg, sizeof(msg), &len) != KE_OK) {
		report(w, "kis_ws: cannot write the subscription of %s %s", tr, key);
	} else if (enqueue_text(w, msg, len) != KE_OK) {
		report(w, "kis_ws: outgoing queue full");
		return; /* retried on the next tick */
	}
	memset(msg, 0, sizeof(msg));
	w->cursor++;
	if (w->cursor < kis_ws_registrations(w))
		uv_timer_start(&w->t->pace, on_pace, (uint64_t)w->cfg.pace_ms, 0);
}

static void on_pace(uv_timer_t *t)
{
	struct kis_ws *w = t->data;
	if (w)
		send_next_registration(w);
}

int kis_ws_subscribe(struct kis_ws *w, const char *symbol, char *err, size_t errlen)
{
	if (!w || !symbol || !kis_msg_symbol_ok(symbol)) {
		if (err && errlen)
			snprintf(err, errlen, "kis_ws: '%s' is not a symbol", symbol ? symbol : "(null)");
		return KE_EINVAL;
	}
	for (int i = 0; i < w->nsyms; i++)
		if (strcmp(w->syms[i], symbol) == 0)
			return KE_OK;
	if (kis_ws_registrations(w) + 2 > KIS_WS_MAX_REGISTRATIONS) {
		if (err && errlen)
			snprintf(
			    err, errlen,
			    "kis_ws: %s would need %d registrations; KIS allows %d per session (2 per symbol, 1 for "
			    "notices)",
			    symbol, kis_ws_registrations(w) + 2, KIS_WS_MAX_REGISTRATIONS);
		return KE_ELIMIT;
	}
	if (w->nsyms == w->syms_cap) {
		int cap = w->syms_cap ? w->syms_cap * 2 : 8;
		void *p = realloc(w->syms, (size_t)cap * sizeof(*w->syms));
		if (!p)
			return KE_ENOMEM;
		w->syms = p;
		w->syms_cap = cap;
	}
	/* Notices keep the last registration index: insert the symbol's two
	 * before it by rewinding the cursor when the notice was already sent. */
	int notice_sent = w->hts_id[0] && w->cursor > w->nsyms * 2;
	snprintf(w->syms[w->nsyms], KE_SYMBOL_MAX, "%s", symbol);
	w->nsyms++;
	if (w->wsi && w->st.state != KIS_WS_CONNECTING) {
		if (notice_sent) {
			/* Send the new pair now; the notice stays acknowledged. */
			const char *tr[2] = {TR_TRADE, TR_BOOK};
			for (int k = 0; k < 2; k++) {
				char msg[MSG_MAX];
				size_t len;
				if (kis_frame_subscribe(w->approval, w->cfg.custtype, 1, tr[k], symbol, msg,
				                        sizeof(msg), &len) == KE_OK)
					enqueue_text(w, msg, len);
			}
			w->cursor += 2;
		} else if (!uv_is_active((uv_handle_t *)&w->t->pace)) {
			send_next_registration(w);
		}
	}
	return KE_OK;
}

/* ---- incoming frames ---- */

static void on_data(struct kis_ws *w, const char *buf, size_t len)
{
	struct kis_data_frame f;
	char err[256];
	int n = 0;
	if (kis_frame_split(buf, len, &f, err, sizeof(err)) != KE_OK) {
		w->st.bad_frames++;
		report(w, "kis_ws: frame skipped: %s", err);
		return;
	}
	if (strcmp(f.tr_id, TR_TRADE) == 0 && !f.encrypted) {
		if (kis_frame_trades(&f, w->trades, KIS_FRAME_MAX_RECORDS, &n, err, sizeof(err)) != KE_OK)
			goto bad;
		w->st.frames++;
		w->st.records += n;
		if (w->sink.on_trades)
			w->sink.on_trades(w->sink.ud, w->trades, n);
		return;
	}
	if (strcmp(f.tr_id, TR_BOOK) == 0 && !f.encrypted) {
		if (kis_frame_books(&f, w->books, KIS_FRAME_MAX_RECORDS, &n, err, sizeof(err)) != KE_OK)
			goto bad;
		w->st.frames++;
		w->st.records += n;
		if (w->sink.on_books)
			w->sink.on_books(w->sink.ud, w->books, n);
		return;
	}
	if (strcmp(f.tr_id, w->notice_tr) == 0) {
		size_t plen = 0;
		const char *text = f.payload;
		if (f.encrypted) {
			if (!w->have_nkey) {
				snprintf(err, sizeof(err), "encrypted notice before its key arrived");
				goto bad;
			}
			if (kis_notice_decrypt(&w->nkey, f.payload, f.payload_len, w->plain, w->cfg.rx_buffer, &plen,
			                       err, sizeof(err)) != KE_OK)
				goto bad;
			text = w->plain;
		} else {
			plen = f.payload_len;
		}
		if (kis_notice_parse(text, plen, f.count, w->notices, KIS_FRAME_MAX_RECORDS, &n, err, sizeof(err)) !=
		    KE_OK)
			goto bad;
		w->st.frames++;
		w->st.records += n;
		/* One HTS ID may hold several accounts: keep ours. */
		int k = 0;
		for (int i = 0; i < n; i++) {
			if (w->account[0] && strcmp(w->notices[i].account, w->account) != 0) {
				w->st.foreign_notices++;
				continue;
			}
			w->notices[k++] = w->notices[i];
		}
		w->st.notices += k;
		if (k && w->sink.on_notices)
			w->sink.on_notices(w->sink.ud, w->notices, k);
		return;
	}
	snprintf(err, sizeof(err), "unexpected TR %s", f.tr_id);
bad:
	w->st.bad_frames++;
	report(w, "kis_ws: frame skipped: %s", err);
}

static void lose(struct kis_ws *w, const char *why);

static void on_control(struct kis_ws *w, const char *buf, size_t len)
{
	struct kis_ctl c;
	char err[256];
	if (kis_frame_control(buf, len, &c, err, sizeof(err)) != KE_OK) {
		w->st.bad_frames++;
		report(w, "kis_ws: control message skipped: %s", err);
		return;
	}
	switch (c.kind) {
	case KIS_CTL_PINGPONG:
		/* KIS drops sessions that do not answer: echo the very text. */
		w->st.pings++;
		if (enqueue_text(w, buf, len) != KE_OK)
			report(w, "kis_ws: cannot queue the PINGPONG answer");
		return;
	case KIS_CTL_SUBSCRIBED:
		if (strcmp(c.tr_id, w->notice_tr) == 0 && c.key[0] && c.iv[0]) {
			if (kis_notice_key_set(&w->nkey, c.key, c.iv) == KE_OK) {
				w->have_nkey = 1;
			} else {
				/* Without the key every notice would be skipped until the next
				 * reconnect: reconnect now (the resync poll covers the gap). */
				report(w, "kis_ws: the notice subscription's key/iv is malformed: reconnecting");
				lose(w, "malformed notice key");
				return;
			}
		}
		w->acked++;
		break;
	case KIS_CTL_UNSUBSCRIBED: return;
	case KIS_CTL_ERROR:
		if (strcmp(c.msg_cd, "OPSP8996") == 0) {
			/* Another process holds this app key's session: retrying in a
			 * loop would get the key blocked. */
			w->fatal = 1;
			report(
			    w,
			    "kis_ws: KIS refused the session: another session already uses this app key (OPSP8996 %s); "
			    "stop the other process - not retrying",
			    c.msg);
			lose(w, "OPSP8996");
			return;
		}
		if (strcmp(c.msg_cd, "OPSP0002") == 0) { /* already subscribed: it is ours */
			w->acked++;
			break;
		}
		if (strcmp(c.msg_cd, "OPSP0011") == 0 && !w->key_retried) {
			/* The approval key was refused: a new one, once. */
			w->key_retried = 1;
			kis_auth_invalidate(w->auth, KIS_AUTH_APPROVAL, w->approval);
			memset(w->approval, 0, sizeof(w->approval));
			lose(w, "approval key refused (OPSP0011)");
			return;
		}
		report(w, "kis_ws: KIS refused %s %s: %s %s", c.tr_id, c.tr_key, c.msg_cd, c.msg);
		return;
	}
	if (w->acked >= kis_ws_registrations(w) && w->st.state == KIS_WS_SUBSCRIBING) {
		w->st.registrations = w->acked;
		set_state(w, KIS_WS_LIVE, "subscribed");
		if (w->resync_due && w->sink.on_resync) {
			w->resync_due = 0;
			w->sink.on_resync(w->sink.ud);
		}
	}
	w->st.registrations = w->acked;
}

static void on_message(struct kis_ws *w, const char *buf, size_t len)
{
	w->last_frame_mono = mono_ms(w);
	w->st.last_frame_ms = wall_ms();
	enum kis_frame_type type;
	if (kis_frame_type(buf, len, &type) != KE_OK) {
		w->st.bad_frames++;
		report(w, "kis_ws: frame skipped: neither data nor JSON (%zu bytes)", len);
		return;
	}
	if (type == KIS_FRAME_DATA)
		on_data(w, buf, len);
	else
		on_control(w, buf, len);
}

/* ---- connection life ---- */

static void on_retry(uv_timer_t *t);
static void begin(struct kis_ws *w);

/* The next reconnect delay: doubling from backoff_min_ms to backoff_max_ms,
 * +-20% jitter so that many clients do not reconnect in step. */
static int64_t next_delay(struct kis_ws *w)
{
	int64_t d = w->cfg.backoff_min_ms;
	for (int i = 0; i < w->backoff_step && d < w->cfg.backoff_max_ms; i++)
		d *= 2;
	if (d > w->cfg.backoff_max_ms)
		d = w->cfg.backoff_max_ms;
	if (w->backoff_step < 30)
		w->backoff_step++;
	int64_t span = d / 5;
	if (span > 0)
		d += (int64_t)(krng_next(&w->rng) % (uint64_t)(2 * span + 1)) - span;
	return d;
}

/* The session ended (closed, failed, dropped): wait, then reconnect. */
static void lose(struct kis_ws *w, const char *why)
{
	if (w->closing) {
		w->wsi = NULL;
		return;
	}
	if (w->wsi) {
		struct lws *wsi = w->wsi;
		w->wsi = NULL;
		lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
	}
	uv_timer_stop(&w->t->pace);
	w->out_n = 0;
	w->rxlen = 0;
	w->have_nkey = 0;
	if (w->fatal) {
		set_state(w, KIS_WS_STOPPED, why);
		return;
	}
	if (w->st.state == KIS_WS_WAITING)
		return;
	if (w->connected_at && mono_ms(w) - w->connected_at >= w->cfg.stable_ms)
		w->backoff_step = 0;
	w->connected_at = 0;
	set_state(w, KIS_WS_WAITING, why);
	uv_timer_start(&w->t->retry, on_retry, (uint64_t)next_delay(w), 0);
}

static int on_lws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	(void)user;
	struct lws_context *ctx = lws_get_context(wsi);
	struct kis_ws *w = ctx ? lws_context_user(ctx) : NULL;
	if (!w)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (wsi != w->wsi)
			return -1;
		w->st.connects++;
		if (w->st.connects > 1) {
			w->st.reconnects++;
			w->resync_due = 1;
		}
		w->connected_at = mono_ms(w);
		w->last_frame_mono = mono_ms(w);
		w->cursor = 0;
		w->acked = 0;
		set_state(w, KIS_WS_SUBSCRIBING, "connected");
		send_next_registration(w);
		if (kis_ws_registrations(w) == 0)
			set_state(w, KIS_WS_LIVE, "connected, nothing to subscribe");
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE: {
		if (wsi != w->wsi)
			return 0;
		if (lws_is_first_fragment(wsi)) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			w->frame_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
			w->rxlen = 0;
			w->rx_overflow = 0;
		}
		if (w->rxlen + len > w->cfg.rx_buffer)
			w->rx_overflow = 1;
		else {
			memcpy(w->rx + w->rxlen, in, len);
			w->rxlen += len;
		}
		if (lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
			if (w->rx_overflow) {
				w->st.bad_frames++;
				report(w, "kis_ws: frame skipped: larger than %zu bytes", w->cfg.rx_buffer);
			} else {
				on_message(w, w->rx, w->rxlen);
			}
			w->rxlen = 0;
		}
		return 0;
	}
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (wsi == w->wsi)
			write_one(w, wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (wsi == w->wsi) {
			w->wsi = NULL;
			report(w, "kis_ws: cannot connect to %s:%d: %s", w->host, w->port,
			       in ? (const char *)in : "error");
			lose(w, "connect failed");
		}
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (wsi == w->wsi) {
			w->wsi = NULL;
			lose(w, "connection closed");
		}
		return 0;
	default: return 0;
	}
}

static void connect_now(struct kis_ws *w)
{
	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof(ci));
	ci.context = w->ctx;
	ci.address = w->host;
	ci.port = w->port;
	ci.path = w->path;
	ci.host = w->host;
	ci.origin = w->host;
	ci.protocol = NULL;
	ci.local_protocol_name = w->protocols[0].name;
	ci.ssl_connection = w->tls ? LCCSCF_USE_SSL : 0;
	ci.pwsi = &w->wsi;
	set_state(w, KIS_WS_CONNECTING, "connecting");
	if (!lws_client_connect_via_info(&ci)) {
		w->wsi = NULL;
		report(w, "kis_ws: cannot start a connection to %s:%d", w->host, w->port);
		lose(w, "connect failed");
	}
}

static void on_key(void *ud, const char *value, const struct kis_auth_error *e)
{
	struct key_ticket *t = ud;
	int *alive = t->alive;
	struct kis_ws *w = t->w;
	free(t);
	alive[0]--;
	if (alive[1]) {
		if (alive[0] == 0)
			free(alive);
		return;
	}
	w->waiting_key = 0;
	if (w->closing)
		return;
	if (!value) {
		report(w, "kis_ws: no approval key: %s", e->msg);
		set_state(w, KIS_WS_CONNECTING, "no approval key");
		lose(w, "no approval key");
		return;
	}
	snprintf(w->approval, sizeof(w->approval), "%s", value);
	connect_now(w);
}

/* Approval key first (cached, or issued), then the connection. */
static void begin(struct kis_ws *w)
{
	if (w->closing || w->fatal)
		return;
	const char *key = kis_auth_current(w->auth, KIS_AUTH_APPROVAL);
	if (key) {
		snprintf(w->approval, sizeof(w->approval), "%s", key);
		connect_now(w);
		return;
	}
	struct key_ticket *t = malloc(sizeof(*t));
	if (!t) {
		lose(w, "out of memory");
		return;
	}
	t->alive = w->alive;
	t->w = w;
	w->alive[0]++;
	w->waiting_key = 1;
	set_state(w, KIS_WS_CONNECTING, "approval key");
	if (kis_auth_get(w->auth, KIS_AUTH_APPROVAL, on_key, t) != KE_OK) {
		w->alive[0]--;
		free(t);
		w->waiting_key = 0;
		lose(w, "cannot ask for an approval key");
	}
}

static void on_retry(uv_timer_t *t)
{
	struct kis_ws *w = t->data;
	if (w)
		begin(w);
}

/* Silence: neither data nor ping nor ack for silence_ms means the peer or
 * the path is gone even if TCP has not noticed. */
static void on_watchdog(uv_timer_t *t)
{
	struct kis_ws *w = t->data;
	if (!w || !w->wsi || (w->st.state != KIS_WS_SUBSCRIBING && w->st.state != KIS_WS_LIVE))
		return;
	if (mono_ms(w) - w->last_frame_mono > w->cfg.silence_ms) {
		report(w, "kis_ws: nothing received for %lld ms: reconnecting", (long long)w->cfg.silence_ms);
		lose(w, "silent");
	}
}

/* ---- life cycle ---- */

/* "ws://host:port" or "wss://host[:port]" into host, port, tls. */
static int parse_url(const char *url, char *host, size_t hostcap, int *port, int *tls)
{
	const char *p;
	if (strncmp(url, "ws://", 5) == 0) {
		p = url + 5;
		*tls = 0;
		*port = 80;
	} else if (strncmp(url, "wss://", 6) == 0) {
		p = url + 6;
		*tls = 1;
		*port = 443;
	} else {
		return KE_EINVAL;
	}
	size_t n = strcspn(p, ":/");
	if (n == 0 || n >= hostcap)
		return KE_EINVAL;
	memcpy(host, p, n);
	host[n] = '\0';
	if (p[n] == ':') {
		char *end;
		long v = strtol(p + n + 1, &end, 10);
		if (v <= 0 || v > 65535 || (*end && *end != '/'))
			return KE_EINVAL;
		*port = (int)v;
	}
	return KE_OK;
}

static void on_timer_closed(uv_handle_t *h)
{
	struct ws_timers *t = h->data;
	if (--t->open == 0)
		free(t);
}

static int fail(char *err, size_t errlen, int rc, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return rc;
}

static void ws_free_memory(struct kis_ws *w)
{
	free(w->syms);
	free(w->rx);
	free(w->outq);
	free(w->trades);
	free(w->books);
	free(w->notices);
	if (w->plain)
		memset(w->plain, 0, w->cfg.rx_buffer + 1);
	free(w->plain);
	memset(w->approval, 0, sizeof(w->approval));
	free(w);
}

int kis_ws_new(uv_loop_t *loop, const struct kis_endpoint *ep, struct kis_auth *auth, const struct kis_ws_config *cfg,
               const struct kis_ws_sink *sink, struct kis_ws **out, char *err, size_t errlen)
{
	if (!out)
		return fail(err, errlen, KE_EINVAL, "kis_ws: no out");
	*out = NULL;
	if (!loop || !ep || !auth || !sink)
		return fail(err, errlen, KE_EINVAL, "kis_ws: missing loop, endpoint, auth or sink");
	struct kis_ws *w = calloc(1, sizeof(*w));
	if (!w)
		return fail(err, errlen, KE_ENOMEM, "kis_ws: out of memory");
	w->loop = loop;
	w->ep = *ep;
	w->env = ep->env;
	w->auth = auth;
	w->sink = *sink;
	if (cfg)
		w->cfg = *cfg;
	else
		kis_ws_config_default(&w->cfg, ep->env);
	struct kis_ws_config def;
	kis_ws_config_default(&def, ep->env);
	if (!w->cfg.path || !*w->cfg.path)
		w->cfg.path = def.path;
	if (w->cfg.rx_buffer == 0)
		w->cfg.rx_buffer = def.rx_buffer;
	if (w->cfg.custtype != 'P' && w->cfg.custtype != 'B')
		w->cfg.custtype = 'P';
	if (w->cfg.pace_ms < 0 || w->cfg.silence_ms <= 0 || w->cfg.backoff_min_ms <= 0 ||
	    w->cfg.backoff_max_ms < w->cfg.backoff_min_ms || w->cfg.stable_ms < 0 || w->cfg.rx_buffer < 4096 ||
	    w->cfg.rx_buffer > (64u << 20)) {
		free(w);
		return fail(err, errlen, KE_EINVAL,
		            "kis_ws: a pace, silence, backoff or buffer setting is out of range");
	}
	if ((cfg && cfg->hts_id && strlen(cfg->hts_id) >= sizeof(w->hts_id)) ||
	    (cfg && cfg->account && strlen(cfg->account) >= sizeof(w->account)) ||
	    strlen(w->cfg.path) >= sizeof(w->path)) {
		free(w);
		return fail(err, errlen, KE_EINVAL, "kis_ws: HTS ID, account or path too long");
	}
	snprintf(w->hts_id, sizeof(w->hts_id), "%s", cfg && cfg->hts_id ? cfg->hts_id : "");
	snprintf(w->account, sizeof(w->account), "%s", cfg && cfg->account ? cfg->account : "");
	snprintf(w->path, sizeof(w->path), "%s", w->cfg.path);
	w->cfg.hts_id = w->cfg.account = w->cfg.path = NULL;
	w->notice_tr = ep->env == KIS_ENV_REAL ? TR_NOTICE_REAL : TR_NOTICE_MOCK;
	if (parse_url(ep->ws_url, w->host, sizeof(w->host), &w->port, &w->tls) != KE_OK) {
		free(w);
		return fail(err, errlen, KE_EINVAL,
		            "kis_ws: the WebSocket URL must be ws://host:port or wss://host[:port]");
	}
	w->alive = calloc(2, sizeof(int));
	w->rx = malloc(w->cfg.rx_buffer);
	w->plain = malloc(w->cfg.rx_buffer + 1);
	w->outq = calloc(OUTQ_MAX, sizeof(*w->outq));
	w->trades = calloc(KIS_FRAME_MAX_RECORDS, sizeof(*w->trades));
	w->books = calloc(KIS_FRAME_MAX_RECORDS, sizeof(*w->books));
	w->notices = calloc(KIS_FRAME_MAX_RECORDS, sizeof(*w->notices));
	w->t = calloc(1, sizeof(*w->t));
	if (!w->alive || !w->rx || !w->plain || !w->outq || !w->trades || !w->books || !w->notices || !w->t) {
		free(w->alive);
		free(w->t);
		ws_free_memory(w);
		return fail(err, errlen, KE_ENOMEM, "kis_ws: out of memory");
	}
	uint64_t seed = w->cfg.jitter_seed ? w->cfg.jitter_seed : (uint64_t)wall_ms();
	krng_seed(&w->rng, seed);

	w->protocols[0].name = "kis-realtime";
	w->protocols[0].callback = on_lws;
	w->protocols[0].rx_buffer_size = w->cfg.rx_buffer;
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	void *loops[1] = {loop};
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = w->protocols;
	info.options = LWS_SERVER_OPTION_LIBUV | (w->tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0);
	info.foreign_loops = loops;
	info.user = w;
	lws_set_log_level(LLL_ERR, NULL);
	w->ctx = lws_create_context(&info);
	if (!w->ctx) {
		free(w->alive);
		free(w->t);
		ws_free_memory(w);
		return fail(
		    err, errlen, KE_EIO,
		    "kis_ws: cannot create the libwebsockets context on the libuv loop (is libwebsockets-evlib-uv "
		    "installed?)");
	}
	uv_timer_init(loop, &w->t->pace);
	uv_timer_init(loop, &w->t->watchdog);
	uv_timer_init(loop, &w->t->retry);
	w->t->pace.data = w->t->watchdog.data = w->t->retry.data = w;
	w->t->open = 3;
	*out = w;
	return KE_OK;
}

int kis_ws_start(struct kis_ws *w)
{
	if (!w || w->closing || w->st.state != KIS_WS_IDLE)
		return KE_ESTATE;
	int64_t tick = w->cfg.silence_ms / 4 > 0 ? w->cfg.silence_ms / 4 : 1;
	uv_timer_start(&w->t->watchdog, on_watchdog, (uint64_t)tick, (uint64_t)tick);
	begin(w);
	return KE_OK;
}

void kis_ws_stats(const struct kis_ws *w, struct kis_ws_stats *out)
{
	if (out)
		*out = w ? w->st : (struct kis_ws_stats){0};
}

int64_t kis_ws_frame_ns(const struct kis_ws *w)
{
	return w ? w->frame_ns : 0;
}

int kis_ws_drop(struct kis_ws *w)
{
	if (!w || !w->wsi)
		return KE_ESTATE;
	lose(w, "dropped");
	return KE_OK;
}

void kis_ws_close(struct kis_ws *w)
{
	if (!w || w->closing)
		return;
	w->closing = 1;
	w->t->pace.data = w->t->watchdog.data = w->t->retry.data = w->t;
	uv_close((uv_handle_t *)&w->t->pace, on_timer_closed);
	uv_close((uv_handle_t *)&w->t->watchdog, on_timer_closed);
	uv_close((uv_handle_t *)&w->t->retry, on_timer_closed);
	w->t = NULL;
	w->wsi = NULL;
	set_state(w, KIS_WS_STOPPED, "closed");
	lws_context_destroy(w->ctx);
}

void kis_ws_free(struct kis_ws *w)
{
	if (!w)
		return;
	if (!w->closing)
		kis_ws_close(w);
	/* The second destroy releases what the loop's run freed (lws + libuv). */
	lws_context_destroy(w->ctx);
	w->alive[1] = 1;
	if (w->alive[0] == 0)
		free(w->alive);
	ws_free_memory(w);
}
