/*
 * ws.c - kis-sim's WebSocket sessions: approval keys and the one session
 * per app key, subscribe / unsubscribe with KIS's acks and codes, the
 * 41-registration limit, PINGPONG keepalives and the state dump. Records,
 * notices and their queues are in ws_frames.c.
 *
 * Codes and texts (kis-protocol §5.2 and §6, and the OPSP table of KIS's
 * FAQ as third-party clients copy it): rt_cd "0" for OPSP0000/0001, "9" for
 * OPSP8996 and OPSP0011 (simauth's answer), "1" for every other refusal, as
 * captured replies to OPSP0002/0003/0008 show. docs/kis-sim.md lists which
 * check answers which code, in the order they are made.
 */
#include "ws_internal.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"

#define TR_CNT         "H0STCNT0"
#define TR_ASP         "H0STASP0"
#define TR_NOTICE_REAL "H0STCNI0"
#define TR_NOTICE_MOCK "H0STCNI9"

/* Echoed request strings are cut to this and kept printable ASCII, so a
 * reply is always valid UTF-8 whatever the client sent. */
#define ECHO_MAX 48

/* ---- configuration ---- */

void simws_config_default(struct simws_config *cfg, enum simacct_env env)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->env = env == SIMACCT_REAL ? SIMACCT_REAL : SIMACCT_MOCK;
	cfg->max_registrations = 41;
	cfg->ping_interval_ms = 10000;
	cfg->ping_timeout_ms = 30000;
	cfg->asp_fields = 59;
	cfg->frame_records = WS_FRAME_RECORDS;
	cfg->seed = 0;
}

static int config_ok(const struct simws_config *c)
{
	return (c->env == SIMACCT_MOCK || c->env == SIMACCT_REAL) && c->max_registrations >= 1 &&
	       c->max_registrations <= 10000 && c->ping_interval_ms > 0 && c->ping_timeout_ms > 0 &&
	       (c->asp_fields == 59 || c->asp_fields == 62) && c->frame_records >= 1 &&
	       c->frame_records <= WS_FRAME_RECORDS;
}

int simws_new(const struct simws_config *cfg, struct simauth *auth, struct simvenue *venue, struct simws_sink sink,
              struct simws **out)
{
	if (!out)
		return KE_EINVAL;
	*out = NULL;
	if (!cfg || !auth || !venue || !sink.send || !sink.close || !config_ok(cfg))
		return KE_EINVAL;
	struct simws *w = calloc(1, sizeof(*w));
	if (!w)
		return KE_ENOMEM;
	w->cfg = *cfg;
	w->auth = auth;
	w->venue = venue;
	w->sink = sink;
	*out = w;
	return KE_OK;
}

static void session_free(struct ws_session *s)
{
	if (!s)
		return;
	for (int i = 0; i < WS_TR_COUNT; i++)
		free(s->q[i].b.p);
	free(s->subs);
	free(s);
}

void simws_free(struct simws *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->nsess; i++)
		session_free(w->sess[i]);
	free(w->sess);
	free(w->acc);
	free(w->rec[0].p);
	free(w->rec[1].p);
	free(w);
}

/* ---- sessions ---- */

/* SplitMix64: the seed and a session's id and serial give its key and iv. */
static uint64_t mix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void make_key_iv(const struct simws *w, struct ws_session *s)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t st = w->cfg.seed ^ ((uint64_t)s->id * 0xD1B54A32D192ED03ULL) ^ (w->serial << 32);
	for (int i = 0; i < WS_KEY_LEN; i++)
		s->key[i] = alpha[mix64(&st) % 36];
	s->key[WS_KEY_LEN] = '\0';
	for (int i = 0; i < WS_IV_LEN; i++)
		s->iv[i] = alpha[mix64(&st) % 36];
	s->iv[WS_IV_LEN] = '\0';
}

