"""TypeScript's messages, reworded where they would mislead the model or drown it.

- A tool that does not exist: TypeScript prints the whole namespace's type; we say
  `crm has no tool 'get_custmer'. Did you mean 'get_customer'?`.
- A Node or DOM name (`process`, `require`, `document`): TypeScript suggests installing type
  packages; the sandbox has none of those APIs, so we say just that.
- Very long types inside a message are cut, keeping its start.
"""

from __future__ import annotations

import re

__all__ = ["namespaces_of", "reword"]

_NAMESPACE = re.compile(r"^declare const ([A-Za-z_$][\w$]*): \{", re.MULTILINE)
_MEMBER_BEFORE = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:\?\.|\.)\s*$")
_DID_YOU_MEAN = re.compile(r"Did you mean (.+)\?$")
_MISSING_RUNTIME = {2580, 2582, 2583, 2584, 2591, 2592, 2593, 2867, 2868}
"""Cannot find name 'x' + advice to install @types or change `lib`."""
_LONG_TYPE = 160


def namespaces_of(declarations: str) -> frozenset[str]:
    """The namespace names `declare const <ns>: {` in rendered declarations."""
    return frozenset(_NAMESPACE.findall(declarations))


def reword(code: int, message: str, before: str, namespaces: frozenset[str]) -> str:
    """The message to show for a diagnostic; `before` is the source line up to the diagnostic."""
    if code in (2339, 2551):
        owner = _MEMBER_BEFORE.search(before)
        if owner and owner.group(1) in namespaces:
            name = message.split("'")[1] if message.count("'") >= 2 else "?"
            meant = _DID_YOU_MEAN.search(message)
            text = f"{owner.group(1)} has no tool '{name}'."
            return f"{text} Did you mean {meant.group(1)}?" if meant else text
    if code in _MISSING_RUNTIME:
        name = message.split("'")[1] if message.count("'") >= 2 else "?"
        return (
            f"Cannot find name '{name}'. The sandbox has only the declared tools "
            "and the JavaScript standard library."
        )
    if code == 2339 and "on type 'Promise<" in message:
        return _shorten_types(message) + " Did you forget to use 'await'?"
    return _shorten_types(message)


def _shorten_types(message: str) -> str:
    def cut(match: re.Match[str]) -> str:
        text = match.group(0)
        return text if len(text) <= _LONG_TYPE else text[: _LONG_TYPE - 5] + " ...}'"

    return re.sub(r"'\{[^\n]*?\}'(?=[.:;,\s]|$)", cut, message)
