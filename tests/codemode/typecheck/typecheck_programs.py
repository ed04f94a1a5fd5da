"""A corpus of programs as models write them against the built-in world: correct ones and buggy ones.

Correct programs use the loose habits models have (untyped empty arrays, `any`, objects built up
property by property, annotations, interfaces, enums, every code form the sandbox accepts); none of
them may be blocked. Each buggy program has one certain bug, with the error code, the 1-based line
and a word the message must contain (the name it meant, for a typo). `MISSED` holds buggy programs
the check does not catch, with why, so the count of what it catches stays honest.
"""

# ruff: noqa: E501

from __future__ import annotations

from typing import NamedTuple

__all__ = ["BUGGY", "CORRECT", "MISSED", "Bug"]


class Bug(NamedTuple):
    code: str
    error: int
    line: int
    mentions: str


CORRECT: dict[str, str] = {
    "readme-fanout": """\
const { issues } = await tracker.list_issues({ status: "open", priority: "critical", limit: 200 });
const affected = [...new Set(issues.flatMap((i) => i.customer_ids))];
const customers = await Promise.all(affected.map((id) => crm.get_customer({ customer_id: id })));
return customers.map((c) => ({ name: c.name, manager: c.account_manager }));""",
    "readme-sum": """\
const o = await records.query_orders({status: "paid", limit: 1000});
return o.rows.reduce((sum, r) => sum + r.total_usd, 0)""",
    "paging-loop": """\
const rows = [];
let offset = 0;
while (offset !== null) {
  const page = await records.query_orders({ status: "shipped", offset });
  rows.push(...page.rows);
  offset = page.next_offset;
}
return rows.length;""",
    "untyped-accumulator": """\
const revenue = {};
const { rows } = await records.query_orders({ limit: 500 });
for (const o of rows) {
  revenue[o.sales_region] = (revenue[o.sales_region] || 0) + o.total_usd;
}
return revenue;""",
    "expando-object": """\
const summary = { count: 0 };
const customers = await crm.find_customers({ tier: "enterprise" });
summary.count = customers.length;
summary.names = customers.map(c => c.name);
summary.byCountry = {};
for (const c of customers) summary.byCountry[c.country] = (summary.byCountry[c.country] ?? 0) + 1;
return summary;""",
    "interface-annotations": """\
interface Row { id: string; total: number }
const { rows } = await records.query_orders({ status: "paid" });
const out: Row[] = rows.map((r): Row => ({ id: r.id, total: r.total_usd }));
out.sort((a, b) => b.total - a.total);
return out.slice(0, 5);""",
    "generic-helper": """\
function groupBy<T, K extends string>(items: T[], key: (item: T) => K): Record<K, T[]> {
  const out = {} as Record<K, T[]>;
  for (const item of items) (out[key(item)] ??= []).push(item);
  return out;
}
const deals = await crm.list_deals({ limit: 200 });
const byStage = groupBy(deals, (d) => d.stage);
return Object.fromEntries(Object.entries(byStage).map(([k, v]) => [k, v.length]));""",
    "enum-and-satisfies": """\
enum Level { Low = "low", High = "high" }
const config = { level: Level.High, limit: 10 } satisfies { level: Level; limit: number };
const { issues } = await tracker.list_issues({ priority: config.level, limit: config.limit });
return issues.map(i => i.id);""",
    "as-any-escape": """\
const doc = (await docs.get_document({ document_id: "D-001" })) as any;
return doc.body.split("\\n").length + (doc.whatever?.length ?? 0);""",
    "catch-error-message": """\
try {
  await crm.get_customer({ customer_id: "C-9999" });
  return "found";
} catch (e) {
  return e.message;
}""",
    "optional-chaining-null": """\
const issue = await tracker.get_issue({ issue_id: "API-1" });
const who = issue.assignee?.toUpperCase() ?? "nobody";
return { who, closed: issue.closed_at?.slice(0, 10) ?? null };""",
    "narrowing-flag-in-callback": """\
let found = false;
const deals = await crm.list_deals({ stage: "won" });
deals.forEach((d) => { if (d.amount_usd > 100000) found = true; });
if (found === true) return "big deal";
return "none";""",
    "unused-and-implicit-any": """\
const unused = 1;
function fmt(x) { return String(x).padStart(6); }
const products = await records.query_products({ active: true });
return products.map(p => fmt(p.unit_price_usd));""",
    "arrow-form": """\
async () => {
  const docsList = await docs.list_documents({ folder: "runbooks" });
  return docsList.map(d => d.title);
}""",
    "expression-form": """\
crm.find_customers({ query: "acme", limit: 5 })""",
    "object-literal-expression": """\
({ answer: 42, when: new Date(0).toISOString() })""",
    "last-expression-form": """\
const projects = await tracker.list_projects();
projects.filter(p => p.open_issues > 0).map(p => p.key)""",
    "module-form": """\
export default async function () {
  const schema = await records.get_table_schema({ table: "orders" });
  return schema.columns.map((c) => c.name);
}""",
    "fenced": """\
```ts
const deals = await crm.list_deals({ owner: "maria" });
return deals.length;
```""",
    "console-and-timers": """\
console.log("starting");
await new Promise((resolve) => setTimeout(resolve, 10));
const id = crypto.randomUUID();
console.info({ id, at: performance.now() });
return new URL("https://example.com/a?b=1").searchParams.get("b");""",
    "json-and-regex": """\
const hits = await docs.search_documents({ query: "incident" });
const ids = hits.filter(h => /postmortem/i.test(h.folder)).map(h => h.id);
return JSON.parse(JSON.stringify({ ids, n: ids.length }));""",
    "modern-stdlib": """\
const deals = await crm.list_deals({});
const grouped = Object.groupBy(deals, (d) => d.owner);
const sorted = deals.toSorted((a, b) => a.amount_usd - b.amount_usd);
return { owners: Object.keys(grouped).length, top: sorted.at(-1)?.id, set: new Set([1]).union(new Set([2])).size };""",
    "write-then-read": """\
const note = await crm.add_note({ customer_id: "C-0017", body: "Called; follow up next week." });
const updated = await crm.update_customer({ customer_id: "C-0017", changes: { tags: ["followup"] } });
return { note: note.id, tier: updated.tier };""",
    "create-issue": """\
const ref = await tracker.create_issue({ project: "BILL", title: "Invoice totals off by one cent", type: "bug", priority: "high", labels: ["billing"] });
await tracker.add_comment({ issue_id: ref.id, body: "Seen on three invoices." });
return ref;""",
    "let-without-type": """\
let best;
for (const p of await records.query_products({})) {
  if (!best || p.stock_on_hand > best.stock_on_hand) best = p;
}
return best.name;""",
    "destructuring-defaults": """\
const [{ id = "none", name } = {} as any] = await crm.find_customers({ limit: 1 });
return { id, name };""",
    "null-arguments": """\
return await tracker.list_issues({ project: null, status: "open", assignee: null });""",
    "typed-result-annotation": """\
const orders: { rows: { id: string; total_usd: number }[] } = await records.query_orders({ limit: 10 });
return orders.rows.map(r => r.id);""",
    "dynamic-key-access": """\
const c = await crm.get_customer({ customer_id: "C-0001" });
const fields = ["email", "phone", "website"];
return fields.map(f => c[f]);""",
    "class-in-body": """\
class Tally { n = 0; add(x: number) { this.n += x; return this; } }
const t = new Tally();
for (const d of await crm.list_deals({ stage: "won" })) t.add(d.amount_usd);
return t.n;""",
    "promise-allsettled": """\
const results = await Promise.allSettled(["C-0001", "C-9999"].map((id) => crm.get_customer({ customer_id: id })));
return results.map((r) => (r.status === "fulfilled" ? r.value.name : String(r.reason)));""",
    "switch-on-enum": """\
const issue = await tracker.get_issue({ issue_id: "WEB-3" });
switch (issue.status) {
  case "open": return 1;
  case "closed": return 2;
  default: return 0;
}""",
    "labels-and-loops": """\
outer: for (const p of await tracker.list_projects()) {
  for (let i = 0; i < 3; i++) { if (p.open_issues > i) continue outer; }
}
return "done";""",
    "unicode-strings": """\
const name = "Zoë 😀";
const c = await crm.find_customers({ query: name });
return `${name}: ${c.length}`;""",
    "comparisons-on-numbers-and-strings": """\
const p = await records.query_products({ category: "sensors" });
return p.filter(x => x.unit_price_usd > 10 && x.sku.startsWith("S")).length;""",
    "entries-of-untyped-accumulator": """\
const revenue = {};
for (const o of (await records.query_orders({ limit: 200 })).rows) revenue[o.channel] = (revenue[o.channel] ?? 0) + o.total_usd;
return Object.fromEntries(Object.entries(revenue).map(([k, v]) => [k, Math.round(v * 100) / 100]));""",
    "global-this-state": """\
globalThis.calls = (globalThis.calls ?? 0) + 1;
return calls;""",
    "string-number-coercion": """\
const deals = await crm.list_deals({});
let total = 0;
for (const [, v] of Object.entries({ a: "1", b: 2 })) total += v as any;
return "Deals: " + deals.length + ", " + total;""",
}

