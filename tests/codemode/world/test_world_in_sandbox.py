"""One real program in the Deno sandbox against the world: paging, fan-out, aggregation, a write, an error.

A single run on purpose (each one starts Deno); the per-tool behaviour is tested without the sandbox.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from codemode.engine import CodeMode
from codemode.sources.toolbox import Toolbox
from codemode.world import World, build_sources
from sandbox import DenoExecutor, SandboxSettings

PROGRAM = """
const rows = [];
for (let offset = 0; offset !== null; ) {
  const page = await records.query_orders({ date_from: "2025-07-01", date_to: "2025-09-30", offset });
  rows.push(...page.rows);
  offset = page.next_offset;
}
const revenue = {};
for (const o of rows) {
  if (o.status === "cancelled" || o.status === "refunded") continue;
  revenue[o.sales_region] = (revenue[o.sales_region] ?? 0) + o.total_usd;
}
const { issues } = await tracker.list_issues({ status: "open", priority: "critical" });
const affected = [...new Set(issues.flatMap((i) => i.customer_ids))];
const customers = await Promise.all(affected.map((id) => crm.get_customer({ customer_id: id })));
for (const c of customers) await crm.add_note({ customer_id: c.id, body: "Critical issue open." });
let error = "";
try { await crm.get_customer({ customer_id: "C-9999" }); } catch (e) { error = e.message; }
return {
  revenue: Object.fromEntries(Object.entries(revenue).map(([k, v]) => [k, Math.round(v * 100) / 100])),
  managers: customers.map((c) => c.account_manager),
  error,
};
"""


@pytest.mark.anyio
async def test_a_program_reads_aggregates_and_writes() -> None:
    world, initial = World.generate(seed=0), World.generate(seed=0)
    async with (
        Toolbox(build_sources(world)) as toolbox,
        DenoExecutor(SandboxSettings(pool_size=0)) as executor,
    ):
        outcome = await CodeMode(toolbox, executor).run(PROGRAM)
    assert not outcome.is_error, outcome.blocks

    revenue: dict[str, float] = defaultdict(float)
    for order in initial.records.query_orders(date_from="2025-07-01", date_to="2025-09-30").rows:
        if order.status not in ("cancelled", "refunded"):
            revenue[order.sales_region] += order.total_usd
    critical = initial.tracker.list_issues(status="open", priority="critical").issues
    affected = list(dict.fromkeys(cid for issue in critical for cid in issue.customer_ids))
    value = outcome.result.value
    assert value["revenue"] == pytest.approx({region: round(total, 2) for region, total in revenue.items()})
    assert value["managers"] == [initial.crm.customers[cid].account_manager for cid in affected]
    assert value["error"] == "customer `C-9999` not found; find_customers(query) lists customer ids"
    assert affected
    customers = world.snapshot()["crm"]["customers"]
    assert all(customers[cid]["notes"][-1]["body"] == "Critical issue open." for cid in affected)
