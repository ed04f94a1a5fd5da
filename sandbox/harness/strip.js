// The type stripper: a trusted process that turns a guest's TypeScript into JavaScript, as data.
//
// It never runs guest code: it parses text and prints text. It is its own process (one per executor,
// started on the first typed program, see sandbox/strip.py) because the stripper lives in node:module,
// whose import costs ~50 ms of CPU and ~9 MiB in every process that loads it: too much for each
// sandbox process, nothing for one long-lived helper. Started with every permission denied.
//
//   host -> stripper  {"id":N,"bodies":[string|null, ...]}            one JSON object per line
//   stripper -> host  {"id":N,"bodies":[{"code":...,"map":...}|null, ...]}
//
// Bodies are tried in order and the first that strips ends the work (later ones are null): the harness
// compiles the first that strips. Types are replaced by blanks ("strip" mode), so every line and
// column stays where the model wrote it (`map` null). Constructs that generate code (enums, namespaces,
// parameter properties) need "transform" mode, which reformats the code: `map` then gives, for each
// line of the output, flat triples [column, source line, source column] (all 0-based) taken from the
// transform's source map, so the harness reports positions in the model's own lines.

import { stripTypeScriptTypes } from "node:module";

const MAP_PREFIX = "\n//# sourceMappingURL=data:application/json;base64,";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

// One source map's "mappings" (base64 VLQ) as flat [column, line, column] triples per output line.
function decodeMappings(mappings) {
  const lines = [];
  let srcLine = 0;
  let srcCol = 0;
  for (const text of mappings.split(";")) {
    const out = [];
    let genCol = 0;
    for (const segment of text.split(",")) {
      if (segment === "") continue;
      const fields = [];
      let value = 0;
      let shift = 0;
      for (const c of segment) {
        const digit = B64_VALUE.get(c);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += fields[0];
      if (fields.length < 4) continue; // a segment that maps to no source position
      srcLine += fields[2];
      srcCol += fields[3];
      out.push(genCol, srcLine, srcCol);
    }
    lines.push(out);
  }
  return lines;
}

function transform(body) {
  const text = stripTypeScriptTypes(body, { mode: "transform", sourceMap: true });
  const at = text.lastIndexOf(MAP_PREFIX);
  if (at === -1) return { code: text, map: null };
  const map = JSON.parse(atob(text.slice(at + MAP_PREFIX.length).trim()));
  return { code: text.slice(0, at), map: decodeMappings(map.mappings) };
}

// TypeScript that generates code (strip mode refuses it): tried in transform mode at once, which saves
// a failed strip (~0.2 ms). A false match (the word in a string) is still transformed correctly.
const GENERATES_CODE = /\b(?:enum|namespace|module)\s+[\w$."']|\bconstructor\s*\([^)]*\b(?:public|private|protected|readonly|override)\s/;

function stripOne(body) {
  if (!GENERATES_CODE.test(body)) {
    try {
      return { code: stripTypeScriptTypes(body, { mode: "strip" }), map: null };
    } catch (e) {
      if (e?.code !== "ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX") return null; // not TypeScript that parses
    }
  }
  try {
    return transform(body);
  } catch {
    return null;
  }
}

function answer(request) {
  const bodies = [];
  let done = false;
  for (const body of request.bodies) {
    const out = done || typeof body !== "string" ? null : stripOne(body);
    if (out !== null) done = true;
    bodies.push(out);
  }
  return { id: request.id, bodies };
}

const encoder = new TextEncoder();
function writeLine(obj) {
  const bytes = encoder.encode(JSON.stringify(obj) + "\n");
  let off = 0;
  while (off < bytes.length) off += Deno.stdout.writeSync(bytes.subarray(off));
}

// Both modes, the refused strip and the source-map decoding, until V8 has compiled them (the first
// few dozen transforms take milliseconds each): ~0.1 s of CPU once per executor, in the background.
for (let i = 0; i < 40; i++) {
  stripOne('"use strict";\nenum K { A = "a" }\nconst x: K = K.A as K;\nreturn x satisfies K;');
  stripOne('"use strict";\nconst f = <T,>(x: T): T => x;\nreturn f<number>(1)!;');
  stripOne('"use strict";\nconst k = 1;\nreturn ({ enum: 1 } as { enum: number }).enum + k;');
}
writeLine({ ready: true });

const decoder = new TextDecoder();
const buf = new Uint8Array(1 << 16);
let pending = "";
for (;;) {
  const n = await Deno.stdin.read(buf);
  if (n === null) break;
  pending += decoder.decode(buf.subarray(0, n), { stream: true });
  let nl;
  while ((nl = pending.indexOf("\n")) !== -1) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line !== "") writeLine(answer(JSON.parse(line)));
  }
}
