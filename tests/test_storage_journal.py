"""The write journal: segments, settling, orphans (kill -9 itself: test_crash_safety.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from eduscrape.storage.journal import Journal, journal_line, orphans
from eduscrape.storage.spool import Spool, SpooledWrite
from eduscrape.storage.writer import MongoWriter, WriteTarget


def _line(i: int) -> bytes:
    return journal_line("pages", {"url": f"u{i}"}, {"url": f"u{i}", "n": i})


def test_lines_round_trip_through_the_spool_reader() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)
    line = journal_line("pages", {"url": "u"}, {"url": "u", "at": when, "odd": {1}})
    write = SpooledWrite.from_line(line.decode())
    assert (write.collection, write.key, write.document["at"]) == ("pages", {"url": "u"}, when)
    assert write.document["odd"] == "{1}"  # BSON cannot store a set: MongoDB would refuse it


def test_settled_segments_are_deleted_and_a_clean_close_empties_the_folder(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "batch", segment_records=3)
    for i in range(1, 8):
        assert journal.append(_line(i)) == i
    assert len(list(tmp_path.glob("*.jsonl"))) == 3  # 3 + 3 + 1
    journal.sync()
    journal.settled(5)  # the first segment only (its last write is 3; the second ends at 6)
    assert len(list(tmp_path.glob("*.jsonl"))) == 2
    journal.settled(7)
    assert len(list(tmp_path.glob("*.jsonl"))) == 1  # the active one stays until close
    journal.close(settled=True)
    assert not list(tmp_path.iterdir())


def test_a_live_journal_is_no_orphan_and_an_unsettled_close_leaves_one(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "off", segment_records=2)
    for i in range(1, 4):
        journal.append(_line(i))
    assert list(orphans(tmp_path)) == []  # held (flock) by a live writer
    journal.close(settled=False)  # as if the process died: the lock is released
    found = list(orphans(tmp_path))
    assert len(found) == 2
    assert sum(1 for p in found for _ in Spool.read(p)) == 3


def test_bad_fsync_policy_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="MONGO_JOURNAL_FSYNC"):
        Journal(tmp_path, "sometimes")


def test_writer_recovers_an_orphan_journal_into_mongodb(tmp_path: Path, mongo_db: Any) -> None:
    uri = f"mongodb://{mongo_db.client.address[0]}:{mongo_db.client.address[1]}/"
    target = WriteTarget("pages", ("url",))
    dead = MongoWriter(
        uri, mongo_db.name, spool=Spool(tmp_path / "s.jsonl"), journal=Journal(tmp_path / "j")
    )
    for i in range(5):
        dead.put(target, {"url": f"u{i}", "a.b": i})  # never started: all still in memory
    assert dead.journal is not None
    dead.journal.close(settled=False)  # the kernel releases a killed process's locks
    dead.disconnect()

    writer = MongoWriter(
        uri, mongo_db.name, spool=Spool(tmp_path / "s.jsonl"), journal=Journal(tmp_path / "j")
    )
    recovered, files = writer.recover_journal()
    assert (recovered, len(files)) == (5, 1)
    writer.start()
    writer.close()
    writer.disconnect()
    docs = list(mongo_db.pages.find({}, {"_id": 0, "_updated": 0}).sort("url"))
    assert [d["url"] for d in docs] == [f"u{i}" for i in range(5)]
    assert docs[1]["a%2Eb"] == 1  # escaped once, not twice
    assert not list((tmp_path / "j").glob("*.jsonl"))
