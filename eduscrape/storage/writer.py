"""Batched, non-blocking MongoDB writes.

:class:`MongoWriter` owns one background thread. Callers (Scrapy's reactor
thread) only append to an in-memory buffer; the thread groups the buffer into
unordered ``bulk_write`` upserts, flushed by size, by time and at close. A slow
or dead database therefore slows nothing but the writes.

Failure policy:
- transient errors (connection refused, timeouts, primary stepping down) are
  retried a bounded number of times with exponential backoff;
- if the database stays unreachable the batch goes to the local
  :class:`~eduscrape.storage.spool.Spool`, and later batches go straight there
  until a periodic ping succeeds again (no retry storm while it is down);
- a document the server rejects for good (e.g. too large) is spooled with the
  error and counted as ``rejected``; nothing is dropped silently.

Progress is a watermark: ``put()`` number *n* (1-based, in call order) is
*settled* (written, spooled or rejected) once :attr:`MongoWriter.settled`
reaches *n*; ``on_settled`` is called from the writer thread each time it moves.

Crash safety: with a :class:`~eduscrape.storage.journal.Journal`, ``put()``
appends the write to it before returning; segments are deleted as the watermark
passes them, and :meth:`MongoWriter.recover_journal` re-queues the writes of a
process that died (``kill -9``) before settling them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pymongo import ASCENDING, InsertOne, MongoClient, ReplaceOne
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    ConnectionFailure,
    ExecutionTimeout,
    NetworkTimeout,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
    WTimeoutError,
)

from eduscrape.storage.journal import Journal, journal_line, orphans
from eduscrape.storage.keys import escape_key, escape_keys
from eduscrape.storage.spool import Spool, SpooledWrite
from eduscrape.storage.uri import redact_uri

logger = logging.getLogger(__name__)

_TRANSIENT = (
    AutoReconnect,
    ConnectionFailure,
    ServerSelectionTimeoutError,
    NetworkTimeout,
    ExecutionTimeout,
    WTimeoutError,
)
_DUPLICATE_KEY = 11000


@dataclass(frozen=True)
class WriteTarget:
    """Where an item goes: its collection and the fields of its natural key."""

    collection: str
    key_fields: tuple[str, ...]


@dataclass
class _Write:
    collection: str
    key: dict[str, Any]
    document: dict[str, Any]
    attempts: int = 0


def mongo_client(uri: str, timeout_ms: int) -> MongoClient[Any]:
    """A pymongo client with eduscrape's timeouts (the one place clients are made)."""
    return MongoClient(
        uri,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=max(timeout_ms * 4, 20000),
        appname="eduscrape",
    )


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, _TRANSIENT):
        return True
    return isinstance(exc, OperationFailure) and (
        exc.has_error_label("RetryableWriteError")
        or exc.has_error_label("TransientTransactionError")
    )


