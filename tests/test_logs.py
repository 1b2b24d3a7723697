"""Log lines carry the ids they are about, in plain text and in JSON."""

from __future__ import annotations

import json
import logging

import pytest

from agentcron.config import Settings
from agentcron.logs import JsonFormatter, PlainFormatter, configure_logging


def record(**extra: object) -> logging.LogRecord:
    logger = logging.getLogger("agentcron.engine.loop")
    return logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, "attempt %s", ("ended",), None, extra=extra
    )


def test_json_lines_carry_execution_and_schedule_ids() -> None:
    line = JsonFormatter().format(record(execution_id="e-1", schedule_id="s-1", attempt=2))
    payload = json.loads(line)
    assert payload["message"] == "attempt ended"
    assert (payload["execution_id"], payload["schedule_id"], payload["attempt"]) == (
        "e-1",
        "s-1",
        "2",
    )
    assert payload["level"] == "INFO" and payload["logger"] == "agentcron.engine.loop"


def test_plain_lines_append_the_ids_they_know() -> None:
    assert (
        PlainFormatter()
        .format(record(schedule_id="s-1"))
        .endswith("attempt ended [schedule_id=s-1]")
    )
    assert PlainFormatter().format(record()).endswith("attempt ended")


def test_configuring_twice_keeps_one_handler(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        configure_logging(Settings(_env_file=None, log_json=True))  # type: ignore[call-arg]
        configure_logging(Settings(_env_file=None, log_json=True))  # type: ignore[call-arg]
        ours = [h for h in root.handlers if getattr(h, "agentcron", False)]
        assert len(ours) == 1
        logging.getLogger("agentcron.test").warning("hello", extra={"execution_id": "e-9"})
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert json.loads(line)["execution_id"] == "e-9"
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)


LEAKY = "POST https://bot:pa55word@hooks.example.test/h/1?sig=s1gn3d failed; Bearer eyJhbGciOi.x"


def leaky_record() -> logging.LogRecord:
    logger = logging.getLogger("agentcron.agents")
    try:
        raise RuntimeError(f"refused {LEAKY}; key {SECRET_VALUE}")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    return logger.makeRecord(
        logger.name, logging.WARNING, __file__, 1, "%s", (LEAKY,), exc_info, extra={}
    )


SECRET_VALUE = "ops-0f3c9d2e7a"
MASKED = "POST https://***@hooks.example.test/h/1?*** failed; Bearer ***"


@pytest.mark.parametrize("formatter", [PlainFormatter, JsonFormatter])
def test_log_lines_mask_url_credentials_queries_bearer_tokens_and_secret_variables(
    formatter: type[logging.Formatter], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPS_API_TOKEN", SECRET_VALUE)

    line = formatter().format(leaky_record())

    for secret in ("pa55word", "s1gn3d", "eyJhbGciOi", SECRET_VALUE):
        assert secret not in line
    assert MASKED in line
    assert "RuntimeError: refused" in line  # the traceback is kept, masked


def _access(path: str, status: int) -> logging.LogRecord:
    logger = logging.getLogger("uvicorn.access")
    args = ("127.0.0.1:5000", "GET", path, "1.1", status)
    return logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', args, None
    )


@pytest.mark.parametrize(
    ("path", "status", "kept"),
    [
        ("/ui/events", 200, False),  # a tab's live stream, reconnecting every half minute
        ("/api/events", 200, False),
        ("/schedules?fragment=rows", 200, False),  # a region refreshing itself
        ("/schedules", 200, True),
        ("/ui/events", 429, True),  # a refusal is worth a line
        ("/api/scheduled-commands", 201, True),
    ],
)
def test_routine_page_requests_log_at_debug(path: str, status: int, kept: bool) -> None:
    configure_logging(Settings(_env_file=None))  # type: ignore[call-arg]
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.INFO)
    line = _access(path, status)

    assert all(f.filter(line) for f in access.filters) is kept
    assert line.levelname == ("INFO" if kept else "DEBUG")
    access.setLevel(logging.DEBUG)
    assert all(f.filter(_access(path, status)) for f in access.filters)
    access.setLevel(logging.NOTSET)
