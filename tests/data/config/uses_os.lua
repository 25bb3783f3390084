-- uses_os.lua - a config cannot run commands or read the environment.
return { out = os.getenv("HOME") }
