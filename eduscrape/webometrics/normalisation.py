"""Normalisations of one source column over the ranked sites.

- ``max``: value / maximum (0 when the maximum is 0): Webometrics' 2013 method;
- ``log``: log(1 + value) / log(1 + maximum), for counts spanning orders of magnitude;
- ``rank``: 1 for the highest value down to 1/n for the lowest (ties share the better one);
- ``none``: the raw value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from eduscrape.webometrics.errors import WebometricsError


def _by_max(values: Mapping[str, float]) -> dict[str, float]:
    top = max(values.values(), default=0.0)
    return {k: (v / top if top else 0.0) for k, v in values.items()}


def _by_log(values: Mapping[str, float]) -> dict[str, float]:
    if any(v < 0 for v in values.values()):
        raise WebometricsError("normalize 'log' needs values >= 0")
    top = math.log1p(max(values.values(), default=0.0))
    return {k: (math.log1p(v) / top if top else 0.0) for k, v in values.items()}


def _by_rank(values: Mapping[str, float]) -> dict[str, float]:
    n = len(values)
    ranks = competition_ranks(values)
    return {k: (n - ranks[k] + 1) / n for k in values}


NORMALISATIONS: dict[str, Callable[[Mapping[str, float]], dict[str, float]]] = {
    "max": _by_max,
    "log": _by_log,
    "rank": _by_rank,
    "none": dict,
}


def normalise(values: Mapping[str, float], how: str) -> dict[str, float]:
    """*values* normalised by *how* (max, log, rank or none)."""
    try:
        return NORMALISATIONS[how](values)
    except KeyError:
        raise WebometricsError(
            f"unknown normalize {how!r} (known: {', '.join(NORMALISATIONS)})"
        ) from None


def tie_key(value: float) -> float:
    """Scores equal up to float noise (1e-10) are one score: they share a rank."""
    return round(value, 10)


def competition_ranks(values: Mapping[str, float]) -> dict[str, int]:
    """Rank 1 = highest; equal values share a rank and leave a gap (1, 2, 2, 4)."""
    ordered = sorted(values, key=lambda k: -tie_key(values[k]))
    ranks: dict[str, int] = {}
    for position, key in enumerate(ordered, 1):
        previous = ordered[position - 2] if position > 1 else None
        same = previous is not None and tie_key(values[previous]) == tie_key(values[key])
        ranks[key] = ranks[previous] if same and previous is not None else position
    return ranks
