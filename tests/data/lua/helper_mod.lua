-- helper_mod.lua - a module for require() tests (lib_dir = this directory).
-- It counts how often its body runs, in a global, to show require caches.
loads_of_helper_mod = (loads_of_helper_mod or 0) + 1
return { answer = 42, loads = function() return loads_of_helper_mod end }