static struct ws_session *find(const struct simws *w, int64_t id)
{
	for (int i = 0; i < w->nsess; i++)
		if (w->sess[i]->id == id && !w->sess[i]->dead)
			return w->sess[i];
	return NULL;
}

static void remove_at(struct simws *w, int i)
{
	session_free(w->sess[i]);
	memmove(&w->sess[i], &w->sess[i + 1], (size_t)(w->nsess - i - 1) * sizeof(struct ws_session *));
	w->nsess--;
}

void simws_enter(struct simws *w)
{
	w->depth++;
}

void simws_leave(struct simws *w)
{
	if (--w->depth > 0 || w->ndead == 0)
		return;
	for (int i = w->nsess - 1; i >= 0; i--)
		if (w->sess[i]->dead)
			remove_at(w, i);
	w->ndead = 0;
}

int simws_open(struct simws *w, int64_t session, int64_t wall_ms)
{
	if (!w)
		return KE_EINVAL;
	if (find(w, session))
		return KE_ESTATE;
	if (w->nsess == w->capsess) {
		int cap = w->capsess ? w->capsess * 2 : 8;
		struct ws_session **n = realloc(w->sess, (size_t)cap * sizeof(struct ws_session *));
		if (!n)
			return KE_ENOMEM;
		w->sess = n;
		w->capsess = cap;
	}
	struct ws_session *s = calloc(1, sizeof(*s));
	if (!s)
		return KE_ENOMEM;
	s->subs = calloc((size_t)w->cfg.max_registrations, sizeof(*s->subs));
	if (!s->subs) {
		free(s);
		return KE_ENOMEM;
	}
	s->id = session;
	s->acct = -1;
	s->next_ping = wall_ms + w->cfg.ping_interval_ms;
	w->serial++;
	make_key_iv(w, s);
	w->sess[w->nsess++] = s;
	return KE_OK;
}

void simws_closed(struct simws *w, int64_t session)
{
	if (!w)
		return;
	for (int i = 0; i < w->nsess; i++) {
		struct ws_session *s = w->sess[i];
		if (s->id != session || s->dead)
			continue;
		simws_drop_queues(w, s);
		if (w->depth > 0) {
			/* Inside a sink callback: a caller up the stack may hold s. */
			s->dead = 1;
			w->ndead++;
		} else {
			remove_at(w, i);
		}
		return;
	}
}

void simws_emit(struct simws *w, struct ws_session *s, const char *text, size_t len)
{
	w->n.frames++;
	s->frames++;
	w->sink.send(w->sink.ud, s->id, text, len);
}

static void close_session(struct simws *w, struct ws_session *s, const char *why)
{
	if (s->closing || s->dead)
		return;
	s->closing = 1;
	simws_drop_queues(w, s);
	w->n.drops++;
	w->sink.close(w->sink.ud, s->id, why);
}

/* ---- control replies ---- */

static void echo_copy(char *dst, const char *src)
{
	size_t n = 0;
	for (; src && src[n] && n < ECHO_MAX; n++) {
		unsigned char c = (unsigned char)src[n];
		dst[n] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[n] = '\0';
}

struct req {
	char tr_id[ECHO_MAX + 1];  /* as echoed: "(null)" when absent */
	char tr_key[ECHO_MAX + 1]; /* "" when absent */
	int encrypt;
};

static void reply(struct simws *w, struct ws_session *s, const struct req *r, const char *rt_cd, const char *msg_cd,
                  const char *msg1, int with_output)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *hdr = cJSON_AddObjectToObject(root, "header");
	cJSON *body = cJSON_AddObjectToObject(root, "body");
	int ok = root && hdr && body && cJSON_AddStringToObject(hdr, "tr_id", r->tr_id) &&
	         cJSON_AddStringToObject(hdr, "tr_key", r->tr_key) &&
	         cJSON_AddStringToObject(hdr, "encrypt", r->encrypt ? "Y" : "N") &&
	         cJSON_AddStringToObject(body, "rt_cd", rt_cd) && cJSON_AddStringToObject(body, "msg_cd", msg_cd) &&
	         cJSON_AddStringToObject(body, "msg1", msg1);
	if (ok && with_output) {
		cJSON *o = cJSON_AddObjectToObject(body, "output");
		ok = o && cJSON_AddStringToObject(o, "iv", s->iv) && cJSON_AddStringToObject(o, "key", s->key);
	}
	char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	w->n.replies++;
	if (strcmp(rt_cd, "0") != 0)
		w->n.errors++;
	if (!text) {
		/* Out of memory: the client sees no answer, as after a lost frame. */
		w->n.lost++;
		return;
	}
	simws_emit(w, s, text, strlen(text));
	cJSON_free(text);
}

