/*
 * report.c - the run's output: fills.csv, orders.csv, equity.csv,
 * summary.json and the printed table.
 *
 * Rows go to disk as the run goes. What stays in memory is bounded by the
 * shape of the run, not its length in events: one bit per order id (so an
 * order is written once), one record per (strategy, symbol) pair for round
 * trips, and one int64 per KST day for the Sharpe ratio.
 *
 * Writes never fail loudly in the middle of a run (the observer hooks
 * return void): the first error is kept and report_finish returns it.
 */
#include "report.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "ktime.h"
#include "order.h"

#define MINUTE_MS 60000

#define FILLS_HEADER "time,order_id,strategy,symbol,side,qty,price,fee,tax\n"
#define ORDERS_HEADER                                                                                                  \
	"order_id,strategy,symbol,side,type,price,qty,filled_qty,avg_fill_price,fees,taxes,status,created,updated,"    \
	"reason\n"
#define EQUITY_HEADER "time,cash,position_value,equity\n"

struct rt_pair {
	int64_t qty; /* signed position built from the fills seen */
	int64_t net; /* cash flow of the open round trip, after costs */
};

struct rt_strategy {
	struct rt_pair *pairs; /* indexed by symbol id */
	int32_t npairs;
	int64_t fills, trades, wins, fees, taxes;
};

struct rfile {
	FILE *fp;
	char *path;
};

struct sample {
	int64_t time, cash, position_value;
};

struct report {
	struct core *core;
	struct rfile fills_csv, orders_csv, equity_csv;
	char *summary_path;
	int finished;

	int err; /* first error seen; sticky */
	char errmsg[KE_REASON_MAX + 256];

	unsigned char *written; /* bit per order id: its row is out (ids are dense from 1) */
	size_t written_len;

	struct rt_strategy *strats;
	int nstrats;

	int64_t fills, fees, taxes, trades, wins, events, orders;

	int have_sample;
	struct sample last; /* not yet in equity.csv */
	int64_t first_time;
	int64_t peak;
	double max_drawdown;

	int64_t *closes; /* equity at the last sample of each KST day */
	size_t nclose, cap_close;
};

static void set_msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void fail_io(struct report *r, const char *path, int e)
{
	if (r->err)
		return;
	r->err = KE_EIO;
	set_msg(r->errmsg, sizeof r->errmsg, "cannot write %s: %s", path, strerror(e ? e : EIO));
}

static void fail_nomem(struct report *r)
{
	if (r->err)
		return;
	r->err = KE_ENOMEM;
	set_msg(r->errmsg, sizeof r->errmsg, "report: out of memory");
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* RFC 4180: a field holding a separator, quote or line break is quoted,
 * with quotes doubled. Returns -1 on a write error. */
static int csv_text(FILE *fp, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		return fputs(s, fp) < 0 ? -1 : 0;
	if (putc('"', fp) == EOF)
		return -1;
	for (; *s; s++) {
		if (*s == '"' && putc('"', fp) == EOF)
			return -1;
		if (putc(*s, fp) == EOF)
			return -1;
	}
	return putc('"', fp) == EOF ? -1 : 0;
}

/* ---- files ---- */

static char *join_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

/* mkdir -p: every missing component is created 0755. */
static int make_dirs(const char *dir, char *err, size_t errlen)
{
	size_t n = strlen(dir);
	char *p = malloc(n + 1);
	if (!p) {
		set_msg(err, errlen, "report: out of memory");
		return KE_ENOMEM;
	}
	memcpy(p, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (i < n && p[i] != '/')
			continue;
		if (p[i - 1] == '/')
			continue; /* "a//b" or a trailing slash */
		char save = p[i];
		p[i] = '\0';
		if (mkdir(p, 0755) != 0) {
			int e = errno;
			struct stat st;
			/* mkdir may fail with EACCES or EEXIST on a directory that
			 * is already there; only a missing or non-directory
			 * component is an error. */
			if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
				if (e == EEXIST)
					e = ENOTDIR;
				if (i < n)
					set_msg(err, errlen, "cannot create directory %s: %s: %s", dir, p, strerror(e));
				else
					set_msg(err, errlen, "cannot create directory %s: %s", dir, strerror(e));
				free(p);
				return KE_EIO;
			}
		}
		p[i] = save;
	}
	free(p);
	return KE_OK;
}

static int open_csv(struct rfile *f, const char *dir, const char *name, const char *header, char *err, size_t errlen)
{
	f->path = join_path(dir, name);
	if (!f->path) {
		set_msg(err, errlen, "report: out of memory");
		return KE_ENOMEM;
	}
	errno = 0;
	f->fp = fopen(f->path, "w");
	if (!f->fp || fputs(header, f->fp) < 0) {
		set_msg(err, errlen, "cannot create %s: %s", f->path, strerror(errno ? errno : EIO));
		return KE_EIO;
	}
	return KE_OK;
}

