/*
 * luactx.c - the ctx API a strategy calls, and the tables and views that
 * carry ticks, bars, fills and orders into Lua.
 *
 * Ticks and bars are shown through one reused userdata view per strategy
 * (fields read on demand from the C struct), so the per-tick path allocates
 * nothing. Values are integers: a price or quantity that is not a whole
 * number is an error, never rounded.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "krx.h"
#include "ktime.h"
#include "lhost_internal.h"

static struct lhost *H(lua_State *L)
{
	struct lhost *h = lua_touserdata(L, lua_upvalueindex(1));
	if (h->closed)
		luaL_error(L, "the strategy has stopped: ctx can no longer be used");
	return h;
}

/* Limits that keep every later multiplication and time sum inside int64. */
#define CTX_MAX_PRICE CORE_MAX_PRICE
#define CTX_MAX_TIME  253402300799999LL /* 9999-12-31T23:59:59.999Z */
#define CTX_MAX_DELAY CORE_MAX_DELAY

static int64_t arg_range(lua_State *L, int i, const char *what, int64_t lo, int64_t hi);

/* ---- argument helpers ---- */

static int64_t arg_int(lua_State *L, int i, const char *what)
{
	int ok = 0;
	/* lua_tointegerx alone would also take the string "100". */
	lua_Integer v = lua_type(L, i) == LUA_TNUMBER ? lua_tointegerx(L, i, &ok) : 0;
	if (!ok)
		luaL_error(L, "%s must be a whole number (got %s)", what,
		           lua_type(L, i) == LUA_TNUMBER ? lua_pushfstring(L, "%f", lua_tonumber(L, i))
		                                         : luaL_typename(L, i));
	return v;
}

static int64_t arg_range(lua_State *L, int i, const char *what, int64_t lo, int64_t hi)
{
	int64_t v = arg_int(L, i, what);
	if (v < lo || v > hi)
		luaL_error(L, "%s must be between %I and %I (got %I)", what, (lua_Integer)lo, (lua_Integer)hi,
		           (lua_Integer)v);
	return v;
}

static int32_t arg_symbol(lua_State *L, struct lhost *h, int i)
{
	if (lua_type(L, i) != LUA_TSTRING)
		luaL_error(L, "symbol must be a string such as \"005930\" (got %s)", luaL_typename(L, i));
	/* Codes seen before are found in a Lua table keyed by the (interned)
	 * string itself: no hashing or strcmp in C on the order path. */
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_symids);
	lua_pushvalue(L, i);
	if (lua_rawget(L, -2) == LUA_TNUMBER) {
		int32_t sym = (int32_t)lua_tointeger(L, -1);
		lua_pop(L, 2);
		return sym;
	}
	lua_pop(L, 1);
	int32_t sym;
	const char *code = lua_tostring(L, i);
	if (core_symbol_intern(h->core, code, &sym) != KE_OK)
		luaL_error(L, "bad symbol code '%s'", code);
	lua_pushvalue(L, i);
	lua_pushinteger(L, sym);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	return sym;
}

void lhost_push_symbol(struct lhost *h, int32_t sym)
{
	lua_State *L = h->L;
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_symbols);
	if (lua_rawgeti(L, -1, (lua_Integer)sym + 1) == LUA_TNIL) {
		lua_pop(L, 1);
		const char *code = core_symbol_name(h->core, sym);
		lua_pushstring(L, code ? code : "");
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, (lua_Integer)sym + 1);
	}
	lua_remove(L, -2);
}

