"""Every error the API answers, as `application/problem+json` (RFC 9457), made here only.

The service raises the error tree of `agentcron.errors`; FastAPI raises request validation
errors and HTTP exceptions; anything else is a bug, logged and answered with a plain 500.
Each becomes one document: `type`, `title`, `status`, `detail`, `instance`, and for invalid
input an `errors` list naming every bad field with a fix.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from agentcron.auth.bearer import challenge
from agentcron.errors import AgentcronError, InvalidInput, Problem, Unauthorized

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:agentcron:problem:"

# status → the problem type's slug, for HTTP errors raised outside our error tree (routing,
# body limits); our own errors carry their slug (errors.py).
SLUGS = {
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "body-too-large",
    422: "invalid-input",
    429: "rate-limited",
    500: "internal-error",
    503: "not-ready",
}


class FieldProblem(BaseModel):
    field: str = Field(description="The request field, by its JSON name (`interval_value`).")
    message: str = Field(description="What is wrong with it.")
    fix: str = Field("", description="How to make it right.")


class ProblemDocument(BaseModel):
    """An RFC 9457 problem. `type` is a URN naming the kind of problem (stable; not a page)."""

    type: str = Field(examples=["urn:agentcron:problem:invalid-input"])
    title: str = Field(examples=["Invalid input"])
    status: int = Field(examples=[422])
    detail: str = Field("", examples=["interval_value: must be positive, got 0 (e.g. 30)"])
    instance: str | None = Field(None, description="The request path.")
    errors: list[FieldProblem] | None = Field(
        None, description="Invalid input only: every bad field, each with a fix."
    )
    retry_after_s: int | None = Field(
        None, description="Rate limits only: seconds to wait (also in `Retry-After`)."
    )
    understood: dict[str, Any] | None = Field(
        None,
        description="A refused sentence only: what was understood of it (`agent`, `command`, "
        "`timing`, `timezone`), beside the example in `detail`.",
    )


class BodyTooLarge(StarletteHTTPException):
    """Raised while a request body streams in, once it passes the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodyTooSlow(StarletteHTTPException):
    """Raised while a request body streams in, once it has been silent too long."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(408, f"the request body did not arrive within {timeout_s:g} s")


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_JSON

    def render(self, content: Any) -> bytes:
        # ASCII escapes: a detail quoting the caller's input can never fail to encode.
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode()


def problem_response(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    title: str | None = None,
    errors: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
    retry_after_s: int | None = None,
    slug: str | None = None,
    understood: dict[str, object] | None = None,
) -> JSONResponse:
    slug = slug or SLUGS.get(status)
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + slug if slug else "about:blank",
        "title": title or _phrase(status),
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = [{"field": p.field, "message": p.message, "fix": p.fix} for p in errors]
    if understood is not None:
        body["understood"] = understood
    if retry_after_s is not None:
        body["retry_after_s"] = retry_after_s
        headers = {**(headers or {}), "Retry-After": str(retry_after_s)}
    return ProblemResponse(body, status_code=status, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_response(request: Request, exc: AgentcronError) -> JSONResponse:
    """Any error of ours, by what it declares: status, problem type, title, detail."""
    headers = (
        {"WWW-Authenticate": challenge(request.headers.get("authorization"))}
        if isinstance(exc, Unauthorized)
        else None
    )
    retry_after = getattr(exc, "retry_after_s", None)
    invalid = exc if isinstance(exc, InvalidInput) else None
    return problem_response(
        exc.status,
        exc.detail,
        instance=request.url.path,
        title=exc.title,
        slug=exc.slug,
        errors=invalid.problems if invalid else None,
        headers=headers,
        retry_after_s=retry_after if isinstance(retry_after, int) else None,
        understood=invalid.understood if invalid else None,
    )


def _summary(problems: list[Problem]) -> str:
    if len(problems) == 1:
        return str(problems[0])
    return f"{len(problems)} problems: " + "; ".join(str(p) for p in problems)


# -- request validation (FastAPI / pydantic) ------------------------------------------------

_FIXES = {
    "missing": "give a value",
    "int_type": "use a whole number, e.g. 30",
    "int_parsing": "use a whole number, e.g. 30",
    "int_from_float": "use a whole number, e.g. 30",
    "bool_type": "use true or false",
    "bool_parsing": "use true or false",
    "string_type": "use a text value",
    "datetime_type": "use an ISO 8601 date and time with an offset, e.g. 2026-12-24T09:00:00+01:00",
    "datetime_parsing": "use an ISO 8601 date and time with an offset, e.g. 2026-12-24T09:00:00+01:00",
    "datetime_from_date_parsing": "use an ISO 8601 date and time with an offset, e.g. 2026-12-24T09:00:00+01:00",
    "uuid_type": "use an id as the API returns it",
    "uuid_parsing": "use an id as the API returns it",
    "json_invalid": "send a JSON object",
    "model_attributes_type": "send a JSON object",
    "dict_type": "send a JSON object",
    "list_type": "send a list",
    "invalid_unicode": "send valid UTF-8 text",
}


def validation_problems(request: Request, exc: RequestValidationError) -> list[Problem]:
    problems: list[Problem] = []
    known = _body_fields(request)
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        kind = str(error.get("type", ""))
        names = [str(part) for part in loc[1:] if not isinstance(part, int)]
        field = ".".join(names) or "body"
        message = str(error.get("msg", "is invalid"))
        ctx = error.get("ctx") or {}
        fix = _FIXES.get(kind, "see the request schema at /docs")
        if kind == "missing":
            message = "is required" if names else "a JSON body is required"
            if not names:
                fix = "send a JSON object"
        elif kind == "extra_forbidden":
            message = "is not a field of this request"
            fix = "remove it" + (f"; the fields are {', '.join(known)}" if known else "")
        elif kind == "json_invalid":
            message = f"is not valid JSON ({ctx.get('error', 'decode error')})"
            field = "body"
        elif kind in ("less_than_equal", "less_than"):
            fix = f"use at most {ctx.get('le', ctx.get('lt'))}"
        elif kind in ("greater_than_equal", "greater_than"):
            fix = f"use at least {ctx.get('ge', ctx.get('gt'))}"
        problems.append(Problem(field, message, fix))
    return problems


def _body_fields(request: Request) -> list[str]:
    route = request.scope.get("route")
    body_field = getattr(route, "body_field", None)
    model = getattr(getattr(body_field, "field_info", None), "annotation", None)
    fields = getattr(model, "model_fields", None)
    return list(fields) if isinstance(fields, dict) else []


# -- handlers -------------------------------------------------------------------------------


def install_handlers(app: FastAPI) -> None:
    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AgentcronError)
        if exc.status >= 500:
            log.warning("%s %s answered %d: %s", request.method, request.url.path, exc.status, exc)
        return error_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        if any(tuple(e.get("loc", ("",)))[:1] == ("path",) for e in exc.errors()):
            # A malformed id names nothing, exactly like a missing one.
            return problem_response(404, "no such resource", instance=request.url.path)
        problems = validation_problems(request, exc)
        return problem_response(
            422,
            _summary(problems),
            instance=request.url.path,
            title="Invalid input",
            errors=problems,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else _phrase(exc.status_code)
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(exc.status_code, detail, instance=request.url.path, headers=headers)

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            500,
            "an internal error occurred; it has been logged",
            instance=request.url.path,
        )

    app.add_exception_handler(AgentcronError, on_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route may answer (with the headers they carry)."""
    described = {
        401: "No valid bearer token (`WWW-Authenticate: Bearer`).",
        403: "Signed in, but this is for administrators.",
        404: "No such resource, or it belongs to someone else (the two are indistinguishable).",
        409: "A limit or the resource's state forbids it.",
        413: "The request body is larger than the server accepts.",
        422: "Invalid input: `errors` lists every bad field with a fix.",
        429: "Too many requests (writes, or failed authentications); see `Retry-After`.",
        500: "An internal error (a bug; it is logged).",
        503: "Not ready: the database is unreachable or behind, or the engine refused to start.",
    }
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {
            "description": described[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}},
        }
        if status == 429:
            entry["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer"},
                    "required": True,
                }
            }
        if status == 401:
            entry["headers"] = {
                "WWW-Authenticate": {
                    "description": "The scheme to use: `Bearer`.",
                    "schema": {"type": "string"},
                    "required": True,
                }
            }
        out[status] = entry
    return out
