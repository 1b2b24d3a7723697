"""A whole batch of rows as one driver call: the engine's inserts and updates at burst rates.

SQLAlchemy's executemany spends more time per row building parameter dicts than the
database spends writing the row, and on PostgreSQL its multi-VALUES form for RETURNING
makes statements with thousands of parameters, which psycopg re-parses every time (it
caches statements of at most 50 parameters). So the hot statements are described once
(`Statement`) and run on the session's own DBAPI connection, inside its transaction:

- PostgreSQL: one array per column, `unnest`ed; small text, one round trip per batch.
  Arrays go in binary (`%b`): psycopg dumps lists of UUIDs or datetimes as text ten times
  slower. Never prepared: a generic plan cannot see how many rows the arrays hold and,
  after a few batches, switched to plans ten times slower; planning each batch costs
  a fraction of a millisecond.
- SQLite: `executemany` with named parameters, values converted by the columns' own
  SQLAlchemy bind processors (so the stored form is exactly what the ORM writes), each
  distinct instant converted once per batch: a batch repeats the same few instants.

Identifiers come from our table metadata and values only through parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import DateTime, Dialect
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.orm import Session

from agentcron.store.tables import Base
from agentcron.store.types import UTCDateTime


@cache
def _postgres() -> Dialect:
    """The dialect whose quoting and type names the PostgreSQL statements use."""
    return PGDialect()  # type: ignore[no-untyped-call]


def quote(name: str) -> str:
    return str(_postgres().identifier_preparer.quote(name))


@dataclass(frozen=True)
class Assign:
    """`column = <value>` in an UPDATE. kind: param (the row's value), add (column + the
    row's value), coalesce (keep the column if set, else the row's value), prefer (the row's
    value if set, else keep the column), add_known (column + the row's value where the row
    has one; a missing column counts as 0, a missing row value changes nothing: for sums
    of amounts that may be unknown), null, scalar (one value for the whole batch, passed in
    `scalars`)."""

    column: str
    kind: str = "param"
    param: str = ""

    @property
    def name(self) -> str:
        return self.param or self.column


@dataclass(frozen=True)
class Statement:
    """One shape of batch statement, with its SQL for both dialects."""

    table: str
    params: tuple[tuple[str, str], ...]  # (row key, column whose type it has)
    postgres: str
    sqlite: str
    scalars: tuple[str, ...] = field(default=())
    joins: bool = False  # the PostgreSQL form joins the unnested batch to the table


def _pg_cast(table: str, param: str, column: str) -> str:
    column_type = Base.metadata.tables[table].c[column].type.compile(dialect=_postgres())
    return f"CAST(%({param})b AS {column_type}[])"


@lru_cache(maxsize=64)
def insert(table: str, columns: tuple[str, ...], tail: str = "") -> Statement:
    """INSERT of these columns; `tail` (e.g. an ON CONFLICT clause) is the same on both."""
    names = ", ".join(quote(c) for c in columns)
    arrays = ", ".join(_pg_cast(table, c, c) for c in columns)
    aliases = ", ".join(quote(c) for c in columns)
    target = f"{quote(table)} ({names})"
    source = f"unnest({arrays}) AS v({aliases})"
    postgres = f"INSERT INTO {target} SELECT {names} FROM {source} {tail}"  # noqa: S608
    placeholders = ", ".join(f":{c}" for c in columns)
    sqlite = f"INSERT INTO {target} VALUES ({placeholders}) {tail}"  # noqa: S608
    return Statement(table, tuple((c, c) for c in columns), postgres.strip(), sqlite.strip())


@lru_cache(maxsize=64)
def update(
    table: str,
    key: tuple[tuple[str, str], ...],
    assignments: tuple[Assign, ...],
    where: tuple[tuple[str, str], ...] = (),
) -> Statement:
    """UPDATE rows matched on `key` ((row key, column) pairs); `where`: extra conditions
    `column = <scalar>` as (column, scalar name) pairs."""
    params = list(key)
    scalars = [name for _, name in where]
    pg_set, lite_set = [], []
    for a in assignments:
        column, name = quote(a.column), a.name
        if a.kind in ("param", "add", "coalesce", "prefer", "add_known"):
            params.append((name, a.column))
        if a.kind == "scalar":
            scalars.append(name)
        pg_value, lite_value = {
            "param": (f"v.{quote(name)}", f":{name}"),
            "add": (f"t.{column} + v.{quote(name)}", f"{column} + :{name}"),
            "coalesce": (f"COALESCE(t.{column}, v.{quote(name)})", f"COALESCE({column}, :{name})"),
            "prefer": (f"COALESCE(v.{quote(name)}, t.{column})", f"COALESCE(:{name}, {column})"),
            "add_known": (
                f"CASE WHEN v.{quote(name)} IS NULL THEN t.{column} "
                f"ELSE COALESCE(t.{column}, 0) + v.{quote(name)} END",
                f"CASE WHEN :{name} IS NULL THEN {column} ELSE COALESCE({column}, 0) + :{name} END",
            ),
            "null": ("NULL", "NULL"),
            "scalar": (f"%({name})s", f":{name}"),
        }[a.kind]
        pg_set.append(f"{column} = {pg_value}")
        lite_set.append(f"{column} = {lite_value}")
    arrays = ", ".join(_pg_cast(table, p, c) for p, c in params)
    aliases = ", ".join(quote(p) for p, _ in params)
    pg_where = [f"t.{quote(c)} = v.{quote(p)}" for p, c in key]
    # Said twice on purpose: matched against the unnested rows alone, the planner may hash
    # the whole table; `= ANY(array)` lets it estimate the batch and probe the key's index.
    first_param, first_column = key[0]
    pg_where.append(f"t.{quote(first_column)} = ANY(%({first_param})b)")
    # The extra conditions (`status = 'running'`) must not steer the planner to their index:
    # after a burst it holds thousands of dead entries, and scanning them for every batch
    # makes recording quadratic. IS NOT DISTINCT FROM means `=` here and is not indexable.
    pg_where += [f"t.{quote(c)} IS NOT DISTINCT FROM %({s})s" for c, s in where]
    lite_where = [f"{quote(c)} = :{p}" for p, c in key] + [f"{quote(c)} = :{s}" for c, s in where]
    source = f"unnest({arrays}) AS v({aliases})"
    postgres = f"UPDATE {quote(table)} AS t SET {', '.join(pg_set)} FROM {source} WHERE "  # noqa: S608
    postgres += " AND ".join(pg_where)
    sqlite = f"UPDATE {quote(table)} SET {', '.join(lite_set)} WHERE "  # noqa: S608
    sqlite += " AND ".join(lite_where)
    return Statement(table, tuple(params), postgres, sqlite, tuple(scalars), joins=True)


def run(
    session: Session,
    statement: Statement,
    rows: Sequence[dict[str, Any]],
    scalars: dict[str, Any] | None = None,
) -> tuple[list[Any], int]:
    """Run `statement` for every row: (rows it returned, rows it changed). Only PostgreSQL
    returns rows (SQLite's executemany cannot); an empty batch does nothing."""
    if not rows:
        return [], 0
    scalars = scalars or {}
    dialect = session.get_bind().dialect
    driver = session.connection().connection.driver_connection
    assert driver is not None
    if dialect.name == "postgresql":
        params = {key: [row[key] for row in rows] for key, _ in statement.params}
        params.update(scalars)
        with driver.cursor() as cursor:
            if statement.joins:
                # A batch joined to its table must be hashed or probed by key, never looped
                # over: misjudging the table side as one row, the planner would compare
                # every row with every other (250,000 comparisons for 500 rows).
                cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute(statement.postgres, params, prepare=False)
            returned = cursor.fetchall() if cursor.description else []
            changed = max(0, cursor.rowcount)
            if statement.joins:
                cursor.execute("SET LOCAL enable_nestloop = on")
            return returned, changed
    assert isinstance(driver, sqlite3.Connection)
    before = driver.total_changes
    driver.executemany(statement.sqlite, _sqlite_rows(dialect, statement, rows, scalars))
    return [], driver.total_changes - before


def execute_postgres(session: Session, sql: str, params: dict[str, Any]) -> list[Any]:
    """One statement with array parameters (`= ANY(%(ids)b)`) on PostgreSQL."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(sql, params, prepare=False)
        return cursor.fetchall() if cursor.description else []


Processor = Callable[[Any], Any]


@lru_cache(maxsize=256)
def _processor(dialect: Dialect, table: str, column: str) -> tuple[Processor | None, bool]:
    """The column's bind processor on this dialect (as SQLAlchemy itself would apply it), and
    whether its values are instants, which repeat within a batch and are worth memoising."""
    column_type = Base.metadata.tables[table].c[column].type
    instant = isinstance(column_type, UTCDateTime | DateTime)
    return column_type.dialect_impl(dialect).bind_processor(dialect), instant


def _sqlite_rows(
    dialect: Dialect,
    statement: Statement,
    rows: Sequence[dict[str, Any]],
    scalars: dict[str, Any],
) -> list[dict[str, Any]]:
    converters = [
        (key, *_processor(dialect, statement.table, column)) for key, column in statement.params
    ]
    seen: dict[datetime, Any] = {}
    out = []
    for row in rows:
        values = dict(scalars)
        for key, process, instant in converters:
            value = row[key]
            if process is not None and value is not None:
                if instant:
                    converted = seen.get(value)
                    if converted is None:
                        converted = seen[value] = process(value)
                    value = converted
                else:
                    value = process(value)
            values[key] = value
        out.append(values)
    return out
