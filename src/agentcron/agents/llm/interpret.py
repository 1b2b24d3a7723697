"""A model's reading of a sentence the grammar refused: the parser's optional fallback.

    AGENTCRON_PARSER_AGENT=parser   # names an `llm` or `openai` agent of the agents file

One structured-output request: the model fills in `ModelAnswer`, through the server's
native JSON-schema output (`response_format`, strict) where the model's profile supports
it, else through a tool whose parameters are that schema. The call is small on purpose: a
short timeout, a few hundred output tokens, at most two requests (one more only when the
first answer does not fit the schema). The answer is a proposal and nothing more: the
service validates it with the rules every schedule passes and never saves it without the
user's explicit confirmation.

The call runs on an event loop and an HTTP client of its own: the service calls it from a
worker thread, and the registry's shared client belongs to the server's loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx2
from pydantic import BaseModel, ConfigDict, Field
from pydantic_ai import Agent as PydanticAgent
from pydantic_ai import NativeOutput, ToolOutput
from pydantic_ai.settings import ModelSettings
from pydantic_ai.usage import UsageLimits

from agentcron.agents.base import AgentError
from agentcron.agents.deps import CONNECT_TIMEOUT_S, AgentDeps
from agentcron.agents.httpcall import secret_from_env
from agentcron.agents.llm.errors import Limits, to_agent_error
from agentcron.agents.llm.models import build_model
from agentcron.agents.results import redact
from agentcron.agents.settings import BackendSettings, LLMSettings, OpenAISettings

TIMEOUT_S = 20.0
"""A person waits for this answer (a preview, `agentcron add`): the agent's own `timeout_s`
applies when shorter."""
MAX_REQUESTS = 2
MAX_OUTPUT_TOKENS = 400
MAX_TOTAL_TOKENS = 6000
MAX_HANDLES = 50
MAX_SENTENCE = 2000

INSTRUCTIONS = """\
You turn one sentence into a schedule for agentcron, a scheduler of commands to AI agents.
The sentence is a command to an agent (addressed as @handle) and words saying when to run it.
A rule-based parser could not read it; its reason is given. Fill in every field:
- understood: false when the sentence does not say when to run the command, or you are unsure;
  never invent a time of day or a day the sentence does not give.
- agent: the handle the sentence addresses, without "@", only if it is in the known agents;
  else null.
- command: the sentence without its timing words, as the user wrote it, keeping a leading
  @handle.
- schedule_type: "cron" for repetition tied to the clock or the calendar (every weekday at
  9am, the first of each month), "interval" for repetition by elapsed time (every 90 minutes),
  "once" for a single run.
- cron_expression: for cron, five fields (minute hour day-of-month month day-of-week) meant
  in `timezone`; else null.
- interval_value and interval_unit ("minutes", "hours" or "days"): for interval; else null.
- run_at: for once, the local date and time in `timezone` as YYYY-MM-DDTHH:MM; else null.
- timezone: the IANA zone the sentence's times are meant in: the zone the sentence names
  (as an IANA name such as America/New_York), else the default zone given.
"""


class ModelAnswer(BaseModel):
    """The schema the model fills in; every field required (null where it does not apply),
    so a strict JSON schema can carry it."""

    model_config = ConfigDict(extra="forbid")

    understood: bool = Field(description="false when the sentence does not say when to run")
    agent: str | None = Field(description="the addressed handle without @, or null")
    command: str = Field(description="the sentence without its timing words")
    schedule_type: Literal["cron", "interval", "once"]
    cron_expression: str | None = Field(description="five cron fields, for cron")
    interval_value: int | None = Field(description="every N units, for interval")
    interval_unit: Literal["minutes", "hours", "days"] | None
    run_at: str | None = Field(description="YYYY-MM-DDTHH:MM in timezone, for once")
    timezone: str = Field(description="IANA zone the times are meant in")


class InterpretationFailed(Exception):
    """No reading: the agent is no model, the model could not be asked, or it did not answer
    usefully. `message` is one line for a person, with secrets masked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def interpreter_for(handle: str, settings: BackendSettings | None) -> SentenceInterpreter:
    """The interpreter on the agent `handle`, or InterpretationFailed saying why not."""
    if settings is None:
        raise InterpretationFailed(f"AGENTCRON_PARSER_AGENT names @{handle}, which is no agent")
    if isinstance(settings, OpenAISettings):
        from agentcron.agents.openai import as_llm_settings

        settings = as_llm_settings(settings)
    if not isinstance(settings, LLMSettings):
        raise InterpretationFailed(
            f"AGENTCRON_PARSER_AGENT names @{handle}, which is not an llm or openai agent"
        )
    return SentenceInterpreter(handle, settings)


