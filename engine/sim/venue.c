/*
 * venue.c - kis-sim's venue: configuration and messages, symbols, accounts,
 * the clock and the day rollover, the market state, settlement, and small
 * helpers shared with venue_order.c and venue_query.c.
 *
 * The order path (new, revise, cancel, fills, notices) is venue_order.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"
#include "venue_internal.h"

/* ---- messages ---- */

struct msgdef {
	const char *name;
	const char *mock_cd, *mock_msg;
	const char *real_cd, *real_msg;
	const char *real_rt; /* rt_cd of a real refusal when not "1" */
};

/* Sources and confidence per code: docs/kis-sim.md, "Codes". */
static const struct msgdef msgdefs[SIMVENUE_MSG_COUNT] = {
    [SIMVENUE_OK_BUY] = {"OK_BUY", "40600000", "모의투자 매수주문이 완료 되었습니다.", "APBK0013",
                         "주문 전송 완료 되었습니다.", NULL},
    [SIMVENUE_OK_SELL] = {"OK_SELL", "40590000", "모의투자 매도주문이 완료 되었습니다.", "APBK0013",
                          "주문 전송 완료 되었습니다.", NULL},
    [SIMVENUE_OK_REVISE] = {"OK_REVISE", "40620000", "모의투자 정정주문이 완료 되었습니다.", "APBK0013",
                            "주문 전송 완료 되었습니다.", NULL},
    [SIMVENUE_OK_CANCEL] = {"OK_CANCEL", "40630000", "모의투자 취소주문이 완료 되었습니다.", "APBK0013",
                            "주문 전송 완료 되었습니다.", NULL},
    [SIMVENUE_OK_INQUIRY] = {"OK_INQUIRY", "20310000", "모의투자 조회가 완료되었습니다.", "KIOK0510",
                             "조회가 완료되었습니다", NULL},
    [SIMVENUE_OK_QUOTE] = {"OK_QUOTE", "MCA00000", "정상처리 되었습니다.", "MCA00000", "정상처리 되었습니다.", NULL},
    [SIMVENUE_E_ACCOUNT] = {"E_ACCOUNT", "OPSQ2000", "ERROR : INPUT INVALID_CHECK_ACNO", "OPSQ2000",
                            "ERROR : INPUT INVALID_CHECK_ACNO", NULL},
    [SIMVENUE_E_INPUT] = {"E_INPUT", "SIM00001", "입력값을 확인해주세요.", "SIM00001", "입력값을 확인해주세요.", NULL},
    [SIMVENUE_E_UNSUPPORTED] = {"E_UNSUPPORTED", "SIM00002", "kis-sim에서 지원하지 않는 주문입니다.", "SIM00002",
                                "kis-sim에서 지원하지 않는 주문입니다.", NULL},
    [SIMVENUE_E_SYMBOL] = {"E_SYMBOL", "40070000", "모의투자 주문처리가 안되었습니다(매매불가 종목)", "APBK0656",
                           "해당 종목 정보가 없습니다.", NULL},
    [SIMVENUE_E_QUOTE_SYMBOL] = {"E_QUOTE_SYMBOL", "SIM00003", "종목코드를 확인해주세요.", "SIM00003",
                                 "종목코드를 확인해주세요.", NULL},
    [SIMVENUE_E_QTY] = {"E_QTY", "SIM00004", "주문 수량을 확인해주세요.", "SIM00004", "주문 수량을 확인해주세요.",
                        NULL},
    [SIMVENUE_E_TICK] = {"E_TICK", "APBK0506", "주식주문호가단위 오류입니다.", "APBK0506",
                         "주식주문호가단위 오류입니다.", "7"},
    [SIMVENUE_E_UPPER] = {"E_UPPER", "APBK0406", "주문가격이 상한가를 초과합니다", "APBK0406",
                          "주문가격이 상한가를 초과합니다", NULL},
    [SIMVENUE_E_LOWER] = {"E_LOWER", "SIM00005", "주문가격이 하한가 미만입니다", "SIM00005",
                          "주문가격이 하한가 미만입니다", NULL},
    [SIMVENUE_E_NO_PRICE] = {"E_NO_PRICE", "SIM00006", "시세가 없어 주문할 수 없습니다.", "SIM00006",
                             "시세가 없어 주문할 수 없습니다.", NULL},
    [SIMVENUE_E_HOLIDAY] = {"E_HOLIDAY", "40100000", "모의투자 영업일이 아닙니다.", "APBK0918",
                            "장운영시간이 아닙니다.(주문불가)", NULL},
    [SIMVENUE_E_BEFORE_OPEN] = {"E_BEFORE_OPEN", "40570000", "모의투자 장시작전 입니다.", "APBK0918",
                                "장운영시간이 아닙니다.(주문불가)", NULL},
    [SIMVENUE_E_AFTER_CLOSE] = {"E_AFTER_CLOSE", "40580000", "모의투자 장종료 입니다.", "APBK0918",
                                "장운영시간이 아닙니다.(주문불가)", NULL},
    [SIMVENUE_E_CASH] = {"E_CASH", "40910000", "모의투자 주문가능금액을 초과했습니다.", "APBK0952",
                         "주문가능금액을 초과 했습니다", "7"},
    [SIMVENUE_E_HOLDINGS] = {"E_HOLDINGS", "40240000", "모의투자 잔고내역이 없습니다.", "APBK0400",
                             "주문가능수량을 초과했습니다.", NULL},
    [SIMVENUE_E_NO_ORDER] = {"E_NO_ORDER", "40330000", "모의투자 정정/취소할 수량이 없습니다.", "SIM00007",
                             "정정/취소할 수량이 없습니다.", NULL},
    [SIMVENUE_E_NOTHING_LEFT] = {"E_NOTHING_LEFT", "40330000", "모의투자 정정/취소할 수량이 없습니다.", "SIM00007",
                                 "정정/취소할 수량이 없습니다.", NULL},
    [SIMVENUE_E_RVSE_QTY] = {"E_RVSE_QTY", "SIM00008", "모의투자 정정수량이 정정가능수량을 초과합니다", "SIM00008",
                             "정정수량이 정정가능수량을 초과합니다", NULL},
    [SIMVENUE_E_INTERNAL] = {"E_INTERNAL", "SIM09999", "kis-sim internal error", "SIM09999", "kis-sim internal error",
                             NULL},
};

