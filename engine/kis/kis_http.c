/*
 * kis_http.c - asynchronous HTTP for the KIS client: libcurl's multi
 * interface driven by a libuv loop.
 *
 * curl tells us which sockets to watch (CURLMOPT_SOCKETFUNCTION: one
 * uv_poll_t per socket) and when to wake it up (CURLMOPT_TIMERFUNCTION: one
 * uv_timer_t); we hand events back with curl_multi_socket_action. After
 * adding a request the multi handle is kicked at once, so the connection
 * (or the write on a reused one) starts inside kis_http_send instead of a
 * loop turn later.
 *
 * Completions move from the active list to a finished list as curl reports
 * them and are delivered from there one at a time, each unlinked before its
 * callback runs: a callback may send, abort or even close without
 * invalidating anything the delivery loop still holds. Completions found by
 * the kick inside kis_http_send wait for a zero timer, so no callback ever
 * runs inside that call. User code never runs inside a curl callback.
 *
 * Signals: CURLOPT_NOSIGNAL keeps curl away from SIGALRM and signal
 * handlers, but a write to a socket the peer closed can still raise SIGPIPE
 * on some paths (OpenSSL). Ignoring SIGPIPE is process-wide state, so it is
 * the program's job (signal(SIGPIPE, SIG_IGN) once at start-up), not this
 * module's.
 *
 * curl_global_init is reference counted: each kis_http takes one reference
 * and gives it back when its memory is released.
 */
#include "kis_http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ke_common.h"
#include "kis_env.h"

#define DEFAULT_MAX_HOST   4
#define DEFAULT_CONNECT_MS 5000
#define SPARE_MAX          8 /* idle easy handles kept: each holds a TLS session cache */
#define BODY_INITIAL       4096

struct sock {
	uv_poll_t poll; /* first: the close callback gets it as a uv_handle_t */
	struct kis_http *h;
	curl_socket_t fd;
	struct sock *prev, *next;
};

struct req {
	struct req *prev, *next;
	uint64_t id;
	CURL *easy;
	struct curl_slist *hdrs;
	kis_http_done_fn done;
	void *ud;
	char *buf; /* the answer's body, NUL-terminated once anything arrived */
	size_t len, cap;
	int too_large, nomem, in_multi;
	CURLcode result;
	int64_t sent_ns;
	char tr_cont[4];
	char errbuf[CURL_ERROR_SIZE];
};

struct rlist {
	struct req *head, *tail;
	size_t n;
};

struct kis_http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;      /* curl's timeout */
	uv_timer_t defer;      /* delivers completions found inside kis_http_send */
	struct rlist active;   /* in the multi handle */
	struct rlist finished; /* out of it, callback not yet run */
	struct sock *socks;
	CURL *spare[SPARE_MAX];
	size_t nspare;
	char *ca_file;
	long connect_timeout_ms;
	uint64_t next_id;
	int closing;
	int cleaning;     /* inside curl_multi_cleanup: the socket hash is going away */
	int open_handles; /* uv handles not yet closed: the memory goes with the last */
};

int64_t kis_http_now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- lists ---- */

static void rlist_push(struct rlist *l, struct req *r)
{
	r->next = NULL;
	r->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
	l->n++;
}

static void rlist_unlink(struct rlist *l, struct req *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		l->head = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	else
		l->tail = r->prev;
	r->prev = r->next = NULL;
	l->n--;
}

/* ---- uv handles and memory ---- */

static void on_timer_closed(uv_handle_t *hd)
{
	struct kis_http *h = hd->data;
	if (--h->open_handles == 0 && h->closing) {
		curl_global_cleanup();
		free(h->ca_file);
		free(h);
	}
}

static void on_sock_closed(uv_handle_t *hd)
{
	struct sock *k = (struct sock *)hd;
	struct kis_http *h = k->h;
	free(k);
	if (--h->open_handles == 0 && h->closing) {
		curl_global_cleanup();
		free(h->ca_file);
		free(h);
	}
}

static void sock_close(struct kis_http *h, struct sock *k)
{
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		h->socks = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	k->prev = k->next = NULL;
	uv_close((uv_handle_t *)&k->poll, on_sock_closed);
}

/* Give a finished request's easy handle back (kept warm when there is room)
 * and free the rest. The request is in no list and not in the multi. */
