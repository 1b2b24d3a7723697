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
