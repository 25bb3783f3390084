/*
 * fault.c - kis-sim's fault injection: settings from JSON, decisions from a
 * seeded generator, counters of what fired.
 *
 * The module only decides; the glue breaks things. Two rules keep a
 * reliability test reproducible bit for bit: the generator is the module's
 * own (krng.h: xoshiro256** seeded by splitmix64), never rand(), and every configure
 * restarts it from the seed, so a test that POSTs its faults first sees the
 * same decisions whatever ran before it on the same server.
 *
 * A bad document changes nothing: it is parsed into a scratch settings
 * struct that replaces the live one only when every key checked out.
 */
#include "simfault.h"

#include "krng.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktime.h"

/* A faults file is a few hundred bytes; a megabyte is something else. */
#define FAULT_FILE_MAX (1024 * 1024)
#define MAX_PATHS      32
#define MAX_PATH_LEN   256
/* Largest integer a JSON number (an IEEE double in cJSON) holds exactly. */
#define JSON_INT_MAX 9007199254740992.0

/* Priority order: a request never answered is hidden from the client
 * entirely, so both unanswered faults outrank the answered failures; of
 * the two, the one that leaves no trace anywhere (lost_request) goes first,
 * so a test asking for it gets it whatever else it switched on. */
enum { RF_LOST_REQUEST, RF_NO_ANSWER, RF_HTTP500, RF_EGW00201, RF_COUNT };
static const char *const rf_name[RF_COUNT] = {"lost_request", "no_answer", "http500", "egw00201"};
static const enum simfault_rest rf_kind[RF_COUNT] = {SIMFAULT_LOST_REQUEST, SIMFAULT_NO_ANSWER, SIMFAULT_HTTP500,
                                                     SIMFAULT_EGW00201};

struct restfault {
	double probability;
	uint64_t next;
	int npaths; /* 0: the default, every /uapi/ path */
	char **paths;
};

struct settings {
	int64_t delay_ms;
	struct restfault rf[RF_COUNT];
	uint64_t drop_after_frames;
	int has_drop_at;
	int64_t drop_at;
	uint64_t garbage_every;
	uint64_t malformed_json_next;
	int expire_now;
};

struct simfault {
	uint64_t seed;
	struct krng rng;
	struct settings set;
	/* What is left of the "next" counts and one-shot faults. */
	uint64_t next_left[RF_COUNT];
	uint64_t bad_json_left;
	int expire_pending;
	/* drop_at: fired at the first frame at or after it; every session
	 * with an id up to horizon (ids only grow) was connected then. */
	int drop_at_fired;
	int64_t drop_at_horizon;
	int64_t max_session;
	/* garbage_every counts from the first frame count seen after a configure. */
	int garbage_based;
	uint64_t garbage_base, garbage_last, garbage_fired;
	/* Sessions already dropped, so each is dropped (and counted) once. */
	int64_t *dropped;
	size_t ndropped, capdropped;
	struct simfault_counters c;
};

/* ---- the generator ---- */

/* Probabilities 0 and 1 take no draw, so switching one fault fully on or
 * off does not shift the decisions of the others. */
static int chance(struct simfault *f, double p)
{
	if (p <= 0.0)
		return 0;
	if (p >= 1.0)
		return 1;
	double u = krng_unit(&f->rng);
	return u < p;
}

/* ---- settings ---- */

static void settings_clear(struct settings *s)
{
	for (int i = 0; i < RF_COUNT; i++) {
		for (int j = 0; j < s->rf[i].npaths; j++)
			free(s->rf[i].paths[j]);
		free(s->rf[i].paths);
	}
	memset(s, 0, sizeof(*s));
}

struct parser {
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, const char *key, const char *fmt, ...)
{
	if (ps->err == NULL || ps->errlen == 0)
		return KE_EINVAL;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key != NULL)
		snprintf(ps->err, ps->errlen, "%s: %s", key, msg);
	else
		snprintf(ps->err, ps->errlen, "%s", msg);
	return KE_EINVAL;
}

/* Refuses keys other than allowed[] and repeated keys (cJSON keeps both
 * copies and lookups see only the first, so one value would be ignored). */
