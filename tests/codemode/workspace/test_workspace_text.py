"""Globs, line search, JavaScript replacement strings and diffs, as pure functions."""

from __future__ import annotations

import pytest

from codemode.sources.workspace import WorkspaceError
from codemode.sources.workspace.globbing import compile_glob
from codemode.sources.workspace.text import (
    Deadline,
    compile_query,
    js_replacement,
    search_lines,
    unified_diff,
)

PATHS = [
    "/a.md",
    "/a.txt",
    "/reports/q3.md",
    "/reports/2026/q4.md",
    "/reports/2026/deep/x.md",
    "/reports-old/q1.md",
    "/.hidden.md",
    "/data/f1.csv",
    "/data/f2.csv",
    "/data/fx.csv",
]


@pytest.mark.parametrize(
    ("pattern", "base", "matched"),
    [
        pytest.param("*.md", "/", ["/a.md", "/.hidden.md"], id="star-stays-in-one-directory"),
        pytest.param("/reports/*.md", "/reports", ["/reports/q3.md"], id="star-in-a-directory"),
        pytest.param(
            "/reports/**/*.md",
            "/reports",
            ["/reports/q3.md", "/reports/2026/q4.md", "/reports/2026/deep/x.md"],
            id="globstar-zero-or-more",
        ),
        pytest.param("/reports/**/**/x.md", "/reports", ["/reports/2026/deep/x.md"], id="repeated-globstar"),
        pytest.param("*.{md,txt}", "/", ["/a.md", "/a.txt", "/.hidden.md"], id="braces"),
        pytest.param("/data/f[12].csv", "/data", ["/data/f1.csv", "/data/f2.csv"], id="class"),
        pytest.param("/data/f[!12].csv", "/data", ["/data/fx.csv"], id="negated-class"),
        pytest.param(
            "/data/f?.csv", "/data", ["/data/f1.csv", "/data/f2.csv", "/data/fx.csv"], id="question"
        ),
        pytest.param("/reports/q3.md", "/reports", ["/reports/q3.md"], id="literal"),
        pytest.param("/reports", "/", [], id="a-directory-is-not-a-file-match"),
        pytest.param("reports-old/*", "/reports-old", ["/reports-old/q1.md"], id="relative"),
        pytest.param("/a.m?", "/", ["/a.md"], id="dot-is-literal"),
    ],
)
def test_globs(pattern: str, base: str, matched: list[str]) -> None:
    compiled = compile_glob(pattern)
    assert compiled.base == base
    assert compiled.filter(PATHS) == [path for path in PATHS if path in matched]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        pytest.param("/a/[b", "has a `[` without its `]`", id="open-class"),
        pytest.param("/a/{b,c", "has a `{` without its `}`", id="open-brace"),
        pytest.param("/a/[z-a]", "is not a valid glob pattern", id="bad-range"),
    ],
)
def test_malformed_globs_are_refused(pattern: str, problem: str) -> None:
    with pytest.raises(WorkspaceError, match=r"^EINVAL") as caught:
        compile_glob(pattern)
    assert problem in str(caught.value)


def test_search_reports_each_matching_line_once_with_its_number() -> None:
    text = "alpha\nbeta beta\r\ngamma\n" + "x" * 500 + "beta" + "y" * 500 + "\nbeta"
    pattern = compile_query("BETA", is_regex=False, case_sensitive=False)
    hits = list(search_lines(pattern, text, Deadline("BETA")))
    assert [line for line, _ in hits] == [2, 4, 5]
    assert hits[0][1] == "beta beta"
    long_line = hits[1][1]
    assert long_line.startswith("…") and long_line.endswith("…") and "beta" in long_line
    assert len(long_line) <= 302
    assert hits[2][1] == "beta"


def test_literal_queries_are_not_patterns() -> None:
    pattern = compile_query("a.b(", is_regex=False, case_sensitive=True)
    assert [line for line, _ in search_lines(pattern, "axb(\na.b(\n", Deadline("a.b("))] == [2]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param("[$1]", "[Acme] Corp", id="group"),
        pytest.param("[$<name>]", "[Acme] Corp", id="named"),
        pytest.param("$&$&", "AcmeAcme Corp", id="whole-match"),
        pytest.param("$$1", "$1 Corp", id="escaped-dollar"),
        pytest.param("$9", "$9 Corp", id="missing-group-stays"),
        pytest.param("$10", "Acme0 Corp", id="one-digit-then-literal"),
        pytest.param("($`|$')", "(| Corp) Corp", id="before-and-after"),
    ],
)
def test_js_replacement_strings(template: str, expected: str) -> None:
    pattern = compile_query("(?<name>Acme)", is_regex=True, case_sensitive=True)
    assert pattern.sub(js_replacement(template, is_regex=True), "Acme Corp") == expected


def test_literal_replacements_keep_dollars() -> None:
    pattern = compile_query("Acme", is_regex=False, case_sensitive=True)
    assert pattern.sub(js_replacement("$1 & $&", is_regex=False), "Acme") == "$1 & $&"


def test_unified_diff() -> None:
    assert unified_diff("/a", "same\n", "/b", "same\n") == ""
    assert unified_diff("/a", "one\ntwo\n", "/b", "one\nthree\n") == (
        "--- /a\n+++ /b\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n"
    )


def test_an_expired_budget_is_etimedout() -> None:
    pattern = compile_query("(x+x+)+y", is_regex=True, case_sensitive=True)
    with pytest.raises(WorkspaceError, match=r"^ETIMEDOUT: \(x\+x\+\)\+y took more than 0 s"):
        list(search_lines(pattern, "x" * 100, Deadline("(x+x+)+y", budget_s=0)))


@pytest.mark.parametrize(
    ("pattern", "sql", "children_of", "exact"),
    [
        pytest.param("/reports/**/*.md", "/reports/**.md", None, True, id="globstar-suffix"),
        pytest.param("/reports/*.md", "/reports/*.md", "/reports", True, id="one-directory"),
        pytest.param("/reports/q3.md", "/reports/q3.md", None, True, id="literal"),
        pytest.param("/**", "*", None, True, id="everything"),
        pytest.param("/data/*.{csv,bak}", "/data/*.*", None, False, id="braces-need-the-regex"),
        pytest.param("/data/f[12].csv", "/data/f?.csv", None, False, id="classes-need-the-regex"),
        pytest.param("/reports/**/x*", "/reports/*x*", None, False, id="prefix-needs-the-regex"),
    ],
)
def test_globs_compile_to_a_sql_prefilter(
    pattern: str, sql: str, children_of: str | None, exact: bool
) -> None:
    compiled = compile_glob(pattern)
    assert (compiled.sql, compiled.children_of, compiled.exact) == (sql, children_of, exact)
