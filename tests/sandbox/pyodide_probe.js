// Test entry: loads Python exactly as a Python sandbox process does (pyodide_loader.js: read the
// runtime, then revoke every read permission), then runs each probe from stdin as a Python program
// and prints {name: {ok, value} | {ok: false, error}} as one JSON line.
import { loadPython } from "../../sandbox/harness/pyodide_loader.js";

const dir = Deno.args[0];
const py = await loadPython(dir, dir + "/snapshot.bin");
const probes = JSON.parse(new TextDecoder().decode(await new Response(Deno.stdin.readable).arrayBuffer()));
const out = {};
for (const [name, code] of Object.entries(probes)) {
  try {
    out[name] = { ok: true, value: String(await py.runPythonAsync(code)).slice(0, 300) };
  } catch (e) {
    const lines = String(e && e.message).split("\n").filter((line) => line.trim() !== "");
    out[name] = { ok: false, error: lines[lines.length - 1] };
  }
}
console.log(JSON.stringify(out));
