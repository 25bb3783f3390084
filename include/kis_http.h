/*
 * kis_http.h - asynchronous HTTP for the KIS client: curl multi on a libuv
 * loop.
 *
 * One kis_http per loop. Requests are started at once (no loop turn is
 * waited: the multi handle is kicked as soon as a request is added) and
 * complete through a callback on the loop thread. Connections and TLS
 * sessions are reused (keep-alive; at most max_host_connections per host,
 * further requests queue inside curl instead of opening new connections).
 *
 * TLS: verification of peer and host is on for every request, except when
 * the URL's host is a loopback address and no CA file was configured (kis-sim
 * with a self-signed certificate). With a CA file, loopback hosts are
 * verified too, against that CA.
 *
 * Secrets: request headers carry app key, secret and token. This module
 * never logs, never turns on curl's verbose output, and its error messages
 * contain only curl's transport error text (host names, not headers).
 *
 * Ownership: kis_http_send copies the URL, headers and body; the response
 * passed to the callback is borrowed and valid only during the callback.
 * Not thread-safe: call everything from the loop's thread.
 */
#ifndef KIS_HTTP_H
#define KIS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

struct kis_http;

struct kis_http_config {
	const char *ca_file;       /* PEM bundle of private CAs; NULL: the system store */
	long max_host_connections; /* per host; 0: the default (4) */
	long connect_timeout_ms;   /* 0: the default (5000) */
};

enum kis_http_method { KIS_HTTP_GET = 0, KIS_HTTP_POST };

struct kis_http_request {
	enum kis_http_method method;
	const char *url;            /* absolute, query string included */
	const char *const *headers; /* "name: value" lines; nheaders of them */
	size_t nheaders;
	const char *body; /* POST only; need not be NUL-terminated */
	size_t body_len;
	long timeout_ms; /* whole request; > 0 */
};

enum kis_http_status {
	KIS_HTTP_DONE = 0,  /* an HTTP answer arrived (any status code) */
	KIS_HTTP_TIMEOUT,   /* no complete answer within timeout_ms: the request
	                     * may or may not have reached the server */
	KIS_HTTP_CONNECT,   /* could not connect or TLS failed: nothing was sent */
	KIS_HTTP_ERROR,     /* another transport failure after sending began */
	KIS_HTTP_ABORTED,   /* kis_http_free or kis_http_abort ended it */
	KIS_HTTP_TOO_LARGE, /* the body exceeded KIS_HTTP_BODY_MAX (connection dropped) */
};

/* Answers larger than this are refused. */
#define KIS_HTTP_BODY_MAX (8u * 1024 * 1024)

struct kis_http_response {
	enum kis_http_status status;
	long http_code;   /* 0 unless status is DONE */
	const char *body; /* NUL-terminated; "" when empty */
	size_t body_len;
	char tr_cont[4]; /* the tr_cont response header ("" when absent) */
	char error[256]; /* for a status other than DONE: what happened */
	int64_t sent_ns; /* CLOCK_MONOTONIC when curl began sending, 0 if never */
};

typedef void (*kis_http_done_fn)(void *ud, const struct kis_http_response *r);

/* KE_OK, KE_EINVAL (NULL loop/out), KE_ENOMEM, KE_EIO (curl init failed). */
int kis_http_new(uv_loop_t *loop, const struct kis_http_config *cfg, struct kis_http **out);

/*
 * Start a request; done runs exactly once, later, on the loop (never inside
 * this call). *out_id (may be NULL) identifies it for kis_http_abort.
 * KE_EINVAL for a malformed request (no URL, timeout <= 0, an unknown
 * method), KE_ENOMEM, KE_ESTATE after kis_http_close began.
 */
int kis_http_send(struct kis_http *h, const struct kis_http_request *rq, kis_http_done_fn done, void *ud,
                  uint64_t *out_id);

/* End a request early: its callback runs (status ABORTED) before this
 * returns. KE_ENOENT when no such request is in flight. */
int kis_http_abort(struct kis_http *h, uint64_t id);

/* Requests in flight. */
size_t kis_http_pending(const struct kis_http *h);

/*
 * Abort every request (each callback runs with ABORTED), close the uv
 * handles and free once the loop has run their close callbacks: the caller
 * must run the loop (uv_run) afterwards for the memory to be released.
 * h may be NULL.
 */
void kis_http_close(struct kis_http *h);

/* Monotonic nanoseconds (the clock of sent_ns). */
int64_t kis_http_now_ns(void);

#endif