static int check_keys(struct parser *ps, const cJSON *obj, const char *where, const char *const *allowed,
                      size_t nallowed)
{
	for (const cJSON *c = obj->child; c != NULL; c = c->next) {
		size_t k = 0;
		while (k < nallowed && strcmp(c->string, allowed[k]) != 0)
			k++;
		char key[160];
		snprintf(key, sizeof(key), "%s%s%.100s", where, where[0] ? "." : "", c->string);
		if (k == nallowed)
			return fail(ps, key, "unknown key");
		for (const cJSON *d = obj->child; d != c; d = d->next)
			if (strcmp(d->string, c->string) == 0)
				return fail(ps, key, "key given twice");
	}
	return KE_OK;
}

/* A whole JSON number in [0, 2^53]; absent leaves *out alone. */
static int get_count(struct parser *ps, const cJSON *obj, const char *name, const char *key, uint64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (v == NULL)
		return KE_OK;
	if (!cJSON_IsNumber(v))
		return fail(ps, key, "must be a number");
	double d = v->valuedouble;
	if (!(d >= 0.0) || d > JSON_INT_MAX || (double)(int64_t)d != d)
		return fail(ps, key, "must be a whole number >= 0");
	*out = (uint64_t)d;
	return KE_OK;
}

static int get_object(struct parser *ps, const cJSON *obj, const char *name, const char *key, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	*out = NULL;
	if (v == NULL)
		return KE_OK;
	if (!cJSON_IsObject(v))
		return fail(ps, key, "must be an object");
	*out = v;
	return KE_OK;
}

static int parse_paths(struct parser *ps, const cJSON *v, const char *key, struct restfault *rf)
{
	if (!cJSON_IsArray(v))
		return fail(ps, key, "must be an array of path prefixes");
	int n = cJSON_GetArraySize(v);
	/* An empty list would silently disable the fault; leaving the key
	 * out is how to say "every /uapi/ path". */
	if (n == 0)
		return fail(ps, key, "must not be empty (leave it out for every /uapi/ path)");
	if (n > MAX_PATHS)
		return fail(ps, key, "more than %d paths", MAX_PATHS);
	rf->paths = calloc((size_t)n, sizeof(*rf->paths));
	if (rf->paths == NULL) {
		fail(ps, key, "out of memory");
		return KE_ENOMEM;
	}
	int i = 0;
	for (const cJSON *p = v->child; p != NULL; p = p->next, i++) {
		char ikey[200];
		snprintf(ikey, sizeof(ikey), "%.150s[%d]", key, i);
		if (!cJSON_IsString(p))
			return fail(ps, ikey, "must be a string");
		size_t len = strlen(p->valuestring);
		if (len == 0 || p->valuestring[0] != '/')
			return fail(ps, ikey, "must start with '/'");
		if (len >= MAX_PATH_LEN)
			return fail(ps, ikey, "longer than %d characters", MAX_PATH_LEN - 1);
		rf->paths[i] = malloc(len + 1);
		if (rf->paths[i] == NULL) {
			fail(ps, key, "out of memory");
			return KE_ENOMEM;
		}
		memcpy(rf->paths[i], p->valuestring, len + 1);
		rf->npaths = i + 1;
	}
	return KE_OK;
}

static int parse_restfault(struct parser *ps, const cJSON *obj, int which, struct restfault *rf)
{
	static const char *const keys[] = {"probability", "next", "paths"};
	char where[32], key[64];
	snprintf(where, sizeof(where), "rest.%s", rf_name[which]);
	int rc = check_keys(ps, obj, where, keys, KE_ARRAY_LEN(keys));
	if (rc != KE_OK)
		return rc;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "probability");
	if (p != NULL) {
		snprintf(key, sizeof(key), "%s.probability", where);
		if (!cJSON_IsNumber(p) || !(p->valuedouble >= 0.0 && p->valuedouble <= 1.0))
			return fail(ps, key, "must be a number from 0 to 1");
		rf->probability = p->valuedouble;
	}
	snprintf(key, sizeof(key), "%s.next", where);
	if ((rc = get_count(ps, obj, "next", key, &rf->next)) != KE_OK)
		return rc;
	const cJSON *paths = cJSON_GetObjectItemCaseSensitive(obj, "paths");
	snprintf(key, sizeof(key), "%s.paths", where);
	return paths != NULL ? parse_paths(ps, paths, key, rf) : KE_OK;
}

