/*
 * accounts.c - kis-sim's accounts: the built-in test account and the
 * accounts file reader.
 *
 * The file is small and hand-written, so the reader is strict: every field
 * is checked, unknown and repeated keys are refused, and every message names
 * the file and the field (accounts[1].holdings[0].qty) so a typo is found
 * at once instead of surfacing as a puzzling login failure later.
 *
 * Fields of an account: app_key, app_secret, hts_id, account, cash
 * (required); env (default "both") and holdings (default none).
 */
#include "simacct.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An accounts file holds at most 16 accounts of 64 holdings: anything near
 * a megabyte is not an accounts file. */
#define ACCT_FILE_MAX (1024 * 1024)

/* Largest integer a JSON number (an IEEE double in cJSON) holds exactly. */
#define JSON_INT_MAX 9007199254740992.0

/*
 * The built-in test account. These are test credentials, not secrets:
 * docs/kis-sim.md prints them so tests and users can log in with them.
 *   app_key    PSkisSimDefaultTestAppKey00000000001            (36 chars, like KIS)
 *   app_secret "KisSimDefault/TestOnly+NotASecret" repeated,   (180 chars, like KIS)
 *              cut to 176 characters, then "0180"
 *   hts_id     kissim01
 *   account    50000000-01, env both (mock and real)
 *   cash       100,000,000 KRW, no holdings
 */
#define DEFAULT_APP_KEY "PSkisSimDefaultTestAppKey00000000001"
#define DEFAULT_APP_SECRET                                                                                             \
	"KisSimDefault/TestOnly+NotASecretKisSimDefault/TestOnly+NotA"                                                 \
	"SecretKisSimDefault/TestOnly+NotASecretKisSimDefault/TestOnl"                                                 \
	"y+NotASecretKisSimDefault/TestOnly+NotASecretKisSimDefau0180"

_Static_assert(sizeof(DEFAULT_APP_KEY) - 1 == 36, "KIS app keys are 36 characters");
_Static_assert(sizeof(DEFAULT_APP_SECRET) - 1 == 180, "KIS app secrets are 180 characters");

void simacct_default(struct simacct_list *out)
{
	memset(out, 0, sizeof(*out));
	struct simacct_account *a = &out->acct[0];
	memcpy(a->app_key, DEFAULT_APP_KEY, sizeof(DEFAULT_APP_KEY));
	memcpy(a->app_secret, DEFAULT_APP_SECRET, sizeof(DEFAULT_APP_SECRET));
	memcpy(a->hts_id, "kissim01", sizeof("kissim01"));
	memcpy(a->cano, "50000000", 9);
	memcpy(a->prdt, "01", 3);
	a->env = SIMACCT_BOTH;
	a->cash = 100000000;
	a->nholdings = 0;
	out->n = 1;
}

const struct simacct_account *simacct_by_key(const struct simacct_list *l, const char *app_key, enum simacct_env env)
{
	if (l == NULL || app_key == NULL)
		return NULL;
	for (int i = 0; i < l->n; i++) {
		const struct simacct_account *a = &l->acct[i];
		if (((unsigned)a->env & (unsigned)env) != 0 && strcmp(a->app_key, app_key) == 0)
			return a;
	}
	return NULL;
}

/* ---- the file reader ---- */

struct loader {
	const char *path;
	char *err;
	size_t errlen;
};

static int fail(struct loader *ld, int code, const char *field, const char *fmt, ...)
{
	if (ld->err == NULL || ld->errlen == 0)
		return code;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (field != NULL && field[0] != '\0')
		snprintf(ld->err, ld->errlen, "%s: %s: %s", ld->path, field, msg);
	else
		snprintf(ld->err, ld->errlen, "%s: %s", ld->path, msg);
	return code;
}

/* Refuses keys other than allowed[] and keys given twice: cJSON keeps both
 * copies of a repeated key and lookups see only the first, so a repeated
 * "cash" would silently ignore one of the values. */
