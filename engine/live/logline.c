/*
 * logline.c - log lines for the live runtime (see logline.h).
 *
 * Every line is built in the logger's own buffers (no allocation per
 * message), masked, then written with one fwrite so that lines of a
 * process never interleave mid-line.
 */
#include "logline.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktime.h"

#define MASK "****"
#define CUT  " [truncated]"

struct logline {
	struct logline_config cfg;
	char **secrets;
	size_t nsecrets;
	char msg[LOGLINE_MAX + sizeof(CUT)]; /* the masked message */
	char src[128];                       /* the masked source */
	char line[LOGLINE_MAX * 6 + 512];    /* JSON may grow each byte to \uXXXX */
};

static const char *const level_upper[] = {"DEBUG", "INFO", "WARN", "ERROR"};
static const char *const level_lower[] = {"debug", "info", "warn", "error"};

int logline_new(const struct logline_config *cfg, struct logline **out)
{
	if (!cfg || !cfg->out || !out)
		return KE_EINVAL;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return KE_ENOMEM;
	(*out)->cfg = *cfg;
	return KE_OK;
}

void logline_free(struct logline *lg)
{
	if (!lg)
		return;
	for (size_t i = 0; i < lg->nsecrets; i++) {
		volatile char *p = lg->secrets[i];
		while (*p)
			*p++ = '\0';
		free(lg->secrets[i]);
	}
	free(lg->secrets);
	free(lg);
}

int logline_add_secret(struct logline *lg, const char *secret)
{
	if (!lg || !secret || strlen(secret) < 4)
		return KE_EINVAL;
	char **p = realloc(lg->secrets, (lg->nsecrets + 1) * sizeof(*p));
	if (!p)
		return KE_ENOMEM;
	lg->secrets = p;
	p[lg->nsecrets] = strdup(secret);
	if (!p[lg->nsecrets])
		return KE_ENOMEM;
	lg->nsecrets++;
	return KE_OK;
}

int logline_enabled(const struct logline *lg, enum core_log_level level)
{
	return lg && level >= lg->cfg.min_level;
}

int logline_is_tty(const struct logline *lg)
{
	return lg && isatty(fileno(lg->cfg.out));
}

int logline_is_json(const struct logline *lg)
{
	return lg && lg->cfg.json;
}

/* ---- masking ---- */

static int tokenish(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || c == '+' || c == '/' || c == '=';
}

/* The longest registered secret that starts at s, 0 if none. */
static size_t secret_at(const struct logline *lg, const char *s)
{
	size_t best = 0;
	for (size_t i = 0; i < lg->nsecrets; i++) {
		size_t n = strlen(lg->secrets[i]);
		if (n > best && strncmp(s, lg->secrets[i], n) == 0)
			best = n;
	}
	return best;
}

/* in -> out (cap bytes, NUL-terminated), secrets and token shapes masked,
 * cut on a UTF-8 boundary with a marker when too long. */
static void mask(const struct logline *lg, const char *in, char *out, size_t cap)
{
	static const char cut[] = CUT;
	size_t o = 0, limit = cap - sizeof(cut);
	const char *p = in;
	while (*p && o < limit) {
		size_t n = secret_at(lg, p);
		int bearer = strncmp(p, "Bearer ", 7) == 0 && tokenish((unsigned char)p[7]);
		int jwt = 0;
		if (!n && !bearer && strncmp(p, "eyJ", 3) == 0 && (p == in || !isalnum((unsigned char)p[-1]))) {
			size_t k = 0;
			while (tokenish((unsigned char)p[k]))
				k++;
			jwt = k >= 20;
			n = jwt ? k : 0;
		}
		if (bearer) {
			memcpy(out + o, "Bearer ", 7);
			o += 7;
			p += 7;
			while (tokenish((unsigned char)*p))
				p++;
			n = 0;
		}
		if (n || bearer) {
			if (o + sizeof(MASK) - 1 > limit)
				break;
			memcpy(out + o, MASK, sizeof(MASK) - 1);
			o += sizeof(MASK) - 1;
			p += n;
			continue;
		}
		out[o++] = *p++;
	}
	if (*p) {
		/* Cut inside a UTF-8 sequence (the next byte continues it): back
		 * off to its first byte. */
		while (o > 0 && ((unsigned char)*p & 0xC0) == 0x80 && out[o - 1] == p[-1]) {
			o--;
			p--;
		}
		memcpy(out + o, cut, sizeof(cut));
		return;
	}
	out[o] = '\0';
}

/* ---- output ---- */

/* Bytes of the UTF-8 sequence at s, 0 when not valid UTF-8. */
static int utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

static size_t put_json_string(char *dst, const char *s)
{
	size_t o = 0;
	dst[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
			p++;
		} else if (c == '\n') {
			memcpy(dst + o, "\\n", 2);
			o += 2;
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)sprintf(dst + o, "\\u%04x", c);
			p++;
		} else {
			int n = utf8_len(p);
			if (n == 0) {
				memcpy(dst + o, "\\ufffd", 6);
				o += 6;
				p++;
			} else {
				memcpy(dst + o, p, (size_t)n);
				o += (size_t)n;
				p += n;
			}
		}
	}
	dst[o++] = '"';
	return o;
}

/* Human text: one line; control characters shown as '?', newlines as " | ". */
static size_t put_text(char *dst, const char *s)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n') {
			memcpy(dst + o, " | ", 3);
			o += 3;
		} else {
			dst[o++] = *p < 0x20 ? '?' : (char)*p;
		}
	}
	return o;
}

