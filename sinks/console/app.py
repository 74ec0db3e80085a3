"""The console's web app (Starlette): pages, JSON API, live events, actions, access control.

Every response carries the security headers (``SecurityHeaders``): a Content-Security-Policy
that allows only this origin's files (no inline script or style, no framing), nosniff,
``X-Frame-Options: DENY`` and ``Referrer-Policy: no-referrer``. Every ``/api`` request and page
is authenticated when auth is configured (``auth.Access``); actions need the operator role and
pass the CSRF check (``auth.csrf_ok``). The store is synchronous; its calls run in threads.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from newswatch.sinks.alerts import actions
from newswatch.sinks.alerts.silences import parse_matcher
from newswatch.sinks.alerts.store import SqlAlertStore
from newswatch.sinks.console import views
from newswatch.sinks.console.auth import Access, Principal, csrf_ok
from newswatch.sinks.console.live import ChangeFeed
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newswatch.durations import parse_duration
from newswatch.settings import package_path

__all__ = ["SECURITY_HEADERS", "create_app"]

STATIC = package_path("newswatch.sinks", "console", "static")
SESSION_COOKIE = "nw_session"
CSRF_COOKIE = "nw_csrf"
CSRF_HEADER = "x-csrf-token"
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
_PUBLIC = ("/login", "/static/", "/healthz")


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
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def create_app(store: SqlAlertStore, access: Access, *, feeds_file: Path | None = None,
               state_dir: Path = Path("var"), dead_after_s: float = 24 * 3600,
               poll_interval_s: float = 0.5) -> ASGIApp:
    """The console over ``store``; the caller owns (and closes) the store."""
    feed = ChangeFeed(store, interval_s=poll_interval_s)

    def who(request: Request) -> Principal | None:
        return access.principal(bearer=_bearer(request),
                                session=request.cookies.get(SESSION_COOKIE))

    def refuse(request: Request) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "authentication required"}, status_code=401,
                                headers={"www-authenticate": 'Bearer realm="newswatch"'})
        return RedirectResponse("/login", status_code=303)

    Handler = Callable[[Request, Principal], Awaitable[Response]]

    def reader(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            principal = who(request)
            if principal is None:
                return refuse(request)
            return await handler(request, principal)
        return endpoint

    def actor(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            principal = who(request)
            if principal is None:
                return refuse(request)
            if not principal.may_act:
                return JSONResponse({"error": f"{principal.name} is read-only"}, status_code=403)
            if not csrf_ok(cookie=request.cookies.get(CSRF_COOKIE),
                           header=request.headers.get(CSRF_HEADER),
                           origin=request.headers.get("origin"),
                           host=request.headers.get("host")):
                return JSONResponse({"error": "CSRF check failed: reload the page"},
                                    status_code=403)
            try:
                return await handler(request, principal)
            except actions.ActionError as exc:
                return JSONResponse({"error": str(exc)}, status_code=409)
            except ValueError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return endpoint

    # ---- pages ---------------------------------------------------------------------------

    async def index(request: Request, principal: Principal) -> Response:
        return FileResponse(STATIC / "index.html", headers={"cache-control": "no-store"})

    async def login_page(request: Request) -> Response:
        return FileResponse(STATIC / "login.html")

    async def login(request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is not None and not csrf_ok(cookie="x", header="x", origin=origin,
                                              host=request.headers.get("host")):
            return JSONResponse({"error": "cross-site sign-in refused"}, status_code=403)
        # the sign-in form is urlencoded; parsed here rather than with another dependency
        raw = await request.body()
        if len(raw) > 8192:
            return JSONResponse({"error": "sign-in form too large"}, status_code=413)
        form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        principal = await run_in_threadpool(access.login,
                                            username=form.get("username", [""])[0].strip(),
                                            password=form.get("password", [""])[0])
        if principal is None:
            return RedirectResponse("/login?failed=1", status_code=303)
        response = RedirectResponse("/", status_code=303)
        _set_cookie(request, response, SESSION_COOKIE, access.session_for(principal),
                    int(access.session_s))
        _set_cookie(request, response, CSRF_COOKIE, secrets.token_urlsafe(24),
                    int(access.session_s))
        return response

    async def logout(request: Request) -> Response:
        response = RedirectResponse("/login" if access.required else "/", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(CSRF_COOKIE)
        return response

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True})

    # ---- reads ---------------------------------------------------------------------------

    async def session(request: Request, principal: Principal) -> Response:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        response = JSONResponse({"user": principal.name, "role": principal.role,
                                 "may_act": principal.may_act, "auth": access.required,
                                 "csrf": token})
        if request.cookies.get(CSRF_COOKIE) != token:
            _set_cookie(request, response, CSRF_COOKIE, token, int(access.session_s))
        return response

    async def list_alerts(request: Request, principal: Principal) -> Response:
        try:
            query = views.query_from_params(request.query_params, datetime.now(UTC))
        except views.BadQuery as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

        def read() -> dict[str, Any]:
            alerts = store.list_alerts(query)
            # a short page is the whole answer only when SQL alone decides the filters
            by_sql = not (query.countries or query.event_types or query.actors or query.admin1)
            total = (len(alerts) if by_sql and len(alerts) < query.limit
                     else store.count_alerts(query))
            return {"alerts": [views.alert_row(a) for a in alerts], "total": total}
        return JSONResponse(await run_in_threadpool(read))

    async def alert_detail(request: Request, principal: Principal) -> Response:
        def read() -> dict[str, Any] | None:
            try:
                alert = actions.find_alert(store, request.path_params["alert_id"])
            except actions.ActionError:
                return None
            return views.alert_detail(store, alert)
        found = await run_in_threadpool(read)
        if found is None:
            return JSONResponse({"error": "no such alert"}, status_code=404)
        return JSONResponse(found)

    async def map_counts(request: Request, principal: Principal) -> Response:
        states = tuple(s for s in request.query_params.get("state", "").split(",") if s)
        if states == ("all",):
            states = views.STATES
        bad = [s for s in states if s not in views.STATES]
        if bad:
            return JSONResponse({"error": f"state {bad[0]!r}"}, status_code=400)
        counts = await run_in_threadpool(views.map_counts, store, states or views.STATES[:3])
        return JSONResponse(counts)

    async def facets(request: Request, principal: Principal) -> Response:
        rules = await run_in_threadpool(store.rule_ids)
        return JSONResponse({"rules": rules, "states": views.STATES,
                             "severities": views.SEVERITIES})

    async def feeds(request: Request, principal: Principal) -> Response:
        found = await run_in_threadpool(views.feeds_view, feeds_file, state_dir, dead_after_s)
        return JSONResponse(found)

    async def silences(request: Request, principal: Principal) -> Response:
        now = datetime.now(UTC)
        found = await run_in_threadpool(store.silences)
        return JSONResponse({"silences": [
            {"id": s.id, "matchers": s.describe(), "starts_at": s.starts_at.isoformat(),
             "ends_at": s.ends_at.isoformat(), "by": s.created_by, "comment": s.comment,
             "active": s.active(now)} for s in found[:200]]})

    async def events(request: Request, principal: Principal) -> Response:
        queue = feed.subscribe()

        async def stream() -> AsyncIterator[str]:
            try:
                yield "retry: 2000\n\n"
                while True:
                    try:
                        batch = await asyncio.wait_for(queue.get(), timeout=15)
                    except TimeoutError:
                        yield ": keepalive\n\n"
                        continue
                    yield f"event: alerts\ndata: {json.dumps(batch)}\n\n"
            finally:
                feed.unsubscribe(queue)
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store",
                                          "x-accel-buffering": "no"})

    # ---- actions -------------------------------------------------------------------------

    async def _body(request: Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValueError("expected a JSON body") from None
        if not isinstance(body, dict):
            raise ValueError("expected a JSON object")  # noqa: TRY004 (a 400, not a bug)
        return body

    def _comment(body: dict[str, Any]) -> str | None:
        comment = body.get("comment")
        return str(comment).strip()[:2000] or None if comment is not None else None

    async def act(request: Request, principal: Principal) -> Response:
        step = {"ack": actions.acknowledge, "resolve": actions.resolve}.get(
            request.path_params["action"])
        if step is None:
            return JSONResponse({"error": "actions: ack, resolve"}, status_code=404)
        body = await _body(request)
        changed = await run_in_threadpool(step, store, request.path_params["alert_id"],
                                          principal.name, _comment(body), datetime.now(UTC))
        return JSONResponse({"alert": views.alert_row(changed)})

    async def add_silence(request: Request, principal: Principal) -> Response:
        body = await _body(request)
        raw = body.get("matchers")
        if not isinstance(raw, list) or not raw:
            raise ValueError("matchers: a list such as [\"rule=pk-attack\"]")
        matchers = [parse_matcher(str(m)) for m in raw]
        duration = parse_duration(str(body.get("duration") or "2h"))
        done = await run_in_threadpool(actions.silence, store, matchers, duration,
                                       principal.name, _comment(body) or "", datetime.now(UTC))
        return JSONResponse({"silence": {"id": done.silence.id,
                                         "matchers": done.silence.describe(),
                                         "ends_at": done.silence.ends_at.isoformat()},
                             "covered": done.covered})

    async def end_silence(request: Request, principal: Principal) -> Response:
        ended = await run_in_threadpool(actions.unsilence, store,
                                        request.path_params["silence_id"], principal.name,
                                        datetime.now(UTC))
        return JSONResponse({"ended": ended is not None})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        feed.start()
        try:
            yield
        finally:
            await feed.stop()

    routes = [
        Route("/", reader(index)),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/api/session", reader(session)),
        Route("/api/alerts", reader(list_alerts)),
        Route("/api/alerts/{alert_id}", reader(alert_detail)),
        Route("/api/alerts/{alert_id}/{action:str}", actor(act), methods=["POST"]),
        Route("/api/map", reader(map_counts)),
        Route("/api/facets", reader(facets)),
        Route("/api/feeds", reader(feeds)),
        Route("/api/silences", reader(silences), methods=["GET"]),
        Route("/api/silences", actor(add_silence), methods=["POST"]),
        Route("/api/silences/{silence_id}/end", actor(end_silence), methods=["POST"]),
        Route("/api/events", reader(events)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.change_feed = feed
    return SecurityHeaders(app)


def _set_cookie(request: Request, response: Response, name: str, value: str,
                max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
