/*
 * fee.h - commission and securities transaction tax, in whole won.
 *
 * Rates are in parts per billion (ppb) so that KIS's 0.0140527% is exact:
 * 140527 ppb. Both amounts are truncated to the won (원 미만 절사), computed
 * per fill. See docs/fees.md for the reasoning and the sources.
 */
#ifndef FEE_H
#define FEE_H

#include <stdint.h>

#define FEE_PPB_ONE       1000000000LL
#define FEE_MAX_TAX_RATES 16

struct fee_tax_rate {
	int32_t from_yyyymmdd; /* first trade date this rate applies to */
	int64_t ppb;
};

struct fee_model {
	int64_t commission_ppb;                     /* both sides */
	struct fee_tax_rate tax[FEE_MAX_TAX_RATES]; /* sorted by from_yyyymmdd */
	int ntax;
};

/* Defaults: commission 0.015%; tax 0.20% (2023), 0.18% (2024), 0.15% (2025),
 * 0.20% from 2026-01-01. */
void fee_model_default(struct fee_model *m);

/* floor(amount * ppb / 1e9) without overflow for any amount up to INT64_MAX. */
int64_t fee_apply_rate(int64_t amount, int64_t ppb);

int64_t fee_commission(const struct fee_model *m, int64_t amount);

/* Tax on a sale of `amount` traded on yyyymmdd (0 before the first rate). */
int64_t fee_sell_tax(const struct fee_model *m, int32_t yyyymmdd, int64_t amount);

/* Convert a fraction (0.00015 = 0.015%) given in a config to ppb, rounding
 * to the nearest. KE_EINVAL if negative or >= 1. */
int fee_rate_from_fraction(double fraction, int64_t *out_ppb);

/* Insert or replace the rate starting at from_yyyymmdd, keeping the order. */
int fee_set_tax_rate(struct fee_model *m, int32_t from_yyyymmdd, int64_t ppb);

#endif
