--[[
reference_sma.lua - an independent model of a kis-engine backtest of
strategies/sma_cross.lua on bars, in plain Lua 5.4 (no engine code).

	lua5.4 reference_sma.lua --data FILE.csv [--from YYYY-MM-DD] [--to YYYY-MM-DD]
	    [--cash KRW] [--fast 5] [--slow 20] [--qty 10] [--symbols 005930,...]
	    [--participation-ppm 1000000] [--name sma_cross]
	    --fills OUT.csv --orders OUT.csv --summary OUT.txt

Writes what the engine should produce:
	--fills    fills.csv exactly (header included)
	--orders   "order_id,side,type,qty,filled_qty,status" sorted by id
	--summary  "key value" lines for check_summary.lua (final_equity, fills,
	           fees, taxes, orders, trades, wins, events)

Everything is derived from the written rules, not from the engine's code:

Strategy (the header of strategies/sma_cross.lua). Per symbol, fast and
slow simple moving averages of the closes. A cross is a change of sign of
(fast - slow) between two consecutive closes once both are ready; equality
keeps the previous side and the first ready close only sets the side. Up:
if the position is 0 and no order of the symbol is open, market buy qty.
Down: cancel the open buys of the symbol, then market sell every share not
already offered by an open sell. The sign is decided in exact integers:
fast_sum * slow - slow_sum * fast.

Market and venue (include/simbroker.h, include/krx.h, include/csvfeed.h):
- a plain date is 15:30 KST of that day; times with an offset are converted
  to KST;
- events are handled in file order; for each event: a new KST day expires
  the day orders of earlier sessions and makes every symbol's last price
  of an earlier day its previous close; then the symbol's resting orders
  match (in placement order); then the strategy sees the bar;
- fills happen only on weekdays, 09:00:00.000-15:30:00.000 KST inclusive,
  on bars with volume > 0, each bar filling at most floor(volume x ppm /
  1e6) shares shared by the orders in placement order; a market order
  fills at the bar's open; an order placed at or after 15:30 (or on a
  weekend) belongs to the next day that has data;
- an order placed during a bar can only fill on a later event.

Money (include/fee.h, engine/core/core_orders.c header comments, KIS rules):
- commission floor(value x 0.015%) per fill; sell tax floor(value x rate)
  with rate 0.20% (2023), 0.18% (2024), 0.15% (2025), 0.20% (2026-);
- a market buy needs free cash >= qty x U + floor(qty x U x 0.015%), where
  U is the upper price limit: floor(P x 1.3) rounded down to a valid tick,
  P the previous close, or the last price when there is none yet; if not,
  it is rejected (it still takes an order id);
- the reservation is held until the order ends (a partial fill releases
  floor(reserved / remaining) x filled, the last fill the rest);
- equity = cash + shares x last close.
]]

local function die(msg)
	io.stderr:write("reference_sma: ", msg, "\n")
	os.exit(2)
end

-- ---- options ----

local opt = {
	cash = 10000000,
	fast = 5,
	slow = 20,
	qty = 10,
	symbols = "005930",
	ppm = 1000000,
	name = "sma_cross",
}
do
	local names = {
		["--data"] = "data", ["--from"] = "from", ["--to"] = "to", ["--cash"] = "cash",
		["--fast"] = "fast", ["--slow"] = "slow", ["--qty"] = "qty", ["--symbols"] = "symbols",
		["--participation-ppm"] = "ppm", ["--name"] = "name", ["--fills"] = "fills",
		["--orders"] = "orders", ["--summary"] = "summary",
	}
	local i = 1
	while i <= #arg do
		local k = names[arg[i]] or die("unknown option " .. arg[i])
		opt[k] = arg[i + 1] or die(arg[i] .. " needs a value")
		i = i + 2
	end
	for _, k in ipairs({ "cash", "fast", "slow", "qty", "ppm" }) do
		opt[k] = math.tointeger(tonumber(opt[k])) or die("--" .. k .. " must be an integer")
	end
	if not opt.data or not opt.fills or not opt.orders or not opt.summary then
		die("--data, --fills, --orders and --summary are required")
	end
end

-- ---- calendar (proleptic Gregorian, days since 1970-01-01) ----

local function days_from_civil(y, m, d)
	y = m <= 2 and y - 1 or y
	local era = (y >= 0 and y or y - 399) // 400
	local yoe = y - era * 400
	local mp = (m + 9) % 12
	local doy = (153 * mp + 2) // 5 + d - 1
	local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
	return era * 146097 + doe - 719468
end

