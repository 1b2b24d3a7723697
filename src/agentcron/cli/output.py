"""How values read in a terminal: relative times, durations, statuses, JSON for scripts, and
the consoles it all goes to (with `print_items`, what every list command prints).

Pure functions over the API's JSON (ISO-8601 strings), with `now` passed in so a test can
fix it. Text from people or agents (commands, descriptions, summaries, errors, names) goes
through `inert` before it is printed and `text` (or `clip`) before it joins Rich markup: a
control character could start a terminal escape sequence (retitle the window, clear the
screen, forge output), and `[bold]` in a command must stay text.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from rich.console import Console, RenderableType
from rich.markup import escape

# emoji=False: `:warning:` in someone's command is text, not a picture.
console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)

Items = TypeVar("Items", bound=Sequence[Any])

STATUS_STYLES = {
    "success": "green",
    "failed": "red",
    "timed_out": "red",
    "missed": "yellow",
    "skipped": "yellow",
    "cancelled": "dim",
    "pending": "cyan",
    "running": "cyan",
}
FINAL_STATUSES = frozenset({"success", "failed", "timed_out", "missed", "skipped", "cancelled"})
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 (but tab and newline), DEL and C1: what terminals may act on instead of showing."""
_C1 = re.compile(r"[\x80-\x9f]")


def inert(value: Any) -> str:
    """`value` as text a terminal only shows: control characters become escapes (`\\x1b`)."""
    text = "" if value is None else str(value)
    return CONTROLS.sub(lambda m: repr(m.group())[1:-1], text)


def text(value: Any) -> str:
    """`inert`, and safe inside Rich markup."""
    return escape(inert(value))


def json_text(value: Any, *, indent: int | None = None) -> str:
    """JSON for a terminal or a pipe. JSON escapes C0 controls itself; C1 ones (U+0080 to
    U+009F, such as the one-byte CSI) are escaped here, which JSON readers undo alike."""
    encoded = json.dumps(value, indent=indent, ensure_ascii=False, default=str)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def print_json(value: Any) -> None:
    """Machine output: plain JSON on stdout, never Rich-wrapped or coloured."""
    sys.stdout.write(json_text(value, indent=2) + "\n")
    sys.stdout.flush()


def print_items(
    items: Items,
    render: Callable[[Items], RenderableType],
    *,
    as_json: bool,
    empty: str,
    json_body: Any = None,
    heading: str | None = None,
    highlight: bool = True,
) -> bool:
    """What a list command prints: with `as_json`, the JSON of `json_body` (default: the
    items); else `heading` if given, then `empty` (a hint for what to do, Rich markup) when
    there are no items, or `render(items)`, a table. True when it printed the items, for a
    command that adds lines after them.

    `highlight` lets Rich colour numbers, quotes and paths in the heading and the hint."""
    if as_json:
        print_json(items if json_body is None else json_body)
        return False
    if heading is not None:
        console.print(heading, highlight=highlight)
    if not items:
        console.print(empty, highlight=highlight)
        return False
    console.print(render(items))
    return True


def instant(value: Any) -> datetime | None:
    """An API timestamp as an aware UTC datetime (None stays None)."""
    if not value:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def span(delta: timedelta) -> str:
    """A rough length of time: "45 s", "12 min", "3 h 12 min", "2 d 4 h"."""
    total = int(abs(delta).total_seconds())
    if total < 60:
        return f"{total} s"
    minutes = total // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def relative(value: Any, now: datetime) -> str:
    """ "in 3 h 12 min", "5 min ago", "now", or "—" for no time."""
    at = instant(value)
    if at is None:
        return "—"
    delta = at - now
    if abs(delta) < timedelta(seconds=1):
        return "now"
    return f"in {span(delta)}" if delta > timedelta(0) else f"{span(delta)} ago"


def when(value: Any, now: datetime, zone: str | None = None, viewer: str | None = None) -> str:
    """An absolute time, always with its zone, and the relative one: "2026-03-02 09:00 CET
    (in 3 h)", in `zone` (an IANA name) or else this machine's zone. With a `viewer` zone
    that differs, the same instant there too: "2026-03-02 09:00 CET = 03:00 EST (in 3 h)"
    (its date shown when it is another day)."""
    at = instant(value)
    if at is None:
        return "—"
    local = _in_zone(at, zone)
    shown = f"{local:%Y-%m-%d %H:%M %Z}"
    if viewer and viewer != zone:
        theirs = _in_zone(at, viewer)
        if (theirs.utcoffset(), theirs.tzname()) != (local.utcoffset(), local.tzname()):
            day = "" if theirs.date() == local.date() else f"{theirs:%Y-%m-%d} "
            shown += f" = {day}{theirs:%H:%M %Z}"
    return f"{shown} ({relative(at, now)})"


def zoned(at: datetime, zone: str | None) -> datetime:
    """`at` in `zone` (an IANA name), else in this machine's zone."""
    return _in_zone(at, zone)


def _in_zone(at: datetime, zone: str | None) -> datetime:
    try:
        return at.astimezone(ZoneInfo(zone)) if zone else at.astimezone()
    except (ValueError, KeyError):  # an unknown zone name: fall back to this machine's
        return at.astimezone()


def duration_ms(value: Any) -> str:
    if value is None:
        return "—"
    ms = int(value)
    if ms < 1000:
        return f"{ms} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    return span(timedelta(milliseconds=ms))


def status(value: Any) -> str:
    """A status word in its colour, as Rich markup."""
    if not value:
        return "[dim]—[/]"
    text = str(value)
    style = STATUS_STYLES.get(text)
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def short_id(value: Any) -> str:
    """The first 8 characters of an id, keeping only what ids are made of."""
    return re.sub(r"[^0-9A-Za-z_-]", "", str(value))[:8]


def clip(text: Any, limit: int = 60) -> str:
    """User text on one line, shortened with an ellipsis, safe for Rich markup."""
    flat = " ".join(inert(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return escape(flat)


def number(value: Any) -> str:
    return "—" if value is None else f"{int(value):,}"


def field_lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Aligned "label  value" lines (values are Rich markup)."""
    rows = list(pairs)
    width = max((len(label) for label, _ in rows), default=0)
    return [f"[bold]{label.ljust(width)}[/]  {value}" for label, value in rows]


def now_utc() -> datetime:
    return datetime.now(UTC)