static void refuse(struct simws *w, struct ws_session *s, const struct req *r, const char *msg_cd, const char *msg1)
{
	reply(w, s, r, "1", msg_cd, msg1, 0);
}

/* ---- subscribe / unsubscribe ---- */

static const char *str_item(const cJSON *obj, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static int parse_tr(const struct simws *w, const char *tr_id, enum ws_tr *tr)
{
	if (strcmp(tr_id, TR_CNT) == 0)
		*tr = WS_TR_CNT;
	else if (strcmp(tr_id, TR_ASP) == 0)
		*tr = WS_TR_ASP;
	else if (strcmp(tr_id, w->cfg.env == SIMACCT_REAL ? TR_NOTICE_REAL : TR_NOTICE_MOCK) == 0)
		*tr = WS_TR_NOTICE;
	else
		return KE_EINVAL; /* includes the other env's notice TR */
	return KE_OK;
}

static int symbol_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n >= KE_SYMBOL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return 0;
	}
	return 1;
}

static int find_sub(const struct ws_session *s, enum ws_tr tr, const char *key)
{
	for (int i = 0; i < s->nsubs; i++)
		if (s->subs[i].tr == tr && strcmp(s->subs[i].key, key) == 0)
			return i;
	return -1;
}

/* The first subscribe binds the session to the approval key's app key; a
 * second session on that app key is refused and closed (OPSP8996). Returns
 * 1 when the request may go on. */
static int bind_app_key(struct simws *w, struct ws_session *s, const struct req *r, const char *approval,
                        int64_t wall_ms)
{
	struct simauth_caller who;
	struct simauth_reply rep;
	if (simauth_approval_check(w->auth, approval, wall_ms, &who, &rep) != KE_OK) {
		reply(w, s, r, rep.rt_cd, rep.code, rep.message, 0);
		return 0;
	}
	if (s->acct >= 0 && s->acct != who.index) {
		/* One session, one app key: an approval key of another app key is
		 * not valid here (kis-sim's choice; KIS's answer is unknown). */
		reply(w, s, r, "9", "OPSP0011", "invalid approval : NOT FOUND", 0);
		return 0;
	}
	if (s->acct < 0) {
		for (int i = 0; i < w->nsess; i++) {
			const struct ws_session *o = w->sess[i];
			if (o != s && !o->dead && o->acct == who.index) {
				/* The captured reply names no TR (kis-protocol §5.2). */
				struct req none = {"(null)", "", 0};
				reply(w, s, &none, "9", "OPSP8996", "ALREADY IN USE appkey", 0);
				close_session(w, s, "ALREADY IN USE appkey");
				return 0;
			}
		}
		s->acct = who.index;
		snprintf(s->hts_id, sizeof(s->hts_id), "%s", who.acct ? who.acct->hts_id : "");
	}
	return 1;
}

