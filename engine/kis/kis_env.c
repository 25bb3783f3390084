/*
 * kis_env.c - KIS environments: endpoints, loopback policy and tr_ids.
 *
 * Sources: kis-protocol.md §1 (URLs), §3 (mock tr_id rule), §4 (tr_id table,
 * old vs new ids). Only the new ids are emitted: KIS may block the old ones
 * without notice.
 */
#include "kis_env.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const env_names[] = {"mock", "real"};

static const char *const default_base[] = {
    "https://openapivts.koreainvestment.com:29443",
    "https://openapi.koreainvestment.com:9443",
};

/* WebSocket is plain ws:// on both (§1). */
static const char *const default_ws[] = {
    "ws://ops.koreainvestment.com:31000",
    "ws://ops.koreainvestment.com:21000",
};

struct tr_entry {
	const char *name;
	const char *real;
	const char *mock; /* NULL: "모의투자 미지원" */
};

/* Indexed by enum kis_op. The mock column is the §3 rule written out, so
 * that a reader can check it against §4 without running anything. */
static const struct tr_entry tr_table[KIS_OP__COUNT] = {
    [KIS_OP_ORDER_BUY] = {"ORDER_BUY", "TTTC0012U", "VTTC0012U"},
    [KIS_OP_ORDER_SELL] = {"ORDER_SELL", "TTTC0011U", "VTTC0011U"},
    [KIS_OP_ORDER_REVISE_CANCEL] = {"ORDER_REVISE_CANCEL", "TTTC0013U", "VTTC0013U"},
    [KIS_OP_BALANCE] = {"BALANCE", "TTTC8434R", "VTTC8434R"},
    [KIS_OP_DAILY_CCLD] = {"DAILY_CCLD", "TTTC0081R", "VTTC0081R"},
    [KIS_OP_DAILY_CCLD_OLD] = {"DAILY_CCLD_OLD", "CTSC9215R", "VTSC9215R"},
    [KIS_OP_PSBL_ORDER] = {"PSBL_ORDER", "TTTC8908R", "VTTC8908R"},
    [KIS_OP_PSBL_RVSECNCL] = {"PSBL_RVSECNCL", "TTTC0084R", NULL},
    [KIS_OP_PRICE] = {"PRICE", "FHKST01010100", "FHKST01010100"},
    [KIS_OP_DAILY_CHART] = {"DAILY_CHART", "FHKST03010100", "FHKST03010100"},
    [KIS_OP_MINUTE_CHART] = {"MINUTE_CHART", "FHKST03010200", "FHKST03010200"},
    [KIS_OP_HOLIDAY] = {"HOLIDAY", "CTCA0903R", NULL},
};

static int valid_env(enum kis_env env)
{
	return env == KIS_ENV_MOCK || env == KIS_ENV_REAL;
}

int kis_env_parse(const char *s, enum kis_env *out)
{
	if (s == NULL || out == NULL)
		return KE_EINVAL;
	if (strcmp(s, "mock") == 0)
		*out = KIS_ENV_MOCK;
	else if (strcmp(s, "real") == 0)
		*out = KIS_ENV_REAL;
	else
		return KE_EINVAL;
	return KE_OK;
}

const char *kis_env_name(enum kis_env env)
{
	return valid_env(env) ? env_names[env] : "?";
}

const char *kis_env_default_base_url(enum kis_env env)
{
	return valid_env(env) ? default_base[env] : NULL;
}

