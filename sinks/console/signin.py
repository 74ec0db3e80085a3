"""Signing in and out of the console, and the session the page reads (who, role, CSRF token).

Cookies: ``nw_session`` (signed, see ``auth.Access.session_for``) and ``nw_csrf`` (random,
sent back by the page in the ``X-CSRF-Token`` header); both ``HttpOnly``, ``SameSite=Strict``,
and ``Secure`` when served over HTTPS (uvicorn honours ``X-Forwarded-Proto`` from a local
proxy).
"""

from __future__ import annotations

import logging
import math
import secrets
from urllib.parse import parse_qs

from newswatch.sinks.console.auth import Access, Principal, csrf_ok
from newswatch.sinks.console.throttle import SignInThrottle
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)

from newswatch.settings import package_path

__all__ = ["CSRF_COOKIE", "CSRF_HEADER", "SESSION_COOKIE", "STATIC", "SignIn"]

STATIC = package_path("newswatch.sinks", "console", "static")
SESSION_COOKIE = "nw_session"
CSRF_COOKIE = "nw_csrf"
CSRF_HEADER = "x-csrf-token"
_MAX_FORM_BYTES = 8192

log = logging.getLogger(__name__)


def _set_cookie(request: Request, response: Response, name: str, value: str,
                max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")


def _too_many(wait_s: float) -> Response:
    minutes = max(1, math.ceil(wait_s / 60))
    body = ("<!doctype html><title>newswatch console: sign-in paused</title>"
            "<p>Too many failed sign-ins from this address or for this user. "
            f"Try again in {minutes} minute{'s' if minutes > 1 else ''}.</p>"
            '<p><a href="/login">Back to sign-in</a></p>')
    return HTMLResponse(body, status_code=429, headers={"retry-after": str(math.ceil(wait_s))})


class SignIn:
    def __init__(self, access: Access, throttle: SignInThrottle | None = None) -> None:
        self.access = access
        self.throttle = throttle or SignInThrottle()

    async def page(self, request: Request) -> Response:
        return FileResponse(STATIC / "login.html")

    async def login(self, request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is not None and not csrf_ok(cookie="x", header="x", origin=origin,
                                              host=request.headers.get("host")):
            return JSONResponse({"error": "cross-site sign-in refused"}, status_code=403)
        # the sign-in form is urlencoded; parsed here rather than with another dependency
        raw = await request.body()
        if len(raw) > _MAX_FORM_BYTES:
            return JSONResponse({"error": "sign-in form too large"}, status_code=413)
        form = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        username = form.get("username", [""])[0].strip()
        address = request.client.host if request.client else "unknown"
        wait_s = self.throttle.wait_s(address, username)
        if wait_s > 0:
            return _too_many(wait_s)
        principal = await run_in_threadpool(self.access.login, username=username,
                                            password=form.get("password", [""])[0])
        if principal is None:
            self.throttle.failed(address, username)
            if self.throttle.wait_s(address, username) > 0:
                log.warning("console sign-in paused for %.0f s after %d failures from %s or "
                            "for user %r", self.throttle.window_s, self.throttle.limit,
                            address, username)
            return RedirectResponse("/login?failed=1", status_code=303)
        self.throttle.succeeded(address, username)
        response = RedirectResponse("/", status_code=303)
        lifetime = int(self.access.session_s)
        _set_cookie(request, response, SESSION_COOKIE, self.access.session_for(principal),
                    lifetime)
        _set_cookie(request, response, CSRF_COOKIE, secrets.token_urlsafe(24), lifetime)
        return response

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse("/login" if self.access.required else "/",
                                    status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(CSRF_COOKIE)
        return response

    async def session(self, request: Request, principal: Principal) -> Response:
        """Who is signed in, and the CSRF token the page sends with actions (issued here
        when the browser has none, e.g. on loopback without sign-in)."""
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        response = JSONResponse({"user": principal.name, "role": principal.role,
                                 "may_act": principal.may_act, "auth": self.access.required,
                                 "csrf": token})
        if request.cookies.get(CSRF_COOKIE) != token:
            _set_cookie(request, response, CSRF_COOKIE, token, int(self.access.session_s))
        return response
