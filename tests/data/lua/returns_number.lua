-- returns_number.lua - a strategy file must return a table.
return 42
