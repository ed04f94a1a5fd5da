"""File transformation with the real filesystem MCP server (and the world where a task needs data)."""

# The solution programs (TypeScript and Python) keep one line per statement, as a model writes them.
# ruff: noqa: E501

from __future__ import annotations

import json
import re

from codemode.bench.tasks.base import Env, Task, expect, expect_answer
from codemode.world.records import Order

__all__ = ["FILES"]

#: Read a text file's content whether the server returns `{content}` or the bare text.
READ = (
    "async function read(path) {\n"
    "  const r = await filesystem.read_text_file({ path });\n"
    '  return typeof r === "string" ? r : r.content;\n'
    "}\n"
)

#: The same in Python.
READ_PY = (
    "\nasync def read(path):\n"
    "    r = await filesystem.read_text_file(path=path)\n"
    '    return r if isinstance(r, str) else r["content"]\n\n'
)

CSV_HEADER = "order_id,order_date,product_id,quantity,total_usd,status"


def _same_order(line: str, order: Order) -> bool:
    """One CSV line holds `order`: the total compared as a number, so `1200` (JavaScript's
    `String(n)`) and `1200.0` (Python's `str(x)` of the float the tool returns) both count."""
    fields = line.split(",")
    if len(fields) != 6:
        return False
    try:
        total = float(fields[4])
    except ValueError:
        return False
    text = [order.id, order.order_date, order.product_id, str(order.quantity), order.status]
    return fields[:4] + fields[5:] == text and total == order.total_usd


def _orders_csv(env: Env) -> None:
    rows = env.initial.records.query_orders(customer_id="C-0042").rows
    path = env.files / "orders-C-0042.csv"
    expect(path.is_file(), f"{path.name} should exist")
    got = path.read_text(encoding="utf-8").strip().splitlines()
    same = (
        len(got) == len(rows) + 1
        and got[0] == CSV_HEADER
        and all(_same_order(line, order) for line, order in zip(got[1:], rows, strict=True))
    )
    expect(same, f"{path.name} should have the header and {len(rows)} rows, oldest first")
    expect_answer(env, len(rows))


STOCKTAKE = "product_id,counted\n" + "".join(f"P-{i:03d},{(i * 37) % 300}\n" for i in range(1, 21))


def _discrepancies(env: Env) -> None:
    want = []
    for line in STOCKTAKE.strip().splitlines()[1:]:
        product_id, counted = line.split(",")
        system = env.initial.records.products[product_id].stock_on_hand
        if int(counted) != system:
            want.append({"product_id": product_id, "counted": int(counted), "system": system})
    path = env.files / "discrepancies.json"
    expect(path.is_file(), "discrepancies.json should exist")
    expect(
        json.loads(path.read_text(encoding="utf-8")) == want,
        f"discrepancies.json should list {len(want)} rows",
    )
    expect_answer(env, len(want))


def _outline(env: Env) -> None:
    headings = re.findall(r"^#+ .*$", env.initial.docs.documents["DOC-0003"].body, re.M)
    path = env.files / "outline.md"
    expect(path.is_file(), "outline.md should exist")
    expect(
        path.read_text(encoding="utf-8").strip().splitlines() == headings, "outline.md should be the headings"
    )


CONTACTS_CSV = "name,email,company,city\n" + "".join(
    f"Person {i},person{i}@example{i % 7}.com,Company {i % 11},City {i % 5}\n" for i in range(1, 61)
)


def _contacts_json(env: Env) -> None:
    lines = CONTACTS_CSV.strip().splitlines()
    keys = lines[0].split(",")
    want = [dict(zip(keys, line.split(","), strict=True)) for line in lines[1:]]
    path = env.files / "contacts.json"
    expect(path.is_file(), "contacts.json should exist")
    expect(json.loads(path.read_text(encoding="utf-8")) == want, "contacts.json should hold every CSV row")


