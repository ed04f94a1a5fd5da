"""tool_schemas."""
