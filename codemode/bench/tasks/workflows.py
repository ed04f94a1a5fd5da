"""Workflows across servers: the built-in world with the real filesystem and memory MCP servers."""

# The solution programs (TypeScript and Python) keep one line per statement, as a model writes them.
# ruff: noqa: E501

from __future__ import annotations

from codemode.bench.tasks.base import Env, Task, expect, expect_answer

__all__ = ["WORKFLOWS"]

READ = (
    "async function read(path) {\n"
    "  const r = await filesystem.read_text_file({ path });\n"
    '  return typeof r === "string" ? r : r.content;\n'
    "}\n"
)

READ_PY = (
    "\nasync def read(path):\n"
    "    r = await filesystem.read_text_file(path=path)\n"
    '    return r if isinstance(r, str) else r["content"]\n\n'
)


def _account_graph(env: Env) -> None:
    customer = env.initial.crm.customers["C-0042"]
    graph = env.memory_graph()
    entities = {e["name"]: e for e in graph if e.get("type") == "entity"}
    relations = {(r["from"], r["relationType"], r["to"]) for r in graph if r.get("type") == "relation"}
    expect(customer.name in entities, f"memory should have an entity named {customer.name!r}")
    for contact in customer.contacts:
        expect(contact.name in entities, f"memory should have the contact {contact.name!r}")
        expect(
            (contact.name, "works_at", customer.name) in relations,
            f"{contact.name} should work_at the customer",
        )
    expect_answer(env, len(customer.contacts))


INCIDENT = """# Checkout webhooks time out for EU customers

Since 09:40 UTC, payment webhooks to EU merchants time out after 30 s. Customer C-0042 reported it first.
Retries pile up in the queue; no data loss so far.
"""


def _incident_filed(env: Env) -> None:
    created = [i for k, i in env.world.tracker.issues.items() if k not in env.initial.tracker.issues]
    expect(len(created) == 1, f"exactly one issue should be created, got {len(created)}")
    issue = created[0]
    expect(issue.title == "Checkout webhooks time out for EU customers", f"wrong title {issue.title!r}")
    expect(
        issue.project == "OPS" and issue.priority == "critical", "the issue should be a critical OPS issue"
    )
    expect(issue.customer_ids == ["C-0042"], "the issue should name customer C-0042")
    text = (env.files / "incident.md").read_text(encoding="utf-8")
    expect(f"Tracked as {issue.id}" in text, f"incident.md should say `Tracked as {issue.id}`")
    expect_answer(env, issue.id)


def _digest(env: Env) -> None:
    open_critical = [
        i for i in env.initial.tracker.issues.values() if i.priority == "critical" and i.status != "closed"
    ]
    text = (env.files / "critical-digest.md").read_text(encoding="utf-8")
    for issue in open_critical:
        expect(issue.id in text, f"the digest should list {issue.id}")
        for customer_id in issue.customer_ids:
            name = env.initial.crm.customers[customer_id].name
            expect(name in text, f"the digest should name {name} under {issue.id}")
    entities = {e["name"]: e for e in env.memory_graph() if e.get("type") == "entity"}
    expect("critical-digest" in entities, "memory should have the `critical-digest` entity")
    observations = entities["critical-digest"]["observations"]
    expect(len(observations) == len(open_critical), "one observation per open critical issue")
    expect_answer(env, len(open_critical))


