// The trusted harness: the entry module of every sandbox process.
//
// It runs before any guest code, captures the built-ins it needs (so a guest that overwrites JSON,
// Promise, TextEncoder or Array methods cannot break or spy on the bridge), removes persistent
// storage, installs the console capture, then waits for frames from the host on stdin:
//
//   host -> harness  (one JSON object per line on stdin)
//     {"t":"init","nonce":"...","fetch":bool}      first line, before any guest code runs
//     {"t":"run","run":N,"candidates":[...],"tools":{ns:[names]},"globals":[...],"limits":{...}}
//     {"t":"ret","id":N,"ok":true,"value":...} | {"t":"ret","id":N,"ok":false,"error":"..."}
//   harness -> host  (one line per frame on stdout: "\n" NONCE " " JSON "\n")
//     {"t":"ready"}
//     {"t":"call","id":N,"ns":"github","tool":"create_issue","args":{...}}
//     {"t":"fetch","id":N,"url":"...","method":"GET","headers":[[k,v]],"body":base64|null}
//     {"t":"log","level":"info","msg":"..."}
//     {"t":"result","run":N,"ok":true,"value":...} | {"t":"result","run":N,"ok":false,"error":{...}}
//
// Guest code is never the entry module: it is imported from a data: URL, so every permission check
// applies to it. The nonce lives only in this module's scope; the guest can write to stdout, but it
// cannot produce a line the host accepts as a frame. See sandbox/bridge.py for the host side.

const stringify = JSON.stringify;
const parse = JSON.parse;
const PromiseCtor = Promise;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const encoder = new TextEncoder();
const encode = TextEncoder.prototype.encode.bind(encoder);
const decoder = new TextDecoder();
const decode = TextDecoder.prototype.decode.bind(decoder);
const inspect = Deno.inspect;
const stdoutWrite = Deno.stdout.writeSync.bind(Deno.stdout);
const stdinRead = Deno.stdin.read.bind(Deno.stdin);
const encodeURIComponentFn = encodeURIComponent;
// Deno loads `btoa`, `Response`, `Headers` and `Request` lazily (about 5 ms of start-up together), so
// the harness touches them only when outbound fetch is on, and then before any guest code runs.
let net = null;
const ObjectKeys = Object.keys;
const ObjectFreeze = Object.freeze;
const ObjectCreate = Object.create;
const ObjectDefine = Object.defineProperty;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
// Arrays the bridge fills by index get no prototype: a guest that defines setters on
// Array.prototype ("0", "1", ...) must not see or redirect what the harness stores.
const bareArray = () => ObjectSetPrototypeOf([], null);
const ArrayIsArray = Array.isArray;
const StringFn = String;
const MathMin = Math.min;
const harnessUrl = import.meta.url;
// Methods used on the bridge's hot path, uncurried now so that later prototype patches cannot reach them.
const uncurry = (fn) => Function.prototype.call.bind(fn);
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
const u8IndexOf = uncurry(TypedArrayProto.indexOf);
const u8Set = uncurry(TypedArrayProto.set);
// Getters, not methods: `bytes.length` would call a getter the guest can redefine with `this` = the
// frame's bytes. And no `subarray`/`slice`: they construct through Symbol.species, which the guest
// controls. Views are made with the captured constructor over a captured buffer instead.
const u8Length = uncurry(Object.getOwnPropertyDescriptor(TypedArrayProto, "length").get);
const u8Buffer = uncurry(Object.getOwnPropertyDescriptor(TypedArrayProto, "buffer").get);
const U8 = Uint8Array;
const SetCtor = Set;
const setHas = uncurry(Set.prototype.has);
const setAdd = uncurry(Set.prototype.add);
const setDelete = uncurry(Set.prototype.delete);

let nonce = null;
let limits = { log_entries: 1000, log_bytes: 1 << 20, result_bytes: 1 << 20, tool_calls: 1000, frame_bytes: 16 << 20 };

// ---------------------------------------------------------------- frames out
function send(obj) {
  const bytes = encode("\n" + nonce + " " + stringify(obj) + "\n");
  const total = u8Length(bytes);
  let off = stdoutWrite(bytes);
  while (off < total) off += stdoutWrite(new U8(u8Buffer(bytes), off, total - off));
}

// ---------------------------------------------------------------- frames in
const readBuf = new U8(1 << 16);
const readBuffer = u8Buffer(readBuf);
// The unfinished line: its chunks are kept apart and joined once, when its newline arrives, so a large
// frame costs one copy, not one per chunk.
let pendingParts = bareArray();
let pendingLength = 0;
const lines = bareArray();
let linesHead = 0;

