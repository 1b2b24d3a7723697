"""Recording what an llm run does, step by step, as it does it.

A pydantic-ai capability wraps every model request and every tool call: it times
each (dated by the engine's clock), sums tokens and cost, keeps the step with
its details bounded and masked, and hands it to the engine's hooks at once, so
a run that fails or is cancelled has still reported everything it did.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic_ai import RunContext
from pydantic_ai.capabilities import AbstractCapability
from pydantic_ai.capabilities.abstract import (
    ValidatedToolArgs,
    WrapModelRequestHandler,
    WrapToolExecuteHandler,
)
from pydantic_ai.messages import ModelResponse, ToolCallPart, ToolReturn
from pydantic_ai.models import ModelRequestContext
from pydantic_ai.tools import ToolDefinition

from agentcron.agents.base import AgentContext, Step, Usage
from agentcron.agents.llm.models import usd
from agentcron.agents.results import MESSAGE_LIMIT, bound_steps, redact, shorten
from agentcron.agents.steps import detail_text


@dataclass
class _Totals:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal | None = Decimal(0)
    priced: bool = False
    model: str | None = None


class StepRecorder(AbstractCapability[Any]):
    """One per attempt. `steps` and `usage()` are complete even after an exception.

    `secrets` is read at each use, so values the attempt reads later (its tool servers')
    are masked too.
    """

    def __init__(
        self,
        context: AgentContext,
        *,
        now: Callable[[], datetime],
        model: str,
        secrets: Sequence[str],
        describe_error: Callable[[BaseException], str],
    ) -> None:
        super().__init__()
        self._context = context
        self._now = now
        self._model = model
        self._secrets = secrets
        self._describe_error = describe_error
        self._steps: list[Step] = []
        self._totals = _Totals()

    @property
    def steps(self) -> tuple[Step, ...]:
        return bound_steps(self._steps)

    def usage(self) -> Usage:
        totals = self._totals
        return Usage(
            llm_calls=totals.calls,
            input_tokens=totals.input_tokens,
            output_tokens=totals.output_tokens,
            tokens_used=totals.input_tokens + totals.output_tokens,
            # Unknown if any answer could not be priced (or none came): a sum of the known
            # ones would pass for the whole cost.
            cost_usd=usd(totals.cost) if totals.priced else None,
            model=totals.model or self._model,
        )

    async def wrap_model_request(
        self,
        ctx: RunContext[Any],
        *,
        request_context: ModelRequestContext,
        handler: WrapModelRequestHandler,
    ) -> ModelResponse:
        started_at, started = self._now(), time.monotonic()
        self._totals.calls += 1
        try:
            response = await handler(request_context)
        except Exception as exc:
            self._account(None)
            self._add(Step("llm", self._model, started_at, _ms(started), error=self._error(exc)))
            raise
        self._account(response)
        text = response.text or ""
        calls = [part.tool_name for part in response.parts if isinstance(part, ToolCallPart)]
        detail = {"text": detail_text(text, self._secrets)} if text else {}
        if calls:
            detail["tool_calls"] = detail_text(", ".join(calls), self._secrets)
        self._add(
            Step(
                "llm",
                response.model_name or self._model,
                started_at,
                _ms(started),
                input_tokens=response.usage.input_tokens,
                output_tokens=response.usage.output_tokens,
                detail=detail,
            )
        )
        if text:
            self._context.report_output(redact(text, self._secrets) + "\n")
        return response

    async def wrap_tool_execute(
        self,
        ctx: RunContext[Any],
        *,
        call: ToolCallPart,
        tool_def: ToolDefinition,
        args: ValidatedToolArgs,
        handler: WrapToolExecuteHandler,
    ) -> Any:
        started_at, started = self._now(), time.monotonic()
        detail = {"arguments": detail_text(args, self._secrets)}
        try:
            result = await handler(args)
        except Exception as exc:
            error = self._error(exc)
            self._add(
                Step("tool", call.tool_name, started_at, _ms(started), error=error, detail=detail)
            )
            raise
        detail["result"] = detail_text(_plain(result), self._secrets)
        self._add(Step("tool", call.tool_name, started_at, _ms(started), detail=detail))
        return result

    def _account(self, response: ModelResponse | None) -> None:
        totals = self._totals
        if response is None:
            return  # a request that failed is billed nothing we know of
        totals.input_tokens += response.usage.input_tokens
        totals.output_tokens += response.usage.output_tokens
        totals.model = response.model_name or totals.model
        cost = response.usage.cost
        if cost is None or response.usage.unmeasured_requests:
            totals.cost = None
        elif totals.cost is not None:
            totals.cost += cost
        totals.priced = totals.cost is not None

    def _add(self, step: Step) -> None:
        self._steps.append(step)
        self._context.report_step(step)

    def _error(self, exc: BaseException) -> str:
        return shorten(redact(self._describe_error(exc), self._secrets), MESSAGE_LIMIT)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _plain(result: object) -> object:
    """A tool's result as data worth showing; binary content by its size, not its bytes."""
    if isinstance(result, ToolReturn):
        result = result.return_value
    if isinstance(result, bytes | bytearray):
        return f"<{len(result)} bytes>"
    data, media_type = getattr(result, "data", None), getattr(result, "media_type", None)
    if isinstance(data, bytes) and isinstance(media_type, str):
        return f"<{media_type}, {len(data)} bytes>"
    return result
