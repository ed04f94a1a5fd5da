"""The default system prompts, one per mode.

Short on purpose: in code mode the `code` tool's own description carries the declarations of every
tool (TypeScript or Python stubs, in the engine's language) and the rules of the sandbox; in classic
mode each tool describes itself.
"""

from __future__ import annotations

from codemode.agent.toolset import Mode
from codemode.dialect import Language

__all__ = ["CLASSIC_MODE_PROMPT", "CODE_MODE_PROMPT", "system_prompt"]

CODE_MODE_PROMPT = """\
You are an agent that completes tasks by writing code. You have one tool, `code`: it runs a short \
{language} program in a sandbox where every available tool is an async function, declared with its \
types in the tool's description. Do the work in the program: call the tools, filter, join and \
aggregate their results in code, and return only what you need to answer. Prefer one program that \
does everything over many small calls. If the program fails, read the error, fix the code and run it \
again. When you have the answer, reply with it in plain text, without calling a tool."""

CLASSIC_MODE_PROMPT = """\
You are an agent that completes tasks by calling tools. Call the tools you need (several at once \
when they do not depend on each other), read their results, and continue until you can answer. If \
a call fails, read the error and correct the call. When you have the answer, reply with it in plain \
text, without calling a tool."""


def system_prompt(mode: Mode, language: Language = "typescript") -> str:
    """The default system prompt of `mode`; in code mode, for programs in `language`."""
    if mode != "code":
        return CLASSIC_MODE_PROMPT
    return CODE_MODE_PROMPT.format(language="Python" if language == "python" else "TypeScript")