static int parse_rest(struct parser *ps, const cJSON *rest, struct settings *s)
{
	static const char *const keys[] = {"delay_ms", "http500", "egw00201", "no_answer", "lost_request"};
	int rc = check_keys(ps, rest, "rest", keys, KE_ARRAY_LEN(keys));
	if (rc != KE_OK)
		return rc;
	uint64_t delay = 0;
	if ((rc = get_count(ps, rest, "delay_ms", "rest.delay_ms", &delay)) != KE_OK)
		return rc;
	s->delay_ms = (int64_t)delay;
	for (int i = 0; i < RF_COUNT; i++) {
		char key[32];
		const cJSON *o;
		snprintf(key, sizeof(key), "rest.%s", rf_name[i]);
		if ((rc = get_object(ps, rest, rf_name[i], key, &o)) != KE_OK)
			return rc;
		if (o != NULL && (rc = parse_restfault(ps, o, i, &s->rf[i])) != KE_OK)
			return rc;
	}
	return KE_OK;
}

/* "YYYY-MM-DDTHH:MM" (seconds added) or anything longer ktime_parse_iso
 * takes; a bare date is refused, since no time of day is obvious for it. */
static int parse_time(const char *t, int64_t *out)
{
	size_t n = strlen(t);
	if (n == 16) {
		char buf[20];
		memcpy(buf, t, 16);
		memcpy(buf + 16, ":00", 4);
		return ktime_parse_iso(buf, 19, 0, out);
	}
	if (n < 19)
		return KE_EINVAL;
	return ktime_parse_iso(t, n, 0, out);
}

static int parse_ws(struct parser *ps, const cJSON *ws, struct settings *s)
{
	static const char *const keys[] = {"drop_after_frames", "drop_at", "garbage_every", "malformed_json_next"};
	int rc = check_keys(ps, ws, "ws", keys, KE_ARRAY_LEN(keys));
	if (rc != KE_OK)
		return rc;
	if ((rc = get_count(ps, ws, "drop_after_frames", "ws.drop_after_frames", &s->drop_after_frames)) != KE_OK ||
	    (rc = get_count(ps, ws, "garbage_every", "ws.garbage_every", &s->garbage_every)) != KE_OK ||
	    (rc = get_count(ps, ws, "malformed_json_next", "ws.malformed_json_next", &s->malformed_json_next)) != KE_OK)
		return rc;
	/* null is accepted so that the dumped settings can be posted back. */
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(ws, "drop_at");
	if (at != NULL && !cJSON_IsNull(at)) {
		if (!cJSON_IsString(at) || parse_time(at->valuestring, &s->drop_at) != KE_OK)
			return fail(ps, "ws.drop_at", "must be a KST time \"YYYY-MM-DDTHH:MM[:SS]\"");
		s->has_drop_at = 1;
	}
	return KE_OK;
}

static int parse_root(struct parser *ps, const cJSON *root, struct settings *s)
{
	static const char *const keys[] = {"rest", "ws", "tokens"};
	if (!cJSON_IsObject(root))
		return fail(ps, NULL, "the document must be a JSON object");
	int rc = check_keys(ps, root, "", keys, KE_ARRAY_LEN(keys));
	if (rc != KE_OK)
		return rc;
	const cJSON *o;
	if ((rc = get_object(ps, root, "rest", "rest", &o)) != KE_OK)
		return rc;
	if (o != NULL && (rc = parse_rest(ps, o, s)) != KE_OK)
		return rc;
	if ((rc = get_object(ps, root, "ws", "ws", &o)) != KE_OK)
		return rc;
	if (o != NULL && (rc = parse_ws(ps, o, s)) != KE_OK)
		return rc;
	if ((rc = get_object(ps, root, "tokens", "tokens", &o)) != KE_OK)
		return rc;
	if (o == NULL)
		return KE_OK;
	static const char *const tkeys[] = {"expire_now"};
	if ((rc = check_keys(ps, o, "tokens", tkeys, KE_ARRAY_LEN(tkeys))) != KE_OK)
		return rc;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "expire_now");
	if (e != NULL) {
		if (!cJSON_IsBool(e))
			return fail(ps, "tokens.expire_now", "must be true or false");
		s->expire_now = cJSON_IsTrue(e);
	}
	return KE_OK;
}

/* ---- life cycle and configuration ---- */

int simfault_new(uint64_t seed, struct simfault **out)
{
	if (out == NULL)
		return KE_EINVAL;
	struct simfault *f = calloc(1, sizeof(*f));
	*out = f;
	if (f == NULL)
		return KE_ENOMEM;
	f->seed = seed;
	f->max_session = INT64_MIN;
	krng_seed(&f->rng, f->seed);
	return KE_OK;
}