static void req_free(struct kis_http *h, struct req *r)
{
	if (r->easy != NULL) {
		if (!h->closing && h->nspare < SPARE_MAX) {
			/* reset keeps live connections and the TLS session cache, and
			 * drops the pointer to hdrs before we free them */
			curl_easy_reset(r->easy);
			h->spare[h->nspare++] = r->easy;
		} else {
			curl_easy_cleanup(r->easy);
		}
	}
	curl_slist_free_all(r->hdrs);
	free(r->buf);
	free(r);
}

/* ---- delivery ---- */

static void set_error(struct kis_http_response *resp, const struct req *r, CURLcode rc)
{
	const char *text = r->errbuf[0] != '\0' ? r->errbuf : curl_easy_strerror(rc);
	snprintf(resp->error, sizeof(resp->error), "%s", text);
}

/* Map curl's result. "Nothing was sent" is worth a lot to the caller (an
 * order that never left may simply be sent again), and the pre-request
 * callback tells it exactly: it runs right before the request is written.
 * So a timeout before that point (connect, TLS handshake, waiting for a
 * connection slot) is CONNECT, not TIMEOUT. */
static void map_result(const struct req *r, struct kis_http_response *resp)
{
	CURLcode rc = r->result;
	switch (rc) {
	case CURLE_OK: resp->status = KIS_HTTP_DONE; return;
	case CURLE_FILESIZE_EXCEEDED: resp->status = KIS_HTTP_TOO_LARGE; break;
	case CURLE_WRITE_ERROR:
		resp->status = r->too_large ? KIS_HTTP_TOO_LARGE : KIS_HTTP_ERROR;
		if (r->nomem) {
			snprintf(resp->error, sizeof(resp->error), "out of memory for the answer");
			return;
		}
		break;
	case CURLE_OPERATION_TIMEDOUT: resp->status = r->sent_ns != 0 ? KIS_HTTP_TIMEOUT : KIS_HTTP_CONNECT; break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED: resp->status = KIS_HTTP_CONNECT; break;
	default: resp->status = r->sent_ns != 0 ? KIS_HTTP_ERROR : KIS_HTTP_CONNECT; break;
	}
	if (resp->status == KIS_HTTP_TOO_LARGE)
		snprintf(resp->error, sizeof(resp->error), "answer larger than %u bytes", (unsigned)KIS_HTTP_BODY_MAX);
	else
		set_error(resp, r, rc);
}

