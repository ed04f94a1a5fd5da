// The entry module of a Python sandbox process (TypeScript processes start harness.js directly).
//
//   deno run ... --allow-read=RUNTIME_DIR python.js RUNTIME_DIR
//
// Order matters, and is the whole security argument for the runtime's files:
// 1. harness.js is evaluated first (a static import): it captures the built-ins the bridge needs,
//    removes persistent storage and installs the console capture; it does not read stdin yet.
// 2. Pyodide is loaded from RUNTIME_DIR, the only directory this process may read, and the read
//    permission is revoked for good (pyodide_loader.js). No guest code exists yet.
// 3. The program runner (python_glue.py) and the event-loop bridge (python_loop.py), text imports:
//    part of the static module graph, read by Deno at start-up, no permission involved. They are set
//    up and run once on a throwaway program with one local tool call, so a model's first program
//    does not pay for the first-run compilation.
// 4. Only then does the harness read its first frame and answer `ready`: the host never sees a
//    Python process as ready before all of this is done.
//
// Same frames, limits and host-side checks as TypeScript: a run frame with `"language": "python"`
// carries `source` instead of `candidates`, and the harness hands it to the runner below.
import GLUE from "./python_glue.py" with { type: "text" };
import LOOP from "./python_loop.py" with { type: "text" };
import { startHarness } from "./harness.js";
import { loadPython } from "./pyodide_loader.js";

const stringify = JSON.stringify;
const parse = JSON.parse;
const StringFn = String;
const queueMicrotaskFn = globalThis.queueMicrotask;
const setTimeoutFn = globalThis.setTimeout;

const dir = Deno.args[0];
const pyodide = await loadPython(dir, dir + "/snapshot.bin", {
  stdin: () => null, // input() gets EOF: fd 0 carries the bridge's frames
});

// A module from source text, not registered in sys.modules (guest code gets no name to import).
function pyModule(name, source) {
  return pyodide.runPython(
    `import types\n_m = types.ModuleType(${stringify(name)})\nexec(${stringify(source)}, _m.__dict__)\n_m`,
  );
}

const glue = pyModule("codemode_glue", GLUE);
glue.seal();
const runProgram = glue.run_program;

// The event loop's ready callbacks run in one call from here, as a microtask (python_loop.py says why).
const loopModule = pyModule("codemode_loop", LOOP);
const queue = loopModule.ReadyQueue(pyodide.runPython("import asyncio\nasyncio.get_event_loop()"), (asTimer) => {
  if (asTimer) setTimeoutFn(drain, 0);
  else queueMicrotaskFn(drain);
});
queue.install();
// Scheduled drains enter Python with `callPromising` (stack switching), as Pyodide's own loop does: a
// program may block on a promise from there (`time.sleep` then lets other tasks run instead of spinning).
const drainQueue = queue.drain;
const drain = () => drainQueue.callPromising();

// Tool calls: Python sends `(id, ns, tool, argsJson)`; the answer goes to `calls.settle(id, ok, text)`:
// the value's JSON text as the host wrote it, or the tool's error message. The harness calls `settle`
// itself, from the turn that read the answer (no promise per call). The answer enters Python with a
// plain call, not `callPromising`: that one first waits for a task of its own (a MessageChannel
// message) and sets up a stack of its own, about 60 us per tool call measured in one process, more
// with the host in the loop. So code that runs on after an answer cannot block on a promise: a
// `time.sleep` there sleeps as in CPython's asyncio, holding up the program's other tasks (it still
// ends when it should).
function toolCalls(callToolText) {
  let settle = null;
  const calls = loopModule.ToolCalls((id, ns, tool, argsJson) => {
    callToolText(StringFn(ns), StringFn(tool), argsJson, settle, id);
  }, queue.on_input);
  settle = calls.settle;
  return calls;
}

// `bridge` is the harness's: callToolText (counted, framed as given) and emitLog (counted, capped).
function makeRunner(bridge) {
  const calls = toolCalls(bridge.callToolText);
  const log = (level, message) => bridge.emitLog(StringFn(level), [StringFn(message)]);
  const call = calls.request; // a bound method: calling the instance itself looks up `__call__` on every call
  return async (msg) => parse(await runProgram(msg.source, stringify(msg.tools), stringify(msg.globals), call, log));
}

// Warm-up on a throwaway program with one local tool (no run is active, so the harness drops logs).
await runProgram(
  "import asyncio\nawait asyncio.sleep(0)\n[1, {'a': None}, await w.f(x=1)]",
  stringify({ w: ["f"] }),
  "[]",
  toolCalls((ns, tool, argsJson, onAnswer, tag) => queueMicrotaskFn(() => onAnswer(tag, true, argsJson))),
  () => {},
);

startHarness(makeRunner);
