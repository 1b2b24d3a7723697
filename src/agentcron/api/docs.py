"""`/docs`: the OpenAPI page, working offline.

Swagger UI comes from the `fastapi-offline` package, which ships its files, and is served by
agentcron itself under `/docs/assets/`: the page names no other host and loads nothing from
one. It starts from our own script (no inline script), so it keeps the same strict
Content-Security-Policy as the web UI.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException

SWAGGER = Path(fastapi_offline.__file__).parent / "static"
ASSETS = {
    "swagger-ui-bundle.js": SWAGGER / "swagger-ui-bundle.js",
    "swagger-ui.css": SWAGGER / "swagger-ui.css",
    "favicon.png": SWAGGER / "favicon.png",
    "docs.js": Path(__file__).with_name("docs.js"),
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
    "object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · {title}</title>
<link rel="icon" href="/docs/assets/favicon.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<script src="/docs/assets/swagger-ui-bundle.js" defer></script>
<script src="/docs/assets/docs.js" defer></script>
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<noscript>The API reference needs JavaScript; the document itself is at
<a href="{openapi_url}">{openapi_url}</a>.</noscript>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    """Serve `/docs` from local assets; the app is built with FastAPI's own (CDN) pages off."""
    router = APIRouter(include_in_schema=False)
    page = PAGE.format(title=app.title, openapi_url=app.openapi_url or "/openapi.json")

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={**HEADERS, "Cache-Control": "no-cache"})

    @router.get("/docs/assets/{name}")
    async def asset(name: str) -> FileResponse:
        path = ASSETS.get(name)
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, headers={**HEADERS, "Cache-Control": "public, max-age=86400"})

    app.include_router(router)