void simfault_free(struct simfault *f)
{
	if (f == NULL)
		return;
	settings_clear(&f->set);
	free(f->dropped);
	free(f);
}

/* The new settings take effect as a whole: counts re-armed, one-shots
 * pending, the generator back at the seed. Counters and the record of
 * sessions already dropped stay. */
static void install(struct simfault *f, struct settings *s)
{
	settings_clear(&f->set);
	f->set = *s;
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < RF_COUNT; i++)
		f->next_left[i] = f->set.rf[i].next;
	f->bad_json_left = f->set.malformed_json_next;
	f->expire_pending = f->set.expire_now;
	f->drop_at_fired = 0;
	f->drop_at_horizon = INT64_MIN;
	f->garbage_based = 0;
	f->garbage_base = f->garbage_last = f->garbage_fired = 0;
	krng_seed(&f->rng, f->seed);
}

int simfault_configure(struct simfault *f, const char *json, size_t len, char *err, size_t errlen)
{
	struct parser ps = {err, errlen};
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (f == NULL || json == NULL)
		return fail(&ps, NULL, "no fault state or no document");
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root == NULL) {
		size_t at = end != NULL && end >= json && end <= json + len ? (size_t)(end - json) : 0;
		return fail(&ps, NULL, "not valid JSON (at byte %zu)", at);
	}
	/* cJSON stops after the first value; anything but spaces after it
	 * means the document is not what the sender thinks it is. */
	for (const char *p = end; p != NULL && p < json + len; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			cJSON_Delete(root);
			return fail(&ps, NULL, "not valid JSON (text after the object at byte %zu)",
			            (size_t)(p - json));
		}
	struct settings s;
	memset(&s, 0, sizeof(s));
	int rc = parse_root(&ps, root, &s);
	cJSON_Delete(root);
	if (rc != KE_OK) {
		settings_clear(&s);
		return rc;
	}
	install(f, &s);
	return KE_OK;
}

int simfault_load(struct simfault *f, const char *path, char *err, size_t errlen)
{
	struct parser ps = {err, errlen};
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (f == NULL || path == NULL)
		return fail(&ps, NULL, "no fault state or no file");
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		int e = errno;
		fail(&ps, path, "cannot open: %s", strerror(e));
		return e == ENOENT ? KE_ENOENT : KE_EIO;
	}
	/* One byte more than the limit tells a file too large from one at it. */
	char *buf = malloc(FAULT_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		fail(&ps, path, "out of memory");
		return KE_ENOMEM;
	}
	size_t n = fread(buf, 1, FAULT_FILE_MAX + 1, fp);
	int rd_err = ferror(fp);
	fclose(fp);
	int rc;
	if (rd_err) {
		rc = KE_EIO;
		fail(&ps, path, "read error");
	} else if (n > FAULT_FILE_MAX) {
		rc = fail(&ps, path, "larger than %d bytes: not a faults file", FAULT_FILE_MAX);
	} else {
		char msg[320];
		rc = simfault_configure(f, buf, n, msg, sizeof(msg));
		if (rc != KE_OK)
			fail(&ps, path, "%s", msg);
	}
	free(buf);
	return rc;
}

/* ---- decisions ---- */

static int path_matches(const struct restfault *rf, const char *path)
{
	if (rf->npaths == 0)
		return strncmp(path, "/uapi/", 6) == 0;
	for (int i = 0; i < rf->npaths; i++)
		if (strncmp(path, rf->paths[i], strlen(rf->paths[i])) == 0)
			return 1;
	return 0;
}

