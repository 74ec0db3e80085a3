"""``newswatch alerts``: list, show, acknowledge, resolve and silence alerts in the store.

Works on the alert store the alert role uses (``NEWSWATCH_ALERTS__STORE_URL`` or SQLite in the
state dir), with no broker: every change is stored with its history and queued in the store's
topic outbox, and the alert role publishes it on ``news.alerts`` (at once if it runs, else
when it next starts), exactly like a change made in the console.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime, timedelta

from newswatch.contracts import Alert
from newswatch.durations import parse_duration
from newswatch.settings import ConfigError, Settings

__all__ = ["add_parser"]

STATES = ("new", "updated", "acknowledged", "resolved")
SEVERITIES = ("info", "low", "medium", "high", "critical")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("alerts", help="list, show, acknowledge, resolve and "
                                   "silence alerts (the alert store; no broker needed)")
    commands = parser.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")

    listing = commands.add_parser("list", help="alerts, most recently changed first")
    listing.add_argument("--state", action="append", choices=STATES,
                         help="only these states (repeat; default: all but resolved)")
    listing.add_argument("--all", action="store_true", help="resolved alerts too")
    listing.add_argument("--severity", action="append", choices=SEVERITIES)
    listing.add_argument("--min-severity", choices=SEVERITIES)
    listing.add_argument("--rule", action="append", help="rule id (repeat)")
    listing.add_argument("--country", action="append", help="ISO alpha-2 (repeat)")
    listing.add_argument("--story", help="story id")
    listing.add_argument("--since", help="changed within, e.g. 2h, 3d, or an ISO time")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true", help="one alert JSON line each")
    listing.set_defaults(func=run_list)

    show = commands.add_parser("show", help="one alert with its history and articles")
    show.add_argument("alert_id", help="alert id or a unique prefix")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)

    for name, helptext in (("ack", ("acknowledge: someone is on it (no more pages unless it "
                            "escalates)")), ("resolve", "resolve: it is over")):
        action = commands.add_parser(name, help=helptext)
        action.add_argument("alert_ids", nargs="+", metavar="alert_id")
        action.add_argument("--by", default=None, help="who (default: the login name)")
        action.add_argument("--comment", "-m", default=None)
        action.set_defaults(func=run_action, action=name)

    silence = commands.add_parser("silence", help="stop notifying alerts that match, for a "
                                  "while (they are still stored and published)")
    silence.add_argument("matchers", nargs="+", metavar="FIELD=VALUE",
                         help="rule=ID, country=PK, admin1=PK-KP, actor=ttp, event_type=attack, "
                         "story=ID, severity=low; FIELD!=VALUE negates; all must hold")
    silence.add_argument("--for", dest="duration", default="2h", help="how long (default 2h)")
    silence.add_argument("--by", default=None)
    silence.add_argument("--comment", "-m", default="")
    silence.set_defaults(func=run_silence)

    unsilence = commands.add_parser("unsilence", help="end a silence now")
    unsilence.add_argument("silence_id")
    unsilence.add_argument("--by", default=None)
    unsilence.set_defaults(func=run_unsilence)

    silences = commands.add_parser("silences", help="silences in force (--all: ended too)")
    silences.add_argument("--all", action="store_true")
    silences.add_argument("--json", action="store_true")
    silences.set_defaults(func=run_silences)


def _store(settings: Settings):  # type: ignore[no-untyped-def]
    from newswatch.sinks.alerts.role import open_alert_store
    from newswatch.sinks.alerts.store import AlertStoreError

    try:
        return open_alert_store(settings)
    except AlertStoreError as exc:
        raise ConfigError(str(exc)) from None


def _who(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _since(text: str | None, now: datetime) -> datetime | None:
    if not text:
        return None
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--since {text!r}: use a duration (2h, 3d) or an ISO time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _short(alert_id: str) -> str:
    return alert_id[:10]


def _ago(when: datetime, now: datetime) -> str:
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def format_table(alerts: list[Alert], now: datetime) -> str:
    header = (f"{'ID':<10}  {'UPDATED':<9}  {'SEVERITY':<8}  {'STATE':<12}  {'RULE':<24}  "
              f"{'CTRY':<4}  {'SRC':>3}  {'ART':>3}  {'FIRST SEEN':<16}  TITLE")
    rows = [header]
    for a in alerts:
        state = a.state + ("*" if a.silenced_by else "")
        rows.append(
            f"{_short(a.id):<10}  {_ago(a.updated_at, now):<9}  {a.severity:<8}  {state:<12}  "
            f"{_cut(a.rule_id, 24):<24}  {a.primary_country or '-':<4}  {a.source_count:>3}  "
            f"{a.article_count:>3}  {a.first_seen_at:%Y-%m-%d %H:%M}  {_cut(a.title, 60)}")
    if any(a.silenced_by for a in alerts):
        rows.append("* silenced: stored and published, not notified")
    return "\n".join(rows)


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.alerts.store import AlertQuery

    now = datetime.now(UTC)
    states = tuple(args.state or (STATES if args.all else STATES[:3]))
    severities = tuple(args.severity or ())
    if args.min_severity:
        severities = SEVERITIES[SEVERITIES.index(args.min_severity):]
    query = AlertQuery(states=states, severities=severities, rules=tuple(args.rule or ()),
                       countries=tuple(c.upper() for c in args.country or ()),
                       story_id=args.story, since=_since(args.since, now), limit=args.limit)
    with _store(settings) as store:
        alerts = store.list_alerts(query)
        total = store.count_alerts(query)
    if args.json:
        for alert in alerts:
            print(alert.model_dump_json())
        return 0
    if not alerts:
        print("no alerts match" + ("" if args.all or args.state else
                                   " (resolved ones are hidden: --all)"))
        return 0
    print(format_table(alerts, now))
    if total > len(alerts):
        print(f"({len(alerts)} of {total}; --limit to see more)")
    return 0


def _find(store, alert_id: str) -> Alert:  # type: ignore[no-untyped-def]
    from newswatch.sinks.alerts.actions import ActionError, find_alert

    try:
        return find_alert(store, alert_id)
    except ActionError as exc:
        raise ConfigError(str(exc)) from None


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    with _store(settings) as store:
        alert = _find(store, args.alert_id)
        history = store.history(alert.id)
        story = store.get_story(alert.story_id)
    if args.json:
        print(json.dumps({"alert": alert.model_dump(mode="json"),
                          "history": [{"version": h.version, "change": h.change,
                                       "at": h.at.isoformat(), "by": h.actor,
                                       "comment": h.comment} for h in history],
                          "story": story.story.model_dump(mode="json") if story else None},
                         ensure_ascii=False, indent=2))
        return 0
    a = alert
    print(f"alert {a.id}  (version {a.version})")
    print(f"  {a.severity.upper()} · {a.state}{' · silenced by ' + ', '.join(a.silenced_by) if a.silenced_by else ''}")
    print(f"  rule      {a.rule_id}: {a.rule_name}")
    print(f"  story     {a.story_id}: {a.title}")
    print(f"  seen      first {a.first_seen_at:%Y-%m-%d %H:%M} UTC, last "
          f"{a.last_seen_at:%Y-%m-%d %H:%M} UTC; {a.article_count} article(s), "
          f"{a.source_count} source(s): {', '.join(a.sources)}")
    print(f"  where     {a.primary_country or '-'}; countries {', '.join(a.countries) or '-'};"
          f" divisions {', '.join(a.admin1) or '-'}")
    print(f"  who       {', '.join(a.actors) or '-'}; events {', '.join(a.event_types) or '-'}")
    print(f"  why       {a.summary}")
    for span in a.evidence[:8]:
        print(f"  evidence  {span.field}[{span.start}:{span.end}] “{_cut(span.text, 70)}”")
    print(f"  link      {a.url or '-'}")
    if story is not None:
        print("  articles")
        for art in story.story.articles[-10:]:
            published = f"{art.published_at:%Y-%m-%d %H:%M}" if art.published_at else "-"
            print(f"    {published}  {_cut(art.source, 20):<20}  {_cut(art.title, 70)}")
    print("  history")
    for h in history:
        who = f" by {h.actor}" if h.actor else ""
        note = f": {h.comment}" if h.comment else ""
        print(f"    v{h.version:<3} {h.at:%Y-%m-%d %H:%M:%S}  {h.change}{who}{note}")
    return 0


def run_action(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.alerts import actions

    now = datetime.now(UTC)
    who = _who(args.by)
    step = actions.acknowledge if args.action == "ack" else actions.resolve
    failed = 0
    with _store(settings) as store:
        for given in args.alert_ids:
            try:
                changed = step(store, given, who, args.comment, now)
            except actions.ActionError as exc:
                print(f"newswatch alerts {args.action}: {exc}", file=sys.stderr)
                failed += 1
                continue
            print(f"{_short(changed.id)} {changed.state} by {who} (version {changed.version})")
    return 1 if failed else 0


def run_silence(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.alerts import actions
    from newswatch.sinks.alerts.silences import parse_matcher

    try:
        matchers = [parse_matcher(m) for m in args.matchers]
        duration = parse_duration(args.duration)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if duration <= timedelta(0):
        raise ConfigError("--for must be longer than zero")
    who = _who(args.by)
    with _store(settings) as store:
        done = actions.silence(store, matchers, duration, who, args.comment, datetime.now(UTC))
    made = done.silence
    print(f"silence {made.id}: {made.describe()} until {made.ends_at:%Y-%m-%d %H:%M} "
          f"UTC by {who}; covers {done.covered} open alert(s) now")
    return 0


def run_unsilence(args: argparse.Namespace, settings: Settings) -> int:
    from newswatch.sinks.alerts import actions

    who = _who(args.by)
    with _store(settings) as store:
        try:
            ended = actions.unsilence(store, args.silence_id, who, datetime.now(UTC))
        except actions.ActionError as exc:
            raise ConfigError(str(exc)) from None
    if ended is None:
        print(f"silence {args.silence_id} is not in force; nothing to do")
        return 0
    print(f"silence {ended.id} ended by {who}")
    return 0


def run_silences(args: argparse.Namespace, settings: Settings) -> int:
    now = datetime.now(UTC)
    with _store(settings) as store:
        found = store.silences() if args.all else store.silences(active_at=now)
    if args.json:
        for s in found:
            print(s.model_dump_json())
        return 0
    if not found:
        print("no silences in force" + ("" if args.all else " (--all: ended ones too)"))
        return 0
    for s in found:
        state = "in force" if s.active(now) else "ended"
        print(f"{s.id}  {state:<8}  {s.starts_at:%Y-%m-%d %H:%M} → {s.ends_at:%Y-%m-%d %H:%M} "
              f"UTC  by {s.created_by}  {s.describe()}" + (f"  “{s.comment}”" if s.comment
                                                          else ""))
    return 0
