/*
 * test_simws.c - kis-sim's WebSocket side driven directly: subscribe acks
 * and their key/iv, the refusal codes, one session per app key, the 41
 * registrations, H0STCNT0 / H0STASP0 records, encrypted notices (decrypted
 * here with OpenSSL, not with the module's code), PINGPONG and its timeout.
 *
 * Clocks. The wall clock (approval keys, PINGPONG) starts at
 *   W0 = 1772410364000 = 2026-03-02 09:12:44 KST
 * (2026-03-02 is day 20514 since 1970: 56*365 + 14 leap days to 2026-01-01
 * = 20454, + 31 + 28 + 1; 20514 * 86400 = 1772409600 s = 09:00:00 KST,
 * + 12 min 44 s = 764 s). The replayed market is on the same Monday;
 * 005930's previous close is 70,000, so its band is 49,000 .. 91,000
 * (70,000 * 0.3 = 21,000, both on the 100-won grid of the 50,000-200,000
 * band).
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"
#include "simacct.h"
#include "simauth.h"
#include "simvenue.h"
#include "simws.h"

/* For the encryption cross-check with the reference's example only. */
#include "../../engine/sim/ws_internal.h"

#define W0 1772410364000LL

#define MAXF 1024

struct frame {
	int64_t sess;
	char *text;
	size_t len;
};

struct rec {
	struct frame f[MAXF];
	int n;
	int64_t closed[16];
	char why[16][64];
	int nclosed;
	struct simws *ws;      /* for the re-entrant sink */
	int64_t close_on_send; /* session to report closed from inside send, or 0 */
};

static void rec_send(void *ud, int64_t session, const char *text, size_t len)
{
	struct rec *r = ud;
	assert_int_equal(text[len], '\0');
	if (r->n < MAXF) {
		r->f[r->n].sess = session;
		r->f[r->n].text = strdup(text);
		r->f[r->n].len = len;
		r->n++;
	}
	if (r->close_on_send == session) {
		r->close_on_send = 0;
		simws_closed(r->ws, session);
	}
}

static void rec_close(void *ud, int64_t session, const char *why)
{
	struct rec *r = ud;
	if (r->nclosed < 16) {
		r->closed[r->nclosed] = session;
		snprintf(r->why[r->nclosed], sizeof(r->why[0]), "%s", why);
		r->nclosed++;
	}
}

static void rec_clear(struct rec *r)
{
	for (int i = 0; i < r->n; i++) {
		free(r->f[i].text);
		r->f[i].text = NULL;
	}
	r->n = 0;
	r->nclosed = 0;
}

struct fx {
	struct rec rec;
	struct simacct_list accts;
	struct simauth *auth;
	struct simvenue *venue;
	struct simws *ws;
	int32_t sam;
	char key0[SIMAUTH_APPROVAL_MAX]; /* approval key of the default account (index 0) */
	char key1[SIMAUTH_APPROVAL_MAX]; /* of the second account, HTS ID "second" */
	enum simacct_env env;
};

static int64_t at(const char *hms)
{
	char buf[64];
	int64_t ms;
	snprintf(buf, sizeof(buf), "2026-03-02T%s+09:00", hms);
	assert_int_equal(ktime_parse_iso(buf, strlen(buf), 0, &ms), KE_OK);
	return ms;
}

static void issue(struct fx *f, int i, char *out)
{
	struct simauth_reply rep;
	assert_int_equal(simauth_approval_issue(f->auth, "client_credentials", f->accts.acct[i].app_key,
	                                        f->accts.acct[i].app_secret, W0, out, &rep),
	                 KE_OK);
}

static void notice_to_ws(void *ud, const struct simvenue_notice *n)
{
	simws_on_notice(ud, n);
}

static struct fx *make(enum simacct_env env, int asp_fields)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->env = env;
	simacct_default(&f->accts);
	struct simacct_account *b = &f->accts.acct[1];
	*b = f->accts.acct[0];
	strcpy(b->app_key, "PSsecondKey");
	strcpy(b->app_secret, "secondSecret");
	strcpy(b->hts_id, "second");
	strcpy(b->cano, "50000002");
	f->accts.n = 2;

	struct simauth_config ac;
	simauth_config_default(&ac, env);
	ac.approval_throttle_ms = 0;
	assert_int_equal(simauth_new(&ac, &f->accts, &f->auth), KE_OK);
	issue(f, 0, f->key0);
	issue(f, 1, f->key1);

	struct simvenue_config vc;
	simvenue_config_default(&vc, env == SIMACCT_REAL ? SIMVENUE_REAL : SIMVENUE_MOCK);
	assert_int_equal(simvenue_new(&vc, &f->venue), KE_OK);
	assert_int_equal(simvenue_symbol(f->venue, "005930", &f->sam), KE_OK);
	assert_int_equal(simvenue_set_symbol_name(f->venue, f->sam, "삼성전자"), KE_OK);
	assert_int_equal(simvenue_set_prev_close(f->venue, at("08:00:00"), f->sam, 70000), KE_OK);
	assert_int_equal(simvenue_add_account(f->venue, &f->accts.acct[0]), KE_OK);

	struct simws_config wc;
	simws_config_default(&wc, env);
	wc.seed = 42;
	wc.asp_fields = asp_fields;
	struct simws_sink sink = {&f->rec, rec_send, rec_close};
	assert_int_equal(simws_new(&wc, f->auth, f->venue, sink, &f->ws), KE_OK);
	f->rec.ws = f->ws;
	simvenue_set_notice_sink(f->venue, notice_to_ws, f->ws);
	return f;
}

static int setup_mock(void **state)
{
	*state = make(SIMACCT_MOCK, 59);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	simws_free(f->ws);
	simvenue_free(f->venue);
	simauth_free(f->auth);
	rec_clear(&f->rec);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static void text(struct fx *f, int64_t sess, const char *s)
{
	simws_on_text(f->ws, sess, s, strlen(s), W0);
}

static void sub(struct fx *f, int64_t sess, const char *approval, const char *tr_type, const char *tr_id,
                const char *tr_key)
{
	char buf[512];
	snprintf(
	    buf, sizeof(buf),
	    "{\"header\":{\"approval_key\":\"%s\",\"custtype\":\"P\",\"tr_type\":\"%s\",\"content-type\":\"utf-8\"},"
	    "\"body\":{\"input\":{\"tr_id\":\"%s\",\"tr_key\":\"%s\"}}}",
	    approval, tr_type, tr_id, tr_key);
	text(f, sess, buf);
}

static const struct frame *last(const struct fx *f)
{
	assert_true(f->rec.n > 0);
	return &f->rec.f[f->rec.n - 1];
}

/* body.<field> of the last frame, which must be a control reply. */
static void expect_reply(const struct fx *f, int64_t sess, const char *rt_cd, const char *msg_cd, const char *msg1)
{
	const struct frame *fr = last(f);
	assert_int_equal(fr->sess, sess);
	cJSON *j = cJSON_Parse(fr->text);
	assert_non_null(j);
	cJSON *body = cJSON_GetObjectItemCaseSensitive(j, "body");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(body, "rt_cd")->valuestring, rt_cd);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(body, "msg_cd")->valuestring, msg_cd);
	if (msg1)
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(body, "msg1")->valuestring, msg1);
	cJSON_Delete(j);
}

