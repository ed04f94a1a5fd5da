// Build step, run once per install by sandbox/pyodide_runtime.py (never in a sandbox):
//   deno run --allow-read=DIR pyodide_snapshot.js DIR   -> the memory snapshot's bytes on stdout.
import { makeSnapshot } from "./pyodide_loader.js";

const bytes = await makeSnapshot(Deno.args[0]);
let off = 0;
while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