BUGGY: dict[str, Bug] = {
    "unknown-namespace": Bug(
        """const c = await crn.get_customer({ customer_id: "C-1" });\nreturn c.name;""", 2304, 1, "crm"
    ),
    "misspelt-tool": Bug(
        """const c = await crm.get_custmer({ customer_id: "C-1" });\nreturn c.name;""",
        2551,
        1,
        "get_customer",
    ),
    "invented-tool": Bug(
        """const all = await crm.list_customers({});\nreturn all.length;""", 2339, 1, "find_customers"
    ),
    "tool-from-wrong-namespace": Bug(
        """return await crm.list_issues({ status: "open" });""", 2339, 1, "crm has no tool"
    ),
    "misspelt-argument": Bug(
        """return await crm.get_customer({ customerId: "C-1" });""", 2561, 1, "customer_id"
    ),
    "missing-required-argument": Bug(
        """const doc = await docs.create_document({ title: "Runbook", body: "..." });\nreturn doc.id;""",
        2741,
        1,
        "folder",
    ),
    "missing-arguments-object": Bug("""return await crm.get_customer();""", 2554, 1, "Expected 1 arguments"),
    "bare-string-argument": Bug("""return await crm.get_customer("C-0001");""", 2345, 1, "customer_id"),
    "wrong-argument-type": Bug("""return await records.query_orders({ limit: "100" });""", 2322, 1, "number"),
    "wrong-enum-value": Bug("""return await records.query_orders({ status: "PAID" });""", 2820, 1, "paid"),
    "wrong-enum-in-update": Bug(
        """await tracker.update_issue({ issue_id: "API-1", status: "done" });\nreturn "ok";""",
        2322,
        1,
        "closed",
    ),
    "unknown-result-property": Bug(
        """const o = await records.query_orders({});\nreturn o.rowz.length;""", 2339, 2, "rows"
    ),
    "misspelt-field-in-callback": Bug(
        """const { rows } = await records.query_orders({});\nreturn rows.reduce((s, r) => s + r.total, 0);""",
        2339,
        2,
        "total_usd",
    ),
    "camel-case-field": Bug(
        """const c = await crm.get_customer({ customer_id: "C-1" });\nreturn c.accountManager;""",
        2551,
        2,
        "account_manager",
    ),
    "array-treated-as-object": Bug(
        """const customers = await crm.find_customers({});\nreturn customers.items.map((c) => c.id);""",
        2339,
        2,
        "items",
    ),
    "object-treated-as-array": Bug(
        """const page = await tracker.list_issues({});\nreturn page.map((i) => i.id);""", 2339, 2, "map"
    ),
    "forgot-await": Bug(
        """const page = tracker.list_issues({ status: "open" });\nreturn page.issues.length;""",
        2339,
        2,
        "await",
    ),
    "call-non-function": Bug(
        """const p = await tracker.list_projects();\nreturn p.length();""", 2349, 2, "not callable"
    ),
    "call-a-field": Bug(
        """const c = await crm.get_customer({ customer_id: "C-1" });\nreturn c.name();""",
        2349,
        2,
        "not callable",
    ),
    "string-method-typo": Bug(
        """const d = await docs.get_document({ document_id: "D-1" });\nreturn d.title.toUppercase();""",
        2551,
        2,
        "toUpperCase",
    ),
    "array-method-typo": Bug(
        """const deals = await crm.list_deals({});\nreturn deals.lenght;""", 2551, 2, "length"
    ),
    "contradicting-annotation": Bug(
        """const n: number = "hello";\nreturn n.toUpperCase();""", 2322, 1, "number"
    ),
    "number-where-string-expected": Bug(
        """return await tracker.get_issue({ issue_id: 42 });""", 2322, 1, "string"
    ),
    "nested-argument-typo": Bug(
        """return await crm.update_customer({ customer_id: "C-1", changes: { teir: "premium" } });""",
        2353,
        1,
        "tier",
    ),
    "syntax-error-paren": Bug(
        """const c = await crm.get_customer({ customer_id: "C-1" };\nreturn c;""", 1005, 1, "expected"
    ),
    "syntax-error-unclosed-brace": Bug(
        """for (const d of await crm.list_deals({})) {\n  console.log(d.id);\nreturn 1;""",
        1005,
        3,
        "expected",
    ),
    "node-api": Bug("""return process.env.HOME;""", 2591, 1, "declared tools"),
    "deno-api": Bug("""return await Deno.readTextFile("/etc/passwd");""", 2304, 1, "Deno"),
    "fetch-without-network": Bug(
        """return await (await fetch("https://example.com")).text();""", 2304, 1, "fetch"
    ),
    "require": Bug("""const fs = require("fs");\nreturn fs.readFileSync("x");""", 2591, 1, "require"),
    "undefined-variable": Bug(
        """const deals = await crm.list_deals({});\nreturn deal.length;""", 2552, 2, "deals"
    ),
    "wrong-tool-argument-shape": Bug(
        """return await docs.search_documents({ q: "incident" });""", 2353, 1, "q"
    ),
    "too-many-arguments": Bug(
        """return await crm.get_customer({ customer_id: "C-1" }, { verbose: true });""", 2554, 1, "Expected 1"
    ),
    "promise-property": Bug("""return crm.get_customer({ customer_id: "C-1" }).name;""", 2339, 1, "await"),
    "expression-form-typo": Bug("""crm.find_customer({ query: "acme" })""", 2551, 1, "find_customers"),
    "module-form-typo": Bug(
        """export default async function () {\n  return await tracker.list_project();\n}""",
        2551,
        2,
        "list_projects",
    ),
    "fenced-typo": Bug(
        """```ts\nconst p = await records.query_product({});\nreturn p.length;\n```""",
        2551,
        2,
        "query_products",
    ),
}

