"""A scrapy-redis request queue with leases, so a dead worker loses nothing.

``SCHEDULER_QUEUE_CLASS = "eduscrape.distributed.queue.LeasedPriorityQueue"``.

Redis keys, all derived from the scheduler queue key ``K``:

- ``K`` (sorted set): waiting requests, score ``-priority`` (as scrapy-redis's
  ``PriorityQueue``);
- ``K:leases`` (sorted set): lease token -> expiry time (Redis server clock, so
  workers on several machines need no synchronised clocks);
- ``K:leased`` (hash): lease token -> encoded request.

``pop()`` atomically (one Lua script) returns expired leases to ``K``, takes the
best request and leases it. The worker renews its leases while it is alive
(:meth:`renew`) and acknowledges a request (:meth:`ack`) once its response has
been processed; a killed worker stops renewing, its leases expire and the next
``pop()`` of any worker re-queues those requests. Delivery is therefore
at-least-once: a page is fetched twice only when a worker dies (or stalls past
its lease) while holding it, and MongoDB upserts on natural keys make that
harmless.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from scrapy_redis.queue import Base

from eduscrape.config import from_settings
from eduscrape.distributed.addon import RedisConfig

#: Request meta key holding the lease token of a request popped from Redis.
LEASE_META_KEY = "eduscrape_lease"

# Shared by _POP and _RECLAIM: put every expired lease back on the queue (KEYS:
# queue, leases, leased), counting them in `requeued`; `now` is Redis' clock.
_REQUEUE_EXPIRED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local requeued = 0
for _, tok in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  local data = redis.call('HGET', KEYS[3], tok)
  if data then
    redis.call('ZADD', KEYS[1], string.match(tok, '^([^|]+)|'), data)
    redis.call('HDEL', KEYS[3], tok)
    requeued = requeued + 1
  end
  redis.call('ZREM', KEYS[2], tok)
end
"""

# KEYS: queue, leases, leased. ARGV: lease seconds, new token suffix.
# Returns {requeued} or {requeued, token, data}.
_POP = (
    _REQUEUE_EXPIRED
    + """
local top = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #top == 0 then return {requeued} end
redis.call('ZREM', KEYS[1], top[1])
local tok = top[2] .. '|' .. ARGV[2]
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), tok)
redis.call('HSET', KEYS[3], tok, top[1])
return {requeued, tok, top[1]}
"""
)

# KEYS: leases. ARGV: lease seconds, tokens... Only extends leases that still exist
# (XX): a lease that already expired and was re-queued stays re-queued.
_RENEW = """
local t = redis.call('TIME')
local deadline = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local n = 0
for i = 2, #ARGV do
  n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', deadline, ARGV[i])
end
return n
"""

# KEYS: queue, leases, leased. Re-queue every expired lease; returns how many.
_RECLAIM = (
    _REQUEUE_EXPIRED
    + """
return requeued
"""
)


