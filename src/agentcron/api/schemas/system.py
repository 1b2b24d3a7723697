"""The engine's status, the agents, the caller, and the operator's probes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from agentcron.service.status import EngineStatus


class InstanceOut(BaseModel):
    id: str
    host: str
    pid: int
    role: str
    version: str
    started_at: datetime
    heartbeat_at: datetime


class StatusOut(BaseModel):
    now: datetime
    engine_running: bool = Field(description="Whether this instance runs the engine.")
    engine_refusal: str | None = Field(description="Why this instance's engine did not start.")
    instances: list[InstanceOut] = Field(description="Instances with a recent heartbeat.")
    enabled_schedules: int
    due_now: int
    running: int
    pending: int
    next_due_at: datetime | None
    lag_p50_ms: int | None
    lag_p99_ms: int | None
    executions_last_hour: dict[str, int] = Field(description="Counts by status.")

    @classmethod
    def of(cls, status: EngineStatus) -> StatusOut:
        return cls(
            now=status.now,
            engine_running=status.engine_running,
            engine_refusal=status.engine_refusal or None,
            instances=[
                InstanceOut(
                    id=i.id,
                    host=i.host,
                    pid=i.pid,
                    role=i.role,
                    version=i.version,
                    started_at=i.started_at,
                    heartbeat_at=i.heartbeat_at,
                )
                for i in status.instances
            ],
            enabled_schedules=status.enabled_schedules,
            due_now=status.due_now,
            running=status.running,
            pending=status.pending,
            next_due_at=status.next_due_at,
            lag_p50_ms=status.lag_p50_ms,
            lag_p99_ms=status.lag_p99_ms,
            executions_last_hour=status.executions_last_hour,
        )


class AgentOut(BaseModel):
    handle: str = Field(examples=["alice"])
    name: str
    description: str
    backend: str = Field(examples=["echo"])
    categories: list[str] = Field(
        default_factory=list,
        description="The groups it belongs to: a command to @category runs on every member.",
    )


class CategoryOut(BaseModel):
    """A group of agents: a command to `@name` runs once per member at each slot."""

    name: str = Field(examples=["research"])
    members: list[str] = Field(description="The member agents' handles.", examples=[["ra", "rb"]])


class ReloadOut(BaseModel):
    ok: bool
    message: str
    handles: list[str] = Field(description="The agents serving now.")


class LimitsOut(BaseModel):
    max_schedules: int
    min_gap_s: int
    write_rate_per_minute: int
    command_max_len: int
    description_max_len: int


class MeOut(BaseModel):
    id: uuid.UUID
    name: str
    timezone: str = Field(
        description="Your IANA zone: new schedules default to it, and previews show their "
        "next runs in it beside the schedule's own zone."
    )
    timezone_chosen: bool = Field(
        description="Whether the zone was set on purpose; a user made without one has UTC."
    )
    suggested_timezone: str | None = Field(
        description="Your browser's zone, seen at sign-in while yours was not chosen; "
        "offered once. Setting `timezone` (to it or any zone) clears it."
    )
    created_at: datetime
    schedules: int = Field(description="How many schedules you have.")
    limits: LimitsOut


class MeIn(BaseModel):
    """What you may change about yourself."""

    model_config = ConfigDict(extra="forbid")

    timezone: str | None = Field(
        None,
        description="An IANA zone such as Europe/Berlin; a close misspelling is answered "
        "with suggestions. Existing schedules keep their own zones.",
        examples=["Europe/Berlin"],
    )


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])


class ReadyOut(BaseModel):
    status: str = Field(examples=["ready"])
    database: str = Field(examples=["ok"])
    revision: str | None = Field(description="The database's migration revision.")
    engine: str = Field(description="`running`, or `off` when this instance serves only.")
