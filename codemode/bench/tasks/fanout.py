"""Fan-out over many items: one list, then a call per item (reads and writes)."""

# The solution programs (TypeScript and Python) keep one line per statement, as a model writes them.
# ruff: noqa: E501

from __future__ import annotations

import re

from codemode.bench.tasks.base import Env, Task, expect, expect_answer

__all__ = ["FANOUT"]


def _premium_contacts(env: Env) -> None:
    want = {}
    for summary in env.initial.crm.find_customers(tier="premium", limit=500):
        customer = env.initial.crm.customers[summary.id]
        primary = [c for c in customer.contacts if c.primary]
        want[customer.name] = primary[0].email if primary else None
    expect_answer(env, want, keys=True)


def _most_discussed(env: Env) -> None:
    issues = env.initial.tracker.list_issues(project="API", status="open", limit=200).issues
    counts = [(len(env.initial.tracker.issues[i.id].comments), i.id) for i in issues]
    counts.sort(key=lambda pair: (-pair[0], pair[1]))
    want = [{"id": key, "comments": n} for n, key in counts[:3]]
    expect_answer(env, want)


AT_RISK_NOTE = "Flagged at-risk: schedule an executive check-in this quarter."


def _at_risk_notes(env: Env) -> None:
    ids = [s.id for s in env.initial.crm.find_customers("at-risk", limit=500)]
    expect(len(ids) > 3, "the world should have several at-risk customers")
    for customer_id in ids:
        notes = env.world.crm.customers[customer_id].notes
        expect(
            any(n.body == AT_RISK_NOTE for n in notes), f"customer {customer_id} should have the at-risk note"
        )
    noted = [k for k, c in env.world.crm.customers.items() if any(n.body == AT_RISK_NOTE for n in c.notes)]
    expect(sorted(noted) == sorted(ids), f"only the at-risk customers should get the note, got {noted}")
    expect_answer(env, len(ids))


def _postmortems_mentioning(env: Env) -> None:
    docs = env.initial.docs.list_documents(folder="postmortems", limit=200)
    want = [d.title for d in docs if "C-0070" in env.initial.docs.documents[d.id].body]
    expect(bool(want), "some postmortem should mention C-0070")
    expect_answer(env, want)


def _issue_labels(env: Env) -> None:
    keys = sorted(
        set(re.findall(r"\b(?:API|WEB|OPS|BILL|MOB)-\d+\b", env.initial.docs.documents["DOC-0018"].body))
    )
    want = sorted(
        {
            label
            for k in keys
            if k in env.initial.tracker.issues
            for label in env.initial.tracker.issues[k].labels
        }
    )
    expect_answer(env, want)


FANOUT = [
    Task(
        id="premium-primary-contacts",
        category="fanout",
        prompt="For every premium-tier customer, give me the email of their primary contact.",
        code=(
            'const found = await crm.find_customers({ tier: "premium", limit: 500 });\n'
            "const customers = await Promise.all(found.map((s) => crm.get_customer({ customer_id: s.id })));\n"
            "return Object.fromEntries(customers.map((c) => [c.name, c.contacts.find((p) => p.primary)?.email ?? null]));"
        ),
        python=(
            "import asyncio\n"
            'found = await crm.find_customers(tier="premium", limit=500)\n'
            'customers = await asyncio.gather(*(crm.get_customer(customer_id=s["id"]) for s in found))\n'
            '{c["name"]: next((p["email"] for p in c["contacts"] if p["primary"]), None) for c in customers}'
        ),
        check=_premium_contacts,
    ),
    Task(
        id="most-discussed-open-api-issues",
        category="fanout",
        prompt="Which three open API issues have the most comments?",
        code=(
            'const page = await tracker.list_issues({ project: "API", status: "open", limit: 200 });\n'
            "const issues = await Promise.all(page.issues.map((i) => tracker.get_issue({ issue_id: i.id })));\n"
            "return issues\n"
            "  .map((i) => ({ id: i.id, comments: i.comments.length }))\n"
            "  .sort((a, b) => b.comments - a.comments || (a.id < b.id ? -1 : 1))\n"
            "  .slice(0, 3);"
        ),
        python=(
            "import asyncio\n"
            'page = await tracker.list_issues(project="API", status="open", limit=200)\n'
            'issues = await asyncio.gather(*(tracker.get_issue(issue_id=i["id"]) for i in page["issues"]))\n'
            'ranked = sorted(issues, key=lambda i: (-len(i["comments"]), i["id"]))\n'
            '[{"id": i["id"], "comments": len(i["comments"])} for i in ranked[:3]]'
        ),
        check=_most_discussed,
    ),
    Task(
        id="note-at-risk-customers",
        category="fanout",
        prompt=f'Add the note "{AT_RISK_NOTE}" to every customer tagged at-risk. How many did you note?',
        code=(
            'const found = await crm.find_customers({ query: "at-risk", limit: 500 });\n'
            "await Promise.all(\n"
            f'  found.map((c) => crm.add_note({{ customer_id: c.id, body: "{AT_RISK_NOTE}" }})),\n'
            ");\n"
            "return found.length;"
        ),
        python=(
            "import asyncio\n"
            'found = await crm.find_customers(query="at-risk", limit=500)\n'
            f'await asyncio.gather(*(crm.add_note(customer_id=c["id"], body="{AT_RISK_NOTE}") for c in found))\n'
            "len(found)"
        ),
        check=_at_risk_notes,
        note="writes: the per-item results are small, so the saving is mostly the re-sent context",
    ),
    Task(
        id="postmortems-mentioning-customer",
        category="fanout",
        prompt="Which postmortems mention customer C-0070? Give their titles.",
        code=(
            'const list = await docs.list_documents({ folder: "postmortems", limit: 200 });\n'
            "const full = await Promise.all(list.map((d) => docs.get_document({ document_id: d.id })));\n"
            'return full.filter((d) => d.body.includes("C-0070")).map((d) => d.title);'
        ),
        python=(
            "import asyncio\n"
            'listed = await docs.list_documents(folder="postmortems", limit=200)\n'
            'full = await asyncio.gather(*(docs.get_document(document_id=d["id"]) for d in listed))\n'
            '[d["title"] for d in full if "C-0070" in d["body"]]'
        ),
        check=_postmortems_mentioning,
        note="long documents: each is thousands of words the classic context has to carry",
    ),
    Task(
        id="labels-of-postmortem-issues",
        category="fanout",
        prompt="Postmortem DOC-0018 references tracker issues. Which labels do those issues carry, all together?",
        code=(
            'const doc = await docs.get_document({ document_id: "DOC-0018" });\n'
            "const keys = [...new Set(doc.body.match(/\\b(?:API|WEB|OPS|BILL|MOB)-\\d+\\b/g) ?? [])];\n"
            "const issues = await Promise.all(keys.map((k) => tracker.get_issue({ issue_id: k })));\n"
            "return [...new Set(issues.flatMap((i) => i.labels))].sort();"
        ),
        python=(
            "import asyncio, re\n"
            'doc = await docs.get_document(document_id="DOC-0018")\n'
            'keys = dict.fromkeys(re.findall(r"\\b(?:API|WEB|OPS|BILL|MOB)-\\d+\\b", doc["body"]))\n'
            "issues = await asyncio.gather(*(tracker.get_issue(issue_id=k) for k in keys))\n"
            'sorted({label for i in issues for label in i["labels"]})'
        ),
        check=_issue_labels,
    ),
]
