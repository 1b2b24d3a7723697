"""The Jinja2 environment: autoescaping everywhere, filters that show times in the viewer's
zone, and asset URLs carrying a content hash so browsers may cache them for good.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from agentcron import __version__
from agentcron.web import text

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@lru_cache(maxsize=64)
def asset_hash(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"/static/{name}?v={asset_hash(name)}"


def _zone(context: Context) -> ZoneInfo:
    zone = context.get("zone")
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")


def _now(context: Context) -> datetime:
    now = context.get("now")
    assert isinstance(now, datetime), "every page context carries `now`"
    return now


@pass_context
def _local(context: Context, instant: datetime | None, seconds: bool = False) -> str:
    """Every time a page shows carries its zone ("09:00 CET")."""
    return text.local(instant, _zone(context), _now(context), seconds=seconds, zoned=True)


@pass_context
def _local_full(context: Context, instant: datetime | None) -> str:
    return text.local_full(instant, _zone(context))


@pass_context
def _day_time(context: Context, instant: datetime | None) -> str:
    return text.day_time(instant, _zone(context), zoned=True)


@pass_context
def _clock(context: Context, instant: datetime | None) -> str:
    """Bare "09:00", for grids that name their zone once (the calendar)."""
    return text.clock(instant, _zone(context))


@pass_context
def _clock_zoned(context: Context, instant: datetime | None) -> str:
    return text.clock(instant, _zone(context), zoned=True)


@pass_context
def _relative(context: Context, instant: datetime | None) -> str:
    return text.relative(instant, _now(context))


@pass_context
def _hue(context: Context, handle: str) -> int:
    hues = context.get("hues") or {}
    return int(hues.get(handle, text.agent_hue(handle)))


@pass_context
def _in_zone(context: Context, instant: datetime) -> datetime:
    return instant.astimezone(_zone(context))


def query(**params: object) -> str:
    """`?a=1&b=x` from the parameters that have a value (links that keep a page's filters)."""
    kept = [(k, str(v)) for k, v in params.items() if v not in (None, "", 0, False)]
    return "?" + urlencode(kept) if kept else "?"


def _iso(instant: datetime | None) -> str:
    return instant.isoformat().replace("+00:00", "Z") if instant else ""


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        local=_local,
        local_full=_local_full,
        clock=_clock,
        clock_zoned=_clock_zoned,
        day_time=_day_time,
        without_handle=text.without_handle,
        relative=_relative,
        iso=_iso,
        visible=text.visible,
        one_line=text.one_line,
        duration=text.duration_ms,
        number=text.number,
        percent=text.percent,
        hue=_hue,
        in_zone=_in_zone,
        linked=text.linked,
    )
    env.globals.update(static_url=static_url, version=__version__, query=query)
    return env


def render(env: Environment, name: str, context: dict[str, Any]) -> str:
    return env.get_template(name).render(context)
