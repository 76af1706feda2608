"""The embedded default MongoDB: an nx-27017 wire-protocol server on loopback.

When ``MONGO_URI`` is not set, eduscrape stores into an nx-27017 server whose
SQLite files live under a data folder (``.eduscrape/mongo`` by default). The
server speaks MongoDB's wire protocol, so the pymongo code is exactly the code
that runs against a real MongoDB.

Two lifetimes:
- *owned*: a crawl that finds no server starts one and stops it when the crawl
  process ends (also when it is killed: the child gets SIGTERM from the kernel
  through ``PR_SET_PDEATHSIG``);
- *daemon*: ``scrapy mongo start`` leaves one running for inspection with
  mongosh or pymongo; crawls reuse it and ``scrapy mongo stop`` stops it.

A small JSON state file next to the data records pid, host and port.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from eduscrape._net import free_port

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = ".eduscrape/mongo"
_STATE_FILE = "server.json"
_PR_SET_PDEATHSIG = 1


@dataclass
class ServerInfo:
    """A running embedded server: process, address, data folder, start time."""

    pid: int
    host: str
    port: int
    data_dir: str
    daemon: bool
    started_at: float

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/"


class EmbeddedMongoError(RuntimeError):
    """The embedded server could not be started; ``str()`` says why in one line."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited child not yet reaped) still answers kill(0).
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def ping(uri: str, timeout_ms: int = 1000) -> bool:
    """True when a MongoDB answers at *uri* within *timeout_ms*."""
    client: MongoClient[dict] = MongoClient(
        uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def _set_pdeathsig() -> None:  # runs in the child between fork and exec
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class EmbeddedMongo:
    """Start, find and stop the embedded server of one data folder."""

    def __init__(
        self, data_dir: str | os.PathLike[str] = DEFAULT_DATA_DIR, host: str = "127.0.0.1"
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.host = host
        self.process: subprocess.Popen[bytes] | None = None
        self.info: ServerInfo | None = None

    @property
    def state_path(self) -> Path:
        return self.data_dir / _STATE_FILE

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def status(self) -> ServerInfo | None:
        """The running server of this data folder, or None (a stale state file is removed)."""
        try:
            info = ServerInfo(**json.loads(self.state_path.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if _pid_alive(info.pid) and ping(info.uri):
            return info
        with contextlib.suppress(OSError):
            self.state_path.unlink()
        return None

    def ensure(
        self, *, daemon: bool = False, port: int = 0, timeout: float = 30.0
    ) -> tuple[ServerInfo, bool]:
        """Return (server, started_here). Reuses a running server of the same folder."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            running = self.status()
            if running is not None:
                self.info = running
                return running, False
            return self._start(daemon=daemon, port=port, timeout=timeout), True

    def _start(self, *, daemon: bool, port: int, timeout: float) -> ServerInfo:
        port = port or free_port(self.host)
        db_dir = self.data_dir / "db"
        db_dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "eduscrape.storage._nxserver",
            "--data-dir",
            str(db_dir),
            "--host",
            self.host,
            "--port",
            str(port),
            "--log-file",
            str(self.log_path),
            "--pid-file",
            str(self.data_dir / "nx.pid"),
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=daemon,
                preexec_fn=None if daemon else _set_pdeathsig,
            )
        info = ServerInfo(
            self.process.pid, self.host, port, str(self.data_dir), daemon, time.time()
        )
        deadline = time.monotonic() + timeout
        while not ping(info.uri, timeout_ms=500):
            if self.process.poll() is not None:
                raise EmbeddedMongoError(
                    f"embedded MongoDB (nx-27017) exited with code {self.process.returncode}; see {self.log_path}"
                )
            if time.monotonic() > deadline:
                self.process.kill()
                raise EmbeddedMongoError(
                    f"embedded MongoDB did not answer within {timeout:.0f} s; see {self.log_path}"
                )
            time.sleep(0.1)
        self.state_path.write_text(json.dumps(asdict(info)))
        self.info = info
        if not daemon:
            atexit.register(self.stop)
        logger.info("Started embedded MongoDB (nx-27017) at %s, data in %s", info.uri, db_dir)
        return info

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop the server of this folder (ours or a daemon). Returns whether one was running."""
        info = self.info or self.status()
        if info is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(info.pid) and time.monotonic() < deadline:
            if self.process is not None and self.process.pid == info.pid:
                self.process.poll()
            time.sleep(0.05)
        if _pid_alive(info.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(info.pid, signal.SIGKILL)
        if self.process is not None:
            with contextlib.suppress(Exception):
                self.process.wait(timeout=5)
        with contextlib.suppress(OSError):
            self.state_path.unlink()
        self.info = None
        return True