static int check_keys(struct loader *ld, const cJSON *obj, const char *where, const char *const *allowed,
                      size_t nallowed)
{
	for (const cJSON *c = obj->child; c != NULL; c = c->next) {
		size_t k = 0;
		while (k < nallowed && strcmp(c->string, allowed[k]) != 0)
			k++;
		char field[256];
		snprintf(field, sizeof(field), "%s%s%s", where, where[0] ? "." : "", c->string);
		if (k == nallowed)
			return fail(ld, KE_EINVAL, field, "unknown key");
		for (const cJSON *d = obj->child; d != c; d = d->next)
			if (strcmp(d->string, c->string) == 0)
				return fail(ld, KE_EINVAL, field, "key given twice");
	}
	return KE_OK;
}

/* Credentials travel in HTTP headers and JSON bodies: printable ASCII with
 * no spaces keeps them intact in both. */
static int get_token_string(struct loader *ld, const cJSON *obj, const char *key, const char *field, char *dst,
                            size_t cap)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL)
		return fail(ld, KE_EINVAL, field, "missing");
	if (!cJSON_IsString(v))
		return fail(ld, KE_EINVAL, field, "must be a string");
	size_t n = strlen(v->valuestring);
	if (n == 0)
		return fail(ld, KE_EINVAL, field, "must not be empty");
	if (n >= cap)
		return fail(ld, KE_EINVAL, field, "longer than %zu characters", cap - 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v->valuestring[i];
		if (ch <= 0x20 || ch >= 0x7f)
			return fail(ld, KE_EINVAL, field, "only printable ASCII without spaces is allowed");
	}
	memcpy(dst, v->valuestring, n + 1);
	return KE_OK;
}

/* A JSON number that is a whole value in [0, 2^53]; anything else (strings
 * too: the file is ours, not KIS's all-strings payload) is refused. */
static int get_count(struct loader *ld, const cJSON *obj, const char *key, const char *field, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (v == NULL)
		return fail(ld, KE_EINVAL, field, "missing");
	if (!cJSON_IsNumber(v))
		return fail(ld, KE_EINVAL, field, "must be a number");
	double d = v->valuedouble;
	if (!(d >= 0.0) || d > JSON_INT_MAX || (double)(int64_t)d != d)
		return fail(ld, KE_EINVAL, field, "must be a whole number >= 0");
	*out = (int64_t)d;
	return KE_OK;
}

static int is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int load_holding(struct loader *ld, const cJSON *h, const char *where, struct simacct_holding *out)
{
	static const char *const keys[] = {"symbol", "qty", "avg_price"};
	char field[256];
	if (!cJSON_IsObject(h))
		return fail(ld, KE_EINVAL, where, "must be an object");
	int rc = check_keys(ld, h, where, keys, KE_ARRAY_LEN(keys));
	if (rc != KE_OK)
		return rc;

	snprintf(field, sizeof(field), "%s.symbol", where);
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(h, "symbol");
	if (s == NULL)
		return fail(ld, KE_EINVAL, field, "missing");
	if (!cJSON_IsString(s))
		return fail(ld, KE_EINVAL, field, "must be a string");
	size_t n = strlen(s->valuestring);
	int ok = n >= 1 && n < KE_SYMBOL_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = is_alnum(s->valuestring[i]);
	if (!ok)
		return fail(ld, KE_EINVAL, field, "must be 1 to %d letters or digits", KE_SYMBOL_MAX - 1);
	memcpy(out->symbol, s->valuestring, n + 1);

	snprintf(field, sizeof(field), "%s.qty", where);
	rc = get_count(ld, h, "qty", field, &out->qty);
	if (rc != KE_OK)
		return rc;
	snprintf(field, sizeof(field), "%s.avg_price", where);
	return get_count(ld, h, "avg_price", field, &out->avg_price);
}

