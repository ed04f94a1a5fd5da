"""Path rules: every escape attempt refused for the right reason; ordinary paths normalized."""

from __future__ import annotations

import pytest

from codemode.sources.workspace import WorkspaceError, check_path
from codemode.sources.workspace.globbing import compile_glob
from codemode.sources.workspace.paths import ancestors, is_within, name_of, parent_of


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        pytest.param("/reports/q3.md", "/reports/q3.md", id="absolute"),
        pytest.param("reports/q3.md", "/reports/q3.md", id="relative-means-from-root"),
        pytest.param("/reports//q3.md", "/reports/q3.md", id="double-slash"),
        pytest.param("/./reports/./q3.md", "/reports/q3.md", id="dot-components"),
        pytest.param("/reports/", "/reports", id="trailing-slash"),
        pytest.param("/", "/", id="root"),
        pytest.param(".", "/", id="dot-is-root"),
        pytest.param("/....", "/....", id="four-dots-is-a-name"),
        pytest.param("/a..b/c", "/a..b/c", id="dots-inside-a-name"),
        pytest.param("/rapports/été.md", "/rapports/été.md", id="unicode"),
        pytest.param("/100%/x", "/100%/x", id="a-plain-percent"),
    ],
)
def test_paths_are_normalized(given: str, normalized: str) -> None:
    assert check_path(given) == normalized


@pytest.mark.parametrize(
    ("attack", "code", "reason"),
    [
        pytest.param("/../etc/passwd", "EINVAL", "contains `..`", id="dotdot-at-root"),
        pytest.param("../../etc/passwd", "EINVAL", "contains `..`", id="relative-dotdot"),
        pytest.param("/a/b/../../../x", "EINVAL", "contains `..`", id="dotdot-deep"),
        pytest.param("/a/..", "EINVAL", "contains `..`", id="trailing-dotdot"),
        pytest.param("/a/../a/b", "EINVAL", "contains `..`", id="dotdot-that-stays-inside"),
        pytest.param("/a\x00/../../etc", "EINVAL", "NUL byte", id="nul"),
        pytest.param("/a.txt\x00.png", "EINVAL", "NUL byte", id="nul-truncation"),
        pytest.param("/a\nb", "EINVAL", "control character", id="newline"),
        pytest.param("/%2e%2e/%2e%2e/etc", "EINVAL", "encoded character %2e", id="percent-dots"),
        pytest.param("/..%2f..%2fetc", "EINVAL", "encoded character %2f", id="percent-slash"),
        pytest.param("/..%5C..%5Cetc", "EINVAL", "encoded character %5C", id="percent-backslash"),
        pytest.param("/a%00b", "EINVAL", "encoded character %00", id="percent-nul"),
        pytest.param("..\\..\\etc\\passwd", "EINVAL", "backslash", id="backslash"),
        pytest.param("/..\u2215..\u2215etc", "EINVAL", "U+2215", id="division-slash"),
        pytest.param("/..\uff0f..\uff0fetc", "EINVAL", "U+FF0F", id="fullwidth-solidus"),
        pytest.param("/..\u2044etc", "EINVAL", "U+2044", id="fraction-slash"),
        pytest.param("/" + "a" * 4096, "ENAMETOOLONG", "longer than 4096 bytes", id="over-long"),
        pytest.param("/" + "é" * 2048, "ENAMETOOLONG", "longer than 4096 bytes", id="over-long-in-bytes"),
        pytest.param("/" + "n" * 256, "ENAMETOOLONG", "name longer than 255 bytes", id="over-long-name"),
        pytest.param("/d" * 101, "EINVAL", "101 components, more than 100", id="over-deep"),
        pytest.param("", "EINVAL", "is not a path", id="empty"),
        pytest.param("/a\ud800b", "EINVAL", "lone surrogate", id="lone-surrogate"),
    ],
)
def test_escape_attempts_are_refused_for_the_right_reason(attack: str, code: str, reason: str) -> None:
    with pytest.raises(WorkspaceError) as caught:
        check_path(attack)
    assert caught.value.code == code
    assert reason in str(caught.value)
    assert str(caught.value).startswith(f"{code}: ")


def test_the_limits_are_inclusive() -> None:
    assert check_path("/" + "/".join(["d"] * 100)).count("/") == 100
    longest = "/" + "/".join(["n" * 255] * 16)
    assert len(longest.encode()) == 4096
    assert check_path(longest) == longest


def test_glob_patterns_follow_the_same_rules() -> None:
    with pytest.raises(WorkspaceError, match=r"^EINVAL: /\.\./\*\* contains `\.\.`"):
        compile_glob("/../**")
    with pytest.raises(WorkspaceError, match="NUL byte"):
        compile_glob("/*\x00")


def test_helpers() -> None:
    path = check_path("/a/b/c.txt")
    assert parent_of(path) == "/a/b"
    assert name_of(path) == "c.txt"
    assert ancestors(path) == ["/a/b", "/a", "/"]
    assert is_within(path, check_path("/a"))
    assert not is_within(check_path("/ab/c"), check_path("/a"))
    assert is_within(path, check_path("/"))
