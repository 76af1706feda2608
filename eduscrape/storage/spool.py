"""A local JSON-lines spool of writes that could not reach MongoDB.

Each line is one upsert (collection, key filter, document) in MongoDB
Extended JSON, so datetimes and ObjectIds survive the round trip. The spool is
append-only while crawling; replay moves it aside atomically first, so a crash
during replay never loses or duplicates a line (upserts are idempotent).

A line that cannot be read (torn by a crash mid-write, not UTF-8, not a spooled
write) never blocks the others: reading moves it, byte for byte, to the
quarantine file next to the spool (``<spool>.quarantine``) and logs one WARNING
naming that file and the count.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bson import json_util
from bson.errors import BSONError

logger = logging.getLogger(__name__)

_REPLAYING = ".replaying"
_QUARANTINE = ".quarantine"

_JSON_OPTIONS = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True)


@dataclass
class SpooledWrite:
    """A write MongoDB did not take: collection, key, document and the error."""

    collection: str
    key: dict[str, Any]
    document: dict[str, Any]
    error: str = ""
    attempts: int = 0

    def to_line(self) -> str:
        record = {
            "collection": self.collection,
            "key": self.key,
            "document": self.document,
            "error": self.error,
            "attempts": self.attempts,
        }
        return json_util.dumps(record, json_options=_JSON_OPTIONS) + "\n"

    @classmethod
    def from_line(cls, line: str) -> SpooledWrite:
        record = json_util.loads(line, json_options=_JSON_OPTIONS)
        if not (
            isinstance(record, dict)
            and isinstance(record.get("collection"), str)
            and isinstance(record.get("key"), dict)
            and isinstance(record.get("document"), dict)
        ):
            raise ValueError("not a spooled write")
        return cls(
            collection=record["collection"],
            key=record["key"],
            document=record["document"],
            error=record.get("error", ""),
            attempts=record.get("attempts", 0),
        )


class Spool:
    """Append-only spool file, safe to use from several threads of one process."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, writes: list[SpooledWrite]) -> None:
        if not writes:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                if _ends_torn(self.path):
                    fh.write("\n")  # a torn last line must not swallow the next write
                fh.writelines(w.to_line() for w in writes)
                fh.flush()
                os.fsync(fh.fileno())

    @property
    def replaying_path(self) -> Path:
        return self.path.with_name(self.path.name + _REPLAYING)

    @property
    def quarantine_path(self) -> Path:
        return quarantine_path(self.path)

    def __len__(self) -> int:
        """Readable writes waiting: the spool and a replay left unfinished (torn lines excluded)."""
        total = 0
        for path in (self.replaying_path, self.path):
            if path.exists():
                with path.open("rb") as fh:
                    total += sum(1 for line in fh if line.strip() and _looks_readable(line))
        return total

    def take(self) -> Path | None:
        """Move the spool aside for replay and return the moved file (None if empty).

        A file left over from an interrupted replay is taken first.
        """
        with self._lock:
            pending = self.replaying_path
            if pending.exists():
                if self.path.exists():
                    # Both exist: merge so that one file holds everything to replay.
                    torn = _ends_torn(pending)
                    with pending.open("ab") as out, self.path.open("rb") as src:
                        if torn:
                            out.write(b"\n")
                        out.writelines(src)
                    self.path.unlink()
                return pending
            if not self.path.exists() or self.path.stat().st_size == 0:
                return None
            os.replace(self.path, pending)
            return pending

    @staticmethod
    def read(path: Path, quarantine: Path | None = None) -> Iterator[SpooledWrite]:
        """Yield the readable writes of a taken spool file.

        Unreadable lines go to *quarantine* (default: ``<spool>.quarantine``
        next to it) with one WARNING at the end naming the file and the count.
        """
        quarantine = quarantine or quarantine_path(path)
        bad: list[bytes] = []
        with path.open("rb") as fh:
            for raw in fh:
                if not raw.strip():
                    continue
                try:
                    write = SpooledWrite.from_line(raw.decode("utf-8"))
                except (ValueError, KeyError, TypeError, AttributeError, BSONError):
                    bad.append(raw if raw.endswith(b"\n") else raw + b"\n")
                    continue
                yield write
        if bad:
            quarantine.parent.mkdir(parents=True, exist_ok=True)
            with quarantine.open("ab") as out:
                out.writelines(bad)
                out.flush()
                os.fsync(out.fileno())
            logger.warning(
                "%d unreadable line(s) of the spool %s moved to %s; the other writes are replayed",
                len(bad),
                path,
                quarantine,
            )


def quarantine_path(spool_path: str | os.PathLike[str]) -> Path:
    """The quarantine file of a spool (also of its ``.replaying`` copy)."""
    path = Path(spool_path)
    name = path.name.removesuffix(_REPLAYING)
    return path.with_name(name + _QUARANTINE)


def _ends_torn(path: Path) -> bool:
    """True if *path* is non-empty and its last line lacks its newline (a crash mid-write)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell() == 0:
                return False
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) != b"\n"
    except FileNotFoundError:
        return False


def _looks_readable(line: bytes) -> bool:
    """Cheap check for counting: a JSON object with the fields of a spooled write."""
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return (
        isinstance(record, dict)
        and isinstance(record.get("collection"), str)
        and isinstance(record.get("key"), dict)
        and isinstance(record.get("document"), dict)
    )