static int load_account(struct loader *ld, const cJSON *o, int idx, struct simacct_account *a)
{
	static const char *const keys[] = {"app_key", "app_secret", "hts_id", "account", "env", "cash", "holdings"};
	char where[32], field[256];
	snprintf(where, sizeof(where), "accounts[%d]", idx);
	if (!cJSON_IsObject(o))
		return fail(ld, KE_EINVAL, where, "must be an object");
	int rc = check_keys(ld, o, where, keys, KE_ARRAY_LEN(keys));
	if (rc != KE_OK)
		return rc;

	snprintf(field, sizeof(field), "%s.app_key", where);
	if ((rc = get_token_string(ld, o, "app_key", field, a->app_key, sizeof(a->app_key))) != KE_OK)
		return rc;
	snprintf(field, sizeof(field), "%s.app_secret", where);
	if ((rc = get_token_string(ld, o, "app_secret", field, a->app_secret, sizeof(a->app_secret))) != KE_OK)
		return rc;

	/* The HTS ID is the tr_key of notice subscriptions, inside '|'/'^'
	 * separated frames: letters, digits, '_', '.' and '-' only. */
	snprintf(field, sizeof(field), "%s.hts_id", where);
	if ((rc = get_token_string(ld, o, "hts_id", field, a->hts_id, sizeof(a->hts_id))) != KE_OK)
		return rc;
	for (const char *p = a->hts_id; *p; p++)
		if (!is_alnum(*p) && *p != '_' && *p != '.' && *p != '-')
			return fail(ld, KE_EINVAL, field, "only letters, digits, '_', '.' and '-' are allowed");

	snprintf(field, sizeof(field), "%s.account", where);
	const cJSON *acc = cJSON_GetObjectItemCaseSensitive(o, "account");
	if (acc == NULL)
		return fail(ld, KE_EINVAL, field, "missing");
	if (!cJSON_IsString(acc))
		return fail(ld, KE_EINVAL, field, "must be a string");
	const char *s = acc->valuestring;
	int ok = strlen(s) == 11 && s[8] == '-';
	for (int i = 0; ok && i < 11; i++)
		ok = i == 8 || is_digit(s[i]);
	if (!ok)
		return fail(ld, KE_EINVAL, field, "must be 8 digits, '-', 2 digits (\"12345678-01\")");
	memcpy(a->cano, s, 8);
	a->cano[8] = '\0';
	memcpy(a->prdt, s + 9, 2);
	a->prdt[2] = '\0';

	snprintf(field, sizeof(field), "%s.env", where);
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(o, "env");
	a->env = SIMACCT_BOTH;
	if (env != NULL) {
		const char *e = cJSON_IsString(env) ? env->valuestring : "";
		if (strcmp(e, "mock") == 0)
			a->env = SIMACCT_MOCK;
		else if (strcmp(e, "real") == 0)
			a->env = SIMACCT_REAL;
		else if (strcmp(e, "both") != 0)
			return fail(ld, KE_EINVAL, field, "must be \"mock\", \"real\" or \"both\"");
	}

	snprintf(field, sizeof(field), "%s.cash", where);
	if ((rc = get_count(ld, o, "cash", field, &a->cash)) != KE_OK)
		return rc;

	snprintf(field, sizeof(field), "%s.holdings", where);
	const cJSON *hs = cJSON_GetObjectItemCaseSensitive(o, "holdings");
	a->nholdings = 0;
	if (hs == NULL)
		return KE_OK;
	if (!cJSON_IsArray(hs))
		return fail(ld, KE_EINVAL, field, "must be an array");
	if (cJSON_GetArraySize(hs) > SIMACCT_MAX_HOLDINGS)
		return fail(ld, KE_EINVAL, field, "more than %d holdings", SIMACCT_MAX_HOLDINGS);
	int j = 0;
	for (const cJSON *h = hs->child; h != NULL; h = h->next, j++) {
		char hwhere[160];
		snprintf(hwhere, sizeof(hwhere), "%.100s[%d]", field, j);
		if ((rc = load_holding(ld, h, hwhere, &a->holdings[j])) != KE_OK)
			return rc;
		for (int k = 0; k < j; k++)
			if (strcmp(a->holdings[k].symbol, a->holdings[j].symbol) == 0) {
				snprintf(hwhere, sizeof(hwhere), "%.100s[%d].symbol", field, j);
				return fail(ld, KE_EINVAL, hwhere, "\"%s\" is also holdings[%d]", a->holdings[j].symbol,
				            k);
			}
		a->nholdings = j + 1;
	}
	return KE_OK;
}