void simvenue_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void simvenue_config_default(struct simvenue_config *cfg, enum simvenue_env env)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->env = env == SIMVENUE_REAL ? SIMVENUE_REAL : SIMVENUE_MOCK;
	int real = cfg->env == SIMVENUE_REAL;
	simvenue_copy(cfg->orgno, sizeof(cfg->orgno), real ? "06010" : "00950");
	cfg->odno_padded = 1;
	cfg->first_odno = 1;
	fee_model_default(&cfg->fees);
	cfg->fees.commission_ppb = 140527; /* KIS non-face-to-face 0.0140527%; mock's is unknown */
	simbroker_config_default(&cfg->matcher);
	cfg->limit_ppm = 300000;
	cfg->check_session = 1;
	/* Real KIS takes orders for the opening auction from 08:30. */
	cfg->order_open_ms = real ? 8LL * 3600 * 1000 + 30LL * 60 * 1000 : KRX_OPEN_MS;
	cfg->order_close_ms = KRX_CLOSE_MS;
	cfg->balance_page = real ? 50 : 20;
	cfg->ccld_page = real ? 100 : 15;
	cfg->rvsecncl_page = 50;
	cfg->reject_log_max = 1000;
	for (int i = 0; i < SIMVENUE_MSG_COUNT; i++) {
		const struct msgdef *d = &msgdefs[i];
		struct simvenue_msg *m = &cfg->msg[i];
		int ok = i <= SIMVENUE_OK_QUOTE;
		m->http_status = i == SIMVENUE_E_INTERNAL ? 500 : 200;
		simvenue_copy(m->rt_cd, sizeof(m->rt_cd), ok ? "0" : real && d->real_rt ? d->real_rt : "1");
		simvenue_copy(m->msg_cd, sizeof(m->msg_cd), real ? d->real_cd : d->mock_cd);
		simvenue_copy(m->msg1, sizeof(m->msg1), real ? d->real_msg : d->mock_msg);
	}
}

const char *simvenue_msg_name(enum simvenue_msg_id id)
{
	return (int)id >= 0 && id < SIMVENUE_MSG_COUNT ? msgdefs[id].name : NULL;
}

