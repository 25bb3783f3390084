-- uses_require.lua - nor load code from elsewhere.
local x = require("os")
return {}
