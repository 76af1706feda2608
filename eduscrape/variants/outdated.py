"""How likely a present translation is outdated: signals beyond structure, and a ranking.

Real translation workflows leave traces that say a translation lags its original:

- a *notice* on the translated page ("Cette traduction peut être périmée", "この日本語訳は
  すでに古くなっている可能性があります", an element of class ``outofdate``): the
  maintainers' own mark, shown where their tools found the original changed;
- *dates*: the translation's "last modified" note, ``<meta name="dcterms.modified">``,
  ``article:modified_time`` or the HTTP ``Last-Modified`` header older than the original's;
- *missing sections*: section ids/headings of the original absent from the translation
  (new sections are added to the original first);
- the structural comparison itself (links and markup that differ).

:func:`page_signals` reads one page (bytes, optional ``Last-Modified``) once;
:func:`outdated_score` combines a pair's signals into a 0..1 likelihood with the
reasons; :func:`rank_outdated` sorts pairs by it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, cast

from lxml import etree

# A notice names the translation and says it lags (both words in one short element).
_TRANSLATION_WORDS = re.compile(
    r"translat|traduc|übersetz|vertaling|翻訳|訳|翻译|譯|번역|перевод|english version|"
    r"version anglaise|versión (?:en )?inglés|englische version",
    re.I,
)
_LAG_WORDS = re.compile(
    r"out[- ]of[- ]date|outdated|not up[- ]to[- ]date|may not reflect|older than|"
    r"périmé|pas à jour|obsolète|plus à jour|desactualizad|obsolet|no está actualizad|"
    r"veraltet|nicht (?:mehr )?aktuell|desatualizad|non aggiornat|verouderd|"
    r"古くな|古い|过时|過時|오래된|устарел",
    re.I,
)
_NOTICE_CLASS = re.compile(
    r"out-?of-?date|outdated|obsolete|stale-translation|translation-(?:warning|outdated)", re.I
)
_MODIFIED_META = (
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "article:modified_time",
    "revised",
)
_DATE_NOTE = re.compile(
    r"(?:last (?:modified|updated|revised)|date modified|page (?:modified|updated)|updated|"
    r"dernière (?:modification|mise à jour)|date de modification|mis à jour|modifié le|"
    r"última (?:actualización|modificación)|fecha de modificación|zuletzt (?:geändert|aktualisiert)|"
    r"最終更新|更新日)\s*[:：]?\s*(\d{4}-\d{2}-\d{2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)",
    re.I,
)
# The same patterns, case-sensitive, for a whole page's lower-cased text (several times
# faster than IGNORECASE over tens of KB of text).
_LAG_WORDS_LOWER = re.compile(_LAG_WORDS.pattern)
_DATE_NOTE_LOWER = re.compile(_DATE_NOTE.pattern)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)
_UTF8_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")


@dataclass
class PageSignals:
    """What one page says about its own freshness (kept per page, small)."""

    notice: str = ""  # text (or class) of an "outdated translation" notice
    modified: str | None = None  # ISO date from the page or Last-Modified
    section_ids: frozenset[str] = frozenset()
    headings: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "notice": self.notice,
            "modified": self.modified,
            "section_ids": sorted(self.section_ids),
            "headings": self.headings,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageSignals:
        return cls(
            notice=data.get("notice") or "",
            modified=data.get("modified"),
            section_ids=frozenset(data.get("section_ids") or ()),
            headings=int(data.get("headings") or 0),
        )


def _iso(text: str) -> str | None:
    text = text.strip()
    m = re.match(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return datetime(y, mo, d).date().isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).astimezone(timezone.utc).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def page_signals(body: bytes | str, last_modified: str | None = None) -> PageSignals:
    """Freshness signals of one page (its HTML and the HTTP ``Last-Modified`` if known)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    signals = PageSignals(modified=_iso(last_modified) if last_modified else None)
    raw = raw[:5_000_000]
    try:
        raw.decode("utf-8")
        parser = _UTF8_PARSER  # undeclared UTF-8 is not read as Latin-1
    except UnicodeDecodeError:
        parser = _PARSER
    try:
        root = etree.fromstring(raw, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return signals
    if root is None:
        return signals
    page_date = None
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("http-equiv") or "").lower()
        if name in _MODIFIED_META and meta.get("content"):
            page_date = _iso(meta.get("content", "")[:40]) or page_date
    ids: set[str] = set()
    notices: list[str] = []
    headings = 0
    full_text = _text_of(root).lower()
    # Most pages say nothing of the kind: then no element's text needs reading (each
    # element's text is its subtree's: reading every block's is quadratic in nesting).
    may_say_so = bool(_LAG_WORDS_LOWER.search(full_text))
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in ("script", "style"):
            continue
        tag = tag.lower()
        if tag in _HEADINGS:
            headings += 1
            for node in (el, *el.iterchildren()):
                ident = node.get("id") or node.get("name") if isinstance(node.tag, str) else None
                if ident:
                    ids.add(ident)
        elif tag == "section" and el.get("id"):
            ids.add(el.get("id", ""))
        cls = el.get("class") or ""
        if cls and _NOTICE_CLASS.search(cls):
            notices.append(f"[{cls}] " + _text_of(el)[:200])
        elif may_say_so and tag in ("div", "p", "aside", "section", "strong", "em", "span", "td"):
            text = _text_of(el)
            if (
                10 < len(text) <= 300
                and _LAG_WORDS.search(text)
                and _TRANSLATION_WORDS.search(text)
            ):
                notices.append(text)
    # The innermost element that says it: the notice itself, not its container.
    signals.notice = min(notices, key=len)[:200] if notices else ""
    if page_date is None:
        m = _DATE_NOTE_LOWER.search(full_text[-4000:]) or _DATE_NOTE_LOWER.search(full_text[:4000])
        if m:
            page_date = _iso(m.group(1))
    signals.modified = page_date or signals.modified
    signals.section_ids = frozenset(ids)
    signals.headings = headings
    return signals


