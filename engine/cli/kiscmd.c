/*
 * kiscmd.c - account, quote, order, cancel and token commands (kiscmd.h).
 *
 * Each command starts one kis_client on its own libuv loop, issues its
 * calls one after another from the callbacks, and leaves the loop when the
 * last answer is printed. Credentials are read here and handed to the
 * client; nothing printed contains them.
 */
#include "kiscmd.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "config.h"
#include "ke_common.h"
#include "kis_client.h"
#include "ktime.h"

#define EXIT_KIS     1
#define EXIT_USAGE   2
#define EXIT_UNKNOWN 3

enum cmd { CMD_ACCOUNT, CMD_QUOTE, CMD_ORDER, CMD_CANCEL, CMD_TOKEN };

struct run {
	enum cmd cmd;
	int json;
	int yes;
	struct kis_client *client;
	int status;
	/* arguments */
	char symbol[KE_SYMBOL_MAX];
	struct kis_msg_order order;
	char odno[KIS_MSG_ODNO_MAX];
	/* account: the balance waits for the open orders */
	cJSON *out;
	int32_t date_day; /* --date: KST day number; -1 = today */
};

/* With --date, the market clock is that day at the wall clock's time of
 * day (kis-sim replays an old date: its orders are filed under it). */
static int64_t market_ms(void *ud)
{
	const struct run *r = ud;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return ktime_day_start(r->date_day) + ktime_kst_ms_of_day(now);
}

static const char *const cmd_names[] = {"account", "quote", "order", "cancel", "token"};

int kiscmd_is_command(const char *name)
{
	for (size_t i = 0; i < KE_ARRAY_LEN(cmd_names); i++)
		if (strcmp(name, cmd_names[i]) == 0)
			return 1;
	return 0;
}

static void usage(FILE *fp)
{
	fputs("usage: kis-engine account [options]\n"
	      "       kis-engine quote SYMBOL [options]\n"
	      "       kis-engine order buy|sell SYMBOL QTY [PRICE] [options]\n"
	      "       kis-engine cancel ORDER_NO [options]\n"
	      "       kis-engine token --status [options]\n"
	      "\n"
	      "options:\n"
	      "  --env mock|real   the KIS environment (default: the config's, else mock)\n"
	      "  --config FILE     a Lua config; its kis = {...} table (configs/backtest.lua)\n"
	      "  --base-url URL    REST host (kis-sim: http://127.0.0.1:29443)\n"
	      "  --secrets FILE    KIS_APP_KEY=... file, mode 0600 (default: the environment)\n"
	      "  --date YYYY-MM-DD the trading day for order lists (default: today, KST;\n"
	      "                    kis-sim files its orders under the day it replays)\n"
	      "  --json            machine-readable output\n"
	      "  --yes             place an order on real without asking\n"
	      "\n"
	      "A PRICE makes a limit order; without one the order is a market order.\n"
	      "Exit status: 0 ok, 1 KIS refused or unreachable, 2 bad usage or input,\n"
	      "3 the outcome of an order or cancel is unknown (look before retrying).\n",
	      fp);
}

/* ---- output ---- */

static void print_json(cJSON *j)
{
	char *s = cJSON_Print(j);
	if (s) {
		puts(s);
		cJSON_free(s);
	}
}

static void report_error(struct run *r, const char *what, const struct kis_error *e)
{
	int unknown = e->outcome == KIS_OUTCOME_UNKNOWN && (r->cmd == CMD_ORDER || r->cmd == CMD_CANCEL);
	r->status = unknown ? EXIT_UNKNOWN : EXIT_KIS;
	if (r->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "error", what);
		cJSON_AddStringToObject(j, "outcome", kis_outcome_name(e->outcome));
		cJSON_AddStringToObject(j, "code", e->code);
		cJSON_AddStringToObject(j, "message", e->msg);
		cJSON_AddNumberToObject(j, "http_status", e->http_status);
		print_json(j);
		cJSON_Delete(j);
	}
	fprintf(stderr, "kis-engine: %s failed%s%s: %s\n", what, e->code[0] ? ": KIS " : "", e->code, e->msg);
	if (unknown)
		fprintf(stderr, "kis-engine: the outcome is unknown and nothing was re-sent; "
		                "check with 'kis-engine account' before trying again\n");
}