class SentenceInterpreter:
    """Asks the model of an `llm` agent (its server, model, key and timeout; never its
    tools or system prompt) to read one sentence."""

    def __init__(self, handle: str, settings: LLMSettings) -> None:
        self.handle = handle
        self.settings = settings
        self.timeout_s = min(settings.timeout_s or TIMEOUT_S, TIMEOUT_S)
        self._agent: PydanticAgent[None, ModelAnswer] = PydanticAgent(
            None,
            output_type=ModelAnswer,
            instructions=INSTRUCTIONS,
            name=f"{handle}-parser",
            retries={"output": MAX_REQUESTS - 1},
        )

    @property
    def model(self) -> str:
        return self.settings.model

    def interpret(
        self,
        sentence: str,
        *,
        timezone: str,
        now: datetime,
        handles: Sequence[str],
        refusal: str,
    ) -> ModelAnswer:
        """Blocking: for the service's worker threads (on a thread of its own when called
        from a running event loop)."""

        def call() -> ModelAnswer:
            return asyncio.run(
                self.ainterpret(
                    sentence, timezone=timezone, now=now, handles=handles, refusal=refusal
                )
            )

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return call()
        with ThreadPoolExecutor(1, thread_name_prefix="agentcron-parser") as pool:
            return pool.submit(call).result()

    async def ainterpret(
        self,
        sentence: str,
        *,
        timezone: str,
        now: datetime,
        handles: Sequence[str],
        refusal: str,
    ) -> ModelAnswer:
        settings, what = self.settings, f"the parser model {self.model} (@{self.handle})"
        secrets: list[str] = []
        try:
            api_key = None
            if settings.api_key_env:
                api_key = secret_from_env(settings.api_key_env, purpose=f"{what}'s API key")
                secrets.append(api_key)
            timeout = httpx2.Timeout(self.timeout_s, connect=min(CONNECT_TIMEOUT_S, 5.0))
            async with httpx2.AsyncClient(follow_redirects=False, timeout=timeout) as http:
                model = build_model(
                    settings,
                    AgentDeps(http_client=http, sync_threads=1),
                    api_key=api_key,
                    timeout_s=self.timeout_s,
                )
                native = bool(model.profile.get("supports_json_schema_output", False))
                output: Any = (
                    NativeOutput(ModelAnswer, name="schedule", strict=True)
                    if native
                    else ToolOutput(ModelAnswer, name="schedule", strict=True)
                )
                run = await asyncio.wait_for(
                    self._agent.run(
                        _prompt(sentence, timezone, now, handles, refusal),
                        model=model,
                        output_type=output,
                        model_settings=_settings(settings, self.timeout_s),
                        usage_limits=UsageLimits(
                            request_limit=MAX_REQUESTS, total_tokens_limit=MAX_TOTAL_TOKENS
                        ),
                    ),
                    timeout=self.timeout_s * MAX_REQUESTS + 1,
                )
        except TimeoutError:
            raise InterpretationFailed(
                f"{what} did not answer within {self.timeout_s:g} s"
            ) from None
        except Exception as exc:
            error = exc if isinstance(exc, AgentError) else _as_agent_error(exc, what, now)
            raise InterpretationFailed(redact(error.message, secrets)) from None
        answer: ModelAnswer = run.output
        if not answer.understood:
            raise InterpretationFailed(f"{what} could not read it either")
        return answer


def _as_agent_error(exc: BaseException, what: str, now: datetime) -> AgentError:
    limits = Limits(MAX_REQUESTS, MAX_TOTAL_TOKENS, tokens_from_budget=False)
    return to_agent_error(exc, what=what, limits=limits, now=lambda: now, secrets=())


def _settings(settings: LLMSettings, timeout_s: float) -> ModelSettings:
    chosen = ModelSettings(timeout=timeout_s, temperature=0.0)
    chosen["max_tokens"] = min(settings.max_output_tokens or MAX_OUTPUT_TOKENS, MAX_OUTPUT_TOKENS)
    return chosen


def _prompt(
    sentence: str, timezone: str, now: datetime, handles: Sequence[str], refusal: str
) -> str:
    local = now.astimezone(ZoneInfo(timezone))
    known = ", ".join(f"@{h}" for h in list(handles)[:MAX_HANDLES]) or "(none)"
    return (
        f"Sentence: {sentence[:MAX_SENTENCE]}\n"
        f"Now: {local:%Y-%m-%d %H:%M, %A} in {timezone}\n"
        f"Default zone: {timezone}\n"
        f"Known agents: {known}\n"
        f"The rule-based parser's reason: {refusal}"
    )
