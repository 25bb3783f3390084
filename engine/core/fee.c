/*
 * fee.c - commission and securities transaction tax in whole won.
 *
 * Rates are parts per billion and every result is floored to the won, per
 * fill. docs/fees.md explains the defaults and the simplifications.
 */
#include "fee.h"

#include <math.h>

#include "ke_common.h"

void fee_model_default(struct fee_model *m)
{
	if (!m)
		return;
	/* shared/kis-protocol.md section 7: tax by year, 거래세 + 농특세 summed. */
	static const struct fee_tax_rate defaults[] = {
	    {20230101, 2000000}, /* 0.20% */
	    {20240101, 1800000}, /* 0.18% */
	    {20250101, 1500000}, /* 0.15% */
	    {20260101, 2000000}, /* 0.20% */
	};
	*m = (struct fee_model){0};
	m->commission_ppb = 150000; /* 0.015%, a round figure above KIS's 0.0140527% */
	for (size_t i = 0; i < KE_ARRAY_LEN(defaults); i++)
		m->tax[i] = defaults[i];
	m->ntax = (int)KE_ARRAY_LEN(defaults);
}

/* floor(amount * ppb / 1e9) for 0 <= ppb < 1e9. With amount = q * 1e9 + r,
 * that is q * ppb + floor(r * ppb / 1e9): q * ppb < q * 1e9 <= amount and
 * r * ppb < 1e18, so nothing overflows and nothing is lost. */
static int64_t apply_fraction(int64_t amount, int64_t ppb)
{
	int64_t q = amount / FEE_PPB_ONE, r = amount % FEE_PPB_ONE;
	return q * ppb + r * ppb / FEE_PPB_ONE;
}

int64_t fee_apply_rate(int64_t amount, int64_t ppb)
{
	if (amount <= 0 || ppb <= 0)
		return 0;
	if (ppb < FEE_PPB_ONE)
		return apply_fraction(amount, ppb);
	/* A rate of 100% or more is refused by every setter; still give an
	 * exact answer, saturated at INT64_MAX rather than wrapped. */
	int64_t whole = ppb / FEE_PPB_ONE;
	if (amount > INT64_MAX / whole)
		return INT64_MAX;
	int64_t base = amount * whole, rest = apply_fraction(amount, ppb % FEE_PPB_ONE);
	return base > INT64_MAX - rest ? INT64_MAX : base + rest;
}

int64_t fee_commission(const struct fee_model *m, int64_t amount)
{
	return m ? fee_apply_rate(amount, m->commission_ppb) : 0;
}

int64_t fee_sell_tax(const struct fee_model *m, int32_t yyyymmdd, int64_t amount)
{
	if (!m)
		return 0;
	int n = m->ntax < 0 ? 0 : m->ntax > FEE_MAX_TAX_RATES ? FEE_MAX_TAX_RATES : m->ntax;
	int64_t ppb = 0;
	for (int i = 0; i < n && m->tax[i].from_yyyymmdd <= yyyymmdd; i++)
		ppb = m->tax[i].ppb;
	return fee_apply_rate(amount, ppb);
}

int fee_rate_from_fraction(double fraction, int64_t *out_ppb)
{
	/* !(x >= 0) also catches NaN. */
	if (!out_ppb || !(fraction >= 0.0) || fraction >= 1.0)
		return KE_EINVAL;
	long long ppb = llround(fraction * 1e9);
	/* 0.9999999999 is below 1 but rounds to a whole 1e9 ppb. */
	if (ppb < 0 || ppb >= FEE_PPB_ONE)
		return KE_EINVAL;
	*out_ppb = ppb;
	return KE_OK;
}

int fee_set_tax_rate(struct fee_model *m, int32_t from_yyyymmdd, int64_t ppb)
{
	if (!m || m->ntax < 0 || m->ntax > FEE_MAX_TAX_RATES || from_yyyymmdd <= 0 || ppb < 0 || ppb >= FEE_PPB_ONE)
		return KE_EINVAL;
	int i = 0;
	while (i < m->ntax && m->tax[i].from_yyyymmdd < from_yyyymmdd)
		i++;
	if (i < m->ntax && m->tax[i].from_yyyymmdd == from_yyyymmdd) {
		m->tax[i].ppb = ppb;
		return KE_OK;
	}
	if (m->ntax == FEE_MAX_TAX_RATES)
		return KE_ELIMIT;
	for (int j = m->ntax; j > i; j--)
		m->tax[j] = m->tax[j - 1];
	m->tax[i] = (struct fee_tax_rate){from_yyyymmdd, ppb};
	m->ntax++;
	return KE_OK;
}