static int load_root(struct loader *ld, const cJSON *root, struct simacct_list *out)
{
	static const char *const keys[] = {"accounts"};
	if (!cJSON_IsObject(root))
		return fail(ld, KE_EINVAL, NULL, "top level must be an object {\"accounts\": [...]}");
	int rc = check_keys(ld, root, "", keys, KE_ARRAY_LEN(keys));
	if (rc != KE_OK)
		return rc;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "accounts");
	if (arr == NULL)
		return fail(ld, KE_EINVAL, "accounts", "missing");
	if (!cJSON_IsArray(arr))
		return fail(ld, KE_EINVAL, "accounts", "must be an array");
	int n = cJSON_GetArraySize(arr);
	if (n == 0)
		return fail(ld, KE_EINVAL, "accounts", "must hold at least one account");
	if (n > SIMACCT_MAX)
		return fail(ld, KE_EINVAL, "accounts", "more than %d accounts", SIMACCT_MAX);

	int i = 0;
	for (const cJSON *o = arr->child; o != NULL; o = o->next, i++) {
		struct simacct_account *a = &out->acct[i];
		if ((rc = load_account(ld, o, i, a)) != KE_OK)
			return rc;
		/* App keys identify the caller of every request and account
		 * numbers the venue's books: both must be unique. */
		for (int k = 0; k < i; k++) {
			char field[256];
			if (strcmp(out->acct[k].app_key, a->app_key) == 0) {
				snprintf(field, sizeof(field), "accounts[%d].app_key", i);
				return fail(ld, KE_EINVAL, field, "same app key as accounts[%d]", k);
			}
			if (strcmp(out->acct[k].cano, a->cano) == 0 && strcmp(out->acct[k].prdt, a->prdt) == 0) {
				snprintf(field, sizeof(field), "accounts[%d].account", i);
				return fail(ld, KE_EINVAL, field, "same account as accounts[%d]", k);
			}
		}
		out->n = i + 1;
	}
	return KE_OK;
}

/* Reads at most ACCT_FILE_MAX bytes; one more byte tells a file that is too
 * large from one that is exactly at the limit. */
static int read_file(struct loader *ld, char **buf, size_t *len)
{
	FILE *f = fopen(ld->path, "rb");
	if (f == NULL)
		return fail(ld, KE_EIO, NULL, "cannot open: %s", strerror(errno));
	char *b = malloc(ACCT_FILE_MAX + 1);
	if (b == NULL) {
		fclose(f);
		return fail(ld, KE_ENOMEM, NULL, "out of memory");
	}
	size_t n = fread(b, 1, ACCT_FILE_MAX + 1, f);
	int rd_err = ferror(f);
	fclose(f);
	if (rd_err) {
		free(b);
		return fail(ld, KE_EIO, NULL, "read error");
	}
	if (n > ACCT_FILE_MAX) {
		free(b);
		return fail(ld, KE_EINVAL, NULL, "larger than %d bytes: not an accounts file", ACCT_FILE_MAX);
	}
	*buf = b;
	*len = n;
	return KE_OK;
}

int simacct_load(const char *path, struct simacct_list *out, char *err, size_t errlen)
{
	struct loader ld = {path != NULL ? path : "(null)", err, errlen};
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL || out == NULL)
		return fail(&ld, KE_EINVAL, NULL, "no file or no output");

	char *buf = NULL;
	size_t len = 0;
	int rc = read_file(&ld, &buf, &len);
	if (rc != KE_OK)
		return rc;

	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (root == NULL) {
		int line = 1;
		const char *stop = end != NULL && end >= buf && end <= buf + len ? end : buf;
		for (const char *p = buf; p < stop; p++)
			line += *p == '\n';
		free(buf);
		return fail(&ld, KE_EINVAL, NULL, "line %d: not valid JSON", line);
	}
	/* Build into a scratch list so a bad file leaves *out untouched. */
	struct simacct_list *tmp = calloc(1, sizeof(*tmp));
	if (tmp == NULL) {
		cJSON_Delete(root);
		free(buf);
		return fail(&ld, KE_ENOMEM, NULL, "out of memory");
	}
	rc = load_root(&ld, root, tmp);
	if (rc == KE_OK)
		*out = *tmp;
	free(tmp);
	cJSON_Delete(root);
	free(buf);
	return rc;
}
