/*
 * journalcmd.c - kis-engine journal (see journalcmd.h).
 */
#include "journalcmd.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "journal.h"
#include "ktime.h"

struct listing {
	int json;
	cJSON *orders, *fills;
	int norders, nfills;
};

static void usage(FILE *fp)
{
	fputs("usage: kis-engine journal --config FILE | --file JOURNAL [--date YYYY-MM-DD] [--open] [--json]\n"
	      "\n"
	      "Lists the orders (with their KIS numbers and states) and the fills a live run\n"
	      "recorded in its journal (live.journal in the config). --date keeps one KST trading\n"
	      "day; --open keeps the orders still working.\n",
	      fp);
}

static int print_order(void *ud, const struct journal_order *o)
{
	struct listing *l = ud;
	l->norders++;
	char when[32];
	ktime_format_iso(o->created, when, sizeof(when));
	if (l->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "id", (double)o->id);
		cJSON_AddNumberToObject(j, "run", (double)o->run_id);
		cJSON_AddStringToObject(j, "strategy", o->strategy);
		cJSON_AddStringToObject(j, "symbol", o->symbol);
		cJSON_AddStringToObject(j, "side", order_side_name(o->side));
		cJSON_AddStringToObject(j, "type", order_type_name(o->type));
		cJSON_AddNumberToObject(j, "qty", (double)o->qty);
		cJSON_AddNumberToObject(j, "price", (double)o->price);
		cJSON_AddStringToObject(j, "state", o->state);
		cJSON_AddNumberToObject(j, "filled", (double)o->filled_qty);
		cJSON_AddStringToObject(j, "order_no", o->odno);
		cJSON_AddStringToObject(j, "created", when);
		cJSON_AddStringToObject(j, "reason", o->reason);
		cJSON_AddItemToArray(l->orders, j);
	} else {
		printf("%6lld  run %-3lld %-16s %-8s %-4s %-6s %8lld @ %-10lld %-16s filled %-8lld %-10s %s%s%s\n",
		       (long long)o->id, (long long)o->run_id, o->strategy, o->symbol, order_side_name(o->side),
		       order_type_name(o->type), (long long)o->qty, (long long)o->price, o->state,
		       (long long)o->filled_qty, o->odno[0] ? o->odno : "-", when, o->reason[0] ? "  " : "", o->reason);
	}
	return 0;
}

static int print_fill(void *ud, const struct journal_fill *f)
{
	struct listing *l = ud;
	l->nfills++;
	char when[32];
	ktime_format_iso(f->time, when, sizeof(when));
	if (l->json) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "order", (double)f->order_id);
		cJSON_AddStringToObject(j, "time", when);
		cJSON_AddNumberToObject(j, "qty", (double)f->qty);
		cJSON_AddNumberToObject(j, "price", (double)f->price);
		cJSON_AddNumberToObject(j, "fee", (double)f->fee);
		cJSON_AddNumberToObject(j, "tax", (double)f->tax);
		cJSON_AddItemToArray(l->fills, j);
	} else {
		printf("  order %-6lld %s  %8lld @ %-10lld fee %lld tax %lld\n", (long long)f->order_id, when,
		       (long long)f->qty, (long long)f->price, (long long)f->fee, (long long)f->tax);
	}
	return 0;
}

int journalcmd_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"file", required_argument, NULL, 'f'},
	    {"date", required_argument, NULL, 'd'},
	    {"open", no_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *file = NULL;
	int32_t day = -1;
	int open_only = 0, c;
	struct listing l = {0};
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'f': file = optarg; break;
		case 'd':
			if (ktime_parse_date(optarg, &day) != KE_OK) {
				fprintf(stderr, "kis-engine: --date wants YYYY-MM-DD\n");
				return 2;
			}
			break;
		case 'o': open_only = 1; break;
		case 'j': l.json = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || (!config && !file)) {
		usage(stderr);
		return 2;
	}
	char path[CONFIG_PATH_MAX], err[1024];
	if (file) {
		snprintf(path, sizeof(path), "%s", file);
	} else {
		struct engine_config *cfg = malloc(sizeof(*cfg));
		if (!cfg)
			return 2;
		config_defaults(cfg);
		int rc = config_load(config, cfg, err, sizeof(err));
		snprintf(path, sizeof(path), "%s", cfg->live.journal);
		config_free(cfg);
		free(cfg);
		if (rc != KE_OK) {
			fprintf(stderr, "kis-engine: %s\n", err);
			return 2;
		}
		if (!path[0]) {
			fprintf(stderr, "kis-engine: %s has no live.journal\n", config);
			return 2;
		}
	}
	struct journal *j;
	if (journal_open(path, &j, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		return 2;
	}
	if (l.json) {
		l.orders = cJSON_CreateArray();
		l.fills = cJSON_CreateArray();
	} else {
		printf("orders:\n");
	}
	int rc = journal_orders(j, open_only, day, print_order, &l);
	if (rc == KE_OK && !l.json)
		printf("fills:\n");
	if (rc == KE_OK)
		rc = journal_fills(j, 0, day, print_fill, &l);
	if (rc != KE_OK)
		fprintf(stderr, "kis-engine: journal %s: %s\n", path, journal_errmsg(j));
	journal_close(j);
	if (l.json) {
		cJSON *root = cJSON_CreateObject();
		cJSON_AddItemToObject(root, "orders", l.orders);
		cJSON_AddItemToObject(root, "fills", l.fills);
		char *s = cJSON_Print(root);
		if (s)
			puts(s);
		cJSON_free(s);
		cJSON_Delete(root);
	} else {
		printf("%d orders, %d fills\n", l.norders, l.nfills);
	}
	return rc == KE_OK ? 0 : 2;
}