static void done(struct run *r)
{
	kis_client_close(r->client);
	r->client = NULL;
}

static cJSON *row_json(const struct kis_msg_ccld_row *w)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "order_no", w->odno);
	cJSON_AddStringToObject(o, "branch", w->orgno);
	cJSON_AddStringToObject(o, "symbol", w->symbol);
	cJSON_AddStringToObject(o, "side", order_side_name(w->side));
	cJSON_AddNumberToObject(o, "qty", (double)w->qty);
	cJSON_AddNumberToObject(o, "price", (double)w->price);
	cJSON_AddNumberToObject(o, "filled", (double)w->filled_qty);
	cJSON_AddNumberToObject(o, "remaining", (double)w->remaining);
	cJSON_AddStringToObject(o, "time", w->ord_tmd);
	return o;
}

/* ---- account ---- */

static void on_open_orders(void *ud, const struct kis_error *e, const struct kis_msg_ccld_list *l)
{
	struct run *r = ud;
	if (e) {
		report_error(r, "open orders", e);
		done(r);
		return;
	}
	if (r->json) {
		cJSON *arr = cJSON_AddArrayToObject(r->out, "open_orders");
		for (size_t i = 0; i < l->n; i++)
			cJSON_AddItemToArray(arr, row_json(&l->rows[i]));
		print_json(r->out);
	} else {
		printf("\nopen orders: %zu\n", l->n);
		if (l->n)
			printf("  %-10s %-8s %-4s %10s %12s %10s %10s %s\n", "order_no", "symbol", "side", "qty",
			       "price", "filled", "remaining", "time");
		for (size_t i = 0; i < l->n; i++) {
			const struct kis_msg_ccld_row *w = &l->rows[i];
			char p[KE_KRW_BUF];
			printf("  %-10s %-8s %-4s %10lld %12s %10lld %10lld %s\n", w->odno, w->symbol,
			       order_side_name(w->side), (long long)w->qty, ke_format_krw(p, w->price),
			       (long long)w->filled_qty, (long long)w->remaining, w->ord_tmd);
		}
	}
	r->status = 0;
	done(r);
}