/* Run r's callback and free it. r is in no list and not in the multi. */
static void finish(struct kis_http *h, struct req *r, int aborted)
{
	struct kis_http_response resp;
	memset(&resp, 0, sizeof(resp));
	resp.body = "";
	resp.sent_ns = r->sent_ns;
	if (aborted) {
		resp.status = KIS_HTTP_ABORTED;
		snprintf(resp.error, sizeof(resp.error), "aborted");
	} else {
		map_result(r, &resp);
		if (resp.status == KIS_HTTP_DONE) {
			long code = 0;
			if (curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
				code = 0;
			resp.http_code = code;
			if (r->buf != NULL) {
				resp.body = r->buf;
				resp.body_len = r->len;
			}
			memcpy(resp.tr_cont, r->tr_cont, sizeof(resp.tr_cont));
		}
	}
	r->done(r->ud, &resp);
	req_free(h, r);
}

/* Move what curl finished to the finished list. */
static void collect(struct kis_http *h)
{
	CURLMsg *msg;
	int left;
	while (h->multi != NULL && (msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURL *e = msg->easy_handle;
		CURLcode rc = msg->data.result; /* msg dies with remove_handle */
		char *priv = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
		curl_multi_remove_handle(h->multi, e);
		if (priv == NULL)
			continue;
		struct req *r = (struct req *)priv;
		r->result = rc;
		r->in_multi = 0;
		rlist_unlink(&h->active, r);
		rlist_push(&h->finished, r);
	}
}

static void deliver(struct kis_http *h)
{
	struct req *r;
	while ((r = h->finished.head) != NULL) {
		rlist_unlink(&h->finished, r);
		finish(h, r, 0);
	}
}

/* ---- curl and uv glue ---- */

static void on_uv_timer(uv_timer_t *t)
{
	struct kis_http *h = t->data;
	int running;
	if (h->multi == NULL)
		return;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect(h);
	deliver(h);
}

static void on_defer(uv_timer_t *t)
{
	deliver(t->data);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct sock *k = (struct sock *)p;
	struct kis_http *h = k->h;
	curl_socket_t fd = k->fd; /* k may be closed by socket_action below */
	int flags = 0, running;
	if (h->multi == NULL)
		return;
	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, flags, &running);
	collect(h);
	deliver(h);
}

static int on_curl_timer(CURLM *m, long timeout_ms, void *ud)
{
	struct kis_http *h = ud;
	(void)m;
	if (timeout_ms < 0)
		uv_timer_stop(&h->timer);
	else if (uv_timer_start(&h->timer, on_uv_timer, (uint64_t)timeout_ms, 0) != 0)
		return -1;
	return 0;
}

static int on_curl_socket(CURL *e, curl_socket_t fd, int what, void *ud, void *sockp)
{
	struct kis_http *h = ud;
	struct sock *k = sockp;
	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (k != NULL) {
			if (!h->cleaning)
				curl_multi_assign(h->multi, fd, NULL);
			sock_close(h, k);
		}
		return 0;
	}
	if (k == NULL) {
		k = calloc(1, sizeof(*k));
		if (k == NULL)
			return -1;
		if (uv_poll_init_socket(h->loop, &k->poll, fd) != 0) {
			free(k);
			return -1;
		}
		k->h = h;
		k->fd = fd;
		k->next = h->socks;
		if (h->socks != NULL)
			h->socks->prev = k;
		h->socks = k;
		h->open_handles++;
		curl_multi_assign(h->multi, fd, k);
	}
	int ev = 0;
	if (what & CURL_POLL_IN)
		ev |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		ev |= UV_WRITABLE;
	if (ev == 0)
		return uv_poll_stop(&k->poll) == 0 ? 0 : -1;
	return uv_poll_start(&k->poll, ev, on_poll) == 0 ? 0 : -1;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct req *r = ud;
	size_t k = size * n;
	/* Returning less than k fails the transfer with CURLE_WRITE_ERROR. */
	if (k > KIS_HTTP_BODY_MAX - r->len) {
		r->too_large = 1;
		return 0;
	}
	if (r->len + k + 1 > r->cap) {
		size_t cap = r->cap != 0 ? r->cap : BODY_INITIAL;
		while (cap < r->len + k + 1)
			cap *= 2;
		if (cap > (size_t)KIS_HTTP_BODY_MAX + 1)
			cap = (size_t)KIS_HTTP_BODY_MAX + 1;
		char *b = realloc(r->buf, cap);
		if (b == NULL) {
			r->nomem = 1;
			return 0;
		}
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, p, k);
	r->len += k;
	r->buf[r->len] = '\0';
	return k;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct req *r = ud;
	size_t k = size * n;
	static const char name[] = "tr_cont:";
	const size_t nl = sizeof(name) - 1;
	/* A status line starts a new answer (a retry on a fresh connection):
	 * only the final answer's header counts. */
	if (k >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		r->tr_cont[0] = '\0';
		return k;
	}
	if (k < nl || strncasecmp(p, name, nl) != 0)
		return k;
	size_t b = nl, e = k;
	while (b < e && is_space(p[b]))
		b++;
	while (e > b && is_space(p[e - 1]))
		e--;
	size_t len = e - b < sizeof(r->tr_cont) - 1 ? e - b : sizeof(r->tr_cont) - 1;
	memcpy(r->tr_cont, p + b, len);
	r->tr_cont[len] = '\0';
	return k;
}

static int on_prereq(void *ud, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
	struct req *r = ud;
	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	r->sent_ns = kis_http_now_ns();
	return CURL_PREREQFUNC_OK;
}

/* ---- public ---- */

