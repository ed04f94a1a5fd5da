"""`search()` reads a query's intent: a path asks for file tools, "export" for a tool that writes."""

from __future__ import annotations

from typing import Any

from codemode.discovery import Catalog
from codemode.ranking import query_terms
from codemode.sources.protocol import ToolInfo


def _tool(namespace: str, name: str, description: str, **properties: Any) -> ToolInfo:
    schema = {"type": "object", "properties": {k: {"type": "string"} for k in properties}}
    return ToolInfo(
        namespace=namespace, name=name, original_name=name, description=description, input_schema=schema
    )


def test_a_path_adds_file_and_a_moving_verb_adds_the_verb_tools_use() -> None:
    assert {"file", "path", "write"} <= query_terms("Export every order to /tmp/out/orders.csv")
    assert {"read", "write"} <= query_terms("Convert contacts.csv to JSON")
    assert {"write"} <= query_terms("append a line") and "read" not in query_terms("append a line")


def test_abbreviations_and_versions_are_not_paths() -> None:
    for query in ("e.g. list the issues", "i.e. the open ones", "version 2.0 of the release"):
        assert not {"file", "path"} & query_terms(query), query


def test_an_export_to_a_path_finds_the_file_writer_among_look_alikes() -> None:
    catalog = Catalog(
        [
            _tool("fs", "write_file", "Create or overwrite a file.", path="", content=""),
            _tool("fs", "read_file", "Read a file.", path=""),
            *(
                _tool("crm", f"order_report_{i}", f"Order report number {i} for every customer.")
                for i in range(12)
            ),
            _tool("crm", "query_orders", "Query every order of a customer.", customer_id=""),
        ]
    )
    query = "Export every order of customer C-1 to /tmp/out/orders.csv"
    top = [hit.name for hit in catalog.search(query, limit=3)]
    assert "fs.write_file" in top, top
    # Without the intent words only the query's own words count: the writer is not in reach.
    plain = [hit.name for hit in catalog.search("every order of customer C-1", limit=3)]
    assert "fs.write_file" not in plain, plain
