"""Single lookups (where classic tool calling should tie or win) and chained calls."""

# The solution programs (TypeScript and Python) keep one line per statement, as a model writes them.
# ruff: noqa: E501

from __future__ import annotations

import re

from codemode.bench.tasks.base import Env, Task, expect, expect_answer

__all__ = ["CHAINED", "SINGLE"]


def _customer_city(env: Env) -> None:
    want = env.initial.crm.customers["C-0042"].address.city
    expect_answer(env, want)


def _order_status(env: Env) -> None:
    order = env.initial.records.orders["O-10420"]
    want = {"status": order.status, "total_usd": order.total_usd}
    expect_answer(env, want)


def _projects(env: Env) -> None:
    want = [p.model_dump(mode="json") for p in env.initial.tracker.list_projects()]
    expect_answer(env, want)


def _whole_issue(env: Env) -> None:
    want = env.initial.tracker.issues["BILL-7"].model_dump(mode="json")
    expect_answer(env, want)


NOTE_TEXT = "Renewal call booked for Tuesday; bring the SSO migration plan."


def _note_added(env: Env) -> None:
    notes = env.world.crm.customers["C-0017"].notes
    expect(any(n.body == NOTE_TEXT for n in notes), "customer C-0017 should have the renewal note")
    expect(
        len(notes) == len(env.initial.crm.customers["C-0017"].notes) + 1, "exactly one note should be added"
    )


SINGLE = [
    Task(
        id="customer-city",
        category="single",
        prompt="Which city is customer C-0042 billed in?",
        code='const c = await crm.get_customer({ customer_id: "C-0042" });\nreturn c.address.city;',
        python='c = await crm.get_customer(customer_id="C-0042")\nc["address"]["city"]',
        check=_customer_city,
        note="one call, a 2 kB record: classic should tie (code mode pays for the program text)",
    ),
    Task(
        id="order-status",
        category="single",
        prompt="What is the status and total of order O-10420?",
        code=(
            'const o = await records.get_order({ order_id: "O-10420" });\n'
            "return { status: o.status, total_usd: o.total_usd };"
        ),
        python=(
            'o = await records.get_order(order_id="O-10420")\n'
            '{"status": o["status"], "total_usd": o["total_usd"]}'
        ),
        check=_order_status,
        note="one call, a small row: classic should tie or win",
    ),
    Task(
        id="list-projects",
        category="single",
        prompt="List our projects with their open and total issue counts.",
        code="return await tracker.list_projects();",
        python="await tracker.list_projects()",
        check=_projects,
        note="the answer IS the whole result: code mode cannot shrink it; classic should win",
    ),
    Task(
        id="issue-with-comments",
        category="single",
        prompt="Show me issue BILL-7 in full, with all its comments.",
        code='return await tracker.get_issue({ issue_id: "BILL-7" });',
        python='await tracker.get_issue(issue_id="BILL-7")',
        check=_whole_issue,
        note="a big result the user wants verbatim: it enters the context in both modes; classic should win",
    ),
    Task(
        id="add-note",
        category="single",
        prompt=f'Add this note to customer C-0017: "{NOTE_TEXT}"',
        code=f'const note = await crm.add_note({{ customer_id: "C-0017", body: "{NOTE_TEXT}" }});\nreturn note.id;',
        python=f'note = await crm.add_note(customer_id="C-0017", body="{NOTE_TEXT}")\nnote["id"]',
        check=_note_added,
        note="one small write: classic should tie or win",
    ),
]


def _first_customer_manager(env: Env) -> None:
    issue = env.initial.tracker.issues["WEB-1"]
    customer = env.initial.crm.customers[issue.customer_ids[0]]
    want = {"customer": customer.name, "account_manager": customer.account_manager}
    expect_answer(env, want)


def _runbook_issue_status(env: Env) -> None:
    body = env.initial.docs.documents["DOC-0007"].body
    keys = sorted(set(re.findall(r"\b(?:API|WEB|OPS|BILL|MOB)-\d+\b", body)))
    want = {k: env.initial.tracker.issues[k].status for k in keys if k in env.initial.tracker.issues}
    expect_answer(env, want, keys=True)


def _deal_advanced(env: Env) -> None:
    open_deals = [
        d
        for d in env.initial.crm.deals.values()
        if d.customer_id == "C-0042" and d.stage not in ("won", "lost")
    ]
    biggest = max(open_deals, key=lambda d: d.amount_usd)
    expect(
        env.world.crm.deals[biggest.id].stage == "negotiation", f"deal {biggest.id} should be in negotiation"
    )
    changed = [k for k, d in env.world.crm.deals.items() if d != env.initial.crm.deals[k]]
    expect(changed == [biggest.id], f"only deal {biggest.id} should change, changed: {changed}")
    expect_answer(env, biggest.id)


