// The entry module of a Python sandbox process (TypeScript processes start harness.js directly).
//
//   deno run ... --allow-read=RUNTIME_DIR python.js RUNTIME_DIR
//
// Order matters, and is the whole security argument for the runtime's files:
// 1. harness.js is evaluated first (a static import): it captures the built-ins the bridge needs,
//    removes persistent storage and installs the console capture; it does not read stdin yet.
// 2. Pyodide is loaded from RUNTIME_DIR, the only directory this process may read, and the read
//    permission is revoked for good (pyodide_loader.js). No guest code exists yet.
// 3. The program runner (python_glue.py, a text import: part of the static module graph, read by
//    Deno at start-up, no permission involved) is set up and run once on a throwaway program, so a
//    model's first program does not pay for the first-run compilation.
// 4. Only then does the harness read its first frame and answer `ready`: the host never sees a
//    Python process as ready before all of this is done.
//
// Same frames, limits and host-side checks as TypeScript: a run frame with `"language": "python"`
// carries `source` instead of `candidates`, and the harness hands it to the runner below.
import GLUE from "./python_glue.py" with { type: "text" };
import { startHarness } from "./harness.js";
import { loadPython } from "./pyodide_loader.js";

const stringify = JSON.stringify;
const parse = JSON.parse;
const StringFn = String;

const dir = Deno.args[0];
const pyodide = await loadPython(dir, dir + "/snapshot.bin", {
  stdin: () => null, // input() gets EOF: fd 0 carries the bridge's frames
});
const glue = pyodide.runPython(
  `import types\n_glue = types.ModuleType("codemode_glue")\nexec(${stringify(GLUE)}, _glue.__dict__)\n_glue`,
);
glue.seal();
const runProgram = glue.run_program;

// `bridge` is the harness's: callTool (counted, converted, framed) and emitLog (counted, capped).
function makeRunner(bridge) {
  const call = async (ns, tool, argsJson) => {
    try {
      const value = await bridge.callTool(StringFn(ns), StringFn(tool), parse(argsJson));
      return stringify({ ok: true, value: value === undefined ? null : value });
    } catch (error) {
      return stringify({ ok: false, error: StringFn(error && error.message) });
    }
  };
  const log = (level, message) => bridge.emitLog(StringFn(level), [StringFn(message)]);
  return async (msg) => parse(await runProgram(msg.source, stringify(msg.tools), stringify(msg.globals), call, log));
}

// Warm-up on a throwaway program: no tools, no logs kept (no run is active, so the harness drops them).
await runProgram("import asyncio\nawait asyncio.sleep(0)\n[1, {'a': None}]", "{}", "[]", () => null, () => {});

startHarness(makeRunner);
