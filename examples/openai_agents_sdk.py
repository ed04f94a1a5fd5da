"""An OpenAI Agents SDK agent that uses codemode over streamable HTTP.

    uv run codemode serve --transport http --port 8000        # in one terminal
    OPENAI_API_KEY=sk-... uv run python examples/openai_agents_sdk.py \\
        http://127.0.0.1:8000/mcp "Which region had the most revenue last quarter?"

The same URL works for ChatGPT connectors and any streamable-HTTP MCP client; beyond loopback,
serve with `--token` (or CODEMODE_TOKEN) and pass it here as CODEMODE_TOKEN too.

Tracing is off here: the SDK uploads traces to OpenAI's own endpoint, which fails (and prints
"Tracing request failed" four times) offline or with OPENAI_BASE_URL pointed elsewhere. To send
traces, run with OPENAI_AGENTS_DISABLE_TRACING=0.
"""

from __future__ import annotations

import os
import sys

import anyio

# Read by the SDK on first use; set before it is imported. An explicit value from the user wins.
os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")

from agents import Agent, Runner
from agents.mcp import MCPServerStreamableHttp, MCPServerStreamableHttpParams

INSTRUCTIONS = (
    "Answer with the `code` tool: write one TypeScript program that calls the declared tools, "
    "does the filtering and arithmetic itself, and returns only the answer."
)


async def ask(url: str, task: str, model: str = "gpt-5-mini") -> str:
    """Run one task through an Agents SDK agent whose only tool server is codemode at `url`."""
    token = os.environ.get("CODEMODE_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    params = MCPServerStreamableHttpParams(url=url, headers=headers, timeout=60)
    async with MCPServerStreamableHttp(
        params=params, cache_tools_list=True, name="codemode", client_session_timeout_seconds=60
    ) as server:
        agent = Agent(name="analyst", instructions=INSTRUCTIONS, mcp_servers=[server], model=model)
        result = await Runner.run(agent, task)
        return str(result.final_output)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} URL TASK")
    print(anyio.run(ask, sys.argv[1], sys.argv[2]))


if __name__ == "__main__":
    main()
