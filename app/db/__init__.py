"""Persistence: SQLModel tables and keyword-only functions. The only place that writes SQL; knows the
domain's types, knows nothing of HTTP."""
