"""Seeded prose: sentences, paragraphs and structured markdown documents.

The text reads like corporate writing with the meaning filed off: real structure (headings, lists,
tables, action items) and real cross-references (issue and customer ids), so a program can parse it
and a model pays for reading it in full.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from codemode.world import vocabulary as v

__all__ = ["Prose", "word_count"]

UNITS: tuple[str, ...] = ("minutes", "hours", "days", "requests", "percent", "nodes")


def plural(noun: str) -> str:
    """English plural, good enough for the vocabulary's nouns."""
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "ch", "sh", "x")):
        return noun + "es"
    return noun + "s"


def base(verb: str) -> str:
    """`retries` -> `retry`, `blocks` -> `block`: the plural-subject form of the vocabulary's verbs."""
    return verb[:-3] + "y" if verb.endswith("ies") else verb.removesuffix("s")


def a(word: str) -> str:
    """`a sensor`, `an alert`."""
    return ("an " if word[0] in "aeiou" else "a ") + word


def word_count(text: str) -> int:
    """Whitespace-separated words, markdown punctuation included: how the world counts."""
    return len(text.split())


class Prose:
    """Text from one seeded random stream; the same calls on the same seed give the same text."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def sentence(self, mention: str | None = None) -> str:
        """One sentence; `mention` (an id or a name) is woven in when given."""
        r = self._rng
        noun, other, adj = r.choice(v.NOUNS), r.choice(v.NOUNS), r.choice(v.ADJECTIVES)
        verb = r.choice(v.VERBS)
        shape = r.randrange(6)
        if shape == 0:
            text = f"The {adj} {noun} {verb} the {other}"
        elif shape == 1:
            text = f"{r.choice(v.CONNECTIVES)}, the {noun} {r.choice(v.ADVERBS)} {verb} every {adj} {other}"
        elif shape == 2:
            text = f"Each {noun} {verb} {a(adj)} {other} within {r.randint(2, 90)} {r.choice(UNITS)}"
        elif shape == 3:
            text = f"{r.randint(3, 97)} percent of {plural(noun)} {base(verb)} the {adj} {other}"
            text = text.replace(" percent of", "% of", 1) if r.random() < 0.5 else text
        elif shape == 4:
            state = f"the {r.choice(v.NOUNS)} is {r.choice(v.ADJECTIVES)}"
            text = f"Our {adj} {noun} {verb} {plural(other)} when {state}"
        else:
            opener, adverb = r.choice(v.CONNECTIVES), r.choice(v.ADVERBS)
            text = f"{opener}, {plural(noun)} {base(verb)} the {other} {adverb}"
        if mention is not None:
            text += f" (see {mention})" if r.random() < 0.5 else f", as noted for {mention}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int, mentions: Sequence[str] = ()) -> str:
        """`sentences` sentences; each mention lands in one of them."""
        slots: list[str | None] = [None] * sentences
        for mention in mentions:
            slots[self._rng.randrange(sentences)] = mention
        return " ".join(self.sentence(mention) for mention in slots)

    def bullets(self, count: int, numbered: bool = False) -> str:
        """A markdown list of short sentences."""
        marks = [f"{i}." for i in range(1, count + 1)] if numbered else ["-"] * count
        return "\n".join(f"{mark} {self.sentence()}" for mark in marks)

    def action_items(self, count: int, owners: Sequence[str], refs: Sequence[str]) -> str:
        """`- [ ] @owner: sentence (REF)` lines: a checklist a program can parse."""
        lines = []
        for _ in range(count):
            ref = f" ({self._rng.choice(refs)})" if refs and self._rng.random() < 0.6 else ""
            done = "x" if self._rng.random() < 0.3 else " "
            lines.append(f"- [{done}] @{self._rng.choice(owners)}: {self.sentence()[:-1]}{ref}")
        return "\n".join(lines)

    def table(self, rows: int) -> str:
        """A markdown table of metrics: `| metric | before | after | owner |`."""
        lines = ["| metric | before | after | owner |", "| --- | ---: | ---: | --- |"]
        for _ in range(rows):
            before = self._rng.randint(10, 5000)
            after = max(1, before + self._rng.randint(-before // 2, before // 3))
            name = f"{self._rng.choice(v.ADJECTIVES)} {self._rng.choice(v.NOUNS)} {self._rng.choice(UNITS)}"
            lines.append(f"| {name} | {before} | {after} | @{self._rng.choice(v.STAFF)} |")
        return "\n".join(lines)

    def document(self, folder: str, title: str, target_words: int, mentions: Sequence[str]) -> str:
        """A markdown document of about `target_words` words with the folder's section skeleton.

        Every id in `mentions` appears at least once in the body.
        """
        r = self._rng
        sections = v.DOC_SECTIONS[folder]
        per_section = max(1, target_words // len(sections))
        pending = list(mentions)
        parts = [f"# {title}"]
        for heading in sections:
            parts.append(f"## {heading}")
            words = 0
            while words < per_section:
                roll = r.random()
                if roll < 0.12:
                    block = self.bullets(r.randint(3, 6), numbered=folder == "runbooks")
                elif roll < 0.18:
                    block = self.action_items(r.randint(2, 5), v.STAFF, mentions)
                elif roll < 0.22:
                    block = self.table(r.randint(3, 6))
                else:
                    take = [pending.pop()] if pending and r.random() < 0.5 else []
                    block = self.paragraph(r.randint(3, 7), take)
                parts.append(block)
                words += word_count(block)
        if pending:
            parts.append("## References")
            parts.append("\n".join(f"- {mention}" for mention in pending))
        return "\n\n".join(parts) + "\n"