static void subscribe(struct simws *w, struct ws_session *s, struct req *r, enum ws_tr tr, const char *key)
{
	int ok = tr == WS_TR_NOTICE ? s->hts_id[0] && strcmp(key, s->hts_id) == 0 : symbol_ok(key);
	if (!ok) {
		/* A notice TR for another HTS ID: KIS reportedly drops the
		 * connection without a close frame (§8); kis-sim answers instead. */
		refuse(w, s, r, "OPSP8992", "SUBSCRIBE ERROR : invalid tr_key");
		return;
	}
	if (find_sub(s, tr, key) >= 0) {
		refuse(w, s, r, "OPSP0002", "ALREADY IN SUBSCRIBE");
		return;
	}
	if (s->nsubs >= w->cfg.max_registrations) {
		refuse(w, s, r, "OPSP0008", "MAX SUBSCRIBE OVER");
		return;
	}
	struct ws_sub *u = &s->subs[s->nsubs++];
	u->tr = tr;
	snprintf(u->key, sizeof(u->key), "%s", key);
	u->sym = -1;
	int32_t id;
	if (tr != WS_TR_NOTICE && simvenue_symbol_find(w->venue, key, &id) == KE_OK)
		u->sym = id;
	reply(w, s, r, "0", "OPSP0000", "SUBSCRIBE SUCCESS", 1);
}

static void unsubscribe(struct simws *w, struct ws_session *s, struct req *r, enum ws_tr tr, const char *key)
{
	int i = find_sub(s, tr, key);
	if (i < 0) {
		refuse(w, s, r, "OPSP0003", "UNSUBSCRIBE ERROR(not found!)");
		return;
	}
	memmove(&s->subs[i], &s->subs[i + 1], (size_t)(s->nsubs - i - 1) * sizeof(*s->subs));
	s->nsubs--;
	reply(w, s, r, "0", "OPSP0001", "UNSUBSCRIBE SUCCESS", 1);
}

static void answer_ping(struct simws *w, struct ws_session *s)
{
	s->awaiting = 0;
	w->n.pongs++;
}

/* One client text frame. The checks run in the order docs/kis-sim.md lists. */
static void handle_text(struct simws *w, struct ws_session *s, cJSON *root, int64_t wall_ms)
{
	struct req r = {"(null)", "", 0};
	if (!cJSON_IsObject(root)) {
		refuse(w, s, &r, "OPSP9999", "JSON PARSING ERROR : invalid json format");
		return;
	}
	const cJSON *hdr = cJSON_GetObjectItemCaseSensitive(root, "header");
	const char *hdr_tr = cJSON_IsObject(hdr) ? str_item(hdr, "tr_id") : NULL;
	if (hdr_tr && strcmp(hdr_tr, "PINGPONG") == 0) {
		answer_ping(w, s); /* the text echo of our PINGPONG */
		return;
	}
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(root, "body");
	const cJSON *input = cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body, "input") : NULL;
	const char *tr_id = cJSON_IsObject(input) ? str_item(input, "tr_id") : NULL;
	const char *tr_key = cJSON_IsObject(input) ? str_item(input, "tr_key") : NULL;
	if (tr_id)
		echo_copy(r.tr_id, tr_id);
	if (tr_key)
		echo_copy(r.tr_key, tr_key);
	if (!cJSON_IsObject(hdr)) {
		refuse(w, s, &r, "OPSP9998", "JSON PARSING ERROR : header not found");
		return;
	}
	const char *approval = str_item(hdr, "approval_key");
	if (!approval) {
		refuse(w, s, &r, "OPSP9996", "JSON PARSING ERROR : appkey");
		return;
	}
	if (!bind_app_key(w, s, &r, approval, wall_ms))
		return;
	const char *custtype = str_item(hdr, "custtype");
	if (!custtype) {
		refuse(w, s, &r, "OPSP9997", "JSON PARSING ERROR : custtype not found");
		return;
	}
	if (strcmp(custtype, "P") != 0 && strcmp(custtype, "B") != 0) {
		refuse(w, s, &r, "OPSP8998", "JSON PARSING ERROR : invalid custtype");
		return;
	}
	const char *tr_type = str_item(hdr, "tr_type");
	if (!tr_type || (strcmp(tr_type, "1") != 0 && strcmp(tr_type, "2") != 0)) {
		refuse(w, s, &r, "OPSP8997", "JSON PARSING ERROR : invalid tr_type");
		return;
	}
	if (!cJSON_IsObject(body)) {
		refuse(w, s, &r, "OPSP9992", "JSON PARSING ERROR : body not found");
		return;
	}
	if (!cJSON_IsObject(input)) {
		refuse(w, s, &r, "OPSP9991", "JSON PARSING ERROR : input not found");
		return;
	}
	enum ws_tr tr = WS_TR_CNT;
	if (!tr_id || parse_tr(w, tr_id, &tr) != KE_OK) {
		refuse(w, s, &r, "OPSP8991", "SUBSCRIBE ERROR : invalid tr_id");
		return;
	}
	if (!tr_key) {
		refuse(w, s, &r, "OPSP9990", "JSON PARSING ERROR : tr_key not found");
		return;
	}
	r.encrypt = tr == WS_TR_NOTICE;
	if (tr_type[0] == '1')
		subscribe(w, s, &r, tr, tr_key);
	else
		unsubscribe(w, s, &r, tr, tr_key);
}

