"""Filtering and aggregating large results: the orders table and the issue list (data analysis)."""

# The solution programs (TypeScript and Python) keep one line per statement, as a model writes them.
# ruff: noqa: E501

from __future__ import annotations

from collections import defaultdict

from codemode.bench.tasks.base import Env, Task, expect_answer
from codemode.world.records import Order

__all__ = ["ANALYSIS"]

#: Fetch every page of a query: the first page says how many rows match, the rest in parallel.
ALL_ORDERS = (
    "async function allOrders(filters) {\n"
    "  const first = await records.query_orders({ ...filters, limit: 1000 });\n"
    "  const offsets = [];\n"
    "  for (let o = 1000; o < first.total; o += 1000) offsets.push(o);\n"
    "  const rest = await Promise.all(offsets.map((offset) => records.query_orders({ ...filters, limit: 1000, offset })));\n"
    "  return [first, ...rest].flatMap((p) => p.rows);\n"
    "}\n"
)

#: The same in Python (with the imports the programs use).
ALL_ORDERS_PY = (
    "import asyncio\n"
    "from collections import Counter\n\n"
    "async def all_orders(**filters):\n"
    "    first = await records.query_orders(**filters, limit=1000)\n"
    '    offsets = range(1000, first["total"], 1000)\n'
    "    rest = await asyncio.gather(*(records.query_orders(**filters, limit=1000, offset=o) for o in offsets))\n"
    '    return [row for page in [first, *rest] for row in page["rows"]]\n\n'
)


def _round(value: float) -> float:
    return round(value, 2)


def _orders(env: Env) -> list[Order]:
    return list(env.initial.records.orders.values())


def _revenue_by_region(env: Env) -> None:
    sums: dict[str, float] = defaultdict(float)
    for o in _orders(env):
        if o.status == "delivered" and "2025-01-01" <= o.order_date <= "2025-12-31":
            sums[o.sales_region] += o.total_usd
    want = {k: _round(v) for k, v in sorted(sums.items())}
    expect_answer(env, want, tolerance=0.01, keys=True)


def _top_products(env: Env) -> None:
    sums: dict[str, float] = defaultdict(float)
    for o in _orders(env):
        if o.status == "delivered":
            sums[o.product_id] += o.total_usd
    top = sorted(sums.items(), key=lambda kv: -kv[1])[:5]
    want = [{"product": env.initial.records.products[k].name, "revenue_usd": _round(v)} for k, v in top]
    expect_answer(env, want, tolerance=0.01)


def _refund_rate(env: Env) -> None:
    done: dict[str, int] = defaultdict(int)
    refunded: dict[str, int] = defaultdict(int)
    for o in _orders(env):
        if o.status in ("delivered", "refunded"):
            done[o.channel] += 1
            refunded[o.channel] += o.status == "refunded"
    want = {k: round(refunded[k] / done[k], 4) for k in sorted(done)}
    expect_answer(env, want, tolerance=0.0001, keys=True)


def _critical_by_assignee(env: Env) -> None:
    counts: dict[str, int] = defaultdict(int)
    for issue in env.initial.tracker.issues.values():
        if issue.priority == "critical" and issue.status != "closed":
            counts[issue.assignee or "unassigned"] += 1
    want = dict(sorted(counts.items()))
    expect_answer(env, want, keys=True)


def _top_customers(env: Env) -> None:
    sums: dict[str, float] = defaultdict(float)
    for o in _orders(env):
        if o.status == "delivered":
            sums[o.customer_id] += o.total_usd
    top = sorted(sums.items(), key=lambda kv: -kv[1])[:5]
    want = [env.initial.crm.customers[k].name for k, _ in top]
    expect_answer(env, want)


