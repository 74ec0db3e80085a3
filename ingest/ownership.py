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
to the compacted topic ``<prefix>feeds.state`` (same partitioning), and a poller that is given a
partition first loads that partition's state into its own store. So a takeover sends
conditional requests and re-publishes nothing.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from newswatch.ingest.broker_contact import BrokerContact, close_producer
from newswatch.ingest.config import PollerConfig, poller_config
from newswatch.ingest.schedule import FeedState
from newswatch.ingest.state import FeedCommit, StateStore

from newswatch.kafka.clients import make_admin, make_consumer, make_producer
from newswatch.settings import Settings

__all__ = ["FeedOwnership", "partition_for"]

log = logging.getLogger(__name__)

_STATE_KEY, _SEEN_KEY = "state|", "seen|"


def partition_for(feed_id: str, partitions: int) -> int:
    """The shard of a feed: stable across processes and Python versions (not ``hash()``)."""
    return zlib.crc32(feed_id.encode("utf-8")) % partitions


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
        return self

    def _ensure_topics(self) -> None:
        admin = make_admin(self.settings)
        try:
            existing = set(admin.list_topics())
            wanted = [NewTopic(self.topic, self.shards,
                               self.settings.replication_factor)]
            wanted.append(NewTopic(self.state_topic, self.shards,
                                   self.settings.replication_factor,
                                   topic_configs={"cleanup.policy": "compact"}))
            missing = [t for t in wanted if t.name not in existing]
            if missing:
                try:
                    admin.create_topics(missing)
                except TopicAlreadyExistsError:
                    pass
        finally:
            admin.close()

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
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._producer is not None:
            close_producer(self._producer, 10, undelivered_known=self.contact.lost())
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
        log.info("feed ownership: now polling partitions %s of %s", sorted(partitions),
                 self.topic)

    # -- shared poll state --------------------------------------------------------------------
    def share(self, commits: list[FeedCommit], store: StateStore) -> None:
        """Publish the new state (and, when it changed, the seen ids) of just-polled feeds."""
        if self._producer is None:
            self._producer = make_producer(self.settings)
        started = time.monotonic()
        try:
            for item in commits:
                feed_id = item.state.feed_id
                partition = self.partition_for(feed_id)
                self._producer.send(self.state_topic, key=(_STATE_KEY + feed_id).encode(),
                                    value=json.dumps(asdict(item.state)).encode(),
                                    partition=partition)
                if item.seen:
                    seen = store.seen_items(feed_id)
                    self._producer.send(self.state_topic, key=(_SEEN_KEY + feed_id).encode(),
                                        value=json.dumps(seen).encode(), partition=partition)
            self._producer.flush(timeout=self.contact.remaining())
            self.contact.reached()
        except KafkaError as exc:  # local state is written; a takeover may re-publish some
            self.contact.lost_since(started)
            log.warning("could not share poll state: %s", exc)

    def _load_state(self, partitions: set[int]) -> int:
        """Merge the shared state of ``partitions`` into the local store; newest poll wins."""
        assert self.store is not None
        reader = make_consumer(self.settings, group_id=None)  # type: ignore[arg-type]
        try:
            tps = [TopicPartition(self.state_topic, p) for p in partitions]
            reader.assign(tps)
            reader.seek_to_beginning(*tps)
            end = reader.end_offsets(tps)
            latest: dict[bytes, bytes] = {}
            deadline = time.monotonic() + self.settings.broker_timeout_s
            while any(reader.position(tp) < end[tp] for tp in tps):
                if time.monotonic() > deadline:
                    raise KafkaError("timed out reading the shared poll state")
                for records in reader.poll(timeout_ms=500).values():
                    for record in records:
                        if record.key is not None and record.value is not None:
                            latest[record.key] = record.value
        finally:
            reader.close()
        local = self.store.all()
        adopted = 0
        for key, value in latest.items():
            name = key.decode()
            if name.startswith(_STATE_KEY):
                remote = FeedState(**json.loads(value))
                mine = local.get(remote.feed_id)
                if mine is None or (remote.last_fetch_at or 0) > (mine.last_fetch_at or 0):
                    self.store.put_state(remote)
                    adopted += 1
            elif name.startswith(_SEEN_KEY):
                items = [tuple(item) for item in json.loads(value)]
                self.store.import_seen(name[len(_SEEN_KEY):], items)  # type: ignore[arg-type]
        return adopted