function takePending(last) {
  const out = new U8(pendingLength + u8Length(last));
  let off = 0;
  for (let i = 0; i < pendingParts.length; i++) {
    u8Set(out, pendingParts[i], off);
    off += u8Length(pendingParts[i]);
  }
  u8Set(out, last, off);
  pendingParts = bareArray();
  pendingLength = 0;
  return out;
}

async function readLine() {
  while (linesHead >= lines.length) {
    lines.length = 0;
    linesHead = 0;
    const n = await stdinRead(readBuf);
    if (n === null) return null;
    const view = new U8(readBuffer, 0, n);
    let start = 0;
    let idx;
    while ((idx = u8IndexOf(view, 10, start)) !== -1) {
      let part = new U8(readBuffer, start, idx - start);
      if (pendingLength !== 0) part = takePending(part);
      lines[lines.length] = decode(part);
      start = idx + 1;
    }
    if (start < n) {
      const rest = new U8(n - start);
      u8Set(rest, new U8(readBuffer, start, n - start));
      pendingParts[pendingParts.length] = rest;
      pendingLength += n - start;
      if (pendingLength > limits.frame_bytes) throw new ErrorCtor("host frame exceeds frame_bytes");
    }
  }
  return lines[linesHead++];
}

// ---------------------------------------------------------------- values
// Deterministic conversion of any guest value to JSON (the table is in sandbox/result.py).
const MAX_DEPTH = 200;
function toJson(value, seen, depth) {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return StringFn(value);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) return "[MaxDepth]";
  if (setHas(seen, value)) return "[Circular]";
  setAdd(seen, value);
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (value instanceof ErrorCtor) {
      const out = { name: StringFn(value.name), message: StringFn(value.message) };
      if (value.cause !== undefined) out.cause = toJson(value.cause, seen, depth + 1) ?? null;
      return out;
    }
    if (value instanceof Map) {
      const out = {};
      for (const [k, v] of value) {
        const c = toJson(v, seen, depth + 1);
        if (c !== undefined) out[typeof k === "string" ? k : StringFn(toJson(k, seen, depth + 1))] = c;
      }
      return out;
    }
    if (value instanceof Set) {
      const out = [];
      for (const v of value) out[out.length] = toJson(v, seen, depth + 1) ?? null;
      return out;
    }
    if (ArrayBuffer.isView(value)) {
      if (value instanceof DataView) value = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      const out = [];
      for (let i = 0; i < value.length; i++) out[i] = typeof value[i] === "bigint" ? StringFn(value[i]) : value[i];
      return out;
    }
    if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
    if (ArrayIsArray(value)) {
      const out = [];
      for (let i = 0; i < value.length; i++) out[i] = toJson(value[i], seen, depth + 1) ?? null;
      return out;
    }
    if (typeof value.toJSON === "function") return toJson(value.toJSON(), seen, depth + 1);
    const out = {};
    for (const k of ObjectKeys(value)) {
      const c = toJson(value[k], seen, depth + 1);
      if (c !== undefined) out[k] = c;
    }
    return out;
  } finally {
    setDelete(seen, value);
  }
}
// Note: `seen` holds the current path only, so a value shared by two branches is repeated, and only
// a true cycle becomes "[Circular]".

// ---------------------------------------------------------------- logs
let logCount = 0;
let logBytes = 0;
let logsCut = false;

const FORMAT_SPEC = /%[sdifoOjc%]/g;

function formatValue(a) {
  return typeof a === "string" ? a : inspect(a, { colors: false, depth: 6 });
}

// console's printf-style substitutions (%s %d %i %f %o %O %j %c %%) as Deno's console does them,
// then the remaining arguments, each as Deno.inspect formats it.
function formatArgs(args) {
  let out = "";
  let next = 0;
  if (typeof args[0] === "string" && args.length > 1) {
    next = 1;
    out = args[0].replace(FORMAT_SPEC, (spec) => {
      if (spec === "%%") return "%";
      if (next >= args.length) return spec;
      const a = args[next++];
      switch (spec) {
        case "%s":
          return typeof a === "string" ? a : typeof a === "bigint" ? `${a}n` : inspect(a, { colors: false, depth: 2 });
        case "%d":
          return typeof a === "bigint" ? `${a}n` : typeof a === "symbol" ? "NaN" : StringFn(Number(a));
        case "%i":
          return typeof a === "bigint" ? `${a}n` : typeof a === "symbol" ? "NaN" : StringFn(parseInt(a));
        case "%f":
          return typeof a === "symbol" ? "NaN" : StringFn(parseFloat(a));
        case "%c":
          return "";
        default:
          return inspect(a, { colors: false, depth: 6 });
      }
    });
  } else if (args.length) {
    out = formatValue(args[0]);
    next = 1;
  }
  for (let i = next; i < args.length; i++) out += " " + formatValue(args[i]);
  return out;
}