@dataclass
class OutdatedAssessment:
    """How likely a translation is outdated (0..1), with the reasons and signals."""

    score: float  # 0..1, higher = more likely outdated
    reasons: list[str] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "reasons": self.reasons, "signals": self.signals}


# Weights of the signals: a notice is the maintainers' own mark; an older date and
# missing sections are strong; a structural difference alone is common in current
# translations too (a translator's liberties), so it weighs least.
WEIGHTS = {"notice": 0.9, "older": 0.6, "missing_sections": 0.4, "structure": 0.25}


def outdated_score(
    original: PageSignals,
    translation: PageSignals,
    comparison: Any = None,
    use_notice: bool = True,
) -> OutdatedAssessment:
    """Likelihood that *translation* lags *original* (``comparison``: their Comparison)."""
    signals: dict[str, float] = {}
    reasons: list[str] = []
    if use_notice and translation.notice and not original.notice:
        signals["notice"] = 1.0
        reasons.append(f"the translation says so: {translation.notice!r}")
    if original.modified and translation.modified and translation.modified < original.modified:
        signals["older"] = 1.0
        reasons.append(f"modified {translation.modified}, the original {original.modified}")
    if original.section_ids:
        shared = original.section_ids & translation.section_ids
        # Ids translated along with the text tell nothing: use heading counts then.
        if len(shared) >= len(original.section_ids) / 2:
            gone = len(original.section_ids - translation.section_ids)
            if gone:
                signals["missing_sections"] = min(1.0, gone / max(len(original.section_ids), 1) * 4)
                reasons.append(f"{gone} section(s) of the original missing")
    if "missing_sections" not in signals and original.headings > translation.headings:
        gone = original.headings - translation.headings
        signals["missing_sections"] = min(1.0, gone / max(original.headings, 1) * 4)
        reasons.append(f"{gone} heading(s) fewer than the original")
    if comparison is not None and not _get(comparison, "consistent", True):
        kinds = [k for k in ("type1", "type2", "nonstructural") if _get(comparison, k, False)]
        signals["structure"] = len(kinds) / 3
        reasons.append("structure differs (" + ", ".join(kinds) + ")")
    # Noisy-or: independent pieces of evidence.
    remaining = 1.0
    for name, value in signals.items():
        remaining *= 1 - WEIGHTS[name] * value
    return OutdatedAssessment(round(1 - remaining, 4), reasons, signals)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def rank_outdated(
    assessments: dict[str, OutdatedAssessment],
) -> list[tuple[str, OutdatedAssessment]]:
    """Pairs by decreasing likelihood of being outdated (ties: by name)."""
    return sorted(assessments.items(), key=lambda kv: (-kv[1].score, kv[0]))


def ranking_quality(
    ranked: list[tuple[str, Any]], outdated: set[str], threshold: float
) -> dict[str, Any]:
    """Precision/recall at *threshold* and the ranking's average precision."""
    flagged = {k for k, a in ranked if _get(a, "score", 0.0) >= threshold}
    tp = len(flagged & outdated)
    precision = tp / len(flagged) if flagged else 0.0
    recall = tp / len(outdated) if outdated else 0.0
    hits, ap = 0, 0.0
    for i, (key, _a) in enumerate(ranked, 1):
        if key in outdated:
            hits += 1
            ap += hits / i
    return {
        "pairs": len(ranked),
        "outdated": len(outdated),
        "flagged": len(flagged),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "average_precision": round(ap / len(outdated), 3) if outdated else None,
    }


def _text_of(el: Any) -> str:
    """An element's text, whitespace collapsed."""
    # lxml-stubs type itertext() as str | bytes; lxml yields str on Python 3.
    return " ".join("".join(cast("Iterator[str]", el.itertext())).split())
