"""Usage and budget bodies of the REST API."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from agentcron.service.usage import UsageReport, UsageTotalsView


class UsageRowOut(BaseModel):
    key: str = Field(description="The group: a UTC day, an agent, a schedule id or a model.")
    label: str = Field(description="What a person reads: `@agent`, a schedule's command…")
    runs: int = Field(description="Final executions, skipped and cancelled ones included.")
    successes: int
    failures: int = Field(description="Failed, timed out or missed.")
    skipped: int = Field(description="Skipped or cancelled: never meant to run.")
    success_rate: float | None = Field(
        description="successes / (successes + failures); null when nothing was rated."
    )
    llm_calls: int
    input_tokens: int
    output_tokens: int
    total_tokens: int
    cost_usd: float = Field(description="The known part of the cost, in USD.")
    runs_without_cost: int = Field(description="Runs that used tokens but have no price.")
    tokens_without_cost: int = Field(description="The tokens of those runs: the unknown part.")
    duration_p50_ms: int | None = Field(description="Median duration (kept history only).")
    duration_p95_ms: int | None
    duration_max_ms: int | None
    pruned_runs: int = Field(description="Of `runs`, how many come from the daily rollup.")

    @classmethod
    def of(cls, key: str, label: str, t: UsageTotalsView) -> UsageRowOut:
        return cls(
            key=key,
            label=label,
            runs=t.runs,
            successes=t.successes,
            failures=t.failures,
            skipped=t.skipped,
            success_rate=t.success_rate,
            llm_calls=t.llm_calls,
            input_tokens=t.input_tokens,
            output_tokens=t.output_tokens,
            total_tokens=t.total_tokens,
            cost_usd=round(t.cost_usd, 9),
            runs_without_cost=t.runs_without_cost,
            tokens_without_cost=t.tokens_without_cost,
            duration_p50_ms=t.duration_p50_ms,
            duration_p95_ms=t.duration_p95_ms,
            duration_max_ms=t.duration_max_ms,
            pruned_runs=t.pruned_runs,
        )


class UsageOut(BaseModel):
    from_: date = Field(alias="from", description="First UTC day, included.")
    to: date = Field(description="Last UTC day, included.")
    group_by: str
    rows: list[UsageRowOut]
    total: UsageRowOut

    model_config = {"populate_by_name": True}

    @classmethod
    def of(cls, report: UsageReport) -> UsageOut:
        return cls(
            from_=report.range.start,
            to=report.range.end,
            group_by=report.group_by,
            rows=[UsageRowOut.of(line.key, line.label, line.totals) for line in report.lines],
            total=UsageRowOut.of("total", "", report.total),
        )

    def dump(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")
