"""The console's JSON API: reads (alerts, detail, map, feeds, silences, live events) and the
operator actions. Endpoints get the request and the authenticated ``Principal`` (``app``
checks access and CSRF first); the store is synchronous, so its calls run in threads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newswatch.sinks.alerts import actions
from newswatch.sinks.alerts.silences import parse_matcher
from newswatch.sinks.alerts.store import SqlAlertStore
from newswatch.sinks.console import views
from newswatch.sinks.console.auth import Principal
from newswatch.sinks.console.live import ChangeFeed
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from newswatch.durations import parse_duration

__all__ = ["Api"]

_STEPS = {"ack": actions.acknowledge, "resolve": actions.resolve}


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
    if comment is None:
        return None
    return str(comment).strip()[:2000] or None


class Api:
    def __init__(self, store: SqlAlertStore, feed: ChangeFeed, *, feeds_file: Path | None,
                 state_dir: Path, dead_after_s: float) -> None:
        self.store = store
        self.feed = feed
        self.feeds_file = feeds_file
        self.state_dir = state_dir
        self.dead_after_s = dead_after_s

    # ---- reads -------------------------------------------------------------------------------

    async def list_alerts(self, request: Request, principal: Principal) -> Response:
        try:
            query = views.query_from_params(request.query_params, datetime.now(UTC))
        except views.BadQuery as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

        def read() -> dict[str, Any]:
            alerts = self.store.list_alerts(query)
            # a short page is the whole answer only when SQL alone decides the filters
            by_sql = not (query.countries or query.event_types or query.actors or query.admin1)
            total = (len(alerts) if by_sql and len(alerts) < query.limit
                     else self.store.count_alerts(query))
            return {"alerts": [views.alert_row(a) for a in alerts], "total": total}
        return JSONResponse(await run_in_threadpool(read))

    async def alert_detail(self, request: Request, principal: Principal) -> Response:
        def read() -> dict[str, Any] | None:
            try:
                alert = actions.find_alert(self.store, request.path_params["alert_id"])
            except actions.ActionError:
                return None
            return views.alert_detail(self.store, alert)
        found = await run_in_threadpool(read)
        if found is None:
            return JSONResponse({"error": "no such alert"}, status_code=404)
        return JSONResponse(found)

    async def map_counts(self, request: Request, principal: Principal) -> Response:
        states = tuple(s for s in request.query_params.get("state", "").split(",") if s)
        if states == ("all",):
            states = views.STATES
        bad = [s for s in states if s not in views.STATES]
        if bad:
            return JSONResponse({"error": f"state {bad[0]!r}"}, status_code=400)
        counts = await run_in_threadpool(views.map_counts, self.store,
                                         states or views.STATES[:3])
        return JSONResponse(counts)

    async def facets(self, request: Request, principal: Principal) -> Response:
        rules = await run_in_threadpool(self.store.rule_ids)
        return JSONResponse({"rules": rules, "states": views.STATES,
                             "severities": views.SEVERITIES})

    async def feeds(self, request: Request, principal: Principal) -> Response:
        found = await run_in_threadpool(views.feeds_view, self.feeds_file, self.state_dir,
                                        self.dead_after_s)
        return JSONResponse(found)

    async def silences(self, request: Request, principal: Principal) -> Response:
        now = datetime.now(UTC)
        found = await run_in_threadpool(self.store.silences)
        return JSONResponse({"silences": [
            {"id": s.id, "matchers": s.describe(), "starts_at": s.starts_at.isoformat(),
             "ends_at": s.ends_at.isoformat(), "by": s.created_by, "comment": s.comment,
             "active": s.active(now)} for s in found[:200]]})

    async def events(self, request: Request, principal: Principal) -> Response:
        """Server-sent events: a batch of changed alerts per ``alerts`` event; a comment
        every 15 s keeps proxies from closing an idle stream."""
        queue = self.feed.subscribe()

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
                self.feed.unsubscribe(queue)
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store",
                                          "x-accel-buffering": "no"})

    # ---- actions (ActionError -> 409, ValueError -> 400, in app) ----------------------------

    async def act(self, request: Request, principal: Principal) -> Response:
        step = _STEPS.get(request.path_params["action"])
        if step is None:
            return JSONResponse({"error": "actions: ack, resolve"}, status_code=404)
        body = await _body(request)
        changed = await run_in_threadpool(step, self.store, request.path_params["alert_id"],
                                          principal.name, _comment(body), datetime.now(UTC))
        return JSONResponse({"alert": views.alert_row(changed)})

    async def add_silence(self, request: Request, principal: Principal) -> Response:
        body = await _body(request)
        raw = body.get("matchers")
        if not isinstance(raw, list) or not raw:
            raise ValueError("matchers: a list such as [\"rule=pk-attack\"]")
        matchers = [parse_matcher(str(m)) for m in raw]
        duration = parse_duration(str(body.get("duration") or "2h"))
        done = await run_in_threadpool(actions.silence, self.store, matchers, duration,
                                       principal.name, _comment(body) or "", datetime.now(UTC))
        return JSONResponse({"silence": {"id": done.silence.id,
                                         "matchers": done.silence.describe(),
                                         "ends_at": done.silence.ends_at.isoformat()},
                             "covered": done.covered})

    async def end_silence(self, request: Request, principal: Principal) -> Response:
        ended = await run_in_threadpool(actions.unsilence, self.store,
                                        request.path_params["silence_id"], principal.name,
                                        datetime.now(UTC))
        return JSONResponse({"ended": ended is not None})
