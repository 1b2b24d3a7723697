"""A cap on request bodies, counted as the bytes stream in, and on how slowly they may come.

A client that trickles its body (a slow-loris) holds a connection and a worker; once the
body has been silent for `body_timeout_s` the request is answered 408 and closed. Only the
body is timed: after it, `receive()` waits for a disconnect, which an SSE stream relies on.

`Content-Length` lets an honest oversized request be refused before a byte is read; a
chunked or lying one is cut off when the running count passes the cap, by raising
`BodyTooLarge` from `receive()`, which the route's body reading lets through and the
problem handlers answer as 413.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentcron.api.problems import BodyTooLarge, BodyTooSlow, problem_response


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, body_timeout_s: float = 30.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False
        body_done = False

        async def counted() -> Message:
            nonlocal received, body_done
            if body_done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout_s)
            except TimeoutError:
                raise BodyTooSlow(self.body_timeout_s) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)
        except BodyTooSlow:
            if started:
                raise
            response = problem_response(
                408,
                f"the request body did not arrive within {self.body_timeout_s:g} s",
                instance=scope.get("path"),
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            f"the request body is larger than {self.max_bytes} bytes",
            instance=scope.get("path"),
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