static void on_balance(void *ud, const struct kis_error *e, const struct kis_msg_balance *b)
{
	struct run *r = ud;
	if (e) {
		report_error(r, "balance", e);
		done(r);
		return;
	}
	const struct kis_msg_cash *c = &b->cash;
	if (r->json) {
		r->out = cJSON_CreateObject();
		cJSON *cash = cJSON_AddObjectToObject(r->out, "cash");
		cJSON_AddNumberToObject(cash, "deposit", (double)c->deposit);
		cJSON_AddNumberToObject(cash, "d1", (double)c->d1);
		cJSON_AddNumberToObject(cash, "d2", (double)c->d2);
		cJSON_AddNumberToObject(cash, "securities", (double)c->securities_eval);
		cJSON_AddNumberToObject(cash, "total", (double)c->total_eval);
		cJSON *arr = cJSON_AddArrayToObject(r->out, "positions");
		for (size_t i = 0; i < b->npos; i++) {
			const struct kis_msg_position *p = &b->pos[i];
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "symbol", p->symbol);
			cJSON_AddStringToObject(o, "name", p->name);
			cJSON_AddNumberToObject(o, "qty", (double)p->qty);
			cJSON_AddNumberToObject(o, "orderable", (double)p->orderable);
			cJSON_AddNumberToObject(o, "avg_price", (double)p->avg_price);
			cJSON_AddNumberToObject(o, "price", (double)p->price);
			cJSON_AddNumberToObject(o, "value", (double)p->eval_amount);
			cJSON_AddNumberToObject(o, "pnl", (double)p->pnl);
			cJSON_AddItemToArray(arr, o);
		}
	} else {
		char a[KE_KRW_BUF], d[KE_KRW_BUF], t[KE_KRW_BUF];
		printf("environment: %s\n", kis_env_name(kis_client_endpoint(r->client)->env));
		printf("cash: deposit %s KRW, D+2 %s KRW, total %s KRW\n", ke_format_krw(a, c->deposit),
		       ke_format_krw(d, c->d2), ke_format_krw(t, c->total_eval));
		printf("\npositions: %zu\n", b->npos);
		if (b->npos)
			printf("  %-8s %10s %10s %12s %12s %14s %12s\n", "symbol", "qty", "orderable", "avg_price",
			       "price", "value", "pnl");
		for (size_t i = 0; i < b->npos; i++) {
			const struct kis_msg_position *p = &b->pos[i];
			char x[KE_KRW_BUF], y[KE_KRW_BUF], z[KE_KRW_BUF], w[KE_KRW_BUF];
			printf("  %-8s %10lld %10lld %12s %12s %14s %12s\n", p->symbol, (long long)p->qty,
			       (long long)p->orderable, ke_format_krw(x, p->avg_price), ke_format_krw(y, p->price),
			       ke_format_krw(z, p->eval_amount), ke_format_krw(w, p->pnl));
		}
	}
	if (kis_client_open_orders(r->client, on_open_orders, r) != KE_OK) {
		fprintf(stderr, "kis-engine: cannot ask for open orders\n");
		r->status = EXIT_KIS;
		done(r);
	}
}

/* ---- quote ---- */

static void on_quote(void *ud, const struct kis_error *e, const struct kis_msg_quote *q)
{
	struct run *r = ud;
	if (e) {
		report_error(r, "quote", e);
		done(r);
		return;
	}
	if (r->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "symbol", r->symbol);
		cJSON_AddNumberToObject(j, "price", (double)q->price);
		cJSON_AddNumberToObject(j, "change", (double)q->change);
		cJSON_AddNumberToObject(j, "open", (double)q->open);
		cJSON_AddNumberToObject(j, "high", (double)q->high);
		cJSON_AddNumberToObject(j, "low", (double)q->low);
		cJSON_AddNumberToObject(j, "prev_close", (double)q->prev_close);
		cJSON_AddNumberToObject(j, "upper_limit", (double)q->upper);
		cJSON_AddNumberToObject(j, "lower_limit", (double)q->lower);
		cJSON_AddNumberToObject(j, "volume", (double)q->volume);
		print_json(j);
		cJSON_Delete(j);
	} else {
		char p[KE_KRW_BUF], c[KE_KRW_BUF], o[KE_KRW_BUF], h[KE_KRW_BUF], l[KE_KRW_BUF];
		printf("%s %s KRW (%s, %lld.%02lld%%)  open %s  high %s  low %s  volume %lld\n", r->symbol,
		       ke_format_krw(p, q->price), ke_format_krw(c, q->change), (long long)(q->change_bp / 100),
		       (long long)llabs(q->change_bp % 100), ke_format_krw(o, q->open), ke_format_krw(h, q->high),
		       ke_format_krw(l, q->low), (long long)q->volume);
	}
	r->status = 0;
	done(r);
}

/* ---- order ---- */

static void on_order(void *ud, const struct kis_error *e, const struct kis_msg_order_ack *ack)
{
	struct run *r = ud;
	if (e) {
		report_error(r, "order", e);
		done(r);
		return;
	}
	if (r->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "order_no", ack->odno);
		cJSON_AddStringToObject(j, "branch", ack->orgno);
		cJSON_AddStringToObject(j, "time", ack->ord_tmd);
		print_json(j);
		cJSON_Delete(j);
	} else {
		printf("order accepted: order_no %s (branch %s) at %s\n", ack->odno, ack->orgno, ack->ord_tmd);
	}
	r->status = 0;
	done(r);
}