/* Splits a data frame "<enc>|<tr>|<count>|<payload>" and its payload on '^'. */
struct parsed {
	char enc[4], tr[16], count[8];
	char *fields[5000];
	int nf;
	char *buf;
};

static void parse_frame(const char *s, struct parsed *p)
{
	static char empty[] = "";
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(p->fields) / sizeof(p->fields[0]); i++)
		p->fields[i] = empty; /* a short frame fails on nf, never on a NULL field */
	p->buf = strdup(s);
	char *save = NULL;
	char *a = strtok_r(p->buf, "|", &save);
	char *b = strtok_r(NULL, "|", &save);
	char *c = strtok_r(NULL, "|", &save);
	char *payload = c ? c + strlen(c) + 1 : NULL;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	if (!a || !b || !c || !payload)
		return;
	snprintf(p->enc, sizeof(p->enc), "%s", a);
	snprintf(p->tr, sizeof(p->tr), "%s", b);
	snprintf(p->count, sizeof(p->count), "%s", c);
	/* '^' splitting that keeps empty fields */
	p->fields[p->nf++] = payload;
	for (char *q = payload; *q; q++)
		if (*q == '^') {
			*q = '\0';
			assert_true(p->nf < 5000);
			p->fields[p->nf++] = q + 1;
		}
}

static void parsed_free(struct parsed *p)
{
	free(p->buf);
}

static int frames_of(const struct fx *f, int64_t sess, const char *prefix)
{
	int n = 0;
	for (int i = 0; i < f->rec.n; i++)
		if (f->rec.f[i].sess == sess && strncmp(f->rec.f[i].text, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static const struct frame *find_frame(const struct fx *f, int64_t sess, const char *prefix)
{
	for (int i = f->rec.n - 1; i >= 0; i--)
		if (f->rec.f[i].sess == sess && strncmp(f->rec.f[i].text, prefix, strlen(prefix)) == 0)
			return &f->rec.f[i];
	fail_msg("no frame starting with %s", prefix);
	return NULL;
}

static void tick(struct fx *f, const char *hms, int64_t price, int64_t vol, int64_t bid, int64_t ask)
{
	struct tick t = {at(hms), f->sam, price, vol, bid, ask};
	assert_int_equal(simvenue_on_tick(f->venue, &t), KE_OK);
	simws_on_tick(f->ws, &t);
}

/* Ack's output.key / output.iv of the last frame. */
static void ack_key_iv(const struct fx *f, char *key, char *iv)
{
	cJSON *j = cJSON_Parse(last(f)->text);
	assert_non_null(j);
	cJSON *out = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "body"), "output");
	assert_non_null(out);
	snprintf(key, 64, "%s", cJSON_GetObjectItemCaseSensitive(out, "key")->valuestring);
	snprintf(iv, 64, "%s", cJSON_GetObjectItemCaseSensitive(out, "iv")->valuestring);
	cJSON_Delete(j);
}

/* The test's own AES-256-CBC + Base64 decryption (OpenSSL EVP), for
 * notices; returns the plaintext length, -1 on failure. */
static int decrypt_b64(const char *b64, const char *key, const char *iv, char *out, size_t cap)
{
	size_t n = strlen(b64);
	unsigned char *ct = malloc(n);
	assert_non_null(ct);
	int clen = EVP_DecodeBlock(ct, (const unsigned char *)b64, (int)n);
	/* EVP_DecodeBlock counts the bytes the '=' padding stands for. */
	if (clen > 0 && n >= 1 && b64[n - 1] == '=')
		clen--;
	if (clen > 0 && n >= 2 && b64[n - 2] == '=')
		clen--;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n1 = 0, n2 = 0;
	int ok = clen > 0 && (size_t)clen <= cap &&
	         EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, (const unsigned char *)key,
	                            (const unsigned char *)iv) == 1 &&
	         EVP_DecryptUpdate(ctx, (unsigned char *)out, &n1, ct, clen) == 1 &&
	         EVP_DecryptFinal_ex(ctx, (unsigned char *)out + n1, &n2) == 1;
	EVP_CIPHER_CTX_free(ctx);
	free(ct);
	if (!ok)
		return -1;
	out[n1 + n2] = '\0';
	return n1 + n2;
}

/* ---- tests: subscriptions ---- */

static int charset_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static void test_subscribe_ack(void **state)
{
	struct fx *f = *state;
	assert_int_equal(simws_open(f->ws, 1, W0), KE_OK);
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	assert_int_equal(f->rec.n, 1);
	cJSON *j = cJSON_Parse(last(f)->text);
	assert_non_null(j);
	cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "header");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_id")->valuestring, "H0STCNT0");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_key")->valuestring, "005930");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "encrypt")->valuestring, "N");
	cJSON_Delete(j);
	expect_reply(f, 1, "0", "OPSP0000", "SUBSCRIBE SUCCESS");
	char key[64], iv[64];
	ack_key_iv(f, key, iv);
	assert_int_equal(strlen(key), 32);
	assert_int_equal(strlen(iv), 16);
	assert_true(charset_ok(key) && charset_ok(iv));

	/* Byte for byte the shape of kis-protocol §5.2. */
	char want[512];
	snprintf(
	    want, sizeof(want),
	    "{\"header\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\",\"encrypt\":\"N\"},\"body\":{\"rt_cd\":\"0\","
	    "\"msg_cd\":\"OPSP0000\",\"msg1\":\"SUBSCRIBE SUCCESS\",\"output\":{\"iv\":\"%s\",\"key\":\"%s\"}}}",
	    iv, key);
	assert_string_equal(last(f)->text, want);

	/* One key/iv per session: the same in the next acks, the notice's too. */
	char key2[64], iv2[64];
	sub(f, 1, f->key0, "1", "H0STASP0", "005930");
	expect_reply(f, 1, "0", "OPSP0000", "SUBSCRIBE SUCCESS");
	ack_key_iv(f, key2, iv2);
	assert_string_equal(key2, key);
	assert_string_equal(iv2, iv);
	sub(f, 1, f->key0, "1", "H0STCNI9", "kissim01");
	expect_reply(f, 1, "0", "OPSP0000", "SUBSCRIBE SUCCESS");
	j = cJSON_Parse(last(f)->text);
	h = cJSON_GetObjectItemCaseSensitive(j, "header");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_id")->valuestring, "H0STCNI9");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_key")->valuestring, "kissim01");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "encrypt")->valuestring, "Y");
	cJSON_Delete(j);
	ack_key_iv(f, key2, iv2);
	assert_string_equal(key2, key);
	assert_string_equal(iv2, iv);

	/* Another session has its own key. */
	assert_int_equal(simws_open(f->ws, 2, W0), KE_OK);
	sub(f, 2, f->key1, "1", "H0STCNT0", "005930");
	ack_key_iv(f, key2, iv2);
	assert_string_not_equal(key2, key);

	/* The same seed and session give the same key in a new instance. */
	struct fx *g = make(SIMACCT_MOCK, 59);
	assert_int_equal(simws_open(g->ws, 1, W0), KE_OK);
	sub(g, 1, g->key0, "1", "H0STCNT0", "005930");
	ack_key_iv(g, key2, iv2);
	assert_string_equal(key2, key);
	assert_string_equal(iv2, iv);
	void *gs = g;
	teardown(&gs);

	/* A session id that is open already is refused. */
	assert_int_equal(simws_open(f->ws, 1, W0), KE_ESTATE);
}

