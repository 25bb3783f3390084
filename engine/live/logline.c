/*
 * logline.c - log lines for the live runtime (see logline.h).
 *
 * Every line is built in the logger's own buffers (no allocation per
 * message, save for a message longer than twice LOGLINE_MAX), masked,
 * then written with one fwrite so that lines of a process never
 * interleave mid-line. Each buffer is sized for the worst case of what
 * goes into it: every input is first cut to a known length by mask(), and
 * JSON escaping grows a byte to at most 6.
 */
#include "logline.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ktime.h"

#define MASK    "****"
#define CUT     " [truncated]"
#define MSG_CAP (LOGLINE_MAX + sizeof(CUT))
#define SRC_CAP 128
#define EVT_CAP 64 /* events, and the status line's mode and feed */
/* A status object's strategy: the name escaped, 7 numbers of at most 20
 * characters, their keys and punctuation (about 130). */
#define STRAT_JSON_MAX (6 * SRC_CAP + 7 * 20 + 200)

struct logline {
	struct logline_config cfg;
	char **secrets;
	size_t nsecrets;
	char fmt[LOGLINE_MAX * 2]; /* a formatted message before masking */
	char msg[MSG_CAP];         /* the masked message */
	char src[SRC_CAP];         /* the masked source */
	char evt[EVT_CAP], evt2[EVT_CAP];
	char line[6 * (MSG_CAP + SRC_CAP + 2 * EVT_CAP) + 256];
};

static const char *const level_upper[] = {"DEBUG", "INFO", "WARN", "ERROR"};
static const char *const level_lower[] = {"debug", "info", "warn", "error"};

/* Field names whose values are credentials wherever they show (a KIS
 * request or answer body quoted in an error): the approval key in
 * particular arrives at run time and is never registered. */
static const char *const secret_fields[] = {"appkey", "appsecret", "secretkey", "approval_key", "access_token"};

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

static void wipe(char *p, size_t n)
{
	volatile char *v = p;
	while (n--)
		*v++ = '\0';
}

