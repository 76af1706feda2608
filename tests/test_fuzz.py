"""Property-based fuzzing of components that read untrusted input (bounded examples).

The targets and strategies live in ``tests/fuzz_targets.py``; ``bench/fuzz.py``
runs the same targets much longer.
"""

from __future__ import annotations

from typing import Any

import pytest
from fuzz_targets import TARGETS
from hypothesis import HealthCheck, example, given, settings

# Bounded so that the whole module stays well under 20 s in `make test`.
EXAMPLES = {
    "repair": 60,
    "extract_fields": 150,
    "subtitles": 200,
    "variants": 60,
    "webometrics": 100,
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_untrusted_input_never_raises(name: str) -> None:
    strategy, target, known = TARGETS[name]

    @settings(
        max_examples=EXAMPLES.get(name, 100),
        deadline=None,
        derandomize=True,  # the same examples on every run: a failure is reproducible
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(strategy())
    def check(case: Any) -> None:
        target(case)

    for case in known:  # inputs that once crashed the component run every time
        check = example(case)(check)
    check()