let activeRun = null;

function emitLog(level, args) {
  if (logsCut || nonce === null || activeRun === null) return;
  let msg;
  try {
    msg = formatArgs(args);
  } catch (e) {
    msg = "[unformattable log: " + StringFn(e && e.message) + "]";
  }
  if (logCount >= limits.log_entries) {
    logsCut = true;
    send({ t: "log", level: "warn", msg: `[logs cut: more than ${limits.log_entries} entries (raise Limits.log_entries)]`, cut: true });
    return;
  }
  if (logBytes + msg.length > limits.log_bytes) {
    logsCut = true;
    const room = Math.max(0, limits.log_bytes - logBytes);
    if (room > 0) send({ t: "log", level, msg: msg.slice(0, room) });
    send({ t: "log", level: "warn", msg: `[logs cut: more than ${limits.log_bytes} bytes (raise Limits.log_bytes)]`, cut: true });
    return;
  }
  logCount++;
  logBytes += msg.length;
  send({ t: "log", level, msg });
}

const consoleObj = globalThis.console;
for (const level of ["log", "info", "warn", "error", "debug"]) {
  consoleObj[level] = (...args) => emitLog(level, args);
}
consoleObj.trace = (...args) => emitLog("debug", args);
consoleObj.dir = (obj) => emitLog("log", [obj]);
consoleObj.table = (obj) => emitLog("log", [obj]);

// ---------------------------------------------------------------- calls
let nextCallId = 1;
let callsThisRun = 0;
const waiting = ObjectCreate(null);

function request(fields) {
  const id = nextCallId++;
  const frame = { ...fields, id }; // defined, not assigned: no Object.prototype setter can intercept
  return new PromiseCtor((resolve, reject) => {
    waiting[id] = { resolve, reject, what: frame.t === "call" ? (frame.ns ? frame.ns + "." : "") + frame.tool : "fetch" };
    send(frame);
  });
}

function callTool(ns, tool, args) {
  const what = (ns ? ns + "." : "") + tool;
  if (activeRun === null) {
    return PromiseCtor.reject(new ErrorCtor(`${what}: tool calls are only possible while a run is in progress`));
  }
  if (callsThisRun >= limits.tool_calls) {
    const err = new ErrorCtor(`tool-call limit of ${limits.tool_calls} calls per run reached at ${what} (raise Limits.tool_calls)`);
    return PromiseCtor.reject(err);
  }
  callsThisRun++;
  let converted;
  try {
    converted = args === undefined ? {} : toJson(args, new SetCtor(), 0);
  } catch (e) {
    return PromiseCtor.reject(new TypeErrorCtor(`${what}: arguments could not be converted to JSON: ${e && e.message}`));
  }
  return request({ t: "call", ns, tool, args: converted ?? {} });
}

function editDistance(a, b) {
  const prev = new Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = MathMin(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

function closeNames(name, names) {
  const lower = name.toLowerCase();
  return names
    .map((n) => [editDistance(lower, n.toLowerCase()), n])
    .filter(([d, n]) => d <= Math.max(2, Math.floor(n.length / 3)) || n.toLowerCase().includes(lower) || lower.includes(n.toLowerCase()))
    .sort((x, y) => x[0] - y[0])
    .slice(0, 5)
    .map(([, n]) => n);
}

// Names a namespace must answer with `undefined` so that `await ns`, JSON, inspect and
// type checks behave as on a plain object (no thenable proxies).
const PLAIN = new Set(["then", "catch", "finally", "toJSON", "constructor", "valueOf", "toString", "toLocaleString", "inspect", "asymmetricMatch", "$$typeof", "nodeType", "length"]);

function makeNamespace(ns, names) {
  const target = ObjectCreate(null);
  for (const name of names) {
    target[name] = (args) => callTool(ns, name, args);
  }
  ObjectFreeze(target);
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop !== "string" || prop in t || setHas(PLAIN, prop)) return t[prop];
      return () => {
        const close = closeNames(prop, names);
        const hint = close.length ? ` Did you mean ${close.map((n) => ns + "." + n).join(", ")}?` : "";
        throw new TypeErrorCtor(`unknown tool ${ns}.${prop}.${hint} Tools in ${ns}: ${names.join(", ") || "(none)"}`);
      };
    },
  });
}

