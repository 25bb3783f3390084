/*
 * simacct.h - kis-sim's accounts: credentials and starting balances, from a
 * small JSON file or the built-in test account.
 *
 * File shape (docs/kis-sim.md):
 *   { "accounts": [ { "app_key": "...", "app_secret": "...", "hts_id": "...",
 *                     "account": "12345678-01", "env": "mock" | "real" | "both",
 *                     "cash": 100000000,
 *                     "holdings": [ { "symbol": "005930", "qty": 10, "avg_price": 70000 } ] } ] }
 */
#ifndef SIMACCT_H
#define SIMACCT_H

#include <stddef.h>
#include <stdint.h>

#include "ke_common.h"

#define SIMACCT_MAX          16
#define SIMACCT_MAX_HOLDINGS 64
#define SIMACCT_KEY_MAX      64  /* app keys are 36 characters at KIS */
#define SIMACCT_SECRET_MAX   256 /* app secrets are 180 */

enum simacct_env { SIMACCT_MOCK = 1, SIMACCT_REAL = 2, SIMACCT_BOTH = 3 };

struct simacct_holding {
	char symbol[KE_SYMBOL_MAX];
	int64_t qty;
	int64_t avg_price;
};

struct simacct_account {
	char app_key[SIMACCT_KEY_MAX];
	char app_secret[SIMACCT_SECRET_MAX];
	char hts_id[32];
	char cano[9];         /* the 8-digit account number */
	char prdt[3];         /* the 2-digit product code, "01" */
	enum simacct_env env; /* which environment(s) accept these credentials */
	int64_t cash;         /* starting deposit, KRW */
	struct simacct_holding holdings[SIMACCT_MAX_HOLDINGS];
	int nholdings;
};

struct simacct_list {
	struct simacct_account acct[SIMACCT_MAX];
	int n;
};

/* The built-in test account, used when no file is given. Its values are
 * documented in docs/kis-sim.md so tests and users can log in with them. */
void simacct_default(struct simacct_list *out);

/* Reads and validates an accounts file. KE_EIO / KE_EINVAL with a message
 * naming the file and the offending field. */
int simacct_load(const char *path, struct simacct_list *out, char *err, size_t errlen);

/* The account whose app key is app_key and that serves env, or NULL. */
const struct simacct_account *simacct_by_key(const struct simacct_list *l, const char *app_key, enum simacct_env env);

#endif
