"""How values read on a page: local times, relative times, durations, and user text made
safe to look at. Pure functions; the template filters in `templating` wrap them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

AGENT_HUES = 8

# Invisible or direction-changing characters that could make a command read differently from
# what it is ("Trojan source"): shown as a visible ⟨U+XXXX⟩ marker instead.
_BIDI_AND_INVISIBLE = re.compile(
    "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def visible(text: str | None) -> str:
    """`text` with control characters shown, not obeyed: C0 controls as their Unicode
    pictures (␀ ␛ …), other controls and bidi overrides as ⟨U+XXXX⟩. Newlines and tabs stay."""
    if not text:
        return ""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in "\n\t":
            out.append(char)
        elif code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif _BIDI_AND_INVISIBLE.match(char) or unicodedata.category(char) in ("Cc", "Cs", "Co"):
            out.append(f"\u27e8U+{code:04X}\u27e9")
        else:
            out.append(char)
    return "".join(out)


_HELP_PATH = re.compile(r"/help/[a-z-]+")


def linked(text: str | None) -> Markup:
    """`text`, escaped, with the in-app help pages it names (`/help/sentences`) as links:
    a refusal points at the examples in one click."""
    escaped = str(escape(visible(text)))
    # Escaped first; only our own path pattern ([a-z-] after /help/) becomes markup.
    return Markup(_HELP_PATH.sub(lambda m: f'<a href="{m.group()}">{m.group()}</a>', escaped))  # noqa: S704


def one_line(text: str | None, limit: int = 160) -> str:
    """`visible(text)` on one line, shortened with an ellipsis."""
    flat = " ".join(visible(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def without_handle(command: str | None, handle: str) -> str:
    """The command without its leading `@handle`, when a chip already shows the agent."""
    if not command:
        return ""
    match = re.match(rf"\s*@{re.escape(handle)}(?![A-Za-z0-9_-])[\s,:]*", command, re.IGNORECASE)
    rest = command[match.end() :] if match else command
    return rest or command


def _zoned(at: datetime, shown: str, zoned: bool) -> str:
    """`shown` with the zone's abbreviation at that moment ("09:00 CET"), when asked: a
    time on a page says which zone it is in."""
    return f"{shown} {at.tzname()}" if zoned else shown


def day_time(instant: datetime | None, zone: ZoneInfo, *, zoned: bool = False) -> str:
    """ "Mon 30 Nov 09:00": a run's moment, unambiguous within the year."""
    if instant is None:
        return ""
    at = instant.astimezone(zone)
    return _zoned(at, f"{at:%a} {at.day} {at:%b %H:%M}", zoned)


def clock(instant: datetime | None, zone: ZoneInfo, *, zoned: bool = False) -> str:
    if instant is None:
        return ""
    at = instant.astimezone(zone)
    return _zoned(at, at.strftime("%H:%M"), zoned)


def local(
    instant: datetime | None,
    zone: ZoneInfo,
    now: datetime,
    *,
    seconds: bool = False,
    zoned: bool = False,
) -> str:
    """ "09:00" today, "Tue 09:00" this week, "3 Mar 09:00" this year, else with the year;
    `zoned` adds the zone's abbreviation ("09:00 CET")."""
    if instant is None:
        return "—"
    at = instant.astimezone(zone)
    today = now.astimezone(zone).date()
    clock = at.strftime("%H:%M:%S" if seconds else "%H:%M")
    days = (at.date() - today).days
    if days == 0:
        shown = clock
    elif -6 <= days <= 6:
        shown = f"{at:%a} {clock}"
    elif at.year == today.year:
        shown = f"{at.day} {at:%b} {clock}"
    else:
        shown = f"{at.day} {at:%b} {at.year} {clock}"
    return _zoned(at, shown, zoned)


def beside(instant: datetime, zone: ZoneInfo, viewer: ZoneInfo) -> str:
    """The same moment in the viewer's zone, to sit beside a time shown in a schedule's:
    "03:00 EST", or "Sun 23:00 PST" on another day; "" when the two read the same."""
    at, theirs = instant.astimezone(zone), instant.astimezone(viewer)
    if (at.utcoffset(), at.tzname()) == (theirs.utcoffset(), theirs.tzname()):
        return ""
    day = "" if theirs.date() == at.date() else f"{theirs:%a} "
    return f"{day}{theirs:%H:%M} {theirs.tzname()}"


def local_full(instant: datetime | None, zone: ZoneInfo) -> str:
    if instant is None:
        return ""
    at = instant.astimezone(zone)
    return f"{at:%a} {at.day} {at:%b %Y %H:%M:%S} {at.tzname()}"


def span(delta: timedelta) -> str:
    """A rough length of time: "45 s", "12 min", "3 h 5 min", "2 d 4 h"."""
    total = int(abs(delta).total_seconds())
    if total < 60:
        return f"{total} s"
    minutes, _ = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def relative(instant: datetime | None, now: datetime) -> str:
    if instant is None:
        return ""
    delta = instant - now
    if abs(delta) < timedelta(seconds=1):
        return "now"
    return f"in {span(delta)}" if delta > timedelta(0) else f"{span(delta)} ago"


def duration_ms(value: int | None) -> str:
    if value is None:
        return "—"
    if value < 1000:
        return f"{value} ms"
    if value < 60_000:
        return f"{value / 1000:.1f} s"
    return span(timedelta(milliseconds=value))


def number(value: int | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def agent_hue(handle: str) -> int:
    """A stable colour slot for an agent, the same on every page and every run."""
    return hashlib.sha256(handle.encode()).digest()[0] % AGENT_HUES
