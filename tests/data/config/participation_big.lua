return { fill = { participation = 1.5 } }