local function civil_from_days(z)
	z = z + 719468
	local era = (z >= 0 and z or z - 146096) // 146097
	local doe = z - era * 146097
	local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
	local y = yoe + era * 400
	local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
	local mp = (5 * doy + 2) // 153
	local d = doy - (153 * mp + 2) // 5 + 1
	local m = mp < 10 and mp + 3 or mp - 9
	return m <= 2 and y + 1 or y, m, d
end

local DAY_MS = 86400000
local KST_MS = 9 * 3600000
local OPEN_MS, CLOSE_MS = 9 * 3600000, 15 * 3600000 + 30 * 60000

local function parse_date(s)
	local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
	if not y then return nil end
	return days_from_civil(tonumber(y), tonumber(m), tonumber(d))
end

-- Times are kept as "KST ms": milliseconds since 1970-01-01 00:00 KST, so
-- that day = t // DAY_MS and time of day = t % DAY_MS.
local function parse_time(s)
	local day = parse_date(s)
	if day then
		return day * DAY_MS + CLOSE_MS
	end
	local date, hh, mi, ss, rest = s:match("^(%d%d%d%d%-%d%d%-%d%d)[T ](%d%d):(%d%d):(%d%d)(.*)$")
	if not date then die("bad time " .. s) end
	local ms = 0
	local frac = rest:match("^%.(%d+)")
	if frac then
		ms = tonumber((frac .. "000"):sub(1, 3))
		rest = rest:sub(#frac + 2)
	end
	local offset = KST_MS -- no offset: KST
	if rest == "Z" then
		offset = 0
	elseif rest ~= "" then
		local sign, oh, om = rest:match("^([+-])(%d%d):(%d%d)$")
		if not sign then die("bad time offset in " .. s) end
		offset = (tonumber(oh) * 60 + tonumber(om)) * 60000 * (sign == "-" and -1 or 1)
	end
	local utc = parse_date(date) * DAY_MS + ((tonumber(hh) * 60 + tonumber(mi)) * 60 + tonumber(ss)) * 1000 + ms - offset
	return utc + KST_MS
end

local function format_time(t)
	local y, m, d = civil_from_days(t // DAY_MS)
	local tod = t % DAY_MS
	return string.format("%04d-%02d-%02dT%02d:%02d:%02d.%03d+09:00", y, m, d, tod // 3600000, tod // 60000 % 60,
		tod // 1000 % 60, tod % 1000)
end

local function weekday(day) -- 0 = Sunday; 1970-01-01 was a Thursday
	return (day + 4) % 7
end

local function in_session(t)
	local wd, tod = weekday(t // DAY_MS), t % DAY_MS
	return wd ~= 0 and wd ~= 6 and tod >= OPEN_MS and tod <= CLOSE_MS
end

-- ---- KRX prices and fees ----

local function tick_size(p)
	if p < 2000 then return 1 end
	if p < 5000 then return 5 end
	if p < 20000 then return 10 end
	if p < 50000 then return 50 end
	if p < 200000 then return 100 end
	if p < 500000 then return 500 end
	return 1000
end

local function upper_limit(base)
	local up = base + base * 3 // 10 -- floor(base x 1.3)
	return up - up % tick_size(up)
end

local function commission(value)
	return value * 15 // 100000
end

local function sell_tax(day, value)
	local y, m, d = civil_from_days(day)
	local ymd = y * 10000 + m * 100 + d
	local per10000
	if ymd >= 20260101 then per10000 = 20
	elseif ymd >= 20250101 then per10000 = 15
	elseif ymd >= 20240101 then per10000 = 18
	elseif ymd >= 20230101 then per10000 = 20
	else per10000 = 0 end
	return value * per10000 // 10000
end

-- ---- state ----

local from_day = opt.from and (parse_date(opt.from) or die("bad --from"))
local to_day = opt.to and (parse_date(opt.to) or die("bad --to"))

local subscribed = {}
for code in opt.symbols:gmatch("[^,]+") do
	subscribed[code] = true
end

local cash = opt.cash
local reserved_cash = 0
local fees, taxes, nfills, events = 0, 0, 0, 0
local trades, wins = 0, 0
local orders = {} -- by id
local next_id = 1
local book = {} -- symbol -> list of open orders in placement order
local pos = {} -- symbol -> { qty, offered, rt_net }
local last_price, last_day, prev_close = {}, {}, {}
local cur_day
local sma = {} -- symbol -> { fast = {}, slow = {}, side }
local fills_out = {}

local function position(sym)
	local p = pos[sym]
	if not p then
		p = { qty = 0, offered = 0, rt_net = 0 }
		pos[sym] = p
	end
	return p
end

local function open_orders_of(sym)
	return book[sym] or {}
end

local function remove_from_book(o)
	local b = book[o.sym]
	for i, x in ipairs(b) do
		if x == o then
			table.remove(b, i)
			return
		end
	end
	error("order not in book")
end

local function end_order(o, status)
	o.status = status
	remove_from_book(o)
	if o.side == "buy" then
		reserved_cash = reserved_cash - o.reserved
		o.reserved = 0
	else
		position(o.sym).offered = position(o.sym).offered - (o.qty - o.filled)
	end
end

local function place(now, sym, side, qty)
	local o = {
		id = next_id, sym = sym, side = side, qty = qty, filled = 0, reserved = 0,
		placed = now, placed_day = now // DAY_MS, status = "accepted",
	}
	next_id = next_id + 1
	orders[o.id] = o
	-- An order placed out of the session waits for the next day with data.
	local wd, tod = weekday(now // DAY_MS), now % DAY_MS
	if wd == 0 or wd == 6 or tod >= CLOSE_MS then
		o.session_day = nil
	else
		o.session_day = now // DAY_MS
	end
	if side == "buy" then
		local u = upper_limit(prev_close[sym] or last_price[sym])
		local need = qty * u + commission(qty * u)
		if need > cash - reserved_cash then
			o.status = "rejected"
			return o
		end
		o.reserved = need
		reserved_cash = reserved_cash + need
	else
		local p = position(sym)
		if qty > p.qty - p.offered then
			o.status = "rejected"
			return o
		end
		p.offered = p.offered + qty
	end
	book[sym] = book[sym] or {}
	table.insert(book[sym], o)
	return o
end

local function fill(o, t, qty, price)
	local value = qty * price
	local fee = commission(value)
	local tax = o.side == "sell" and sell_tax(t // DAY_MS, value) or 0
	local p = position(o.sym)
	local remaining = o.qty - o.filled
	if o.side == "buy" then
		local release = qty == remaining and o.reserved or o.reserved // remaining * qty
		o.reserved = o.reserved - release
		reserved_cash = reserved_cash - release
		cash = cash - value - fee
		p.qty = p.qty + qty
		p.rt_net = p.rt_net - value - fee
	else
		cash = cash + value - fee - tax
		p.qty = p.qty - qty
		p.offered = p.offered - qty
		p.rt_net = p.rt_net + value - fee - tax
	end
	o.filled = o.filled + qty
	fees, taxes, nfills = fees + fee, taxes + tax, nfills + 1
	fills_out[#fills_out + 1] = string.format("%s,%d,%s,%s,%s,%d,%d,%d,%d", format_time(t), o.id, opt.name, o.sym,
		o.side, qty, price, fee, tax)
	if p.qty == 0 then -- a round trip ends flat
		trades = trades + 1
		if p.rt_net > 0 then wins = wins + 1 end
		p.rt_net = 0
	end
	if o.filled == o.qty then
		o.status = "filled"
		remove_from_book(o)
		reserved_cash = reserved_cash - o.reserved
		o.reserved = 0
	end
end

local function new_day(day)
	-- Venue: expire the orders of an earlier session.
	local syms = {}
	for sym in pairs(book) do syms[#syms + 1] = sym end
	table.sort(syms)
	for _, sym in ipairs(syms) do
		local keep = {}
		for _, o in ipairs(book[sym]) do keep[#keep + 1] = o end
		for _, o in ipairs(keep) do
			if o.session_day == nil and day > o.placed_day then
				o.session_day = day
			end
			if o.session_day ~= nil and o.session_day < day then
				end_order(o, "cancelled")
			end
		end
	end
	-- Market: yesterday's last trade becomes the previous close.
	for sym, p in pairs(last_price) do
		if last_day[sym] < day then prev_close[sym] = p end
	end
	cur_day = day
end

local function match(t, sym, open, high, low, volume)
	local b = book[sym]
	if not b or #b == 0 or volume <= 0 or not in_session(t) then return end
	local budget = volume * opt.ppm // 1000000
	local snapshot = {}
	for _, o in ipairs(b) do snapshot[#snapshot + 1] = o end
	for _, o in ipairs(snapshot) do
		if budget <= 0 then break end
		if t >= o.placed and o.session_day == t // DAY_MS then
			local q = math.min(o.qty - o.filled, budget)
			budget = budget - q
			fill(o, t, q, open) -- sma_cross only sends market orders
		end
	end
end

-- Exact sign of (sum_f / nf) - (sum_s / ns).
local function cross_side(st)
	local d = st.fsum * opt.slow - st.ssum * opt.fast
	if d > 0 then return 1 elseif d < 0 then return -1 end
	return nil
end

local function push(win, sumkey, st, n, x)
	win[#win + 1] = x
	st[sumkey] = st[sumkey] + x
	if #win > n then
		st[sumkey] = st[sumkey] - table.remove(win, 1)
	end
	return #win == n
end

local function on_bar(t, sym, close)
	local st = sma[sym]
	if not st then
		st = { f = {}, s = {}, fsum = 0, ssum = 0, side = nil }
		sma[sym] = st
	end
	push(st.f, "fsum", st, opt.fast, close)
	if not push(st.s, "ssum", st, opt.slow, close) then return end
	local side = cross_side(st) or st.side
	local prev = st.side
	st.side = side
	if prev == nil or side == prev or side == nil then return end
	if side == 1 then
		if position(sym).qty == 0 and #open_orders_of(sym) == 0 then
			place(t, sym, "buy", opt.qty)
		end
	else
		local open = {}
		for _, o in ipairs(open_orders_of(sym)) do open[#open + 1] = o end
		for _, o in ipairs(open) do
			if o.side == "buy" then end_order(o, "cancelled") end
		end
		local p = position(sym)
		local avail = p.qty - p.offered
		if avail > 0 then place(t, sym, "sell", avail) end
	end
end

-- ---- the run ----

local fh = io.open(opt.data, "r") or die("cannot open " .. opt.data)
local header = fh:read("l") or die("empty file")
local col = {}
do
	local i = 0
	for name in (header .. ","):gmatch("([^,]*),") do
		i = i + 1
		name = name:gsub("\r$", "")
		if name == "ts" or name == "date" then name = "time" end
		if name == "code" then name = "symbol" end
		col[name] = i
	end
	for _, k in ipairs({ "time", "symbol", "open", "high", "low", "close", "volume" }) do
		if not col[k] then die(opt.data .. ": a bar file needs a '" .. k .. "' column") end
	end
end

local last_t
for line in fh:lines() do
	line = line:gsub("\r$", "")
	if line ~= "" then
		local f = {}
		for cell in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = cell end
		local t = parse_time(f[col.time])
		local day = t // DAY_MS
		if to_day and day > to_day then break end
		if not from_day or day >= from_day then
			local sym = f[col.symbol]
			local open, high, low = math.tointeger(f[col.open]), math.tointeger(f[col.high]), math.tointeger(f[col.low])
			local close, volume = math.tointeger(f[col.close]), math.tointeger(f[col.volume])
			if not (open and high and low and close and volume) then die("bad row: " .. line) end
			events = events + 1
			if day ~= cur_day then new_day(day) end
			match(t, sym, open, high, low, volume)
			last_price[sym], last_day[sym] = close, day
			if subscribed[sym] then on_bar(t, sym, close) end
			last_t = t
		end
	end
end
fh:close()
if not last_t then die("no data in range") end

local equity = cash
for sym, p in pairs(pos) do
	equity = equity + p.qty * last_price[sym]
end

local function write(path, text)
	local out = io.open(path, "w") or die("cannot write " .. path)
	out:write(text)
	out:close()
end

write(opt.fills, "time,order_id,strategy,symbol,side,qty,price,fee,tax\n" ..
	table.concat(fills_out, "\n") .. (#fills_out > 0 and "\n" or ""))

local rows = { "order_id,side,type,qty,filled_qty,status" }
for id = 1, next_id - 1 do
	local o = orders[id]
	rows[#rows + 1] = string.format("%d,%s,market,%d,%d,%s", id, o.side, o.qty, o.filled,
		o.status == "accepted" and o.filled > 0 and "partially_filled" or o.status)
end
write(opt.orders, table.concat(rows, "\n") .. "\n")

local rejected = 0
for _, o in pairs(orders) do
	if o.status == "rejected" then rejected = rejected + 1 end
end
write(opt.summary, string.format([[
# reference_sma.lua on %s (%d events, %d orders, %d rejected)
initial_cash %d
final_equity %d
fills %d
fees %d
taxes %d
orders %d
trades %d
wins %d
events %d
strategies.1.status ok
]], opt.data, events, next_id - 1, rejected, opt.cash, equity, nfills, fees, taxes, next_id - 1, trades, wins, events))
print(string.format("reference: %d events, %d orders (%d rejected), %d fills, final equity %d", events, next_id - 1,
	rejected, nfills, equity))