void logline_free(struct logline *lg)
{
	if (!lg)
		return;
	for (size_t i = 0; i < lg->nsecrets; i++) {
		wipe(lg->secrets[i], strlen(lg->secrets[i]));
		free(lg->secrets[i]);
	}
	free(lg->secrets);
	/* The last formatted message was not masked yet. */
	wipe(lg->fmt, sizeof(lg->fmt));
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

static size_t token_len(const char *p)
{
	size_t k = 0;
	while (tokenish((unsigned char)p[k]))
		k++;
	return k;
}

static int wordch(unsigned char c)
{
	return isalnum(c) || c == '_';
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

/* Whether the word ending just before end (in starts the text) is name,
 * in any case. */
static int word_before(const char *in, const char *end, const char *name)
{
	size_t n = strlen(name);
	if ((size_t)(end - in) < n || strncasecmp(end - n, name, n) != 0)
		return 0;
	return end - n == in || !wordch((unsigned char)end[-(ptrdiff_t)n - 1]);
}

/* p starts the token of "Bearer <token>" (any case, one or more blanks):
 * looked at from the token so that every rule starts a masked run where
 * the secret starts. */
static int after_bearer(const char *in, const char *p)
{
	const char *q = p;
	while (q > in && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	return q != p && word_before(in, q, "bearer");
}

/* p starts the value of a secret field: name, an optional quote, blanks,
 * ':' or '=', blanks, an optional quote, the value. */
static int after_secret_field(const char *in, const char *p)
{
	const char *q = p;
	if (q > in && (q[-1] == '"' || q[-1] == '\''))
		q--;
	while (q > in && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (q == in || (q[-1] != ':' && q[-1] != '='))
		return 0;
	q--;
	while (q > in && (q[-1] == ' ' || q[-1] == '\t'))
		q--;
	if (q > in && (q[-1] == '"' || q[-1] == '\''))
		q--;
	for (size_t i = 0; i < KE_ARRAY_LEN(secret_fields); i++)
		if (word_before(in, q, secret_fields[i]))
			return 1;
	return 0;
}

/* Bytes from p that some rule hides, 0 if none. in starts the text (the
 * rules look back from p). The token's length is only counted where a
 * rule may apply: counting it at every byte of a long token would cost
 * its square. */
static size_t hidden_at(const struct logline *lg, const char *in, const char *p)
{
	size_t n = secret_at(lg, p);
	if (!tokenish((unsigned char)*p))
		return n;
	int jwt = strncmp(p, "eyJ", 3) == 0 && (p == in || !isalnum((unsigned char)p[-1]));
	int introduced = after_bearer(in, p) || after_secret_field(in, p);
	if (!jwt && !introduced)
		return n;
	size_t k = token_len(p);
	if (!introduced && k < 20)
		return n;
	return k > n ? k : n;
}

/* Bytes to keep of s[0..n) so that it does not end inside a UTF-8
 * sequence. */
static size_t utf8_trim(const char *s, size_t n)
{
	size_t k = n;
	while (k > 0 && n - k < 3 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == 0)
		return n;
	unsigned char c = (unsigned char)s[k - 1];
	size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	return n - (k - 1) < need ? k - 1 : n;
}

/*
 * in -> out (cap bytes, NUL-terminated), masked, cut on a UTF-8 boundary
 * with a marker when too long. The hidden ranges of all rules are merged
 * (cover_end) so that overlapping or touching secrets become one mask and
 * no tail of one shows after the mask of another.
 */
static void mask(const struct logline *lg, const char *in, char *out, size_t cap)
{
	size_t o = 0, limit = cap - sizeof(CUT);
	const char *cover_end = in;
	int masked = 0;
	for (const char *p = in; *p; p++) {
		size_t n = hidden_at(lg, in, p);
		if (p + n > cover_end)
			cover_end = p + n;
		if (p < cover_end) {
			if (!masked) {
				if (o + sizeof(MASK) - 1 > limit)
					goto cut;
				memcpy(out + o, MASK, sizeof(MASK) - 1);
				o += sizeof(MASK) - 1;
				masked = 1;
			}
			continue;
		}
		masked = 0;
		if (o >= limit)
			goto cut;
		out[o++] = *p;
	}
	out[o] = '\0';
	return;
cut:
	o = utf8_trim(out, o);
	memcpy(out + o, CUT, sizeof(CUT));
}

/* ---- output ---- */

/* Bytes of the UTF-8 sequence at s, 0 when not valid UTF-8 (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	int n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (s[1] < lo || s[1] > hi)
		return 0;
	/* A NUL ends the loop: it is no continuation byte. */
	for (int i = 2; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

/* At most 6 * strlen(s) + 2 bytes. */
static size_t put_json_string(char *dst, const char *s)
{
	static const char hex[] = "0123456789abcdef";
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
			memcpy(dst + o, "\\u00", 4);
			dst[o + 4] = hex[c >> 4];
			dst[o + 5] = hex[c & 15];
			o += 6;
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

/* Human text: one line; control characters shown as '?', newlines as
 * " | " (at most 3 * strlen(s) bytes). */
static size_t put_text(char *dst, const char *s)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n') {
			memcpy(dst + o, " | ", 3);
			o += 3;
		} else {
			dst[o++] = *p < 0x20 || *p == 0x7f ? '?' : (char)*p;
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
			mask(lg, event, lg->evt, sizeof(lg->evt));
			memcpy(l + o, ",\"event\":", 9);
			o += 9;
			o += put_json_string(l + o, lg->evt);
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

void logline_vprintf(struct logline *lg, enum core_log_level level, int64_t time_ms, const char *event, const char *fmt,
                     va_list ap)
{
	if (!logline_enabled(lg, level))
		return;
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(lg->fmt, sizeof(lg->fmt), fmt, ap);
	const char *m = n < 0 ? "(unprintable message)" : lg->fmt;
	char *big = NULL;
	/* mask() must see the whole text: cut here, a secret could end up
	 * half shown and no marker would say the message was cut. */
	if (n >= 0 && (size_t)n >= sizeof(lg->fmt)) {
		big = malloc((size_t)n + 1);
		if (big) {
			vsnprintf(big, (size_t)n + 1, fmt, again);
			m = big;
		} else {
			m = "(message too long to format)";
		}
	}
	va_end(again);
	logline_write(lg, level, NULL, time_ms, event, m);
	if (big) {
		wipe(big, (size_t)n);
		free(big);
	}
}

void logline_printf(struct logline *lg, enum core_log_level level, int64_t time_ms, const char *event, const char *fmt,
                    ...)
{
	va_list ap;
	va_start(ap, fmt);
	logline_vprintf(lg, level, time_ms, event, fmt, ap);
	va_end(ap);
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
	mask(lg, st->mode ? st->mode : "", lg->evt, sizeof(lg->evt));
	mask(lg, st->feed ? st->feed : "", lg->evt2, sizeof(lg->evt2));
	char *l = lg->line;
	size_t o = (size_t)sprintf(l,
	                           "{\"ts\":\"%s\",\"level\":\"info\",\"source\":"
	                           "\"engine\",\"event\":\"status\","
	                           "\"status\":{\"mode\":",
	                           ts);
	o += put_json_string(l + o, lg->evt);
	o += (size_t)sprintf(l + o, ",\"feed\":");
	o += put_json_string(l + o, lg->evt2);
	o += (size_t)sprintf(l + o,
	                     ",\"feed_age_ms\":%lld,\"frames_per_sec\":%lld,"
	                     "\"reconnects\":%lld,\"strategies\":[",
	                     (long long)st->feed_age_ms, (long long)st->frames_per_sec, (long long)st->reconnects);
	int i = 0;
	/* Room is kept for one more strategy and the closing text (64). */
	for (; i < st->nstrategies && o + STRAT_JSON_MAX + 64 <= sizeof(lg->line); i++) {
		const struct logline_strategy *s = &st->strategies[i];
		mask(lg, s->name ? s->name : "", lg->src, sizeof(lg->src));
		o += (size_t)sprintf(l + o, "%s{\"name\":", i ? "," : "");
		o += put_json_string(l + o, lg->src);
		o += (size_t)sprintf(l + o,
		                     ",\"equity\":%lld,\"day_pnl\":%lld,\"cash\":%lld,"
		                     "\"positions\":%d,\"open_orders\":%d,"
		                     "\"fills_today\":%lld,\"halted\":%s}",
		                     (long long)s->equity, (long long)s->day_pnl, (long long)s->cash, s->positions,
		                     s->open_orders, (long long)s->fills_today, s->halted ? "true" : "false");
	}
	o += (size_t)sprintf(l + o, "]");
	if (i < st->nstrategies)
		o += (size_t)sprintf(l + o, ",\"strategies_omitted\":%d", st->nstrategies - i);
	o += (size_t)sprintf(l + o, "}}\n");
	fwrite(l, 1, o, lg->cfg.out);
	fflush(lg->cfg.out);
}

void logline_status(struct logline *lg, const struct logline_status *st)
{
	if (!logline_enabled(lg, CORE_LOG_INFO) || !st)
		return;
	if (lg->cfg.json) {
		status_json(lg, st);
		return;
	}
	/* Built whole in fmt (twice what a line shows) so that logline_write
	 * masks it and cuts it on a character with the marker. */
	char *text = lg->fmt;
	size_t o = 0, cap = sizeof(lg->fmt);
	char age[32] = "never";
	if (st->feed_age_ms >= 0)
		snprintf(age, sizeof(age), "%lld.%llds", (long long)(st->feed_age_ms / 1000),
		         (long long)(st->feed_age_ms % 1000 / 100));
	int64_t total = 0;
	o += (size_t)snprintf(text + o, cap - o, "%s | feed %s %s %lld/s |", st->mode ? st->mode : "",
	                      st->feed ? st->feed : "", age, (long long)st->frames_per_sec);
	for (int i = 0; i < st->nstrategies; i++) {
		const struct logline_strategy *s = &st->strategies[i];
		total += s->day_pnl;
		if (o >= cap)
			continue;
		char eq[KE_KRW_BUF], pnl[KE_KRW_BUF];
		o += (size_t)snprintf(text + o, cap - o, " %s eq %s (%s%s) pos %d ord %d fills %lld%s |",
		                      s->name ? s->name : "", ke_format_krw(eq, s->equity), s->day_pnl >= 0 ? "+" : "",
		                      ke_format_krw(pnl, s->day_pnl), s->positions, s->open_orders,
		                      (long long)s->fills_today, s->halted ? " HALTED" : "");
	}
	char t[KE_KRW_BUF];
	if (o < cap)
		snprintf(text + o, cap - o, " today %s%s", total >= 0 ? "+" : "", ke_format_krw(t, total));
	logline_write(lg, CORE_LOG_INFO, NULL, st->time_ms, "status", text);
}