int kis_http_new(uv_loop_t *loop, const struct kis_http_config *cfg, struct kis_http **out)
{
	if (out != NULL)
		*out = NULL;
	if (loop == NULL || out == NULL)
		return KE_EINVAL;
	if (cfg != NULL && (cfg->max_host_connections < 0 || cfg->connect_timeout_ms < 0))
		return KE_EINVAL;
	struct kis_http *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return KE_ENOMEM;
	long max_host = cfg != NULL && cfg->max_host_connections > 0 ? cfg->max_host_connections : DEFAULT_MAX_HOST;
	h->connect_timeout_ms =
	    cfg != NULL && cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : DEFAULT_CONNECT_MS;
	if (cfg != NULL && cfg->ca_file != NULL && cfg->ca_file[0] != '\0') {
		h->ca_file = strdup(cfg->ca_file);
		if (h->ca_file == NULL) {
			free(h);
			return KE_ENOMEM;
		}
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(h->ca_file);
		free(h);
		return KE_EIO;
	}
	h->multi = curl_multi_init();
	CURLMcode mc = CURLM_OUT_OF_MEMORY;
	if (h->multi != NULL) {
		mc = curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
		if (mc == CURLM_OK)
			mc = curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
		if (mc == CURLM_OK)
			mc = curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
		if (mc == CURLM_OK)
			mc = curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
		/* Queue inside curl rather than open a connection per burst. */
		if (mc == CURLM_OK)
			mc = curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_host);
	}
	if (mc != CURLM_OK) {
		if (h->multi != NULL)
			curl_multi_cleanup(h->multi);
		curl_global_cleanup();
		free(h->ca_file);
		free(h);
		return mc == CURLM_OUT_OF_MEMORY ? KE_ENOMEM : KE_EIO;
	}
	/* uv_timer_init cannot fail; done last so no failure path must close them. */
	uv_timer_init(loop, &h->timer);
	uv_timer_init(loop, &h->defer);
	h->timer.data = h;
	h->defer.data = h;
	h->open_handles = 2;
	h->loop = loop;
	h->next_id = 1;
	*out = h;
	return KE_OK;
}

/* An absolute http(s) URL, as curl itself parses it. */
static int check_url(const char *url)
{
	CURLU *u = curl_url();
	if (u == NULL)
		return KE_ENOMEM;
	char *scheme = NULL;
	CURLUcode uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	int ok = uc == CURLUE_OK && scheme != NULL && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
	curl_free(scheme);
	curl_url_cleanup(u);
	if (uc == CURLUE_OUT_OF_MEMORY)
		return KE_ENOMEM;
	return ok ? KE_OK : KE_EINVAL;
}

static int check_request(const struct kis_http_request *rq)
{
	if (rq->url == NULL || rq->url[0] == '\0' || rq->timeout_ms <= 0)
		return KE_EINVAL;
	if (rq->method != KIS_HTTP_GET && rq->method != KIS_HTTP_POST)
		return KE_EINVAL;
	if (rq->nheaders > 0 && rq->headers == NULL)
		return KE_EINVAL;
	/* A line break inside a header would let a value forge further headers. */
	for (size_t i = 0; i < rq->nheaders; i++)
		if (rq->headers[i] == NULL || strpbrk(rq->headers[i], "\r\n") != NULL)
			return KE_EINVAL;
	if (rq->method == KIS_HTTP_POST && rq->body == NULL && rq->body_len > 0)
		return KE_EINVAL;
	return check_url(rq->url);
}

#define SETOPT(opt, val)                                                                                               \
	do {                                                                                                           \
		if (rc == CURLE_OK)                                                                                    \
			rc = curl_easy_setopt(e, opt, val);                                                            \
	} while (0)

static int configure(struct kis_http *h, struct req *r, const struct kis_http_request *rq)
{
	CURL *e = r->easy;
	CURLcode rc = CURLE_OK;
	for (size_t i = 0; i < rq->nheaders; i++) {
		struct curl_slist *l = curl_slist_append(r->hdrs, rq->headers[i]);
		if (l == NULL)
			return KE_ENOMEM;
		r->hdrs = l;
	}
	if (rq->method == KIS_HTTP_POST) {
		/* An empty Expect: stops curl from waiting for a 100-continue
		 * that lws never sends. */
		struct curl_slist *l = curl_slist_append(r->hdrs, "Expect:");
		if (l == NULL)
			return KE_ENOMEM;
		r->hdrs = l;
	}
	/* Verification is off only for kis-sim's self-signed certificate on
	 * this machine; a configured CA is always checked, loopback or not. */
	long verify = h->ca_file == NULL && kis_env_is_loopback(rq->url) ? 0L : 1L;

	SETOPT(CURLOPT_URL, rq->url);
	SETOPT(CURLOPT_PRIVATE, (char *)r);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	/* KIS speaks HTTP/1.1; HTTP/2 by ALPN would change connection
	 * accounting (max_host_connections) for no gain. */
	SETOPT(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(CURLOPT_HTTPHEADER, r->hdrs);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, r);
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_HEADERDATA, r);
	SETOPT(CURLOPT_PREREQFUNCTION, on_prereq);
	SETOPT(CURLOPT_PREREQDATA, r);
	SETOPT(CURLOPT_ERRORBUFFER, r->errbuf);
	SETOPT(CURLOPT_TIMEOUT_MS, rq->timeout_ms);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
	/* Refuses a too-large answer from its Content-Length before reading it;
	 * on_body catches chunked answers. */
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)KIS_HTTP_BODY_MAX);
	SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
	SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SETOPT(CURLOPT_SSL_VERIFYPEER, verify);
	SETOPT(CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
	if (h->ca_file != NULL)
		SETOPT(CURLOPT_CAINFO, h->ca_file);
	if (rq->method == KIS_HTTP_POST) {
		SETOPT(CURLOPT_POST, 1L);
		/* The size first: COPYPOSTFIELDS then copies exactly that many
		 * bytes, so the body need not be NUL-terminated. */
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
		SETOPT(CURLOPT_COPYPOSTFIELDS, rq->body_len > 0 ? rq->body : "");
	} else {
		SETOPT(CURLOPT_HTTPGET, 1L);
	}
	if (rc == CURLE_OUT_OF_MEMORY)
		return KE_ENOMEM;
	return rc == CURLE_OK ? KE_OK : KE_EIO;
}

