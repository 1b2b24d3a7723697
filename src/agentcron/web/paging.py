"""The `?page=` of the list pages: a small positive number, or a clear 422.

A page becomes an SQL `OFFSET`; a huge one overflows SQLite's 64-bit integers and
PostgreSQL's `bigint`, and `"²".isdigit()` is true although `int("²")` fails. Anything but
ASCII digits from 1 to `MAX_PAGE` is refused here, before the database sees it.
"""

from __future__ import annotations

from agentcron.web.routing import BadRequest

MAX_PAGE = 10_000


def page_number(raw: str) -> int:
    """1 when the parameter is absent or empty; else the page, or BadRequest (422)."""
    raw = raw.strip()
    if not raw:
        return 1
    if raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE)):
        number = int(raw)
        if 1 <= number <= MAX_PAGE:
            return number
    raise BadRequest(f"page must be a whole number from 1 to {MAX_PAGE:,}", status=422)
