// The trusted harness: the entry module of every sandbox process.
//
// It runs before any guest code, captures the built-ins it needs (so a guest that overwrites JSON,
// Promise, TextEncoder or Array methods cannot break or spy on the bridge), removes persistent
// storage, installs the console capture, then waits for frames from the host on stdin:
//
//   host -> harness  (one JSON object per line on stdin, except the raw nonce lines)
//     N<32 hex digits>                              a fresh nonce, before `init` and before every `run`
//     {"t":"init","fetch":bool,"reserved":[...]}   before any guest code runs
//     {"t":"run","run":N,"candidates":[...],"tools":{ns:[names]},"globals":[...],"limits":{...}}
//     {"t":"ret","id":N,"ok":true,"value":...} | {"t":"ret","id":N,"ok":false,"error":"..."}
//     {"t":"stripped","run":N,"bodies":[...]|null}  a typed run's bodies as JavaScript, unasked
//   harness -> host  (one line per frame on stdout: "\n" NONCE " " JSON "\n")
//     {"t":"ready"}
//     {"t":"call","id":N,"ns":"github","tool":"create_issue","args":{...}}
//     {"t":"fetch","id":N,"url":"...","method":"GET","headers":[[k,v]],"body":base64|null}
//     {"t":"log","level":"info","msg":"..."}
//     {"t":"result","run":N,"ok":true,"value":...} | {"t":"result","run":N,"ok":false,"error":{...}}
//
// Guest code is never the entry module: it is imported from a data: URL, so every permission check
// applies to it. The nonce is kept as bytes outside the JavaScript heap (an ArrayBuffer's backing
// store, which heap snapshots do not contain) and is never a string; the guest can write to stdout,
// but it cannot produce a line the host accepts as a frame. See sandbox/bridge.py for the host side.
//
// Runs of one process (a warm sandbox) share the JavaScript realm, so every run's code executes in an
// async context of its own (an AsyncVariable of Deno's core, captured here before the guest exists and
// then hidden). Timers, promises, microtasks and message ports carry the context they were created
// in: work left over by a finished run still runs, but calls, logs and fetches from it are refused,
// and its frames would carry a nonce the host no longer accepts.
//
// Python processes start at python.js, which imports this module (so the captures above happen
// before Pyodide loads), loads Python, and passes its runner to `startHarness`. A run frame with
// "language": "python" carries `source` instead of `candidates`; everything else is shared.

const internal = Deno[Deno.internal];
const core = internal.core;
const runContext = new core.AsyncVariable();
const setAsyncContext = core.setAsyncContext;
const stringify = JSON.stringify;
const parse = JSON.parse;
const PromiseCtor = Promise;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const encoder = new TextEncoder();
const encode = TextEncoder.prototype.encode.bind(encoder);
const encodeInto = TextEncoder.prototype.encodeInto.bind(encoder);
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
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ArrayBufferCtor = ArrayBuffer;
const RangeErrorCtor = RangeError;
const NotCapable = Deno.errors.NotCapable;
const PermissionDenied = Deno.errors.PermissionDenied;
const errorToString = Function.prototype.call.bind(Error.prototype.toString);
const globalEval = eval;
// Arrays the bridge fills by index get no prototype: a guest that defines setters on
// Array.prototype ("0", "1", ...) must not see or redirect what the harness stores.
const bareArray = () => ObjectSetPrototypeOf([], null);
const ArrayIsArray = Array.isArray;
const StringFn = String;
const MathMin = Math.min;
const MathMax = Math.max;
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
const strIndexOf = uncurry(String.prototype.indexOf);
const strSlice = uncurry(String.prototype.slice);
const regexExec = uncurry(RegExp.prototype.exec);
const queueMicrotaskFn = globalThis.queueMicrotask;