void simvenue_result_set(const struct simvenue *v, struct simvenue_result *res, enum simvenue_msg_id id,
                         const char *detail)
{
	const struct simvenue_msg *m = &v->cfg.msg[id];
	memset(res, 0, sizeof(*res));
	res->id = id;
	res->http_status = m->http_status;
	simvenue_copy(res->rt_cd, sizeof(res->rt_cd), m->rt_cd);
	simvenue_copy(res->msg_cd, sizeof(res->msg_cd), m->msg_cd);
	simvenue_copy(res->msg1, sizeof(res->msg1), m->msg1);
	size_t n = strlen(res->msg1);
	if (detail && *detail && n + 1 < sizeof(res->msg1))
		snprintf(res->msg1 + n, sizeof(res->msg1) - n, " (%s)", detail);
}

/* ---- lifetime ---- */

int simvenue_new(const struct simvenue_config *cfg, struct simvenue **out)
{
	if (!cfg || !out)
		return KE_EINVAL;
	*out = NULL;
	if ((cfg->env != SIMVENUE_MOCK && cfg->env != SIMVENUE_REAL) || cfg->first_odno < 1 ||
	    cfg->first_odno > 999999999 || cfg->limit_ppm < 1 || cfg->limit_ppm >= 1000000 || cfg->balance_page < 1 ||
	    cfg->balance_page > SIMVENUE_PAGE_MAX || cfg->ccld_page < 1 || cfg->ccld_page > SIMVENUE_PAGE_MAX ||
	    cfg->rvsecncl_page < 1 || cfg->rvsecncl_page > SIMVENUE_PAGE_MAX || cfg->reject_log_max < 0 ||
	    cfg->order_open_ms < 0 || cfg->order_close_ms > KTIME_DAY_MS || cfg->fees.commission_ppb < 0 ||
	    cfg->fees.commission_ppb >= FEE_PPB_ONE)
		return KE_EINVAL;
	struct simvenue *v = calloc(1, sizeof(*v));
	if (!v)
		return KE_ENOMEM;
	v->cfg = *cfg;
	v->day = -1;
	int rc = simbroker_new(&cfg->matcher, (struct broker_sink){v, simvenue_on_broker_event}, &v->sb);
	if (rc != KE_OK) {
		free(v);
		return rc;
	}
	*out = v;
	return KE_OK;
}

void simvenue_free(struct simvenue *v)
{
	if (!v)
		return;
	simbroker_free(v->sb);
	for (int i = 0; i < v->nacct; i++) {
		portfolio_free(&v->accts[i].pf);
		free(v->accts[i].day);
	}
	free(v->accts);
	for (int32_t i = 0; i < v->nsyms; i++)
		simvenue_chart_free(&v->syms[i]);
	free(v->syms);
	free(v->orders);
	free(v->fills);
	free(v->rejects);
	free(v);
}

const struct simvenue_config *simvenue_get_config(const struct simvenue *v)
{
	return v ? &v->cfg : NULL;
}

/* Grow *p (n used, *cap allocated, elements of size) to hold one more. */
int simvenue_grow(void **p, int64_t n, int64_t *cap, size_t size)
{
	if (n < *cap)
		return KE_OK;
	int64_t ncap = *cap ? *cap * 2 : 16;
	if ((uint64_t)ncap > SIZE_MAX / size)
		return KE_ENOMEM;
	void *np = realloc(*p, (size_t)ncap * size);
	if (!np)
		return KE_ENOMEM;
	memset((char *)np + (size_t)*cap * size, 0, (size_t)(ncap - *cap) * size);
	*p = np;
	*cap = ncap;
	return KE_OK;
}

/* ---- symbols ---- */

static int code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n >= KE_SYMBOL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = code[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return 0;
	}
	return 1;
}

int simvenue_symbol_find(const struct simvenue *v, const char *code, int32_t *id)
{
	if (!v || !code || !id)
		return KE_EINVAL;
	/* A linear scan: a replay has a few thousand symbols at most, and this is
	 * only on the request path, never per tick. */
	for (int32_t i = 0; i < v->nsyms; i++)
		if (strcmp(v->syms[i].code, code) == 0) {
			*id = i;
			return KE_OK;
		}
	return KE_ENOENT;
}

int simvenue_symbol(struct simvenue *v, const char *code, int32_t *id)
{
	if (!v || !id || !code_ok(code))
		return KE_EINVAL;
	if (simvenue_symbol_find(v, code, id) == KE_OK)
		return KE_OK;
	int64_t cap = v->capsyms;
	if (v->nsyms >= INT32_MAX - 1 || simvenue_grow((void **)&v->syms, v->nsyms, &cap, sizeof(*v->syms)) != KE_OK)
		return KE_ENOMEM;
	v->capsyms = (int32_t)cap;
	struct vsym *s = &v->syms[v->nsyms];
	memset(s, 0, sizeof(*s));
	simvenue_copy(s->code, sizeof(s->code), code);
	simvenue_copy(s->name, sizeof(s->name), code);
	*id = v->nsyms++;
	return KE_OK;
}