MISSED: dict[str, tuple[str, str]] = {
    "misspelt-enum-comparison": (
        """const { rows } = await records.query_orders({});\nreturn rows.filter(r => r.status === "canceled").length;""",
        "2367 (no overlap) is ignored: the same error flags narrowings the checker cannot follow",
    ),
    "own-object-typo": (
        """const stats = { total: 0 };\nstats.totl += 1;\nreturn stats;""",
        "unknown properties of objects the program built itself never block (JavaScript's expando idiom)",
    ),
    "unknown-result-shape": (
        """const r = await crm.get_customer({ customer_id: "C-1" }) as any;\nreturn r.nmae;""",
        "an `any` cast turns the checker off for that value, on purpose",
    ),
}

GITHUB_CORRECT: dict[str, str] = {
    "unknown-result-used-freely": """\
const me = await github.get_me({});
const prs = await github.list_pull_requests({ owner: me.login, repo: "codemode", state: "open", perPage: 50 });
return prs.filter((p) => p.draft === false).map((p) => ({ n: p.number, title: p.title.trim() }));""",
    "unknown-result-passed-on": """\
const me = await github.get_me();
const file = await github.get_file_contents({ owner: me.login, repo: "codemode", path: "README.md" });
return JSON.parse(JSON.stringify(file)).content?.length ?? 0;""",
    "unknown-result-iterated": """\
const found = await github.search_repositories({ query: "code mode" });
let stars = 0;
for (const repo of found.items) stars += repo.stargazers_count;
return { stars, names: found.items.map((r) => r.full_name).join(", ") };""",
    "typed-any-annotation": """\
const issues: any = await github.list_issues({ owner: "octo", repo: "hello", state: "OPEN" });
return issues.issues.length;""",
    "discovery-first": """\
const hits = await search("open a pull request");
const decl = await describe(hits[0].name);
return { name: hits[0].name, decl: decl.slice(0, 200) };""",
}

GITHUB_BUGGY: dict[str, Bug] = {
    "github-misspelt-tool": Bug(
        """return await github.list_pull_request({ owner: "o", repo: "r" });""", 2551, 1, "list_pull_requests"
    ),
    "github-missing-owner": Bug(
        """return await github.create_issue({ repo: "r", title: "t" });""", 2741, 1, "owner"
    ),
    "github-enum-case": Bug(
        """return await github.list_issues({ owner: "o", repo: "r", state: "open" });""", 2820, 1, "OPEN"
    ),
    "github-camel-case-argument": Bug(
        """return await github.list_pull_requests({ owner: "o", repo: "r", per_page: 5 });""",
        2561,
        1,
        "perPage",
    ),
    "github-search-without-query": Bug("""return (await search()).length;""", 2554, 1, "Expected 1 argument"),
}
