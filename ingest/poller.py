"""The poller: registry + fetcher + parser + state store + publisher, one cycle at a time.

A cycle fetches every due feed concurrently (asyncio, ``fetch.py``), parses each body in a
worker pool (off the event loop, so slow parsing never stalls the I/O), and hands finished
feeds to a single commit thread. The commit thread works in the order that makes delivery
at-least-once:

1. compare the parsed articles with the feed's seen ids (new id: publish; known id with a
   different ``content_hash``: publish again with ``is_update=True``);
2. publish them and wait until the broker has every one (``Publisher.publish`` raises if not);
3. only then write the feed's new state (validators, schedule, seen ids) in one transaction.

A crash between 2 and 3 publishes those articles again after a restart; nothing can be lost.
While one commit runs, the next feeds finish fetching and are batched into the next commit.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

from newswatch.ingest.address_policy import AddressPolicy
from newswatch.ingest.broker_contact import BrokerContact
from newswatch.ingest.config import PollerConfig, poller_config
from newswatch.ingest.fetch import Fetcher, FetchResult
from newswatch.ingest.health import classify
from newswatch.ingest.metrics import IngestMetrics, default_metrics, status_class
from newswatch.ingest.politeness import Limits
from newswatch.ingest.publisher import Encoded, Publisher, PublishError, key_hash
from newswatch.ingest.registry import FeedConfig, load_feeds
from newswatch.ingest.schedule import FeedState, PollResult, advance
from newswatch.ingest.state import FeedCommit, StateStore, StateStoreError

from newswatch.contracts import RawArticle
from newswatch.settings import ConfigError

if TYPE_CHECKING:
    from newswatch.ingest.parse import ParsedFeed

    from newswatch.settings import Settings

__all__ = ["BrokerUnreachable", "CycleReport", "Ownership", "Poller", "run_poll"]

log = logging.getLogger(__name__)

EXIT_OK, EXIT_ALL_FAILED, EXIT_BAD_CONFIG, EXIT_PUBLISH_FAILED, EXIT_STATE_FAILED = 0, 1, 2, 4, 5
EXIT_BROKER_LOST = 3  # as the consuming roles (newswatch.kafka.runner)


class BrokerUnreachable(PublishError):
    """No Kafka client of the role reached the broker for ``broker_timeout_s``."""


class Ownership(Protocol):
    """Which feeds this poller may poll right now (see ``ownership.py``)."""

    generation: int

    def cycle(self) -> Any:
        """Context manager yielding ``owns(feed_id) -> bool``; ownership cannot be taken away
        from this poller while the context is open (a rebalance waits for it to close)."""


@dataclass(slots=True)
class CycleReport:
    due: int = 0
    fetched: int = 0  # full (200) answers
    not_modified: int = 0  # 304
    failed: int = 0
    published: int = 0  # articles, new and updated
    updated: int = 0  # of which is_update
    errors: dict[str, str] = field(default_factory=dict)  # feed id -> what went wrong
    elapsed_s: float = 0.0

    def summary(self) -> str:
        return (f"{self.due} feeds polled in {self.elapsed_s:.2f} s: {self.fetched} fetched, "
                f"{self.not_modified} not modified, {self.failed} failed; "
                f"{self.published} articles published ({self.updated} updates)")


@dataclass(slots=True)
class _Parsed:
    """What the parser worker sends back: every article already encoded as its record value
    (id, content hash, JSON), so the poller's own process, which runs the event loop and the
    Kafka producer, spends no GIL time on unpickling models and serialising JSON."""

    articles: list[tuple[str, str | None, Encoded]]  # (id, content hash, record)
    error: str | None = None
    ttl_s: int | None = None
    update_period_s: int | None = None
    truncated_at: int | None = None  # the feed had more entries; only this many were read


@dataclass(slots=True)
class _Polled:
    feed: FeedConfig
    fetch: FetchResult
    parsed: _Parsed | None = None
    parse_error: str | None = None


def _parse(body: bytes, feed_id: str, feed_url: str, fetched_at: datetime,
           content_type: str | None, language: str | None, max_text_chars: int,
           date_budget: tuple[float, int, float] | None = None,
           max_entries: int | None = None) -> _Parsed:
    """Parse in a worker. ``date_budget``: (seconds, dateparser calls, cycle deadline on the
    monotonic clock, which is the same in every process of the machine)."""
    from newswatch.ingest.dates import DateBudget
    from newswatch.ingest.parse import MAX_ENTRIES, parse_feed

    budget = DateBudget(*date_budget) if date_budget is not None else None
    parsed: ParsedFeed = parse_feed(body, feed_id=feed_id, feed_url=feed_url,
                                    fetched_at=fetched_at, content_type=content_type,
                                    language=language, max_text_chars=max_text_chars,
                                    date_budget=budget, max_entries=max_entries or MAX_ENTRIES)
    return _Parsed([(a.id, a.content_hash,
                     Encoded(a.id, a.model_dump_json().encode("utf-8"), key_hash(a.id)))
                    for a in parsed.articles], parsed.error, parsed.ttl_s,
                   parsed.update_period_s, parsed.truncated_at)


def _init_worker(parent_pid: int) -> None:
    """Parser workers leave Ctrl-C to the poller: a terminal sends SIGINT to the whole process
    group, and the poller shuts its pool down itself after finishing the cycle. And they end
    with the poller: a SIGKILLed poller cannot shut its pool down, and its workers (and, once
    they are gone, multiprocessing's resource tracker) would otherwise live on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), name="parent-watch",
                     daemon=True).start()