// The nonce as bytes in off-heap memory (buffers over 64 bytes never live in the V8 heap).
const NONCE_MAX = 64;
const nonce = new U8(new ArrayBufferCtor(4096), 0, NONCE_MAX);
const nextNonce = new U8(new ArrayBufferCtor(4096), 0, NONCE_MAX);
let nonceLength = 0;
let nextNonceLength = 0;
const NONCE_LINE = "\u0000nonce"; // what readLine returns for a raw nonce line (never JSON)
let limits = { log_entries: 1000, log_bytes: 1 << 20, result_bytes: 1 << 20, frame_bytes: 16 << 20 };

function takeNonce() {
  for (let i = 0; i < nextNonceLength; i++) nonce[i] = nextNonce[i];
  nonceLength = nextNonceLength;
}

// ---------------------------------------------------------------- frames out
// Frames that fit are built in one buffer, reused (off the heap like the nonce it holds): no buffer to
// allocate and collect per frame, and the text is encoded in place (about 2 us less per frame).
const OUT_BYTES = 1 << 16;
const outBuffer = new ArrayBufferCtor(OUT_BYTES);
const outBytes = new U8(outBuffer);

function sendText(json) {
  // A UTF-16 code unit is at most 3 bytes of UTF-8 (a lone surrogate becomes U+FFFD, 3 bytes).
  if (json.length * 3 + nonceLength + 3 <= OUT_BYTES) {
    outBytes[0] = 10;
    for (let i = 0; i < nonceLength; i++) outBytes[i + 1] = nonce[i];
    outBytes[nonceLength + 1] = 32;
    const total = nonceLength + 3 + encodeInto(json, new U8(outBuffer, nonceLength + 2)).written;
    outBytes[total - 1] = 10;
    let off = stdoutWrite(new U8(outBuffer, 0, total));
    while (off < total) off += stdoutWrite(new U8(outBuffer, off, total - off));
    return;
  }
  const body = encode(json);
  const n = u8Length(body);
  const total = n + nonceLength + 3;
  const out = new U8(new ArrayBufferCtor(total > 128 ? total : 128), 0, total);
  out[0] = 10;
  u8Set(out, new U8(u8Buffer(nonce), 0, nonceLength), 1);
  out[nonceLength + 1] = 32;
  u8Set(out, body, nonceLength + 2);
  out[total - 1] = 10;
  let off = stdoutWrite(out);
  while (off < total) off += stdoutWrite(new U8(u8Buffer(out), off, total - off));
}