WORKFLOWS = [
    Task(
        id="account-to-memory",
        category="workflow",
        prompt="Store customer C-0042 and its contacts in the memory graph: an entity per company and person, "
        "and a works_at relation from each person to the company.",
        code=(
            'const c = await crm.get_customer({ customer_id: "C-0042" });\n'
            "await memory.create_entities({ entities: [\n"
            '  { name: c.name, entityType: "company", observations: [`${c.industry}, ${c.tier} tier, ${c.address.city}`] },\n'
            '  ...c.contacts.map((p) => ({ name: p.name, entityType: "person", observations: [`${p.title}, ${p.email}`] })),\n'
            "] });\n"
            "await memory.create_relations({\n"
            '  relations: c.contacts.map((p) => ({ from: p.name, to: c.name, relationType: "works_at" })),\n'
            "});\n"
            "return c.contacts.length;"
        ),
        python=(
            'c = await crm.get_customer(customer_id="C-0042")\n'
            "await memory.create_entities(entities=[\n"
            '    {"name": c["name"], "entityType": "company", "observations": [f"{c[\'industry\']}, {c[\'tier\']} tier, {c[\'address\'][\'city\']}"]},\n'
            '    *({"name": p["name"], "entityType": "person", "observations": [f"{p[\'title\']}, {p[\'email\']}"]} for p in c["contacts"]),\n'
            "])\n"
            'await memory.create_relations(relations=[{"from": p["name"], "to": c["name"], "relationType": "works_at"} for p in c["contacts"]])\n'
            'len(c["contacts"])'
        ),
        check=_account_graph,
        servers=("memory",),
    ),
    Task(
        id="incident-file-to-issue",
        category="workflow",
        prompt="File the incident in {files}/incident.md as a critical OPS bug in the tracker (title from the "
        "heading, the text as description, the customer it names), then append `Tracked as <key>` to the file.",
        code=READ
        + (
            'const text = await read("{files}/incident.md");\n'
            'const [heading, ...rest] = text.split("\\n");\n'
            "const issue = await tracker.create_issue({\n"
            '  project: "OPS", title: heading.replace(/^#\\s*/, ""), description: rest.join("\\n").trim(),\n'
            '  type: "bug", priority: "critical", customer_ids: text.match(/C-\\d{4}/g) ?? [],\n'
            "});\n"
            'await filesystem.write_file({ path: "{files}/incident.md", content: `${text}\\nTracked as ${issue.id}\\n` });\n'
            "return issue.id;"
        ),
        python="import re\n"
        + READ_PY
        + (
            'text = await read("{files}/incident.md")\n'
            'heading, *rest = text.split("\\n")\n'
            "issue = await tracker.create_issue(\n"
            '    project="OPS", title=re.sub(r"^#\\s*", "", heading), description="\\n".join(rest).strip(),\n'
            '    type="bug", priority="critical", customer_ids=re.findall(r"C-\\d{4}", text),\n'
            ")\n"
            'await filesystem.write_file(path="{files}/incident.md", content=f"{text}\\nTracked as {issue[\'id\']}\\n")\n'
            'issue["id"]'
        ),
        check=_incident_filed,
        servers=("filesystem",),
        files={"incident.md": INCIDENT},
    ),
    Task(
        id="critical-digest",
        category="workflow",
        prompt="Write a digest of every critical issue that is not closed to {files}/critical-digest.md (key, "
        "title, status, affected customers by name), and record one observation per issue on a "
        "`critical-digest` entity in memory. How many issues?",
        code=(
            'const page = await tracker.list_issues({ priority: "critical", limit: 200 });\n'
            'const open = page.issues.filter((i) => i.status !== "closed");\n'
            "const ids = [...new Set(open.flatMap((i) => i.customer_ids))];\n"
            "const customers = await Promise.all(ids.map((id) => crm.get_customer({ customer_id: id })));\n"
            "const name = new Map(customers.map((c) => [c.id, c.name]));\n"
            "const lines = open.map((i) =>\n"
            '  `- ${i.id} ${i.title} (${i.status}): ${i.customer_ids.map((id) => name.get(id)).join(", ") || "none"}`);\n'
            "await Promise.all([\n"
            '  filesystem.write_file({ path: "{files}/critical-digest.md", content: `# Open critical issues\\n\\n${lines.join("\\n")}\\n` }),\n'
            '  memory.create_entities({ entities: [{ name: "critical-digest", entityType: "report", observations: lines }] }),\n'
            "]);\n"
            "return open.length;"
        ),
        python=(
            "import asyncio\n"
            'page = await tracker.list_issues(priority="critical", limit=200)\n'
            'open_issues = [i for i in page["issues"] if i["status"] != "closed"]\n'
            'ids = dict.fromkeys(cid for i in open_issues for cid in i["customer_ids"])\n'
            "customers = await asyncio.gather(*(crm.get_customer(customer_id=cid) for cid in ids))\n"
            'name = {c["id"]: c["name"] for c in customers}\n'
            "lines = [\n"
            '    f"- {i[\'id\']} {i[\'title\']} ({i[\'status\']}): " + (", ".join(name[cid] for cid in i["customer_ids"]) or "none")\n'
            "    for i in open_issues\n"
            "]\n"
            "await asyncio.gather(\n"
            '    filesystem.write_file(path="{files}/critical-digest.md", content="# Open critical issues\\n\\n" + "\\n".join(lines) + "\\n"),\n'
            '    memory.create_entities(entities=[{"name": "critical-digest", "entityType": "report", "observations": lines}]),\n'
            ")\n"
            "len(open_issues)"
        ),
        check=_digest,
        servers=("filesystem", "memory"),
    ),
]