class MongoWriter:
    """Background writer: ``put()`` from any thread, ``close()`` to flush and stop."""

    def __init__(
        self,
        uri: str,
        database: str,
        *,
        spool: Spool,
        batch_size: int = 500,
        flush_interval: float = 1.0,
        retry_times: int = 3,
        retry_backoff: float = 0.5,
        timeout_ms: int = 5000,
        probe_interval: float = 5.0,
        on_count: Callable[[str, int], None] | None = None,
        on_settled: Callable[[int], None] | None = None,
        client: MongoClient[Any] | None = None,
        journal: Journal | None = None,
    ) -> None:
        self.uri = uri
        self.database_name = database
        self.spool = spool
        self.batch_size = max(1, batch_size)
        self.flush_interval = flush_interval
        self.retry_times = retry_times
        self.retry_backoff = retry_backoff
        self.probe_interval = probe_interval
        self._on_count = on_count
        self._on_settled = on_settled
        self.client: MongoClient[Any] = client or mongo_client(uri, timeout_ms)
        self.db = self.client[database]
        self.journal = journal
        self.counts: dict[str, int] = dict.fromkeys(
            ("written", "retried", "spooled", "replayed", "rejected", "batches"), 0
        )
        self._buffer: list[_Write] = []
        lock = threading.Lock()
        self._cond = threading.Condition(lock)  # the thread waits here for work
        self._progress = threading.Condition(lock)  # flush() waits here for the watermark
        #: Number of put() calls so far, and how many of them are settled (written,
        #: spooled or rejected): puts are settled in order, so one number says it all.
        self.queued = 0
        self.settled = 0
        self._flush_wanted = False
        self._closing = False
        self._down_since: float | None = None
        self._last_probe = 0.0
        self._indexed: set[tuple[str, tuple[str, ...]]] = set()
        self._thread = threading.Thread(
            target=self._run, name="eduscrape-mongo-writer", daemon=True
        )
        self._started = False

    # -- public API --------------------------------------------------------------

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._thread.start()

    def put(self, target: WriteTarget, document: dict[str, Any]) -> None:
        """Queue an upsert of *document* keyed on ``target.key_fields`` (never blocks on I/O).

        Keys MongoDB refuses (``$x``, ``a.b``) are escaped here, reversibly.
        """
        document = escape_keys(document)
        key = {f: document.get(escape_key(f)) for f in target.key_fields}
        self._enqueue(_Write(target.collection, key, document))

    def _enqueue(self, write: _Write) -> None:
        journal = self.journal
        line = journal_line(write.collection, write.key, write.document) if journal else b""
        with self._cond:
            if journal is not None:
                try:  # in the lock: journal order is put() order
                    journal.append(line)
                except OSError as exc:
                    self._journal_failed(journal, exc)
            self._buffer.append(write)
            self.queued += 1
            if len(self._buffer) >= self.batch_size:
                self._cond.notify()

    def _journal_failed(self, journal: Journal, exc: OSError) -> None:
        # Disk full or gone: keep crawling and storing, without the journal (said once).
        self.journal = None
        logger.error(
            "The MongoDB write journal in %s failed (%s); continuing without it: "
            "writes buffered in memory are lost if this process is killed",
            journal.directory,
            exc,
        )
        self._count("journal_failed")
        journal.close(settled=False)

    def recover_journal(self) -> tuple[int, list[Path]]:
        """Re-queue the writes of journal segments no live process holds (a process
        killed before settling them); returns (writes, files). Each file is deleted
        once its writes are in this writer's own journal. Call before :meth:`start`."""
        journal = self.journal
        if journal is None:
            return 0, []
        recovered, files = 0, []
        quarantine = journal.directory / "unreadable.quarantine"
        for path in orphans(journal.directory):
            n = 0
            for spooled in Spool.read(path, quarantine):
                self._enqueue(_Write(spooled.collection, spooled.key, spooled.document))
                n += 1
            path.unlink(missing_ok=True)
            recovered += n
            files.append(path)
        self._count("journal_recovered", recovered)
        return recovered, files

    def flush(self, timeout: float | None = None) -> bool:
        """Write what is buffered now, without waiting for a full batch; block until
        every put() made before this call is settled. Returns False on timeout.

        Blocking: call it off the reactor.
        """
        if not self._thread.is_alive():  # not started, or closed: write here
            self._drain()
            return True
        with self._cond:
            target = self.queued
            self._flush_wanted = True
            self._cond.notify()
            return self._progress.wait_for(lambda: self.settled >= target, timeout)

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._buffer)

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def ensure_indexes(self, targets: Iterable[WriteTarget]) -> None:
        """Create the unique natural-key index of each target (idempotent)."""
        for target in targets:
            self._ensure_index(target.collection, target.key_fields)

    def close(self, timeout: float | None = None) -> None:
        """Flush everything still buffered, then stop the thread. Blocking: call it off the reactor.

        The client stays usable (for :meth:`replay_spool`) until :meth:`disconnect`.
        """
        with self._cond:
            self._closing = True
            self._cond.notify()
        if self._started:
            self._thread.join(timeout)
        else:
            self._drain()
        if self.journal is not None:
            with self._cond:
                settled = self.settled >= self.queued
            self.journal.close(settled=settled)

    def disconnect(self) -> None:
        self.client.close()

    def ping(self) -> bool:
        try:
            self.client.admin.command("ping")
        except PyMongoError:
            return False
        return True

    def replay_spool(self) -> int:
        """Write every spooled upsert to MongoDB; returns how many were replayed.

        Writes that still fail are appended back to the spool, so replay can be
        repeated until the spool is empty.
        """
        taken = self.spool.take()
        if taken is None:
            return 0
        replayed = 0
        batch: list[_Write] = []
        failed: list[SpooledWrite] = []
        for spooled in Spool.read(taken):
            batch.append(
                _Write(spooled.collection, spooled.key, spooled.document, spooled.attempts)
            )
            if len(batch) >= self.batch_size:
                ok, bad = self._write_batch(batch, spool_on_failure=False)
                replayed += ok
                failed.extend(bad)
                batch = []
        if batch:
            ok, bad = self._write_batch(batch, spool_on_failure=False)
            replayed += ok
            failed.extend(bad)
        self.spool.append(failed)
        taken.unlink()
        self._count("replayed", replayed)
        return replayed

    # -- thread ------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                if (
                    not self._closing
                    and not self._flush_wanted
                    and len(self._buffer) < self.batch_size
                ):
                    self._cond.wait(self.flush_interval)
                closing = self._closing
                self._flush_wanted = False
            if self.journal is not None:
                self.journal.sync()
            self._drain()
            if closing:
                self._drain()
                return

    def _drain(self) -> None:
        while True:
            with self._cond:
                batch, self._buffer = (
                    self._buffer[: self.batch_size],
                    self._buffer[self.batch_size :],
                )
            if not batch:
                return
            try:
                self._write_batch(batch, spool_on_failure=True)
            except Exception as exc:  # never let the writer thread die with items in hand
                logger.exception("MongoDB writer failed on a batch; spooling it")
                self._spool(batch, f"{type(exc).__name__}: {exc}")
            with self._progress:
                self.settled += len(batch)
                settled = self.settled
                self._progress.notify_all()
            if self.journal is not None:
                self.journal.settled(settled)
            if self._on_settled is not None:
                self._on_settled(settled)

    # -- writing -----------------------------------------------------------------

    def _count(self, name: str, n: int = 1) -> None:
        if n:
            self.counts[name] = self.counts.get(name, 0) + n
            if self._on_count is not None:
                self._on_count(name, n)

    def _spool(self, writes: list[_Write], error: str) -> list[SpooledWrite]:
        spooled = [
            SpooledWrite(w.collection, w.key, w.document, error=error, attempts=w.attempts)
            for w in writes
        ]
        self.spool.append(spooled)
        self._count("spooled", len(spooled))
        return spooled

    def _ensure_index(self, collection: str, key_fields: tuple[str, ...]) -> None:
        marker = (collection, key_fields)
        # _id is always uniquely indexed (and MongoDB refuses `unique` on it).
        if not key_fields or key_fields == ("_id",) or marker in self._indexed:
            return
        self.db[collection].create_index([(f, ASCENDING) for f in key_fields], unique=True)
        self._indexed.add(marker)

    def _database_available(self) -> bool:
        if self._down_since is None:
            return True
        now = time.monotonic()
        if now - self._last_probe < self.probe_interval:
            return False
        self._last_probe = now
        if self.ping():
            logger.info(
                "MongoDB at %s is reachable again after %.0f s",
                redact_uri(self.uri),
                now - self._down_since,
            )
            self._down_since = None
            return True
        return False

    def mark_down(self, exc: BaseException) -> None:
        """Treat the database as unreachable: spool until a ping succeeds again."""
        if self._down_since is None:
            self._down_since = self._last_probe = time.monotonic()
            logger.warning(
                "MongoDB at %s is unreachable (%s); spooling items to %s until it is back",
                redact_uri(self.uri),
                type(exc).__name__,
                self.spool.path,
            )

    def _write_batch(
        self, batch: list[_Write], *, spool_on_failure: bool
    ) -> tuple[int, list[SpooledWrite]]:
        """Upsert *batch*; returns (written, writes that failed and were not spooled)."""
        if spool_on_failure and not self._database_available():
            self._spool(batch, "database unreachable")
            return 0, []
        # Last write wins for a key seen twice in one batch: two upserts of the same
        # new key in one unordered batch would race on the unique index.
        groups: dict[str, dict[str, _Write]] = {}
        sizes: dict[str, int] = {}
        for w in batch:
            groups.setdefault(w.collection, {})[repr(sorted(w.key.items()))] = w
            sizes[w.collection] = sizes.get(w.collection, 0) + 1
        written, failed = 0, []
        for collection, merged in groups.items():
            ok, bad = self._write_group(collection, list(merged.values()), spool_on_failure)
            if not bad and ok:
                ok += sizes[collection] - len(merged)  # superseded writes count as stored
            written += ok
            failed.extend(bad)
        self._count("written", written)
        self._count("batches")
        return written, failed

    def _write_group(
        self, collection: str, pending: list[_Write], spool_on_failure: bool
    ) -> tuple[int, list[SpooledWrite]]:
        written = 0
        attempt = 0
        while pending:
            if self._down_since is not None and spool_on_failure:
                return written, self._fail(pending, ConnectionFailure("database unreachable"), True)
            try:
                written += self._bulk_upsert(collection, pending)
                return written, []
            except BulkWriteError as exc:
                details = exc.details
                written += (
                    details.get("nUpserted", 0)
                    + details.get("nMatched", 0)
                    + details.get("nInserted", 0)
                )
                retry: list[tuple[_Write, dict[str, Any]]] = []
                rejected: list[tuple[_Write, dict[str, Any]]] = []
                for err in exc.details.get("writeErrors", []):
                    w = pending[err["index"]]
                    (retry if err.get("code") == _DUPLICATE_KEY else rejected).append((w, err))
                if rejected:
                    message = str(rejected[0][1].get("errmsg", "rejected"))[:500]
                    logger.error(
                        "MongoDB rejected %d document(s) in %s (first: %s); spooled",
                        len(rejected),
                        collection,
                        message[:200],
                    )
                    self._count("rejected", len(rejected))
                    self._spool([w for w, _ in rejected], message)
                pending = [w for w, _ in retry]
                for w in pending:
                    w.attempts += 1  # retried as an upsert (see _bulk_upsert)
                attempt += 1
                if pending and attempt > self.retry_times:
                    return written, self._fail(pending, exc, spool_on_failure)
                self._count("retried", len(pending))
            except PyMongoError as exc:
                if not _is_transient(exc) or attempt >= self.retry_times:
                    if _is_transient(exc):
                        self.mark_down(exc)
                    return written, self._fail(pending, exc, spool_on_failure)
                attempt += 1
                self._count("retried", len(pending))
                time.sleep(self.retry_backoff * 2 ** (attempt - 1))
        return written, []

    def _fail(self, writes: list[_Write], exc: BaseException, spool: bool) -> list[SpooledWrite]:
        for w in writes:
            w.attempts += 1
        error = f"{type(exc).__name__}: {str(exc)[:300]}"
        if spool:
            self._spool(writes, error)
            return []
        return [
            SpooledWrite(w.collection, w.key, w.document, error=error, attempts=w.attempts)
            for w in writes
        ]

    def _existing_keys(self, collection: str, writes: list[_Write]) -> set[tuple[Any, ...]]:
        """Keys of *writes* already stored: one indexed ``$in`` query on the first key field."""
        fields = tuple(writes[0].key)
        values = list({repr(w.key[fields[0]]): w.key[fields[0]] for w in writes}.values())
        projection = dict.fromkeys(fields, 1)
        cursor = self.db[collection].find({fields[0]: {"$in": values}}, projection)
        return {tuple(doc.get(f) for f in fields) for doc in cursor}

    def _bulk_upsert(self, collection: str, writes: list[_Write]) -> int:
        self._ensure_index(collection, tuple(writes[0].key))
        now = datetime.now(timezone.utc)
        # Replace, not $set: a re-crawl leaves exactly the new document (no stale
        # fields), and nx-27017 keeps BSON types on replace (its $set path turns
        # booleans into 0/1 and datetimes into strings). New keys are inserted
        # rather than upserted: an upsert that matches nothing costs a scan of the
        # collection on nx-27017 (and more than an insert anywhere). A key inserted
        # meanwhile by another worker fails with 11000 and is retried as an upsert.
        existing = self._existing_keys(collection, writes) if writes[0].key else set()
        ops: list[ReplaceOne[Any] | InsertOne[Any]] = []
        for w in writes:
            document = {**w.document, "_updated": now}
            if w.attempts or tuple(w.key.values()) in existing:
                ops.append(ReplaceOne(w.key, document, upsert=True))
            else:
                ops.append(InsertOne(document))
        result = self.db[collection].bulk_write(ops, ordered=False)
        return result.upserted_count + result.matched_count + result.inserted_count
