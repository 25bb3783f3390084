/*
 * kis_reply.c - classify KIS REST answers into typed results.
 *
 * The rules come from kis-protocol.md sections 2, 3 and 6: the rt_cd
 * envelope is authoritative whatever the HTTP status, the oauth endpoints
 * answer errors as {error_code, error_description}, and paging is driven
 * by the tr_cont response header plus ctx_area_fk100/nk100 in the body.
 */
#include "kis_reply.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ke_common.h"
#include "ktime.h"

static const struct {
	const char *code;
	enum kis_reply_kind kind;
} gateway_codes[] = {
    {"EGW00201", KIS_REPLY_RATE_LIMIT},    {"EGW00123", KIS_REPLY_TOKEN_EXPIRED},
    {"EGW00121", KIS_REPLY_TOKEN_INVALID}, {"EGW00133", KIS_REPLY_TOKEN_THROTTLED},
    {"EGW00103", KIS_REPLY_AUTH},          {"EGW00105", KIS_REPLY_AUTH},
};

const char *kis_reply_kind_name(enum kis_reply_kind kind)
{
	switch (kind) {
	case KIS_REPLY_OK: return "ok";
	case KIS_REPLY_BUSINESS: return "business";
	case KIS_REPLY_RATE_LIMIT: return "rate_limit";
	case KIS_REPLY_TOKEN_EXPIRED: return "token_expired";
	case KIS_REPLY_TOKEN_INVALID: return "token_invalid";
	case KIS_REPLY_TOKEN_THROTTLED: return "token_throttled";
	case KIS_REPLY_AUTH: return "auth";
	case KIS_REPLY_TRANSPORT: return "transport";
	}
	return "unknown";
}

/* Copy at most cap-1 bytes, never splitting a UTF-8 sequence (KIS messages
 * are Korean), optionally cutting the blanks mock msg1 is padded with. */
static void copy_text(char *dst, size_t cap, const char *src, int trim)
{
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	if (trim)
		while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t' || src[n - 1] == '\r' || src[n - 1] == '\n'))
			n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Turn the reply into a TRANSPORT failure. The root is kept: a caller
 * logging the raw answer may still want it. */
static void transport(struct kis_reply *rep, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(rep->msg, sizeof rep->msg, "HTTP %d: ", rep->http_status);
	if (n < 0 || (size_t)n >= sizeof rep->msg)
		n = 0;
	va_start(ap, fmt);
	vsnprintf(rep->msg + n, sizeof rep->msg - (size_t)n, fmt, ap);
	va_end(ap);
	rep->kind = KIS_REPLY_TRANSPORT;
	rep->more = 0;
	rep->ctx_fk100[0] = rep->ctx_nk100[0] = '\0';
}

/* A string member: 1 and *out if present as a string, 0 if absent, -1 if
 * present with another type (the caller reports it). */
static int get_string(const cJSON *obj, const char *name, const char **out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	*out = NULL;
	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsString(it) || !it->valuestring)
		return -1;
	*out = it->valuestring;
	return 1;
}

static enum kis_reply_kind code_kind(const char *code, enum kis_reply_kind otherwise)
{
	for (size_t i = 0; i < KE_ARRAY_LEN(gateway_codes); i++)
		if (strcmp(code, gateway_codes[i].code) == 0)
			return gateway_codes[i].kind;
	return otherwise;
}

static int is_2xx(int status)
{
	return status >= 200 && status <= 299;
}

/* Parse the JSON document and reset *rep. Returns 1 with rep->root set,
 * 0 after marking the reply TRANSPORT. */
static int load(int http_status, const char *body, size_t len, struct kis_reply *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->http_status = http_status;
	if (len == 0) {
		transport(rep, "empty body");
		return 0;
	}
	if (len > KIS_REPLY_BODY_MAX) {
		transport(rep, "body of %zu bytes exceeds the %u byte limit", len, (unsigned)KIS_REPLY_BODY_MAX);
		return 0;
	}
	const char *end = NULL;
	rep->root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!rep->root) {
		size_t at = end && end >= body ? (size_t)(end - body) : 0;
		transport(rep, "body is not JSON (error near byte %zu of %zu)", at, len);
		return 0;
	}
	/* cJSON stops after the first value: bytes left over mean a framing
	 * problem (two answers glued, a proxy page appended), not an answer. */
	for (size_t i = end ? (size_t)(end - body) : len; i < len; i++) {
		if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r' && body[i] != '\n' && body[i] != '\0') {
			transport(rep, "trailing data after the JSON body at byte %zu", i);
			return 0;
		}
	}
	if (!cJSON_IsObject(rep->root)) {
		transport(rep, "body is JSON but not an object");
		return 0;
	}
	return 1;
}

