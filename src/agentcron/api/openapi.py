"""The OpenAPI document: FastAPI's, with errors described as what they are (problem+json)
and an introduction that says how to authenticate and what the error types mean."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from agentcron.api.problems import PROBLEM_JSON, SLUGS, TYPE_PREFIX, ProblemDocument

DESCRIPTION = f"""
Schedule natural-language commands to AI agents, and read what they did.

**Authentication.** Every `/api` route needs `Authorization: Bearer <token>`: an API token
(`acr_…`, issued with `agentcron tokens create <user>`) or a JWT from the configured identity
provider (HS256 or RS256, `exp` and `sub` required; `iss`/`aud` checked when configured; a new
`sub` becomes a user on first use). Failed attempts are limited per client address (429).

**Ownership.** You see and change only your own schedules and executions. Someone else's
answers 404, exactly like one that does not exist. A `user_id` in a body or query is accepted
only when it is your own (older clients send it) and changes nothing; another id is refused
with 422.

**Errors** are `{PROBLEM_JSON}` (RFC 9457): `type`, `title`, `status`, `detail`, and for
invalid input `errors`, a list of `{{field, message, fix}}` naming every bad field at once.
Types: {", ".join(f"`{TYPE_PREFIX}{slug}` ({status})" for status, slug in SLUGS.items())}.
A malformed id in a path is a 404, like a missing one.

**Limits.** 50 schedules per user (409), at most one fire every 5 minutes per schedule, a
write rate per user (429 with `Retry-After`), a request body size cap (413), and at most 10
open `/api/events` streams per user and 20 per client address (429 with `Retry-After`).
"""

TAGS = [
    {"name": "schedules", "description": "Your schedules: create, change, run now, history."},
    {"name": "executions", "description": "One firing of a schedule, with its attempts."},
    {"name": "agents", "description": "The @handles commands can be addressed to."},
    {"name": "events", "description": "Live updates as Server-Sent Events."},
    {
        "name": "notifications",
        "description": "Channels (webhook, Slack, email…), tests, and the delivery log.",
    },
    {"name": "users", "description": "Who you are."},
    {"name": "operations", "description": "Health, readiness, metrics and engine status."},
]

_FASTAPI_422 = "#/components/schemas/HTTPValidationError"


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=DESCRIPTION,
            routes=app.routes,
            tags=TAGS,
        )
        _problems_everywhere(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _problems_everywhere(schema: dict[str, Any]) -> None:
    """Put the problem schema in the components, and replace FastAPI's own 422 entries:
    with ours where a query or body can be invalid, by nothing where only the path varies
    (a bad id there is a 404)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = ProblemDocument.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components["ProblemDocument"] = problem
    ours = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            found = operation.get("responses", {}).get("422")
            if found is None or _FASTAPI_422 not in json.dumps(found):
                continue
            params = [p for p in operation.get("parameters", []) if p.get("in") != "path"]
            if params or "requestBody" in operation:
                found["content"] = ours
                found["description"] = "Invalid input: `errors` lists every bad field with a fix."
            else:
                del operation["responses"]["422"]
    text = json.dumps(schema.get("paths", {}))
    for name in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{name}" not in text:
            components.pop(name, None)