enum simfault_rest simfault_rest(struct simfault *f, const char *path, int64_t *delay_ms)
{
	if (delay_ms != NULL)
		*delay_ms = 0;
	/* kis-sim's own endpoints are never broken: a fault on "/" must not
	 * stop the test from posting the faults away again. */
	if (f == NULL || path == NULL || strncmp(path, "/_sim/", 6) == 0)
		return SIMFAULT_NONE;
	if (f->set.delay_ms > 0 && strncmp(path, "/uapi/", 6) == 0) {
		if (delay_ms != NULL)
			*delay_ms = f->set.delay_ms;
		f->c.delayed++;
	}
	int match[RF_COUNT];
	for (int i = 0; i < RF_COUNT; i++)
		match[i] = path_matches(&f->set.rf[i], path);
	int fired = -1;
	for (int i = 0; i < RF_COUNT && fired < 0; i++)
		if (match[i] && f->next_left[i] > 0) {
			f->next_left[i]--;
			fired = i;
		}
	for (int i = 0; i < RF_COUNT && fired < 0; i++)
		if (match[i] && chance(f, f->set.rf[i].probability))
			fired = i;
	if (fired < 0)
		return SIMFAULT_NONE;
	switch (fired) {
	case RF_LOST_REQUEST: f->c.lost_request++; break;
	case RF_NO_ANSWER: f->c.no_answer++; break;
	case RF_HTTP500: f->c.http500++; break;
	default: f->c.egw00201++; break;
	}
	return rf_kind[fired];
}

static int was_dropped(const struct simfault *f, int64_t session)
{
	/* Newest first: the session asked about is usually a recent one. */
	for (size_t i = f->ndropped; i-- > 0;)
		if (f->dropped[i] == session)
			return 1;
	return 0;
}

static void mark_dropped(struct simfault *f, int64_t session)
{
	f->c.ws_dropped++;
	if (f->ndropped == f->capdropped) {
		size_t cap = f->capdropped ? f->capdropped * 2 : 16;
		int64_t *d = realloc(f->dropped, cap * sizeof(*d));
		/* Without room the session is still dropped; asked about again,
		 * it would merely be counted twice. */
		if (d == NULL)
			return;
		f->dropped = d;
		f->capdropped = cap;
	}
	f->dropped[f->ndropped++] = session;
}

int simfault_ws_drop(struct simfault *f, int64_t session, uint64_t frames_sent, int64_t market_ms)
{
	if (f == NULL)
		return 0;
	if (session > f->max_session)
		f->max_session = session;
	int due = f->set.drop_after_frames > 0 && frames_sent >= f->set.drop_after_frames;
	if (f->set.has_drop_at) {
		if (!f->drop_at_fired && market_ms >= f->set.drop_at) {
			f->drop_at_fired = 1;
			f->drop_at_horizon = f->max_session;
		}
		if (f->drop_at_fired && session <= f->drop_at_horizon)
			due = 1;
	}
	if (!due || was_dropped(f, session))
		return 0;
	mark_dropped(f, session);
	return 1;
}

int simfault_ws_garbage(struct simfault *f, uint64_t frames_sent)
{
	if (f == NULL || f->set.garbage_every == 0)
		return 0;
	/* A count that went back is a new count (the glue restarted it). */
	if (!f->garbage_based || frames_sent < f->garbage_last) {
		f->garbage_based = 1;
		f->garbage_base = frames_sent;
		f->garbage_fired = 0;
	}
	f->garbage_last = frames_sent;
	uint64_t due = (frames_sent - f->garbage_base) / f->set.garbage_every;
	if (due <= f->garbage_fired)
		return 0;
	f->garbage_fired = due;
	f->c.ws_garbage++;
	return 1;
}

int simfault_ws_bad_json(struct simfault *f)
{
	if (f == NULL || f->bad_json_left == 0)
		return 0;
	f->bad_json_left--;
	f->c.ws_bad_json++;
	return 1;
}

int simfault_tokens_expire(struct simfault *f)
{
	if (f == NULL || !f->expire_pending)
		return 0;
	f->expire_pending = 0;
	f->c.tokens_expired++;
	return 1;
}