const char *simvenue_symbol_code(const struct simvenue *v, int32_t id)
{
	return v && id >= 0 && id < v->nsyms ? v->syms[id].code : NULL;
}

int simvenue_set_symbol_name(struct simvenue *v, int32_t id, const char *name)
{
	if (!v || id < 0 || id >= v->nsyms || !name)
		return KE_EINVAL;
	simvenue_copy(v->syms[id].name, sizeof(v->syms[id].name), name);
	return KE_OK;
}

int32_t simvenue_symbol_count(const struct simvenue *v)
{
	return v ? v->nsyms : 0;
}

/* ---- accounts ---- */

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int simvenue_account_index(const struct simvenue *v, const char *cano, const char *prdt)
{
	for (int i = 0; i < v->nacct; i++)
		if (strcmp(v->accts[i].cano, cano) == 0 && strcmp(v->accts[i].prdt, prdt) == 0)
			return i;
	return -1;
}

struct vday *simvenue_acct_day(struct vacct *a, int32_t sym)
{
	if (sym < 0)
		return NULL;
	if (sym >= a->nday) {
		int32_t n = sym + 16;
		struct vday *nd = realloc(a->day, (size_t)n * sizeof(*nd));
		if (!nd)
			return NULL;
		memset(nd + a->nday, 0, (size_t)(n - a->nday) * sizeof(*nd));
		a->day = nd;
		a->nday = n;
	}
	return &a->day[sym];
}

int simvenue_add_account(struct simvenue *v, const struct simacct_account *a)
{
	if (!v || !a || !all_digits(a->cano, 8) || !all_digits(a->prdt, 2) || a->cash < 0 || a->nholdings < 0 ||
	    a->nholdings > SIMACCT_MAX_HOLDINGS || simvenue_account_index(v, a->cano, a->prdt) >= 0)
		return KE_EINVAL;
	for (int i = 0; i < a->nholdings; i++) {
		const struct simacct_holding *h = &a->holdings[i];
		if (!code_ok(h->symbol) || h->qty <= 0 || h->avg_price < 0 ||
		    (h->avg_price > 0 && h->qty > INT64_MAX / h->avg_price))
			return KE_EINVAL;
	}
	int64_t cap = v->capacct;
	if (simvenue_grow((void **)&v->accts, v->nacct, &cap, sizeof(*v->accts)) != KE_OK)
		return KE_ENOMEM;
	v->capacct = (int)cap;
	struct vacct *va = &v->accts[v->nacct];
	memset(va, 0, sizeof(*va));
	simvenue_copy(va->cano, sizeof(va->cano), a->cano);
	simvenue_copy(va->prdt, sizeof(va->prdt), a->prdt);
	simvenue_copy(va->hts_id, sizeof(va->hts_id), a->hts_id);
	int rc = portfolio_init(&va->pf, a->cash);
	for (int i = 0; rc == KE_OK && i < a->nholdings; i++) {
		const struct simacct_holding *h = &a->holdings[i];
		int32_t sym;
		struct position *pos;
		struct vday *d;
		rc = simvenue_symbol(v, h->symbol, &sym);
		if (rc == KE_OK && (!(pos = portfolio_position(&va->pf, sym)) || !(d = simvenue_acct_day(va, sym))))
			rc = KE_ENOMEM;
		if (rc == KE_OK) {
			/* The same symbol twice in a file adds up. */
			pos->qty += h->qty;
			pos->cost += h->qty * h->avg_price;
			d->listed = 1;
		}
	}
	if (rc != KE_OK) {
		portfolio_free(&va->pf);
		free(va->day);
		return rc;
	}
	v->nacct++;
	return KE_OK;
}

/* ---- the clock and the day ---- */

static int64_t scale_ppm(int64_t x, int64_t ppm)
{
	return x / 1000000 * ppm + x % 1000000 * ppm / 1000000;
}