static void test_duplicate_and_unsubscribe(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	expect_reply(f, 1, "0", "OPSP0000", "SUBSCRIBE SUCCESS");
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	expect_reply(f, 1, "1", "OPSP0002", "ALREADY IN SUBSCRIBE");
	/* The same symbol on another TR is another registration. */
	sub(f, 1, f->key0, "1", "H0STASP0", "005930");
	expect_reply(f, 1, "0", "OPSP0000", NULL);
	sub(f, 1, f->key0, "2", "H0STCNT0", "005930");
	expect_reply(f, 1, "0", "OPSP0001", "UNSUBSCRIBE SUCCESS");
	cJSON *j = cJSON_Parse(last(f)->text);
	cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "header");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_id")->valuestring, "H0STCNT0");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_key")->valuestring, "005930");
	cJSON_Delete(j);
	sub(f, 1, f->key0, "2", "H0STCNT0", "005930");
	expect_reply(f, 1, "1", "OPSP0003", "UNSUBSCRIBE ERROR(not found!)");
	/* Unsubscribed: its ticks no longer arrive, the other TR's do. */
	tick(f, "09:30:15", 71200, 15, 71100, 71200);
	simws_flush(f->ws);
	assert_int_equal(frames_of(f, 1, "0|H0STCNT0|"), 0);
	assert_int_equal(frames_of(f, 1, "0|H0STASP0|001|"), 1);
}

static void test_max_registrations(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	char code[16];
	/* 40 symbols on H0STCNT0 plus the notice: 41 registrations. */
	for (int i = 0; i < 40; i++) {
		snprintf(code, sizeof(code), "1%05d", i);
		sub(f, 1, f->key0, "1", "H0STCNT0", code);
		expect_reply(f, 1, "0", "OPSP0000", NULL);
	}
	sub(f, 1, f->key0, "1", "H0STCNI9", "kissim01");
	expect_reply(f, 1, "0", "OPSP0000", NULL);
	int before = f->rec.n;
	sub(f, 1, f->key0, "1", "H0STASP0", "005930");
	assert_int_equal(f->rec.n, before + 1);
	expect_reply(f, 1, "1", "OPSP0008", "MAX SUBSCRIBE OVER");
	/* Refused before anything is registered: no data for it. */
	tick(f, "09:30:15", 71200, 15, 71100, 71200);
	simws_flush(f->ws);
	assert_int_equal(frames_of(f, 1, "0|H0STASP0|"), 0);
	/* A duplicate of a held registration is still a duplicate when full. */
	sub(f, 1, f->key0, "1", "H0STCNT0", "100000");
	expect_reply(f, 1, "1", "OPSP0002", NULL);
	/* One out, one in. */
	sub(f, 1, f->key0, "2", "H0STCNT0", "100000");
	expect_reply(f, 1, "0", "OPSP0001", NULL);
	sub(f, 1, f->key0, "1", "H0STASP0", "005930");
	expect_reply(f, 1, "0", "OPSP0000", NULL);

	cJSON *root = cJSON_CreateObject();
	simws_dump(f->ws, root);
	cJSON *ws = cJSON_GetObjectItemCaseSensitive(root, "websocket");
	cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ws, "sessions"), 0);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(s0, "registrations")->valueint, 41);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(s0, "app_key_index")->valueint, 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ws, "subscriptions")), 41);
	cJSON_Delete(root);
}

static void test_bad_approval(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	sub(f, 1, "00000000-0000-0000-0000-000000000000", "1", "H0STCNT0", "005930");
	expect_reply(f, 1, "9", "OPSP0011", "invalid approval : NOT FOUND");
	assert_int_equal(f->rec.nclosed, 0);
	/* The session is still unbound: a good key works afterwards. */
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	expect_reply(f, 1, "0", "OPSP0000", NULL);
	/* A bound session refuses another app key's approval key. */
	sub(f, 1, f->key1, "1", "H0STASP0", "005930");
	expect_reply(f, 1, "9", "OPSP0011", NULL);
	/* A second approval key of the same app key is fine. */
	char again[SIMAUTH_APPROVAL_MAX];
	issue(f, 0, again);
	assert_string_not_equal(again, f->key0);
	sub(f, 1, again, "1", "H0STASP0", "005930");
	expect_reply(f, 1, "0", "OPSP0000", NULL);
	/* An expired approval key: W0 + 24 h. */
	simws_on_text(f->ws, 1, "{}", 2, W0);
	char buf[512];
	snprintf(buf, sizeof(buf),
	         "{\"header\":{\"approval_key\":\"%s\",\"custtype\":\"P\",\"tr_type\":\"2\"},"
	         "\"body\":{\"input\":{\"tr_id\":\"H0STASP0\",\"tr_key\":\"005930\"}}}",
	         f->key0);
	simws_on_text(f->ws, 1, buf, strlen(buf), W0 + 24LL * 3600 * 1000);
	expect_reply(f, 1, "9", "OPSP0011", NULL);
}

