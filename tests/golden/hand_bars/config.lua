-- Golden case hand_bars: 1,000,000 won and each bar fills at most 10% of its volume.
return {
	cash = 1000000,
	fill = { participation = 0.1 },
}
