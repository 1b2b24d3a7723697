"""One logging set-up for every process: plain lines for people, JSON lines for collectors
(`AGENTCRON_LOG_JSON=true`). Either way, the ids a line is about (`execution_id`,
`schedule_id`, ... passed as `extra=`) travel with it, so one execution can be followed
through the logs of every instance; and every message and traceback passes through
`agents.redact.redact` (URLs' credentials and queries, bearer tokens, secret variables).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from agentcron.agents.redact import redact
from agentcron.config import Settings

CONTEXT = ("execution_id", "schedule_id", "user_id", "agent", "attempt", "worker_id")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
QUIET = ("alembic.runtime.migration", "httpx", "httpcore", "httpx2", "httpcore2")


def context_of(record: logging.LogRecord) -> dict[str, str]:
    return {name: str(getattr(record, name)) for name in CONTEXT if hasattr(record, name)}


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escape_controls(text: str) -> str:
    """Show control characters as escapes, so text from users (a command, an agent's error)
    can never start a forged log line or recolour a terminal."""
    return CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(redact(record.message))
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return redact(super().formatException(ei))

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = context_of(record)
        if not context:
            return line
        head, sep, tail = line.partition("\n")  # keep a traceback below the context
        fields = " ".join(f"{k}={v}" for k, v in context.items())
        return f"{head} [{fields}]{sep}{tail}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            **context_of(record),
        }
        if record.exc_info:
            payload["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, default=str)


class RoutineRequests(logging.Filter):
    """uvicorn's access lines for what a page does by itself (live-event reconnects, region
    refreshes: one every half minute per open tab), at debug; every other request stays."""

    ROUTINE_PATHS = ("/ui/events", "/api/events")

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or len(args) < 5:
            return True
        path, status = str(args[2]), args[4]
        routine = path.startswith(self.ROUTINE_PATHS) or "fragment=" in path
        if not routine or not isinstance(status, int) or status >= 400:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(settings: Settings) -> None:
    """Idempotent: calling it again replaces the handler it added, nothing else."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "agentcron", False):
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.agentcron = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if settings.log_json else PlainFormatter())
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    # Libraries that speak at INFO on every readiness probe or agent call.
    for name in QUIET:
        logging.getLogger(name).setLevel(max(root.level, logging.WARNING))
    access = logging.getLogger("uvicorn.access")
    for old in [f for f in access.filters if isinstance(f, RoutineRequests)]:
        access.removeFilter(old)
    access.addFilter(RoutineRequests())
