"""Persistence: tables, migrations, per-dialect set-up and queries by noun, always scoped by owner."""
