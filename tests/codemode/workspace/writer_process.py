"""A child process for the reliability tests: writes to a workspace until killed, or races another writer.

    python writer_process.py store DIR        write /loop/<i> through SqliteStore, print `ack i` after each
    python writer_process.py program DIR      the same from a real program in the sandbox (console.log acks)
    python writer_process.py contend DIR ID N wait for `go` on stdin, then N rounds of mixed writes

Every content is a pure function of i (`expected`), so the parent can tell a whole file from a partial one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import anyio

from codemode.sources.workspace import MIB, SqliteStore, WorkspacePath

BLOB_EVERY = 5


def expected(i: int) -> bytes:
    """The content of /loop/<i>: every fifth one is over 1 MiB (a blob file), the others a few KiB."""
    unit = f"line {i} of the write loop\n".encode()
    size = MIB + MIB // 5 if i % BLOB_EVERY == 0 else 2000 + 97 * (i % 50)
    return (unit * (size // len(unit) + 1))[:size]


def write_store(directory: Path) -> None:
    store = SqliteStore(directory)
    i = 0
    while True:
        store.write(WorkspacePath(f"/loop/{i}.txt"), expected(i))
        store.write(WorkspacePath("/loop/log.txt"), f"{i}\n".encode(), append=True)
        print(f"ack {i}", flush=True)
        i += 1


_PROGRAM = """
const unit = (i) => `line ${i} of the write loop\\n`;
const expected = (i) => {
  const size = i %% %(every)d === 0 ? %(mib)d + Math.floor(%(mib)d / 5) : 2000 + 97 * (i %% 50);
  return unit(i).repeat(Math.floor(size / unit(i).length) + 1).slice(0, size);
};
for (let i = 0; ; i++) {
  await workspace.writeFile({ path: `/loop/${i}.txt`, content: expected(i) });
  await workspace.appendFile({ path: "/loop/log.txt", content: `${i}\\n` });
  console.log(`ack ${i}`);
}
"""


async def write_program(directory: Path) -> None:
    from codemode.app import open_engine
    from codemode.engine import EngineSettings
    from codemode.sources.workspace import WorkspaceSource
    from sandbox import Limits

    limits = Limits(wall_s=600, cpu_s=600, tool_calls=1_000_000, log_entries=1_000_000)
    source = WorkspaceSource.open(directory)
    async with open_engine(sources=[source], settings=EngineSettings(limits=limits)) as engine:
        await engine.run(
            _PROGRAM % {"every": BLOB_EVERY, "mib": MIB},
            on_log=lambda entry: print(entry.message, flush=True),
        )


def contend(directory: Path, writer: str, rounds: int) -> None:
    store = SqliteStore(directory)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("expected `go`")
    for i in range(rounds):
        store.write(WorkspacePath(f"/{writer}/{i}.txt"), f"{writer} {i}\n".encode() * 50)
        store.write(WorkspacePath("/shared.log"), f"{writer} {i}\n".encode(), append=True)
        if i % 10 == 0:
            store.write(WorkspacePath("/contested.bin"), writer.encode() * (MIB + 1))
        if i % 7 == 0:
            store.move(WorkspacePath(f"/{writer}/{i}.txt"), WorkspacePath(f"/{writer}/moved/{i}.txt"))
        if i % 25 == 0:
            store.copy(WorkspacePath(f"/{writer}"), WorkspacePath(f"/copies/{writer}-{i}"), recursive=True)
    store.close()
    print("done", flush=True)


def main() -> None:
    mode, directory = sys.argv[1], Path(sys.argv[2])
    if mode == "store":
        write_store(directory)
    elif mode == "program":
        anyio.run(write_program, directory)
    elif mode == "contend":
        contend(directory, sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
