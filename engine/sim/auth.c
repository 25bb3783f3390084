/*
 * auth.c - kis-sim's credentials: access tokens, approval keys, the checks
 * of every REST call and the hashkey.
 *
 * Token rules, from kis-protocol.md §2.1 and the tokenP page (인증-001):
 *   - a token lives token_life_ms (24 h) from its issue, to the millisecond;
 *     the "YYYY-MM-DD HH:MM:SS" and the expires_in seconds a client reads are
 *     both rounded down, so a client trusting either stops using a token
 *     before the server would refuse it, and a fresh token shows 86400;
 *   - a tokenP call within token_reuse_ms (6 h) of the newest token's issue
 *     answers that token again, with its original expiry ("6시간 이내는 기존
 *     발급키로 응답"); a later call issues a new one. Older tokens stay valid
 *     until their own expiry (KIS does not say they die; §10);
 *   - the throttle: KIS answers EGW00133 "(1분당 1회)" to clients that call
 *     tokenP on every start even though such calls would only be reuses
 *     (§8, python-kis #24), so the throttle counts every ANSWERED tokenP call,
 *     reuse or not: a call within token_throttle_ms of the previous answered
 *     call of that app key is refused. Refused calls do not restart the
 *     minute, or a client retrying every 30 s would never get through.
 *   - revoked tokens are forgotten (EGW00121 afterwards) and never reused;
 *     tokens expired by simauth_expire_all answer EGW00123 and are never
 *     reused either, so a fault-injected expiry can be recovered from by
 *     asking again (real KIS reportedly keeps returning a dead token until
 *     the 6 h are over - a simulator fault that could not be recovered from
 *     for 6 h would test nothing).
 * Each app key keeps its last TOKENS_PER_KEY tokens and APPROVALS_PER_KEY
 * approval keys; an evicted one reads as unknown. With the 6 h reuse and
 * 24 h life at most 5 tokens are ever alive at once.
 *
 * Credentials look like KIS's (a JWT with the HS256 header; UUID-shaped
 * approval keys) and are HMAC-SHA256 outputs keyed by the seed: unguessable
 * looking, yet the same run under the same seed gives the same bytes.
 * SHA-256 and HMAC come from OpenSSL; the tests compare with
 * `openssl dgst -sha256` run by hand.
 */
#include "simauth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"

#define TOKENS_PER_KEY    8
#define APPROVALS_PER_KEY 8

/* Base64url of {"typ":"JWT","alg":"HS256"}: what KIS-looking tokens start with. */
#define JWT_HEADER "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9"

/* KIS's texts where captures exist ([O] in kis-protocol.md); the others are
 * our wording of the code's meaning in third-party code tables. */
#define MSG_EGW00102 "AppKey가 없습니다."
#define MSG_EGW00103 "유효하지 않은 AppKey입니다."
#define MSG_EGW00104 "AppSecret이 없습니다."
#define MSG_EGW00105 "유효하지 않은 AppSecret입니다."
#define MSG_EGW00112 "유효하지 않은 grant_type 입니다."
#define MSG_EGW00115 "grant_type이 없습니다."
#define MSG_EGW00121 "유효하지 않은 token 입니다."
#define MSG_EGW00123 "기간이 만료된 token 입니다."
#define MSG_EGW00131 "유효하지 않은 hashkey 입니다."
#define MSG_EGW00133 "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)"
#define MSG_EGW00201 "초당 거래건수를 초과하였습니다."
#define MSG_EGW00205 "credentials_type이 유효하지 않습니다.(Bearer)"
#define MSG_OPSP0011 "invalid approval : NOT FOUND"

struct cred {
	int64_t issued;
	int64_t expires; /* valid while now < expires */
	int used;        /* slot holds a credential */
	int reusable;    /* tokenP may hand it out again */
};

struct token_slot {
	struct cred c;
	char s[SIMAUTH_TOKEN_MAX];
};

struct approval_slot {
	struct cred c;
	char s[SIMAUTH_APPROVAL_MAX];
};

struct keystate {
	struct token_slot tok[TOKENS_PER_KEY];
	struct approval_slot appr[APPROVALS_PER_KEY];
	int64_t last_token_call; /* last answered tokenP call */
	int64_t last_approval_call;
	int has_token_call;
	int has_approval_call;
};

