// Shared by the hardening tests: `probe(name, fn)` runs one attack and records how it ended.
const report = {};
async function probe(name, fn) {
  try {
    report[name] = { ok: true, value: String(await fn()).slice(0, 200) };
  } catch (e) {
    report[name] = {
      ok: false,
      name: e?.name,
      message: String(e?.message).slice(0, 300),
      notCapable: e instanceof Deno.errors.NotCapable,
    };
  }
}
