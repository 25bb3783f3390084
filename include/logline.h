/*
 * logline.h - the live runtime's log lines: human text (default) or JSON
 * lines (--log-json), one line per message whatever it contains, with
 * every registered secret and anything shaped like a token masked.
 *
 *   human: 2026-03-02T09:00:01.250+09:00 INFO  sma_cross: message
 *   JSON:
 * {"ts":"2026-03-02T09:00:01.250+09:00","level":"info","source":"sma_cross",
 *           "event":"fill","msg":"message"}
 *
 * Times are printed in KST whatever the machine's time zone. A newline in
 * a message becomes " | " (human) or \n (JSON); JSON strings escape
 * control characters and replace bytes that are not UTF-8 with U+FFFD, so
 * every line parses (strictly: overlong forms and surrogates are not
 * UTF-8 either). Masking applies to the source, the event and the message:
 * registered secrets (app key, app secret, account, tokens: at least 4
 * bytes), a JWT-shaped word ("eyJ" + at least 17 base64url/dot
 * characters), the token after "Bearer" (any case, then blanks) and the
 * value of a field named appkey, appsecret, secretkey, approval_key or
 * access_token ("name":"value", name=value, name: value; any case) show
 * nothing of the secret: each run of masked bytes, however many
 * occurrences overlap or touch in it, becomes one "****".
 *
 * Ownership: logline_new hands out a logger the caller frees with
 * logline_free; the FILE stays the caller's. Secrets are copied and wiped
 * at free. Not thread-safe.
 */
#ifndef LOGLINE_H
#define LOGLINE_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "core.h"

#define LOGLINE_MAX 4096 /* bytes of one message kept; longer ones end in "[truncated]" */

struct logline_config {
	FILE *out;
	int json;
	enum core_log_level min_level;
};

struct logline;

int logline_new(const struct logline_config *cfg, struct logline **out);
void logline_free(struct logline *lg);

/* KE_EINVAL for a secret shorter than 4 bytes (it would mask ordinary
 * words) or NULL; KE_ENOMEM. */
int logline_add_secret(struct logline *lg, const char *secret);

/* source NULL: "engine". event NULL: none (a plain message). */
void logline_write(struct logline *lg, enum core_log_level level, const char *source, int64_t time_ms,
                   const char *event, const char *msg);
/* Formats the whole message, however long, before it is masked and cut:
 * a secret never shows half because a format buffer ended inside it. */
void logline_printf(struct logline *lg, enum core_log_level level, int64_t time_ms, const char *event, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));
void logline_vprintf(struct logline *lg, enum core_log_level level, int64_t time_ms, const char *event, const char *fmt,
                     va_list ap) __attribute__((format(printf, 5, 0)));
int logline_enabled(const struct logline *lg, enum core_log_level level);

/* For core_set_log: the core's and the strategies' messages. */
struct core_log_sink logline_sink(struct logline *lg);

/* Whether out is a terminal (the status line is for people). */
int logline_is_tty(const struct logline *lg);
int logline_is_json(const struct logline *lg);

/* The status line: one line, or one JSON object with event "status". */
struct logline_strategy {
	const char *name;
	int64_t equity, day_pnl, cash;
	int positions, open_orders;
	int64_t fills_today;
	int halted;
};

struct logline_status {
	int64_t time_ms;
	const char *mode;    /* "paper", "mock", "real" */
	const char *feed;    /* "live", "waiting", ... */
	int64_t feed_age_ms; /* since the last frame; -1 none yet */
	int64_t frames_per_sec;
	int64_t reconnects;
	const struct logline_strategy *strategies;
	int nstrategies;
};
/* JSON: strategies that do not fit the line (hundreds) are counted in
 * "strategies_omitted", present only then. */
void logline_status(struct logline *lg, const struct logline_status *st);

#endif