/* Flushes and closes; a buffered write that fails only shows up here. */
static void close_csv(struct report *r, struct rfile *f)
{
	if (!f->fp)
		return;
	errno = 0;
	int bad = fflush(f->fp) != 0 || ferror(f->fp);
	int e = errno;
	if (fclose(f->fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	f->fp = NULL;
	if (bad)
		fail_io(r, f->path, e);
}

/* ---- per-strategy state ---- */

static struct rt_strategy *strategy_slot(struct report *r, int strategy)
{
	if (strategy < 0)
		return NULL;
	if (strategy >= r->nstrats) {
		int n = strategy + 1;
		struct rt_strategy *s = realloc(r->strats, (size_t)n * sizeof *s);
		if (!s) {
			fail_nomem(r);
			return NULL;
		}
		memset(s + r->nstrats, 0, (size_t)(n - r->nstrats) * sizeof *s);
		r->strats = s;
		r->nstrats = n;
	}
	return &r->strats[strategy];
}

static struct rt_pair *pair_slot(struct report *r, struct rt_strategy *st, int32_t sym)
{
	if (sym < 0)
		return NULL;
	if (sym >= st->npairs) {
		int32_t n = sym + 1 > 2 * st->npairs ? sym + 1 : 2 * st->npairs;
		struct rt_pair *p = realloc(st->pairs, (size_t)n * sizeof *p);
		if (!p) {
			fail_nomem(r);
			return NULL;
		}
		memset(p + st->npairs, 0, (size_t)(n - st->npairs) * sizeof *p);
		st->pairs = p;
		st->npairs = n;
	}
	return &st->pairs[sym];
}

static void trade_done(struct report *r, struct rt_strategy *st, int64_t net)
{
	st->trades++;
	r->trades++;
	if (net > 0) {
		st->wins++;
		r->wins++;
	}
}

/* A round trip runs from flat to flat. A fill that jumps over zero (it
 * cannot on KRX, which has no short selling) is split pro rata: the part
 * that flattens closes the trade, the rest opens the next one. */
static void track_round_trip(struct report *r, struct rt_strategy *st, struct rt_pair *p, const struct fill *f)
{
	int buy = f->side == SIDE_BUY;
	int64_t signed_qty = buy ? f->qty : -f->qty;
	int64_t flow = buy ? -f->qty * f->price : f->qty * f->price;
	int64_t cost = f->fee + f->tax;
	int64_t after = p->qty + signed_qty;

	if (p->qty != 0 && after != 0 && (p->qty > 0) != (after > 0)) {
		int64_t close_qty = p->qty > 0 ? p->qty : -p->qty;
		int64_t close_flow = (buy ? -f->price : f->price) * close_qty;
		int64_t close_cost = cost * close_qty / f->qty;
		trade_done(r, st, p->net + close_flow - close_cost);
		p->net = (flow - close_flow) - (cost - close_cost);
		p->qty = after;
		return;
	}
	p->net += flow - cost;
	p->qty = after;
	if (after == 0) {
		trade_done(r, st, p->net);
		p->net = 0;
	}
}

/* ---- orders ---- */

/* Returns 1 if the id was already marked, 0 after marking it, -1 on no memory. */
static int mark_written(struct report *r, int64_t id)
{
	uint64_t byte = (uint64_t)id / 8;
	if (byte >= r->written_len) {
		size_t n = r->written_len ? r->written_len : 64;
		while (n <= byte)
			n *= 2;
		unsigned char *w = realloc(r->written, n);
		if (!w) {
			fail_nomem(r);
			return -1;
		}
		memset(w + r->written_len, 0, n - r->written_len);
		r->written = w;
		r->written_len = n;
	}
	unsigned char bit = (unsigned char)(1u << (id % 8));
	if (r->written[byte] & bit)
		return 1;
	r->written[byte] |= bit;
	return 0;
}

static int64_t avg_fill_price(const struct order *o)
{
	if (o->filled_qty <= 0 || o->filled_value < 0)
		return 0;
	int64_t q = o->filled_value / o->filled_qty, rem = o->filled_value % o->filled_qty;
	return rem >= o->filled_qty - rem ? q + 1 : q; /* half up: 2*rem >= qty */
}

static void write_order_once(struct report *r, const struct order *o)
{
	if (o->id <= 0 || !r->orders_csv.fp)
		return;
	if (mark_written(r, o->id) != 0)
		return;
	FILE *fp = r->orders_csv.fp;
	char price[24] = "", created[32], updated[32];
	if (o->type != ORDER_MARKET)
		snprintf(price, sizeof price, "%" PRId64, o->price);
	ktime_format_iso(o->created, created, sizeof created);
	ktime_format_iso(o->updated, updated, sizeof updated);
	r->orders++;
	if (fprintf(fp, "%" PRId64 ",", o->id) < 0 ||
	    csv_text(fp, or_empty(core_strategy_name(r->core, o->strategy))) < 0 || putc(',', fp) == EOF ||
	    csv_text(fp, or_empty(core_symbol_name(r->core, o->sym))) < 0 ||
	    fprintf(fp, ",%s,%s,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%s,%s,%s,",
	            or_empty(order_side_name(o->side)), or_empty(order_type_name(o->type)), price, o->qty,
	            o->filled_qty, avg_fill_price(o), o->fees, o->taxes, or_empty(order_state_name(o->state)), created,
	            updated) < 0 ||
	    csv_text(fp, o->reason) < 0 || putc('\n', fp) == EOF)
		fail_io(r, r->orders_csv.path, errno);
}

void report_on_order(struct report *r, const struct order *o)
{
	if (!r || !o || r->finished || !order_is_terminal(o))
		return;
	write_order_once(r, o);
}

void report_on_fill(struct report *r, const struct fill *f)
{
	if (!r || !f || r->finished)
		return;
	r->fills++;
	r->fees += f->fee;
	r->taxes += f->tax;

	FILE *fp = r->fills_csv.fp;
	char ts[32];
	ktime_format_iso(f->time, ts, sizeof ts);
	if (fp && (fprintf(fp, "%s,%" PRId64 ",", ts, f->order_id) < 0 ||
	           csv_text(fp, or_empty(core_strategy_name(r->core, f->strategy))) < 0 || putc(',', fp) == EOF ||
	           csv_text(fp, or_empty(core_symbol_name(r->core, f->sym))) < 0 ||
	           fprintf(fp, ",%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n",
	                   or_empty(order_side_name(f->side)), f->qty, f->price, f->fee, f->tax) < 0))
		fail_io(r, r->fills_csv.path, errno);

	struct rt_strategy *st = strategy_slot(r, f->strategy);
	if (!st)
		return;
	st->fills++;
	st->fees += f->fee;
	st->taxes += f->tax;
	if (f->qty <= 0 || (f->side != SIDE_BUY && f->side != SIDE_SELL))
		return;
	struct rt_pair *p = pair_slot(r, st, f->sym);
	if (p)
		track_round_trip(r, st, p, f);
}

static void observer_order(void *ctx, const struct order *o)
{
	report_on_order(ctx, o);
}

static int64_t observer_fill(void *ctx, const struct fill *f)
{
	report_on_fill(ctx, f);
	return 0;
}

struct core_observer report_observer(struct report *r)
{
	struct core_observer obs = {.ctx = r, .on_order = observer_order, .on_fill = observer_fill};
	return obs;
}

/* ---- equity ---- */

/* Decimal digits of v at p; returns the end. */
static char *put_i64(char *p, int64_t v)
{
	char tmp[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*p++ = '-';
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* One row a minute, millions in a long run: formatted by hand, written once. */
static void write_equity_row(struct report *r, const struct sample *s)
{
	FILE *fp = r->equity_csv.fp;
	char line[128];
	if (!fp)
		return;
	ktime_format_iso(s->time, line, 32);
	char *p = line + strlen(line);
	*p++ = ',';
	p = put_i64(p, s->cash);
	*p++ = ',';
	p = put_i64(p, s->position_value);
	*p++ = ',';
	p = put_i64(p, s->cash + s->position_value);
	*p++ = '\n';
	if (fwrite(line, 1, (size_t)(p - line), fp) != (size_t)(p - line))
		fail_io(r, r->equity_csv.path, errno);
}

static void push_close(struct report *r, int64_t equity)
{
	if (r->nclose == r->cap_close) {
		size_t n = r->cap_close ? 2 * r->cap_close : 64;
		int64_t *c = realloc(r->closes, n * sizeof *c);
		if (!c) {
			fail_nomem(r);
			return;
		}
		r->closes = c;
		r->cap_close = n;
	}
	r->closes[r->nclose++] = equity;
}

void report_sample(struct report *r, int64_t time, int64_t cash, int64_t position_value)
{
	if (!r || r->finished)
		return;
	int64_t equity = cash + position_value;
	r->events++;
	r->max_drawdown = report_max_drawdown_step(&r->peak, equity, r->max_drawdown);
	if (r->have_sample) {
		/* The held sample is the last of its minute / day once a
		 * sample from another one arrives. */
		/* A new day is always a new minute, so the day test runs once a minute. */
		if (floor_div(time, MINUTE_MS) != floor_div(r->last.time, MINUTE_MS)) {
			write_equity_row(r, &r->last);
			if (ktime_kst_day(time) != ktime_kst_day(r->last.time))
				push_close(r, r->last.cash + r->last.position_value);
		}
	} else {
		r->have_sample = 1;
		r->first_time = time;
	}
	r->last.time = time;
	r->last.cash = cash;
	r->last.position_value = position_value;
}

/* ---- finish ---- */

static int write_open_order(void *ud, const struct order *o)
{
	write_order_once(ud, o);
	return 0;
}

static int add_int(cJSON *obj, const char *key, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%" PRId64, v);
	/* Raw keeps every int64 exact and never in exponent form. */
	return cJSON_AddRawToObject(obj, key, buf) != NULL;
}

static int add_strategy_json(cJSON *arr, const struct report_strategy_summary *s)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return 0;
	if (!cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return 0;
	}
	return cJSON_AddStringToObject(o, "name", s->name) && add_int(o, "initial_cash", s->initial_cash) &&
	       add_int(o, "final_equity", s->final_equity) && add_int(o, "fills", s->fills) &&
	       add_int(o, "trades", s->trades) && add_int(o, "wins", s->wins) && add_int(o, "fees", s->fees) &&
	       add_int(o, "taxes", s->taxes) && cJSON_AddStringToObject(o, "status", s->status);
}

static cJSON *summary_json(const struct report_summary *s)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	int ok = cJSON_AddStringToObject(root, "start", s->start) && cJSON_AddStringToObject(root, "end", s->end) &&
	         add_int(root, "initial_cash", s->initial_cash) && add_int(root, "final_equity", s->final_equity) &&
	         cJSON_AddNumberToObject(root, "total_return", s->total_return) &&
	         cJSON_AddNumberToObject(root, "max_drawdown", s->max_drawdown) &&
	         (s->sharpe_defined ? cJSON_AddNumberToObject(root, "sharpe", s->sharpe) != NULL
	                            : cJSON_AddNullToObject(root, "sharpe") != NULL) &&
	         add_int(root, "trades", s->trades) && cJSON_AddNumberToObject(root, "win_rate", s->win_rate) &&
	         add_int(root, "wins", s->wins) && add_int(root, "fills", s->fills) && add_int(root, "fees", s->fees) &&
	         add_int(root, "taxes", s->taxes) && add_int(root, "events", s->events) &&
	         add_int(root, "orders", s->orders);
	cJSON *arr = ok ? cJSON_AddArrayToObject(root, "strategies") : NULL;
	for (int i = 0; arr && i < s->nstrategies; i++)
		if (!add_strategy_json(arr, &s->strategies[i]))
			arr = NULL;
	if (!arr) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

static void write_summary(struct report *r, const struct report_summary *s)
{
	cJSON *root = summary_json(s);
	char *text = root ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!text) {
		fail_nomem(r);
		return;
	}
	FILE *fp = fopen(r->summary_path, "w");
	if (!fp) {
		fail_io(r, r->summary_path, errno);
		cJSON_free(text);
		return;
	}
	errno = 0;
	int bad = fputs(text, fp) < 0 || putc('\n', fp) == EOF || fflush(fp) != 0 || ferror(fp);
	int e = errno;
	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (bad)
		fail_io(r, r->summary_path, e);
	cJSON_free(text);
}

static void fill_strategies(struct report *r, struct report_summary *s)
{
	int n = core_strategy_count(r->core);
	s->nstrategies = n < 0 ? 0 : n > REPORT_MAX_STRATEGIES ? REPORT_MAX_STRATEGIES : n;
	for (int i = 0; i < s->nstrategies; i++) {
		struct report_strategy_summary *ss = &s->strategies[i];
		struct core_totals t;
		memset(&t, 0, sizeof t);
		core_totals(r->core, i, &t);
		snprintf(ss->name, sizeof ss->name, "%s", or_empty(core_strategy_name(r->core, i)));
		ss->initial_cash = t.initial_cash;
		ss->final_equity = t.cash + t.position_value;
		if (i < r->nstrats) {
			const struct rt_strategy *st = &r->strats[i];
			ss->fills = st->fills;
			ss->trades = st->trades;
			ss->wins = st->wins;
			ss->fees = st->fees;
			ss->taxes = st->taxes;
		}
		const char *halted = core_strategy_halted(r->core, i);
		if (halted)
			snprintf(ss->status, sizeof ss->status, "halted: %s", halted);
		else
			snprintf(ss->status, sizeof ss->status, "ok");
	}
}

static void fill_summary(struct report *r, struct report_summary *s)
{
	struct core_totals t;
	memset(s, 0, sizeof *s);
	memset(&t, 0, sizeof t);
	core_totals(r->core, -1, &t);
	s->initial_cash = t.initial_cash;
	s->final_equity = r->have_sample ? r->last.cash + r->last.position_value : t.cash + t.position_value;
	s->total_return = s->initial_cash != 0 ? (double)s->final_equity / (double)s->initial_cash - 1.0 : 0.0;
	s->max_drawdown = r->max_drawdown;
	int ndays = r->nclose > (size_t)INT32_MAX ? INT32_MAX : (int)r->nclose;
	s->sharpe_defined = report_sharpe(r->closes, ndays, s->initial_cash, &s->sharpe);
	if (r->have_sample) {
		ktime_format_date(ktime_kst_day(r->first_time), s->start, sizeof s->start);
		ktime_format_date(ktime_kst_day(r->last.time), s->end, sizeof s->end);
	}
	s->trades = r->trades;
	s->wins = r->wins;
	s->win_rate = r->trades > 0 ? (double)r->wins / (double)r->trades : 0.0;
	s->fills = r->fills;
	s->fees = r->fees;
	s->taxes = r->taxes;
	s->events = r->events;
	s->orders = r->orders;
	fill_strategies(r, s);
}

int report_finish(struct report *r, struct report_summary *out, char *err, size_t errlen)
{
	if (!r) {
		set_msg(err, errlen, "report_finish: no report");
		return KE_EINVAL;
	}
	if (r->finished) {
		set_msg(err, errlen, "report_finish: already finished");
		return KE_ESTATE;
	}
	int n = core_strategy_count(r->core);
	for (int i = 0; i < n; i++)
		core_open_orders(r->core, i, -1, write_open_order, r);
	if (r->have_sample) {
		write_equity_row(r, &r->last);
		push_close(r, r->last.cash + r->last.position_value);
	}
	close_csv(r, &r->fills_csv);
	close_csv(r, &r->orders_csv);
	close_csv(r, &r->equity_csv);
	r->finished = 1;

	struct report_summary *s = malloc(sizeof *s);
	if (!s) {
		fail_nomem(r);
	} else {
		fill_summary(r, s);
		write_summary(r, s);
		if (out)
			*out = *s;
		free(s);
	}
	if (r->err) {
		set_msg(err, errlen, "%s", r->errmsg);
		return r->err;
	}
	return KE_OK;
}

/* ---- open / free ---- */

int report_open(const char *dir, struct core *core, struct report **out, char *err, size_t errlen)
{
	if (out)
		*out = NULL;
	if (!dir || !*dir || !core || !out) {
		set_msg(err, errlen, "report_open: invalid argument");
		return KE_EINVAL;
	}
	struct report *r = calloc(1, sizeof *r);
	if (!r) {
		set_msg(err, errlen, "report: out of memory");
		return KE_ENOMEM;
	}
	r->core = core;
	int rc = make_dirs(dir, err, errlen);
	struct rfile *files[] = {&r->fills_csv, &r->orders_csv, &r->equity_csv};
	static const char *const names[] = {"fills.csv", "orders.csv", "equity.csv"};
	static const char *const headers[] = {FILLS_HEADER, ORDERS_HEADER, EQUITY_HEADER};
	for (size_t i = 0; rc == KE_OK && i < KE_ARRAY_LEN(files); i++)
		rc = open_csv(files[i], dir, names[i], headers[i], err, errlen);
	if (rc == KE_OK) {
		r->summary_path = join_path(dir, "summary.json");
		if (!r->summary_path) {
			set_msg(err, errlen, "report: out of memory");
			rc = KE_ENOMEM;
		}
	}
	if (rc != KE_OK) {
		report_free(r);
		return rc;
	}
	*out = r;
	return KE_OK;
}

void report_free(struct report *r)
{
	if (!r)
		return;
	struct rfile *files[] = {&r->fills_csv, &r->orders_csv, &r->equity_csv};
	for (size_t i = 0; i < KE_ARRAY_LEN(files); i++) {
		if (files[i]->fp)
			fclose(files[i]->fp);
		free(files[i]->path);
	}
	free(r->summary_path);
	for (int i = 0; i < r->nstrats; i++)
		free(r->strats[i].pairs);
	free(r->strats);
	free(r->written);
	free(r->closes);
	free(r);
}
