/*
 * main.c - the kis-engine command line.
 *
 * Exit status: 0 success, 2 bad usage or bad input (the message names the
 * file, line and field), 1 when a strategy halted because of an error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "backtest.h"
#include "config.h"
#include "core.h"
#include "journalcmd.h"
#include "kiscmd.h"
#include "ktime.h"
#include "live.h"
#include "logline.h"
#include "luahost.h"
#include "report.h"
#include "simbroker.h"

#ifndef KE_SOURCE_DIR
#define KE_SOURCE_DIR "."
#endif

#define EXIT_USAGE    2
#define EXIT_STRATEGY 1

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

static void log_stderr(void *ctx, enum core_log_level level, const char *strategy, int64_t time, const char *msg)
{
	(void)ctx;
	char ts[32];
	ktime_format_iso(time, ts, sizeof(ts));
	fprintf(stderr, "%s %-5s %s: %s\n", ts, level_names[level], strategy ? strategy : "engine", msg);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void usage_backtest(FILE *fp)
{
	fputs("usage: kis-engine backtest --strategy FILE.lua [--strategy OTHER.lua ...]\n"
	      "                           --data FILE.csv [--data ...]\n"
	      "                           [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--cash KRW]\n"
	      "                           [--config FILE] [--out DIR] [--quiet]\n"
	      "\n"
	      "Replays market data (ticks or bars, see backtest-data/README.md) through the\n"
	      "strategies with the simulated broker, and writes summary.json, fills.csv,\n"
	      "orders.csv and equity.csv to --out (default out/<strategy>-<timestamp>/).\n"
	      "\n"
	      "  --strategy FILE   a Lua strategy (docs/strategy-api.md); repeat for several.\n"
	      "                    Given on the command line, they replace the config's list.\n"
	      "  --data FILE       a CSV file; repeat for several (merged in time order).\n"
	      "  --from, --to      first and last KST trade date to replay (inclusive).\n"
	      "  --cash KRW        total starting cash, whole won (default 10,000,000).\n"
	      "  --config FILE     a Lua config (configs/backtest.lua documents every key).\n"
	      "  --out DIR         where the report goes.\n"
	      "  --quiet           print only warnings and errors, no summary table.\n"
	      "\n"
	      "Exit status: 0 ok, 2 bad usage or bad input, 1 a strategy halted on an error.\n",
	      fp);
}

static void usage_main(FILE *fp)
{
	fputs("usage: kis-engine <command> [options]\n"
	      "\n"
	      "commands:\n"
	      "  backtest   replay CSV data through Lua strategies (kis-engine backtest --help)\n"
	      "  run        run strategies live: paper, mock or real (kis-engine run --help)\n"
	      "  journal    the orders and fills a live run recorded (kis-engine journal --help)\n"
	      "  halt       the kill switch of a running `run` (kis-engine halt --config FILE)\n"
	      "  account    cash, positions and open orders of the KIS account\n"
	      "  quote      the current price of a symbol\n"
	      "  order      place an order: order buy|sell SYMBOL QTY [PRICE]\n"
	      "  cancel     cancel what is left of an order: cancel ORDER_NO\n"
	      "  token      token --status: the cached access token and approval key\n"
	      "             (kis-engine account --help for the options of these five)\n"
	      "  help       this text\n",
	      fp);
}

static int parse_krw(const char *s, int64_t *out)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || v <= 0)
		return KE_EINVAL;
	*out = v;
	return KE_OK;
}

static int dir_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* strategies/lib next to the strategy, else the one in the source tree. */
static void lib_dir_for(const char *strategy, char *out, size_t len)
{
	const char *env = getenv("KIS_ENGINE_LIB");
	if (env && *env) {
		snprintf(out, len, "%s", env);
		return;
	}
	const char *slash = strrchr(strategy, '/');
	if (slash)
		snprintf(out, len, "%.*s/lib", (int)(slash - strategy), strategy);
	else
		snprintf(out, len, "lib");
	if (!dir_exists(out))
		snprintf(out, len, "%s/strategies/lib", KE_SOURCE_DIR);
}

