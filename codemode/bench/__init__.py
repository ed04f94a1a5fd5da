"""Benchmarks: the token savings of code mode over classic tool calling, and the sandbox's speed.

`codemode.commands.bench` is the command line; `suite.py` (offline) and `live.py` (with a real model)
run the token benchmark's tasks (`tasks/`) in the environment of `environment.py`.
"""

NODE_MODULES_ENV = "CODEMODE_NODE_MODULES"
"""Environment variable naming the `node_modules` folder the benchmark's real MCP servers run from."""
