"""`SqliteStore`: what each operation does, what it refuses, and that a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import snapshot

from codemode.sources.workspace import MIB, SqliteStore, StoreLimits, WorkspaceError
from codemode.sources.workspace import check_path as p

BIG = 2 * MIB  # over the 1 MiB inline limit: a blob file


def test_write_read_append_and_parents_are_created(store: SqliteStore) -> None:
    store.write(p("/reports/2026/q3.md"), b"# Q3\n")
    entry = store.write(p("/reports/2026/q3.md"), b"up\n", append=True)
    assert entry.size == 8
    assert store.read(p("/reports/2026/q3.md")) == b"# Q3\nup\n"
    assert [e.path for e in store.list_dir(p("/reports"))] == ["/reports/2026"]
    assert store.stat(p("/reports"))[1] == "dir"
    assert store.usage().bytes == 8
    assert store.verify() == []


def test_binary_content_round_trips_inline_and_as_a_blob(store: SqliteStore) -> None:
    small = bytes(range(256)) * 4
    big = bytes(range(256)) * (BIG // 256)
    store.write(p("/small.bin"), small)
    store.write(p("/big.bin"), big)
    assert store.read(p("/small.bin")) == small
    assert store.read(p("/big.bin")) == big
    assert len(list((store.directory / "blobs").rglob("*"))) == 2  # one shard directory, one blob
    store.write(p("/big.bin"), b"now small")
    assert store.read(p("/big.bin")) == b"now small"
    assert [f for f in (store.directory / "blobs").rglob("*") if f.is_file()] == []
    assert store.verify() == []


def test_appending_across_the_inline_limit_moves_the_file_to_a_blob(store: SqliteStore) -> None:
    store.write(p("/log.txt"), b"a" * (MIB - 10))
    store.write(p("/log.txt"), b"b" * 20, append=True)
    assert store.read(p("/log.txt")) == b"a" * (MIB - 10) + b"b" * 20
    store.write(p("/log.txt"), b"c", append=True)
    assert store.read(p("/log.txt")).endswith(b"bc")
    assert len([f for f in (store.directory / "blobs").rglob("*") if f.is_file()]) == 1
    assert store.verify() == []


@pytest.mark.parametrize(
    ("action", "code", "message"),
    [
        pytest.param(lambda s: s.read(p("/nope")), "ENOENT", "/nope does not exist", id="read-missing"),
        pytest.param(lambda s: s.read(p("/dir")), "EISDIR", "/dir is a directory", id="read-dir"),
        pytest.param(lambda s: s.write(p("/dir"), b""), "EISDIR", "/dir is a directory", id="write-dir"),
        pytest.param(lambda s: s.write(p("/"), b""), "EISDIR", "/ is the workspace root", id="write-root"),
        pytest.param(
            lambda s: s.write(p("/dir/f.txt/x"), b""),
            "ENOTDIR",
            "/dir/f.txt/x cannot be created: /dir/f.txt is a file",
            id="write-under-file",
        ),
        pytest.param(lambda s: s.list_dir(p("/dir/f.txt")), "ENOTDIR", "is a file", id="list-file"),
        pytest.param(lambda s: s.list_dir(p("/nope")), "ENOENT", "does not exist", id="list-missing"),
        pytest.param(
            lambda s: s.mkdir(p("/dir"), recursive=False), "EEXIST", "already exists", id="mkdir-exists"
        ),
        pytest.param(
            lambda s: s.mkdir(p("/dir/f.txt"), recursive=True), "EEXIST", "(a file)", id="mkdir-over-file"
        ),
        pytest.param(
            lambda s: s.mkdir(p("/x/y"), recursive=False),
            "ENOENT",
            "/x/y cannot be created: /x does not exist; pass recursive: true",
            id="mkdir-no-parent",
        ),
        pytest.param(
            lambda s: s.remove(p("/dir"), recursive=False), "ENOTEMPTY", "not empty", id="rm-nonempty"
        ),
        pytest.param(lambda s: s.remove(p("/"), recursive=True), "EPERM", "workspace root", id="rm-root"),
        pytest.param(
            lambda s: s.remove(p("/nope"), recursive=True), "ENOENT", "does not exist", id="rm-missing"
        ),
        pytest.param(
            lambda s: s.copy(p("/dir"), p("/copy"), recursive=False), "EISDIR", "recursive", id="cp-dir"
        ),
        pytest.param(
            lambda s: s.copy(p("/dir"), p("/dir/sub"), recursive=True),
            "EINVAL",
            "into itself",
            id="cp-into-self",
        ),
        pytest.param(
            lambda s: s.copy(p("/dir/f.txt"), p("/dir"), recursive=False),
            "EISDIR",
            "full path",
            id="cp-onto-dir",
        ),
        pytest.param(lambda s: s.move(p("/dir"), p("/dir/a/b")), "EINVAL", "into itself", id="mv-into-self"),
        pytest.param(
            lambda s: s.move(p("/dir"), p("/other")), "EEXIST", "already exists", id="mv-dir-onto-any"
        ),
        pytest.param(lambda s: s.move(p("/"), p("/x")), "EPERM", "root", id="mv-root"),
        pytest.param(
            lambda s: s.move(p("/nope"), p("/x")), "ENOENT", "/nope does not exist", id="mv-missing"
        ),
    ],
)
def test_refusals_name_the_path_and_change_nothing(
    store: SqliteStore, action: Callable[[SqliteStore], object], code: str, message: str
) -> None:
    store.write(p("/dir/f.txt"), b"hello")
    store.write(p("/other"), b"x")
    before = snapshot(store)
    with pytest.raises(WorkspaceError) as caught:
        action(store)
    assert caught.value.code == code
    assert message in str(caught.value)
    assert snapshot(store) == before


def test_copy_and_move_files_and_trees(store: SqliteStore) -> None:
    store.write(p("/src/a.txt"), b"a")
    store.write(p("/src/deep/b.bin"), b"b" * BIG)
    store.mkdir(p("/src/empty"), recursive=False)
    store.copy(p("/src"), p("/dst/copy"), recursive=True)
    assert [e.path for e in store.walk(p("/dst"))] == ["/dst/copy/a.txt", "/dst/copy/deep/b.bin"]
    assert store.stat(p("/dst/copy/empty"))[1] == "dir"
    assert store.read(p("/dst/copy/deep/b.bin")) == b"b" * BIG
    store.write(p("/src/a.txt"), b"changed")
    assert store.read(p("/dst/copy/a.txt")) == b"a"  # a copy, not a shared row
    store.move(p("/dst/copy"), p("/moved"))
    assert store.stat(p("/dst/copy")) is None
    assert [e.path for e in store.walk(p("/moved"))] == ["/moved/a.txt", "/moved/deep/b.bin"]
    store.move(p("/moved/a.txt"), p("/src/a.txt"))  # a file replaces a file
    assert store.read(p("/src/a.txt")) == b"a"
    assert store.usage().bytes == 1 + 2 * BIG
    assert store.verify() == []


def test_a_subtree_is_exactly_the_directory_and_below(store: SqliteStore) -> None:
    for path in ("/a/x", "/a-b/y", "/a0/z", "/ab/w", "/a/sub/v"):
        store.write(p(path), b".")
    assert [e.path for e in store.walk(p("/a"))] == ["/a/sub/v", "/a/x"]
    store.remove(p("/a"), recursive=True)
    assert [e.path for e in store.walk(p("/"))] == ["/a-b/y", "/a0/z", "/ab/w"]
    store.move(p("/ab"), p("/a"))
    assert [e.path for e in store.walk(p("/"))] == ["/a-b/y", "/a/w", "/a0/z"]
    assert store.verify() == []


def test_the_quota_and_file_size_refuse_and_leave_the_store_as_it_was(store_dir: Path) -> None:
    store = SqliteStore(store_dir, StoreLimits(quota_bytes=3 * MIB, max_file_bytes=2 * MIB))
    store.write(p("/keep/small.txt"), b"s" * 1000)
    store.write(p("/keep/big.bin"), b"b" * (MIB + 1))
    store.write(p("/keep/mid.bin"), b"m" * (MIB // 2 * 3))
    before = snapshot(store)
    attempts: list[tuple[Callable[[], object], str, str]] = [
        (lambda: store.write(p("/new.bin"), b"x" * (2 * MIB)), "ENOSPC", "quota_mib"),
        (lambda: store.write(p("/new/dir/tiny.txt"), b"x" * (2 * MIB)), "ENOSPC", "quota"),
        (lambda: store.write(p("/huge.bin"), b"x" * (2 * MIB + 1)), "EFBIG", "max_file_mib"),
        (lambda: store.write(p("/keep/small.txt"), b"x" * (2 * MIB), append=True), "EFBIG", "max_file_mib"),
        (lambda: store.write(p("/keep/big.bin"), b"x" * (MIB // 10 * 9), append=True), "ENOSPC", "quota"),
        (
            lambda: store.write_many([(p("/ok.txt"), b"ok"), (p("/no.bin"), b"x" * (2 * MIB))]),
            "ENOSPC",
            "quota",
        ),
        (lambda: store.copy(p("/keep"), p("/keep2"), recursive=True), "ENOSPC", "quota"),
        (lambda: store.copy(p("/keep/big.bin"), p("/big2.bin"), recursive=False), "ENOSPC", "quota"),
    ]
    for attempt, code, hint in attempts:
        with pytest.raises(WorkspaceError) as caught:
            attempt()
        assert caught.value.code == code
        assert hint in str(caught.value)
        assert snapshot(store) == before, f"{code} changed the store"
    assert store.verify() == []
    store.close()


def test_write_many_is_all_or_nothing(store: SqliteStore) -> None:
    store.write(p("/a.txt"), b"old a")
    before = snapshot(store)
    with pytest.raises(WorkspaceError, match="EISDIR"):
        store.write_many([(p("/a.txt"), b"new a"), (p("/b.bin"), b"b" * BIG), (p("/"), b"")])
    with pytest.raises(WorkspaceError, match="ENOTDIR"):
        store.write_many([(p("/a.txt"), b"new a"), (p("/c.bin"), b"c" * BIG), (p("/a.txt/x"), b"")])
    assert snapshot(store) == before


def test_reopening_keeps_everything_and_sweeps_only_old_unreferenced_blobs(store_dir: Path) -> None:
    import os
    import time

    store = SqliteStore(store_dir)
    store.write(p("/kept.bin"), b"k" * BIG)
    stray_old = store.directory / "blobs" / "ff" / ("ff" + "0" * 30)
    stray_new = store.directory / "blobs" / "ee" / ("ee" + "0" * 30)
    temp_old = store.directory / "blobs" / "dd" / (".tmp-dd" + "0" * 30)
    for stray in (stray_old, stray_new, temp_old):
        stray.parent.mkdir(parents=True, exist_ok=True)
        stray.write_bytes(b"left by a crash")
    hour_ago = time.time() - 3600
    os.utime(stray_old, (hour_ago, hour_ago))
    os.utime(temp_old, (hour_ago, hour_ago))
    store.close()
    reopened = SqliteStore(store_dir)
    assert reopened.read(p("/kept.bin")) == b"k" * BIG
    assert not stray_old.exists()
    assert not temp_old.exists()
    assert stray_new.exists()  # may belong to a write in flight in another process
    assert reopened.verify() == []
    reopened.close()


GLOB_PATHS = [
    "/a.md",
    "/a",
    "/reports/q3.md",
    "/reports/2026/q4.md",
    "/reports/2026/deep/x.md",
    "/reports/2026/deep/md",
    "/reports/x.md/inner.txt",
    "/reports-old/q1.md",
    "/.hidden.md",
    "/data/f1.csv",
    "/data/fx.csv",
    "/data/f1.csv.bak",
    "/odd/[x]*?.md",
    "/odd/a]b.md",
    "/odd/ünï.md",
]


@pytest.mark.parametrize(
    "pattern",
    [
        "*.md",
        "/**",
        "/a/**",
        "/reports/**",
        "/reports/*.md",
        "/reports/**/*.md",
        "/reports/**/*md",
        "/reports/**/x*",
        "/reports/**/deep/*.md",
        "/**/**/x.md",
        "/reports/*/*.md",
        "/reports/**/**",
        "/data/f?.csv",
        "/data/f[1x].csv",
        "/data/f[!1].csv",
        "/data/*.{csv,bak}",
        "/data/f1.csv",
        "/odd/[[]x]*",
        "/odd/*]*",
        "/odd/??n?.md",
        "/reports",
        "/",
    ],
)
def test_the_stores_glob_match_agrees_with_the_patterns_regular_expression(
    store: SqliteStore, pattern: str
) -> None:
    """The store matches in SQL (exactly, for the common shapes, skipping the regular expression):
    whatever shortcut is taken, the files found are those the full pattern matches."""
    from codemode.sources.workspace import operations
    from codemode.sources.workspace.arguments import GlobArgs
    from codemode.sources.workspace.globbing import compile_glob

    store.write_many([(p(path), b"x") for path in GLOB_PATHS])
    files = sorted(entry.path for entry in store.walk(p("/")))
    want = compile_glob(pattern).filter(files)
    assert operations.glob(store, GlobArgs(pattern=pattern)) == want
