-- symbols_string.lua - s.symbols must be a list, not a single code.
return { name = "symbols_string", symbols = "005930" }
