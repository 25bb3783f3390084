return { fill = { participation = 0.0000001 } }
