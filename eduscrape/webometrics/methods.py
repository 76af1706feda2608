"""Ranking methods as data: a YAML file or a bundled preset (``presets/<name>.yaml``).

    normalize: max            # each source divided by its maximum over the ranked sites
    indicators:
      size:       {weight: 10, sources: [pages_google, pages_yandex, crawl.pages]}
      visibility: {weight: 25, sources: [links_google, crawl.inlinks]}

indicator = sum of its normalised sources; score = sum(weight * indicator) / sum(weight).
A source is a column of the imported table, a ``crawl.*`` source measured by the
crawl (:data:`eduscrape.webometrics.crawl.CRAWL_SOURCES`), or a pattern (``pages_*``,
case-insensitive) standing for every column it matches. An indicator may set its own
``normalize``. ``exclude_top_referrers: N`` drops each institution's N strongest
linking institutions from the crawl's inlink counts (Webometrics since 2014).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eduscrape.webometrics.errors import WebometricsError
from eduscrape.webometrics.normalisation import NORMALISATIONS

_WEIGHT_TEXT = re.compile(r"^\d+(\.\d+)?%?$")
_METHOD_KEYS = {"name", "description", "normalize", "indicators", "exclude_top_referrers"}
_INDICATOR_KEYS = {"weight", "sources", "normalize", "description"}


@dataclass(frozen=True)
class Indicator:
    """A weighted indicator of a method: its sources and normalisation."""

    name: str
    weight: float
    sources: tuple[str, ...]
    normalize: str
    description: str = ""


@dataclass
class Method:
    """A ranking method: weighted indicators, normalisation and provenance."""

    name: str
    indicators: dict[str, Indicator]
    normalize: str = "max"
    description: str = ""
    exclude_top_referrers: int = 0
    origin: str = ""  # preset name or file path
    sha256: str = ""  # of the canonical JSON of the definition

    @property
    def total_weight(self) -> float:
        """Sum of the indicator weights."""
        return sum(i.weight for i in self.indicators.values())

    @property
    def needs_crawl(self) -> bool:
        """True when an indicator reads a ``crawl.*`` source."""
        return any(s.startswith("crawl.") for i in self.indicators.values() for s in i.sources)

    def definition(self) -> dict[str, Any]:
        """What the method computes (hashed for provenance): normalisation and indicators."""
        return {
            "normalize": self.normalize,
            "exclude_top_referrers": self.exclude_top_referrers,
            "indicators": {
                n: {"weight": i.weight, "sources": list(i.sources), "normalize": i.normalize}
                for n, i in self.indicators.items()
            },
        }

    def as_dict(self) -> dict[str, Any]:
        """The method as a JSON-ready dict, name and provenance included."""
        return {
            "name": self.name,
            "origin": self.origin,
            "sha256": self.sha256,
            "description": self.description,
            **self.definition(),
        }


def presets() -> list[str]:
    """Names of the bundled method presets."""
    folder = resources.files(__package__) / "presets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_method(spec: str) -> Method:
    """*spec*: a path to a YAML file, or the name of a bundled preset."""
    path = Path(spec)
    if spec.endswith((".yaml", ".yml")) or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise WebometricsError(f"method {spec}: cannot read it ({exc.strerror})") from None
        return parse_method(text, origin=str(path), default_name=path.stem)
    if spec in presets():
        text = (resources.files(__package__) / "presets" / f"{spec}.yaml").read_text("utf-8")
        return parse_method(text, origin=f"preset:{spec}", default_name=spec)
    raise WebometricsError(
        f"unknown method {spec!r}: not a YAML file nor a preset ({', '.join(presets())})"
    )


def parse_method(text: str, origin: str = "method", default_name: str = "method") -> Method:
    """The :class:`Method` of a YAML definition; a clear error when it is invalid."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise WebometricsError(f"{origin}: invalid YAML ({first})") from None
    if not isinstance(data, dict):
        raise WebometricsError(f"{origin}: expected a mapping with 'indicators'")
    unknown = set(data) - _METHOD_KEYS
    if unknown:
        raise WebometricsError(f"{origin}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    normalize = str(data.get("normalize", "max"))
    _check_normalize(normalize, origin)
    raw = data.get("indicators")
    if not isinstance(raw, dict) or not raw:
        raise WebometricsError(f"{origin}: 'indicators' must be a non-empty mapping")
    indicators = {
        str(name): _indicator(str(name), spec, normalize, origin) for name, spec in raw.items()
    }
    if sum(i.weight for i in indicators.values()) <= 0:
        raise WebometricsError(f"{origin}: the weights sum to 0")
    top = data.get("exclude_top_referrers", 0) or 0
    if not isinstance(top, int) or isinstance(top, bool) or top < 0:
        raise WebometricsError(f"{origin}: exclude_top_referrers must be an integer >= 0")
    method = Method(
        name=str(data.get("name") or default_name),
        indicators=indicators,
        normalize=normalize,
        description=str(data.get("description") or "").strip(),
        exclude_top_referrers=top,
        origin=origin,
    )
    canonical = json.dumps(method.definition(), sort_keys=True, separators=(",", ":"))
    method.sha256 = hashlib.sha256(canonical.encode()).hexdigest()
    return method


def _check_normalize(how: str, where: str) -> None:
    if how not in NORMALISATIONS:
        raise WebometricsError(
            f"{where}: unknown normalize {how!r} (known: {', '.join(NORMALISATIONS)})"
        )


def _indicator(name: str, spec: Any, default_normalize: str, origin: str) -> Indicator:
    where = f"{origin}: indicator {name!r}"
    if not isinstance(spec, dict):
        raise WebometricsError(f"{where}: expected {{weight: N, sources: [...]}}")
    unknown = set(spec) - _INDICATOR_KEYS
    if unknown:
        raise WebometricsError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    weight = spec.get("weight")
    if isinstance(weight, str) and _WEIGHT_TEXT.match(weight.strip()):  # "10" or "10%"
        weight = float(weight.strip().rstrip("%"))
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
        raise WebometricsError(f"{where}: 'weight' must be a number >= 0")
    sources = spec.get("sources")
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise WebometricsError(f"{where}: 'sources' must be a non-empty list of column names")
    normalize = str(spec.get("normalize", default_normalize))
    _check_normalize(normalize, where)
    return Indicator(
        name,
        float(weight),
        tuple(s.strip() for s in sources),
        normalize,
        spec.get("description", ""),
    )


_RESULT_NAMES = {"rank", "score", "position", "place", "total", "overall"}


def looks_like_result(column: str) -> bool:
    """A published table's own results (rank, score, size_rank...): never matched by a pattern."""
    name = column.lower().strip()
    return name in _RESULT_NAMES or name.endswith(("rank", "_score", "_position", "_place"))


def is_pattern(source: str) -> bool:
    """True when *source* is a glob pattern over column names."""
    return any(ch in source for ch in "*?[")


@dataclass
class ResolvedMethod:
    """A method with every source bound to a table column or a crawl source."""

    method: Method
    sources: dict[str, list[str]] = field(default_factory=dict)  # indicator -> columns

    @property
    def crawl_sources(self) -> set[str]:
        """The ``crawl.*`` sources the method reads."""
        return {s for cols in self.sources.values() for s in cols if s.startswith("crawl.")}


def resolve(method: Method, columns: list[str], crawl_sources: list[str]) -> ResolvedMethod:
    """Bind every source of *method* to the table's *columns* or to the known *crawl_sources*.

    A missing column, an unknown crawl source, a pattern matching nothing for a whole
    indicator, or a pattern taking a column another indicator uses is an error (a column
    named outright may serve several indicators).
    """
    resolved = ResolvedMethod(method)
    by_lower = {c.lower(): c for c in columns}
    owner: dict[str, str] = {}  # column -> indicator whose pattern matched it
    named: dict[str, set[str]] = {}  # column -> indicators naming it (may be several)
    for ind in method.indicators.values():
        for source in ind.sources:
            if not is_pattern(source):
                column = source if source in columns else by_lower.get(source.lower(), source)
                named.setdefault(column, set()).add(ind.name)
    for name, indicator in method.indicators.items():
        bound: list[str] = []
        for source in indicator.sources:
            if source.startswith("crawl."):
                if source not in crawl_sources:
                    raise WebometricsError(
                        f"indicator {name!r}: unknown crawl source {source!r} "
                        f"(known: {', '.join(crawl_sources)})"
                    )
                matches = [source]
            elif is_pattern(source):
                matches = [
                    c
                    for c in columns
                    if fnmatch.fnmatchcase(c.lower(), source.lower()) and not looks_like_result(c)
                ]
                for column in matches:
                    # A pattern must not take a column named or matched by another indicator.
                    others = (named.get(column, set()) | {owner.get(column, name)}) - {name}
                    if others:
                        raise WebometricsError(
                            f"column {column!r} is a source of both {sorted(others)[0]!r} "
                            f"and {name!r} (pattern {source!r})"
                        )
                    owner[column] = name
            elif source in columns or source.lower() in by_lower:
                matches = [source if source in columns else by_lower[source.lower()]]
            else:
                known = ", ".join(columns) if columns else "no table given"
                raise WebometricsError(
                    f"indicator {name!r}: no column {source!r} in the table (columns: {known})"
                )
            bound.extend(c for c in matches if c not in bound)
        if not bound:
            raise WebometricsError(
                f"indicator {name!r}: no column matches {', '.join(indicator.sources)} "
                f"(columns: {', '.join(columns) or 'none'})"
            )
        resolved.sources[name] = bound
    return resolved
