"""The console's web app (Starlette): routes, access checks, security headers.

Every response carries the security headers (``SecurityHeaders``): a Content-Security-Policy
that allows only this origin's files (no inline script or style, no framing), nosniff,
``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``. Every page and ``/api``
request is authenticated when auth is configured (``auth.Access``; ``Gate.read``); actions
also need the operator role and pass the CSRF check (``Gate.act``). The endpoints are in
``api`` (JSON) and ``signin`` (sign-in, session).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from newswatch.sinks.alerts.actions import ActionError
from newswatch.sinks.alerts.store import SqlAlertStore
from newswatch.sinks.console.api import Api
from newswatch.sinks.console.auth import Access, Principal, csrf_ok
from newswatch.sinks.console.live import ChangeFeed
from newswatch.sinks.console.signin import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    STATIC,
    SignIn,
)
from newswatch.sinks.console.throttle import SignInThrottle
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SECURITY_HEADERS", "create_app"]

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, Principal], Awaitable[Response]]


class SecurityHeaders:
    """ASGI middleware: the security headers on every response, streams and errors too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if scope["path"].startswith("/api/"):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class Gate:
    """Wraps endpoints with the access decisions: who is asking, may they act, is the
    request their own (CSRF)."""

    def __init__(self, access: Access) -> None:
        self.access = access

    def _who(self, request: Request) -> Principal | None:
        return self.access.principal(bearer=_bearer(request),
                                     session=request.cookies.get(SESSION_COOKIE))

    @staticmethod
    def _refuse(request: Request) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "authentication required"}, status_code=401,
                                headers={"www-authenticate": 'Bearer realm="newswatch"'})
        return RedirectResponse("/login", status_code=303)

    def read(self, handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            principal = self._who(request)
            if principal is None:
                return self._refuse(request)
            return await handler(request, principal)
        return endpoint

    def act(self, handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            principal = self._who(request)
            if principal is None:
                return self._refuse(request)
            if not principal.may_act:
                return JSONResponse({"error": f"{principal.name} is read-only"},
                                    status_code=403)
            if not csrf_ok(cookie=request.cookies.get(CSRF_COOKIE),
                           header=request.headers.get(CSRF_HEADER),
                           origin=request.headers.get("origin"),
                           host=request.headers.get("host")):
                return JSONResponse({"error": "CSRF check failed: reload the page"},
                                    status_code=403)
            try:
                return await handler(request, principal)
            except ActionError as exc:
                return JSONResponse({"error": str(exc)}, status_code=409)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return endpoint


async def _index(request: Request, principal: Principal) -> Response:
    return FileResponse(STATIC / "index.html", headers={"cache-control": "no-store"})


async def _healthz(request: Request) -> Response:
    return JSONResponse({"ok": True})


def create_app(store: SqlAlertStore, access: Access, *, feeds_file: Path | None = None,
               state_dir: Path = Path("var"), dead_after_s: float = 24 * 3600,
               poll_interval_s: float = 0.5, throttle: SignInThrottle | None = None
               ) -> ASGIApp:
    """The console over ``store``; the caller owns (and closes) the store. ``throttle``:
    how failed sign-ins are limited (the default: ``SignInThrottle()``)."""
    feed = ChangeFeed(store, interval_s=poll_interval_s)
    api = Api(store, feed, feeds_file=feeds_file, state_dir=state_dir,
              dead_after_s=dead_after_s)
    signin = SignIn(access, throttle)
    gate = Gate(access)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        feed.start()
        try:
            yield
        finally:
            await feed.stop()

    routes = [
        Route("/", gate.read(_index)),
        Route("/login", signin.page, methods=["GET"]),
        Route("/login", signin.login, methods=["POST"]),
        Route("/logout", signin.logout, methods=["POST"]),
        Route("/healthz", _healthz),
        Route("/api/session", gate.read(signin.session)),
        Route("/api/alerts", gate.read(api.list_alerts)),
        Route("/api/alerts/{alert_id}", gate.read(api.alert_detail)),
        Route("/api/alerts/{alert_id}/{action:str}", gate.act(api.act), methods=["POST"]),
        Route("/api/map", gate.read(api.map_counts)),
        Route("/api/facets", gate.read(api.facets)),
        Route("/api/feeds", gate.read(api.feeds)),
        Route("/api/silences", gate.read(api.silences), methods=["GET"]),
        Route("/api/silences", gate.act(api.add_silence), methods=["POST"]),
        Route("/api/silences/{silence_id}/end", gate.act(api.end_silence), methods=["POST"]),
        Route("/api/events", gate.read(api.events)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return SecurityHeaders(Starlette(routes=routes, lifespan=lifespan))
