/*
 * venue_internal.h - the venue's state, shared by venue.c (config, symbols,
 * accounts, clock, market), venue_order.c (orders, fills, notices) and
 * venue_query.c (the answers of the queries and the dump). Not a public
 * interface: only these files include it.
 */
#ifndef VENUE_INTERNAL_H
#define VENUE_INTERNAL_H

#include "broker.h"
#include "portfolio.h"
#include "simvenue.h"

/* One minute bar of today, stamped at its end. */
struct vminute {
	int32_t end_min; /* minute of the KST day at which it ends (09:01 = 541) */
	int64_t open, high, low, close, volume, value;
	int64_t acml_value; /* the day's value through this bar */
};

/* One trading day of a symbol, kept for the run. */
struct vdaily {
	int32_t day;
	int64_t open, high, low, close, volume, value;
	int64_t base, lower, upper; /* the day's base and band as last seen */
};

/* One symbol's day as the venue sees it. */
struct vsym {
	char code[KE_SYMBOL_MAX];
	char name[64];
	int64_t last;            /* last price seen, kept across days */
	int64_t open, high, low; /* today, 0 before the first print */
	int64_t volume, value;   /* today's cumulative shares and won */
	int64_t base;            /* previous close, 0 when unknown */
	int64_t lower, upper;    /* today's band, 0 when base is unknown */
	int64_t last_time;       /* ms of today's last print, 0 for none */
	struct vminute *mins;    /* today's minute bars, oldest first (venue_chart.c) */
	int64_t nmins, capmins;
	int32_t mins_day;    /* the day mins belong to */
	struct vdaily *days; /* one per day with a print, oldest first */
	int64_t ndays, capdays;
};

/* Per account and symbol: what the balance query needs beyond the position. */
struct vday {
	int64_t buy_qty, sell_qty;           /* today */
	int64_t bfdy_buy_qty, bfdy_sell_qty; /* the previous day the venue saw */
	int listed;                          /* shown by inquire-balance today */
};

/* Net cash of one trade day, settled two weekdays later. */
struct vflow {
	int32_t day;
	int64_t amount;
};

#define VENUE_FLOWS 8

struct vacct {
	char cano[9], prdt[3], hts_id[32];
	struct portfolio pf; /* cash, reservations and positions by venue symbol id */
	struct vday *day;    /* indexed by symbol id */
	int32_t nday;
	int64_t thdt_buy_amt, thdt_sll_amt, thdt_tlex_amt;
	int64_t bfdy_buy_amt, bfdy_sll_amt, bfdy_tlex_amt;
	int64_t bfdy_tot_asst;
	struct vflow flows[VENUE_FLOWS];
	int nflows;
};

struct vorder {
	int acct;
	int32_t sym;
	enum order_side side;
	enum simvenue_order_kind kind;
	enum order_type type;
	char ord_dvsn[3];
	int64_t odno, orgn_odno;
	int64_t qty, price;
	int64_t time;
	int32_t day;
	int64_t filled_qty, filled_amt, fees, taxes;
	int64_t remaining, revised_qty, cancelled_qty, expired_qty;
	int64_t reserve_price; /* buy: the price its cash is held at */
	int64_t reserved;      /* buy: cash held for the remaining quantity */
	int is_rvse;           /* which request created it */
	union {
		struct simvenue_order_req o;
		struct simvenue_rvse_req r;
	} req;
};

struct vfill {
	int64_t odno;
	int64_t time, qty, price, fee, tax;
};

struct vreject {
	int64_t time;
	int is_rvse;
	enum simvenue_msg_id id;
	union {
		struct simvenue_order_req o;
		struct simvenue_rvse_req r;
	} req;
};

#define VENUE_CAPTURE 4

struct simvenue {
	struct simvenue_config cfg;
	struct simbroker *sb;
	int64_t now;
	int32_t day; /* KST day of now, -1 before the first call */
	struct vsym *syms;
	int32_t nsyms, capsyms;
	struct vacct *accts;
	int nacct, capacct;
	struct vorder *orders; /* index i has ODNO first_odno + i and matcher id i + 1 */
	int64_t norders, caporders;
	struct vfill *fills;
	int64_t nfills, capfills;
	struct vreject *rejects;
	int64_t nrejects, caprejects;
	simvenue_notice_fn notice_fn;
	void *notice_ud;
	/* While the venue itself calls the matcher, its answers are captured
	 * here rather than booked (place/modify/cancel answer synchronously). */
	int capturing;
	struct broker_event cap[VENUE_CAPTURE];
	int ncap;
	struct simvenue_counters ctr;
};

/* snprintf(dst, len, "%s", src), NULL as "". */
void simvenue_copy(char *dst, size_t len, const char *src);

/* Grow *p (n used, *cap allocated, elements of size, zeroed) to hold one more. */
int simvenue_grow(void **p, int64_t n, int64_t *cap, size_t size);

/* The sink simbroker emits into (ctx is the venue). */
void simvenue_on_broker_event(void *ctx, const struct broker_event *ev);

/* Book amount (negative for a buy) as traded on day, to settle two weekdays later. */
void simvenue_add_flow(struct simvenue *v, struct vacct *a, int32_t day, int64_t amount);

/* Move the clock to now (never back) and roll the day over when it changes. */
void simvenue_clock(struct simvenue *v, int64_t now);

/* Fill res with message id; detail (may be NULL) is appended to msg1. */
void simvenue_result_set(const struct simvenue *v, struct simvenue_result *res, enum simvenue_msg_id id,
                         const char *detail);

/* Index of the account, or -1. */
int simvenue_account_index(const struct simvenue *v, const char *cano, const char *prdt);

/* "HHMMSS" of an instant in KST; buf >= 7. */
void simvenue_hhmmss(int64_t ms, char *buf, size_t len);

/* Settled cash (D), cash after D+1, and after D+2 (= booked cash) of an account. */
void simvenue_cash_views(const struct simvenue *v, const struct vacct *a, int64_t *d0, int64_t *d1, int64_t *d2);

/* Cash a buy of qty at price holds: qty * price + commission; INT64_MAX if it overflows. */
int64_t simvenue_buy_need(const struct simvenue *v, int64_t qty, int64_t price);

/* The per-symbol day record of an account (NULL only on ENOMEM). */
struct vday *simvenue_acct_day(struct vacct *a, int32_t sym);

/* Room for one more minute and daily bar of sym, so that recording cannot
 * fail once a print has changed the venue; KE_ENOMEM changes nothing. */
int simvenue_chart_reserve(struct simvenue *v, int32_t sym);

/* Record a print (is_bar 0) or a fed bar of sym at time into today's minute
 * bar and daily bar, after the day's quote took it; reserve first. */
void simvenue_chart_record(struct simvenue *v, int32_t sym, int64_t time, int is_bar, int64_t open, int64_t high,
                           int64_t low, int64_t close, int64_t volume, int64_t value);

/* Free the chart history of a symbol. */
void simvenue_chart_free(struct vsym *s);

/* Parse a non-empty string of digits into 0..max; 0 on success. */
int simvenue_parse_uint(const char *s, int64_t max, int64_t *out);

#endif
