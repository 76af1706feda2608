"""A local JSON-lines spool of writes that could not reach MongoDB.

Each line is one upsert (collection, key filter, document) in MongoDB
Extended JSON, so datetimes and ObjectIds survive the round trip. The spool is
append-only while crawling; replay moves it aside atomically first, so a crash
during replay never loses or duplicates a line (upserts are idempotent).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bson import json_util

_JSON_OPTIONS = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True)


@dataclass
class SpooledWrite:
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
                fh.writelines(w.to_line() for w in writes)
                fh.flush()
                os.fsync(fh.fileno())

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())

    def take(self) -> Path | None:
        """Move the spool aside for replay and return the moved file (None if empty).

        A file left over from an interrupted replay is taken first.
        """
        with self._lock:
            pending = self.path.with_suffix(self.path.suffix + ".replaying")
            if pending.exists():
                if self.path.exists():
                    # Both exist: merge so that one file holds everything to replay.
                    with (
                        pending.open("a", encoding="utf-8") as out,
                        self.path.open(encoding="utf-8") as src,
                    ):
                        out.writelines(src)
                    self.path.unlink()
                return pending
            if not self.path.exists() or self.path.stat().st_size == 0:
                return None
            os.replace(self.path, pending)
            return pending

    @staticmethod
    def read(path: Path) -> Iterator[SpooledWrite]:
        """Yield the writes of a taken spool file; unreadable lines raise ValueError with the line number."""
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield SpooledWrite.from_line(line)
                except (ValueError, KeyError) as exc:
                    raise ValueError(f"{path}:{number}: unreadable spool line ({exc})") from exc