static void test_second_session_same_app_key(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	simws_open(f->ws, 2, W0);
	simws_open(f->ws, 3, W0);
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	expect_reply(f, 1, "0", "OPSP0000", NULL);
	char other[SIMAUTH_APPROVAL_MAX];
	issue(f, 0, other);
	sub(f, 2, other, "1", "H0STCNT0", "005930");
	assert_string_equal(last(f)->text,
	                    "{\"header\":{\"tr_id\":\"(null)\",\"tr_key\":\"\",\"encrypt\":\"N\"},\"body\":"
	                    "{\"rt_cd\":\"9\",\"msg_cd\":\"OPSP8996\",\"msg1\":\"ALREADY IN USE appkey\"}}");
	assert_int_equal(last(f)->sess, 2);
	assert_int_equal(f->rec.nclosed, 1);
	assert_int_equal(f->rec.closed[0], 2);
	/* A closing session takes nothing more. */
	int n = f->rec.n;
	sub(f, 2, f->key1, "1", "H0STCNT0", "005930");
	assert_int_equal(f->rec.n, n);
	simws_closed(f->ws, 2);
	/* Another app key on another session is fine. */
	sub(f, 3, f->key1, "1", "H0STCNT0", "005930");
	expect_reply(f, 3, "0", "OPSP0000", NULL);
	/* Once the first session is gone its app key is free again. */
	simws_closed(f->ws, 1);
	assert_int_equal(simws_open(f->ws, 4, W0), KE_OK);
	sub(f, 4, f->key0, "1", "H0STCNT0", "005930");
	expect_reply(f, 4, "0", "OPSP0000", NULL);

	cJSON *root = cJSON_CreateObject();
	simws_dump(f->ws, root);
	cJSON *c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "websocket"), "counters");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "drops")->valueint, 1);
	cJSON_Delete(root);
}

static void test_notice_tr_env(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	sub(f, 1, f->key0, "1", "H0STCNI0", "kissim01"); /* the real TR on mock */
	expect_reply(f, 1, "1", "OPSP8991", "SUBSCRIBE ERROR : invalid tr_id");
	sub(f, 1, f->key0, "1", "H0STCNI9", "second"); /* another account's HTS ID */
	expect_reply(f, 1, "1", "OPSP8992", "SUBSCRIBE ERROR : invalid tr_key");
	sub(f, 1, f->key0, "1", "H0STCNI9", "kissim01");
	expect_reply(f, 1, "0", "OPSP0000", NULL);

	struct fx *r = make(SIMACCT_REAL, 59);
	simws_open(r->ws, 1, W0);
	sub(r, 1, r->key0, "1", "H0STCNI9", "kissim01");
	expect_reply(r, 1, "1", "OPSP8991", NULL);
	sub(r, 1, r->key0, "1", "H0STCNI0", "kissim01");
	expect_reply(r, 1, "0", "OPSP0000", NULL);
	void *rs = r;
	teardown(&rs);
}

static void test_malformed(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	static const struct {
		const char *text, *code;
	} cases[] = {
	    {"{not json", "OPSP9999"},
	    {"[1,2]", "OPSP9999"},
	    {"", "OPSP9999"},
	    {"{}", "OPSP9998"},
	    {"{\"header\":\"x\",\"body\":{}}", "OPSP9998"},
	    {"{\"header\":{\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\"}}}",
	     "OPSP9996"},
	    {"{\"header\":{\"approval_key\":7,\"custtype\":\"P\",\"tr_type\":\"1\"}}", "OPSP9996"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text(f, 1, cases[i].text);
		expect_reply(f, 1, "1", cases[i].code, NULL);
	}
	/* Everything after the approval key, with a good key. */
	char buf[600];
	const char *tail[][2] = {
	    {"\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\"}}}", "OPSP9997"},
	    {"\"custtype\":\"X\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\"}}"
	     "}",
	     "OPSP8998"},
	    {"\"custtype\":\"P\",\"tr_type\":\"0\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\"}}"
	     "}",
	     "OPSP8997"},
	    {"\"custtype\":\"P\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"005930\"}}}", "OPSP8997"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"}}", "OPSP9992"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{}}", "OPSP9991"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_key\":\"005930\"}}}", "OPSP8991"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STXXX0\",\"tr_key\":\"005930\"}}"
	     "}",
	     "OPSP8991"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\"}}}", "OPSP9990"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"00 "
	     "5930\"}}}",
	     "OPSP8992"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\",\"tr_key\":\"\"}}}",
	     "OPSP8992"},
	    {"\"custtype\":\"P\",\"tr_type\":\"1\"},\"body\":{\"input\":{\"tr_id\":\"H0STCNT0\","
	     "\"tr_key\":\"0123456789012345\"}}}",
	     "OPSP8992"},
	};
	for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++) {
		snprintf(buf, sizeof(buf), "{\"header\":{\"approval_key\":\"%s\",%s", f->key0, tail[i][0]);
		text(f, 1, buf);
		expect_reply(f, 1, "1", tail[i][1], NULL);
	}
	/* The refusal echoes what it can: tr_id and tr_key of the request. */
	cJSON *j = cJSON_Parse(last(f)->text);
	cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "header");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_id")->valuestring, "H0STCNT0");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_key")->valuestring, "0123456789012345");
	cJSON_Delete(j);
	/* Bytes that are not printable ASCII are not echoed as such. */
	snprintf(buf, sizeof(buf),
	         "{\"header\":{\"approval_key\":\"%s\",\"custtype\":\"P\",\"tr_type\":\"1\"},"
	         "\"body\":{\"input\":{\"tr_id\":\"H0\\u0001\",\"tr_key\":\"\xed\x95\x9c\"}}}",
	         f->key0);
	text(f, 1, buf);
	expect_reply(f, 1, "1", "OPSP8991", NULL);
	j = cJSON_Parse(last(f)->text);
	h = cJSON_GetObjectItemCaseSensitive(j, "header");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_id")->valuestring, "H0?");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(h, "tr_key")->valuestring, "???");
	cJSON_Delete(j);
	/* Not a crash: NULL text, unknown sessions, NULL module. */
	int n = f->rec.n;
	simws_on_text(f->ws, 1, NULL, 0, W0);
	expect_reply(f, 1, "1", "OPSP9999", NULL);
	simws_on_text(f->ws, 99, "{}", 2, W0);
	simws_on_pong(f->ws, 99, W0);
	simws_closed(f->ws, 99);
	assert_int_equal(f->rec.n, n + 1);
	simws_on_text(NULL, 1, "{}", 2, W0);
	simws_on_tick(NULL, NULL);
	simws_on_notice(NULL, NULL);
	simws_flush(NULL);
	simws_on_timer(NULL, W0);
	simws_send_garbage(NULL);
	simws_dump(NULL, NULL);
	simws_free(NULL);
	cJSON *root = cJSON_CreateObject();
	simws_dump(f->ws, root);
	cJSON *c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "websocket"), "counters");
	/* 7 + 12 + 1 + 1 refusals */
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "errors")->valueint, 21);
	cJSON_Delete(root);
}