/* Every strategy of cfg into core: the same for backtests and live runs. */
static int load_strategies(const struct engine_config *cfg, struct core *core, char *err, size_t errlen)
{
	for (int i = 0; i < cfg->nstrategies; i++) {
		const struct config_strategy *cs = &cfg->strategies[i];
		char lib[CONFIG_PATH_MAX];
		lib_dir_for(cs->file, lib, sizeof(lib));
		struct luahost_options lo = {lib, cfg->instruction_budget, cfg->memory_limit, cfg->seed + (uint64_t)i};
		struct luahost_spec ls = {
		    cs->file,   cs->name[0] ? cs->name : NULL, cs->cash, cs->risk, cs->halt_on_error, cs->params_lua,
		    cs->symbols};
		int idx;
		int rc = luahost_load(core, &lo, &ls, &idx, err, errlen);
		if (rc != KE_OK)
			return rc;
		/* struct luahost_spec has no field for it: set it on the registered strategy. */
		if (core_set_max_data_age(core, idx, cs->max_data_age_ms) != KE_OK) {
			snprintf(err, errlen, "%s: bad max_data_age_ms", cs->file);
			return KE_EINVAL;
		}
	}
	return KE_OK;
}

struct run {
	struct core *core;
	struct report *report;
};

static void sample(void *ud, int64_t time)
{
	struct run *r = ud;
	struct core_totals t;
	core_totals(r->core, -1, &t);
	report_sample(r->report, time, t.cash, t.position_value);
}