static void set_base(const struct simvenue *v, struct vsym *s, int64_t base)
{
	s->base = base;
	if (base <= 0) {
		s->lower = s->upper = 0;
		return;
	}
	/* The engine's own rule at KRX's 30%, so both sides agree on the band;
	 * another limit_ppm rounds the same way (upper down, lower up). */
	if (v->cfg.limit_ppm == 300000) {
		krx_price_limits(base, &s->lower, &s->upper);
		return;
	}
	int64_t d = scale_ppm(base, v->cfg.limit_ppm);
	s->upper = krx_round_price(base + d, -1);
	s->lower = base - d < 1 ? 1 : krx_round_price(base - d, 1);
}

static int64_t account_total(const struct simvenue *v, const struct vacct *a)
{
	int64_t total = a->pf.cash;
	for (int32_t i = 0; i < a->pf.npos && i < v->nsyms; i++) {
		const struct position *p = &a->pf.pos[i];
		if (p->qty > 0)
			total += v->syms[i].last > 0 ? p->qty * v->syms[i].last : p->cost;
	}
	return total;
}

static void rollover(struct simvenue *v, int32_t day)
{
	for (int i = 0; i < v->nacct; i++) {
		struct vacct *a = &v->accts[i];
		a->bfdy_tot_asst = account_total(v, a);
		a->bfdy_buy_amt = a->thdt_buy_amt;
		a->bfdy_sll_amt = a->thdt_sll_amt;
		a->bfdy_tlex_amt = a->thdt_tlex_amt;
		a->thdt_buy_amt = a->thdt_sll_amt = a->thdt_tlex_amt = 0;
		for (int32_t s = 0; s < a->nday; s++) {
			struct vday *d = &a->day[s];
			const struct position *p = portfolio_peek(&a->pf, s);
			d->bfdy_buy_qty = d->buy_qty;
			d->bfdy_sell_qty = d->sell_qty;
			d->buy_qty = d->sell_qty = 0;
			/* A holding sold out yesterday drops off today's balance. */
			d->listed = p && p->qty > 0;
		}
	}
	for (int32_t i = 0; i < v->nsyms; i++) {
		struct vsym *s = &v->syms[i];
		if (s->last > 0)
			set_base(v, s, s->last);
		s->open = s->high = s->low = 0;
		s->volume = s->value = 0;
		s->last_time = 0;
	}
	v->day = day;
}

void simvenue_clock(struct simvenue *v, int64_t now)
{
	if (now > v->now)
		v->now = now;
	/* The matcher expires yesterday's orders first, so the expiries are
	 * booked on the day they belong to before its counters move to bfdy. */
	simbroker_advance(v->sb, v->now);
	int32_t day = ktime_kst_day(v->now);
	if (day != v->day)
		rollover(v, day);
}

int simvenue_advance(struct simvenue *v, int64_t now)
{
	if (!v)
		return KE_EINVAL;
	simvenue_clock(v, now);
	return KE_OK;
}

int simvenue_set_prev_close(struct simvenue *v, int64_t now, int32_t sym, int64_t prev_close)
{
	if (!v || sym < 0 || sym >= v->nsyms || prev_close <= 0)
		return KE_EINVAL;
	simvenue_clock(v, now);
	struct vsym *s = &v->syms[sym];
	set_base(v, s, prev_close);
	if (s->last <= 0 || s->last_time == 0)
		s->last = prev_close; /* before today's first print the price is the base */
	return KE_OK;
}

static void mark(const struct simvenue *v, struct vsym *s, int64_t time, int64_t open, int64_t high, int64_t low,
                 int64_t close, int64_t volume, int64_t value)
{
	/* A symbol nobody gave a base takes its first price as one. */
	if (s->base <= 0)
		set_base(v, s, open);
	if (s->open == 0) {
		s->open = open;
		s->high = high;
		s->low = low;
	}
	if (high > s->high)
		s->high = high;
	if (low < s->low)
		s->low = low;
	s->last = close;
	s->volume += volume;
	s->value += value;
	s->last_time = time;
}

int simvenue_on_tick(struct simvenue *v, const struct tick *t)
{
	if (!v || !t || t->sym < 0 || t->sym >= v->nsyms || t->price <= 0 || t->volume < 0 ||
	    t->volume > INT64_MAX / t->price)
		return KE_EINVAL;
	if (simvenue_chart_reserve(v, t->sym) != KE_OK)
		return KE_ENOMEM;
	simvenue_clock(v, t->time);
	int64_t value = t->price * t->volume;
	mark(v, &v->syms[t->sym], t->time, t->price, t->price, t->price, t->price, t->volume, value);
	simvenue_chart_record(v, t->sym, t->time, 0, t->price, t->price, t->price, t->price, t->volume, value);
	v->ctr.ticks++;
	simbroker_on_tick(v->sb, t);
	return KE_OK;
}

