from __future__ import annotations

import time
from pathlib import Path

from _support import free_port

from eduscrape.storage import MongoWriter, WriteTarget
from eduscrape.storage.spool import Spool

PAGES = WriteTarget("pages", ("url",))


def make_writer(uri: str, db: str, tmp_path: Path, **kwargs) -> MongoWriter:
    kwargs.setdefault("batch_size", 50)
    kwargs.setdefault("flush_interval", 0.2)
    return MongoWriter(uri, db, spool=Spool(tmp_path / "spool.jsonl"), **kwargs)


def test_batched_upserts_are_idempotent(mongo_uri: str, mongo_db, tmp_path: Path) -> None:
    writer = make_writer(mongo_uri, mongo_db.name, tmp_path)
    writer.start()
    for _ in range(2):  # the second round is a re-crawl of the same pages
        for i in range(120):
            writer.put(PAGES, {"url": f"http://x/{i}", "n": i, "ok": True})
    writer.close()
    writer.disconnect()
    assert mongo_db.pages.count_documents({}) == 120
    assert writer.counts["written"] == 240
    assert writer.counts["batches"] >= 5  # 240 writes in batches of at most 50
    doc = mongo_db.pages.find_one({"url": "http://x/7"})
    assert doc["n"] == 7 and doc["ok"] is True  # types survive the re-crawl's replace
    assert any(ix.get("unique") for ix in mongo_db.pages.index_information().values())


def test_flushes_by_time_without_close(mongo_uri: str, mongo_db, tmp_path: Path) -> None:
    writer = make_writer(mongo_uri, mongo_db.name, tmp_path, batch_size=1000, flush_interval=0.1)
    writer.start()
    for i in range(5):
        writer.put(PAGES, {"url": f"u{i}"})
    deadline = time.monotonic() + 10
    while mongo_db.pages.count_documents({}) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mongo_db.pages.count_documents({}) == 5  # written before close(), by the timer
    writer.close()
    writer.disconnect()


def test_same_key_twice_in_one_batch_last_wins(mongo_uri: str, mongo_db, tmp_path: Path) -> None:
    writer = make_writer(mongo_uri, mongo_db.name, tmp_path)
    writer.put(PAGES, {"url": "same", "v": 1})
    writer.put(PAGES, {"url": "same", "v": 2})
    writer.start()
    writer.close()
    writer.disconnect()
    assert [d["v"] for d in mongo_db.pages.find({"url": "same"})] == [2]


def test_unreachable_database_spools_everything_then_replays(
    mongo_uri: str, mongo_db, tmp_path: Path
) -> None:
    dead = f"mongodb://127.0.0.1:{free_port()}/"
    writer = make_writer(
        dead,
        mongo_db.name,
        tmp_path,
        batch_size=1,
        timeout_ms=1500,
        retry_times=1,
        retry_backoff=0.01,
    )
    writer.start()
    for i in range(300):
        writer.put(PAGES, {"url": f"http://x/{i}", "$weird.key": i})
    # Every put() returned while the writer thread is still stuck on its first write
    # (two server selections of 1.5 s each): callers never wait for the database.
    assert writer.counts["spooled"] == 0 and writer.pending >= 298
    writer.close()
    writer.disconnect()
    assert writer.counts["written"] == 0
    assert writer.counts["spooled"] == 300
    assert writer.counts["retried"] >= 1
    spool = Spool(tmp_path / "spool.jsonl")
    assert len(spool) == 300

    live = make_writer(mongo_uri, mongo_db.name, tmp_path)
    assert live.replay_spool() == 300
    live.disconnect()
    assert len(spool) == 0
    assert mongo_db.pages.count_documents({}) == 300
    assert live.counts["replayed"] == 300


def test_replay_is_repeatable_and_keeps_failures(mongo_uri: str, mongo_db, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool.jsonl")
    dead = MongoWriter(
        f"mongodb://127.0.0.1:{free_port()}/", "x", spool=spool, timeout_ms=200, retry_times=0
    )
    dead.put(PAGES, {"url": "a"})
    dead.close()
    # Replaying against a dead server keeps the line for the next attempt.
    assert dead.replay_spool() == 0
    dead.disconnect()
    assert len(spool) == 1
    live = MongoWriter(mongo_uri, mongo_db.name, spool=spool)
    assert live.replay_spool() == 1
    assert live.replay_spool() == 0
    live.disconnect()
    assert mongo_db.pages.count_documents({"url": "a"}) == 1


def test_operator_like_keys_are_stored_escaped(mongo_uri: str, mongo_db, tmp_path: Path) -> None:
    from eduscrape.storage import unescape_keys

    writer = make_writer(mongo_uri, mongo_db.name, tmp_path)
    doc = {"url": "j", "jsonld": {"@type": "Offer", "$price": 10, "geo.lat": 1.5}}
    writer.put(PAGES, doc)
    writer.close()
    writer.disconnect()
    assert writer.counts["rejected"] == 0
    stored = mongo_db.pages.find_one({"url": "j"}, {"_id": 0, "_updated": 0})
    assert unescape_keys(stored) == doc


def test_concurrent_writers_of_the_same_new_keys_do_not_duplicate(
    mongo_uri: str, mongo_db, tmp_path: Path
) -> None:
    import threading

    writers = [
        make_writer(mongo_uri, mongo_db.name, tmp_path / str(n), batch_size=100) for n in range(2)
    ]
    writers[0].ensure_indexes([PAGES])

    def fill(writer: MongoWriter) -> None:
        for i in range(300):
            writer.put(PAGES, {"url": f"http://race/{i}", "n": i})
        writer.start()
        writer.close()

    threads = [threading.Thread(target=fill, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for w in writers:
        w.disconnect()
        assert w.counts["rejected"] == 0 and w.counts["spooled"] == 0
        assert w.counts["written"] == 300
    assert mongo_db.pages.count_documents({}) == 300
