/*
 * kis_ws.h - the KIS realtime session: one WebSocket on the libuv loop
 * (libwebsockets with its libuv event library), its subscriptions, and the
 * records it delivers.
 *
 * What it does (protocol reference §5):
 *  - connects to the env's WebSocket URL (or an override) with the approval
 *    key (kis_auth, cached for its day) and subscribes, paced: trades
 *    (H0STCNT0) and quotes (H0STASP0) per symbol, and the execution notices
 *    (H0STCNI0 real / H0STCNI9 mock) with the HTS ID. Registrations count
 *    against KIS's 41 per session: asking for more is refused before
 *    anything is sent, naming the limit.
 *  - splits data frames into typed records (kis_frame, kis_notice) and hands
 *    them to the sink; decrypts notices with the key/iv of their ack and
 *    keeps only those of the configured account.
 *  - answers PINGPONG (echoes the text); declares the session dead when no
 *    frame and no ping arrived for silence_ms; reconnects with exponential
 *    backoff and jitter (never a tight loop: KIS blocks keys and IPs that
 *    reconnect in loops), resubscribes everything, then calls on_resync so
 *    the owner asks REST for what it missed.
 *  - OPSP8996 (another session holds the app key) stops the session with a
 *    clear error; it is not retried in a loop. OPSP0011 (approval key
 *    refused) re-issues the key once.
 *  - malformed frames are counted, reported through on_error, and skipped.
 *
 * Not thread-safe: the loop's thread only. Nothing it reports contains the
 * approval key or the app credentials.
 */
#ifndef KIS_WS_H
#define KIS_WS_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "kis_auth.h"
#include "kis_env.h"
#include "kis_frame.h"
#include "kis_notice.h"

/* KIS: 41 registrations per session, over all TRs and keys. */
#define KIS_WS_MAX_REGISTRATIONS 41

struct kis_ws_config {
	const char *hts_id;     /* notices' tr_key; NULL or "": no notice subscription */
	const char *account;    /* CANO + ACNT_PRDT_CD (10 digits): notices of other accounts are dropped */
	const char *path;       /* request path; default "/tryitout" */
	int64_t pace_ms;        /* between subscribe requests; default real 50, mock 500 */
	int64_t silence_ms;     /* no frame (data, ack or ping) for this long: dead; default 60000 */
	int64_t backoff_min_ms; /* first reconnect delay; default 1000 */
	int64_t backoff_max_ms; /* default 60000 */
	int64_t stable_ms;      /* connected this long resets the backoff; default 30000 */
	uint64_t jitter_seed;   /* jitter of +-20%; 0: from the clock */
	size_t rx_buffer;       /* largest frame; default 512 KiB */
	char custtype;          /* 'P' (default) or 'B' */
};

void kis_ws_config_default(struct kis_ws_config *cfg, enum kis_env env);

enum kis_ws_state {
	KIS_WS_IDLE = 0,    /* not started */
	KIS_WS_CONNECTING,  /* approval key, TCP, handshake */
	KIS_WS_SUBSCRIBING, /* connected, subscriptions going out */
	KIS_WS_LIVE,        /* every subscription acknowledged */
	KIS_WS_WAITING,     /* disconnected: a reconnect is scheduled */
	KIS_WS_STOPPED,     /* given up (OPSP8996, closed) */
};

struct kis_ws_stats {
	enum kis_ws_state state;
	int64_t connects;        /* sessions established */
	int64_t reconnects;      /* established after the first */
	int64_t frames;          /* data frames */
	int64_t records;         /* records in them */
	int64_t bad_frames;      /* skipped as malformed */
	int64_t pings;           /* PINGPONGs answered */
	int64_t notices;         /* notices of our account delivered */
	int64_t foreign_notices; /* notices of other accounts dropped */
	int64_t last_frame_ms;   /* wall ms of the last frame of any kind, 0 none */
	int registrations;       /* acknowledged now */
};

struct kis_ws_sink {
	void *ud;
	void (*on_trades)(void *ud, const struct kis_trade *t, int n);
	void (*on_books)(void *ud, const struct kis_book *b, int n);
	void (*on_notices)(void *ud, const struct kis_notice *x, int n);
	/* After a reconnect, once everything is subscribed again. */
	void (*on_resync)(void *ud);
	/* State changes (connected, lost, stopped). May be NULL. */
	void (*on_state)(void *ud, enum kis_ws_state st, const char *why);
	/* A frame skipped, a refused subscription, a fatal error. May be NULL. */
	void (*on_error)(void *ud, const char *msg);
};

struct kis_ws;

/* auth is borrowed (approval keys); ep gives ws_url; cfg strings copied.
 * Starts nothing: add subscriptions, then kis_ws_start. */
int kis_ws_new(uv_loop_t *loop, const struct kis_endpoint *ep, struct kis_auth *auth, const struct kis_ws_config *cfg,
               const struct kis_ws_sink *sink, struct kis_ws **out, char *err, size_t errlen);

/* Trades and quotes of symbol (2 registrations). KE_ELIMIT when that
 * would exceed KIS_WS_MAX_REGISTRATIONS (err names the limit); KE_EINVAL
 * for a malformed symbol. Before or after start: a live session subscribes
 * at once (paced). Adding a symbol twice is a no-op. */
int kis_ws_subscribe(struct kis_ws *w, const char *symbol, char *err, size_t errlen);

int kis_ws_start(struct kis_ws *w);

/* Registrations asked for (acknowledged or not), notices included. */
int kis_ws_registrations(const struct kis_ws *w);

void kis_ws_stats(const struct kis_ws *w, struct kis_ws_stats *out);

/* Inside a sink callback: CLOCK_MONOTONIC ns at which the frame being
 * delivered began to arrive (its first fragment). For latency benchmarks. */
int64_t kis_ws_frame_ns(const struct kis_ws *w);

/* Drop the connection now as if it had died (tests, operators). */
int kis_ws_drop(struct kis_ws *w);

/*
 * Stop: close the socket and timers and destroy the lws context (first
 * half). The caller then runs the loop until it returns and calls
 * kis_ws_free (second half: lws needs both, see design notes).
 */
void kis_ws_close(struct kis_ws *w);
void kis_ws_free(struct kis_ws *w);

const char *kis_ws_state_name(enum kis_ws_state st);

#endif
