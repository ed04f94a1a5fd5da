"""Benchmarks: the token savings of code mode over classic tool calling, and the sandbox's speed."""
