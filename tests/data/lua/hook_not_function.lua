-- hook_not_function.lua - a hook name bound to something that is not a function.
return { name = "hook_not_function", on_tick = 5 }