def _exit_with_parent(parent_pid: int, every_s: float = 0.5) -> None:
    # Polling the parent id rather than PR_SET_PDEATHSIG: that signal fires when the *thread*
    # that started the worker ends, and the pool may be (re)created from any thread.
    while os.getppid() == parent_pid:
        time.sleep(every_s)
    os._exit(1)


def _warm_up() -> bool:
    import newswatch.ingest.parse  # noqa: F401 - import the parser once, before the first feed

    return True


class Poller:
    """Polls feeds and publishes new or changed articles. Not thread-safe: one caller."""

    def __init__(self, feeds: list[FeedConfig], state: StateStore, publish: Publisher, *,
                 config: PollerConfig | None = None, ownership: Ownership | None = None,
                 metrics: IngestMetrics | None = None, clock: Callable[[], float] = time.time,
                 rng: random.Random | None = None,
                 address_policy: AddressPolicy | None = None) -> None:
        self.config = config or PollerConfig()
        self.store = state
        self.publisher = publish
        self.ownership = ownership
        self.metrics = metrics or default_metrics()
        self.clock = clock
        self.rng = rng or random.Random()
        self.limits = Limits(self.config.min_interval_s, self.config.max_interval_s,
                             self.config.backoff_base_s, self.config.backoff_max_s)
        self.feeds: list[FeedConfig] = []
        self.set_feeds(feeds)
        self._states: dict[str, FeedState] = state.all()
        self._states_lock = threading.Lock()
        self._generation = getattr(ownership, "generation", 0)
        self._loop = asyncio.new_event_loop()
        self._fetcher = Fetcher(self.config, address_policy)
        self._parse_pool = self._make_parse_pool()
        self._commit_pool = ThreadPoolExecutor(1, thread_name_prefix="poller-commit")
        self._date_deadline = 0.0  # set per cycle: no dateparser for any feed after it

    def _make_parse_pool(self) -> Executor:
        if self.config.parse_workers <= 0:
            return ThreadPoolExecutor(1, thread_name_prefix="poller-parse")
        # spawn, not fork: the Kafka producer and SQLite already have threads in this process
        pool = ProcessPoolExecutor(self.config.parse_workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(os.getpid(),))
        for future in [pool.submit(_warm_up) for _ in range(self.config.parse_workers)]:
            future.result()
        return pool

    def _replace_broken_pool(self) -> None:
        broken = self._parse_pool
        if getattr(broken, "_broken", False):
            self._parse_pool = self._make_parse_pool()
            broken.shutdown(wait=False, cancel_futures=True)

    def set_feeds(self, feeds: list[FeedConfig]) -> None:
        self.feeds = list(feeds)
        self.metrics.feeds_registered.set(sum(1 for f in self.feeds if f.enabled))

    def state_of(self, feed_id: str) -> FeedState | None:
        with self._states_lock:
            return self._states.get(feed_id)

    # -- scheduling ---------------------------------------------------------------------------
    def _refresh_if_reassigned(self) -> None:
        generation = getattr(self.ownership, "generation", 0)
        if generation != self._generation:  # feeds were handed over: their state is in the store
            with self._states_lock:
                self._states = self.store.all()
            self._generation = generation

    def _due(self, owns: Callable[[str], bool], now: float, force: bool) -> list[FeedConfig]:
        due = []
        with self._states_lock:
            for feed in self.feeds:
                if not feed.enabled or not owns(feed.id):
                    continue
                state = self._states.get(feed.id)
                if force or state is None or state.configured_url != feed.url \
                        or state.next_poll_at <= now:
                    due.append(feed)
        return due

    def seconds_until_due(self) -> float:
        """Time until the next owned feed is due (at most 1 s when ownership may change)."""
        now = self.clock()
        with (self.ownership.cycle() if self.ownership else nullcontext(lambda _id: True)
              as owns, self._states_lock):
            waits = [max(0.0, s.next_poll_at - now) if (s := self._states.get(f.id)) else 0.0
                     for f in self.feeds if f.enabled and owns(f.id)]
        cap = 1.0 if self.ownership else 60.0
        return min([cap, *waits])

    # -- one cycle ----------------------------------------------------------------------------
    def poll_once(self, *, force: bool = False) -> CycleReport:
        """Poll every due feed this poller owns (every enabled feed with ``force``), publish
        what is new, record it, and report. Raises ``PublishError`` if the broker did not take
        the articles (nothing of the failed batch is recorded as seen)."""
        started = time.perf_counter()
        report = CycleReport()
        self._refresh_if_reassigned()
        with self.ownership.cycle() if self.ownership else nullcontext(lambda _id: True) as owns:
            due = self._due(owns, self.clock(), force)
            report.due = len(due)
            if due:
                self._loop.run_until_complete(self._cycle(due, report))
        report.elapsed_s = time.perf_counter() - started
        self.metrics.cycle_seconds.observe(report.elapsed_s)
        self._update_health_gauges(owns)
        return report

    async def _cycle(self, due: list[FeedConfig], report: CycleReport) -> None:
        await self._fetcher.open()
        self._date_deadline = time.monotonic() + self.config.date_parse_cycle_s
        loop = asyncio.get_running_loop()
        tasks = [asyncio.ensure_future(self._poll_feed(feed)) for feed in due]
        pending: list[_Polled] = []
        pending_articles, oldest = 0, 0.0
        committing: asyncio.Future[None] | None = None
        try:
            for next_done in asyncio.as_completed(tasks):
                polled = await next_done
                if not pending:
                    oldest = time.monotonic()
                pending.append(polled)
                pending_articles += len(polled.parsed.articles) if polled.parsed else 0
                # fewer, bigger commits: each one waits for a broker round trip
                if (committing is None or committing.done()) and (
                        pending_articles >= self.config.commit_min_articles
                        or time.monotonic() - oldest >= self.config.commit_max_wait_s):
                    if committing is not None:
                        committing.result()
                    committing = loop.run_in_executor(self._commit_pool, self._commit,
                                                      pending, report)
                    pending, pending_articles = [], 0
            if committing is not None:
                await committing
                committing = None
            if pending:
                await loop.run_in_executor(self._commit_pool, self._commit, pending, report)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if committing is not None and not committing.done():
                await asyncio.gather(committing, return_exceptions=True)
            raise

    async def _poll_feed(self, feed: FeedConfig) -> _Polled:
        state = self.state_of(feed.id) or FeedState(feed.id)
        etag, last_modified = state.validators(feed.url)
        result = await self._fetcher.fetch(state.fetch_url(feed.url), etag=etag,
                                           last_modified=last_modified)
        self.metrics.fetch_seconds.observe(result.elapsed_s)
        self.metrics.fetches.labels(status_class(result.status)).inc()
        self.metrics.fetch_bytes.inc(result.bytes_read)
        polled = _Polled(feed, result)
        if result.error_kind is None and result.status == 200 and result.body is not None:
            started = time.perf_counter()
            try:
                polled.parsed = await asyncio.get_running_loop().run_in_executor(
                    self._parse_pool, _parse, result.body, feed.id,
                    result.final_url or result.url, datetime.now(UTC), result.content_type,
                    feed.language, self.config.max_text_chars,
                    (self.config.date_parse_feed_s, self.config.date_parse_feed_reads,
                     self._date_deadline),
                    self.config.max_entries_per_feed)
            except BrokenExecutor as exc:  # a worker died (killed, out of memory): replace it
                log.error("parser pool broken while parsing feed %s: %s; restarting it",
                          feed.id, exc)
                polled.parse_error = f"parser process died: {exc}"
                self._replace_broken_pool()
            except Exception as exc:  # a parser crash is this feed's problem, not the cycle's
                log.exception("parser crashed on feed %s", feed.id)
                polled.parse_error = f"parser crashed: {exc.__class__.__name__}: {exc}"
            else:
                if polled.parsed.error and not polled.parsed.articles:
                    polled.parse_error = polled.parsed.error
                if polled.parsed.truncated_at is not None:
                    self.metrics.feeds_truncated.inc()
                    log.warning("feed %s has more than %d entries; only the first %d were read "
                                "(ingest.max_entries_per_feed)", feed.id,
                                polled.parsed.truncated_at, polled.parsed.truncated_at)
            self.metrics.parse_seconds.observe(time.perf_counter() - started)
            result.body = None  # the bytes are parsed; do not keep 10 MB per feed around
        return polled

    # -- commit: publish, then record ----------------------------------------------------------
    def _commit(self, batch: list[_Polled], report: CycleReport) -> None:
        now = self.clock()
        to_publish: list[Encoded] = []
        commits: list[FeedCommit] = []
        per_feed: list[tuple[_Polled, int]] = []
        updates = 0
        for polled in batch:
            records, seen, updated = self._new_articles(polled)
            to_publish.extend(records)
            updates += updated
            per_feed.append((polled, len(records)))
            commits.append(FeedCommit(self._next_state(polled, len(records), now), seen))
        for start in range(0, len(to_publish), self.config.publish_batch):
            self._publish(to_publish[start:start + self.config.publish_batch])
        self.store.commit(commits, now)
        with self._states_lock:
            for item in commits:
                self._states[item.state.feed_id] = item.state
        self._account(per_feed, len(to_publish), updates, commits, report)
        self._after_commit(commits)

    def _publish(self, records: list[Encoded]) -> None:
        encoded = getattr(self.publisher, "publish_encoded", None)
        if encoded is not None:  # the fast path: values are already JSON
            encoded(records)
        else:
            self.publisher.publish([RawArticle.model_validate_json(r.value) for r in records])

    def _after_commit(self, commits: list[FeedCommit]) -> None:
        """Hook for sharing state with other pollers (``ownership.SharedState``)."""
        share = getattr(self.ownership, "share", None)
        if share is not None:
            share(commits, self.store)

    def _new_articles(self, polled: _Polled
                      ) -> tuple[list[Encoded], list[tuple[str, str | None]], int]:
        """(records to publish, (id, hash) of every article in the feed, number of updates)."""
        if polled.parsed is None or polled.parse_error:
            return [], [], 0
        unique: dict[str, tuple[str | None, Encoded]] = {}
        for article_id, digest, record in polled.parsed.articles:
            unique.setdefault(article_id, (digest, record))  # same story twice in a feed: once
        known = self.store.seen_hashes(polled.feed.id, list(unique))
        fresh: list[Encoded] = []
        updates = 0
        for article_id, (digest, record) in unique.items():
            if article_id not in known:
                fresh.append(record)
            elif known[article_id] and digest and known[article_id] != digest:
                update = RawArticle.model_validate_json(record.value).model_copy(
                    update={"is_update": True})
                fresh.append(record._replace(value=update.model_dump_json().encode("utf-8")))
                updates += 1
        return fresh, [(aid, digest) for aid, (digest, _) in unique.items()], updates

    def _next_state(self, polled: _Polled, published: int, now: float) -> FeedState:
        feed, fetch, parsed = polled.feed, polled.fetch, polled.parsed
        error_kind, error = fetch.error_kind, fetch.error
        if error_kind is None and fetch.status not in (200, 304):
            error_kind, error = "other", f"unexpected HTTP {fetch.status}"
        if error_kind is None and polled.parse_error:
            error_kind, error = "parse", polled.parse_error
        result = PollResult(
            status=fetch.status, error_kind=error_kind, error=error, etag=fetch.etag,
            last_modified=fetch.last_modified, permanent_url=fetch.permanent_url,
            published=published, max_age_s=fetch.max_age_s, retry_after_s=fetch.retry_after_s,
            ttl_s=parsed.ttl_s if parsed else None,
            update_period_s=parsed.update_period_s if parsed else None,
        )
        state = self.state_of(feed.id) or FeedState(feed.id)
        return advance(state, feed.url, feed.interval_s, result, now, self.limits,
                       dead_after_s=self.config.dead_after_s, rng=self.rng)

    def _account(self, per_feed: list[tuple[_Polled, int]], published: int, updates: int,
                 commits: list[FeedCommit], report: CycleReport) -> None:
        report.published += published
        report.updated += updates
        self.metrics.articles_polled.inc(published)
        self.metrics.articles_updated.inc(updates)
        for (polled, count), item in zip(per_feed, commits, strict=True):
            state = item.state
            if state.last_error_kind is None:
                if polled.fetch.status == 304:
                    report.not_modified += 1
                else:
                    report.fetched += 1
            else:
                report.failed += 1
                report.errors[state.feed_id] = f"{state.last_error_kind}: {state.last_error}"
                self.metrics.fetch_errors.labels(state.last_error_kind).inc()
                log.warning("feed %s (%s) failed: %s", state.feed_id, polled.fetch.url,
                            state.last_error)
            if polled.fetch.permanent_url and state.url == polled.fetch.permanent_url:
                log.info("feed %s moved permanently to %s", state.feed_id, state.url)
            if self.config.per_feed_metrics:
                self.metrics.feed_articles.labels(state.feed_id).inc(count)
                if state.last_success_at:
                    self.metrics.feed_last_success.labels(state.feed_id).set(
                        state.last_success_at)

    def _update_health_gauges(self, owns: Callable[[str], bool]) -> None:
        now = self.clock()
        counts = dict.fromkeys(("ok", "failing", "dead", "never_polled"), 0)
        with self._states_lock:
            for feed in self.feeds:
                if feed.enabled and owns(feed.id):
                    health = classify(feed, self._states.get(feed.id), now,
                                      self.config.dead_after_s)
                    counts[health] += 1
        for health, count in counts.items():
            self.metrics.feeds.labels(health).set(count)
        self.metrics.feeds_dead.set(counts["dead"])

    # -- running ------------------------------------------------------------------------------
    def run_forever(self, stop: threading.Event, *,
                    reload: Callable[[], list[FeedConfig] | None] | None = None,
                    reload_every_s: float = 10.0) -> None:
        """Poll due feeds until ``stop`` is set. ``PublishError`` propagates (the role exits
        non-zero so a supervisor restarts it: the broker was unreachable for too long), and so
        does ``BrokerUnreachable`` when the publisher's broker clock says so although nothing
        was published (the group consumer or the state producer lost the broker).
        ``reload`` is asked every ``reload_every_s`` for a new feed list (None: unchanged)."""
        checked = time.monotonic()
        while not stop.is_set():
            if reload is not None and time.monotonic() - checked >= reload_every_s:
                checked = time.monotonic()
                feeds = reload()
                if feeds is not None:
                    self.set_feeds(feeds)
                    log.info("feed registry reloaded: %d feeds", len(feeds))
            report = self.poll_once()
            if report.due:
                log.info("%s", report.summary())
            contact = getattr(self.publisher, "contact", None)
            if contact is not None and contact.lost():
                raise BrokerUnreachable(f"broker unreachable for more than "
                                        f"{contact.timeout_s:g} s")
            wait = self.seconds_until_due()
            stop.wait(min(wait, reload_every_s) if reload is not None else wait)

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self._fetcher.close())
        finally:
            self._loop.close()
            self._parse_pool.shutdown(wait=True, cancel_futures=True)
            self._commit_pool.shutdown(wait=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def _closing(*things: Any) -> Iterator[None]:
    try:
        yield
    finally:
        for thing in reversed(things):
            if thing is not None:
                try:
                    thing.close()
                except Exception:
                    log.exception("closing %r failed", thing)


def _registry_watcher(path: Path, policy: AddressPolicy | None = None
                      ) -> Callable[[], list[FeedConfig] | None]:
    """A ``reload`` for ``run_forever``: the registry's feeds when its file changed and still
    has usable feeds (errors are logged; a broken edit keeps the old list)."""
    def mtime() -> float | None:
        try:
            return path.stat().st_mtime
        except OSError:
            return None

    last = [mtime()]

    def check() -> list[FeedConfig] | None:
        current = mtime()
        if current is None or current == last[0]:
            return None
        last[0] = current
        loaded = load_feeds(path, policy)
        for error in loaded.errors:
            log.error("%s", error)
        if not loaded.feeds:
            log.error("%s has no usable feeds now; keeping the previous list", path)
            return None
        return loaded.feeds

    return check


def run_poll(settings: Settings, *, once: bool, feeds_file: Path | None,
             stop: threading.Event) -> int:
    """The ``newswatch poll`` role. ``once``: poll every enabled feed of the file one time,
    publish what is new and exit (0; 1 if every feed failed; 4 if publishing failed).
    Otherwise poll the feeds this process owns (Kafka group ``settings.groups.poll``) until
    ``stop`` is set."""
    from newswatch.ingest.publisher import KafkaPublisher

    config = poller_config(settings)
    try:
        path = settings.feeds_path(feeds_file)
    except ConfigError as exc:
        log.error("%s", exc)
        return EXIT_BAD_CONFIG
    try:
        policy = AddressPolicy.parse(settings.allowed_hosts)
    except ValueError as exc:
        log.error("%s", exc)
        return EXIT_BAD_CONFIG
    loaded = load_feeds(path, policy)
    for error in loaded.errors:
        log.error("%s", error)
    if not loaded.feeds:
        log.error("no usable feeds in %s", path)
        return EXIT_BAD_CONFIG
    store = StateStore.in_dir(settings.state_dir, seen_max_items=config.seen_max_items,
                              seen_max_age_days=config.seen_max_age_days,
                              max_size_bytes=config.state_max_bytes)
    contact = BrokerContact(settings.broker_timeout_s)
    publisher = KafkaPublisher(settings, contact=contact)
    ownership = None
    if not once:
        from newswatch.ingest.ownership import FeedOwnership

        ownership = FeedOwnership(settings, config, store, contact=contact)
        ownership.start()
    poller = Poller(loaded.feeds, store, publisher, config=config, ownership=ownership,
                    address_policy=policy)
    with _closing(store, publisher, ownership, poller):
        try:
            if once:
                report = poller.poll_once(force=True)
                log.info("%s", report.summary())
                for feed_id, error in sorted(report.errors.items()):
                    log.error("feed %s: %s", feed_id, error)
                return EXIT_ALL_FAILED if report.due and report.failed == report.due else EXIT_OK
            poller.run_forever(stop, reload=_registry_watcher(path, policy))
            return EXIT_OK
        except BrokerUnreachable as exc:
            log.error("poll: %s; exiting", exc)
            return EXIT_BROKER_LOST
        except PublishError as exc:
            log.error("%s", exc)
            return EXIT_PUBLISH_FAILED
        except StateStoreError as exc:
            # Exit rather than poll on: every later cycle would re-publish the same articles.
            log.error("%s", exc)
            return EXIT_STATE_FAILED
