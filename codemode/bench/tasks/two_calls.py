"""Work across two `code` calls through the workspace: fetch and store in the first, analyse in the next.

The user asks twice in one conversation. The first program fetches data and keeps it in the
workspace; the second reads it back from there (no tool of the first turn again) and writes a
result file. Code mode never passes the data through the model; classic tool calling, with the same
workspace methods as ordinary tools, has to write the stored data out as tool-call arguments and
read it back as tool results. The oracles check both answers and the files left in the workspace.
"""

# The solution programs are kept on one line per statement, as a model writes them.
# ruff: noqa: E501

from __future__ import annotations

import json
from collections import defaultdict

from codemode.bench.tasks.analysis import ALL_ORDERS
from codemode.bench.tasks.base import Env, FollowUp, OracleFailure, Task, expect, expect_answer

__all__ = ["TWO_CALLS"]

_ORDERS_PATH = "/cache/orders-2025.json"
_REPORT_PATH = "/reports/revenue-2025.md"
_TABLE_HEAD = ["| region | orders | revenue_usd |", "| --- | ---: | ---: |"]

_ALL_ORDERS_PY = (
    "import asyncio\n"
    'filters = {"date_from": "2025-01-01", "date_to": "2025-12-31"}\n'
    "first = await records.query_orders(**filters, limit=1000)\n"
    'rest = await asyncio.gather(*(records.query_orders(**filters, limit=1000, offset=o) for o in range(1000, first["total"], 1000)))\n'
    'rows = [row for page in [first, *rest] for row in page["rows"]]\n'
)


def _earlier_answer(env: Env, turn: int, want: object) -> None:
    """The answer of an earlier turn (only the program's own; a live model's text is the last one)."""
    if not env.live and len(env.answers) > turn:
        expect(
            env.answers[turn] == want, f"turn {turn + 1} should answer {want!r}, got {env.answers[turn]!r}"
        )


def _workspace_file(env: Env, path: str) -> str:
    text = env.workspace_text(path)
    expect(text is not None, f"the workspace should hold {path}")
    assert text is not None
    return text


def _orders_report(env: Env) -> None:
    orders = [o for o in env.initial.records.orders.values() if "2025-01-01" <= o.order_date <= "2025-12-31"]
    _earlier_answer(env, 0, len(orders))
    try:
        stored = json.loads(_workspace_file(env, _ORDERS_PATH))
    except json.JSONDecodeError as error:
        raise OracleFailure(f"{_ORDERS_PATH} should be JSON: {error}") from None
    expect(
        isinstance(stored, list) and sorted(row.get("id") for row in stored) == sorted(o.id for o in orders),
        f"{_ORDERS_PATH} should hold the {len(orders)} orders of 2025",
    )
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for o in orders:
        if o.status == "delivered":
            sums[o.sales_region][0] += 1
            sums[o.sales_region][1] += o.total_usd
    want = sorted(
        ((region, int(n), round(total, 2)) for region, (n, total) in sums.items()), key=lambda r: -r[2]
    )
    lines = [line for line in _workspace_file(env, _REPORT_PATH).splitlines() if line.startswith("|")]
    expect(lines[:2] == _TABLE_HEAD, f"{_REPORT_PATH} should start its table with {_TABLE_HEAD}")
    got = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    expect(
        len(got) == len(want)
        and all(
            g[0] == region and g[1] == str(n) and abs(float(g[2]) - total) <= 0.01
            for g, (region, n, total) in zip(got, want, strict=True)
        ),
        f"{_REPORT_PATH} should have one row per region, largest revenue first: {want}",
    )
    expect_answer(env, {"region": want[0][0], "revenue_usd": want[0][2]}, tolerance=0.01)


_RUNBOOKS = "/docs/runbooks"
_LINES_PATH = "/reports/escalation-lines.md"


def _runbook_lines(env: Env) -> None:
    runbooks = sorted(
        (d for d in env.initial.docs.documents.values() if d.folder == "runbooks"), key=lambda d: d.id
    )
    _earlier_answer(env, 0, len(runbooks))
    for doc in runbooks:
        path = f"{_RUNBOOKS}/{doc.id}.md"
        expect(env.workspace_text(path) == doc.body, f"{path} should hold the document's body")
    want = [
        (f"{_RUNBOOKS}/{doc.id}.md", number)
        for doc in runbooks
        for number, line in enumerate(doc.body.split("\n"), start=1)
        if "escalation" in line.lower()
    ]
    got = []
    for line in _workspace_file(env, _LINES_PATH).splitlines():
        path, number, text = [*line.removeprefix("- ").split(":", 2), "", ""][:3]
        expect("escalation" in text.lower(), f"{_LINES_PATH}: {line!r} should show the matching text")
        got.append((path, int(number) if number.isdigit() else number))
    expect(got == want, f"{_LINES_PATH} should list {want}, got {got}")
    expect_answer(env, len(want))


