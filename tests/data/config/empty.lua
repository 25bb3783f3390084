-- empty.lua - an empty table keeps every default.
return {}