static void set_int(lua_State *L, const char *k, int64_t v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

void lhost_push_fill(struct lhost *h, const struct fill *f)
{
	lua_State *L = h->L;
	lua_createtable(L, 0, 8);
	set_int(L, "order_id", f->order_id);
	lhost_push_symbol(h, f->sym);
	lua_setfield(L, -2, "symbol");
	set_str(L, "side", order_side_name(f->side));
	set_int(L, "qty", f->qty);
	set_int(L, "price", f->price);
	set_int(L, "fee", f->fee);
	set_int(L, "tax", f->tax);
	set_int(L, "time", f->time);
}

void lhost_push_order(struct lhost *h, const struct order *o)
{
	lua_State *L = h->L;
	lua_createtable(L, 0, 12);
	set_int(L, "id", o->id);
	lhost_push_symbol(h, o->sym);
	lua_setfield(L, -2, "symbol");
	set_str(L, "side", order_side_name(o->side));
	set_str(L, "type", order_type_name(o->type));
	if (o->type == ORDER_LIMIT)
		set_int(L, "price", o->price);
	set_int(L, "qty", o->qty);
	set_int(L, "filled_qty", o->filled_qty);
	set_int(L, "remaining", order_remaining(o));
	set_int(L, "avg_fill_price", o->filled_qty ? (o->filled_value + o->filled_qty / 2) / o->filled_qty : 0);
	set_str(L, "status", order_state_name(o->state));
	if (o->reason[0])
		set_str(L, "reason", o->reason);
	set_int(L, "time", o->updated);
}

/* ---- tick and bar views ---- */

static const char *const view_keys[LH_NKEYS] = {
    "symbol", "price", "volume", "time", "bid", "ask", "open", "high", "low", "close",
};

/* Which field a key names, or -1. Short Lua strings are interned, so the
 * pointer of "price" is the same every time it is used as a key. */
static int view_key(const struct lhost *h, lua_State *L)
{
	const char *k = lua_tostring(L, 2);
	for (int i = 0; k && i < LH_NKEYS; i++)
		if (k == h->key[i])
			return i;
	return -1;
}

/* The view's upvalue 1 is the table of symbol strings by id + 1. */
static void push_view_symbol(struct lhost *h, lua_State *L, int32_t sym)
{
	if (lua_rawgeti(L, lua_upvalueindex(1), (lua_Integer)sym + 1) == LUA_TNIL) {
		lua_pop(L, 1);
		lhost_push_symbol(h, sym);
	}
}

static int push_price_or_nil(lua_State *L, int64_t v)
{
	if (v > 0)
		lua_pushinteger(L, v);
	else
		lua_pushnil(L);
	return 1;
}

static int tick_index(lua_State *L)
{
	struct lhost *h = lhost_of(L);
	const struct tick *t = h->cur_tick;
	if (!t)
		return luaL_error(L, "a tick is only valid during its on_tick call: copy the fields you keep");
	switch (view_key(h, L)) {
	case LK_PRICE: lua_pushinteger(L, t->price); return 1;
	case LK_SYMBOL: push_view_symbol(h, L, t->sym); return 1;
	case LK_VOLUME: lua_pushinteger(L, t->volume); return 1;
	case LK_TIME: lua_pushinteger(L, t->time); return 1;
	case LK_BID: return push_price_or_nil(L, t->bid);
	case LK_ASK: return push_price_or_nil(L, t->ask);
	default: return 0;
	}
}

static int bar_index(lua_State *L)
{
	struct lhost *h = lhost_of(L);
	const struct bar *b = h->cur_bar;
	if (!b)
		return luaL_error(L, "a bar is only valid during its on_bar call: copy the fields you keep");
	switch (view_key(h, L)) {
	case LK_CLOSE: lua_pushinteger(L, b->close); return 1;
	case LK_OPEN: lua_pushinteger(L, b->open); return 1;
	case LK_HIGH: lua_pushinteger(L, b->high); return 1;
	case LK_LOW: lua_pushinteger(L, b->low); return 1;
	case LK_VOLUME: lua_pushinteger(L, b->volume); return 1;
	case LK_TIME: lua_pushinteger(L, b->time); return 1;
	case LK_SYMBOL: push_view_symbol(h, L, b->sym); return 1;
	default: return 0;
	}
}

static int view_newindex(lua_State *L)
{
	return luaL_error(L, "ticks and bars are read-only");
}

static int make_view(struct lhost *h, lua_CFunction index, const char *tname)
{
	lua_State *L = h->L;
	lua_newuserdatauv(L, 0, 0);
	lua_createtable(L, 0, 3);
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_symbols);
	lua_pushcclosure(L, index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, view_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushstring(L, tname);
	lua_setfield(L, -2, "__name");
	lua_setmetatable(L, -2);
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

int lhost_make_views(struct lhost *h)
{
	lua_State *L = h->L;
	/* Keep the key strings alive (and so their addresses fixed). */
	lua_createtable(L, LH_NKEYS, 0);
	for (int i = 0; i < LH_NKEYS; i++) {
		lua_pushstring(L, view_keys[i]);
		h->key[i] = lua_tostring(L, -1);
		lua_rawseti(L, -2, i + 1);
	}
	luaL_ref(L, LUA_REGISTRYINDEX);
	h->ref_tick_view = make_view(h, tick_index, "tick");
	h->ref_bar_view = make_view(h, bar_index, "bar");
	return KE_OK;
}

/* ---- orders ---- */

static int place(lua_State *L, enum order_side side)
{
	struct lhost *h = H(L);
	int32_t sym = arg_symbol(L, h, 2);
	struct order_request req = {.sym = sym, .side = side, .type = ORDER_MARKET};
	req.qty = arg_int(L, 3, "quantity");
	if (!lua_isnoneornil(L, 4)) {
		luaL_checktype(L, 4, LUA_TTABLE);
		lua_pushnil(L);
		while (lua_next(L, 4)) {
			const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
			if (strcmp(k, "price") != 0)
				return luaL_error(L, "unknown order option '%s' (options: price)", k);
			req.price = arg_range(L, -1, "price", 1, CTX_MAX_PRICE);
			req.type = ORDER_LIMIT;
			lua_pop(L, 1);
		}
	}
	char err[KE_REASON_MAX];
	int64_t id;
	if (core_place(h->core, h->idx, &req, &id, err, sizeof(err)) != KE_OK)
		return luaL_error(L, "%s", err);
	lua_pushinteger(L, id);
	return 1;
}

static int ctx_buy(lua_State *L)
{
	return place(L, SIDE_BUY);
}

static int ctx_sell(lua_State *L)
{
	return place(L, SIDE_SELL);
}

static int answer(lua_State *L, int rc, const char *err)
{
	if (rc == KE_OK) {
		lua_pushboolean(L, 1);
		return 1;
	}
	lua_pushboolean(L, 0);
	lua_pushstring(L, err);
	return 2;
}

static int ctx_cancel(lua_State *L)
{
	struct lhost *h = H(L);
	char err[KE_REASON_MAX] = "";
	int rc = core_cancel(h->core, h->idx, arg_int(L, 2, "order id"), err, sizeof(err));
	return answer(L, rc, err);
}

static int ctx_modify(lua_State *L)
{
	struct lhost *h = H(L);
	int64_t id = arg_int(L, 2, "order id"), price = 0, qty = 0;
	luaL_checktype(L, 3, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, 3)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
		int is_price = strcmp(k, "price") == 0;
		if (!is_price && strcmp(k, "qty") != 0)
			return luaL_error(L, "unknown modify option '%s' (options: price, qty)", k);
		if (arg_int(L, -1, k) <= 0)
			return luaL_error(L, "%s must be positive", k);
		if (is_price)
			price = arg_range(L, -1, "price", 1, CTX_MAX_PRICE);
		else
			qty = arg_range(L, -1, "qty", 1, CORE_MAX_QTY);
		lua_pop(L, 1);
	}
	char err[KE_REASON_MAX] = "";
	int rc = core_modify(h->core, h->idx, id, price, qty, err, sizeof(err));
	return answer(L, rc, err);
}

struct list_ctx {
	struct lhost *h;
	int n;
};

static int list_one(void *ud, const struct order *o)
{
	struct list_ctx *lc = ud;
	lhost_push_order(lc->h, o);
	lua_rawseti(lc->h->L, -2, ++lc->n);
	return 0;
}

static int ctx_open_orders(lua_State *L)
{
	struct lhost *h = H(L);
	int32_t sym = lua_isnoneornil(L, 2) ? -1 : arg_symbol(L, h, 2);
	lua_newtable(L);
	struct list_ctx lc = {h, 0};
	core_open_orders(h->core, h->idx, sym, list_one, &lc);
	return 1;
}

static int ctx_close_all(lua_State *L)
{
	struct lhost *h = H(L);
	core_close_all(h->core, h->idx);
	return 0;
}

static int ctx_halt(lua_State *L)
{
	struct lhost *h = H(L);
	core_halt_strategy(h->core, h->idx, luaL_optstring(L, 2, "halted by the strategy"));
	return 0;
}

/* ---- account and market ---- */

static int ctx_position(lua_State *L)
{
	struct lhost *h = H(L);
	struct core_position p;
	core_position(h->core, h->idx, arg_symbol(L, h, 2), &p);
	lua_createtable(L, 0, 4);
	set_int(L, "qty", p.qty);
	set_int(L, "available", p.available);
	set_int(L, "avg_price", p.avg_price);
	set_int(L, "realized", p.realized);
	return 1;
}

static int ctx_cash(lua_State *L)
{
	struct lhost *h = H(L);
	lua_pushinteger(L, core_available_cash(h->core, h->idx));
	return 1;
}

static int ctx_equity(lua_State *L)
{
	struct lhost *h = H(L);
	lua_pushinteger(L, core_equity(h->core, h->idx));
	return 1;
}

static int ctx_buyable(lua_State *L)
{
	struct lhost *h = H(L);
	int32_t sym = arg_symbol(L, h, 2);
	int64_t price = lua_isnoneornil(L, 3) ? 0 : arg_range(L, 3, "price", 1, CTX_MAX_PRICE);
	lua_pushinteger(L, core_buyable(h->core, h->idx, sym, price));
	return 1;
}

static int ctx_last_price(lua_State *L)
{
	struct lhost *h = H(L);
	int64_t p = core_last_price(h->core, arg_symbol(L, h, 2));
	if (p > 0)
		lua_pushinteger(L, p);
	else
		lua_pushnil(L);
	return 1;
}

/* One side of a book as a list of {price=, qty=}, best first. Empty levels
 * (price 0) are left out, so #list is the number of quoted levels. */
static void push_levels(lua_State *L, const int64_t *price, const int64_t *qty)
{
	int n = 0;
	for (int i = 0; i < BOOK_LEVELS; i++)
		n += price[i] > 0;
	lua_createtable(L, n, 0);
	n = 0;
	for (int i = 0; i < BOOK_LEVELS; i++) {
		if (price[i] <= 0)
			continue;
		lua_createtable(L, 0, 2);
		set_int(L, "price", price[i]);
		set_int(L, "qty", qty[i]);
		lua_rawseti(L, -2, ++n);
	}
}

/* ctx:history(sym, "1d"|"1m" [, n]): the bars before the run, oldest
 * first, the last n of them (all by default). */
static int ctx_history(lua_State *L)
{
	struct lhost *h = H(L);
	int32_t sym = arg_symbol(L, h, 2);
	const char *kind = luaL_checkstring(L, 3);
	enum core_history_kind k;
	if (strcmp(kind, "1d") == 0)
		k = CORE_HIST_DAILY;
	else if (strcmp(kind, "1m") == 0)
		k = CORE_HIST_MINUTE;
	else
		return luaL_error(L, "ctx:history: kind must be \"1d\" or \"1m\" (got \"%s\")", kind);
	lua_Integer want = luaL_optinteger(L, 4, -1);
	if (want < -1 || want == 0)
		return luaL_error(L, "ctx:history: n must be a positive whole number");
	const struct bar *bars;
	size_t n;
	core_history(h->core, sym, k, &bars, &n);
	size_t first = want > 0 && (size_t)want < n ? n - (size_t)want : 0;
	lua_createtable(L, (int)(n - first), 0);
	for (size_t i = first; i < n; i++) {
		lua_createtable(L, 0, 6);
		set_int(L, "time", bars[i].time);
		set_int(L, "open", bars[i].open);
		set_int(L, "high", bars[i].high);
		set_int(L, "low", bars[i].low);
		set_int(L, "close", bars[i].close);
		set_int(L, "volume", bars[i].volume);
		lua_rawseti(L, -2, (lua_Integer)(i - first + 1));
	}
	return 1;
}

static int ctx_book(lua_State *L)
{
	struct lhost *h = H(L);
	const struct book *b = core_book(h->core, arg_symbol(L, h, 2));
	if (!b) {
		lua_pushnil(L);
		return 1;
	}
	lua_createtable(L, 0, 5);
	set_int(L, "time", b->time);
	push_levels(L, b->bid, b->bid_qty);
	lua_setfield(L, -2, "bids");
	push_levels(L, b->ask, b->ask_qty);
	lua_setfield(L, -2, "asks");
	set_int(L, "total_bid_qty", b->total_bid_qty);
	set_int(L, "total_ask_qty", b->total_ask_qty);
	return 1;
}

static int ctx_feed_status(lua_State *L)
{
	struct lhost *h = H(L);
	struct feed_status st;
	core_feed_status(h->core, &st);
	lua_createtable(L, 0, 5);
	lua_pushboolean(L, st.connected != 0);
	lua_setfield(L, -2, "connected");
	set_int(L, "last_frame", st.last_frame);
	if (st.last_frame > 0) {
		/* A driver clock a little behind the frame's stamp is not a negative age. */
		int64_t age = core_now(h->core) - st.last_frame;
		set_int(L, "age_ms", age > 0 ? age : 0);
	}
	set_int(L, "reconnects", st.reconnects);
	set_int(L, "frames_per_sec", st.frames_per_sec);
	return 1;
}

static int ctx_tick_size(lua_State *L)
{
	lua_pushinteger(L, krx_tick_size(arg_range(L, 2, "price", 1, CTX_MAX_PRICE)));
	return 1;
}

static int ctx_round_price(lua_State *L)
{
	static const char *const dirs[] = {"down", "up", NULL};
	int64_t p = arg_range(L, 2, "price", 1, CTX_MAX_PRICE);
	int dir = luaL_checkoption(L, 3, "down", dirs);
	lua_pushinteger(L, krx_round_price(p, dir == 0 ? -1 : 1));
	return 1;
}

/* ---- time ---- */

static int64_t opt_time(lua_State *L, struct lhost *h, int i)
{
	return lua_isnoneornil(L, i) ? core_now(h->core) : arg_range(L, i, "time", 0, CTX_MAX_TIME);
}

static int ctx_now(lua_State *L)
{
	lua_pushinteger(L, core_now(H(L)->core));
	return 1;
}

static int ctx_date(lua_State *L)
{
	char buf[16];
	ktime_format_date(ktime_kst_day(opt_time(L, H(L), 2)), buf, sizeof(buf));
	lua_pushstring(L, buf);
	return 1;
}

static int ctx_clock(lua_State *L)
{
	int64_t tod = ktime_kst_ms_of_day(opt_time(L, H(L), 2));
	char buf[16];
	snprintf(buf, sizeof(buf), "%02d:%02d:%02d", (int)(tod / 3600000), (int)(tod / 60000 % 60),
	         (int)(tod / 1000 % 60));
	lua_pushstring(L, buf);
	return 1;
}

void lhost_log_values(lua_State *L, struct lhost *h, int first, char sep)
{
	if (!core_log_enabled(h->core, CORE_LOG_INFO))
		return;
	luaL_Buffer b;
	int n = lua_gettop(L);
	luaL_buffinit(L, &b);
	for (int i = first; i <= n; i++) {
		if (i > first)
			luaL_addchar(&b, sep);
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	core_log(h->core, h->idx, CORE_LOG_INFO, "%s", lua_tostring(L, -1));
}

static int ctx_log(lua_State *L)
{
	lhost_log_values(L, H(L), 2, ' ');
	return 0;
}

/* ---- timers ---- */

static int remember_timer(lua_State *L, struct lhost *h, int rc, int64_t id, int fn)
{
	if (rc != KE_OK)
		return luaL_error(L, "cannot create the timer: %s", ke_strerror(rc));
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_timers);
	lua_pushvalue(L, fn);
	lua_rawseti(L, -2, id);
	lua_pushinteger(L, id);
	return 1;
}

static int ctx_every_day(lua_State *L)
{
	struct lhost *h = H(L);
	const char *at = luaL_checkstring(L, 2);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	int64_t ms;
	if (ktime_parse_hhmm(at, &ms) != KE_OK)
		return luaL_error(L, "every_day wants a time \"HH:MM\" or \"HH:MM:SS\" (got \"%s\")", at);
	int64_t id = 0;
	int rc = core_timer_daily(h->core, h->idx, ms, 0, &id);
	return remember_timer(L, h, rc, id, 3);
}

static int timer_common(lua_State *L, int repeat)
{
	struct lhost *h = H(L);
	int64_t ms = arg_range(L, 2, repeat ? "interval in ms" : "delay in ms", repeat ? 1 : 0, CTX_MAX_DELAY);
	luaL_checktype(L, 3, LUA_TFUNCTION);
	int64_t id = 0;
	int rc = core_timer_after(h->core, h->idx, repeat ? 0 : ms, repeat ? ms : 0, 0, &id);
	return remember_timer(L, h, rc, id, 3);
}

static int ctx_after(lua_State *L)
{
	return timer_common(L, 0);
}

static int ctx_every(lua_State *L)
{
	return timer_common(L, 1);
}

static int ctx_cancel_timer(lua_State *L)
{
	struct lhost *h = H(L);
	int64_t id = arg_int(L, 2, "timer id");
	lua_rawgeti(L, LUA_REGISTRYINDEX, h->ref_timers);
	if (lua_rawgeti(L, -1, id) == LUA_TNIL) {
		lua_pushboolean(L, 0);
		return 1;
	}
	lua_pop(L, 1);
	lua_pushnil(L);
	lua_rawseti(L, -2, id);
	core_timer_cancel(h->core, h->idx, id);
	lua_pushboolean(L, 1);
	return 1;
}

int lhost_push_ctx(struct lhost *h)
{
	static const luaL_Reg methods[] = {
	    {"buy", ctx_buy},
	    {"sell", ctx_sell},
	    {"cancel", ctx_cancel},
	    {"modify", ctx_modify},
	    {"open_orders", ctx_open_orders},
	    {"close_all", ctx_close_all},
	    {"halt", ctx_halt},
	    {"position", ctx_position},
	    {"cash", ctx_cash},
	    {"equity", ctx_equity},
	    {"buyable", ctx_buyable},
	    {"last_price", ctx_last_price},
	    {"book", ctx_book},
	    {"history", ctx_history},
	    {"feed_status", ctx_feed_status},
	    {"tick_size", ctx_tick_size},
	    {"round_price", ctx_round_price},
	    {"now", ctx_now},
	    {"date", ctx_date},
	    {"clock", ctx_clock},
	    {"log", ctx_log},
	    {"every_day", ctx_every_day},
	    {"after", ctx_after},
	    {"every", ctx_every},
	    {"cancel_timer", ctx_cancel_timer},
	    {NULL, NULL},
	};
	lua_State *L = h->L;
	lua_createtable(L, 0, 4); /* ctx: name, params, state, symbols */
	lua_newtable(L);
	lua_setfield(L, -2, "state");
	lua_createtable(L, 0, 1); /* metatable */
	lua_createtable(L, 0, (int)(sizeof(methods) / sizeof(methods[0])));
	lua_pushlightuserdata(L, h);
	luaL_setfuncs(L, methods, 1);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	return 1;
}