void simws_on_text(struct simws *w, int64_t session, const char *text, size_t len, int64_t wall_ms)
{
	if (!w)
		return;
	simws_enter(w);
	struct ws_session *s = find(w, session);
	if (simws_session_live(s)) {
		cJSON *root = text ? cJSON_ParseWithLength(text, len) : NULL;
		handle_text(w, s, root, wall_ms);
		cJSON_Delete(root);
	}
	simws_leave(w);
}

void simws_on_pong(struct simws *w, int64_t session, int64_t wall_ms)
{
	(void)wall_ms;
	if (!w)
		return;
	struct ws_session *s = find(w, session);
	if (simws_session_live(s))
		answer_ping(w, s);
}

/* ---- PINGPONG ---- */

void simws_on_timer(struct simws *w, int64_t wall_ms)
{
	if (!w)
		return;
	simws_enter(w);
	int32_t day = ktime_kst_day(wall_ms);
	int64_t tod = ktime_kst_ms_of_day(wall_ms) / 1000;
	char text[96];
	int len =
	    snprintf(text, sizeof(text), "{\"header\":{\"tr_id\":\"PINGPONG\",\"datetime\":\"%08d%02d%02d%02d\"}}",
	             (int)ktime_yyyymmdd(day), (int)(tod / 3600), (int)(tod / 60 % 60), (int)(tod % 60));
	for (int i = 0; i < w->nsess; i++) {
		struct ws_session *s = w->sess[i];
		if (!simws_session_live(s))
			continue;
		if (s->awaiting && wall_ms - s->ping_sent >= w->cfg.ping_timeout_ms) {
			w->n.timeouts++;
			close_session(w, s, "PINGPONG timeout");
			continue;
		}
		if (wall_ms < s->next_ping)
			continue;
		/* Timeouts count from the oldest unanswered ping. */
		if (!s->awaiting) {
			s->awaiting = 1;
			s->ping_sent = wall_ms;
		}
		s->next_ping += w->cfg.ping_interval_ms;
		if (s->next_ping <= wall_ms)
			s->next_ping = wall_ms + w->cfg.ping_interval_ms;
		w->n.pings++;
		if (len > 0 && (size_t)len < sizeof(text))
			simws_emit(w, s, text, (size_t)len);
	}
	simws_leave(w);
}

/* ---- faults ---- */

void simws_send_garbage(struct simws *w)
{
	static const char junk[] = "0|H0STCNT0|001|005930^09"; /* a record cut short */
	if (!w)
		return;
	simws_enter(w);
	for (int i = 0; i < w->nsess; i++) {
		if (!simws_session_live(w->sess[i]))
			continue;
		w->n.garbage++;
		simws_emit(w, w->sess[i], junk, sizeof(junk) - 1);
	}
	simws_leave(w);
}

