"""A route's URL: read from where the route says (environment or secrets file), and kept out of
every message we write.

Errors name the route and the *source* (``$SLACK_OPS_URL``, ``file /run/secrets/slack``), never
the value. ``redact`` removes every part of a URL (host, user, password, path segments, query
values) from a text, for the failure details a notification library reports, which may quote
the host or path where webhook tokens live.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import unquote

from newswatch.sinks.alerts.routes.config import RouteConfig

__all__ = ["RouteError", "redact", "resolve_url", "secret_fragments"]

_MASK = "***"
# Parts shorter than this are too common to hide from a message ("/", port digits of "80"
# would mangle ordinary words); no token worth the name is this short.
_MIN_FRAGMENT = 3
_SPLIT = re.compile(r"[/:@?&=#,;+\s]+")


class RouteError(ValueError):
    """A route that cannot be used: its URL is missing, unreadable or not one apprise knows."""


def resolve_url(route: RouteConfig, environ: Mapping[str, str] | None = None) -> str:
    """The route's apprise URL, from its environment variable or secrets file."""
    if route.url_env is not None:
        env = os.environ if environ is None else environ
        value = env.get(route.url_env)
        if value is None:
            raise RouteError(f"route '{route.name}': environment variable {route.url_env} is not "
                             "set (it must hold the route's apprise URL)")
    else:
        assert route.url_file is not None  # the model requires one of the two
        try:
            value = route.url_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
            raise RouteError(f"route '{route.name}': cannot read secrets file "
                             f"{route.url_file}: {reason}") from None
    url = value.strip()
    if not url:
        raise RouteError(f"route '{route.name}': {route.url_source} is empty (it must hold the "
                         "route's apprise URL)")
    return url


def secret_fragments(url: str) -> list[str]:
    """Every part of ``url`` after its scheme that a message must not show, longest first,
    raw and percent-decoded."""
    _, _, rest = url.partition("://")
    parts = {p for p in _SPLIT.split(rest) if len(p) >= _MIN_FRAGMENT}
    parts |= {unquote(p) for p in parts}
    if rest:
        parts.add(rest)
    return sorted(parts, key=len, reverse=True)


def redact(text: str, fragments: list[str]) -> str:
    """``text`` with every fragment masked."""
    for fragment in fragments:
        if fragment:
            text = text.replace(fragment, _MASK)
    return text
