"""Reversible escaping of document keys.

MongoDB refuses (or treats as operators / paths) keys that start with ``$`` or
contain ``.``, and NUL bytes. Crawled data (JSON-LD, attribute names, headers)
contains such keys, so they are percent-escaped on the way in and restored on
the way out. ``%`` itself is escaped first, which makes the mapping bijective.
"""

from __future__ import annotations

from typing import Any

_ESCAPES = (("%", "%25"), (".", "%2E"), ("\x00", "%00"))


def escape_key(key: str) -> str:
    """A field name MongoDB accepts (``%``, ``.``, NUL and a leading ``$`` escaped, reversibly)."""
    for raw, escaped in _ESCAPES:
        key = key.replace(raw, escaped)
    if key.startswith("$"):
        key = "%24" + key[1:]
    return key


def unescape_key(key: str) -> str:
    """The original field name of :func:`escape_key`'s output."""
    if key.startswith("%24"):
        key = "$" + key[3:]
    for raw, escaped in reversed(_ESCAPES):
        key = key.replace(escaped, raw)
    return key


def _needs_escape(key: str) -> bool:
    return key.startswith("$") or "." in key or "%" in key or "\x00" in key


def escape_keys(value: Any) -> Any:
    """Return *value* with every dict key (recursively) made safe for MongoDB."""
    if isinstance(value, dict):
        return {
            (escape_key(k) if isinstance(k, str) and _needs_escape(k) else str(k)): escape_keys(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [escape_keys(v) for v in value]
    return value


def unescape_keys(value: Any) -> Any:
    """Inverse of :func:`escape_keys`."""
    if isinstance(value, dict):
        return {(unescape_key(k) if "%" in k else k): unescape_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unescape_keys(v) for v in value]
    return value
