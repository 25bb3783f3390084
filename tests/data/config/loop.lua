-- loop.lua - a config that never finishes must be stopped.
while true do end
