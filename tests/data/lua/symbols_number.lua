-- symbols_number.lua - symbol codes are strings: 5930 is not "005930".
return { name = "symbols_number", symbols = { 5930 } }