/* Classify the rt_cd envelope or the oauth error shape. Returns 1 when the
 * body had either (kind set), 0 when it had neither (kind untouched). */
static int classify(struct kis_reply *rep)
{
	const char *rt, *cd, *m;
	int has_rt = get_string(rep->root, "rt_cd", &rt);
	if (has_rt < 0) {
		transport(rep, "rt_cd is not a string");
		return 1;
	}
	if (has_rt > 0) {
		if (get_string(rep->root, "msg_cd", &cd) < 0 || get_string(rep->root, "msg1", &m) < 0) {
			transport(rep, "msg_cd or msg1 is not a string");
			return 1;
		}
		copy_text(rep->rt_cd, sizeof rep->rt_cd, rt, 0);
		copy_text(rep->msg_cd, sizeof rep->msg_cd, cd ? cd : "", 1);
		copy_text(rep->msg, sizeof rep->msg, m ? m : "", 1);
		if (strcmp(rt, "0") == 0) {
			/* A success envelope under an error status is contradictory;
			 * for an order, calling it OK could hide a lost answer, so it
			 * is left to the caller's unknown-outcome path. */
			if (!is_2xx(rep->http_status)) {
				char keep[KIS_REPLY_MSG_MAX];
				copy_text(keep, sizeof keep, rep->msg, 0);
				transport(rep, "rt_cd 0 with a non-2xx status (%s)", keep);
				return 1;
			}
			rep->kind = KIS_REPLY_OK;
		} else {
			rep->kind = code_kind(rep->msg_cd, KIS_REPLY_BUSINESS);
		}
		return 1;
	}
	int has_ec = get_string(rep->root, "error_code", &cd);
	if (has_ec < 0 || get_string(rep->root, "error_description", &m) < 0) {
		transport(rep, "error_code or error_description is not a string");
		return 1;
	}
	if (has_ec > 0) {
		copy_text(rep->msg_cd, sizeof rep->msg_cd, cd, 1);
		copy_text(rep->msg, sizeof rep->msg, m ? m : "", 1);
		/* The oauth shape only comes from the token/approval gateway, so an
		 * unknown code there is a credential problem, not a business one. */
		rep->kind = code_kind(rep->msg_cd, KIS_REPLY_AUTH);
		return 1;
	}
	return 0;
}

