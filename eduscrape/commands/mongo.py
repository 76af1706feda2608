"""``scrapy mongo start|stop|status|replay``: the embedded MongoDB and the spool.

- ``start``: run the embedded nx-27017 server in the background (crawls reuse it),
  so the data can be inspected with mongosh or pymongo at the printed URI;
- ``stop``: stop it;
- ``status``: where the data is, the URI, collections and document counts;
- ``replay``: write the items waiting in the spool to MongoDB (``MONGO_URI`` or embedded),
  and those a killed crawl left in the journal.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from eduscrape.storage import redact_uri
from eduscrape.storage.connect import StorageConfig, ensure_uri, writer_for
from eduscrape.storage.embedded import EmbeddedMongo
from eduscrape.storage.spool import Spool
from eduscrape.storage.uri import BadMongoURI


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "start|stop|status|replay"

    def short_desc(self) -> str:
        return "Start, stop or inspect the embedded MongoDB; replay the spool"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help="port for `start` (default: EDUSCRAPE_MONGO_PORT or free)",
        )
        parser.add_argument("--json", action="store_true", help="print `status` as JSON")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or args[0] not in ("start", "stop", "status", "replay"):
            raise UsageError("expected one of: start, stop, status, replay")
        assert self.settings is not None
        self.config = StorageConfig.from_settings(self.settings)
        server = EmbeddedMongo(self.config.data_dir)
        getattr(self, f"_{args[0]}")(server, opts)

    def _start(self, server: EmbeddedMongo, opts: argparse.Namespace) -> None:
        assert self.settings is not None
        port = opts.port if opts.port is not None else self.settings.getint("EDUSCRAPE_MONGO_PORT")
        info, started = server.ensure(daemon=True, port=port)
        state = "started" if started else "already running"
        print(f"embedded MongoDB {state}: {info.uri} (pid {info.pid}, data in {info.data_dir})")
        print(f"inspect it with: mongosh {info.uri}{self.config.database}")

    def _stop(self, server: EmbeddedMongo, opts: argparse.Namespace) -> None:
        print("embedded MongoDB stopped" if server.stop() else "embedded MongoDB was not running")

    def _status(self, server: EmbeddedMongo, opts: argparse.Namespace) -> None:
        info = server.status()
        spool = Spool(self.config.spool_path)
        report: dict[str, Any] = {
            "embedded": {"running": info is not None, "data_dir": str(server.data_dir)},
            "spool": {"path": str(spool.path), "pending": len(spool)},
        }
        if info is not None:
            report["embedded"].update(uri=info.uri, pid=info.pid, daemon=info.daemon)
        try:
            uri = self.config.configured_uri() or (info.uri if info else None)
        except BadMongoURI as exc:
            print(exc, file=sys.stderr)
            self.exitcode = 2
            return
        if uri:
            report["uri"] = redact_uri(uri)
            report["collections"] = self._counts(uri)
        if opts.json:
            print(json.dumps(report, indent=2))
            return
        emb = report["embedded"]
        print(
            f"embedded MongoDB: {'running at ' + emb['uri'] if emb['running'] else 'not running'} (data in {emb['data_dir']})"
        )
        if self.config.uri or self.config.profile:
            print(f"MONGO_URI: {report['uri']}")
        print(f"spool: {report['spool']['pending']} item(s) waiting in {report['spool']['path']}")
        for name, count in sorted(report.get("collections", {}).items()):
            print(f"  {self.config.database}.{name}: {count} document(s)")

    def _counts(self, uri: str) -> dict[str, int]:
        from pymongo.errors import PyMongoError

        from eduscrape.storage.writer import mongo_client

        client = mongo_client(uri, timeout_ms=2000)  # a status answers fast
        try:
            db = client[self.config.database]
            return {name: db[name].count_documents({}) for name in db.list_collection_names()}
        except PyMongoError as exc:
            print(
                f"MongoDB at {redact_uri(uri)} is unreachable: {type(exc).__name__}",
                file=sys.stderr,
            )
            return {}
        finally:
            client.close()

    def _replay(self, server: EmbeddedMongo, opts: argparse.Namespace) -> None:
        try:
            uri, started = ensure_uri(self.config)
        except BadMongoURI as exc:
            print(exc, file=sys.stderr)
            self.exitcode = 2
            return
        writer = writer_for(self.config, uri)
        spool = writer.spool
        try:
            if not writer.ping():
                print(
                    f"MongoDB at {redact_uri(uri)} is unreachable; {len(spool)} item(s) stay in {spool.path}",
                    file=sys.stderr,
                )
                self.exitcode = 1
                return
            quarantined = _line_count(spool.quarantine_path)
            replayed = writer.replay_spool()
            written = writer.counts["written"]
            recovered, files = writer.recover_journal()
            writer.close()  # not started: writes the recovered items here
            if files:
                print(
                    f"WARNING: {recovered} item(s) accepted by a crawl that stopped without "
                    f"closing (killed?) recovered from its journal {', '.join(map(str, files))}",
                    file=sys.stderr,
                )
            replayed += writer.counts["written"] - written
            left = len(spool)
            print(
                f"replayed {replayed} item(s) into {redact_uri(uri)}; {left} left in {spool.path}"
            )
            quarantined = _line_count(spool.quarantine_path) - quarantined
            if quarantined:
                # Logging is off in this command: say it here (the spool module logs it in crawls).
                print(
                    f"WARNING: {quarantined} unreadable spool line(s) moved to {spool.quarantine_path}",
                    file=sys.stderr,
                )
            self.exitcode = 1 if left else 0
        finally:
            writer.disconnect()
            if started is not None:
                started.stop()


def _line_count(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for _ in fh)
