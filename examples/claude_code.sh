#!/usr/bin/env bash
# Add codemode to Claude Code (stdio). Replace /path/to/codemode with your checkout.
claude mcp add codemode -- uv run --directory /path/to/codemode codemode serve