static int copy_ctx(struct kis_reply *rep, const char *name, char *dst)
{
	const char *v;
	int r = get_string(rep->root, name, &v);
	if (r < 0) {
		transport(rep, "%s is not a string", name);
		return 0;
	}
	if (r == 0)
		return 1;
	/* Never truncate: a cut continuation key would fetch the wrong page. */
	if (strlen(v) >= KIS_REPLY_CTX_MAX) {
		transport(rep, "%s is %zu bytes long (limit %d)", name, strlen(v), KIS_REPLY_CTX_MAX - 1);
		return 0;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 1;
}

int kis_reply_parse(int http_status, const char *body, size_t len, const char *tr_cont, struct kis_reply *rep)
{
	if (!rep || (!body && len > 0))
		return KE_EINVAL;
	if (!load(http_status, body, len, rep))
		return KE_OK;
	if (!classify(rep)) {
		transport(rep, "no rt_cd envelope in the body");
		return KE_OK;
	}
	if (rep->kind != KIS_REPLY_OK)
		return KE_OK;
	if (!copy_ctx(rep, "ctx_area_fk100", rep->ctx_fk100) || !copy_ctx(rep, "ctx_area_nk100", rep->ctx_nk100))
		return KE_OK;
	rep->more = tr_cont && (tr_cont[0] == 'F' || tr_cont[0] == 'M');
	return KE_OK;
}

/* expires_in arrives as a JSON number; a numeric string is accepted too
 * because every other KIS value is a string. */
static int get_expires_in(const cJSON *root, int64_t *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	*out = 0;
	if (!it || cJSON_IsNull(it))
		return 1;
	if (cJSON_IsNumber(it)) {
		double d = it->valuedouble;
		if (!(d >= 0 && d <= 1e10) || d != (double)(int64_t)d)
			return 0;
		*out = (int64_t)d;
		return 1;
	}
	if (cJSON_IsString(it) && it->valuestring) {
		const char *s = it->valuestring;
		int64_t v = 0;
		if (!*s || strlen(s) > 10)
			return 0;
		for (; *s; s++) {
			if (*s < '0' || *s > '9')
				return 0;
			v = v * 10 + (*s - '0');
		}
		*out = v;
		return 1;
	}
	return 0;
}

/* The oauth answers have no envelope: decide between an error shape, a
 * non-2xx status and the success body. Returns 1 if the success body
 * should be read. */
static int oauth_common(int http_status, const char *body, size_t len, struct kis_reply *rep)
{
	if (!load(http_status, body, len, rep))
		return 0;
	if (classify(rep)) {
		/* An envelope with rt_cd "0" still is not a token answer. */
		if (rep->kind == KIS_REPLY_OK)
			transport(rep, "rt_cd envelope where an oauth answer was expected");
		return 0;
	}
	if (!is_2xx(http_status)) {
		transport(rep, "error status without error_code");
		return 0;
	}
	return 1;
}

int kis_reply_parse_token(int http_status, const char *body, size_t len, struct kis_reply *rep, struct kis_token *tok)
{
	if (!rep || !tok || (!body && len > 0))
		return KE_EINVAL;
	memset(tok, 0, sizeof *tok);
	if (!oauth_common(http_status, body, len, rep))
		return KE_OK;
	const char *t, *exp;
	int ht = get_string(rep->root, "access_token", &t);
	int he = get_string(rep->root, "access_token_token_expired", &exp);
	if (ht <= 0 || !*t) {
		transport(rep, ht < 0 ? "access_token is not a string" : "no access_token in the token answer");
		return KE_OK;
	}
	if (he <= 0) {
		transport(rep, he < 0 ? "access_token_token_expired is not a string"
		                      : "no access_token_token_expired in the token answer");
		return KE_OK;
	}
	if (strlen(t) >= sizeof tok->token) {
		transport(rep, "access_token is %zu bytes long (limit %zu)", strlen(t), sizeof tok->token - 1);
		return KE_OK;
	}
	/* "YYYY-MM-DD HH:MM:SS" exactly; ktime reads an offset-less stamp as
	 * KST, which is what KIS means. The length check keeps "2026-03-03"
	 * (a date alone, which ktime would accept) from passing. */
	int64_t ms;
	if (strlen(exp) != 19 || exp[10] != ' ' || ktime_parse_iso(exp, 19, 0, &ms) != KE_OK) {
		transport(rep, "access_token_token_expired is not \"YYYY-MM-DD HH:MM:SS\"");
		return KE_OK;
	}
	int64_t in_s;
	if (!get_expires_in(rep->root, &in_s)) {
		transport(rep, "expires_in is not a whole number of seconds");
		return KE_OK;
	}
	memcpy(tok->token, t, strlen(t) + 1);
	tok->expires_ms = ms;
	tok->expires_in_s = in_s;
	rep->kind = KIS_REPLY_OK;
	return KE_OK;
}

int kis_reply_parse_approval(int http_status, const char *body, size_t len, struct kis_reply *rep, char *key,
                             size_t keylen)
{
	if (!rep || !key || keylen == 0 || (!body && len > 0))
		return KE_EINVAL;
	key[0] = '\0';
	if (!oauth_common(http_status, body, len, rep))
		return KE_OK;
	const char *k;
	int hk = get_string(rep->root, "approval_key", &k);
	if (hk <= 0 || !*k) {
		transport(rep, hk < 0 ? "approval_key is not a string" : "no approval_key in the answer");
		return KE_OK;
	}
	if (strlen(k) >= keylen) {
		transport(rep, "approval_key is %zu bytes long (limit %zu)", strlen(k), keylen - 1);
		return KE_OK;
	}
	memcpy(key, k, strlen(k) + 1);
	rep->kind = KIS_REPLY_OK;
	return KE_OK;
}

const struct cJSON *kis_reply_get(const struct kis_reply *rep, const char *name)
{
	if (!rep || !rep->root || !name)
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(rep->root, name);
}

void kis_reply_free(struct kis_reply *rep)
{
	if (!rep)
		return;
	cJSON_Delete(rep->root);
	rep->root = NULL;
}
