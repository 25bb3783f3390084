/*
 * kiscmd.h - the account commands of the kis-engine command line:
 *
 *   kis-engine account                       cash, positions, open orders
 *   kis-engine quote SYMBOL                  current price
 *   kis-engine order buy|sell SYMBOL QTY [PRICE]   (no PRICE: market)
 *   kis-engine cancel ORDER_NO               cancel what is left of it
 *   kis-engine token --status                the cached token and approval key
 *
 * Common options: --env mock|real, --config FILE (its kis = {...} table),
 * --base-url URL, --secrets FILE, --json, --yes (orders on real without
 * the confirmation question).
 *
 * Exit status: 0 done; 1 KIS refused or could not be reached; 2 bad usage
 * or input; 3 an order or cancel whose outcome is unknown (the answer was
 * lost: look with `kis-engine account` before trying again - nothing is
 * re-sent automatically).
 */
#ifndef KISCMD_H
#define KISCMD_H

/* argv[0] is the command name ("account", "quote", ...). */
int kiscmd_main(int argc, char **argv);

/* 1 when name is one of the commands above. */
int kiscmd_is_command(const char *name);

#endif