# KEYS: queue, fingerprints. ARGV: score, encoded request, fingerprint. Marking a
# request seen and queueing it is one step: a worker killed between the two would
# leave a URL seen by every worker and queued by none (never crawled).
_PUSH_NEW = """
if redis.call('SADD', KEYS[2], ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


class LeasedPriorityQueue(Base):
    """Priority queue whose pops are leases until acknowledged.

    Settings (read from the spider's settings): ``EDUSCRAPE_REDIS_LEASE`` (seconds
    a popped request stays leased without renewal).
    """

    def __init__(
        self,
        server: Any,
        spider: Any,
        key: str,
        serializer: Any = None,
        lease: float | None = None,
    ) -> None:
        super().__init__(server, spider, key, serializer)
        if lease is None:
            lease = from_settings(RedisConfig, getattr(spider, "settings", None)).lease
        self.lease = float(lease)
        self.leases_key = f"{self.key}:leases"
        self.leased_key = f"{self.key}:leased"
        self._pop = server.register_script(_POP)
        self._renew = server.register_script(_RENEW)
        self._reclaim = server.register_script(_RECLAIM)
        self._push_new = server.register_script(_PUSH_NEW)
        #: Requests re-queued from expired leases by this worker's pops.
        self.requeued = 0
        #: This worker's id, part of its lease tokens (``score|owner|random``), so the
        #: leases of a worker known to be dead can be given back at once.
        self.owner = ""

    def __len__(self) -> int:
        return self.server.zcard(self.key)

    def leased(self) -> int:
        """Requests currently leased by any worker (popped, not yet acknowledged)."""
        return self.server.zcard(self.leases_key)

    def push(self, request: Any) -> None:
        # A request re-scheduled from a leased one (retry, redirect) must not carry
        # the old token: it gets its own lease when popped.
        request.meta.pop(LEASE_META_KEY, None)
        self.server.execute_command(
            "ZADD", self.key, -request.priority, self._encode_request(request)
        )

    def push_new(self, request: Any, seen_key: str, fingerprint: str) -> bool:
        """Add *fingerprint* to the set *seen_key* and queue *request*, atomically, unless
        the fingerprint was there already; returns whether the request was queued."""
        request.meta.pop(LEASE_META_KEY, None)
        data = self._encode_request(request)
        return bool(
            self._push_new(keys=[self.key, seen_key], args=[-request.priority, data, fingerprint])
        )

    def pop(self, timeout: float = 0) -> Any:
        # No blocking pop: it would stall Scrapy's reactor.
        result = self._pop(
            keys=[self.key, self.leases_key, self.leased_key],
            args=[
                self.lease,
                f"{self.owner}|{uuid.uuid4().hex}" if self.owner else uuid.uuid4().hex,
            ],
        )
        self.requeued += int(result[0])
        if len(result) < 3:
            return None
        request = self._decode_request(result[2])
        token = result[1]
        request.meta[LEASE_META_KEY] = token.decode() if isinstance(token, bytes) else token
        return request

    def ack(self, tokens: Iterable[str]) -> int:
        """Forget leased requests whose processing is complete."""
        tokens = list(tokens)
        if not tokens:
            return 0
        pipe = self.server.pipeline(transaction=True)
        pipe.zrem(self.leases_key, *tokens)
        pipe.hdel(self.leased_key, *tokens)
        return int(pipe.execute()[0])

    def renew(self, tokens: Iterable[str]) -> int:
        """Extend the leases this worker still holds; returns how many were extended."""
        tokens = list(tokens)
        if not tokens:
            return 0
        return int(self._renew(keys=[self.leases_key], args=[self.lease, *tokens]))

    def reclaim(self) -> int:
        """Re-queue the requests of expired leases now (``pop()`` also does it)."""
        n = int(self._reclaim(keys=[self.key, self.leases_key, self.leased_key]))
        self.requeued += n
        return n

    def release(self, tokens: Iterable[str]) -> int:
        """Give leased requests back to the queue at once (a worker that stops early)."""
        tokens = list(tokens)
        if not tokens:
            return 0
        pipe = self.server.pipeline(transaction=True)
        for token in tokens:
            pipe.zadd(self.leases_key, {token: 0}, xx=True)
        pipe.execute()
        return self.reclaim()

    def release_owner(self, owner: str) -> int:
        """Give back every lease of the worker *owner* (known dead); returns how many."""
        marker = f"|{owner}|"
        tokens = [
            t.decode() if isinstance(t, bytes) else t
            for t in self.server.zrange(self.leases_key, 0, -1)
        ]
        mine = [t for t in tokens if marker in t]
        if not mine:
            return 0
        pipe = self.server.pipeline(transaction=True)
        for token in mine:
            pipe.zadd(self.leases_key, {token: 0}, xx=True)
        pipe.execute()
        self.reclaim()
        return len(mine)

    def clear(self) -> None:
        self.server.delete(self.key, self.leases_key, self.leased_key)
