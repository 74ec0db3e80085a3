"""Who may use the console and what they may do; pure decisions, no HTTP.

Access rules:
- Bound to a loopback address with no token and no users file, the console trusts the
  machine's users: everyone is an operator, recorded as the OS login name.
- Bound to anything else, a token (``NEWSWATCH_CONSOLE__TOKEN`` or a token file) or a users
  file is required, else the console refuses to start (``check_startable``). Configured auth is
  enforced on loopback too.
- The token makes an operator named ``token``; users-file users have the role given in the
  file: ``operator`` (may act) or ``readonly`` (may only look).

Users file: one user a line, ``name role hash``; ``#`` starts a comment. The hash is
``scrypt$N$r$p$salt$key`` (stdlib ``hashlib.scrypt``, base64 salt and key), made by
``newswatch console hash-password``.

Browsers sign in once (``/login``) and get a session cookie: ``name|role|expiry`` signed with
HMAC-SHA256 under a key made at start (sessions end when the console restarts). Scripts may
send ``Authorization: Bearer <token>`` instead.

CSRF: every state-changing request must carry the ``X-CSRF-Token`` header equal to the
per-session ``nw_csrf`` cookie (double submit; a page on another site can neither read the
cookie nor set the header), and its ``Origin``, when sent, must be this console's own. Cookies
are ``SameSite=Strict`` and ``HttpOnly``.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

__all__ = ["Access", "AuthConfigError", "Principal", "check_startable", "csrf_ok",
           "hash_password", "is_loopback", "load_users", "verify_password"]

Role = Literal["operator", "readonly"]
ROLES: tuple[str, ...] = ("operator", "readonly")
_SCRYPT = (2**14, 8, 1)


class AuthConfigError(ValueError):
    """The console's access settings cannot work (message says what to change)."""


@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: Role

    @property
    def may_act(self) -> bool:
        return self.role == "operator"


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    password_hash: str


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    n, r, p = _SCRYPT
    salt = salt or secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    return (f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}$"
            f"{base64.b64encode(key).decode()}")


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                             r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def load_users(path: Path) -> dict[str, User]:
    """Users from ``path``; a malformed line is an error naming file and line."""
    users: dict[str, User] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AuthConfigError(f"console users file {path}: {exc.strerror or exc}") from None
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or parts[1] not in ROLES or not parts[2].startswith("scrypt$"):
            raise AuthConfigError(f"{path}:{number}: expected 'NAME ROLE HASH' with ROLE one of "
                                  f"{', '.join(ROLES)} and a hash from `newswatch console "
                                  "hash-password`")
        users[parts[0]] = User(parts[0], parts[1], parts[2])  # type: ignore[arg-type]
    return users


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "console"


class Access:
    """The console's access configuration and its decisions."""

    def __init__(self, *, token: str | None = None, users: Mapping[str, User] | None = None,
                 session_s: float = 12 * 3600, key: bytes | None = None) -> None:
        self.token = token or None
        self.users = dict(users or {})
        self.session_s = session_s
        self._key = key or secrets.token_bytes(32)
        self.local_user = _os_user()

    @property
    def required(self) -> bool:
        """True when requests must authenticate (token or users configured)."""
        return self.token is not None or bool(self.users)

    # -- who is asking ---------------------------------------------------------------------

    def principal(self, *, bearer: str | None, session: str | None,
                  now: float | None = None) -> Principal | None:
        """The caller, or None when authentication is required and missing or wrong."""
        if not self.required:
            return Principal(self.local_user, "operator")
        if bearer is not None and self.token is not None and hmac.compare_digest(
                bearer.encode(), self.token.encode()):
            return Principal("token", "operator")
        if session:
            return self._read_session(session, time.time() if now is None else now)
        return None

    def login(self, *, username: str, password: str) -> Principal | None:
        """Check a sign-in form: a user's password, or the token (username left empty)."""
        if not username and self.token is not None:
            ok = hmac.compare_digest(password.encode(), self.token.encode())
            return Principal("token", "operator") if ok else None
        user = self.users.get(username)
        if user is None:
            verify_password(password, hash_password("timing"))  # same work for unknown names
            return None
        return Principal(user.name, user.role) if verify_password(password,
                                                                  user.password_hash) else None

    # -- sessions --------------------------------------------------------------------------

    def session_for(self, who: Principal, now: float | None = None) -> str:
        expiry = int((time.time() if now is None else now) + self.session_s)
        body = base64.urlsafe_b64encode(f"{who.name}|{who.role}|{expiry}".encode()).decode()
        return f"{body}.{self._sign(body)}"

    def _sign(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def _read_session(self, value: str, now: float) -> Principal | None:
        body, _, signature = value.partition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(body).encode()):
            return None
        try:
            name, role, expiry = base64.urlsafe_b64decode(body).decode().rsplit("|", 2)
            expires = int(expiry)
        except ValueError:
            return None
        if expires <= now or role not in ROLES:
            return None
        # a user removed from the file, or whose role changed, loses the old session's rights
        if name != "token":
            user = self.users.get(name)
            if user is None:
                return None
            role = user.role
        elif self.token is None:
            return None
        return Principal(name, role)  # type: ignore[arg-type]


def check_startable(host: str, access: Access) -> None:
    """Refuse to serve beyond loopback without authentication."""
    if not is_loopback(host) and not access.required:
        raise AuthConfigError(
            f"refusing to serve the console on {host}: beyond loopback it needs authentication."
            " Set NEWSWATCH_CONSOLE__TOKEN (or NEWSWATCH_CONSOLE__TOKEN_FILE), or a users file "
            "(NEWSWATCH_CONSOLE__USERS_FILE; `newswatch console hash-password` makes the hashes),"
            " or bind to 127.0.0.1")


def csrf_ok(*, cookie: str | None, header: str | None, origin: str | None,
            host: str | None) -> bool:
    """A state-changing request may proceed: header token equals the cookie token, and the
    Origin (when the browser sends one) is this console's host."""
    if not cookie or not header or not hmac.compare_digest(cookie.encode(), header.encode()):
        return False
    if origin is None:
        return True
    return bool(host) and urlsplit(origin).netloc == host