void simfault_counters(const struct simfault *f, struct simfault_counters *out)
{
	if (out == NULL)
		return;
	if (f == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = f->c;
}

/* ---- the dump ---- */

/* Every key, defaults included, in the input's shape: what is dumped can
 * be posted back to /_sim/faults and means the same. */
static cJSON *settings_json(const struct settings *s)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *rest = cJSON_AddObjectToObject(root, "rest");
	cJSON *ws = cJSON_AddObjectToObject(root, "ws");
	cJSON *tok = cJSON_AddObjectToObject(root, "tokens");
	if (rest == NULL || ws == NULL || tok == NULL)
		goto oom;
	if (!cJSON_AddNumberToObject(rest, "delay_ms", (double)s->delay_ms))
		goto oom;
	/* In the header's order rather than priority order. */
	static const int order[] = {RF_HTTP500, RF_EGW00201, RF_NO_ANSWER, RF_LOST_REQUEST};
	for (size_t k = 0; k < KE_ARRAY_LEN(order); k++) {
		const struct restfault *rf = &s->rf[order[k]];
		cJSON *o = cJSON_AddObjectToObject(rest, rf_name[order[k]]);
		if (o == NULL || !cJSON_AddNumberToObject(o, "probability", rf->probability) ||
		    !cJSON_AddNumberToObject(o, "next", (double)rf->next))
			goto oom;
		cJSON *paths = cJSON_AddArrayToObject(o, "paths");
		if (paths == NULL)
			goto oom;
		for (int i = 0; i < (rf->npaths ? rf->npaths : 1); i++) {
			cJSON *str = cJSON_CreateString(rf->npaths ? rf->paths[i] : "/uapi/");
			if (str == NULL || !cJSON_AddItemToArray(paths, str)) {
				cJSON_Delete(str);
				goto oom;
			}
		}
	}
	if (!cJSON_AddNumberToObject(ws, "drop_after_frames", (double)s->drop_after_frames))
		goto oom;
	if (s->has_drop_at) {
		/* "2026-03-02T10:00:00.000+09:00" cut to the KST local time,
		 * milliseconds kept only when there are some. */
		char t[32];
		ktime_format_iso(s->drop_at, t, sizeof(t));
		t[strcmp(t + 20, "000+09:00") == 0 ? 19 : 23] = '\0';
		if (!cJSON_AddStringToObject(ws, "drop_at", t))
			goto oom;
	} else if (!cJSON_AddNullToObject(ws, "drop_at")) {
		goto oom;
	}
	if (!cJSON_AddNumberToObject(ws, "garbage_every", (double)s->garbage_every) ||
	    !cJSON_AddNumberToObject(ws, "malformed_json_next", (double)s->malformed_json_next) ||
	    !cJSON_AddBoolToObject(tok, "expire_now", s->expire_now))
		goto oom;
	return root;
oom:
	cJSON_Delete(root);
	return NULL;
}

void simfault_dump(const struct simfault *f, struct cJSON *root)
{
	if (f == NULL || root == NULL)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON *set = settings_json(&f->set);
	if (o == NULL || set == NULL || !cJSON_AddItemToObject(o, "settings", set)) {
		cJSON_Delete(set);
		cJSON_Delete(o);
		return;
	}
	const struct simfault_counters *c = &f->c;
	const struct {
		const char *name;
		uint64_t v;
	} cnt[] = {
	    {"delayed", c->delayed},       {"http500", c->http500},           {"egw00201", c->egw00201},
	    {"no_answer", c->no_answer},   {"lost_request", c->lost_request}, {"ws_dropped", c->ws_dropped},
	    {"ws_garbage", c->ws_garbage}, {"ws_bad_json", c->ws_bad_json},   {"tokens_expired", c->tokens_expired}};
	cJSON *co = cJSON_AddObjectToObject(o, "counters");
	cJSON *pend = cJSON_AddObjectToObject(o, "pending");
	int ok = co != NULL && pend != NULL;
	for (size_t i = 0; ok && i < KE_ARRAY_LEN(cnt); i++)
		ok = cJSON_AddNumberToObject(co, cnt[i].name, (double)cnt[i].v) != NULL;
	/* What is left of the one-shot faults, so a test can tell "not yet
	 * fired" from "fired and answered". */
	ok = ok && cJSON_AddNumberToObject(pend, "http500_next", (double)f->next_left[RF_HTTP500]) &&
	     cJSON_AddNumberToObject(pend, "egw00201_next", (double)f->next_left[RF_EGW00201]) &&
	     cJSON_AddNumberToObject(pend, "no_answer_next", (double)f->next_left[RF_NO_ANSWER]) &&
	     cJSON_AddNumberToObject(pend, "lost_request_next", (double)f->next_left[RF_LOST_REQUEST]) &&
	     cJSON_AddNumberToObject(pend, "malformed_json_next", (double)f->bad_json_left) &&
	     cJSON_AddBoolToObject(pend, "drop_at", f->set.has_drop_at && !f->drop_at_fired) &&
	     cJSON_AddBoolToObject(pend, "expire_now", f->expire_pending);
	if (!ok || !cJSON_AddItemToObject(root, "faults", o))
		cJSON_Delete(o);
}
