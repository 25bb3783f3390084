/*
 * core_history.c - the bars a strategy sees before its run starts (see
 * core.h, "history before the run"). The core only keeps them: drivers
 * fetch (live) or cut them from the data (backtest).
 */
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

static const int max_bars[CORE_HIST_KINDS] = {CORE_HIST_MAX_DAILY, CORE_HIST_MAX_MINUTE};

int core_set_history_need(struct core *c, int strategy, enum core_history_kind kind, int n)
{
	if (strategy < 0 || strategy >= c->nstrats || (unsigned)kind >= CORE_HIST_KINDS || n < 0 || n > max_bars[kind])
		return KE_EINVAL;
	c->strats[strategy].history_need[kind] = n;
	return KE_OK;
}

int core_history_need(const struct core *c, int32_t sym, enum core_history_kind kind)
{
	int need = 0;
	if ((unsigned)kind >= CORE_HIST_KINDS)
		return 0;
	for (int i = 0; i < c->nstrats; i++)
		if (core_subscribed(&c->strats[i], sym) && c->strats[i].history_need[kind] > need)
			need = c->strats[i].history_need[kind];
	return need;
}

int core_history_set(struct core *c, int32_t sym, enum core_history_kind kind, const struct bar *bars, size_t n)
{
	if (sym < 0 || sym >= c->nsyms || (unsigned)kind >= CORE_HIST_KINDS || (n > 0 && !bars))
		return KE_EINVAL;
	for (size_t i = 1; i < n; i++)
		if (bars[i].time <= bars[i - 1].time)
			return KE_EINVAL;
	struct bar *copy = NULL;
	if (n > 0) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return KE_ENOMEM;
		memcpy(copy, bars, n * sizeof(*copy));
		for (size_t i = 0; i < n; i++)
			copy[i].sym = sym;
	}
	struct core_symbol *s = &c->syms[sym];
	free(s->hist[kind]);
	s->hist[kind] = copy;
	s->nhist[kind] = n;
	return KE_OK;
}

int core_history(const struct core *c, int32_t sym, enum core_history_kind kind, const struct bar **bars, size_t *n)
{
	*bars = NULL;
	*n = 0;
	if (sym < 0 || sym >= c->nsyms || (unsigned)kind >= CORE_HIST_KINDS)
		return KE_EINVAL;
	*bars = c->syms[sym].hist[kind];
	*n = c->syms[sym].nhist[kind];
	return KE_OK;
}