static void test_new_invalid(void **state)
{
	struct fx *f = *state;
	struct simws_config c;
	struct simws *w = (struct simws *)1;
	struct simws_sink sink = {&f->rec, rec_send, rec_close};
	simws_config_default(&c, SIMACCT_MOCK);
	assert_int_equal(c.max_registrations, 41);
	assert_int_equal(c.ping_interval_ms, 10000);
	assert_int_equal(c.ping_timeout_ms, 30000);
	assert_int_equal(c.asp_fields, 59);
	c.asp_fields = 60;
	assert_int_equal(simws_new(&c, f->auth, f->venue, sink, &w), KE_EINVAL);
	assert_null(w);
	simws_config_default(&c, SIMACCT_MOCK);
	c.max_registrations = 0;
	assert_int_equal(simws_new(&c, f->auth, f->venue, sink, &w), KE_EINVAL);
	simws_config_default(&c, SIMACCT_MOCK);
	c.ping_interval_ms = 0;
	assert_int_equal(simws_new(&c, f->auth, f->venue, sink, &w), KE_EINVAL);
	simws_config_default(&c, SIMACCT_MOCK);
	c.env = SIMACCT_BOTH;
	assert_int_equal(simws_new(&c, f->auth, f->venue, sink, &w), KE_EINVAL);
	simws_config_default(&c, SIMACCT_MOCK);
	assert_int_equal(simws_new(&c, NULL, f->venue, sink, &w), KE_EINVAL);
	assert_int_equal(simws_new(&c, f->auth, NULL, sink, &w), KE_EINVAL);
	sink.close = NULL;
	assert_int_equal(simws_new(&c, f->auth, f->venue, sink, &w), KE_EINVAL);
	assert_int_equal(simws_new(&c, f->auth, f->venue, sink, NULL), KE_EINVAL);
	assert_int_equal(simws_open(NULL, 1, W0), KE_EINVAL);
}

/* ---- tests: data ---- */

static void test_tick_records(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	simws_open(f->ws, 2, W0);
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	sub(f, 2, f->key1, "1", "H0STASP0", "005930");
	rec_clear(&f->rec);

	/* 09:30:15, 15 shares at 71,200 = the ask: buy-initiated. */
	tick(f, "09:30:15", 71200, 15, 71100, 71200);
	assert_int_equal(f->rec.n, 0); /* queued until the flush */
	simws_flush(f->ws);
	assert_int_equal(frames_of(f, 1, "0|H0STCNT0|001|"), 1);
	assert_int_equal(frames_of(f, 1, "0|H0STASP0|"), 0); /* session 1 holds no ASP */
	struct parsed p;
	parse_frame(find_frame(f, 1, "0|H0STCNT0|")->text, &p);
	assert_string_equal(p.enc, "0");
	assert_string_equal(p.tr, "H0STCNT0");
	assert_string_equal(p.count, "001");
	assert_int_equal(p.nf, 46);
	/* change 71,200 - 70,000 = 1,200 = 1.714% -> 1.71; value 71,200 x 15 =
	 * 1,068,000; VWAP 1,068,000 / 15 = 71200.00; no sell volume: 체결강도
	 * 0.00, buy share 100.00; no previous day: 0.00. */
	const char *want[46] = {"005930", "093015",   "71200", "2",      "1200", "1.71", "71200.00", "71200",
	                        "71200",  "71200",    "71200", "71100",  "15",   "15",   "1068000",  "0",
	                        "1",      "1",        "0.00",  "0",      "15",   "1",    "100.00",   "0.00",
	                        "093015", "3",        "0",     "093015", "3",    "0",    "093015",   "3",
	                        "0",      "20260302", "20",    "N",      NULL,   NULL,   NULL,       NULL,
	                        "0.00",   "0",        "0.00",  "0",      "",     "71200"};
	for (int i = 0; i < 46; i++)
		if (want[i])
			assert_string_equal(p.fields[i], want[i]);
	for (int i = 36; i < 40; i++)
		assert_true(atoll(p.fields[i]) > 0);
	parsed_free(&p);

	/* Two prints before one flush: one frame, two records. 09:30:16, 3 at
	 * 71,100 = the bid: sell-initiated. Cumulative 18 shares, 1,068,000 +
	 * 213,300 = 1,281,300 won; VWAP 71,183.33; change 1,100 = 1.571% ->
	 * 1.57; 체결강도 15 / 3 = 500.00; buy share 15 / 18 = 83.33; the low
	 * is this print (0 below it, sign 3), the high 100 above (sign 5). */
	tick(f, "09:30:16", 71100, 3, 71100, 71200);
	tick(f, "09:30:17", 71100, 2, 71000, 71100);
	rec_clear(&f->rec);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 2); /* one H0STCNT0 to 1, one H0STASP0 to 2 */
	parse_frame(find_frame(f, 1, "0|H0STCNT0|")->text, &p);
	assert_string_equal(p.count, "002");
	assert_int_equal(p.nf, 92);
	char **r1 = p.fields, **r2 = p.fields + 46;
	const char *want1[][2] = {
	    {"1", "093016"}, {"2", "71100"},   {"3", "2"},       {"4", "1100"},  {"5", "1.57"},     {"6", "71183.33"},
	    {"8", "71200"},  {"9", "71100"},   {"12", "3"},      {"13", "18"},   {"14", "1281300"}, {"15", "1"},
	    {"16", "1"},     {"17", "0"},      {"18", "500.00"}, {"19", "3"},    {"20", "15"},      {"21", "5"},
	    {"22", "83.33"}, {"27", "093015"}, {"28", "5"},      {"29", "-100"}, {"30", "093016"},  {"31", "3"},
	    {"32", "0"},     {"26", "-100"},   {"25", "5"}};
	for (size_t i = 0; i < sizeof(want1) / sizeof(want1[0]); i++)
		assert_string_equal(r1[atoi(want1[i][0])], want1[i][1]);
	/* 09:30:17: 2 at 71,100 = the ask of 71,100: buy-initiated; 20 shares,
	 * 1,281,300 + 142,200 = 1,423,500, VWAP 71,175.00; 체결강도 17 / 3 =
	 * 566.67. */
	assert_string_equal(r2[0], "005930");
	assert_string_equal(r2[1], "093017");
	assert_string_equal(r2[10], "71100");
	assert_string_equal(r2[11], "71000");
	assert_string_equal(r2[6], "71175.00");
	assert_string_equal(r2[18], "566.67");
	assert_string_equal(r2[21], "1");
	parsed_free(&p);
	/* Nothing more to send. */
	rec_clear(&f->rec);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 0);
}

/* Prints without a quote: the tick rule. 08:50 before the open (3, not
 * counted), then 71,200 up from 70,000 (buy), 71,300 up (buy), 71,200 down
 * (sell), 71,200 unchanged (the previous side, sell). Buy volume 1 + 2 = 3,
 * sell 4 + 8 = 12: 체결강도 3 / 12 = 25.00, buy share 3 / 15 = 20.00. */
