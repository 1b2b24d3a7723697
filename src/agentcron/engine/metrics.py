"""Prometheus metrics the engine keeps (served at /metrics by the app)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram

FIRES = Counter("agentcron_fires_total", "Slots claimed, by what they became", ["status"])
LAG = Histogram(
    "agentcron_fire_lag_seconds",
    "Start of an execution minus the slot it was scheduled for",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
EXECUTIONS = Counter(
    "agentcron_executions_total", "Attempts finished, by resulting status", ["status", "agent"]
)
RETRIES = Counter("agentcron_retries_total", "Attempts started after a failed one")
TOKENS = Counter("agentcron_tokens_total", "Tokens agents reported", ["agent"])
LLM_CALLS = Counter("agentcron_llm_calls_total", "LLM calls agents reported", ["agent"])
DURATION = Histogram(
    "agentcron_execution_duration_seconds",
    "Wall time of one attempt",
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 600),
)
RUNNING = Gauge("agentcron_running_executions", "Attempts running in this process")
ACTIVE_SCHEDULES = Gauge("agentcron_active_schedules", "Enabled schedules in the database")
RECOVERED = Counter("agentcron_recovered_total", "Executions finished for a lost worker")


def record_outcomes(outcomes: Iterable[tuple[str, int, int, int, str]]) -> None:
    """Many outcomes (status, duration_ms, tokens, llm_calls, agent): one counter update per
    label set, not per outcome: a burst records thousands at once."""
    counts: dict[tuple[str, str], int] = {}
    tokens: dict[str, int] = {}
    calls: dict[str, int] = {}
    for status, duration_ms, used, llm, agent in outcomes:
        counts[(status, agent)] = counts.get((status, agent), 0) + 1
        DURATION.observe(duration_ms / 1000)
        tokens[agent] = tokens.get(agent, 0) + used
        calls[agent] = calls.get(agent, 0) + llm
    for (status, agent), count in counts.items():
        EXECUTIONS.labels(status=status, agent=agent).inc(count)
    for agent, count in tokens.items():
        if count:
            TOKENS.labels(agent=agent).inc(count)
    for agent, count in calls.items():
        if count:
            LLM_CALLS.labels(agent=agent).inc(count)
