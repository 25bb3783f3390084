return { fill = { slipage_ticks = 1 } }