def _latest_order(env: Env) -> None:
    rows = env.initial.records.query_orders(customer_id="C-0042").rows
    last = rows[-1]
    want = {"product": env.initial.records.products[last.product_id].name, "quantity": last.quantity,
            "date": last.order_date}  # fmt: skip
    expect_answer(env, want)


CHAINED = [
    Task(
        id="issue-customer-manager",
        category="chained",
        prompt="Issue WEB-1 affects some customers. Who is the account manager of the first one listed?",
        code=(
            'const issue = await tracker.get_issue({ issue_id: "WEB-1" });\n'
            "const c = await crm.get_customer({ customer_id: issue.customer_ids[0] });\n"
            "return { customer: c.name, account_manager: c.account_manager };"
        ),
        python=(
            'issue = await tracker.get_issue(issue_id="WEB-1")\n'
            'c = await crm.get_customer(customer_id=issue["customer_ids"][0])\n'
            '{"customer": c["name"], "account_manager": c["account_manager"]}'
        ),
        check=_first_customer_manager,
    ),
    Task(
        id="runbook-issue-status",
        category="chained",
        prompt="Runbook DOC-0007 mentions tracker issues. What is the current status of each of them?",
        code=(
            'const doc = await docs.get_document({ document_id: "DOC-0007" });\n'
            "const keys = [...new Set(doc.body.match(/\\b(?:API|WEB|OPS|BILL|MOB)-\\d+\\b/g) ?? [])].sort();\n"
            "const issues = await Promise.all(keys.map((k) => tracker.get_issue({ issue_id: k })));\n"
            "return Object.fromEntries(issues.map((i) => [i.id, i.status]));"
        ),
        python=(
            "import asyncio, re\n"
            'doc = await docs.get_document(document_id="DOC-0007")\n'
            'keys = sorted(set(re.findall(r"\\b(?:API|WEB|OPS|BILL|MOB)-\\d+\\b", doc["body"])))\n'
            "issues = await asyncio.gather(*(tracker.get_issue(issue_id=k) for k in keys))\n"
            '{i["id"]: i["status"] for i in issues}'
        ),
        check=_runbook_issue_status,
    ),
    Task(
        id="advance-biggest-deal",
        category="chained",
        prompt="Find Orbit Robotics in the CRM and move their largest open deal to negotiation.",
        code=(
            'const [c] = await crm.find_customers({ query: "Orbit Robotics" });\n'
            "const deals = await crm.list_deals({ customer_id: c.id });\n"
            'const open = deals.filter((d) => d.stage !== "won" && d.stage !== "lost");\n'
            "const biggest = open.reduce((a, b) => (b.amount_usd > a.amount_usd ? b : a));\n"
            'await crm.update_deal({ deal_id: biggest.id, stage: "negotiation" });\n'
            "return biggest.id;"
        ),
        python=(
            'c = (await crm.find_customers(query="Orbit Robotics"))[0]\n'
            'deals = await crm.list_deals(customer_id=c["id"])\n'
            'biggest = max((d for d in deals if d["stage"] not in ("won", "lost")), key=lambda d: d["amount_usd"])\n'
            'await crm.update_deal(deal_id=biggest["id"], stage="negotiation")\n'
            'biggest["id"]'
        ),
        check=_deal_advanced,
    ),
    Task(
        id="latest-order-product",
        category="chained",
        prompt="What did Orbit Robotics order most recently: which product, how many units, on what date?",
        code=(
            'const [c] = await crm.find_customers({ query: "Orbit Robotics" });\n'
            "const [page, products] = await Promise.all([\n"
            "  records.query_orders({ customer_id: c.id }),\n"
            "  records.query_products({}),\n"
            "]);\n"
            "const last = page.rows[page.rows.length - 1];\n"
            "const product = products.find((p) => p.id === last.product_id);\n"
            "return { product: product.name, quantity: last.quantity, date: last.order_date };"
        ),
        python=(
            "import asyncio\n"
            'c = (await crm.find_customers(query="Orbit Robotics"))[0]\n'
            'page, products = await asyncio.gather(records.query_orders(customer_id=c["id"]), records.query_products())\n'
            'last = page["rows"][-1]\n'
            'product = next(p for p in products if p["id"] == last["product_id"])\n'
            '{"product": product["name"], "quantity": last["quantity"], "date": last["order_date"]}'
        ),
        check=_latest_order,
    ),
]