static int run_backtest(struct engine_config *cfg, int quiet)
{
	char err[4096];
	struct core_log_sink sink = {NULL, log_stderr, quiet ? CORE_LOG_WARN : CORE_LOG_INFO};
	struct simbroker *venue = NULL;
	struct run run = {0};
	int status = EXIT_USAGE;

	if (config_allocate_cash(cfg, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		return EXIT_USAGE;
	}
	if (core_new(&cfg->core, &run.core) != KE_OK) {
		fprintf(stderr, "kis-engine: out of memory\n");
		return EXIT_USAGE;
	}
	core_set_log(run.core, &sink);
	struct simbroker_config sc = {cfg->fill.slippage_ticks, cfg->fill.latency_ms, cfg->fill.participation_ppm};
	if (simbroker_new(&sc, core_broker_sink(run.core), &venue) != KE_OK) {
		fprintf(stderr, "kis-engine: bad fill settings\n");
		goto out;
	}
	struct broker b = simbroker_broker(venue);
	core_set_broker(run.core, &b);

	if (load_strategies(cfg, run.core, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		goto out;
	}

	char out_dir[CONFIG_PATH_MAX];
	if (cfg->out_dir[0]) {
		snprintf(out_dir, sizeof(out_dir), "%s", cfg->out_dir);
	} else {
		/* The default name needs the wall clock: the driver, not the core, may read it. */
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(out_dir, sizeof(out_dir), "out/%.64s-%s", core_strategy_name(run.core, 0), stamp);
	}
	if (report_open(out_dir, run.core, &run.report, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		goto out;
	}
	struct core_observer obs = report_observer(run.report);
	core_set_observer(run.core, &obs);

	const char *data[CONFIG_MAX_DATA];
	for (int i = 0; i < cfg->ndata; i++)
		data[i] = cfg->data[i];
	struct backtest_options bo = {data, cfg->ndata, cfg->from_day, cfg->to_day, sample, &run};
	struct backtest_stats stats;
	if (backtest_run(run.core, venue, &bo, &stats, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		goto out;
	}
	struct report_summary sum;
	if (report_finish(run.report, &sum, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		goto out;
	}
	if (!quiet) {
		report_print(&sum, stdout);
		printf("report written to %s/\n", out_dir);
	}
	status = 0;
	for (int i = 0; i < core_strategy_count(run.core); i++)
		if (core_strategy_failed(run.core, i))
			status = EXIT_STRATEGY;
out:
	report_free(run.report);
	core_free(run.core);
	simbroker_free(venue);
	return status;
}

static int cmd_backtest(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"strategy", required_argument, NULL, 's'}, {"data", required_argument, NULL, 'd'},
	    {"from", required_argument, NULL, 'f'},     {"to", required_argument, NULL, 't'},
	    {"cash", required_argument, NULL, 'c'},     {"config", required_argument, NULL, 'C'},
	    {"out", required_argument, NULL, 'o'},      {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	const char *strategies[CONFIG_MAX_STRATEGIES], *data[CONFIG_MAX_DATA];
	const char *from = NULL, *to = NULL, *cash = NULL, *config = NULL, *out = NULL;
	int nstrat = 0, ndata = 0, quiet = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (nstrat == CONFIG_MAX_STRATEGIES) {
				fprintf(stderr, "kis-engine: at most %d strategies\n", CONFIG_MAX_STRATEGIES);
				return EXIT_USAGE;
			}
			strategies[nstrat++] = optarg;
			break;
		case 'd':
			if (ndata == CONFIG_MAX_DATA) {
				fprintf(stderr, "kis-engine: at most %d data files\n", CONFIG_MAX_DATA);
				return EXIT_USAGE;
			}
			data[ndata++] = optarg;
			break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'c': cash = optarg; break;
		case 'C': config = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage_backtest(stdout); return 0;
		default: usage_backtest(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kis-engine: unexpected argument '%s'\n", argv[optind]);
		usage_backtest(stderr);
		return EXIT_USAGE;
	}

	struct engine_config *cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "kis-engine: out of memory\n");
		return EXIT_USAGE;
	}
	config_defaults(cfg);
	char err[4096];
	int status = EXIT_USAGE;
	if (config && config_load(config, cfg, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		goto out;
	}
	if (nstrat > 0) {
		config_free(cfg);
		cfg->nstrategies = nstrat;
		for (int i = 0; i < nstrat; i++) {
			struct config_strategy *s = &cfg->strategies[i];
			memset(s, 0, sizeof(*s));
			snprintf(s->file, sizeof(s->file), "%s", strategies[i]);
			s->cash = -1;
			s->halt_on_error = 1;
		}
	}
	if (ndata > 0) {
		cfg->ndata = ndata;
		for (int i = 0; i < ndata; i++)
			snprintf(cfg->data[i], sizeof(cfg->data[i]), "%s", data[i]);
	}
	if ((from && ktime_parse_date(from, &cfg->from_day) != KE_OK) ||
	    (to && ktime_parse_date(to, &cfg->to_day) != KE_OK)) {
		fprintf(stderr, "kis-engine: --from/--to want a date YYYY-MM-DD\n");
		goto out;
	}
	if (cfg->from_day >= 0 && cfg->to_day >= 0 && cfg->to_day < cfg->from_day) {
		fprintf(stderr, "kis-engine: --to is before --from\n");
		goto out;
	}
	if (cash && parse_krw(cash, &cfg->cash) != KE_OK) {
		fprintf(stderr, "kis-engine: --cash wants a positive whole number of won (got '%s')\n", cash);
		goto out;
	}
	if (out)
		snprintf(cfg->out_dir, sizeof(cfg->out_dir), "%s", out);
	if (cfg->nstrategies == 0 || cfg->ndata == 0) {
		fprintf(stderr, "kis-engine: backtest needs at least one --strategy and one --data\n");
		usage_backtest(stderr);
		goto out;
	}
	status = run_backtest(cfg, quiet);
out:
	config_free(cfg);
	free(cfg);
	return status;
}

static void usage_run(FILE *fp)
{
	fputs("usage: kis-engine run --config FILE [--strategy FILE.lua ...] [--mode paper|mock|real] [--live]\n"
	      "                      [--secrets FILE] [--duration SECONDS] [--feed-clock] [--quiet]\n"
	      "                      [--log-json]\n"
	      "\n"
	      "Runs the strategies on live KIS market data (the config's kis = {...} table:\n"
	      "environment, hosts). --mode paper fills orders with the built-in simulated broker\n"
	      "and sends nothing to KIS; mock and real trade the KIS account of kis.env. Real\n"
	      "mode refuses to start without --live. Credentials come from KIS_APP_KEY,\n"
	      "KIS_APP_SECRET, KIS_ACCOUNT, KIS_HTS_ID or --secrets (mode 0600).\n"
	      "\n"
	      "  --duration S    stop after S seconds (default: until SIGINT/SIGTERM)\n"
	      "  --feed-clock    the engine's clock follows the ticks (kis-sim replaying\n"
	      "                  another day); default: the wall clock\n"
	      "  --log-json      JSON lines instead of text (live.log_json); secrets are\n"
	      "                  masked either way\n"
	      "  --quiet         warnings and errors only\n"
	      "\n"
	      "Exit status: 0 clean stop, 1 a strategy failed or KIS refused, 2 bad usage or config.\n",
	      fp);
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'C'},
	    {"strategy", required_argument, NULL, 's'},
	    {"mode", required_argument, NULL, 'm'},
	    {"live", no_argument, NULL, 'L'},
	    {"secrets", required_argument, NULL, 'S'},
	    {"duration", required_argument, NULL, 'd'},
	    {"feed-clock", no_argument, NULL, 'F'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"log-json", no_argument, NULL, 'J'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *mode = NULL, *strategies[CONFIG_MAX_STRATEGIES];
	struct live_options lo = {0};
	int nstrat = 0, c, log_json = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'C': config = optarg; break;
		case 's':
			if (nstrat == CONFIG_MAX_STRATEGIES) {
				fprintf(stderr, "kis-engine: at most %d strategies\n", CONFIG_MAX_STRATEGIES);
				return EXIT_USAGE;
			}
			strategies[nstrat++] = optarg;
			break;
		case 'm': mode = optarg; break;
		case 'L': lo.allow_real = 1; break;
		case 'S': lo.secrets_file = optarg; break;
		case 'd': {
			int64_t secs;
			if (parse_krw(optarg, &secs) != KE_OK || secs <= 0) {
				fprintf(stderr, "kis-engine: --duration wants whole seconds\n");
				return EXIT_USAGE;
			}
			lo.duration_ms = secs * 1000;
			break;
		}
		case 'F': lo.feed_clock = 1; break;
		case 'q': lo.quiet = 1; break;
		case 'J': log_json = 1; break;
		case 'h': usage_run(stdout); return 0;
		default: usage_run(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc || !config) {
		fprintf(stderr, "kis-engine: run needs --config FILE%s\n",
		        optind < argc ? " and no other arguments" : "");
		usage_run(stderr);
		return EXIT_USAGE;
	}
	struct engine_config *cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return EXIT_USAGE;
	config_defaults(cfg);
	char err[4096];
	int status = EXIT_USAGE;
	struct core *core = NULL;
	if (config_load(config, cfg, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		goto out;
	}
	if (nstrat > 0) {
		config_free(cfg);
		cfg->nstrategies = nstrat;
		for (int i = 0; i < nstrat; i++) {
			struct config_strategy *st = &cfg->strategies[i];
			memset(st, 0, sizeof(*st));
			snprintf(st->file, sizeof(st->file), "%s", strategies[i]);
			st->cash = -1;
			st->halt_on_error = 1;
		}
	}
	lo.mode = strcmp(cfg->kis.env, "real") == 0 ? LIVE_REAL : LIVE_MOCK;
	if (cfg->live.mode[0])
		live_mode_parse(cfg->live.mode, &lo.mode); /* checked by the config reader */
	if (cfg->live.feed_clock)
		lo.feed_clock = 1;
	if (mode && live_mode_parse(mode, &lo.mode) != KE_OK) {
		fprintf(stderr, "kis-engine: --mode must be paper, mock or real\n");
		goto out;
	}
	if (cfg->nstrategies == 0) {
		fprintf(stderr, "kis-engine: no strategies (config strategies = {...} or --strategy)\n");
		goto out;
	}
	if (config_allocate_cash(cfg, err, sizeof(err)) != KE_OK || core_new(&cfg->core, &core) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
		goto out;
	}
	struct logline_config lc = {.out = stderr,
	                            .json = log_json || cfg->live.log_json,
	                            .min_level = lo.quiet ? CORE_LOG_WARN : CORE_LOG_INFO};
	if (logline_new(&lc, &lo.log) != KE_OK) {
		fprintf(stderr, "kis-engine: out of memory\n");
		goto out;
	}
	struct core_log_sink sink = logline_sink(lo.log);
	core_set_log(core, &sink);
	if (load_strategies(cfg, core, err, sizeof(err)) != KE_OK) {
		logline_write(lo.log, CORE_LOG_ERROR, NULL, now_ms(), "error", err);
		goto out;
	}
	/* Crash tests (tests/e2e/live_crash.sh): KIS_ENGINE_CRASH_AT=point:n. */
	char crash[64];
	const char *ca = getenv("KIS_ENGINE_CRASH_AT");
	if (ca && *ca) {
		snprintf(crash, sizeof(crash), "%s", ca);
		char *colon = strchr(crash, ':');
		if (!colon || atoi(colon + 1) <= 0) {
			fprintf(stderr, "kis-engine: KIS_ENGINE_CRASH_AT wants POINT:N\n");
			goto out;
		}
		*colon = '\0';
		lo.crash_point = crash;
		lo.crash_after = atoi(colon + 1);
	}
	lo.cfg = cfg;
	status = live_run(&lo, core, err, sizeof(err));
	if (status != 0 && err[0])
		logline_write(lo.log, CORE_LOG_ERROR, NULL, now_ms(), "error", err);
	struct core_totals t;
	core_totals(core, -1, &t);
	char cash[KE_KRW_BUF], pos[KE_KRW_BUF], fees[KE_KRW_BUF];
	logline_printf(lo.log, CORE_LOG_INFO, now_ms(), "stop", "cash %s KRW, positions %s KRW, fees and taxes %s KRW",
	               ke_format_krw(cash, t.cash), ke_format_krw(pos, t.position_value),
	               ke_format_krw(fees, t.fees + t.taxes));
out:
	core_free(core);
	logline_free(lo.log);
	config_free(cfg);
	free(cfg);
	return status;
}

/* kis-engine halt --config FILE: the kill switch of a running `run`. It
 * creates live.halt_file; the engine polls it every second, halts every
 * strategy and cancels their open orders (SIGUSR1 does the same). */
static int cmd_halt(int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--config") != 0) {
		fprintf(stderr, "usage: kis-engine halt --config FILE\n");
		return EXIT_USAGE;
	}
	struct engine_config *cfg = malloc(sizeof(*cfg));
	if (!cfg)
		return EXIT_USAGE;
	config_defaults(cfg);
	char err[4096];
	int status = EXIT_USAGE;
	if (config_load(argv[2], cfg, err, sizeof(err)) != KE_OK) {
		fprintf(stderr, "kis-engine: %s\n", err);
	} else if (!cfg->live.halt_file[0]) {
		fprintf(stderr, "kis-engine: %s has no live.halt_file: use kill -USR1 <pid> instead\n", argv[2]);
	} else {
		FILE *fp = fopen(cfg->live.halt_file, "w");
		if (!fp) {
			fprintf(stderr, "kis-engine: cannot create %s\n", cfg->live.halt_file);
		} else {
			fprintf(fp, "halt requested at %lld\n", (long long)time(NULL));
			fclose(fp);
			printf("halt requested: %s (the engine stops trading within a second)\n", cfg->live.halt_file);
			status = 0;
		}
	}
	config_free(cfg);
	free(cfg);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_main(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "backtest") == 0)
		return cmd_backtest(argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "halt") == 0)
		return cmd_halt(argc - 1, argv + 1);
	if (strcmp(cmd, "journal") == 0)
		return journalcmd_main(argc - 1, argv + 1);
	if (kiscmd_is_command(cmd))
		return kiscmd_main(argc - 1, argv + 1);
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage_main(stdout);
		return 0;
	}
	fprintf(stderr, "kis-engine: unknown command '%s'\n", cmd);
	usage_main(stderr);
	return EXIT_USAGE;
}