static void test_tick_rule_and_days(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	rec_clear(&f->rec);
	tick(f, "08:50:00", 70000, 10, 0, 0);
	tick(f, "09:00:00", 71200, 1, 0, 0);
	tick(f, "09:00:01", 71300, 2, 0, 0);
	tick(f, "09:00:02", 71200, 4, 0, 0);
	tick(f, "09:00:03", 71200, 8, 0, 0);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 1);
	struct parsed p;
	parse_frame(last(f)->text, &p);
	assert_string_equal(p.count, "005");
	assert_int_equal(p.nf, 5 * 46);
	const char *dvsn[5] = {"3", "1", "1", "5", "5"};
	for (int i = 0; i < 5; i++)
		assert_string_equal(p.fields[46 * i + 21], dvsn[i]);
	assert_string_equal(p.fields[34], "10"); /* before the open */
	assert_string_equal(p.fields[15], "0");
	assert_string_equal(p.fields[16], "0");
	char **r = p.fields + 4 * 46;
	assert_string_equal(r[34], "20");
	assert_string_equal(r[15], "2");
	assert_string_equal(r[16], "2");
	assert_string_equal(r[17], "0");
	assert_string_equal(r[18], "25.00");
	assert_string_equal(r[19], "12");
	assert_string_equal(r[20], "3");
	assert_string_equal(r[22], "20.00");
	assert_string_equal(r[10], "71300"); /* no quote in the data: price + one tick */
	assert_string_equal(r[11], "71100"); /* and price - one tick */
	assert_string_equal(r[24], "085000");
	assert_string_equal(r[27], "090001");
	assert_string_equal(r[30], "085000");
	parsed_free(&p);
	/* Next day, 09:00: the counts restart; 5 shares against yesterday's
	 * 10 + 1 + 2 + 4 + 8 = 25 is 20.00%; the venue's base is now 71,200. */
	rec_clear(&f->rec);
	struct tick t = {at("09:00:00") + 86400000LL, f->sam, 71200, 5, 0, 0};
	assert_int_equal(simvenue_on_tick(f->venue, &t), KE_OK);
	simws_on_tick(f->ws, &t);
	simws_flush(f->ws);
	parse_frame(last(f)->text, &p);
	assert_int_equal(p.nf, 46);
	assert_string_equal(p.fields[33], "20260303");
	assert_string_equal(p.fields[3], "3");
	assert_string_equal(p.fields[4], "0");
	assert_string_equal(p.fields[13], "5");
	assert_string_equal(p.fields[15], "0");
	assert_string_equal(p.fields[16], "1");
	assert_string_equal(p.fields[23], "20.00");
	parsed_free(&p);
}

static void check_asp_levels(char **r, int64_t total_ask_prev, int64_t total_bid_prev, int first)
{
	/* asks 71,200 .. 72,100, bids 71,100 .. 70,200: 100 won apart. */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(atoll(r[3 + i]), 71200 + 100 * i);
		assert_int_equal(atoll(r[13 + i]), 71100 - 100 * i);
	}
	int64_t ta = 0, tb = 0;
	for (int i = 0; i < 10; i++) {
		assert_true(atoll(r[23 + i]) > 0);
		assert_true(atoll(r[33 + i]) > 0);
		ta += atoll(r[23 + i]);
		tb += atoll(r[33 + i]);
	}
	assert_int_equal(atoll(r[43]), ta);
	assert_int_equal(atoll(r[44]), tb);
	if (first) {
		assert_string_equal(r[54], "0");
		assert_string_equal(r[55], "0");
	} else {
		assert_int_equal(atoll(r[54]), ta - total_ask_prev);
		assert_int_equal(atoll(r[55]), tb - total_bid_prev);
	}
	assert_string_equal(r[2], "0");
	assert_string_equal(r[52], "0.00");
	assert_string_equal(r[58], "00");
}

static void test_asp_records(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	sub(f, 1, f->key0, "1", "H0STASP0", "005930");
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	rec_clear(&f->rec);
	tick(f, "09:30:15", 71200, 15, 71100, 71200);
	simws_flush(f->ws);
	struct parsed a, c;
	parse_frame(find_frame(f, 1, "0|H0STASP0|")->text, &a);
	parse_frame(find_frame(f, 1, "0|H0STCNT0|")->text, &c);
	assert_string_equal(a.count, "001");
	assert_int_equal(a.nf, 59);
	assert_string_equal(a.fields[0], "005930");
	assert_string_equal(a.fields[1], "093015");
	assert_string_equal(a.fields[53], "15");
	check_asp_levels(a.fields, 0, 0, 1);
	/* The trade record shows the same book: level 1 and the totals. */
	assert_string_equal(c.fields[36], a.fields[23]);
	assert_string_equal(c.fields[37], a.fields[33]);
	assert_string_equal(c.fields[38], a.fields[43]);
	assert_string_equal(c.fields[39], a.fields[44]);
	int64_t ta = atoll(a.fields[43]), tb = atoll(a.fields[44]);
	parsed_free(&a);
	parsed_free(&c);
	/* The next book's *_ICDC are against this one. */
	rec_clear(&f->rec);
	tick(f, "09:30:16", 71200, 5, 71100, 71200);
	simws_flush(f->ws);
	parse_frame(find_frame(f, 1, "0|H0STASP0|")->text, &a);
	check_asp_levels(a.fields, ta, tb, 0);
	assert_string_equal(a.fields[53], "20");
	parsed_free(&a);
}

static void test_asp_62_and_limits(void **state)
{
	(void)state;
	struct fx *f = make(SIMACCT_MOCK, 62);
	simws_open(f->ws, 1, W0);
	sub(f, 1, f->key0, "1", "H0STASP0", "005930");
	rec_clear(&f->rec);
	tick(f, "09:30:15", 71200, 15, 71100, 71200);
	simws_flush(f->ws);
	struct parsed a;
	parse_frame(find_frame(f, 1, "0|H0STASP0|")->text, &a);
	assert_int_equal(a.nf, 62);
	check_asp_levels(a.fields, 0, 0, 1);
	assert_string_equal(a.fields[59], "71150"); /* (71,200 + 71,100) / 2 */
	assert_string_equal(a.fields[60], "0");
	assert_string_equal(a.fields[61], "0");
	parsed_free(&a);
	/* At 90,800 without a quote: ask 90,900 (one tick up), then 91,000 =
	 * the upper limit, and nothing above it; bids 90,700 downwards. */
	rec_clear(&f->rec);
	tick(f, "09:31:00", 90800, 1, 0, 0);
	simws_flush(f->ws);
	parse_frame(find_frame(f, 1, "0|H0STASP0|")->text, &a);
	assert_string_equal(a.fields[3], "90900");
	assert_string_equal(a.fields[4], "91000");
	int64_t ta = atoll(a.fields[23]) + atoll(a.fields[24]);
	for (int i = 2; i < 10; i++) {
		assert_string_equal(a.fields[3 + i], "0");
		assert_string_equal(a.fields[23 + i], "0");
	}
	assert_int_equal(atoll(a.fields[43]), ta);
	assert_string_equal(a.fields[13], "90700");
	assert_string_equal(a.fields[22], "89800");
	parsed_free(&a);
	void *fs = f;
	teardown(&fs);
}