const char *kis_env_default_ws_url(enum kis_env env)
{
	return valid_env(env) ? default_ws[env] : NULL;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The host part of url as [*h, *h + *hlen), brackets of an IPv6 literal
 * removed. A string without "://" is taken as authority alone. 0 when there
 * is no host. */
static int url_host(const char *url, const char **h, size_t *hlen)
{
	const char *p = strstr(url, "://");
	const char *auth = p != NULL ? p + 3 : url;
	size_t alen = strcspn(auth, "/?#");
	const char *at;

	/* userinfo@host: the host is after the last '@' of the authority, or
	 * "http://localhost@evil.example" would pass as loopback. */
	for (at = auth + alen; at > auth; at--) {
		if (at[-1] == '@')
			break;
	}
	alen -= (size_t)(at - auth);
	auth = at;
	if (alen == 0)
		return 0;
	if (auth[0] == '[') {
		const char *close = memchr(auth, ']', alen);
		if (close == NULL || close == auth + 1)
			return 0;
		*h = auth + 1;
		*hlen = (size_t)(close - auth - 1);
		return 1;
	}
	/* A bare IPv6 literal has no port to strip. */
	if (p == NULL && memchr(auth, ':', alen) != NULL) {
		const char *c = memchr(auth, ':', alen);
		if (memchr(c + 1, ':', alen - (size_t)(c + 1 - auth)) != NULL) {
			*h = auth;
			*hlen = alen;
			return 1;
		}
	}
	*h = auth;
	*hlen = strcspn(auth, ":");
	if (*hlen > alen)
		*hlen = alen;
	return *hlen > 0;
}

int kis_env_is_loopback(const char *url)
{
	const char *h;
	size_t hlen;
	char host[64];
	unsigned char addr[16];

	if (url == NULL || !url_host(url, &h, &hlen) || hlen >= sizeof(host))
		return 0;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	/* inet_pton takes only strict dotted quads: "127.1" and
	 * "127.0.0.1.evil.example" do not parse and so are not loopback. */
	if (inet_pton(AF_INET, host, addr) == 1)
		return addr[0] == 127;
	if (inet_pton(AF_INET6, host, addr) == 1) {
		static const unsigned char lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
		return memcmp(addr, lo6, sizeof(lo6)) == 0;
	}
	return 0;
}

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Copy an override into dst after checking it; what is "REST" or "WebSocket". */
static int take_url(char *dst, const char *url, const char *what, const char *plain, const char *tls, char *err,
                    size_t errlen)
{
	size_t len = strlen(url);
	const char *h;
	size_t hlen;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch <= ' ' || ch >= 0x7f) {
			set_err(err, errlen, "%s URL override has a space or control character at position %zu", what,
			        i + 1);
			return KE_EINVAL;
		}
	}
	if (len >= KIS_URL_MAX) {
		set_err(err, errlen, "%s URL override is too long (%zu characters, max %d)", what, len,
		        KIS_URL_MAX - 1);
		return KE_EINVAL;
	}
	if (!has_prefix(url, plain) && !has_prefix(url, tls)) {
		set_err(err, errlen, "%s URL override '%s' must start with %s or %s", what, url, tls, plain);
		return KE_EINVAL;
	}
	if (!url_host(url, &h, &hlen)) {
		set_err(err, errlen, "%s URL override '%s' has no host", what, url);
		return KE_EINVAL;
	}
	memcpy(dst, url, len + 1);
	if (len > 0 && dst[len - 1] == '/')
		dst[len - 1] = '\0';
	return KE_OK;
}

int kis_env_endpoint(enum kis_env env, const char *base_url, const char *ws_url, struct kis_endpoint *out, char *err,
                     size_t errlen)
{
	int rc;

	if (out == NULL || !valid_env(env)) {
		set_err(err, errlen, "invalid environment");
		return KE_EINVAL;
	}
	memset(out, 0, sizeof(*out));
	out->env = env;
	if (base_url != NULL && base_url[0] != '\0') {
		rc = take_url(out->base_url, base_url, "REST", "http://", "https://", err, errlen);
		if (rc != KE_OK)
			return rc;
	} else {
		strcpy(out->base_url, default_base[env]);
	}
	if (ws_url != NULL && ws_url[0] != '\0') {
		rc = take_url(out->ws_url, ws_url, "WebSocket", "ws://", "wss://", err, errlen);
		if (rc != KE_OK)
			return rc;
	} else {
		strcpy(out->ws_url, default_ws[env]);
	}
	out->base_is_loopback = kis_env_is_loopback(out->base_url);
	out->ws_is_loopback = kis_env_is_loopback(out->ws_url);
	/* The app secret rides in every REST request's headers: cleartext is
	 * tolerable only on this machine. KIS's own WebSocket is ws://, and it
	 * carries only the approval key, so ws:// is not refused. */
	if (has_prefix(out->base_url, "http://") && !out->base_is_loopback) {
		set_err(err, errlen, "REST URL override '%s' uses plain http:// to a non-loopback host: use https://",
		        out->base_url);
		return KE_EINVAL;
	}
	return KE_OK;
}

const char *kis_env_op_name(enum kis_op op)
{
	if ((int)op < 0 || op >= KIS_OP__COUNT)
		return "?";
	return tr_table[op].name;
}

int kis_env_tr_id(enum kis_env env, enum kis_op op, const char **out)
{
	const char *id;

	if (out == NULL || !valid_env(env) || (int)op < 0 || op >= KIS_OP__COUNT)
		return KE_EINVAL;
	id = env == KIS_ENV_REAL ? tr_table[op].real : tr_table[op].mock;
	if (id == NULL)
		return KE_ENOENT;
	*out = id;
	return KE_OK;
}

int kis_env_mock_tr_id(const char *real_tr_id, char *buf)
{
	size_t len;

	if (real_tr_id == NULL || buf == NULL)
		return KE_EINVAL;
	len = strlen(real_tr_id);
	if (len == 0 || len >= KIS_TR_ID_MAX)
		return KE_EINVAL;
	memcpy(buf, real_tr_id, len + 1);
	if (buf[0] == 'T' || buf[0] == 'J' || buf[0] == 'C')
		buf[0] = 'V';
	return KE_OK;
}
