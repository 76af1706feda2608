"""An append-only local journal of accepted writes, so a hard kill loses none.

:class:`~eduscrape.storage.writer.MongoWriter` keeps up to a batch (about a second)
of writes in memory. Each ``put()`` first appends its write, one JSON line in the
spool's format, to the journal with one ``write()`` system call, before it
returns: after ``kill -9`` the line is in the operating system's page cache, hence
in the file. ``fsync`` (surviving an OS crash or power loss too) follows
``MONGO_JOURNAL_FSYNC``:

- ``"batch"`` (default): the writer thread fsyncs the journal once per batch /
  flush interval, so at most about a second of writes is exposed to a power
  loss, never to a process kill;
- ``"always"``: fsync before ``put()`` returns (the cost is measured in
  ``bench/bench_mongo_writes.py``);
- ``"off"``: never fsync (still safe against a process kill).

The journal is a folder of segments (``<time>-<pid>-<random>.jsonl``) of at most
``segment_records`` lines. A segment is deleted once every write it holds is
settled (written, spooled or rejected); a clean close leaves the folder empty.
Each live segment is held with an exclusive ``flock``, released by the kernel
when its process dies however it dies: :func:`orphans` are the segments no live
process holds, which the next start replays (:meth:`MongoWriter.recover_journal`).
Several processes (crawls, scrapy-redis workers) can share one folder.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bson import json_util

logger = logging.getLogger(__name__)

FSYNC_POLICIES = ("batch", "always", "off")
_SUFFIX = ".jsonl"


def _default(value: Any) -> Any:
    try:
        return json_util.default(value)
    except TypeError:
        # BSON cannot encode it either: MongoDB would reject the write the same way.
        return str(value)


def journal_line(collection: str, key: dict[str, Any], document: dict[str, Any]) -> bytes:
    """One journal line, readable by :meth:`eduscrape.storage.spool.SpooledWrite.from_line`.

    Plain ``json`` with BSON's extended forms for datetimes, ObjectIds...: about
    half the cost of canonical Extended JSON, on the reactor thread.
    """
    record = {"collection": collection, "key": key, "document": document}
    return (json.dumps(record, default=_default, separators=(",", ":")) + "\n").encode()


class _Segment:
    __slots__ = ("fd", "last", "path", "records")

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd
        self.records = 0
        self.last = 0  # sequence number of its last write


class Journal:
    """The journal of one writer (one process): ``append`` under the writer's lock."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        fsync: str = "batch",
        segment_records: int = 1000,
    ) -> None:
        if fsync not in FSYNC_POLICIES:
            raise ValueError(
                f"MONGO_JOURNAL_FSYNC must be one of {', '.join(FSYNC_POLICIES)}, not {fsync!r}"
            )
        self.directory = Path(directory)
        self.fsync = fsync
        self.segment_records = max(1, segment_records)
        self.appended = 0  # sequence number of the last write appended
        self._active: _Segment | None = None
        self._full: list[_Segment] = []  # rotated, waiting for their writes to settle
        self._lock = threading.Lock()
        self._dirty = False

    # -- writing (reactor thread, under the writer's lock) ------------------------

    def append(self, line: bytes) -> int:
        """Append one write; returns its sequence number (1-based)."""
        with self._lock:
            segment = self._active
            if segment is None or segment.records >= self.segment_records:
                segment = self._rotate()
            _write_all(segment.fd, line)
            self.appended += 1
            segment.records += 1
            segment.last = self.appended
            if self.fsync == "always":
                os.fsync(segment.fd)
            else:
                self._dirty = True
            return self.appended

    def _rotate(self) -> _Segment:
        if self._active is not None:
            self._full.append(self._active)
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        # Locked before it gets its visible name: no other process can take it for an orphan.
        tmp = self.directory / f".{name}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = self.directory / (name + _SUFFIX)
        os.replace(tmp, path)
        if self.fsync != "off":
            _fsync_dir(self.directory)
        self._active = _Segment(path, fd)
        return self._active

    # -- writer thread --------------------------------------------------------------

    def sync(self) -> None:
        """fsync what was appended since the last sync (policy ``"batch"``)."""
        if self.fsync != "batch" or not self._dirty:
            return
        with self._lock:
            self._dirty = False
            fds = [os.dup(s.fd) for s in (*self._full, self._active) if s is not None]
        for fd in fds:  # outside the lock: put() never waits for the disk
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def settled(self, watermark: int) -> None:
        """The first *watermark* writes are settled: delete the segments holding only those."""
        with self._lock:
            done = [s for s in self._full if s.last <= watermark]
            if not done:
                return
            self._full = [s for s in self._full if s.last > watermark]
        for segment in done:
            _drop(segment)

    def close(self, *, settled: bool) -> None:
        """Release the segments; delete them when every write is *settled*, else keep
        them for the next start to replay."""
        with self._lock:
            segments = [*self._full, *([self._active] if self._active else [])]
            self._full, self._active = [], None
        for segment in segments:
            if settled:
                _drop(segment)
            else:
                os.close(segment.fd)

    @property
    def files(self) -> list[Path]:
        with self._lock:
            return [s.path for s in (*self._full, self._active) if s is not None]


@contextmanager
def _claimed(path: Path) -> Iterator[bool]:
    """Lock *path* if no live process holds it; yields whether it is ours (an orphan)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:  # replayed and deleted by another process meanwhile
            same = False
        yield same
    finally:
        os.close(fd)


def orphans(directory: str | os.PathLike[str]) -> Iterator[Path]:
    """Segments of *directory* no live process holds, oldest first, each locked by this
    process while the caller handles it (the caller deletes it when done)."""
    folder = Path(directory)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*" + _SUFFIX)):
        with _claimed(path) as ours:
            if ours:
                yield path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _drop(segment: _Segment) -> None:
    try:
        segment.path.unlink(missing_ok=True)
    finally:
        os.close(segment.fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