/* ---- /_sim/state ---- */

static const char *tr_name(const struct simws *w, enum ws_tr tr)
{
	if (tr == WS_TR_CNT)
		return TR_CNT;
	if (tr == WS_TR_ASP)
		return TR_ASP;
	return w->cfg.env == SIMACCT_REAL ? TR_NOTICE_REAL : TR_NOTICE_MOCK;
}

static int add_num(cJSON *o, const char *k, double v)
{
	return cJSON_AddNumberToObject(o, k, v) != NULL;
}

static int dump_session(const struct simws *w, const struct ws_session *s, cJSON *sessions, cJSON *subs)
{
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddItemToArray(sessions, o)) {
		cJSON_Delete(o);
		return 0;
	}
	int ok = add_num(o, "id", (double)s->id) && add_num(o, "app_key_index", s->acct) &&
	         cJSON_AddStringToObject(o, "hts_id", s->hts_id) && add_num(o, "registrations", s->nsubs) &&
	         cJSON_AddBoolToObject(o, "closing", s->closing) &&
	         cJSON_AddBoolToObject(o, "awaiting_pong", s->awaiting) && add_num(o, "frames", (double)s->frames) &&
	         add_num(o, "records", (double)s->records) && add_num(o, "notices", (double)s->notices) &&
	         add_num(o, "queued_records", s->q[WS_TR_CNT].count + s->q[WS_TR_ASP].count) &&
	         add_num(o, "queued_notices", s->q[WS_TR_NOTICE].count);
	for (int i = 0; ok && i < s->nsubs; i++) {
		cJSON *u = cJSON_CreateObject();
		ok = u && cJSON_AddItemToArray(subs, u);
		if (!ok) {
			cJSON_Delete(u);
			break;
		}
		ok = add_num(u, "session", (double)s->id) &&
		     cJSON_AddStringToObject(u, "tr_id", tr_name(w, s->subs[i].tr)) &&
		     cJSON_AddStringToObject(u, "tr_key", s->subs[i].key);
	}
	return ok;
}

void simws_dump(const struct simws *w, struct cJSON *root)
{
	if (!w || !root)
		return;
	cJSON *ws = cJSON_CreateObject();
	if (!ws || !cJSON_AddItemToObject(root, "websocket", ws)) {
		cJSON_Delete(ws);
		return;
	}
	cJSON *sessions = cJSON_AddArrayToObject(ws, "sessions");
	cJSON *subs = cJSON_AddArrayToObject(ws, "subscriptions");
	cJSON *c = cJSON_AddObjectToObject(ws, "counters");
	if (!sessions || !subs || !c)
		return;
	for (int i = 0; i < w->nsess; i++)
		if (!w->sess[i]->dead && !dump_session(w, w->sess[i], sessions, subs))
			return;
	const struct ws_counters *n = &w->n;
	(void)(add_num(c, "frames_sent", (double)n->frames) && add_num(c, "replies", (double)n->replies) &&
	       add_num(c, "errors", (double)n->errors) && add_num(c, "data_frames", (double)n->data_frames) &&
	       add_num(c, "records", (double)n->records) && add_num(c, "notices", (double)n->notices) &&
	       add_num(c, "pings", (double)n->pings) && add_num(c, "pongs", (double)n->pongs) &&
	       add_num(c, "ping_timeouts", (double)n->timeouts) && add_num(c, "drops", (double)n->drops) &&
	       add_num(c, "garbage", (double)n->garbage) && add_num(c, "lost", (double)n->lost));
}

int simws_registrations(const struct simws *w)
{
	int n = 0;
	for (int i = 0; i < w->nsess; i++)
		if (w->sess[i] && !w->sess[i]->closing && !w->sess[i]->dead)
			n += w->sess[i]->nsubs;
	return n;
}
