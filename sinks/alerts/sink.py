"""The alert sink: one tagged article in, the records to publish out.

Per article, in one store transaction (so stories, alerts and notifications never half-change):

1. the story stage places the article in a story (``stories.assign.assign``);
2. the rules are evaluated against the article and its story (``engine.evaluate``) and every
   new or updated alert is saved with its history;
3. each route that wants the alerts calling for a notification gets one outbox entry naming
   all of them (grouped per article, as Alertmanager groups alerts), which its delivery
   worker sends later: a slow or failing route never holds up the store or the topic.

Then it returns the records to publish: the story (when it changed) on ``news.stories`` and
every alert touched (new, updated, or re-delivered) on ``news.alerts``, keyed by id.

If the store fails (disk full, locked, unreachable) ``handle`` raises ``AlertStoreError`` and
returns nothing: the caller must not commit the article's offset, so the article is retried;
alert ids are stable and a re-delivered article is recognised, so the retry raises no
duplicate alert and no duplicate notification.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newswatch.sinks.alerts.engine import Decision, evaluate
from newswatch.sinks.alerts.metrics import AlertMetrics, default_metrics
from newswatch.sinks.alerts.outbox import NotifyEvent
from newswatch.sinks.alerts.rules import RuleSet
from newswatch.sinks.alerts.silences import Silence, SilenceIndex
from newswatch.sinks.alerts.store import AlertStoreError, SqlAlertStore
from newswatch.sinks.stories import zipf
from newswatch.sinks.stories.assign import StoryChange, assign
from newswatch.sinks.stories.config import StoryConfig

from newswatch.contracts import Alert, Story, TaggedArticle

__all__ = ["AlertSink", "ArticleOutcome", "RouteSelector"]

log = logging.getLogger(__name__)

# route name -> the alerts (of one article) that route wants
RouteSelector = Callable[[Sequence[Alert]], dict[str, list[Alert]]]
_EVENT_ORDER: tuple[NotifyEvent, ...] = ("new", "escalated", "reopened", "burst")


@dataclass(slots=True)
class ArticleOutcome:
    """What one article did: its story change and the rules' decisions."""

    article: TaggedArticle
    story: StoryChange
    decisions: list[Decision] = field(default_factory=list)
    # alert id -> its JSON, as stored (the role publishes the same bytes, serialised once)
    bodies: dict[str, str] = field(default_factory=dict)

    @property
    def alerts(self) -> list[Alert]:
        return [d.alert for d in self.decisions if d.alert is not None]

    @property
    def to_notify(self) -> list[Decision]:
        return [d for d in self.decisions if d.notify is not None]


_ALERT_JSON = Alert.__pydantic_serializer__.to_json


def _json(alert: Alert) -> str:
    """``alert.model_dump_json()``: the same text, without passing its dozen default
    arguments through (a sixth of the cost of an alert's JSON, made for every version)."""
    return _ALERT_JSON(alert).decode()


def _no_routes(_alerts: Sequence[Alert]) -> dict[str, list[Alert]]:
    return {}


class AlertSink:
    """Stories, rules, store and outbox for one alert role. ``ruleset`` and ``silences`` may
    be replaced at any time (hot reload); the role does that on its timer."""

    def __init__(self, store: SqlAlertStore, ruleset: RuleSet, *,
                 routes: RouteSelector = _no_routes, story_config: StoryConfig | None = None,
                 metrics: AlertMetrics | None = None) -> None:
        self.store = store
        self.ruleset = ruleset
        self.routes = routes
        self._silences: list[Silence] = []
        self._silence_index = SilenceIndex(())
        self.story_config = story_config or StoryConfig()
        self.metrics = metrics or default_metrics()
        zipf.load()  # the story stage's word table, read at start rather than by article one

    @property
    def silences(self) -> list[Silence]:
        return self._silences

    @silences.setter
    def silences(self, silences: list[Silence]) -> None:
        self._silences = list(silences)
        self._silence_index = SilenceIndex(self._silences)

    def handle(self, tagged: TaggedArticle, now: datetime) -> ArticleOutcome:
        """Place the article, evaluate the rules, save, queue notifications.

        Raises AlertStoreError when the store fails; retry the article later.
        """
        try:
            with self.store.transaction():
                change = assign(tagged, self.store, now, self.story_config)
                decisions = evaluate(self.ruleset, tagged, change.state.story, now, self.store,
                                     self._silence_index)
                changed = [d.alert for d in decisions
                           if d.kind in ("new", "update") and d.alert is not None]
                bodies = {alert.id: _json(alert) for alert in changed}
                if changed:
                    self.store.save_alerts(changed, article_id=tagged.id, bodies=bodies)
                    self.store.save_article(tagged, change.state.story.id, now)
                outcome = ArticleOutcome(tagged, change, decisions, bodies)
                self._queue_notifications(outcome, now)
        except AlertStoreError as exc:
            self.metrics.store_errors.inc()
            log.error("article %s not processed, will be retried: %s", tagged.id, exc)
            raise
        self._count(outcome)
        return outcome

    def _queue_notifications(self, outcome: ArticleOutcome, now: datetime) -> None:
        wanted = outcome.to_notify
        if not wanted:
            return
        alerts = [d.alert for d in wanted if d.alert is not None]
        events = {d.notify for d in wanted}
        event = next(e for e in _EVENT_ORDER if e in events)
        group_key = outcome.article.id + "|" + ",".join(
            f"{a.id[:12]}:{a.version}" for a in sorted(alerts, key=lambda a: a.id))
        for route, route_alerts in self.routes(alerts).items():
            if route_alerts:
                self.store.enqueue(route, group_key, event, route_alerts, now)

    def _count(self, outcome: ArticleOutcome) -> None:
        m = self.metrics
        for d in outcome.decisions:
            counters = m.rule(d.rule.id)
            if d.kind == "new" and d.alert is not None:
                m.raised.labels(d.rule.id, d.alert.severity).inc()
            elif d.kind == "update":
                counters.updated.inc()
                if d.escalated:
                    counters.escalated.inc()
            elif d.kind == "stale":
                counters.stale.inc()
            else:
                counters.duplicates.inc()
            if d.alert is not None and d.alert.silenced_by and d.kind != "duplicate":
                counters.silenced.inc()

    @staticmethod
    def story_changed(outcome: ArticleOutcome) -> Story | None:
        """The story record to publish, or None for a re-delivered article."""
        return outcome.story.state.story if outcome.story.changed else None
