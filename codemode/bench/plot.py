"""The README chart: tokens per task, classic vs code mode, on a log scale, as a small hand-written SVG.

One row per task, grouped by category: horizontal bars for classic tool calling, code mode as the
engine describes it by default, and (lighter) code mode with every declaration in the description;
at the right, code mode's tokens relative to classic. No plotting library: the chart is a few dozen
SVG elements, deterministic, and renders the same on GitHub as in a browser.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from codemode.bench.results import CATEGORIES, TaskResult

__all__ = ["render_svg"]

_CLASSIC = "#d9822b"
_CODE = "#2b6cb0"
_FULL = "#90b4de"
_WIDTH = 920
_LEFT = 250  # labels
_RIGHT = 70  # saving figures
_TOP = 78
_ROW = 32
_HEADING = 22
_BAR = 9


def _ticks(low: float, high: float) -> list[int]:
    """Powers of ten around the values, starting low enough that every bar has a visible length."""
    return [10**e for e in range(math.floor(math.log10(low / 3)), math.ceil(math.log10(high)) + 1)]


def _label(value: int) -> str:
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if value >= size:
            return f"{value // size}{unit}"
    return str(value)


def _percent_change(saving: float) -> str:
    """Code mode's tokens relative to classic: `−93%` (fewer) or `+4%` (more)."""
    change = round(-saving * 100)
    return f"{'−' if change < 0 else '+'}{abs(change)}%"


def render_svg(results: Sequence[TaskResult], *, title: str, subtitle: str, tokenizer: str = "") -> str:
    """The chart of every measured task; an empty suite gives a chart that says so."""
    rows = [r for r in results if r.code is not None and r.classic is not None]
    values = [
        t.total for r in rows for t in (r.code, r.classic, r.code_full) if t is not None and t.total > 0
    ]
    # The third series only says something when it differs: when the catalog fits the token
    # budget, code mode already shows every declaration.
    show_full = any(
        r.code_full is not None and r.code is not None and r.code_full.total != r.code.total for r in rows
    )
    ticks = _ticks(min(values, default=100), max(values, default=1000))
    low, high = math.log10(ticks[0]), math.log10(ticks[-1])
    plot_w = _WIDTH - _LEFT - _RIGHT

    def x(value: int) -> float:
        return _LEFT + plot_w * (math.log10(max(value, 1)) - low) / (high - low or 1)

    body: list[str] = []
    y = _TOP
    for category, words in CATEGORIES.items():
        members = [r for r in rows if r.category == category]
        if not members:
            continue
        body.append(f'<text x="12" y="{y + 15}" class="cat">{escape(words)}</text>')
        y += _HEADING
        for r in members:
            if r.code is None or r.classic is None:
                continue
            mid = y + _ROW / 2
            body.append(f'<text x="{_LEFT - 8}" y="{mid + 4}" class="task">{escape(r.id)}</text>')
            bars = [(r.classic.total, _CLASSIC), (r.code.total, _CODE)]
            if show_full and r.code_full is not None:
                bars.append((r.code_full.total, _FULL))
            top = mid - len(bars) * (_BAR + 1) / 2
            for index, (tokens, color) in enumerate(bars):
                offset = top + index * (_BAR + 1) - mid
                width = x(tokens) - _LEFT
                body.append(
                    f'<rect x="{_LEFT}" y="{mid + offset:.1f}" width="{width:.1f}" height="{_BAR}" '
                    f'fill="{color}"><title>{escape(r.id)}: {tokens:,} tokens</title></rect>'
                )
            saving = r.saving or 0.0
            body.append(
                f'<text x="{_WIDTH - 8}" y="{mid + 4}" class="saving{" worse" if saving < 0 else ""}">'
                f"{_percent_change(saving)}</text>"
            )
            y += _ROW
    if not rows:
        body.append(f'<text x="{_LEFT}" y="{y + 20}" class="task">no measured tasks</text>')
        y += _ROW * 2
    bottom = y + 6
    grid = []
    for tick in ticks:
        gx = x(tick)
        grid.append(f'<line x1="{gx:.1f}" y1="{_TOP - 4}" x2="{gx:.1f}" y2="{bottom}" class="grid"/>')
        grid.append(f'<text x="{gx:.1f}" y="{bottom + 16}" class="tick">{_label(tick)}</text>')
    height = bottom + 48
    legend_y = 52
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height}" '
            f'viewBox="0 0 {_WIDTH} {height}" font-family="Helvetica, Arial, sans-serif">',
            "<style>"
            ".title{font-size:17px;font-weight:bold;fill:#222}.sub{font-size:12px;fill:#555}"
            ".cat{font-size:12px;font-weight:bold;fill:#444}.task{font-size:11.5px;fill:#222;text-anchor:end}"
            ".tick{font-size:11px;fill:#555;text-anchor:middle}.axis{font-size:12px;fill:#333;text-anchor:middle}"
            ".grid{stroke:#ddd;stroke-width:1}.saving{font-size:11.5px;fill:#2f855a;text-anchor:end}"
            ".worse{fill:#c53030}.legend{font-size:12px;fill:#222}"
            "</style>",
            f'<rect width="{_WIDTH}" height="{height}" fill="white"/>',
            f'<text x="12" y="24" class="title">{escape(title)}</text>',
            f'<text x="12" y="42" class="sub">{escape(subtitle)}</text>',
            f'<rect x="{_LEFT}" y="{legend_y}" width="14" height="10" fill="{_CLASSIC}"/>',
            f'<text x="{_LEFT + 20}" y="{legend_y + 9}" class="legend">classic tool calling</text>',
            f'<rect x="{_LEFT + 170}" y="{legend_y}" width="14" height="10" fill="{_CODE}"/>',
            f'<text x="{_LEFT + 190}" y="{legend_y + 9}" class="legend">code mode</text>',
            *(
                [
                    f'<rect x="{_LEFT + 290}" y="{legend_y}" width="14" height="10" fill="{_FULL}"/>',
                    f'<text x="{_LEFT + 310}" y="{legend_y + 9}" class="legend">'
                    "code mode, every declaration</text>",
                ]
                if show_full
                else []
            ),
            f'<text x="{_WIDTH - 8}" y="{legend_y + 9}" class="legend" text-anchor="end">'
            "code vs classic</text>",
            *grid,
            *body,
            f'<text x="{_LEFT + plot_w / 2:.0f}" y="{height - 10}" class="axis">'
            "total tokens per task (input + output, all turns; log scale)"
            f"{escape(', ' + tokenizer) if tokenizer else ''}</text>",
            "</svg>",
        ]
    )
