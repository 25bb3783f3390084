/*
 * config.h - the run configuration, read from a Lua file that returns a
 * table (the files in configs/). The file is evaluated in an empty environment: it
 * can compute values but cannot reach the machine. Every key is checked;
 * an unknown key or a wrong type is an error naming the file and the key.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

#define CONFIG_MAX_STRATEGIES 32
#define CONFIG_MAX_DATA       64
#define CONFIG_PATH_MAX       4096

struct config_strategy {
	char file[CONFIG_PATH_MAX];
	char name[64]; /* "" = the strategy's own name */
	int64_t cash;  /* -1 = share of what is left */
	struct risk_limits risk;
	int halt_on_error;       /* on_error = "halt" (1, default) | "continue" (0) */
	char *params_lua;        /* "return {...}" or NULL; owned */
	char symbols[1024];      /* "" = the strategy's s.symbols; "*" = every symbol; else "A,B,..." */
	int64_t max_data_age_ms; /* stale-data guard (strategy_spec); 0 = off */
};

struct config_fill {
	int slippage_ticks;
	int64_t latency_ms;
	int64_t participation_ppm;
};

/* The kis = { ... } table: where and how the KIS client connects. Never
 * credentials: those come from the environment or secrets_file. */
struct config_kis {
	char env[8];                           /* "mock" (default) or "real" */
	char base_url[256];                    /* "" = KIS's host (kis-sim: "http://127.0.0.1:29443") */
	char ws_url[256];                      /* "" = KIS's host */
	char ca_file[CONFIG_PATH_MAX];         /* private CA bundle */
	char secrets_file[CONFIG_PATH_MAX];    /* KEY=VALUE file, mode 0600 */
	char token_cache_dir[CONFIG_PATH_MAX]; /* "" = $XDG_CACHE_HOME/kis-engine */
	int rate_per_sec;                      /* -1 = the environment's default */
	int64_t order_timeout_ms;              /* 0 = default */
	int64_t query_timeout_ms;              /* 0 = default */
	int64_t poll_ms;                       /* 0 = default */
	int hashkey;                           /* 1: send a hashkey with orders */
};

/* The live = { ... } table: how kis-engine run runs. */
#define CONFIG_MAX_HOLIDAYS 64

struct config_live {
	char mode[8];                    /* "" = from kis.env; "paper", "mock" or "real" */
	int feed_clock;                  /* 1: the clock follows the ticks (kis-sim replays) */
	char journal[CONFIG_PATH_MAX];   /* the SQLite journal; "" = none */
	char halt_file[CONFIG_PATH_MAX]; /* kill switch: when this file appears, trading stops; "" = none */
	int cancel_at_close;             /* 1 (default): cancel open orders after the 15:30 close */
	int cancel_on_stop;              /* 1: SIGINT/SIGTERM cancel open orders before exiting (default 0) */
	int64_t status_every_s;          /* status line period on a terminal; 0 = none (default 60) */
	int log_json;                    /* 1: JSON lines (also --log-json) */
	/* Extra closed KRX days (KST day numbers, ktime.h), for accounts without
	 * the holiday inquiry (mock). */
	int32_t holidays[CONFIG_MAX_HOLIDAYS];
	int nholidays;
};

struct engine_config {
	char path[CONFIG_PATH_MAX]; /* "" when defaults only */
	struct core_config core;
	struct config_fill fill;
	int64_t cash;
	int64_t instruction_budget;
	size_t memory_limit;
	uint64_t seed;
	struct config_strategy strategies[CONFIG_MAX_STRATEGIES];
	int nstrategies;
	char data[CONFIG_MAX_DATA][CONFIG_PATH_MAX];
	int ndata;
	int32_t from_day, to_day; /* KST day numbers, -1 = open */
	char out_dir[CONFIG_PATH_MAX];
	struct config_kis kis;
	struct config_live live;
};

void config_defaults(struct engine_config *cfg);

/* Reads path over the defaults already in cfg. Paths inside the file are
 * taken relative to the current directory. */
int config_load(const char *path, struct engine_config *cfg, char *err, size_t errlen);

/* Splits the cash among strategies: explicit allocations first, the rest in
 * equal parts (remainder to the first). KE_EINVAL if they exceed the total. */
int config_allocate_cash(struct engine_config *cfg, char *err, size_t errlen);

void config_free(struct engine_config *cfg);

#endif
