"""A route's URL: read from where the route says (environment or secrets file), and kept out of
every message we write.

Errors name the route and the *source* (``$SLACK_OPS_URL``, ``file /run/secrets/slack``), never
the value. ``redact`` removes every part of a URL (host, user, password, path segments, query
values) from a text, for the failure details a notification library reports, which may quote
the host or path where webhook tokens live.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

from newswatch.sinks.alerts.routes.config import RouteConfig

__all__ = ["RouteError", "redact", "resolve_url", "secret_fragments"]

_MASK = "***"
# Parts shorter than this are too common to hide from a message (masking "v1" would mangle
# ordinary text); no token worth the name is this short.
_MIN_FRAGMENT = 3


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
    """Every part of ``url`` a message must not show (user, password, host, path segments,
    query values, fragment), raw and percent-decoded, longest first. The scheme, port and
    query keys stay readable: they name the service and options, not the secret."""
    rest = url.partition("://")[2]
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a broken IPv6 host: hide the whole thing and its segments
        found = {rest, *rest.split("/")}
        return sorted((f for f in found if len(f) >= _MIN_FRAGMENT), key=len, reverse=True)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    host = hostport.rsplit(":", 1)[0] if hostport.count(":") == 1 else hostport
    # apprise's ``:key=value`` options rename payload keys (not secret, and masking "text"
    # everywhere would garble messages); header (``+``) and other values may be tokens.
    values = [raw.partition("=")[2] for raw in parts.query.split("&")
              if not raw.startswith((":", "%3A", "%3a"))]
    found = {user, password, host, parts.fragment, parts.netloc, *parts.path.split("/"),
             *values}
    found |= {unquote(f) for f in found}
    found.add(rest)
    return sorted((f for f in found if len(f) >= _MIN_FRAGMENT), key=len, reverse=True)


def redact(text: str, fragments: Iterable[str]) -> str:
    """``text`` with every fragment masked."""
    for fragment in fragments:
        if fragment:
            text = text.replace(fragment, _MASK)
    return text
