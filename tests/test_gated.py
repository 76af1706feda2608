from __future__ import annotations

import re

import pytest

from eduscrape.housing._gated import Gated

TEXTS = [
    "",
    "Sunny 2br apartment, apt 4B. Apartments and apts nearby; studio units too.",
    "Single family house! House rules apply. Ranch home, brick home, a bedroom home.",
    "A single family home: overlapping alternatives keep the leftmost match.",
    "off-street parking, driveway and a parking lot; assigned parking for units",
    "apartment homes in a townhouse-style community with an in-law unit",
    "avail now, move-in ready. starting 8/1, start date aug 1, as of today",
]

PATTERNS = [
    r"\bapartments?\b|\bapts?\b|\bapt\.|\bstudio\b|\bunits?\b",
    r"\bsingle[\s-]*family\b|\bhouse\b(?!\s*(?:rules|keeping))|\bfamily\s+home\b|\bbrick\s+home\b",
    r"\boff[\s-]*street\b|\bdriveway\b|\bparking\s+lot\b|\bassigned\s+parking\b",
    r"avail|move[\s-]*in|starting|start\s+date|as\s+of|ready",
    r"sq(?:\.?\s*f(?:ee)?t|ft|\b)|sf\b|ft(?:2|\.?²)",
]


def _spans(matches) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in matches]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_split_alternatives_find_what_one_alternation_finds(pattern: str) -> None:
    gated = Gated(pattern)
    assert len(gated.parts) > 1  # really split, so the test compares two code paths
    plain = re.compile(pattern)
    for text in TEXTS:
        text = text.lower()
        assert _spans(gated.finditer(text)) == _spans(plain.finditer(text)), text


def test_gate_keys_skip_texts_without_them() -> None:
    gated = Gated(r"\bdogs?\b", "dog")
    assert list(gated.finditer("cats only")) == []
    assert _spans(gated.finditer("dogs ok")) == [(0, 4)]
    assert gated.search("no pets") is None


def test_not_after_drops_matches_after_those_words() -> None:
    gated = Gated(
        r"\bw\s*/\s*d\b|\bwasher\s*/\s*dryer\b", "w", not_after=r"shared\s+|coin[\s-]*op\s+"
    )
    assert _spans(gated.finditer("w/d in unit")) == [(0, 3)]
    assert list(gated.finditer("shared w/d in the basement")) == []
    assert list(gated.finditer("coin-op washer/dryer")) == []


def test_sub_replaces_every_match() -> None:
    gated = Gated(r"\bapartment\s+homes?\b", "apartment")
    assert gated.sub("apartment", "our apartment homes and apartment home") == (
        "our apartment and apartment"
    )