/* ---- cancel: find the order's branch number first ---- */

static void on_cancelled(void *ud, const struct kis_error *e, const struct kis_msg_order_ack *ack)
{
	struct run *r = ud;
	if (e) {
		report_error(r, "cancel", e);
		done(r);
		return;
	}
	if (r->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "cancelled", r->odno);
		cJSON_AddStringToObject(j, "cancel_order_no", ack->odno);
		print_json(j);
		cJSON_Delete(j);
	} else {
		printf("cancel accepted for order %s: cancel order_no %s\n", r->odno, ack->odno);
	}
	r->status = 0;
	done(r);
}

static int same_number(const char *a, const char *b)
{
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	return strcmp(a, b) == 0;
}

static void on_cancel_lookup(void *ud, const struct kis_error *e, const struct kis_msg_ccld_list *l)
{
	struct run *r = ud;
	if (e) {
		report_error(r, "open orders", e);
		done(r);
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct kis_msg_ccld_row *w = &l->rows[i];
		if (!same_number(w->odno, r->odno))
			continue;
		struct kis_msg_rvse q = {.orgno = w->orgno,
		                         .odno = w->odno,
		                         .kind = KIS_MSG_CANCEL,
		                         .all = 1,
		                         .type = strcmp(w->ord_dvsn, "01") == 0 ? ORDER_MARKET : ORDER_LIMIT};
		char err[256];
		if (kis_client_revise_cancel(r->client, &q, on_cancelled, r, err, sizeof(err)) != KE_OK) {
			fprintf(stderr, "kis-engine: cancel: %s\n", err);
			r->status = EXIT_USAGE;
			done(r);
		}
		return;
	}
	fprintf(stderr, "kis-engine: order %s is not an open order of this account\n", r->odno);
	r->status = EXIT_KIS;
	done(r);
}

/* ---- token ---- */

static int token_status(struct run *r)
{
	struct kis_auth *a = kis_client_auth(r->client);
	static const char *const names[2] = {"access_token", "approval_key"};
	cJSON *j = r->json ? cJSON_CreateObject() : NULL;
	int rc = 0;
	for (int k = 0; k < 2; k++) {
		struct kis_auth_status st;
		if (kis_auth_status(a, (enum kis_auth_kind)k, &st) != KE_OK) {
			fprintf(stderr, "kis-engine: cannot read the %s cache %s\n", names[k], st.cache_path);
			rc = EXIT_KIS;
			continue;
		}
		char when[32] = "";
		if (st.have)
			ktime_format_iso(st.expires_ms, when, sizeof(when));
		if (j) {
			cJSON *o = cJSON_AddObjectToObject(j, names[k]);
			cJSON_AddBoolToObject(o, "cached", st.have);
			cJSON_AddStringToObject(o, "expires_kst", when);
			cJSON_AddStringToObject(o, "cache_file", st.cache_path);
		} else if (st.have) {
			printf("%s: cached, expires %s KST (%s)\n", names[k], when, st.cache_path);
		} else {
			printf("%s: none cached (%s)\n", names[k], st.cache_path);
		}
	}
	if (j) {
		print_json(j);
		cJSON_Delete(j);
	}
	return rc;
}

/* ---- setup ---- */

static int parse_int(const char *s, int64_t max, int64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return KE_EINVAL;
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0 || v > max)
		return KE_EINVAL;
	*out = v;
	return KE_OK;
}

/* Real money needs a yes typed at a terminal, or --yes. */
static int confirm_real(const struct run *r)
{
	char p[KE_KRW_BUF];
	fprintf(stderr,
	        "About to place a REAL order: %s %lld %s at %s.\nType yes to send it: ", order_side_name(r->order.side),
	        (long long)r->order.qty, r->symbol,
	        r->order.type == ORDER_MARKET ? "market" : ke_format_krw(p, r->order.price));
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "\nkis-engine: not a terminal; pass --yes to place real orders without asking\n");
		return 0;
	}
	char line[16] = "";
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return strcmp(line, "yes\n") == 0 || strcmp(line, "yes") == 0;
}

