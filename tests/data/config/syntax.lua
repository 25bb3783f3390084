-- syntax.lua - does not compile (line 3).
return {
	cash = = 1,
}
