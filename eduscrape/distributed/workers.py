"""Which workers of a distributed crawl are alive, so a killed one is noticed at once.

Redis keys, derived from the scheduler queue key ``K``:

- ``K:workers`` (hash): worker id -> JSON ``{"host", "pid", "started"}``, written
  when a worker opens and removed when it closes cleanly;
- ``K:worker:<id>`` (string with a TTL of one lease): the worker's heartbeat,
  renewed with its leases.

A registered worker whose heartbeat expired, or that ran on this host under a pid
that no longer exists, stopped without closing (``kill -9``, a crash, a lost
machine). The worker that finds it says so in one WARNING and gives its leases
back to the queue at once (:meth:`LeasedPriorityQueue.release_owner
<eduscrape.distributed.queue.LeasedPriorityQueue.release_owner>`) instead of
waiting for them to expire.
"""

from __future__ import annotations

import json
import math
import os
import socket
import time
import uuid
from typing import Any


def new_worker_id() -> str:
    """``host:pid:random``; never contains ``|`` (the lease token separator)."""
    host = socket.gethostname().replace("|", "_").replace(":", "_")
    return f"{host}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


class WorkerRegistry:
    def __init__(self, server: Any, queue_key: str, heartbeat: float) -> None:
        self.server = server
        self.key = f"{queue_key}:workers"
        self.ttl = max(1, math.ceil(heartbeat))
        self.host = socket.gethostname()

    def _beat_key(self, worker: str) -> str:
        return f"{self.key}:{worker}"

    def register(self, worker: str) -> None:
        info = {
            "host": self.host,
            "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        pipe = self.server.pipeline(transaction=True)
        pipe.hset(self.key, worker, json.dumps(info))
        pipe.set(self._beat_key(worker), 1, ex=self.ttl)
        pipe.execute()

    def beat(self, worker: str) -> None:
        self.server.set(self._beat_key(worker), 1, ex=self.ttl)

    def unregister(self, worker: str) -> None:
        pipe = self.server.pipeline(transaction=True)
        pipe.hdel(self.key, worker)
        pipe.delete(self._beat_key(worker))
        pipe.execute()

    def dead(self, exclude: str = "") -> list[tuple[str, dict[str, Any]]]:
        """Registered workers that stopped without closing: (id, info)."""
        found = []
        for raw_id, raw_info in self.server.hgetall(self.key).items():
            worker = raw_id.decode() if isinstance(raw_id, bytes) else raw_id
            if worker == exclude:
                continue
            try:
                info = json.loads(raw_info)
            except ValueError:
                info = {}
            if not isinstance(info, dict):
                info = {}
            local = info.get("host") == self.host and isinstance(info.get("pid"), int)
            if (local and not _pid_alive(info["pid"])) or not self.server.exists(
                self._beat_key(worker)
            ):
                found.append((worker, info))
        return found

    def forget(self, worker: str) -> None:
        self.unregister(worker)
