-- A config with a misspelt key: must be refused, naming the key.
return {
	cash = 1000000,
	fill = { participaton = 0.1 },
}
