"""The warm checker: what it reports, how it follows the catalog, and that it never runs a program."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import anyio
import pytest

from codemode.typecheck import DISCOVERY_DECLARATIONS, TypeChecker

pytestmark = pytest.mark.anyio

INVENTORY = """declare const inventory: {
  stock(args: { item: string }): Promise<{ item: string; quantity: number }>;
};
"""
RESTOCK = "  restock(args: { item: string; quantity: number }): Promise<void>;\n"
INVENTORY_V2 = INVENTORY.replace("};\n", RESTOCK + "};\n")


async def test_a_catalog_change_takes_effect_without_a_restart(typescript_binary: Path) -> None:
    program = 'await inventory.restock({ item: "bolt", quantity: 5 });\nreturn 1;'
    async with TypeChecker(typescript_binary) as checker:
        checker.set_declarations(INVENTORY)
        before = await checker.check(program)
        pid = checker.pid
        checker.set_declarations(INVENTORY_V2)
        after = await checker.check(program)
        assert checker.pid == pid
    assert [d.code for d in before] == [2551]
    assert before[0].message == "inventory has no tool 'restock'. Did you mean 'stock'?"
    assert after == []


async def test_the_program_is_never_run(typescript_binary: Path, tmp_path: Path) -> None:
    """A program that would loop forever and write a file is checked, not run: the check returns."""
    marker = tmp_path / "ran"
    program = f'Deno.writeTextFileSync("{marker}", "x");\nwhile (true) {{}}\nreturn 1;'
    async with TypeChecker(typescript_binary) as checker:
        checker.set_declarations("declare const Deno: any;\n")
        assert await checker.check(program) == []
    assert not marker.exists()


async def test_a_dead_compiler_is_replaced_at_the_next_check(typescript_binary: Path) -> None:
    async with TypeChecker(typescript_binary) as checker:
        checker.set_declarations(INVENTORY)
        first = checker.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        found = await checker.check('return (await inventory.stok({ item: "x" })).quantity;')
        assert checker.pid not in (None, first)
    assert [(d.code, d.line) for d in found] == [(2551, 1)]
    assert "Did you mean 'stock'?" in found[0].message


async def test_checks_from_many_tasks_each_get_their_own_answer(world_checker: TypeChecker) -> None:
    programs = {f"return {i} + crm.nope{i};" if i % 2 else f"return {i};": i % 2 for i in range(8)}
    results: dict[str, int] = {}

    async def check(code: str) -> None:
        results[code] = len(await world_checker.check(code))

    async with anyio.create_task_group() as tg:
        for code in programs:
            tg.start_soon(check, code)
    assert results == programs


async def test_discovery_functions_are_declared_when_shown(typescript_binary: Path) -> None:
    program = 'const hits = await search("stock");\nreturn await describe(hits[0].name);'
    async with TypeChecker(typescript_binary) as checker:
        checker.set_declarations(INVENTORY)
        without = await checker.check(program)
        checker.set_declarations(INVENTORY + DISCOVERY_DECLARATIONS)
        with_them = await checker.check(program)
    assert [d.code for d in without] == [2304, 2593]  # search, describe (a test-runner global to TS)
    assert with_them == []


async def test_code_that_does_not_parse_gets_its_syntax_errors_only(world_checker: TypeChecker) -> None:
    found = await world_checker.check("const x = crm.nope(;\nreturn x")
    assert found
    assert all(1000 <= d.code < 2000 for d in found)
    assert (found[0].line, found[0].column) == (1, 20)


async def test_messages_a_model_can_act_on(world_checker: TypeChecker) -> None:
    cases = {
        "return crm.find_customers({}).length;": "Did you forget to use 'await'?",
        "return process.argv;": "The sandbox has only the declared tools",
        'return await crm.get_customer({ customer_idd: "C-1" });': "Did you mean to write 'customer_id'?",
        'return await crm.update_customer({ customer_id: "C-1", changes: { teir: "free" } });': "'tier'",
    }
    for code, hint in cases.items():
        found = await world_checker.check(code)
        assert found and hint in found[0].message, (code, found)
    [first] = await world_checker.check("return await crm.get_custmer({});")
    assert first.to_json() == {
        "line": 1,
        "column": 18,
        "code": 2551,
        "message": "crm has no tool 'get_custmer'. Did you mean 'get_customer'?",
    }


async def test_a_cancelled_check_leaves_the_checker_usable(world_checker: TypeChecker) -> None:
    with anyio.move_on_after(0):
        await world_checker.check("return crm.nope;")
    found = await world_checker.check("return await crm.get_custmer({});")
    assert [d.code for d in found] == [2551]
