"""Typed component configuration, built once from Scrapy settings.

A component declares a frozen dataclass whose fields name their setting::

    @dataclass(frozen=True)
    class RetryAfterConfig:
        times: int = setting("RETRY_AFTER_TIMES")
        backoff: float = setting("RETRY_AFTER_BACKOFF")

    config = from_settings(RetryAfterConfig, crawler.settings)

Each default lives in one place, :mod:`eduscrape.settings`, next to its
documentation: a setting the crawler's settings do not have (a project that
enables a single eduscrape component in its own settings module) falls back to
the value declared there. The value is converted with Scrapy's own getters
(``getint``, ``getbool``, ``getlist``...), chosen from the field's annotation.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from scrapy.settings import BaseSettings

from eduscrape import settings as _defaults

T = TypeVar("T")

_GETTERS = {
    "int": "getint",
    "float": "getfloat",
    "bool": "getbool",
    "list": "getlist",
    "dict": "getdict",
}


def setting(name: str) -> Any:
    """A dataclass field read from the setting *name* (see :func:`from_settings`)."""
    return dataclasses.field(metadata={"setting": name})


def default(name: str) -> Any:
    """The value :mod:`eduscrape.settings` declares for *name* (KeyError when it declares none)."""
    try:
        return getattr(_defaults, name)
    except AttributeError:
        raise KeyError(f"{name} is not declared in eduscrape/settings.py") from None


def _getter(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    base = text.split("[", 1)[0].split("|", 1)[0].strip()
    return _GETTERS.get(base, "get")


def from_settings(cls: type[T], settings: Any, **overrides: Any) -> T:
    """An instance of the dataclass *cls* from *settings* (plus *overrides*, by field name)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        name = f.metadata.get("setting")
        if name is None or f.name in overrides:
            continue
        raw = settings.get(name) if settings is not None else None
        if raw is None:
            raw = default(name)
        values[f.name] = getattr(BaseSettings({name: raw}), _getter(f.type))(name)
    values.update(overrides)
    return cls(**values)