// ---------------------------------------------------------------- outbound fetch via the host
function b64encode(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += StringFn.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return net.btoa(s);
}
function b64decode(text) {
  const bin = net.atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function hostFetch(input, init) {
  const req = new net.Request(input, init);
  const body = req.body === null ? null : b64encode(new Uint8Array(await req.arrayBuffer()));
  const headers = [];
  for (const [k, v] of req.headers) headers.push([k, v]);
  const r = await request({ t: "fetch", url: req.url, method: req.method, headers, body });
  return new net.Response(r.body === null ? null : b64decode(r.body), { status: r.status, headers: new net.Headers(r.headers) });
}

// ---------------------------------------------------------------- errors and stacks
function mapStack(text) {
  if (typeof text !== "string") return "";
  const out = [];
  for (let line of text.split("\n")) {
    // Guest frames compiled as async function bodies: three lines of prologue (two of V8's, one of ours).
    line = line.replace(/eval at .*?<anonymous>:(\d+):(\d+)/g, (_, l, c) => `guest.ts:${Math.max(1, Number(l) - 3)}:${c}`);
    line = line.replace(/^(\s*at )(?:async )?eval \((guest\.ts:\d+:\d+)\)$/, "$1$2");
    if (line.includes(harnessUrl) || line.includes("ext:")) continue;
    if (/^\s*\d*\s*\|/.test(line)) continue; // source snippet of a parse error
    // Guest frames: data: URLs (Deno abbreviates long ones as "data:.....TAIL"); one prologue line.
    line = line.replace(/data:[^\s()]*?:(\d+):(\d+)/g, (_, l, c) => `guest.ts:${Math.max(1, Number(l) - 1)}:${c}`);
    line = line.replace(/data:[^\s()]+/g, "guest.ts");
    out.push(line);
  }
  return out.join("\n").trim();
}

function describeError(e) {
  if (e instanceof ErrorCtor || (e && typeof e === "object" && "message" in e)) {
    let name = StringFn(e.name ?? "Error");
    let message = StringFn(e.message ?? "");
    if (message.startsWith("SyntaxError: ")) {
      name = "SyntaxError";
      message = message.slice("SyntaxError: ".length);
    }
    message = mapStack(message);
    let stack = mapStack(StringFn(e.stack ?? ""));
    if (name === "SyntaxError") stack = "SyntaxError: " + message;
    return { name, message, stack };
  }
  let text;
  try {
    text = typeof e === "string" ? e : inspect(e, { colors: false });
  } catch {
    text = "<unprintable>";
  }
  return { name: "Error", message: `uncaught non-Error value: ${text}`, stack: "" };
}

// ---------------------------------------------------------------- runs
const RESERVED = new Set(["console", "Deno", "globalThis", "JSON", "Promise", "Object", "Error", "fetch"]);

const AsyncFunction = (async () => {}).constructor;
const SyntaxErrorCtor = SyntaxError;

// Returns an async function that runs the guest code once.
// 1. Plain JavaScript compiles as an async function body: about 10 us, no module loader involved.
// 2. TypeScript (or `export default` modules) is imported from a data: URL, which strips the types.
// Either way the code is dynamic, never part of a static module graph: every permission check applies.
function dataEscape(source) {
  // encodeURIComponent leaves ( ) ' ! * ~ alone; escape them too, so a stack frame's URL has no parens.
  return encodeURIComponentFn(source).replace(/[()'!*~]/g, (c) => "%" + c.charCodeAt(0).toString(16));
}

async function loadGuest(candidates) {
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (c.body === null) continue;
    try {
      return new AsyncFunction(c.body);
    } catch (e) {
      if (!(e instanceof SyntaxErrorCtor)) throw e;
    }
  }
  let lastError = null;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    try {
      const mod = await import("data:application/typescript," + dataEscape(c.source));
      return () => mod.default;
    } catch (e) {
      lastError = e;
      const msg = StringFn(e && e.message);
      const isSyntax = (e && e.name === "SyntaxError") || msg.startsWith("SyntaxError: ");
      if (!isSyntax || c.kind === "module") break;
    }
  }
  throw lastError;
}

async function runGuest(msg) {
  const runId = msg.run;
  activeRun = runId;
  limits = msg.limits;
  logCount = 0;
  logBytes = 0;
  logsCut = false;
  callsThisRun = 0;
  for (const ns of ObjectKeys(msg.tools)) {
    if (setHas(RESERVED, ns)) continue;
    globalThis[ns] = makeNamespace(ns, msg.tools[ns]);
  }
  for (const g of msg.globals) {
    if (setHas(RESERVED, g)) continue;
    globalThis[g] = (args) => callTool("", g, args);
  }
  let frame;
  try {
    const guest = await loadGuest(msg.candidates);
    let value = await guest();
    if (typeof value === "function") value = await value();
    if (typeof value === "function") value = await value();
    const converted = toJson(value, new SetCtor(), 0);
    const json = converted === undefined ? "null" : stringify(converted);
    if (json.length > limits.result_bytes / 4) {
      const total = encode(json).length;
      if (total > limits.result_bytes) {
        const marker = `…[truncated: result is ${total} bytes, limit ${limits.result_bytes} bytes (raise Limits.result_bytes)]`;
        const text = decode(encode(json).subarray(0, limits.result_bytes)).replace(/\uFFFD$/, "") + marker;
        frame = { t: "result", run: runId, ok: true, truncated: true, value: text };
      }
    }
    if (frame === undefined) frame = { t: "result", run: runId, ok: true, value: converted === undefined ? null : converted };
  } catch (e) {
    let error;
    try {
      error = describeError(e);
    } catch {
      error = { name: "Error", message: "the guest's error could not be described (were built-ins patched?)", stack: "" };
    }
    frame = { t: "result", run: runId, ok: false, error };
  }
  activeRun = null;
  send(frame);
}

// ---------------------------------------------------------------- hardening before any guest code
delete globalThis.localStorage;
delete globalThis.sessionStorage;
delete globalThis.caches;
// Every isolate reserves a ~512 MiB executable code range, which RLIMIT_DATA never leaves room for:
// a Worker would kill the process with a memory error. Fail at once with a clear message instead.
// (node:worker_threads still reaches the native path and ends the run with MemoryError.)
globalThis.Worker = class Worker {
  constructor() {
    throw new TypeErrorCtor("Workers are not available in the sandbox (each needs its own isolate; use Promise.all for concurrency)");
  }
};
ObjectDefine(Deno, "stdin", {
  get() {
    throw new TypeErrorCtor("Deno.stdin belongs to the sandbox bridge; guest code cannot read it");
  },
  configurable: false,
});

// ---------------------------------------------------------------- main loop
// V8 compiles functions lazily: run the run path once on a throwaway value at start-up, so the first
// run of a pooled process is nearly as fast as a warm sandbox's next run. No guest code, no globals.
async function warmUp() {
  const f = new AsyncFunction('"use strict";\nreturn ({ a: [1, "x", null], m: new Map([[1, 2]]) });');
  const v = await f();
  stringify(toJson(v, new SetCtor(), 0));
  formatArgs(["x", v]);
  encode("\n" + stringify({ t: "log", msg: "x" }) + "\n");
  makeNamespace("w", ["f"]).f;
  describeError(new ErrorCtor("x"));
}

async function main() {
  await warmUp();
  const first = await readLine();
  if (first === null) return;
  const init = parse(first);
  nonce = init.nonce;
  if (init.fetch) {
    net = { btoa: globalThis.btoa, atob: globalThis.atob, Request, Response, Headers };
    globalThis.fetch = hostFetch;
  }
  send({ t: "ready" });
  for (;;) {
    const line = await readLine();
    if (line === null) break;
    if (line === "") continue;
    const msg = parse(line);
    if (msg.t === "ret") {
      const w = waiting[msg.id];
      if (w === undefined) continue;
      delete waiting[msg.id];
      if (msg.ok) w.resolve(msg.value);
      else {
        const err = new ErrorCtor(StringFn(msg.error));
        err.tool = w.what;
        w.reject(err);
      }
      // Let the guest's continuation run (and send its next call) before the next stdin read is
      // issued: the read's thread hand-off then overlaps with the host's work, not the guest's.
      await null;
      await null;
      await null;
    } else if (msg.t === "run") {
      runGuest(msg);
    }
  }
}

main().then(
  () => Deno.exit(0),
  (e) => {
    try {
      send({ t: "fatal", message: StringFn(e && e.message) });
    } finally {
      Deno.exit(3);
    }
  },
);