struct simauth {
	struct simauth_config cfg;
	struct simacct_list accts;
	struct keystate ks[SIMACCT_MAX];
	uint8_t key[32]; /* HMAC key of every credential, from the seed */
	uint64_t serial; /* makes every credential distinct */
	struct simauth_counters n;
};

/* ---- digests (OpenSSL) ---- */

static void sha256(const void *data, size_t len, uint8_t out[32])
{
	SHA256(data, len, out);
}

static void hmac_sha256(const uint8_t key[32], const void *msg, size_t len, uint8_t out[32])
{
	unsigned int n = 32;
	if (!HMAC(EVP_sha256(), key, 32, msg, len, out, &n))
		memset(out, 0, 32); /* only on allocation failure inside OpenSSL */
}

/* ---- encodings ---- */

/* Base64 of n bytes into out (cap bytes). url: the JWT alphabet without
 * padding. Returns the length written, or 0 when it does not fit. */
static size_t base64(const uint8_t *p, size_t n, int url, char *out, size_t cap)
{
	const char *alpha = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	                        : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t need = url ? (n * 4 + 2) / 3 : (n + 2) / 3 * 4;
	if (need + 1 > cap)
		return 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = alpha[(v >> 18) & 63];
		out[o++] = alpha[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = alpha[(v >> 6) & 63];
		else if (!url)
			out[o++] = '=';
		if (i + 2 < n)
			out[o++] = alpha[v & 63];
		else if (!url)
			out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A version-4-looking UUID from 16 bytes: 8-4-4-4-12 lowercase hex. */
static void uuid(uint8_t b[16], char out[37])
{
	char h[33];
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	hex(b, 16, h);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

static void put_digits(char *p, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD HH:MM:SS" in KST, the format of access_token_token_expired.
 * Years outside 0000-9999 cannot be written in it and are clamped. */
static void format_kst(int64_t ms, char out[SIMAUTH_EXPIRED_MAX])
{
	int y, mo, d;
	ktime_civil_from_days(ktime_kst_day(ms), &y, &mo, &d);
	int sec = (int)(ktime_kst_ms_of_day(ms) / 1000);
	y = y < 0 ? 0 : y > 9999 ? 9999 : y;
	memcpy(out, "0000-00-00 00:00:00", SIMAUTH_EXPIRED_MAX);
	put_digits(out, y, 4);
	put_digits(out + 5, mo, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, sec / 3600, 2);
	put_digits(out + 14, sec / 60 % 60, 2);
	put_digits(out + 17, sec % 60, 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- credentials ---- */

/* 32 bytes of the seeded generator, distinct for every call. */
static void next_bytes(struct simauth *a, const char *what, int index, int64_t now_ms, uint8_t out[32])
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "%s|%llu|%d|%lld", what, (unsigned long long)++a->serial, index,
	                 (long long)now_ms);
	hmac_sha256(a->key, msg, (size_t)n, out);
}

/* A JWT like KIS's: the HS256 header, a payload with sub/aud/iss/exp/iat/jti
 * as in the reference's example, and an HMAC-SHA256 signature. */
static void make_token(struct simauth *a, int index, int64_t now_ms, int64_t expires, char *out, size_t cap)
{
	uint8_t r[32];
	char aud[37], jti[48], payload[256], p64[400], sig64[48], signing[SIMAUTH_TOKEN_MAX];
	next_bytes(a, "token", index, now_ms, r);
	uuid(r, aud);
	base64(r + 16, 16, 1, jti, sizeof(jti));
	int n = snprintf(payload, sizeof(payload),
	                 "{\"sub\":\"token\",\"aud\":\"%s\",\"prdt_cd\":\"\",\"iss\":\"unogw\",\"exp\":%lld,"
	                 "\"iat\":%lld,\"jti\":\"%s\"}",
	                 aud, (long long)floor_div(expires, 1000), (long long)floor_div(now_ms, 1000), jti);
	base64((const uint8_t *)payload, (size_t)n, 1, p64, sizeof(p64));
	int m = snprintf(signing, sizeof(signing), "%s.%s", JWT_HEADER, p64);
	uint8_t mac[32];
	hmac_sha256(a->key, signing, (size_t)m, mac);
	size_t lg = base64(mac, 32, 1, sig64, sizeof(sig64)), ls = (size_t)m;
	if (m < 0 || ls + 1 + lg + 1 > cap) {
		out[0] = '\0'; /* cannot happen with SIMAUTH_TOKEN_MAX: a token is 284 characters */
		return;
	}
	memcpy(out, signing, ls);
	out[ls] = '.';
	memcpy(out + ls + 1, sig64, lg + 1);
}

/* Slot to overwrite among n credentials: an empty one, else the oldest. */
static int pick_slot(const struct cred *const *c, int n)
{
	int best = 0;
	for (int i = 0; i < n; i++) {
		if (!c[i]->used)
			return i;
		if (c[i]->issued < c[best]->issued)
			best = i;
	}
	return best;
}

/* ---- replies ---- */

static int ok(struct simauth_reply *rep, int status)
{
	rep->status = status;
	rep->shape = SIMAUTH_SHAPE_NONE;
	rep->rt_cd = "0";
	rep->code = "";
	rep->message = "";
	return KE_OK;
}

static int oauth_err(struct simauth *a, struct simauth_reply *rep, int rc, const char *code, const char *msg)
{
	if (rc == KE_EINVAL)
		a->n.rejected++;
	rep->status = 403;
	rep->shape = SIMAUTH_SHAPE_OAUTH;
	rep->rt_cd = "1";
	rep->code = code;
	rep->message = msg;
	return rc;
}

static int envelope_err(struct simauth *a, struct simauth_reply *rep, const char *code, const char *msg)
{
	a->n.rejected++;
	rep->status = a->cfg.envelope_status;
	rep->shape = SIMAUTH_SHAPE_ENVELOPE;
	rep->rt_cd = "1";
	rep->code = code;
	rep->message = msg;
	return KE_EINVAL;
}

static int empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* ---- life cycle ---- */

void simauth_config_default(struct simauth_config *cfg, enum simacct_env env)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->env = env == SIMACCT_REAL ? SIMACCT_REAL : SIMACCT_MOCK;
	cfg->token_life_ms = 24LL * 3600 * 1000;
	cfg->token_reuse_ms = 6LL * 3600 * 1000;
	cfg->token_throttle_ms = 60LL * 1000;
	cfg->approval_life_ms = 24LL * 3600 * 1000;
	cfg->approval_throttle_ms = 1000;
	cfg->seed = 0;
	cfg->envelope_status = 500;
	cfg->hash = SIMAUTH_HASH_HEX;
}

int simauth_new(const struct simauth_config *cfg, const struct simacct_list *accts, struct simauth **out)
{
	if (out == NULL)
		return KE_EINVAL;
	*out = NULL;
	if (cfg == NULL || accts == NULL || accts->n < 0 || accts->n > SIMACCT_MAX)
		return KE_EINVAL;
	if ((cfg->env != SIMACCT_MOCK && cfg->env != SIMACCT_REAL) || cfg->token_life_ms <= 0 ||
	    cfg->token_reuse_ms < 0 || cfg->token_throttle_ms < 0 || cfg->approval_life_ms <= 0 ||
	    cfg->approval_throttle_ms < 0 || cfg->envelope_status < 100 || cfg->envelope_status > 599 ||
	    (cfg->hash != SIMAUTH_HASH_HEX && cfg->hash != SIMAUTH_HASH_BASE64))
		return KE_EINVAL;
	struct simauth *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return KE_ENOMEM;
	a->cfg = *cfg;
	a->accts = *accts;
	char seed[64];
	int n = snprintf(seed, sizeof(seed), "kis-sim credentials|%llu", (unsigned long long)cfg->seed);
	sha256(seed, (size_t)n, a->key);
	*out = a;
	return KE_OK;
}

void simauth_free(struct simauth *a)
{
	free(a);
}

const struct simauth_config *simauth_config_of(const struct simauth *a)
{
	return &a->cfg;
}

void simauth_counters(const struct simauth *a, struct simauth_counters *out)
{
	*out = a->n;
}

/* The account of appkey in this environment, or -1. */
static int find_key(const struct simauth *a, const char *appkey)
{
	const struct simacct_account *acct = simacct_by_key(&a->accts, appkey, a->cfg.env);
	return acct != NULL ? (int)(acct - a->accts.acct) : -1;
}

/* The /oauth2/... checks of grant_type (when want_grant), app key and secret. */
static int oauth_creds(struct simauth *a, int want_grant, const char *grant_type, const char *appkey,
                       const char *secret, int *index, struct simauth_reply *rep)
{
	if (want_grant && empty(grant_type))
		return oauth_err(a, rep, KE_EINVAL, "EGW00115", MSG_EGW00115);
	if (want_grant && strcmp(grant_type, "client_credentials") != 0)
		return oauth_err(a, rep, KE_EINVAL, "EGW00112", MSG_EGW00112);
	if (empty(appkey))
		return oauth_err(a, rep, KE_EINVAL, "EGW00102", MSG_EGW00102);
	int i = find_key(a, appkey);
	if (i < 0)
		return oauth_err(a, rep, KE_EINVAL, "EGW00103", MSG_EGW00103);
	if (empty(secret))
		return oauth_err(a, rep, KE_EINVAL, "EGW00104", MSG_EGW00104);
	if (strcmp(secret, a->accts.acct[i].app_secret) != 0)
		return oauth_err(a, rep, KE_EINVAL, "EGW00105", MSG_EGW00105);
	*index = i;
	return KE_OK;
}

/* A throttle: refuse when the previous answered call is less than gap ago.
 * A clock that stepped back never throttles (it would block for as long as
 * the step). */
static int throttled(int has_last, int64_t last, int64_t gap, int64_t now_ms)
{
	return has_last && gap > 0 && now_ms >= last && now_ms - last < gap;
}

/* ---- tokens ---- */

int simauth_token_issue(struct simauth *a, const char *grant_type, const char *appkey, const char *appsecret,
                        int64_t now_ms, struct simauth_token *tok, struct simauth_reply *rep)
{
	memset(tok, 0, sizeof(*tok));
	int i = -1;
	int rc = oauth_creds(a, 1, grant_type, appkey, appsecret, &i, rep);
	if (rc != KE_OK)
		return rc;
	struct keystate *ks = &a->ks[i];
	if (throttled(ks->has_token_call, ks->last_token_call, a->cfg.token_throttle_ms, now_ms)) {
		a->n.tokens_throttled++;
		return oauth_err(a, rep, KE_ELIMIT, "EGW00133", MSG_EGW00133);
	}
	ks->has_token_call = 1;
	ks->last_token_call = now_ms;

	/* Reuse the newest token issued within the reuse window. */
	struct token_slot *newest = NULL;
	for (int k = 0; k < TOKENS_PER_KEY; k++) {
		struct token_slot *t = &ks->tok[k];
		if (t->c.used && t->c.reusable && (newest == NULL || t->c.issued > newest->c.issued))
			newest = t;
	}
	struct token_slot *t = newest;
	if (t != NULL && now_ms - t->c.issued < a->cfg.token_reuse_ms && now_ms < t->c.expires) {
		tok->reused = 1;
		a->n.tokens_reused++;
	} else {
		const struct cred *c[TOKENS_PER_KEY];
		for (int k = 0; k < TOKENS_PER_KEY; k++)
			c[k] = &ks->tok[k].c;
		t = &ks->tok[pick_slot(c, TOKENS_PER_KEY)];
		t->c.used = 1;
		t->c.reusable = 1;
		t->c.issued = now_ms;
		t->c.expires = now_ms + a->cfg.token_life_ms;
		make_token(a, i, now_ms, t->c.expires, t->s, sizeof(t->s));
		a->n.tokens_issued++;
	}
	snprintf(tok->access_token, sizeof(tok->access_token), "%s", t->s);
	format_kst(t->c.expires, tok->expired);
	tok->expires_in = floor_div(t->c.expires - now_ms, 1000);
	return ok(rep, 200);
}

int simauth_revoke(struct simauth *a, const char *appkey, const char *appsecret, const char *token, int64_t now_ms,
                   struct simauth_reply *rep)
{
	(void)now_ms; /* an expired token can still be revoked */
	int i = -1;
	int rc = oauth_creds(a, 0, NULL, appkey, appsecret, &i, rep);
	if (rc != KE_OK)
		return rc;
	if (!empty(token)) {
		struct keystate *ks = &a->ks[i];
		for (int k = 0; k < TOKENS_PER_KEY; k++) {
			struct token_slot *t = &ks->tok[k];
			if (t->c.used && strcmp(t->s, token) == 0) {
				memset(t, 0, sizeof(*t));
				a->n.tokens_revoked++;
				rep->status = 200;
				rep->shape = SIMAUTH_SHAPE_NONE;
				rep->rt_cd = "0";
				rep->code = "";
				rep->message = SIMAUTH_REVOKE_MSG;
				return KE_OK;
			}
		}
	}
	return oauth_err(a, rep, KE_EINVAL, "EGW00121", MSG_EGW00121);
}

int simauth_check_app(struct simauth *a, const char *appkey, const char *appsecret, struct simauth_caller *who,
                      struct simauth_reply *rep)
{
	who->index = -1;
	who->acct = NULL;
	if (empty(appkey))
		return envelope_err(a, rep, "EGW00102", MSG_EGW00102);
	int i = find_key(a, appkey);
	if (i < 0)
		return envelope_err(a, rep, "EGW00103", MSG_EGW00103);
	if (empty(appsecret))
		return envelope_err(a, rep, "EGW00104", MSG_EGW00104);
	if (strcmp(appsecret, a->accts.acct[i].app_secret) != 0)
		return envelope_err(a, rep, "EGW00105", MSG_EGW00105);
	who->index = i;
	who->acct = &a->accts.acct[i];
	return ok(rep, 200);
}

/* The token of "Bearer <token>": the scheme is case-insensitive (RFC 7235),
 * one or more spaces follow it. NULL when the header is not a bearer one. */
static const char *bearer_token(const char *h)
{
	static const char scheme[] = "bearer";
	if (h == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(scheme) - 1; i++) {
		char c = h[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != scheme[i])
			return NULL;
	}
	h += sizeof(scheme) - 1;
	if (*h != ' ')
		return NULL;
	while (*h == ' ')
		h++;
	return *h != '\0' ? h : NULL;
}

int simauth_check(struct simauth *a, const char *authorization, const char *appkey, const char *appsecret,
                  int64_t now_ms, struct simauth_caller *who, struct simauth_reply *rep)
{
	int rc = simauth_check_app(a, appkey, appsecret, who, rep);
	if (rc != KE_OK)
		return rc;
	int i = who->index;
	who->index = -1;
	who->acct = NULL;
	const char *token = bearer_token(authorization);
	if (token == NULL)
		return envelope_err(a, rep, "EGW00205", MSG_EGW00205);
	/* Only this app key's tokens: another key's token is as invalid as a
	 * forged one. */
	const struct keystate *ks = &a->ks[i];
	for (int k = 0; k < TOKENS_PER_KEY; k++) {
		const struct token_slot *t = &ks->tok[k];
		if (!t->c.used || strcmp(t->s, token) != 0)
			continue;
		if (now_ms >= t->c.expires)
			return envelope_err(a, rep, "EGW00123", MSG_EGW00123);
		who->index = i;
		who->acct = &a->accts.acct[i];
		return ok(rep, 200);
	}
	return envelope_err(a, rep, "EGW00121", MSG_EGW00121);
}

void simauth_expire_all(struct simauth *a, unsigned what, int64_t now_ms)
{
	a->n.expire_all++;
	for (int i = 0; i < SIMACCT_MAX; i++) {
		struct keystate *ks = &a->ks[i];
		for (int k = 0; (what & SIMAUTH_EXPIRE_TOKENS) && k < TOKENS_PER_KEY; k++) {
			struct cred *c = &ks->tok[k].c;
			if (c->used && c->expires > now_ms)
				c->expires = now_ms;
			c->reusable = 0;
		}
		for (int k = 0; (what & SIMAUTH_EXPIRE_APPROVALS) && k < APPROVALS_PER_KEY; k++) {
			struct cred *c = &ks->appr[k].c;
			if (c->used && c->expires > now_ms)
				c->expires = now_ms;
		}
	}
}

/* ---- approval keys ---- */

/* KIS documents no error body for the 1/s approval throttle: it answers
 * like the other /oauth2/... refusals, with the rate code EGW00201. */
int simauth_approval_issue(struct simauth *a, const char *grant_type, const char *appkey, const char *secretkey,
                           int64_t now_ms, char *approval_key, struct simauth_reply *rep)
{
	approval_key[0] = '\0';
	int i = -1;
	int rc = oauth_creds(a, 1, grant_type, appkey, secretkey, &i, rep);
	if (rc != KE_OK)
		return rc;
	struct keystate *ks = &a->ks[i];
	if (throttled(ks->has_approval_call, ks->last_approval_call, a->cfg.approval_throttle_ms, now_ms)) {
		a->n.approvals_throttled++;
		return oauth_err(a, rep, KE_ELIMIT, "EGW00201", MSG_EGW00201);
	}
	ks->has_approval_call = 1;
	ks->last_approval_call = now_ms;
	const struct cred *c[APPROVALS_PER_KEY];
	for (int k = 0; k < APPROVALS_PER_KEY; k++)
		c[k] = &ks->appr[k].c;
	struct approval_slot *s = &ks->appr[pick_slot(c, APPROVALS_PER_KEY)];
	uint8_t r[32];
	next_bytes(a, "approval", i, now_ms, r);
	uuid(r, s->s);
	s->c.used = 1;
	s->c.reusable = 0;
	s->c.issued = now_ms;
	s->c.expires = now_ms + a->cfg.approval_life_ms;
	memcpy(approval_key, s->s, sizeof(s->s));
	a->n.approvals_issued++;
	return ok(rep, 200);
}

int simauth_approval_check(struct simauth *a, const char *approval_key, int64_t now_ms, struct simauth_caller *who,
                           struct simauth_reply *rep)
{
	who->index = -1;
	who->acct = NULL;
	for (int i = 0; !empty(approval_key) && i < a->accts.n; i++) {
		for (int k = 0; k < APPROVALS_PER_KEY; k++) {
			const struct approval_slot *s = &a->ks[i].appr[k];
			if (!s->c.used || now_ms >= s->c.expires || strcmp(s->s, approval_key) != 0)
				continue;
			who->index = i;
			who->acct = &a->accts.acct[i];
			return ok(rep, 0);
		}
	}
	/* Like OPSP8996, a session-level refusal: rt_cd "9" (kis-protocol §5.2). */
	a->n.rejected++;
	rep->status = 0;
	rep->shape = SIMAUTH_SHAPE_ENVELOPE;
	rep->rt_cd = "9";
	rep->code = "OPSP0011";
	rep->message = MSG_OPSP0011;
	return KE_EINVAL;
}

/* ---- hashkey ---- */

int simauth_hashkey(const void *body, size_t len, enum simauth_hash enc, char *out, size_t outlen)
{
	if (out == NULL || outlen == 0 || (body == NULL && len > 0))
		return KE_EINVAL;
	out[0] = '\0';
	uint8_t d[32];
	sha256(body != NULL ? body : "", len, d);
	if (enc == SIMAUTH_HASH_HEX) {
		if (outlen < 65)
			return KE_EINVAL;
		hex(d, 32, out);
		return KE_OK;
	}
	if (enc == SIMAUTH_HASH_BASE64)
		return base64(d, 32, 0, out, outlen) != 0 ? KE_OK : KE_EINVAL;
	return KE_EINVAL;
}

int simauth_hashkey_verify(const struct simauth *a, const void *body, size_t len, const char *header,
                           struct simauth_reply *rep)
{
	if (empty(header))
		return ok(rep, 200);
	char want[SIMAUTH_HASH_MAX];
	if (simauth_hashkey(body, len, a->cfg.hash, want, sizeof(want)) == KE_OK && strcmp(want, header) == 0)
		return ok(rep, 200);
	rep->status = a->cfg.envelope_status;
	rep->shape = SIMAUTH_SHAPE_ENVELOPE;
	rep->rt_cd = "1";
	rep->code = "EGW00131";
	rep->message = MSG_EGW00131;
	return KE_EINVAL;
}