static int parse_args(struct run *r, int argc, char **argv, struct engine_config *cfg, const char **env,
                      const char **base_url, const char **secrets, int *status_flag)
{
	static const struct option opts[] = {
	    {"env", required_argument, 0, 'e'},     {"config", required_argument, 0, 'c'},
	    {"date", required_argument, 0, 'd'},    {"base-url", required_argument, 0, 'b'},
	    {"secrets", required_argument, 0, 's'}, {"json", no_argument, 0, 'j'},
	    {"yes", no_argument, 0, 'y'},           {"status", no_argument, 0, 'S'},
	    {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
	const char *config = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e': *env = optarg; break;
		case 'c': config = optarg; break;
		case 'b': *base_url = optarg; break;
		case 's': *secrets = optarg; break;
		case 'j': r->json = 1; break;
		case 'y': r->yes = 1; break;
		case 'S': *status_flag = 1; break;
		case 'd':
			if (ktime_parse_date(optarg, &r->date_day) != KE_OK) {
				fprintf(stderr, "kis-engine: --date wants YYYY-MM-DD\n");
				return EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (config) {
		char err[1024];
		if (config_load(config, cfg, err, sizeof(err)) != KE_OK) {
			fprintf(stderr, "kis-engine: %s\n", err);
			return EXIT_USAGE;
		}
	}
	char **pos = argv + optind;
	int npos = argc - optind;
	switch (r->cmd) {
	case CMD_ACCOUNT:
		if (npos != 0)
			goto bad;
		break;
	case CMD_QUOTE:
		if (npos != 1 || !kis_msg_symbol_ok(pos[0]))
			goto bad;
		snprintf(r->symbol, sizeof(r->symbol), "%s", pos[0]);
		break;
	case CMD_ORDER: {
		int64_t qty, price = 0;
		if (npos < 3 || npos > 4)
			goto bad;
		if (strcmp(pos[0], "buy") == 0)
			r->order.side = SIDE_BUY;
		else if (strcmp(pos[0], "sell") == 0)
			r->order.side = SIDE_SELL;
		else
			goto bad;
		if (!kis_msg_symbol_ok(pos[1]) || parse_int(pos[2], 1000000000, &qty) != KE_OK ||
		    (npos == 4 && parse_int(pos[3], 100000000000LL, &price) != KE_OK))
			goto bad;
		snprintf(r->symbol, sizeof(r->symbol), "%s", pos[1]);
		r->order.symbol = r->symbol;
		r->order.qty = qty;
		r->order.price = price;
		r->order.type = npos == 4 ? ORDER_LIMIT : ORDER_MARKET;
		break;
	}
	case CMD_CANCEL: {
		int64_t n;
		if (npos != 1 || strlen(pos[0]) >= sizeof(r->odno) || parse_int(pos[0], INT64_MAX, &n) != KE_OK)
			goto bad;
		snprintf(r->odno, sizeof(r->odno), "%s", pos[0]);
		break;
	}
	case CMD_TOKEN:
		if (npos != 0 || !*status_flag)
			goto bad;
		break;
	}
	return 0;
bad:
	fprintf(stderr, "kis-engine %s: bad arguments\n", cmd_names[r->cmd]);
	usage(stderr);
	return EXIT_USAGE;
}

static int load_credentials(const char *secrets, struct kis_credentials *cred)
{
	char err[KIS_CRED_ERR_MAX];
	int rc = secrets && *secrets ? kis_cred_from_file(cred, secrets, err, sizeof(err))
	                             : kis_cred_from_env(cred, NULL, NULL, err, sizeof(err));
	if (rc != KE_OK) {
		fprintf(stderr, "kis-engine: credentials: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

static int start(struct run *r)
{
	char err[256];
	switch (r->cmd) {
	case CMD_ACCOUNT: return kis_client_balance(r->client, on_balance, r);
	case CMD_QUOTE: return kis_client_quote(r->client, r->symbol, on_quote, r);
	case CMD_ORDER: {
		int rc = kis_client_order(r->client, &r->order, on_order, r, err, sizeof(err));
		if (rc != KE_OK)
			fprintf(stderr, "kis-engine: order: %s\n", err);
		return rc;
	}
	case CMD_CANCEL: return kis_client_open_orders(r->client, on_cancel_lookup, r);
	case CMD_TOKEN: return KE_OK;
	}
	return KE_EINVAL;
}

int kiscmd_main(int argc, char **argv)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	r.date_day = -1;
	int found = 0;
	for (size_t i = 0; i < KE_ARRAY_LEN(cmd_names); i++)
		if (strcmp(argv[0], cmd_names[i]) == 0) {
			r.cmd = (enum cmd)i;
			found = 1;
		}
	if (!found)
		return EXIT_USAGE;
	struct engine_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return EXIT_KIS;
	config_defaults(cfg);
	const char *env_s = NULL, *base_url = NULL, *secrets = NULL;
	int status_flag = 0;
	int rc = parse_args(&r, argc, argv, cfg, &env_s, &base_url, &secrets, &status_flag);
	if (rc != 0) {
		config_free(cfg);
		free(cfg);
		return rc == 1 ? 0 : rc;
	}
	enum kis_env env;
	if (kis_env_parse(env_s ? env_s : cfg->kis.env, &env) != KE_OK) {
		fprintf(stderr, "kis-engine: --env must be mock or real\n");
		config_free(cfg);
		free(cfg);
		return EXIT_USAGE;
	}
	struct kis_credentials cred;
	rc = load_credentials(secrets ? secrets : cfg->kis.secrets_file, &cred);
	if (rc == 0 && r.cmd == CMD_ORDER && env == KIS_ENV_REAL && !r.yes && !confirm_real(&r)) {
		fprintf(stderr, "kis-engine: order not sent\n");
		rc = EXIT_USAGE;
	}
	if (rc != 0) {
		kis_cred_wipe(&cred);
		config_free(cfg);
		free(cfg);
		return rc;
	}
	struct kis_client_config kc;
	kis_client_config_default(&kc, env);
	kc.base_url = base_url ? base_url : (cfg->kis.base_url[0] ? cfg->kis.base_url : NULL);
	kc.ws_url = cfg->kis.ws_url[0] ? cfg->kis.ws_url : NULL;
	kc.ca_file = cfg->kis.ca_file[0] ? cfg->kis.ca_file : NULL;
	kc.cache_dir = cfg->kis.token_cache_dir[0] ? cfg->kis.token_cache_dir : NULL;
	kc.rate_per_sec = cfg->kis.rate_per_sec;
	if (cfg->kis.order_timeout_ms)
		kc.order_timeout_ms = (long)cfg->kis.order_timeout_ms;
	if (cfg->kis.query_timeout_ms)
		kc.query_timeout_ms = (long)cfg->kis.query_timeout_ms;
	kc.use_hashkey = cfg->kis.hashkey;
	if (r.date_day >= 0) {
		kc.market_ms = market_ms;
		kc.market_ud = &r;
	}
	/* A peer closing a kept-alive connection must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	uv_loop_t loop;
	uv_loop_init(&loop);
	char err[512];
	rc = kis_client_new(&loop, &kc, &cred, &r.client, err, sizeof(err));
	kis_cred_wipe(&cred);
	config_free(cfg);
	free(cfg);
	if (rc != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		uv_loop_close(&loop);
		return EXIT_USAGE;
	}
	r.status = EXIT_KIS;
	if (r.cmd == CMD_TOKEN) {
		r.status = token_status(&r);
		done(&r);
	} else if (start(&r) != KE_OK) {
		r.status = EXIT_USAGE;
		done(&r);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	if (r.client)
		done(&r);
	uv_run(&loop, UV_RUN_DEFAULT);
	cJSON_Delete(r.out);
	uv_loop_close(&loop);
	return r.status;
}