function send(obj) {
  sendText(stringify(obj));
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

// A raw nonce line: copied byte by byte into off-heap memory, never decoded into a string.
function keepNonce(part) {
  const n = MathMin(u8Length(part) - 1, NONCE_MAX);
  for (let i = 0; i < n; i++) nextNonce[i] = part[i + 1];
  nextNonceLength = n;
  return NONCE_LINE;
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
      lines[lines.length] = part[0] === 78 ? keepNonce(part) : decode(part);
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

let activeToken = null; // the async-context token of the run in progress, null between runs

// True only for code running in the async context of the run in progress (not leftovers of an earlier one).
function inActiveRun() {
  return activeToken !== null && runContext.get() === activeToken;
}

// The host counts and cuts logs itself; the harness only stops sending once the host has seen the
// limit crossed (the entry that crosses it is still sent, shortened), to save work.
function emitLog(level, args) {
  if (logsCut || !inActiveRun()) return;
  let msg;
  try {
    msg = formatArgs(args);
  } catch (e) {
    msg = "[unformattable log: " + StringFn(e && e.message) + "]";
  }
  if (logCount >= limits.log_entries) {
    logsCut = true;
    send({ t: "log", level, msg: msg.slice(0, 100) });
    return;
  }
  if (logBytes + msg.length > limits.log_bytes) {
    logsCut = true;
    send({ t: "log", level, msg: msg.slice(0, MathMax(0, limits.log_bytes - logBytes) + 1) });
    return;
  }
  logCount++;
  logBytes += msg.length;
  send({ t: "log", level, msg });
}

// The console is the host's: its methods cannot be replaced or wrapped by one run for the next.
const consoleObj = globalThis.console;
const consoleMethods = { trace: "debug", dir: "log", table: "log" };
for (const level of ["log", "info", "warn", "error", "debug", "trace", "dir", "table"]) {
  const as = consoleMethods[level] ?? level;
  const fn = level === "dir" || level === "table" ? (obj) => emitLog(as, [obj]) : (...args) => emitLog(as, args);
  ObjectDefine(consoleObj, level, { value: fn, writable: false, enumerable: true, configurable: false });
}
ObjectDefine(globalThis, "console", { value: consoleObj, writable: false, enumerable: false, configurable: false });

// ---------------------------------------------------------------- calls
let nextCallId = 1;
const waiting = ObjectCreate(null);

function request(fields) {
  if (!inActiveRun()) {
    return PromiseCtor.reject(new ErrorCtor("calls are only possible from the run in progress"));
  }
  const id = nextCallId++;
  const frame = { ...fields, id }; // defined, not assigned: no Object.prototype setter can intercept
  return new PromiseCtor((resolve, reject) => {
    // No prototype: the main loop asks every entry for `onAnswer`, which a guest could define on
    // Object.prototype for entries that have none.
    waiting[id] = { __proto__: null, resolve, reject, what: frame.t === "call" ? (frame.ns ? frame.ns + "." : "") + frame.tool : "fetch" };
    send(frame);
  });
}

// The host counts calls and calls in flight against the limits; the harness only converts and sends.
function callTool(ns, tool, args) {
  const what = (ns ? ns + "." : "") + tool;
  if (!inActiveRun()) {
    return PromiseCtor.reject(new ErrorCtor(`${what}: tool calls are only possible from the run in progress`));
  }
  let converted;
  try {
    converted = args === undefined ? {} : toJson(args, new SetCtor(), 0);
  } catch (e) {
    return PromiseCtor.reject(new TypeErrorCtor(`${what}: arguments could not be converted to JSON: ${e && e.message}`));
  }
  return request({ t: "call", ns, tool, args: converted ?? {} });
}

// Python's tool calls (python.js): the arguments arrive as JSON text (python_glue.py renders them) and
// go into the frame as that text, instead of being parsed, converted and rendered again. The text
// must be one JSON value on one line; the host checks the frame as it checks any other. The answer
// comes back as text too, `onAnswer(tag, ok, text)`: the value's JSON text exactly as the host wrote
// it (see `answerText`), or the error message. No promise is made: the main loop calls `onAnswer`
// itself, in the async context of the call, so the program runs on (and sends its next call)
// within the turn that read the answer.
function callToolText(ns, tool, argsText, onAnswer, tag) {
  const what = (ns ? ns + "." : "") + tool;
  let refused = null;
  if (!inActiveRun()) {
    refused = `${what}: tool calls are only possible from the run in progress`;
  } else {
    let valid = typeof argsText === "string" && strIndexOf(argsText, "\n") === -1;
    if (valid) {
      try {
        parse(argsText);
      } catch {
        valid = false;
      }
    }
    if (!valid) refused = `${what}: arguments are not JSON text on one line`;
  }
  if (refused !== null) {
    queueMicrotaskFn(() => onAnswer(tag, false, refused)); // never before the caller has its call
    return;
  }
  const id = nextCallId++;
  const head = '{"t":"call","id":' + id + ',"ns":' + stringify(ns) + ',"tool":' + stringify(tool) + ',"args":';
  const args = argsText === "null" ? "{}" : argsText; // as callTool sends no arguments
  waiting[id] = { __proto__: null, onAnswer, tag, token: runContext.get(), what };
  sendText(head + args + "}");
}

// The host writes a successful answer as exactly `{"t":"ret","id":N,"ok":true,"value":VALUE}`
// (sandbox/bridge.py, `answer_line`): for a text waiter, VALUE is sliced out, never parsed here.
const ANSWER_HEAD = /^\{"t":"ret","id":(\d+),"ok":true,"value":/;

function answerText(line) {
  const head = regexExec(ANSWER_HEAD, line);
  if (head === null) return false;
  const id = head[1];
  const w = waiting[id];
  if (w === undefined || w.onAnswer === undefined) return false;
  delete waiting[id];
  deliver(w, true, strSlice(line, head[0].length, line.length - 1));
  return true;
}

// A text waiter's answer, run in the async context its call was made in (as a promise's reaction
// would be): leftovers of an earlier run stay refused.
function deliver(w, ok, text) {
  const outer = runContext.enter(w.token);
  try {
    w.onAnswer(w.tag, ok, text);
  } catch {
    // the runner's own failure: its run ends by its limits, the bridge goes on
  } finally {
    setAsyncContext(outer);
  }
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

// What the run in progress offers: namespace -> tool names, and the global functions.
let offeredTools = ObjectCreate(null);
let offeredGlobals = ObjectCreate(null);
const toolFns = ObjectCreate(null);
const namespaces = ObjectCreate(null);
const globalFns = ObjectCreate(null);
let reserved = new SetCtor();

function offered(ns) {
  return offeredTools[ns] ?? [];
}

function toolFn(ns, name) {
  const key = ns + "." + name;
  return (toolFns[key] ??= (args) => callTool(ns, name, args));
}

// One proxy per namespace for the life of the process, installed as a read-only, non-configurable
// global: a run can neither replace nor wrap it for a later run. It answers with the tools the run
// in progress offers.
function makeNamespace(ns) {
  const target = ObjectCreate(null);
  const refuse = () => false;
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop !== "string" || setHas(PLAIN, prop)) return undefined;
      const names = offered(ns);
      if (names.includes(prop)) return toolFn(ns, prop);
      // A namespace offered with no tool names is open: the host answers every call (and checks it).
      if (names.length === 0 && offeredTools[ns] !== undefined) return toolFn(ns, prop);
      return () => {
        const close = closeNames(prop, names);
        const hint = close.length ? ` Did you mean ${close.map((n) => ns + "." + n).join(", ")}?` : "";
        throw new TypeErrorCtor(`unknown tool ${ns}.${prop}.${hint} Tools in ${ns}: ${names.join(", ") || "(none)"}`);
      };
    },
    has: (t, prop) => typeof prop === "string" && offered(ns).includes(prop),
    ownKeys: () => offered(ns).slice(),
    getOwnPropertyDescriptor(t, prop) {
      if (typeof prop !== "string" || !offered(ns).includes(prop)) return undefined;
      return { __proto__: null, value: toolFn(ns, prop), writable: false, enumerable: true, configurable: true };
    },
    set: refuse,
    defineProperty: refuse,
    deleteProperty: refuse,
    setPrototypeOf: refuse,
    getPrototypeOf: () => null,
  });
}