static void test_frame_cap_and_late_symbol(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	/* 000660 is not a venue symbol yet: taken, data starts when it trades. */
	sub(f, 1, f->key0, "1", "H0STCNT0", "000660");
	expect_reply(f, 1, "0", "OPSP0000", NULL);
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	rec_clear(&f->rec);
	int32_t hy;
	assert_int_equal(simvenue_symbol(f->venue, "000660", &hy), KE_OK);
	struct tick t = {at("09:30:00"), hy, 150000, 1, 0, 0};
	assert_int_equal(simvenue_on_tick(f->venue, &t), KE_OK);
	simws_on_tick(f->ws, &t);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 1);
	assert_memory_equal(last(f)->text, "0|H0STCNT0|001|000660^093000^150000^", 36);
	/* 150 prints before one flush: a frame of 100 goes out at once. */
	rec_clear(&f->rec);
	for (int i = 0; i < 150; i++)
		tick(f, "09:31:00", 71200, 1, 71100, 71200);
	assert_int_equal(f->rec.n, 1);
	struct parsed p;
	parse_frame(f->rec.f[0].text, &p);
	assert_string_equal(p.count, "100");
	assert_int_equal(p.nf, 4600);
	parsed_free(&p);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 2);
	parse_frame(f->rec.f[1].text, &p);
	assert_string_equal(p.count, "050");
	assert_int_equal(p.nf, 2300);
	parsed_free(&p);
}

/* ---- tests: notices ---- */

static void test_reference_encryption(void **state)
{
	(void)state;
	/* kis-protocol §5.8: the H0STCNI0 ack line under key
	 * abcdefghijklmnopqrstuvwxyz012345 and iv 0123456789abcdef. */
	static const char key[] = "abcdefghijklmnopqrstuvwxyz012345", iv[] = "0123456789abcdef";
	static const char b64[] = "zmCjAqdYa5HhBNilnFYi0Gl/K5C0m8DXRS3yQ4zbjVrwR/lMGhiBcmJoqOmOf3eoYYC37tfcRY6FO/"
	                          "2YtxkDE1ohXzMnyTyGvQZC3OMipIJxyUnZ"
	                          "UK/kQykIRRyvRGGcIE6SyFfMsBi4xxEwJV2uJAFBX+/441W87A8Ybzf6L9M=";
	static const char plain[] = "myhtsid^1234567801^0000012345^0000000000^02^0^00^0^005930^10^71200^093015^0^1^1^"
	                            "06010^10^홍길동^0^1^Y^^^^삼성전자^71200";
	char out[1024];
	/* The test's decryption reads the reference's frame... */
	assert_int_equal(decrypt_b64(b64, key, iv, out, sizeof(out)), (int)strlen(plain));
	assert_string_equal(out, plain);
	/* ...and kis-sim's encryption writes it byte for byte. */
	size_t n = 0;
	assert_int_equal(simws_encrypt_b64(key, iv, plain, strlen(plain), out, sizeof(out), &n), KE_OK);
	assert_int_equal(n, strlen(b64));
	assert_string_equal(out, b64);
	assert_int_equal(simws_encrypt_b64(key, iv, plain, strlen(plain), out, 100, &n), KE_EINVAL);
}

static void split26(char *s, char **fields, int *nf)
{
	static char empty[] = "";
	for (int i = 0; i < 64; i++)
		fields[i] = empty;
	*nf = 0;
	fields[(*nf)++] = s;
	for (char *q = s; *q; q++)
		if (*q == '^') {
			*q = '\0';
			if (*nf < 64)
				fields[(*nf)++] = q + 1;
		}
}

static void test_notice(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	simws_open(f->ws, 2, W0);
	sub(f, 1, f->key0, "1", "H0STCNI9", "kissim01");
	char key[64], iv[64];
	ack_key_iv(f, key, iv);
	sub(f, 2, f->key1, "1", "H0STCNI9", "second");
	rec_clear(&f->rec);

	struct simvenue_notice n;
	memset(&n, 0, sizeof(n));
	n.kind = SIMVENUE_NOTICE_FILL;
	strcpy(n.cust_id, "kissim01");
	strcpy(n.acnt_no, "5000000001");
	strcpy(n.oder_no, "0000000007");
	strcpy(n.ooder_no, "0000000000");
	strcpy(n.seln_byov_cls, "02");
	strcpy(n.rctf_cls, "0");
	strcpy(n.oder_kind, "00");
	strcpy(n.oder_cond, "0");
	strcpy(n.stck_shrn_iscd, "005930");
	n.cntg_qty = 4;
	n.cntg_unpr = 71200;
	strcpy(n.stck_cntg_hour, "093016");
	strcpy(n.rfus_yn, "0");
	strcpy(n.cntg_yn, "2");
	strcpy(n.acpt_yn, "2");
	strcpy(n.brnc_no, "00950");
	n.oder_qty = 10;
	strcpy(n.acnt_name, "");
	strcpy(n.ord_exg_gb, "1");
	strcpy(n.cntg_isnm40, "삼성전자");
	n.oder_prc = 71300;
	simws_on_notice(f->ws, &n);
	assert_int_equal(f->rec.n, 0);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 1); /* session 2 ("second") gets none */
	assert_int_equal(last(f)->sess, 1);
	assert_memory_equal(last(f)->text, "1|H0STCNI9|001|", 15);
	assert_null(strchr(last(f)->text, '\n'));
	char plain[1024] = "";
	assert_true(decrypt_b64(last(f)->text + 15, key, iv, plain, sizeof(plain)) > 0);
	char *fl[64];
	int nf;
	split26(plain, fl, &nf);
	assert_int_equal(nf, 26);
	const char *want[26] = {"kissim01", "5000000001", "0000000007", "0000000000", "02",     "0", "00",
	                        "0",        "005930",     "4",          "71200",      "093016", "0", "2",
	                        "2",        "00950",      "10",         "",           "0",      "1", "Y",
	                        "",         "",           "",           "삼성전자",   "71300"};
	for (int i = 0; i < 26; i++)
		assert_string_equal(fl[i], want[i]);

	/* Through the venue: an order's receipt reaches the notice subscriber.
	 * Mock takes orders from 09:00; 10 x 71,200 fits 100,000,000 won. */
	rec_clear(&f->rec);
	struct simvenue_order_req q;
	memset(&q, 0, sizeof(q));
	strcpy(q.tr_id, "VTTC0012U");
	q.side = SIDE_BUY;
	strcpy(q.cano, "50000000");
	strcpy(q.acnt_prdt_cd, "01");
	strcpy(q.pdno, "005930");
	strcpy(q.ord_dvsn, "00");
	strcpy(q.ord_qty, "10");
	strcpy(q.ord_unpr, "71200");
	struct simvenue_result res;
	struct simvenue_order_ack ack;
	assert_int_equal(simvenue_place(f->venue, at("09:40:00"), &q, &res, &ack), KE_OK);
	assert_string_equal(res.rt_cd, "0");
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 1);
	assert_true(decrypt_b64(last(f)->text + 15, key, iv, plain, sizeof(plain)) > 0);
	split26(plain, fl, &nf);
	assert_int_equal(nf, 26);
	assert_string_equal(fl[0], "kissim01");
	assert_string_equal(fl[1], "5000000001");
	assert_string_equal(fl[2], ack.odno);
	assert_string_equal(fl[8], "005930");
	assert_string_equal(fl[9], "10");
	assert_string_equal(fl[10], "71200");
	assert_string_equal(fl[11], "094000");
	assert_string_equal(fl[13], "1"); /* CNTG_YN: an acknowledgement */
	assert_string_equal(fl[24], "삼성전자");

	/* Unsubscribed: no more notices. */
	sub(f, 1, f->key0, "2", "H0STCNI9", "kissim01");
	rec_clear(&f->rec);
	simws_on_notice(f->ws, &n);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 0);
}