int kis_http_send(struct kis_http *h, const struct kis_http_request *rq, kis_http_done_fn done, void *ud,
                  uint64_t *out_id)
{
	if (out_id != NULL)
		*out_id = 0;
	if (h == NULL || rq == NULL || done == NULL)
		return KE_EINVAL;
	if (h->closing)
		return KE_ESTATE;
	int err = check_request(rq);
	if (err != KE_OK)
		return err;
	struct req *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return KE_ENOMEM;
	r->done = done;
	r->ud = ud;
	r->easy = h->nspare > 0 ? h->spare[--h->nspare] : curl_easy_init();
	if (r->easy == NULL) {
		free(r);
		return KE_ENOMEM;
	}
	err = configure(h, r, rq);
	if (err == KE_OK) {
		CURLMcode mc = curl_multi_add_handle(h->multi, r->easy);
		if (mc != CURLM_OK)
			err = mc == CURLM_OUT_OF_MEMORY ? KE_ENOMEM : KE_EIO;
	}
	if (err != KE_OK) {
		req_free(h, r);
		return err;
	}
	r->in_multi = 1;
	r->id = h->next_id++;
	rlist_push(&h->active, r);
	if (out_id != NULL)
		*out_id = r->id;

	/* The kick: start connecting (or writing) now, not a loop turn later. */
	int running;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	collect(h);
	if (h->finished.head != NULL)
		uv_timer_start(&h->defer, on_defer, 0, 0);
	return KE_OK;
}

static struct req *find(struct rlist *l, uint64_t id)
{
	for (struct req *r = l->head; r != NULL; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

/* Take r out of wherever it is and run its callback with ABORTED. */
static void abort_req(struct kis_http *h, struct req *r)
{
	if (r->in_multi) {
		curl_multi_remove_handle(h->multi, r->easy);
		r->in_multi = 0;
		rlist_unlink(&h->active, r);
	} else {
		rlist_unlink(&h->finished, r);
	}
	finish(h, r, 1);
}

int kis_http_abort(struct kis_http *h, uint64_t id)
{
	if (h == NULL)
		return KE_ENOENT;
	struct req *r = find(&h->active, id);
	if (r == NULL)
		r = find(&h->finished, id);
	if (r == NULL)
		return KE_ENOENT;
	abort_req(h, r);
	return KE_OK;
}

size_t kis_http_pending(const struct kis_http *h)
{
	return h == NULL ? 0 : h->active.n + h->finished.n;
}

void kis_http_close(struct kis_http *h)
{
	if (h == NULL || h->closing)
		return;
	h->closing = 1;
	/* Callbacks may abort others or try to send (refused): take the head
	 * afresh each time. */
	for (;;) {
		struct req *r = h->active.head != NULL ? h->active.head : h->finished.head;
		if (r == NULL)
			break;
		abort_req(h, r);
	}
	/* Cleanup may still report sockets as removed; their polls close here
	 * or in the sweep below. */
	h->cleaning = 1;
	curl_multi_cleanup(h->multi);
	h->multi = NULL;
	for (size_t i = 0; i < h->nspare; i++)
		curl_easy_cleanup(h->spare[i]);
	h->nspare = 0;
	while (h->socks != NULL)
		sock_close(h, h->socks);
	uv_close((uv_handle_t *)&h->timer, on_timer_closed);
	uv_close((uv_handle_t *)&h->defer, on_timer_closed);
}