// Define `name` on globalThis as `value`, read-only and non-configurable. False when an earlier run
// took the name first (a non-configurable property, or a global `let` made with indirect eval).
function installGlobal(name, value) {
  const d = ObjectGetOwnPropertyDescriptor(globalThis, name);
  if (d !== undefined && !d.configurable) return d.value === value && !d.writable;
  ObjectDefine(globalThis, name, { __proto__: null, value, writable: false, enumerable: false, configurable: false });
  try {
    return globalEval(`typeof ${name} === "undefined" ? undefined : ${name}`) === value;
  } catch {
    return false;
  }
}

// Installs the run's namespaces and global functions; returns the first name it could not install.
function offer(msg) {
  offeredTools = ObjectCreate(null);
  offeredGlobals = ObjectCreate(null);
  const nsNames = ObjectKeys(msg.tools);
  for (let i = 0; i < nsNames.length; i++) {
    const ns = nsNames[i];
    if (setHas(reserved, ns)) continue;
    offeredTools[ns] = msg.tools[ns];
    if (namespaces[ns] === undefined) {
      namespaces[ns] = makeNamespace(ns);
    }
    if (!installGlobal(ns, namespaces[ns])) return ns;
  }
  for (let i = 0; i < msg.globals.length; i++) {
    const g = msg.globals[i];
    if (setHas(reserved, g)) continue;
    offeredGlobals[g] = true;
    globalFns[g] ??= (args) => callTool("", g, args);
    if (!installGlobal(g, globalFns[g])) return g;
  }
  return null;
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
// Bodies the host stripped in "transform" mode (enums and other TypeScript that generates code are
// reformatted): for each line of the compiled body, [column, source line, source column] triples, all
// 0-based (harness/strip.js), by the sourceURL their function was compiled with. The last 64 (a warm
// sandbox's older leftovers then show transformed lines).
const sourceMaps = ObjectCreate(null);
const MAPS_KEPT = 64;
let mappedCount = 0;

// The model's own position of 0-based (line, column) in a transformed body. Only own elements of the
// host's arrays are read (indices below their length): nothing a guest put on a prototype is consulted.
function mappedLocation(map, line, col) {
  for (let l = MathMin(line, map.length - 1); l >= 0; l--) {
    const seg = map[l];
    if (!ArrayIsArray(seg) || seg.length < 3) continue;
    let i = 0;
    if (l === line) while (i + 5 < seg.length && seg[i + 3] <= col) i += 3;
    else i = seg.length - seg.length % 3 - 3;
    const srcCol = seg[i + 2] + (l === line && seg[i] <= col ? col - seg[i] : 0);
    return `guest.ts:${MathMax(1, seg[i + 1])}:${srcCol + 1}`;
  }
  return `guest.ts:${MathMax(1, line)}:${col + 1}`;
}
// Every stack the guest can see (its own `e.stack` included) is formatted here: only the program's own
// frames, as guest.ts:LINE:COL, and frames without a file (built-ins). Frames of the harness, of Deno's
// internals or of any file are dropped, so no host path shows. Installed read-only before guest code:
// a guest's own `Error.prepareStackTrace` would see the raw call sites.
function guestLocation(cs) {
  const line = cs.getLineNumber();
  const col = cs.getColumnNumber();
  // Guest code compiled as an async function body: three lines of prologue (two of V8's, one of ours).
  if (cs.isEval()) {
    const name = cs.getScriptNameOrSourceURL();
    const map = typeof name === "string" ? sourceMaps[name] : undefined;
    if (map !== undefined) return mappedLocation(map, line - 3, col - 1);
    return `guest.ts:${MathMax(1, line - 3)}:${col}`;
  }
  const file = cs.getFileName();
  // Guest code imported from a data: URL: one prologue line.
  if (typeof file === "string" && file.startsWith("data:")) return `guest.ts:${MathMax(1, line - 1)}:${col}`;
  if (file === null || file === undefined || file === "") return "";
  return null; // the harness, Deno's internals, any file: not the program's own
}

function formatFrame(cs) {
  const loc = guestLocation(cs);
  if (loc === null) return null;
  if (loc === "") return StringFn(cs); // a built-in such as `Array.map (<anonymous>)`
  let fn = cs.getFunctionName();
  if (fn === "anonymous" || fn === "eval" || fn === "default") fn = null;
  const prefix = cs.isAsync() ? "async " : cs.isConstructor() ? "new " : "";
  return fn ? `${prefix}${fn} (${loc})` : `${prefix}${loc}`;
}

function prepareStackTrace(error, callSites) {
  let out;
  try {
    out = errorToString(error);
  } catch {
    out = "Error";
  }
  for (let i = 0; i < callSites.length; i++) {
    let frame = null;
    try {
      frame = formatFrame(callSites[i]);
    } catch {
      // an unprintable frame is left out
    }
    if (frame !== null) out += "\n    at " + frame;
  }
  return out;
}

// Positions inside messages (parse errors of data: modules) and any stack formatted before start-up.
function mapStack(text) {
  if (typeof text !== "string") return "";
  const out = [];
  for (let line of text.split("\n")) {
    line = line.replace(/eval at .*?<anonymous>:(\d+):(\d+)/g, (_, l, c) => `guest.ts:${Math.max(1, Number(l) - 3)}:${c}`);
    line = line.replace(/^(\s*at )(?:async )?eval \((guest\.ts:\d+:\d+)\)$/, "$1$2");
    if (line.includes(harnessUrl) || line.includes("ext:") || line.includes("file:")) continue;
    if (/^\s*\d*\s*\|/.test(line)) continue; // source snippet of a parse error
    // Guest frames: data: URLs (Deno abbreviates long ones as "data:.....TAIL"); one prologue line.
    line = line.replace(/data:[^\s()]*?:(\d+):(\d+)/g, (_, l, c) => `guest.ts:${Math.max(1, Number(l) - 1)}:${c}`);
    line = line.replace(/data:[^\s()]+/g, "guest.ts");
    out.push(line);
  }
  return out.join("\n").trim();
}

// Deno's permission errors advise "run again with the --allow-read flag": useless to a model that
// cannot change flags. Recognized by class (never by text), and told what to do instead.
const NO_ACCESS = "the sandbox has no file system, network, environment, subprocess or system access; use the tools it offers instead";

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
    if (e instanceof NotCapable || e instanceof PermissionDenied) {
      const what = message.split(", run again")[0];
      message = `${what}: ${NO_ACCESS}`;
      const at = stack.indexOf("\n");
      stack = `${name}: ${message}` + (at === -1 ? "" : stack.slice(at));
    }
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
const AsyncFunction = (async () => {}).constructor;
const SyntaxErrorCtor = SyntaxError;

// Returns an async function that runs the guest code once.
// 1. Plain JavaScript compiles as an async function body: about 10 us, no module loader involved.
// 2. TypeScript the host stripped of types compiles the same way (below).
// 3. Otherwise (`export default` modules, a syntax error) it is imported from a data: URL, which strips
//    the types and reports syntax errors at the model's lines; 1-3 ms of Deno's module loader.
// Either way the code is dynamic, never part of a static module graph: every permission check applies.
function dataEscape(source) {
  // encodeURIComponent leaves ( ) ' ! * ~ alone; escape them too, so a stack frame's URL has no parens.
  return encodeURIComponentFn(source).replace(/[()'!*~]/g, (c) => "%" + c.charCodeAt(0).toString(16));
}

// A body the host stripped of types: compiled like any JavaScript body. A transformed one (positions
// moved) gets a sourceURL naming its position map, so its stack frames show the model's lines.
function compileStripped(s) {
  if (!ArrayIsArray(s.map)) return new AsyncFunction(s.code);
  const name = "guest-" + ++mappedCount;
  const fn = new AsyncFunction(s.code + "\n//# sourceURL=" + name);
  sourceMaps[name] = s.map;
  delete sourceMaps["guest-" + (mappedCount - MAPS_KEPT)];
  return fn;
}

// The first of the host's stripped bodies that compiles, or null.
function compileFirstStripped(stripped) {
  if (!ArrayIsArray(stripped)) return null;
  for (let i = 0; i < stripped.length; i++) {
    const s = stripped[i];
    if (s === null || typeof s !== "object" || typeof s.code !== "string") continue;
    try {
      return compileStripped(s);
    } catch (e) {
      if (!(e instanceof SyntaxErrorCtor)) throw e;
    }
  }
  return null;
}

// The bodies the host strips unasked when a program looks typed (`"pushed": true` in its run frame):
// it sends them in a `stripped` frame as soon as they are ready, usually before the harness has found
// that no body compiles as JavaScript. Only the run in progress is kept.
let pushed = null;
function pushedFor(run) {
  if (pushed === null || pushed.run !== run) {
    let resolve;
    const promise = new PromiseCtor((r) => {
      resolve = r;
    });
    pushed = { run, promise, resolve };
  }
  return pushed;
}

async function loadGuest(msg) {
  const candidates = msg.candidates;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    if (c.body === null) continue;
    try {
      return new AsyncFunction(c.body);
    } catch (e) {
      if (!(e instanceof SyntaxErrorCtor)) throw e;
    }
  }
  // 2. TypeScript: the host strips the types (sandbox/strip.py; the request names no text, the host
  //    strips this run's own candidates) and the result compiles as JavaScript, ~0.5 ms in all.
  if (msg.strip === true) {
    let stripped = null;
    try {
      stripped = await (msg.pushed === true ? pushedFor(msg.run).promise : request({ t: "strip" }));
    } catch {
      stripped = null;
    }
    const compiled = compileFirstStripped(stripped);
    if (compiled !== null) return compiled;
  }
  // 3. Whatever is left (the module form, a helper that is not ready, a syntax error to report).
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

// A language runner besides TypeScript (python.js installs Python's); null in TypeScript processes.
let runPython = null;

// An error the runner already described ({name, message, stack}); only this module can make one.
class ReportedError {
  constructor(error) {
    this.error = error;
  }
}

async function evaluate(msg) {
  if (msg.language === "python") {
    if (runPython === null) throw new TypeErrorCtor("this sandbox process was not started for Python");
    const outcome = await runPython(msg); // {ok: true, value} (JSON-ready) or {ok: false, error}
    if (outcome.ok) return outcome.value;
    throw new ReportedError(outcome.error);
  }
  const guest = await loadGuest(msg);
  let value = await guest();
  if (typeof value === "function") value = await value();
  if (typeof value === "function") value = await value();
  return value;
}

// The result frame's text: the whole converted value (the host measures it against result_bytes and
// cuts it), or an error when it cannot fit in one frame.
function resultText(runId, value) {
  const converted = toJson(value, new SetCtor(), 0);
  const json = converted === undefined ? "null" : stringify(converted);
  const budget = limits.frame_bytes - 256;
  if (json.length * 3 > budget) {
    const total = u8Length(encode(json));
    if (total > budget) {
      const message = `the return value is ${total} bytes as JSON, more than the ${budget} bytes a run can return; return a smaller value or a summary`;
      return stringify({ t: "result", run: runId, ok: false, error: { name: "RangeError", message, stack: "" } });
    }
  }
  // Over result_bytes: sent as JSON text (one string, cheap for the host to hold and measure), which
  // the host cuts to result_bytes with a marker stating the size it received.
  if (json.length > limits.result_bytes / 3 && u8Length(encode(json)) > limits.result_bytes) {
    return '{"t":"result","run":' + runId + ',"ok":true,"json":' + stringify(json) + "}";
  }
  return '{"t":"result","run":' + runId + ',"ok":true,"value":' + json + "}";
}

async function runGuest(msg) {
  const runId = msg.run;
  limits = msg.limits;
  logCount = 0;
  logBytes = 0;
  logsCut = false;
  takeNonce();
  // Python programs get their namespaces from the runner (python_glue.py), not as JavaScript globals.
  const taken = msg.language === "python" ? null : offer(msg);
  if (taken !== null) {
    send({ t: "fatal", message: `code of an earlier run in this sandbox took the global name \`${taken}\`; the sandbox was reset, run the program again` });
    return;
  }
  // The guest runs in an async context of its own: everything it schedules carries `token`.
  const token = ObjectCreate(null);
  activeToken = token;
  const outer = runContext.enter(token);
  let pending;
  try {
    pending = evaluate(msg);
  } finally {
    setAsyncContext(outer);
  }
  let text;
  try {
    text = resultText(runId, await pending);
  } catch (e) {
    let error;
    try {
      error = e instanceof ReportedError ? e.error : describeError(e);
    } catch {
      error = { name: "Error", message: "the guest's error could not be described (were built-ins patched?)", stack: "" };
    }
    text = stringify({ t: "result", run: runId, ok: false, error });
  }
  activeToken = null;
  sendText(text);
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
ObjectDefine(ErrorCtor, "prepareStackTrace", { value: prepareStackTrace, writable: false, enumerable: false, configurable: false });
// No host path: not the Deno binary's, not the harness's (node:process derives argv and execPath from these).
internal.__nodeBootstrapArgs.argv0 = "deno";
ObjectDefine(Deno, "execPath", { value: () => "deno", writable: false, enumerable: true, configurable: false });
ObjectDefine(Deno, "mainModule", { get: () => "file:///sandbox/main.ts", enumerable: true, configurable: false });
// Deno's internals (core ops, the async-context switch, bootstrap arguments) are the harness's alone.
delete Deno[Deno.internal];

// ---------------------------------------------------------------- main loop
// V8 compiles functions lazily: run the run path once on a throwaway value at start-up, so the first
// run of a pooled process is nearly as fast as a warm sandbox's next run. No guest code, no globals.
async function warmUp() {
  const f = new AsyncFunction('"use strict";\nreturn ({ a: [1, "x", null], m: new Map([[1, 2]]) });');
  const v = await f();
  resultText(0, v);
  formatArgs(["x", v]);
  encode("\n" + stringify({ t: "log", msg: "x" }) + "\n");
  makeNamespace("w").f;
  describeError(new ErrorCtor("x"));
  mappedLocation([[0, 1, 0, 4, 1, 6], []], 1, 5);
  // A typed program's path: the failed JavaScript compile, the pushed bodies, their compile.
  try {
    new AsyncFunction('"use strict";\nconst x: number = 1;');
  } catch {
    // expected: TypeScript is no JavaScript
  }
  const typed = pushedFor(0);
  typed.resolve([{ code: '"use strict";\nconst x         = 1;\nreturn x;', map: null }]);
  await compileFirstStripped(await typed.promise)();
  pushed = null;
  // No TypeScript module is imported here: typed programs arrive stripped (loadGuest), and the module
  // loader's first import (1-3 ms) would be paid by every process's start-up for the rare program
  // that still needs it.
}

async function main() {
  await warmUp();
  let first;
  while ((first = await readLine()) === NONCE_LINE);
  if (first === null) return;
  const init = parse(first);
  takeNonce();
  reserved = new SetCtor(init.reserved);
  if (init.fetch) {
    net = { btoa: globalThis.btoa, atob: globalThis.atob, Request, Response, Headers };
    ObjectDefine(globalThis, "fetch", { value: hostFetch, writable: false, enumerable: true, configurable: false });
  }
  send({ t: "ready" });
  for (;;) {
    const line = await readLine();
    if (line === null) break;
    if (line === "" || line === NONCE_LINE) continue;
    if (answerText(line)) {
      await null;
      await null;
      await null;
      continue;
    }
    const msg = parse(line);
    if (msg.t === "ret") {
      const w = waiting[msg.id];
      if (w === undefined) continue;
      delete waiting[msg.id];
      if (w.onAnswer !== undefined) deliver(w, msg.ok === true, msg.ok ? stringify(msg.value) : StringFn(msg.error));
      else if (msg.ok) w.resolve(msg.value);
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
    } else if (msg.t === "stripped") {
      pushedFor(msg.run).resolve(msg.bodies);
    }
  }
}

// Starts the bridge. `makePythonRunner(bridge)`, given by python.js, receives the bridge's own
// functions and returns the Python runner; TypeScript processes start here with none.
export function startHarness(makePythonRunner) {
  if (makePythonRunner) runPython = makePythonRunner({ callToolText, emitLog });
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
}

if (import.meta.main) startHarness(null);