/* ---- tests: PINGPONG, faults, closing ---- */

static void test_pingpong(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	simws_open(f->ws, 2, W0 + 5000);
	simws_on_timer(f->ws, W0 + 9999);
	assert_int_equal(f->rec.n, 0);
	/* W0 + 10 s = 09:12:54 KST. */
	simws_on_timer(f->ws, W0 + 10000);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(last(f)->sess, 1);
	static const char ping1[] = "{\"header\":{\"tr_id\":\"PINGPONG\",\"datetime\":\"20260302091254\"}}";
	assert_string_equal(last(f)->text, ping1);
	assert_true(strlen(ping1) <= 125);
	/* Session 1 echoes the text. */
	text(f, 1, ping1);
	assert_int_equal(f->rec.n, 1); /* no reply to an echo */
	/* Session 2's first ping, 10 s after it opened. */
	simws_on_timer(f->ws, W0 + 15000);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(last(f)->sess, 2);
	simws_on_pong(f->ws, 2, W0 + 15001);
	/* From now on neither answers. Session 1: pings at 20, 30, 40 s; the
	 * one at 20 s is unanswered 30 s later, at 50 s. Session 2: pings at
	 * 25, 35, 45 s; dropped at 55 s. */
	for (int64_t t = W0 + 20000; t < W0 + 50000; t += 5000)
		simws_on_timer(f->ws, t);
	assert_int_equal(f->rec.nclosed, 0);
	assert_int_equal(frames_of(f, 1, "{\"header\":{\"tr_id\":\"PINGPONG\""), 4);
	assert_int_equal(frames_of(f, 2, "{\"header\":{\"tr_id\":\"PINGPONG\""), 4);
	simws_on_timer(f->ws, W0 + 50000);
	assert_int_equal(f->rec.nclosed, 1);
	assert_int_equal(f->rec.closed[0], 1);
	assert_string_equal(f->rec.why[0], "PINGPONG timeout");
	simws_on_timer(f->ws, W0 + 55000);
	assert_int_equal(f->rec.nclosed, 2);
	assert_int_equal(f->rec.closed[1], 2);
	/* Closed sessions get no more pings. */
	int n = f->rec.n;
	simws_on_timer(f->ws, W0 + 70000);
	assert_int_equal(f->rec.n, n);
	simws_closed(f->ws, 1);
	simws_closed(f->ws, 2);
	cJSON *root = cJSON_CreateObject();
	simws_dump(f->ws, root);
	cJSON *ws = cJSON_GetObjectItemCaseSensitive(root, "websocket");
	cJSON *c = cJSON_GetObjectItemCaseSensitive(ws, "counters");
	/* 4 each: session 1 at 10, 20, 30, 40 s; session 2 at 15, 25, 35, 45 s */
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "pings")->valueint, 8);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "pongs")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "ping_timeouts")->valueint, 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ws, "sessions")), 0);
	cJSON_Delete(root);
}

static void test_pong_keeps_alive(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	/* Answering every ping with a PONG frame keeps the session for an hour. */
	for (int64_t t = W0 + 10000; t <= W0 + 3600000; t += 10000) {
		simws_on_timer(f->ws, t);
		simws_on_pong(f->ws, 1, t + 50);
	}
	assert_int_equal(f->rec.nclosed, 0);
	assert_int_equal(frames_of(f, 1, "{\"header\":{\"tr_id\":\"PINGPONG\""), 360);
}

static void test_garbage_and_reentrant_close(void **state)
{
	struct fx *f = *state;
	simws_open(f->ws, 1, W0);
	simws_open(f->ws, 2, W0);
	simws_open(f->ws, 3, W0);
	sub(f, 1, f->key0, "1", "H0STCNT0", "005930");
	sub(f, 3, f->key1, "1", "H0STCNT0", "005930");
	rec_clear(&f->rec);
	simws_send_garbage(f->ws);
	assert_int_equal(f->rec.n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(f->rec.f[i].text, "0|H0STCNT0|001|005930^09");
	/* The glue reports session 1 closed while a frame to it is sent: the
	 * flush goes on to session 3, and session 1 is gone afterwards. */
	rec_clear(&f->rec);
	tick(f, "09:30:15", 71200, 15, 71100, 71200);
	f->rec.close_on_send = 1;
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 2);
	assert_int_equal(f->rec.f[1].sess, 3);
	rec_clear(&f->rec);
	tick(f, "09:30:16", 71200, 15, 71100, 71200);
	simws_flush(f->ws);
	assert_int_equal(f->rec.n, 1);
	assert_int_equal(last(f)->sess, 3);
	/* Its id may be used again. */
	assert_int_equal(simws_open(f->ws, 1, W0), KE_OK);
	cJSON *root = cJSON_CreateObject();
	simws_dump(f->ws, root);
	cJSON *c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "websocket"), "counters");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "garbage")->valueint, 3);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(c, "records")->valueint, 3);
	cJSON_Delete(root);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_mock, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_subscribe_ack),
	    T(test_duplicate_and_unsubscribe),
	    T(test_max_registrations),
	    T(test_bad_approval),
	    T(test_second_session_same_app_key),
	    T(test_notice_tr_env),
	    T(test_malformed),
	    T(test_new_invalid),
	    T(test_tick_records),
	    T(test_tick_rule_and_days),
	    T(test_asp_records),
	    cmocka_unit_test(test_asp_62_and_limits),
	    T(test_frame_cap_and_late_symbol),
	    cmocka_unit_test(test_reference_encryption),
	    T(test_notice),
	    T(test_pingpong),
	    T(test_pong_keeps_alive),
	    T(test_garbage_and_reentrant_close),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
