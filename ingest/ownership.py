"""Feed ownership across poller processes, by Kafka consumer-group membership.

No home-made lock: the pollers form the consumer group ``settings.groups.poll`` on the topic
``<prefix>feeds``, and a feed belongs to partition ``crc32(feed_id) % partitions``. Whichever
poller the group assigns a partition to polls that partition's feeds. A poller that dies
stops heartbeating, the group rebalances after ``session_timeout_ms``, and a survivor gets its
partitions: no feed is orphaned.

No feed is polled twice either. Kafka's (eager) rebalance revokes every partition from every
member before it assigns any, and our revoke callback does not return while a poll cycle is
running (``cycle()``): a partition only moves once its old owner has finished with it. A poller
that loses contact with the group for a whole session timeout drops its partitions by itself,
since the group has given them away by then.

Poll state follows the feed: after each commit the poller writes the feed's state and seen ids
to the compacted topic ``<prefix>feeds.state``, keyed by feed id, and a poller that is given
partitions first loads the state of the feeds they hold into its own store. So a takeover sends
conditional requests and re-publishes nothing.

Partitions may be added to ``<prefix>feeds`` while pollers run: that moves feeds between
partitions (``crc32 % partitions`` changes). So the state is *not* co-partitioned with the
feeds: the loader reads every partition of the state topic and keeps the feeds that map to its
new partitions, and each assignment re-reads the feeds topic's partition count from the cluster
(a fresh metadata request, not the consumer's cached one), so every member of a rebalance maps
feeds with the same count.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from newswatch.ingest.broker_contact import BrokerContact, close_producer
from newswatch.ingest.config import PollerConfig, poller_config
from newswatch.ingest.schedule import FeedState
from newswatch.ingest.state import FeedCommit, StateStore
from pydantic import TypeAdapter, ValidationError

from newswatch.kafka.clients import ensure_topics, make_consumer, make_producer
from newswatch.readiness import READINESS, group_not_joined
from newswatch.settings import Settings
from newswatch.topics import FEEDS, FEEDS_STATE

__all__ = ["FeedOwnership", "partition_for", "read_shared_state"]

log = logging.getLogger(__name__)

_STATE_KEY, _SEEN_KEY = "state|", "seen|"


def partition_for(feed_id: str, partitions: int) -> int:
    """The shard of a feed: stable across processes and Python versions (not ``hash()``)."""
    return zlib.crc32(feed_id.encode("utf-8")) % partitions


_STATE_RECORD = TypeAdapter(FeedState)
_SEEN_RECORD = TypeAdapter(list[tuple[str, str | None, float]])


def read_shared_state(
    records: Iterable[tuple[bytes | None, bytes | None]], wanted: Callable[[str], bool],
) -> tuple[dict[str, FeedState], dict[str, list[tuple[str, str | None, float]]], list[str]]:
    """The feed states (the newest poll of each feed) and seen ids among ``records`` (key,
    value) of the state topic, for the feeds ``wanted``; and a line for each record that is
    neither. A record some other producer wrote, or a bug, is skipped: it used to raise out
    of the partition assignment, so every poller that took the partition failed again."""
    states: dict[str, FeedState] = {}
    seen: dict[str, list[tuple[str, str | None, float]]] = {}
    unreadable: list[str] = []
    for key, value in records:
        name = key.decode("utf-8", "replace") if key else ""
        kind, _, feed_id = name.partition("|")
        if not feed_id or value is None or not wanted(feed_id):  # None: a tombstone
            continue
        try:
            if kind + "|" == _STATE_KEY:
                remote = _STATE_RECORD.validate_json(value)
                known = states.get(feed_id)
                if known is None or (remote.last_fetch_at or 0) >= (known.last_fetch_at or 0):
                    states[feed_id] = remote
            elif kind + "|" == _SEEN_KEY:
                # older records of a key may sit on another partition (written before the
                # state was keyed this way); seen ids merge, so reading them all is harmless
                items = _SEEN_RECORD.validate_json(value)
                seen.setdefault(feed_id, []).extend(items)
        except ValidationError as exc:
            unreadable.append(f"{name!r}: {str(exc).splitlines()[0]}")
    return states, seen, unreadable


class _Listener(ConsumerRebalanceListener):
    def __init__(self, owner: FeedOwnership) -> None:
        self.owner = owner

    def on_partitions_revoked(self, revoked: Any) -> None:
        self.owner._revoke({tp.partition for tp in revoked})

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.owner._assign({tp.partition for tp in assigned})


class FeedOwnership:
    """``start()``, then poll inside ``with ownership.cycle() as owns:``; ``close()`` to leave."""

    def __init__(self, settings: Settings, config: PollerConfig | None = None,
                 store: StateStore | None = None, *, group_id: str | None = None,
                 contact: BrokerContact | None = None) -> None:
        config = config or poller_config(settings)
        self.settings = settings
        # the role's one broker clock, shared with its publisher (see broker_contact.py)
        self.contact = contact or BrokerContact(settings.broker_timeout_s)
        self.topic = settings.topic_prefix + config.feeds_topic_suffix
        self.state_topic = settings.topic_prefix + config.state_topic_suffix
        self.group_id = group_id or settings.groups.poll
        self.shards = config.feed_partitions or settings.partitions
        self.store = store
        self.partitions = 0
        self.generation = 0  # bumped on every change of the owned set
        self._owned: frozenset[int] = frozenset()
        self._cond = threading.Condition()
        self._cycles = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._consumer: KafkaConsumer | None = None
        self._producer: Any = None
        # a revoke waits for the running cycle; it must stay below the rebalance timeout
        self._max_poll_interval_ms = 300_000

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> FeedOwnership:
        self._ensure_topics()
        consumer = make_consumer(self.settings, self.group_id,
                                 max_poll_interval_ms=self._max_poll_interval_ms)
        partitions = consumer.partitions_for_topic(self.topic) or set()
        deadline = time.monotonic() + self.settings.broker_timeout_s
        while not partitions and time.monotonic() < deadline:
            time.sleep(0.2)
            partitions = consumer.partitions_for_topic(self.topic) or set()
        if not partitions:
            consumer.close()
            raise RuntimeError(f"topic {self.topic} has no partitions")
        self.partitions = len(partitions)
        consumer.subscribe([self.topic], listener=_Listener(self))
        self._consumer = consumer
        self._thread = threading.Thread(target=self._run, name="feed-ownership", daemon=True)
        self._thread.start()
        READINESS.register("poll", self.not_ready)
        return self

    def not_ready(self) -> str | None:
        """For ``/ready``: None while this poller is a stable member of the poller group."""
        if self._stop.is_set():
            return "stopping"
        return group_not_joined(self._consumer) or (
            None if self._group_stable() else "no heartbeat to the group coordinator")

    def _ensure_topics(self) -> None:
        ensure_topics(self.settings, {self.topic: self.shards, self.state_topic: self.shards},
                      timeout_s=self.settings.broker_timeout_s,
                      suffixes={self.topic: FEEDS, self.state_topic: FEEDS_STATE})

    def _run(self) -> None:
        assert self._consumer is not None
        session_s = self.settings.session_timeout_ms / 1000
        last_contact = time.monotonic()
        while not self._stop.is_set():
            try:
                self._consumer.poll(timeout_ms=200)  # records are ignored: membership is the point
                if self._group_stable():
                    last_contact = time.monotonic()
                    self.contact.reached()
                else:
                    self.contact.lost_since(last_contact)
            except KafkaError as exc:
                log.warning("feed ownership: %s", exc)
                self.contact.lost_since(last_contact)
                time.sleep(0.5)
            if self._owned and time.monotonic() - last_contact > session_s:
                log.warning("feed ownership: no contact with the group for %.0f s; "
                            "dropping partitions %s", session_s, sorted(self._owned))
                self._revoke(set(self._owned))
        try:
            self._consumer.close()  # leaves the group: the others take over at once
        except Exception:
            log.exception("closing the ownership consumer failed")

    def _group_stable(self) -> bool:
        coordinator = getattr(self._consumer, "_coordinator", None)
        heartbeat = getattr(coordinator, "heartbeat", None)
        if heartbeat is None:
            return True
        return not heartbeat.session_timeout_expired()

    def close(self) -> None:
        READINESS.unregister("poll")
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._producer is not None:
            close_producer(self._producer, min(10.0, self.contact.remaining()),
                           undelivered_known=self.contact.lost())
            self._producer = None

    # -- ownership ----------------------------------------------------------------------------
    def partition_for(self, feed_id: str) -> int:
        return partition_for(feed_id, self.partitions)

    @property
    def owned(self) -> frozenset[int]:
        return self._owned

    @contextmanager
    def cycle(self) -> Iterator[Callable[[str], bool]]:
        with self._cond:
            self._cycles += 1
            owned = self._owned
        try:
            yield lambda feed_id: partition_for(feed_id, self.partitions) in owned
        finally:
            with self._cond:
                self._cycles -= 1
                self._cond.notify_all()

    def wait_until_assigned(self, timeout_s: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: bool(self._owned), timeout=timeout_s)

    def _revoke(self, partitions: set[int]) -> None:
        with self._cond:
            if not partitions & self._owned:
                return
            self._owned = self._owned - partitions
            self.generation += 1
            # hold the rebalance until the running cycle is done with these feeds
            if not self._cond.wait_for(lambda: self._cycles == 0,
                                       timeout=self._max_poll_interval_ms / 1000 * 0.8):
                log.error("feed ownership: a poll cycle outlasted the rebalance timeout")
        log.info("feed ownership: gave up partitions %s", sorted(partitions))

    def _assign(self, partitions: set[int]) -> None:
        if partitions:
            self.partitions = self._partition_count(partitions)
        if self.store is not None and partitions:
            try:
                loaded = self._load_state(partitions)
                log.info("feed ownership: loaded shared state of %d feeds", loaded)
            except KafkaError as exc:  # polls still work, they just start without history
                log.warning("feed ownership: could not load shared state: %s", exc)
        with self._cond:
            self._owned = frozenset(partitions)
            self.generation += 1
            self._cond.notify_all()
        log.info("feed ownership: now polling partitions %s of %s (%d partitions)",
                 sorted(partitions), self.topic, self.partitions)

    def _partition_count(self, assigned: set[int]) -> int:
        """The feeds topic's partition count now. A fresh client, because the group consumer's
        metadata may predate partitions added since (every member must map feeds alike)."""
        known = max(assigned) + 1
        probe = make_consumer(self.settings, group_id=None)  # type: ignore[arg-type]
        try:
            current = len(probe.partitions_for_topic(self.topic) or ())
        except KafkaError as exc:
            log.warning("feed ownership: could not read the partition count: %s", exc)
            current = 0
        finally:
            probe.close()
        count = max(current, known, self.partitions)
        if self.partitions and count != self.partitions:
            log.warning("feed ownership: %s now has %d partitions (was %d); feeds move between "
                        "partitions, their state follows", self.topic, count, self.partitions)
        return count

    # -- shared poll state --------------------------------------------------------------------
    def share(self, commits: list[FeedCommit], store: StateStore) -> None:
        """Publish the new state (and, when it changed, the seen ids) of just-polled feeds."""
        if self._producer is None:
            self._producer = make_producer(self.settings)
        started = time.monotonic()
        try:
            # keyed by feed id and placed by the key alone: the state of a feed stays where it
            # is when partitions are added to the feeds topic (the loader reads all of them)
            for item in commits:
                feed_id = item.state.feed_id
                self._producer.send(self.state_topic, key=(_STATE_KEY + feed_id).encode(),
                                    value=json.dumps(asdict(item.state)).encode())
                if item.seen:
                    seen = store.seen_items(feed_id)
                    self._producer.send(self.state_topic, key=(_SEEN_KEY + feed_id).encode(),
                                        value=json.dumps(seen).encode())
            self._producer.flush(timeout=self.contact.remaining())
            self.contact.reached()
        except KafkaError as exc:  # local state is written; a takeover may re-publish some
            self.contact.lost_since(started)
            log.warning("could not share poll state: %s", exc)

    def _load_state(self, partitions: set[int]) -> int:
        """Merge the shared state of the feeds on ``partitions`` (of the feeds topic, at the
        current partition count) into the local store; the newest poll wins."""
        assert self.store is not None
        states, seen, unreadable = read_shared_state(
            self._read_state_topic().values(),
            lambda feed_id: partition_for(feed_id, self.partitions) in partitions)
        for problem in unreadable:
            log.warning("feed ownership: skipped a record of %s: %s", self.state_topic, problem)
        local = self.store.all()
        adopted = 0
        for feed_id, remote in states.items():
            mine = local.get(feed_id)
            if mine is None or (remote.last_fetch_at or 0) > (mine.last_fetch_at or 0):
                self.store.put_state(remote)
                adopted += 1
        for feed_id, items in seen.items():
            self.store.import_seen(feed_id, items)
        return adopted

    def _read_state_topic(self) -> dict[tuple[int, bytes], tuple[bytes, bytes]]:
        """The latest (key, value) of each key on each partition of the state topic, up to its
        end now (compaction keeps only those; this also holds before it has run)."""
        reader = make_consumer(self.settings, group_id=None)  # type: ignore[arg-type]
        found: dict[tuple[int, bytes], tuple[bytes, bytes]] = {}
        try:
            tps = [TopicPartition(self.state_topic, p)
                   for p in reader.partitions_for_topic(self.state_topic) or ()]
            reader.assign(tps)
            reader.seek_to_beginning(*tps)
            end = reader.end_offsets(tps)
            deadline = time.monotonic() + self.settings.broker_timeout_s
            while any(reader.position(tp) < end[tp] for tp in tps):
                if time.monotonic() > deadline:
                    raise KafkaError("timed out reading the shared poll state")
                for records in reader.poll(timeout_ms=500).values():
                    for r in records:
                        if r.key is not None and r.value is not None:
                            found[(r.partition, r.key)] = (r.key, r.value)
        finally:
            reader.close()
        return found
