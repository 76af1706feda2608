"""Regexes gated by literal keywords, split into literal-led alternatives (fast scans)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Extractors see lower-cased text (see extract_fields), so no IGNORECASE: it
# disables the regex engine's literal-prefix scan and costs ~10x.


def _top_level_alternatives(pattern: str) -> list[str]:
    """Split a regex on its top-level ``|`` (outside groups and character classes)."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


_LITERAL_PREFIX = re.compile(r"[a-z0-9/$' -]+")


def _literal_prefix(alternative: str) -> str:
    """The plain characters an alternative must start with ("dogs?" -> "dog")."""
    m = _LITERAL_PREFIX.match(alternative)
    prefix = m.group(0) if m else ""
    if len(prefix) < len(alternative) and alternative[len(prefix)] in "?*{":
        prefix = prefix[:-1]  # the last character is optional
    return prefix if len(prefix) >= 3 else ""


class Gated:
    """A regex run only when one of its literal keys occurs in the text.

    ``key in text`` is a fast C scan; most ads lack most keywords. Patterns
    without capturing groups are split into their top-level alternatives, each
    compiled alone and gated by its own literal prefix: Python's regex engine
    scans fast only for a pattern that starts with a literal. A leading ``\\b``
    is checked in Python for the same reason, and so is ``not_after`` (words that
    must not come right before a match), which as a leading lookbehind would make
    the engine try every position.
    """

    __slots__ = ("keys", "not_after", "parts", "rx")

    def __init__(self, pattern: str, *keys: str, not_after: str | None = None) -> None:
        self.rx = re.compile(pattern)
        self.keys = keys
        self.not_after = re.compile(rf"(?:{not_after})$") if not_after else None
        alternatives = [pattern] if self.rx.groups else _top_level_alternatives(pattern)
        self.parts: list[tuple[str, bool, re.Pattern[str]]] = []
        for alt in alternatives:
            word_start = alt.startswith("\\b")
            if word_start:
                alt = alt[2:]
            key = _literal_prefix(alt) if len(alternatives) > 1 or word_start else ""
            self.parts.append((key, word_start, re.compile(alt)))

    def _open(self, text: str) -> bool:
        # A plain loop: any() over a generator costs more than the scans themselves.
        for k in self.keys:
            if k in text:
                return True
        return not self.keys

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        if not self._open(text):
            return ()
        if len(self.parts) == 1 and not self.parts[0][1] and self.not_after is None:
            return self.parts[0][2].finditer(text)
        not_after = self.not_after
        found: list[re.Match[str]] = []
        matched_parts = 0
        for key, word_start, rx in self.parts:
            if key and key not in text:
                continue
            before = len(found)
            for m in rx.finditer(text):
                s = m.start()
                if (not word_start or s == 0 or not text[s - 1].isalnum()) and (
                    not_after is None or not not_after.search(text, max(0, s - 16), s)
                ):
                    found.append(m)
            matched_parts += len(found) > before
        # Matches of one alternative are already ordered and disjoint.
        if matched_parts > 1:
            found.sort(key=lambda m: m.start())
            # Keep non-overlapping matches, leftmost first (like one alternation).
            kept: list[re.Match[str]] = []
            end = -1
            for m in found:
                if m.start() >= end:
                    kept.append(m)
                    end = m.end()
            found = kept
        return found

    def search(self, text: str) -> re.Match[str] | None:
        for m in self.finditer(text):
            return m
        return None

    def sub(self, repl: str, text: str) -> str:
        if not self._open(text):
            return text
        return "".join(repl if isinstance(part, re.Match) else part for part in self._split(text))

    def _split(self, text: str) -> list[Any]:
        parts: list[Any] = []
        pos = 0
        for m in self.finditer(text):
            parts.extend((text[pos : m.start()], m))
            pos = m.end()
        parts.append(text[pos:])
        return parts


def gated(pattern: str, *keys: str, not_after: str | None = None) -> Gated:
    return Gated(pattern, *keys, not_after=not_after)
