"""The spool never blocks: unreadable lines are quarantined, the rest is replayed.

Unit tests on the file format, then real processes: ``scrapy mongo replay`` and a
``scrapy crawl`` against the session's nx-27017 with a spool holding a garbage
line in the middle and a torn last line (a crash mid-write).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from _support import crawl_env, scrapy_command

from eduscrape.storage.spool import Spool, SpooledWrite

GOOD = 30


def _writes(n: int, start: int = 0) -> list[SpooledWrite]:
    return [
        SpooledWrite("pages", {"url": f"http://x/{i}"}, {"url": f"http://x/{i}", "n": i})
        for i in range(start, start + n)
    ]


def _damaged_spool(path: Path) -> tuple[bytes, bytes]:
    """GOOD readable writes, a garbage line in the middle and a torn last line."""
    lines = [w.to_line().encode() for w in _writes(GOOD)]
    garbage = b"\xff\xfe not json at all {\n"
    torn = lines[-1][: len(lines[-1]) // 2]
    body = b"".join(lines[: GOOD // 2]) + garbage + b"".join(lines[GOOD // 2 :]) + torn
    path.write_bytes(body)
    return garbage, torn


def test_read_quarantines_unreadable_lines(tmp_path: Path, caplog) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    garbage, torn = _damaged_spool(spool.path)
    assert len(spool) == GOOD  # spool_pending counts readable lines only
    taken = spool.take()
    assert taken is not None
    assert len(spool) == GOOD  # a taken (replaying) spool still counts as pending
    with caplog.at_level(logging.WARNING):
        read = list(Spool.read(taken))
    assert [w.document["n"] for w in read] == list(range(GOOD))
    assert spool.quarantine_path.read_bytes() == garbage + torn + b"\n"
    warning = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warning) == 1 and "2 unreadable line(s)" in warning[0]
    assert str(spool.quarantine_path) in warning[0]


@pytest.mark.parametrize(
    "line",
    [b'{"collection": "pages"}\n', b"[1, 2]\n", b'{"collection": 1, "key": {}, "document": {}}\n'],
)
def test_wrong_shapes_are_quarantined(tmp_path: Path, line: bytes) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.path.write_bytes(_writes(1)[0].to_line().encode() + line)
    assert len(spool) == 1
    taken = spool.take()
    assert taken is not None and len(list(Spool.read(taken))) == 1
    assert spool.quarantine_path.read_bytes() == line


def test_append_after_a_torn_line_keeps_the_new_write(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.path.write_bytes(b'{"collection": "pages", "ke')  # crash mid-write
    spool.append(_writes(2))
    assert len(spool) == 2
    taken = spool.take()
    assert taken is not None and len(list(Spool.read(taken))) == 2


def test_take_merges_onto_a_torn_replay_file(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    spool.replaying_path.write_bytes(_writes(1)[0].to_line().encode() + b'{"torn')
    spool.append(_writes(2, start=1))
    taken = spool.take()
    assert taken == spool.replaying_path
    assert [w.document["n"] for w in Spool.read(taken)] == [0, 1, 2]


def test_replay_command_goes_past_a_damaged_spool(mongo_uri: str, mongo_db, tmp_path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    garbage, torn = _damaged_spool(spool.path)
    done = scrapy_command(
        "mongo",
        "replay",
        "-s",
        f"MONGO_SPOOL_PATH={spool.path}",
        "-s",
        f"MONGO_DATABASE={mongo_db.name}",
        env=crawl_env(mongo_uri),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"replayed {GOOD} item(s)" in done.stdout and "0 left" in done.stdout
    assert f"2 unreadable spool line(s) moved to {spool.quarantine_path}" in done.stderr
    assert "Traceback" not in done.stderr
    assert mongo_db.pages.count_documents({}) == GOOD
    assert spool.quarantine_path.read_bytes() == garbage + torn + b"\n"
    assert len(spool) == 0


def test_crawl_replays_a_damaged_spool_and_crawls(
    run_spider, demo_url: str, mongo_client, tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    garbage, torn = _damaged_spool(spool.path)
    result = run_spider(
        "site",
        args={"start_url": f"{demo_url}/bench/n10/p/0.html"},
        settings={"MONGO_SPOOL_PATH": str(spool.path)},
    )
    assert result.returncode == 0
    assert result.stat("mongo/replayed") == GOOD
    assert result.stat("item_scraped_count") == 10
    assert result.stat("mongo/spool_pending") == 0
    assert "2 unreadable line(s) of the spool" in result.log
    assert mongo_client[result.extra["database"]].pages.count_documents({}) == GOOD + 10
    assert spool.quarantine_path.read_bytes() == garbage + torn + b"\n"