int simvenue_on_bar(struct simvenue *v, const struct bar *b)
{
	/* A well-formed bar (low <= open, close <= high) also bounds close * volume below. */
	if (!v || !b || b->sym < 0 || b->sym >= v->nsyms || b->open <= 0 || b->low <= 0 || b->low > b->high ||
	    b->close <= 0 || b->open < b->low || b->open > b->high || b->close < b->low || b->close > b->high ||
	    b->volume < 0 || b->volume > INT64_MAX / b->high)
		return KE_EINVAL;
	if (simvenue_chart_reserve(v, b->sym) != KE_OK)
		return KE_ENOMEM;
	simvenue_clock(v, b->time);
	/* A bar does not say at what prices its volume traded: its value is
	 * taken at the close. */
	int64_t value = b->close * b->volume;
	mark(v, &v->syms[b->sym], b->time, b->open, b->high, b->low, b->close, b->volume, value);
	simvenue_chart_record(v, b->sym, b->time, 1, b->open, b->high, b->low, b->close, b->volume, value);
	v->ctr.bars++;
	simbroker_on_bar(v->sb, b);
	return KE_OK;
}

/* ---- helpers shared with the queries ---- */

void simvenue_hhmmss(int64_t ms, char *buf, size_t len)
{
	int64_t t = ktime_kst_ms_of_day(ms) / 1000;
	snprintf(buf, len, "%02d%02d%02d", (int)(t / 3600), (int)(t / 60 % 60), (int)(t % 60));
}

void simvenue_format_odno(const struct simvenue *v, int64_t odno, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	snprintf(buf, len, v && v->cfg.odno_padded ? "%010lld" : "%lld", (long long)odno);
}

void simvenue_format_bp(int64_t bp, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	uint64_t m = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
	snprintf(buf, len, "%s%llu.%02llu", bp < 0 ? "-" : "", (unsigned long long)(m / 100),
	         (unsigned long long)(m % 100));
}

int simvenue_parse_uint(const char *s, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return -1;
	int64_t x = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		int d = *s - '0';
		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}

int64_t simvenue_buy_need(const struct simvenue *v, int64_t qty, int64_t price)
{
	if (qty <= 0 || price <= 0)
		return 0;
	if (qty > INT64_MAX / 2 / price)
		return INT64_MAX;
	int64_t value = qty * price;
	return value + fee_commission(&v->cfg.fees, value);
}

/* The second weekday after day: when a trade of that day settles. */
static int32_t settle_day(int32_t day, int n)
{
	while (n > 0) {
		day++;
		int wd = ktime_weekday(day);
		if (wd != 0 && wd != 6)
			n--;
	}
	return day;
}

void simvenue_cash_views(const struct simvenue *v, const struct vacct *a, int64_t *d0, int64_t *d1, int64_t *d2)
{
	int32_t today = v->day, next = settle_day(v->day, 1);
	int64_t after_today = 0, after_next = 0;
	for (int i = 0; i < a->nflows; i++) {
		int32_t s = settle_day(a->flows[i].day, 2);
		if (s > today)
			after_today += a->flows[i].amount;
		if (s > next)
			after_next += a->flows[i].amount;
	}
	*d2 = a->pf.cash;
	*d1 = a->pf.cash - after_next;
	*d0 = a->pf.cash - after_today;
}

void simvenue_add_flow(struct simvenue *v, struct vacct *a, int32_t day, int64_t amount)
{
	/* Flows that have settled are already in cash: drop them. */
	int n = 0;
	for (int i = 0; i < a->nflows; i++)
		if (settle_day(a->flows[i].day, 2) > v->day)
			a->flows[n++] = a->flows[i];
	a->nflows = n;
	for (int i = 0; i < a->nflows; i++)
		if (a->flows[i].day == day) {
			a->flows[i].amount += amount;
			return;
		}
	if (a->nflows == VENUE_FLOWS) {
		/* Cannot happen with two unsettled weekdays; merge into the newest. */
		a->flows[a->nflows - 1].amount += amount;
		return;
	}
	a->flows[a->nflows++] = (struct vflow){day, amount};
}
