"""A small synchronous client of the agentcron REST API, for the command line.

Policy lives here, mechanism in httpx: the client turns every failure (no server, no or a
refused token, a problem+json answer, a garbled answer) into one `ApiError` whose message is
a single line a person can act on. `transport` lets a test plug in any httpx transport.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from agentcron import __version__

NOT_SIGNED_IN = "not signed in: run `agentcron login` or set AGENTCRON_TOKEN"


class ApiError(Exception):
    """One line for a person, the HTTP status when the server answered (else 0), and the
    problem document it answered with, if any (for callers that pass its words on)."""

    def __init__(
        self, message: str, status: int = 0, problem: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ServerEvent:
    """One server-sent event: its `event:` name and its `data:` text (usually JSON)."""

    name: str
    data: str

    def json(self) -> Any:
        try:
            return json.loads(self.data)
        except ValueError:
            return self.data


class ApiClient:
    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token
        headers = {"User-Agent": f"agentcron-cli/{__version__}", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.url, headers=headers, timeout=timeout, transport=transport
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- requests -----------------------------------------------------------------------------

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body=body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body=body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def request(
        self, method: str, path: str, *, body: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        """The decoded JSON answer (None for an empty one), or ApiError."""
        if not self.token:
            raise ApiError(NOT_SIGNED_IN, 401)
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        try:
            response = self._http.request(method, path, json=body, params=query)
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from None
        if response.is_error:
            raise error_from_response(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                f"the server at {self.url} answered {method} {path} with something that is "
                "not JSON: is this an agentcron server?",
                response.status_code,
            ) from None

    def events(self, on_open: Callable[[], None] | None = None) -> Iterator[ServerEvent]:
        """Follow `/api/events` until the server closes the stream (or the caller stops).

        `on_open` is called when the stream's first line arrives: the server writes it once
        the subscription is in place, so every event published after that is delivered."""
        if not self.token:
            raise ApiError(NOT_SIGNED_IN, 401)
        timeout = httpx.Timeout(10.0, read=None)
        try:
            with self._http.stream(
                "GET", "/api/events", headers={"Accept": "text/event-stream"}, timeout=timeout
            ) as response:
                if response.is_error:
                    response.read()
                    raise error_from_response(response)
                yield from parse_sse(_announcing(response.iter_lines(), on_open))
        except httpx.TransportError as exc:
            raise self._transport_error(exc) from None

    def _transport_error(self, exc: httpx.TransportError) -> ApiError:
        if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            return ApiError(f"cannot reach agentcron at {self.url}: is `agentcron serve` running?")
        if isinstance(exc, httpx.TimeoutException):
            return ApiError(f"agentcron at {self.url} did not answer in time; try again")
        return ApiError(f"lost the connection to agentcron at {self.url}: {exc}")


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def error_from_response(response: httpx.Response) -> ApiError:
    """problem+json (`title`, `detail`, `errors: [{field, message, fix}]`) as one line."""
    status = response.status_code
    body: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if status == 401:
        if response.request.headers.get("Authorization"):
            return ApiError(
                "not signed in: the server refused the token; run `agentcron login` "
                "or set AGENTCRON_TOKEN",
                status,
            )
        return ApiError(NOT_SIGNED_IN, status)
    if isinstance(body, dict):
        return ApiError(problem_line(body, status), status, body)
    text = " ".join(response.text.split())[:200]
    return ApiError(
        f"the server answered {status} {response.reason_phrase}" + (f": {text}" if text else ""),
        status,
    )


def problem_line(problem: dict[str, Any], status: int) -> str:
    """ "detail (field: message — fix; …)", without saying the same thing twice."""
    detail = _text(problem.get("detail")) or _text(problem.get("title")) or f"HTTP {status}"
    parts: list[str] = []
    for item in problem.get("errors") or []:
        if not isinstance(item, dict):
            continue
        field = _text(item.get("field"))
        message = _text(item.get("message"))
        fix = _text(item.get("fix"))
        part = f"{field}: {message}" if field else message
        if fix:
            part += f" — {fix}"
        if part:
            parts.append(part)
    if not parts:
        return detail
    if all(_text(i.get("message")) in detail for i in problem["errors"] if isinstance(i, dict)):
        # The detail already lists the problems (as "field: message; …"): keep the fixes only.
        title = _text(problem.get("title")) or "invalid input"
        detail = title[:1].lower() + title[1:]
    return f"{detail} ({'; '.join(parts)})"


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _announcing(lines: Iterator[str], on_open: Callable[[], None] | None) -> Iterator[str]:
    for number, line in enumerate(lines):
        if number == 0 and on_open is not None:
            on_open()
        yield line


def parse_sse(lines: Iterator[str]) -> Iterator[ServerEvent]:
    """The event-stream format: `event:`/`data:` lines, a blank line ends an event, `:` comments."""
    name = "message"
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield ServerEvent(name, "\n".join(data))
            name, data = "message", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value or "message"
        elif field == "data":
            data.append(value)
    if data:
        yield ServerEvent(name, "\n".join(data))