ANALYSIS = [
    Task(
        id="revenue-by-region-2025",
        category="analysis",
        prompt="What was our delivered revenue in 2025 per sales region?",
        code=ALL_ORDERS
        + (
            'const rows = await allOrders({ status: "delivered", date_from: "2025-01-01", date_to: "2025-12-31" });\n'
            "const sums = {};\n"
            "for (const r of rows) sums[r.sales_region] = (sums[r.sales_region] ?? 0) + r.total_usd;\n"
            "return Object.fromEntries(Object.keys(sums).sort().map((k) => [k, Math.round(sums[k] * 100) / 100]));"
        ),
        python=ALL_ORDERS_PY
        + (
            'rows = await all_orders(status="delivered", date_from="2025-01-01", date_to="2025-12-31")\n'
            "sums = Counter()\n"
            "for r in rows:\n"
            '    sums[r["sales_region"]] += r["total_usd"]\n'
            "{k: round(sums[k], 2) for k in sorted(sums)}"
        ),
        check=_revenue_by_region,
        note="about 1,900 order rows in two pages; the answer is four numbers",
    ),
    Task(
        id="top-products-by-revenue",
        category="analysis",
        prompt="Which five products brought in the most delivered revenue, and how much each?",
        code=ALL_ORDERS
        + (
            'const [rows, products] = await Promise.all([allOrders({ status: "delivered" }), records.query_products({})]);\n'
            "const sums = new Map();\n"
            "for (const r of rows) sums.set(r.product_id, (sums.get(r.product_id) ?? 0) + r.total_usd);\n"
            "const name = new Map(products.map((p) => [p.id, p.name]));\n"
            "return [...sums].sort((a, b) => b[1] - a[1]).slice(0, 5)\n"
            "  .map(([id, usd]) => ({ product: name.get(id), revenue_usd: Math.round(usd * 100) / 100 }));"
        ),
        python=ALL_ORDERS_PY
        + (
            'rows, products = await asyncio.gather(all_orders(status="delivered"), records.query_products())\n'
            "sums = Counter()\n"
            "for r in rows:\n"
            '    sums[r["product_id"]] += r["total_usd"]\n'
            'name = {p["id"]: p["name"] for p in products}\n'
            '[{"product": name[k], "revenue_usd": round(usd, 2)} for k, usd in sums.most_common(5)]'
        ),
        check=_top_products,
    ),
    Task(
        id="refund-rate-by-channel",
        category="analysis",
        prompt="Per sales channel, what fraction of completed orders (delivered or refunded) were refunded?",
        code=ALL_ORDERS
        + (
            "const rows = await allOrders({});\n"
            "const done = {}, refunded = {};\n"
            "for (const r of rows) {\n"
            '  if (r.status !== "delivered" && r.status !== "refunded") continue;\n'
            "  done[r.channel] = (done[r.channel] ?? 0) + 1;\n"
            '  refunded[r.channel] = (refunded[r.channel] ?? 0) + (r.status === "refunded" ? 1 : 0);\n'
            "}\n"
            "return Object.fromEntries(Object.keys(done).sort()\n"
            "  .map((k) => [k, Math.round((refunded[k] / done[k]) * 10000) / 10000]));"
        ),
        python=ALL_ORDERS_PY
        + (
            "rows = await all_orders()\n"
            "done, refunded = Counter(), Counter()\n"
            "for r in rows:\n"
            '    if r["status"] in ("delivered", "refunded"):\n'
            '        done[r["channel"]] += 1\n'
            '        refunded[r["channel"]] += r["status"] == "refunded"\n'
            "{k: round(refunded[k] / done[k], 4) for k in sorted(done)}"
        ),
        check=_refund_rate,
        note="the whole table, 3,000 rows in three pages",
    ),
    Task(
        id="critical-issues-by-assignee",
        category="analysis",
        prompt="How many critical issues that are not closed does each assignee have?",
        code=(
            'const page = await tracker.list_issues({ priority: "critical", limit: 200 });\n'
            "const counts = {};\n"
            "for (const i of page.issues) {\n"
            '  if (i.status === "closed") continue;\n'
            '  const who = i.assignee ?? "unassigned";\n'
            "  counts[who] = (counts[who] ?? 0) + 1;\n"
            "}\n"
            "return Object.fromEntries(Object.keys(counts).sort().map((k) => [k, counts[k]]));"
        ),
        python=(
            "from collections import Counter\n"
            'page = await tracker.list_issues(priority="critical", limit=200)\n'
            'counts = Counter(i["assignee"] or "unassigned" for i in page["issues"] if i["status"] != "closed")\n'
            "dict(sorted(counts.items()))"
        ),
        check=_critical_by_assignee,
        note="one call whose result (28 issues with descriptions) is mostly discarded",
    ),
    Task(
        id="top-customers-by-revenue",
        category="analysis",
        prompt="Who are our five biggest customers by delivered revenue? Names only.",
        code=ALL_ORDERS
        + (
            "const [rows, customers] = await Promise.all([\n"
            '  allOrders({ status: "delivered" }),\n'
            "  crm.find_customers({ limit: 500 }),\n"
            "]);\n"
            "const sums = new Map();\n"
            "for (const r of rows) sums.set(r.customer_id, (sums.get(r.customer_id) ?? 0) + r.total_usd);\n"
            "const name = new Map(customers.map((c) => [c.id, c.name]));\n"
            "return [...sums].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([id]) => name.get(id));"
        ),
        python=ALL_ORDERS_PY
        + (
            'rows, customers = await asyncio.gather(all_orders(status="delivered"), crm.find_customers(limit=500))\n'
            "sums = Counter()\n"
            "for r in rows:\n"
            '    sums[r["customer_id"]] += r["total_usd"]\n'
            'name = {c["id"]: c["name"] for c in customers}\n'
            "[name[k] for k, _ in sums.most_common(5)]"
        ),
        check=_top_customers,
    ),
]
