"""The sentence parser's optional fallback on a model, as a rule.

When `AGENTCRON_PARSER_AGENT` names an `llm` or `openai` agent, a sentence the grammar
refuses is given to that agent's model (`agents.llm.interpret`). What it answers is only a
proposal, held to the rules every schedule meets:

- its timing passes the same validator (the minimum gap, a real zone, a future `run_at`);
  an answer that does not is refused with the grammar's own message, saying why;
- it is shown as the model's (`interpreted_by`), beside the grammar's refusal;
- it is saved only when the caller accepts it explicitly (`accept_model_reading`), and, when
  the caller says which reading it saw (`fingerprint`), only if the sentence still reads
  the same; a preview returns it with the flag that it needs that acceptance.

A model that cannot be asked changes nothing: the grammar's refusal stands, with a note.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from agentcron.config import Settings
from agentcron.errors import InvalidInput, Problem
from agentcron.service.context import AgentDirectory
from agentcron.timing import ScheduleSpec, describe, preview
from agentcron.timing.language import ParsedSentence, SentenceNotUnderstood
from agentcron.timing.zones import problem as zone_problem

if TYPE_CHECKING:  # the model's code (pydantic-ai) is imported only when it is asked
    from agentcron.agents.llm.interpret import ModelAnswer

log = logging.getLogger(__name__)

SENTENCE_HELP = "see the sentence examples at /help/sentences"
ACCEPT = "accept_model_reading"


@dataclass(frozen=True, slots=True)
class ModelReading:
    """How a model read a sentence the grammar refused."""

    interpreted_by: str
    refusal: str
    fingerprint: str
    """The same for the same reading (agent, command, timing, zone): a caller that accepts
    a previewed reading sends it back, so a different answer is never saved in its place."""


@dataclass(frozen=True, slots=True)
class TimingDraft:
    """The timing fields of a model's answer, as `DraftRules.spec` takes them."""

    schedule_type: str
    cron_expression: str | None
    interval_value: int | None
    interval_unit: str | None
    run_at: datetime | None
    timezone: str


SpecOf = Callable[[TimingDraft, list[Problem]], ScheduleSpec | None]
"""The draft rules' own spec check: the same validator every schedule passes."""


def refused(refusal: SentenceNotUnderstood, note: str = "") -> InvalidInput:
    """The grammar's refusal as a problem of `text`, with what it understood; `note` says
    why no model reading took its place."""
    fix = f"{SENTENCE_HELP} ({note})" if note else SENTENCE_HELP
    return InvalidInput([Problem("text", said(refusal), fix)], understood=refusal.understood)


def said(refusal: SentenceNotUnderstood) -> str:
    """The parser may name the part it refused ("interval_value: …"); the person wrote a
    sentence, so the message is about the sentence."""
    return re.sub(r"^[a-z_]+: ", "", refusal.message)


class ModelFallback:
    def __init__(self, settings: Settings, agents: AgentDirectory) -> None:
        self.settings = settings
        self.agents = agents

    @property
    def handle(self) -> str:
        return self.settings.parser_agent.strip().lstrip("@").lower()

    def read(
        self,
        text: str,
        *,
        timezone: str,
        now: datetime,
        refusal: SentenceNotUnderstood,
        spec_of: SpecOf,
    ) -> tuple[ParsedSentence, ModelReading]:
        """The model's reading, validated; else InvalidInput on `text` with the grammar's
        refusal (and, when a model was asked, why its reading could not be used)."""
        handle = self.handle
        if not handle:
            raise refused(refusal)
        from agentcron.agents.llm.interpret import InterpretationFailed, interpreter_for

        try:
            interpreter = interpreter_for(handle, self.agents.settings_of(handle))
            answer = interpreter.interpret(
                text,
                timezone=timezone,
                now=now,
                handles=self.agents.handles(),
                refusal=refusal.message,
            )
        except InterpretationFailed as exc:
            log.info("parser fallback gave no reading: %s", exc.message)
            raise refused(refusal, f"no model reading: {exc.message}") from None
        model = interpreter.model
        problems: list[Problem] = []
        spec = spec_of(_timing(answer, problems), problems)
        if spec is None or problems:
            wrong = "; ".join(str(p) for p in problems)
            raise refused(
                refusal,
                f"{model} read it as {_read_as(answer)}, which is no valid schedule: {wrong}",
            )
        agent = (answer.agent or "").strip().lstrip("@").lower() or None
        command = " ".join(answer.command.split()) or text
        reading = ModelReading(model, said(refusal), fingerprint(agent, command, spec))
        note = f"interpreted by {model}: the grammar did not understand it ({reading.refusal})"
        parsed = ParsedSentence(
            agent, command, spec, describe(spec, now=now), preview(spec, now, 5), [note]
        )
        return parsed, reading


def accepted(reading: ModelReading, accept: bool, seen: str | None, description: str) -> None:
    """Saving a model's reading needs the caller's explicit yes, for this very reading."""
    if not accept:
        raise InvalidInput.one(
            ACCEPT,
            f"the grammar did not understand the sentence ({reading.refusal}); "
            f"{reading.interpreted_by} read it as: {description}",
            f"check that reading, then send it again with {ACCEPT}: true "
            f'and model_reading: "{reading.fingerprint}" (the CLI asks, or takes '
            "--accept-model-reading)",
        )
    if seen is not None and seen != reading.fingerprint:
        raise InvalidInput.one(
            "model_reading",
            f"{reading.interpreted_by} read the sentence differently this time: {description}",
            "preview it again and accept the reading you see",
        )


def fingerprint(agent: str | None, command: str, spec: ScheduleSpec) -> str:
    what = [
        agent,
        command,
        spec.schedule_type.value,
        spec.cron_expression,
        spec.interval_value,
        spec.interval_unit.value if spec.interval_unit else None,
        spec.run_at.isoformat() if spec.run_at else None,
        spec.timezone,
    ]
    return hashlib.sha256(json.dumps(what).encode()).hexdigest()[:16]


def _timing(answer: ModelAnswer, problems: list[Problem]) -> TimingDraft:
    run_at = None
    if answer.run_at is not None:
        try:
            run_at = datetime.fromisoformat(answer.run_at.strip().replace("Z", "+00:00"))
        except ValueError:
            problems.append(Problem("run_at", f"{answer.run_at!r} is not a date and time"))
        if run_at is not None and run_at.tzinfo is None and zone_problem(answer.timezone) is None:
            run_at = run_at.replace(tzinfo=ZoneInfo(answer.timezone))
        if run_at is not None and run_at.tzinfo is not None:
            run_at = run_at.astimezone(UTC)  # instants are UTC; the zone stays on the spec
    return TimingDraft(
        schedule_type=answer.schedule_type,
        cron_expression=answer.cron_expression,
        interval_value=answer.interval_value,
        interval_unit=answer.interval_unit,
        run_at=run_at,
        timezone=answer.timezone,
    )


def _read_as(answer: ModelAnswer) -> str:
    timing = {
        "cron": f"cron {answer.cron_expression!r}",
        "interval": f"every {answer.interval_value} {answer.interval_unit}",
        "once": f"once at {answer.run_at}",
    }[answer.schedule_type]
    return f"{timing} in {answer.timezone}"
