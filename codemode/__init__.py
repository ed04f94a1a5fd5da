"""codemode."""