FILES = [
    Task(
        id="export-orders-csv",
        category="files",
        prompt="Export every order of customer C-0042 to {files}/orders-C-0042.csv "
        f"with the columns {CSV_HEADER}, oldest first. How many rows?",
        code=(
            'const page = await records.query_orders({ customer_id: "C-0042" });\n'
            f'const lines = ["{CSV_HEADER}"];\n'
            "for (const o of page.rows)\n"
            '  lines.push([o.id, o.order_date, o.product_id, o.quantity, o.total_usd, o.status].join(","));\n'
            'await filesystem.write_file({ path: "{files}/orders-C-0042.csv", content: lines.join("\\n") + "\\n" });\n'
            "return page.rows.length;"
        ),
        python=(
            'page = await records.query_orders(customer_id="C-0042")\n'
            f'lines = ["{CSV_HEADER}"]\n'
            'for o in page["rows"]:\n'
            '    lines.append(",".join(str(o[k]) for k in ("id", "order_date", "product_id", "quantity", "total_usd", "status")))\n'
            'await filesystem.write_file(path="{files}/orders-C-0042.csv", content="\\n".join(lines) + "\\n")\n'
            'len(page["rows"])'
        ),
        check=_orders_csv,
        servers=("filesystem",),
        note="classic writes the CSV itself: the file's text is output tokens",
    ),
    Task(
        id="reconcile-stocktake",
        category="files",
        prompt="Compare the stock count in {files}/stocktake.csv with the products table and write the "
        "mismatches to {files}/discrepancies.json as [{product_id, counted, system}]. How many?",
        code=READ
        + (
            'const [text, products] = await Promise.all([read("{files}/stocktake.csv"), records.query_products({})]);\n'
            "const stock = new Map(products.map((p) => [p.id, p.stock_on_hand]));\n"
            'const rows = text.trim().split("\\n").slice(1).map((l) => l.split(","));\n'
            "const out = rows\n"
            "  .map(([product_id, counted]) => ({ product_id, counted: Number(counted), system: stock.get(product_id) }))\n"
            "  .filter((r) => r.counted !== r.system);\n"
            'await filesystem.write_file({ path: "{files}/discrepancies.json", content: JSON.stringify(out, null, 2) });\n'
            "return out.length;"
        ),
        python="import asyncio, csv, io, json\n"
        + READ_PY
        + (
            'text, products = await asyncio.gather(read("{files}/stocktake.csv"), records.query_products())\n'
            'stock = {p["id"]: p["stock_on_hand"] for p in products}\n'
            "rows = csv.DictReader(io.StringIO(text))\n"
            'out = [{"product_id": r["product_id"], "counted": int(r["counted"]), "system": stock.get(r["product_id"])} for r in rows]\n'
            'out = [r for r in out if r["counted"] != r["system"]]\n'
            'await filesystem.write_file(path="{files}/discrepancies.json", content=json.dumps(out, indent=2))\n'
            "len(out)"
        ),
        check=_discrepancies,
        servers=("filesystem",),
        files={"stocktake.csv": STOCKTAKE},
    ),
    Task(
        id="document-outline",
        category="files",
        prompt="Write the outline (the markdown headings, in order) of document DOC-0003 to {files}/outline.md.",
        code=(
            'const doc = await docs.get_document({ document_id: "DOC-0003" });\n'
            'const headings = doc.body.split("\\n").filter((l) => /^#+ /.test(l));\n'
            'await filesystem.write_file({ path: "{files}/outline.md", content: headings.join("\\n") + "\\n" });\n'
            "return headings.length;"
        ),
        python=(
            "import re\n"
            'doc = await docs.get_document(document_id="DOC-0003")\n'
            'headings = [line for line in doc["body"].split("\\n") if re.match(r"#+ ", line)]\n'
            'await filesystem.write_file(path="{files}/outline.md", content="\\n".join(headings) + "\\n")\n'
            "len(headings)"
        ),
        check=_outline,
        servers=("filesystem",),
    ),
    Task(
        id="csv-to-json",
        category="files",
        prompt="Convert {files}/contacts.csv to a JSON array of objects (one per row, keyed by the header) "
        "in {files}/contacts.json.",
        code=READ
        + (
            'const [header, ...lines] = (await read("{files}/contacts.csv")).trim().split("\\n");\n'
            'const keys = header.split(",");\n'
            'const rows = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));\n'
            'await filesystem.write_file({ path: "{files}/contacts.json", content: JSON.stringify(rows, null, 2) });\n'
            "return rows.length;"
        ),
        python="import csv, io, json\n"
        + READ_PY
        + (
            'rows = list(csv.DictReader(io.StringIO(await read("{files}/contacts.csv"))))\n'
            'await filesystem.write_file(path="{files}/contacts.json", content=json.dumps(rows, indent=2))\n'
            "len(rows)"
        ),
        check=_contacts_json,
        servers=("filesystem",),
        files={"contacts.csv": CONTACTS_CSV},
        note="no world data: read a file, write its transformation (classic emits the whole JSON as output)",
    ),
]