_CUSTOMERS_PATH = "/crm/customers.csv"
_CUSTOMER_COLUMNS = "id,name,tier,status,city,country,account_manager"


def _customers_by_country(env: Env) -> None:
    customers = env.initial.crm.find_customers(limit=500)
    _earlier_answer(env, 0, len(customers))
    columns = _CUSTOMER_COLUMNS.split(",")
    rows = [",".join(str(getattr(c, k)) for k in columns) for c in customers]
    stored = _workspace_file(env, _CUSTOMERS_PATH).strip().split("\n")
    expect(
        stored == [_CUSTOMER_COLUMNS, *rows], f"{_CUSTOMERS_PATH} should hold the header and {len(rows)} rows"
    )
    by_country: dict[str, list[str]] = defaultdict(list)
    for customer, row in zip(customers, rows, strict=True):
        by_country[customer.country].append(row)
    for country, country_rows in by_country.items():
        path = f"/crm/by-country/{country}.csv"
        got = _workspace_file(env, path).strip().split("\n")
        expect(got == [_CUSTOMER_COLUMNS, *country_rows], f"{path} should hold that country's rows")
    expect_answer(env, {k: len(v) for k, v in sorted(by_country.items())}, keys=True)


TWO_CALLS = [
    Task(
        id="orders-cache-then-report",
        category="workspace",
        prompt=f"Fetch every order placed in 2025 and keep them in the workspace at {_ORDERS_PATH} "
        "(a JSON array of the order rows) so we can analyse them later. How many orders?",
        code=ALL_ORDERS
        + (
            'const rows = await allOrders({ date_from: "2025-01-01", date_to: "2025-12-31" });\n'
            f'await workspace.writeJson({{ path: "{_ORDERS_PATH}", value: rows }});\n'
            "return rows.length;"
        ),
        python=_ALL_ORDERS_PY + f'await workspace.writeJson(path="{_ORDERS_PATH}", value=rows)\nlen(rows)',
        followups=(
            FollowUp(
                prompt=f"From the orders stored at {_ORDERS_PATH}, write a markdown report of delivered "
                f"revenue by sales region to {_REPORT_PATH}: a table with the columns region, orders, "
                "revenue_usd (two decimals), largest revenue first. Which region is first, with what revenue?",
                code=(
                    f'const orders = (await workspace.readJson({{ path: "{_ORDERS_PATH}" }})) as any[];\n'
                    "const by = {};\n"
                    'for (const o of orders) if (o.status === "delivered") { const r = (by[o.sales_region] ??= { orders: 0, revenue: 0 }); r.orders++; r.revenue += o.total_usd; }\n'
                    "const rows = Object.entries(by).map(([region, r]: [string, any]) => ({ region, orders: r.orders, revenue_usd: Math.round(r.revenue * 100) / 100 })).sort((a, b) => b.revenue_usd - a.revenue_usd);\n"
                    f"const table = {json.dumps(_TABLE_HEAD)}.concat(rows.map((r) => `| ${{r.region}} | ${{r.orders}} | ${{r.revenue_usd.toFixed(2)}} |`));\n"
                    f'await workspace.writeFile({{ path: "{_REPORT_PATH}", content: "# Delivered revenue by region, 2025\\n\\n" + table.join("\\n") + "\\n" }});\n'
                    "return { region: rows[0].region, revenue_usd: rows[0].revenue_usd };"
                ),
                python=(
                    f'orders = await workspace.readJson(path="{_ORDERS_PATH}")\n'
                    "by = {}\n"
                    "for o in orders:\n"
                    '    if o["status"] == "delivered":\n'
                    '        r = by.setdefault(o["sales_region"], {"orders": 0, "revenue": 0.0})\n'
                    '        r["orders"] += 1\n'
                    '        r["revenue"] += o["total_usd"]\n'
                    'rows = sorted(({"region": k, "orders": v["orders"], "revenue_usd": round(v["revenue"], 2)} for k, v in by.items()), key=lambda r: -r["revenue_usd"])\n'
                    f"table = {_TABLE_HEAD!r} + [f\"| {{r['region']}} | {{r['orders']}} | {{r['revenue_usd']:.2f}} |\" for r in rows]\n"
                    f'await workspace.writeFile(path="{_REPORT_PATH}", content="# Delivered revenue by region, 2025\\n\\n" + "\\n".join(table) + "\\n")\n'
                    '{"region": rows[0]["region"], "revenue_usd": rows[0]["revenue_usd"]}'
                ),
            ),
        ),
        check=_orders_report,
        note="2,026 orders stored in turn 1: classic writes them out as arguments and reads them back",
    ),
    Task(
        id="runbooks-archive-then-search",
        category="workspace",
        prompt=f"Save every document of the runbooks folder to the workspace as {_RUNBOOKS}/<document id>.md "
        "(its markdown body) so we can search them later. How many documents?",
        code=(
            'const list = await docs.list_documents({ folder: "runbooks", limit: 200 });\n'
            "const bodies = await Promise.all(list.map((d) => docs.get_document({ document_id: d.id })));\n"
            f"await Promise.all(bodies.map((d) => workspace.writeFile({{ path: `{_RUNBOOKS}/${{d.id}}.md`, content: d.body }})));\n"
            "return bodies.length;"
        ),
        python=(
            "import asyncio\n"
            'found = await docs.list_documents(folder="runbooks", limit=200)\n'
            'bodies = await asyncio.gather(*(docs.get_document(document_id=d["id"]) for d in found))\n'
            f'await asyncio.gather(*(workspace.writeFile(path=f"{_RUNBOOKS}/{{d[\'id\']}}.md", content=d["body"]) for d in bodies))\n'
            "len(bodies)"
        ),
        followups=(
            FollowUp(
                prompt=f'Search the runbooks saved under {_RUNBOOKS} for lines mentioning "escalation" '
                f"and list them in {_LINES_PATH}, one `- <file>:<line>: <text>` per line. How many lines?",
                code=(
                    f'const hits = await workspace.searchText({{ query: "escalation", path: "{_RUNBOOKS}", maxResults: 1000 }});\n'
                    f'await workspace.writeFile({{ path: "{_LINES_PATH}", content: hits.map((h) => `- ${{h.path}}:${{h.line}}: ${{h.text}}`).join("\\n") + "\\n" }});\n'
                    "return hits.length;"
                ),
                python=(
                    f'hits = await workspace.searchText(query="escalation", path="{_RUNBOOKS}", maxResults=1000)\n'
                    f"await workspace.writeFile(path=\"{_LINES_PATH}\", content=\"\".join(f\"- {{h['path']}}:{{h['line']}}: {{h['text']}}\\n\" for h in hits))\n"
                    "len(hits)"
                ),
            ),
        ),
        check=_runbook_lines,
        note="about 170 KB of runbooks stored in turn 1, searched in the workspace in turn 2",
    ),
    Task(
        id="customers-export-then-split",
        category="workspace",
        prompt=f"Export every customer to the workspace as {_CUSTOMERS_PATH} with the columns "
        f"{_CUSTOMER_COLUMNS}. How many customers?",
        code=(
            "const customers = await crm.find_customers({ limit: 500 });\n"
            f'const columns = "{_CUSTOMER_COLUMNS}".split(",");\n'
            'const lines = [columns.join(","), ...customers.map((c) => columns.map((k) => c[k]).join(","))];\n'
            f'await workspace.writeFile({{ path: "{_CUSTOMERS_PATH}", content: lines.join("\\n") + "\\n" }});\n'
            "return customers.length;"
        ),
        python=(
            "customers = await crm.find_customers(limit=500)\n"
            f'columns = "{_CUSTOMER_COLUMNS}".split(",")\n'
            'lines = [",".join(columns)] + [",".join(str(c[k]) for k in columns) for c in customers]\n'
            f'await workspace.writeFile(path="{_CUSTOMERS_PATH}", content="\\n".join(lines) + "\\n")\n'
            "len(customers)"
        ),
        followups=(
            FollowUp(
                prompt=f"Split {_CUSTOMERS_PATH} into one file per country, /crm/by-country/<country>.csv "
                "(same header, that country's rows in the same order). How many customers does each country have?",
                code=(
                    f'const [header, ...rows] = (await workspace.readFile({{ path: "{_CUSTOMERS_PATH}" }})).trim().split("\\n");\n'
                    'const at = header.split(",").indexOf("country");\n'
                    "const groups = {};\n"
                    'for (const row of rows) (groups[row.split(",")[at]] ??= []).push(row);\n'
                    'await Promise.all(Object.entries(groups).map(([country, list]: [string, string[]]) => workspace.writeFile({ path: `/crm/by-country/${country}.csv`, content: [header, ...list].join("\\n") + "\\n" })));\n'
                    "return Object.fromEntries(Object.entries(groups).sort().map(([k, v]: [string, string[]]) => [k, v.length]));"
                ),
                python=(
                    "import asyncio\n"
                    f'header, *rows = (await workspace.readFile(path="{_CUSTOMERS_PATH}")).strip().split("\\n")\n'
                    'at = header.split(",").index("country")\n'
                    "groups = {}\n"
                    "for row in rows:\n"
                    '    groups.setdefault(row.split(",")[at], []).append(row)\n'
                    'await asyncio.gather(*(workspace.writeFile(path=f"/crm/by-country/{country}.csv", content="\\n".join([header, *group]) + "\\n") for country, group in groups.items()))\n'
                    "{country: len(groups[country]) for country in sorted(groups)}"
                ),
            ),
        ),
        check=_customers_by_country,
        note="a small table: the second turn's fan-out of writes is where code mode saves",
    ),
]
