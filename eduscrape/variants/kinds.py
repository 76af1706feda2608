"""The kinds of result a compared set can have, named once.

``compare_pages`` finds the structural kinds; the walk adds a missing counterpart
(a type-1 case: the whole page is missing) and a doubtful pair (not compared).
"""

from __future__ import annotations

from typing import Any

STRUCTURAL_KINDS = ("type1", "type2", "nonstructural")
KINDS = (*STRUCTURAL_KINDS, "missing_counterpart", "doubtful")


def kinds_of(result: Any, among: tuple[str, ...] = KINDS) -> list[str]:
    """The kinds (of *among*) a set item, comparison or stored set document has."""
    get = result.get if isinstance(result, dict) else lambda k: getattr(result, k, False)
    return [k for k in among if get(k)]
