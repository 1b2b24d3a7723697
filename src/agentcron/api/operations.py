"""For the operator and the orchestrator: liveness, readiness, metrics. Open (no token):
they say nothing about anyone's schedules."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from agentcron.api.deps import ApiDep
from agentcron.api.problems import responses
from agentcron.api.schemas import HealthOut, ReadyOut

log = logging.getLogger(__name__)
router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=HealthOut, summary="The process is up")
def healthz() -> HealthOut:
    """Answers while the process serves requests; touches nothing else."""
    return HealthOut(status="ok")


@router.get(
    "/readyz",
    response_model=ReadyOut,
    summary="Ready for traffic",
    responses=responses(500, 503),
)
def readyz(api: ApiDep) -> ReadyOut:
    """200 when the database answers, its schema is current and the engine runs (or is off
    on purpose, for an API-only instance); otherwise 503 with the reason."""
    readiness = api.status.readiness()
    return ReadyOut(
        status="ready", database="ok", revision=readiness.revision, engine=readiness.engine
    )


@router.get(
    "/metrics",
    response_class=Response,
    summary="Prometheus metrics",
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}}},
)
async def metrics(api: ApiDep) -> Response:
    """The engine's counters and histograms, HTTP request metrics, and
    `agentcron_active_schedules`, counted from the database on each scrape."""
    try:
        await run_in_threadpool(api.status.refresh_active_schedules)
    except Exception:  # a scrape still answers while the database is away
        log.warning("could not count active schedules for /metrics", exc_info=True)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
