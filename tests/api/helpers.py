"""What the API tests share: callers with real tokens, JWTs, and bodies."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
from fastapi import FastAPI

from agentcron.service.channels import ChannelDraft, ChannelService
from agentcron.service.schedules import ScheduleDraft, ScheduleService
from agentcron.service.users import UserService
from agentcron.store.tables import User

JWT_SECRET = "a-test-secret-of-at-least-thirty-two-bytes"
AGENTS_TOML = """
[agents.alice]
name = "Alice"
description = "Watches model deprecations"
backend = "echo"

[agents.bob]
name = "Bob"
description = "Summarises incidents"
backend = "echo"

[agents.maya]
name = "Maya"
description = "Reviews pull requests"
backend = "echo"
"""

CRON_BODY: dict[str, Any] = {
    "command_text": "@alice check deprecated models",
    "agent_id": "agent_alice",
    "schedule_type": "cron",
    "cron_expression": "0 9 * * 1-5",
    "timezone": "America/New_York",
    "description": "Weekday morning checks",
}
INTERVAL_BODY: dict[str, Any] = {
    "command_text": "@bob summarise new incidents",
    "schedule_type": "interval",
    "interval_value": 30,
    "interval_unit": "minutes",
}
FINAL = {"success", "failed", "timed_out", "missed", "skipped", "cancelled"}


@dataclass
class Caller:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def new_caller(app: FastAPI, name: str | None = None, *, admin: bool = False) -> Caller:
    users = UserService(app.state.runtime.services)
    user = users.create(name or f"u{uuid.uuid4().hex[:8]}", admin=admin)
    return Caller(user, users.issue_token(user).token)


def seed_schedule(app: FastAPI, caller: Caller, **fields: Any) -> uuid.UUID:
    """A schedule made through the service (not the route under test)."""
    service = ScheduleService(app.state.runtime.services)
    values = {**INTERVAL_BODY, **fields}
    return service.create(caller.user, ScheduleDraft(**values)).row.id


def seed_channel(
    app: FastAPI, caller: Caller, name: str = "ops", url: str = "json://127.0.0.1/hook"
) -> uuid.UUID:
    """A notification channel made through the service (an apprise URL: nothing to resolve)."""
    service = ChannelService(app.state.runtime.services, app.state.runtime.dispatcher)
    return service.create(caller.user, ChannelDraft(name=name, url=url)).row.id


def hs256(sub: str, *, exp: datetime, secret: str = JWT_SECRET, **claims: Any) -> str:
    return jwt.encode({"sub": sub, "exp": int(exp.timestamp()), **claims}, secret, "HS256")


def expired_jwt(now: datetime) -> str:
    return hs256("someone", exp=now - timedelta(hours=1))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for_final(client: httpx.Client, execution_id: str, timeout: float = 5.0) -> dict[str, Any]:
    """Poll one execution until it ends (the engine runs in the server's thread)."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/api/executions/{execution_id}").json()
        if body["status"] in FINAL or time.monotonic() > deadline:
            return body
        time.sleep(0.02)