void logline_write(struct logline *lg, enum core_log_level level, const char *source, int64_t time_ms,
                   const char *event, const char *msg)
{
	if (!logline_enabled(lg, level))
		return;
	if ((unsigned)level > CORE_LOG_ERROR)
		level = CORE_LOG_ERROR;
	mask(lg, msg ? msg : "", lg->msg, sizeof(lg->msg));
	mask(lg, source ? source : "engine", lg->src, sizeof(lg->src));
	char ts[40];
	ktime_format_iso(time_ms, ts, sizeof(ts));
	char *l = lg->line;
	size_t o;
	if (lg->cfg.json) {
		o = (size_t)sprintf(l, "{\"ts\":\"%s\",\"level\":\"%s\",\"source\":", ts, level_lower[level]);
		o += put_json_string(l + o, lg->src);
		if (event) {
			memcpy(l + o, ",\"event\":", 9);
			o += 9;
			o += put_json_string(l + o, event);
		}
		memcpy(l + o, ",\"msg\":", 7);
		o += 7;
		o += put_json_string(l + o, lg->msg);
		l[o++] = '}';
	} else {
		o = (size_t)sprintf(l, "%s %-5s ", ts, level_upper[level]);
		o += put_text(l + o, lg->src);
		memcpy(l + o, ": ", 2);
		o += 2;
		o += put_text(l + o, lg->msg);
	}
	l[o++] = '\n';
	fwrite(l, 1, o, lg->cfg.out);
	fflush(lg->cfg.out);
}

void logline_printf(struct logline *lg, enum core_log_level level, int64_t time_ms, const char *event, const char *fmt,
                    ...)
{
	if (!logline_enabled(lg, level))
		return;
	char msg[LOGLINE_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logline_write(lg, level, NULL, time_ms, event, msg);
}

static void sink_log(void *ctx, enum core_log_level level, const char *strategy, int64_t time, const char *msg)
{
	logline_write(ctx, level, strategy, time, NULL, msg);
}

struct core_log_sink logline_sink(struct logline *lg)
{
	struct core_log_sink s = {.ctx = lg, .log = sink_log, .min_level = lg->cfg.min_level};
	return s;
}

/* JSON: the figures as numbers in a "status" object of the line itself. */
static void status_json(struct logline *lg, const struct logline_status *st)
{
	char ts[40];
	ktime_format_iso(st->time_ms, ts, sizeof(ts));
	char *l = lg->line;
	size_t o = (size_t)sprintf(l,
	                           "{\"ts\":\"%s\",\"level\":\"info\",\"source\":\"engine\",\"event\":\"status\","
	                           "\"status\":{\"mode\":",
	                           ts);
	o += put_json_string(l + o, st->mode);
	o += (size_t)sprintf(l + o, ",\"feed\":");
	o += put_json_string(l + o, st->feed);
	o +=
	    (size_t)sprintf(l + o, ",\"feed_age_ms\":%lld,\"frames_per_sec\":%lld,\"reconnects\":%lld,\"strategies\":[",
	                    (long long)st->feed_age_ms, (long long)st->frames_per_sec, (long long)st->reconnects);
	/* Bounded: each strategy adds under 400 bytes; stop well before the end. */
	for (int i = 0; i < st->nstrategies && o < sizeof(lg->line) - 512; i++) {
		const struct logline_strategy *s = &st->strategies[i];
		mask(lg, s->name, lg->src, sizeof(lg->src));
		o += (size_t)sprintf(l + o, "%s{\"name\":", i ? "," : "");
		o += put_json_string(l + o, lg->src);
		o += (size_t)sprintf(
		    l + o,
		    ",\"equity\":%lld,\"day_pnl\":%lld,\"cash\":%lld,\"positions\":%d,\"open_orders\":%d,"
		    "\"fills_today\":%lld,\"halted\":%s}",
		    (long long)s->equity, (long long)s->day_pnl, (long long)s->cash, s->positions, s->open_orders,
		    (long long)s->fills_today, s->halted ? "true" : "false");
	}
	o += (size_t)sprintf(l + o, "]}}\n");
	fwrite(l, 1, o, lg->cfg.out);
	fflush(lg->cfg.out);
}

void logline_status(struct logline *lg, const struct logline_status *st)
{
	if (!logline_enabled(lg, CORE_LOG_INFO))
		return;
	if (lg->cfg.json) {
		status_json(lg, st);
		return;
	}
	char text[LOGLINE_MAX];
	size_t o = 0, cap = sizeof(text);
	char age[32] = "never";
	if (st->feed_age_ms >= 0)
		snprintf(age, sizeof(age), "%lld.%llds", (long long)(st->feed_age_ms / 1000),
		         (long long)(st->feed_age_ms % 1000 / 100));
	int64_t total = 0;
	o += (size_t)snprintf(text + o, cap - o, "%s | feed %s %s %lld/s |", st->mode, st->feed, age,
	                      (long long)st->frames_per_sec);
	for (int i = 0; i < st->nstrategies && o < cap; i++) {
		const struct logline_strategy *s = &st->strategies[i];
		char eq[KE_KRW_BUF], pnl[KE_KRW_BUF];
		o += (size_t)snprintf(text + o, cap - o, " %s eq %s (%s%s) pos %d ord %d fills %lld%s |", s->name,
		                      ke_format_krw(eq, s->equity), s->day_pnl >= 0 ? "+" : "",
		                      ke_format_krw(pnl, s->day_pnl), s->positions, s->open_orders,
		                      (long long)s->fills_today, s->halted ? " HALTED" : "");
		total += s->day_pnl;
	}
	char t[KE_KRW_BUF];
	if (o < cap)
		snprintf(text + o, cap - o, " today %s%s", total >= 0 ? "+" : "", ke_format_krw(t, total));
	logline_write(lg, CORE_LOG_INFO, NULL, st->time_ms, "status", text);
}
