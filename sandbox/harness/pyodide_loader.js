// Loading the Pyodide runtime inside a sandbox process, before any guest code exists.
//
// The process starts with read access to exactly one directory: the runtime's cache directory
// (`--allow-read=DIR`, see sandbox/command.py). `loadPython` imports Pyodide's JavaScript from it,
// reads the wasm binary, the standard library and the memory snapshot, and then revokes the read
// permission for the whole process, for good: with `--no-prompt`, a later `Deno.permissions.request`
// answers "denied", and every file API (Deno's, node:fs, fetch("file:")) fails with NotCapable.
// `makeSnapshot` is the one-off build step (sandbox/pyodide_runtime.py runs it at install time).

// Modules the snapshot imports, so that a program using them pays nothing to import them.
const PRELOAD = [
  "asyncio", "json", "re", "datetime", "statistics", "collections", "itertools", "functools", "math",
  "csv", "decimal", "fractions", "io", "logging", "traceback", "ast", "textwrap", "string", "random",
  "dataclasses", "typing", "operator", "heapq", "bisect", "contextlib", "types", "linecache",
];

function fileUrl(path) {
  const url = new URL("file:///");
  url.pathname = path;
  return url.href;
}

async function importPyodide(dir) {
  const mod = await import(fileUrl(dir + "/pyodide.mjs"));
  return mod.loadPyodide;
}

// The snapshot file: sparse (sandbox/snapshot_file.py: only the pages that are not all zeros, read
// into a zeroed buffer whose other pages are never touched), or the plain image older installs wrote.
const SPARSE_MAGIC = "CMSNAP1\0";

function readFully(file, view) {
  let off = 0;
  while (off < view.length) {
    const n = file.readSync(view.subarray(off));
    if (n === null || n === 0) throw new Error("the Pyodide snapshot file is cut short (reinstall with --force)");
    off += n;
  }
}

function readSnapshot(path) {
  const file = Deno.openSync(path);
  try {
    const head = new Uint8Array(16);
    const n = file.readSync(head);
    if (n !== 16 || new TextDecoder().decode(head.subarray(0, 8)) !== SPARSE_MAGIC) return Deno.readFileSync(path);
    const fields = new DataView(head.buffer);
    const size = fields.getUint32(8, true);
    const count = fields.getUint32(12, true);
    const table = new Uint8Array(count * 8);
    readFully(file, table);
    const runs = new DataView(table.buffer);
    const image = new Uint8Array(size);
    for (let i = 0; i < count; i++) {
      const offset = runs.getUint32(i * 8, true);
      const length = runs.getUint32(i * 8 + 4, true);
      if (offset + length > size) throw new Error("the Pyodide snapshot file is damaged (reinstall with --force)");
      readFully(file, image.subarray(offset, offset + length));
    }
    return image;
  } finally {
    file.close();
  }
}

// Loads Python from the snapshot, then gives up every read permission. Returns the Pyodide API.
export async function loadPython(dir, snapshotFile, options = {}) {
  const loadPyodide = await importPyodide(dir);
  const snapshot = readSnapshot(snapshotFile);
  let pyodide;
  try {
    pyodide = await loadPyodide({
      indexURL: dir + "/",
      _loadSnapshot: snapshot,
      checkAPIVersion: true,
      env: { HOME: "/home/pyodide" },
      ...options,
    });
  } finally {
    Deno.permissions.revokeSync({ name: "read" });
  }
  if (Deno.permissions.querySync({ name: "read" }).state === "granted") {
    throw new Error("the read permission could not be revoked; refusing to run guest code");
  }
  return pyodide;
}

// Boots Python from scratch, imports the common modules and returns the memory snapshot's bytes.
export async function makeSnapshot(dir) {
  const loadPyodide = await importPyodide(dir);
  const pyodide = await loadPyodide({
    indexURL: dir + "/",
    _makeSnapshot: true,
    env: { HOME: "/home/pyodide" },
    stdout: (line) => console.error(line),  // stdout carries the snapshot
  });
  pyodide.runPython(PRELOAD.map((name) => `import ${name}`).join("\n"));
  return pyodide.makeMemorySnapshot();
}
