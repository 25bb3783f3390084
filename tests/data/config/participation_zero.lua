return { fill = { participation = 0 } }
