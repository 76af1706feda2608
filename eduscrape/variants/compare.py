"""Compare two reduced pages: type-1, type-2 and non-structural inconsistencies.

- type-1: outbound anchors added, removed or retargeted (targets compared through
  the pairing keys), or a counterpart page missing;
- type-2: the same targets in another order;
- non-structural: the effective-tag sequences differ.

The diff reads from the reference variant (left) to the other one (right).
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from eduscrape.variants.blocks import BlockFindings, block_findings
from eduscrape.variants.links import localized_site, same_document
from eduscrape.variants.pairing import VariantMapper
from eduscrape.variants.structure import BLOCK_EMPHASIS, PageStructure
from eduscrape.variants.translation import lost_section_links, new_phrase_kinds

MAX_DIFF_LINES = 400
_NO_TAG_DIFF = "Markup differs: 0 effective tag(s) only on the left, 0 only on the right."


@dataclass
class Comparison:
    """The comparison of a page pair: consistency, inconsistency types and differences."""

    left_url: str | None
    right_url: str | None
    consistent: bool = True
    type1: bool = False
    type2: bool = False
    nonstructural: bool = False
    missing_counterpart: bool = False
    left_anchors: int = 0
    right_anchors: int = 0
    missing_links: list[dict[str, Any]] = field(default_factory=list)  # in left, not right
    extra_links: list[dict[str, Any]] = field(default_factory=list)  # in right, not left
    retargeted_links: list[dict[str, Any]] = field(default_factory=list)
    reordered_links: list[dict[str, Any]] = field(default_factory=list)
    tag_diff: str = ""  # unified diff of effective tags, left as base
    summary: list[str] = field(default_factory=list)  # plain words
    similarity: float | None = None
    # Links of a block in another order that moved with their words (blocks.py): not a
    # difference unless the session learns its pair moves links less (conventions.py).
    word_order: list[dict[str, Any]] = field(default_factory=list)
    # How far links linked once in aligned blocks moved (blocks.py; not stored).
    place_moves: list[float] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        return [k for k in ("type1", "type2", "nonstructural") if getattr(self, k)]


def missing_counterpart(left_url: str | None, right_url: str | None, reason: str) -> Comparison:
    """A page of one variant whose counterpart does not exist (type-1)."""
    side = "right" if right_url is None else "left"
    return Comparison(
        left_url=left_url,
        right_url=right_url,
        consistent=False,
        type1=True,
        missing_counterpart=True,
        summary=[f"No counterpart in the {side} variant: {reason}."],
    )


def _link(key: str, anchor_text: str, url: str) -> dict[str, Any]:
    return {"key": key, "text": anchor_text, "url": url}


def compare_pages(
    left: PageStructure,
    right: PageStructure,
    mapper: VariantMapper,
    right_variant: int = 1,
) -> Comparison:
    """Compare *right* against the reference *left*."""
    result = Comparison(left_url=left.url, right_url=right.url)
    lk = [mapper.key(a.url) for a in left.anchors]
    rk = [mapper.key(a.url) for a in right.anchors]
    lanchors, ranchors = left.anchors, right.anchors
    every = (lk, rk)  # every occurrence, for the block checks
    if mapper.criteria.distinct_targets:
        lk, lanchors = _first_occurrences(lk, lanchors)
        rk, ranchors = _first_occurrences(rk, ranchors)
    result.left_anchors, result.right_anchors = len(lk), len(rk)

    # Type 1: targets present on one side only; a removal and an addition at the
    # same place of the link sequence is a retargeted link.
    if Counter(lk) != Counter(rk):
        matcher = difflib.SequenceMatcher(None, lk, rk, autojunk=False)
        lcount, rcount = Counter(lk), Counter(rk)
        only_left = lcount - rcount
        only_right = rcount - lcount
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            if op != "replace":
                continue
            gone = [i for i in range(i1, i2) if only_left.get(lk[i], 0) > 0]
            new = [j for j in range(j1, j2) if only_right.get(rk[j], 0) > 0]
            # Same place, same link text: retargeted. A lone removal facing a lone
            # addition is one too (a translation changes the text).
            pairs = []
            for i in gone:
                text = lanchors[i].text.casefold()
                match = next((j for j in new if ranchors[j].text.casefold() == text), None)
                if match is not None:
                    pairs.append((i, match))
                    new.remove(match)
            rest = [i for i in gone if i not in {p[0] for p in pairs}]
            if len(rest) == 1 and len(new) == 1:
                pairs.append((rest[0], new[0]))
            for i, j in pairs:
                only_left[lk[i]] -= 1
                only_right[rk[j]] -= 1
                if localized_site(lk[i], rk[j]) or same_document(lk[i], rk[j]):
                    continue  # the article in the variant's language, the published copy
                result.retargeted_links.append(
                    {
                        "text": lanchors[i].text,
                        "right_text": ranchors[j].text,
                        "from": lk[i],
                        "to": rk[j],
                        "left_url": lanchors[i].url,
                        "right_url": ranchors[j].url,
                    }
                )
        # What is left unmatched: missing and extra links.
        for i, key in enumerate(lk):
            if only_left.get(key, 0) > 0:
                only_left[key] -= 1
                result.missing_links.append(_link(key, lanchors[i].text, lanchors[i].url))
        for j, key in enumerate(rk):
            if only_right.get(key, 0) > 0:
                only_right[key] -= 1
                result.extra_links.append(_link(key, ranchors[j].text, ranchors[j].url))
    if mapper.criteria.distinct_targets:
        # What the translation tolerances would hide: a section link dropped (translation.py).
        result.missing_links.extend(lost_section_links(left, right, mapper))
    inside = _block_checks(left, right, every, mapper, result, Counter(lk) & Counter(rk))
    result.type1 = bool(result.missing_links or result.extra_links or result.retargeted_links)

    # Type 2: the common targets in another order. With the block order check the
    # aligned blocks decide (in a block, and blocks moved); the page-level sequence of
    # first occurrences would also call a term linked at an earlier mention reordered.
    common = Counter(lk) & Counter(rk)
    lseq = _restrict(lk, common)
    rseq = _restrict(rk, common)
    if lseq != rseq and mapper.criteria.tolerate_block_reorder:
        lseq = _block_sorted(lk, [a.block for a in lanchors], common)
        rseq = _block_sorted(rk, [a.block for a in ranchors], common)
    if inside is not None and inside.aligned and "order" in mapper.criteria.block_checks:
        lseq = rseq
    if inside is not None and inside.reordered and lseq == rseq:
        result.type2 = True
        result.reordered_links.extend(inside.reordered)
    if lseq != rseq:
        result.type2 = True
        matcher = difflib.SequenceMatcher(None, lseq, rseq, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            for i in range(i1, i2):
                result.reordered_links.append({"key": lseq[i], "left_position": i})
            for j in range(j1, j2):
                if rseq[j] not in {r["key"] for r in result.reordered_links}:
                    result.reordered_links.append({"key": rseq[j], "right_position": j})

    # Non-structural: effective tag sequences (anchors are compared above).
    if left.tags != right.tags:
        result.nonstructural = True
        diff = list(
            difflib.unified_diff(
                _tag_lines(left.tags),
                _tag_lines(right.tags),
                fromfile=left.url,
                tofile=right.url,
                lineterm="",
                n=2,
            )
        )
        if len(diff) > MAX_DIFF_LINES:
            diff = [*diff[:MAX_DIFF_LINES], f"... ({len(diff) - MAX_DIFF_LINES} more lines)"]
        result.tag_diff = "\n".join(diff)

    new_phrase = new_phrase_kinds(left, right) if mapper.criteria.distinct_targets else []
    emphasis = inside.phrase if inside is not None else []
    result.nonstructural = result.nonstructural or bool(new_phrase) or bool(emphasis)
    result.consistent = not (result.type1 or result.type2 or result.nonstructural)
    result.summary = _summary(result)
    if new_phrase:
        if not result.tag_diff:
            result.summary.remove(_NO_TAG_DIFF)
        tags = ", ".join(f"<{tag}>" for tag in new_phrase)
        result.summary.append(f"The right page uses phrase markup the left never does: {tags}.")
    if emphasis and not new_phrase:
        if not result.tag_diff and _NO_TAG_DIFF in result.summary:
            result.summary.remove(_NO_TAG_DIFF)
        where = ", ".join(f"<{e['tag']}> in a <{e['block']}>" for e in emphasis[:5])
        result.summary.append(f"The right page adds emphasis where the left has none: {where}.")
    return result


def _block_checks(
    left: PageStructure,
    right: PageStructure,
    keys: tuple[list[str], list[str]],
    mapper: VariantMapper,
    result: Comparison,
    both: Counter[str],
) -> BlockFindings | None:
    """Findings inside aligned blocks (blocks.py) that the page-level sets did not make:
    occurrences of targets both pages link are added to the missing/extra links."""
    checks = mapper.criteria.block_checks
    if not checks:
        return None
    found = block_findings(left, right, *keys)
    reported = {link["key"] for link in result.missing_links + result.extra_links}
    reported |= {link["from"] for link in result.retargeted_links}
    reported |= {link["to"] for link in result.retargeted_links}
    if checks & {"links", "link_lists"}:
        every_block = "links" in checks
        lcount, rcount = Counter(keys[0]), Counter(keys[1])
        # Occurrences the section check reported already (core.html#servername).
        sections = Counter(
            link["key"].split("#")[0] for link in result.missing_links if link.get("section")
        )
        for links, found_links, ours, theirs in (
            (result.missing_links, found.missing, lcount, rcount),
            (result.extra_links, found.extra, rcount, lcount),
        ):
            for link in found_links:
                key = link["key"]
                if key not in both or key in reported:
                    continue
                # In a list of links, an occurrence the other page has as often
                # elsewhere moved (rows of a long table paired by position); a code
                # kept unlinked where it stands lost its link whatever the page's count.
                listed = link.get("link_list") and ours[key] > theirs[key]
                if not every_block and not (listed or link.get("code_unlinked")):
                    continue
                if links is result.missing_links and sections[key] > 0:
                    sections[key] -= 1
                    continue
                links.append(link)
        result.type1 = bool(result.missing_links or result.extra_links or result.retargeted_links)
    if "order" in checks:
        result.word_order = found.word_order
        result.place_moves = found.place_moves
    else:
        found.reordered = []
    found.phrase = (
        [p for p in found.phrase if p["tag"] in BLOCK_EMPHASIS] if "emphasis" in checks else []
    )
    return found


def _first_occurrences(keys: list[str], anchors: list[Any]) -> tuple[list[str], list[Any]]:
    seen: set[str] = set()
    out_keys, out_anchors = [], []
    for key, anchor in zip(keys, anchors, strict=True):
        if key not in seen:
            seen.add(key)
            out_keys.append(key)
            out_anchors.append(anchor)
    return out_keys, out_anchors


def _restrict(seq: list[str], allowed: Counter[str]) -> list[str]:
    budget = Counter(allowed)
    out = []
    for key in seq:
        if budget[key] > 0:
            budget[key] -= 1
            out.append(key)
    return out


def _block_sorted(keys: list[str], blocks: list[int], allowed: Counter[str]) -> list[str]:
    """Keys in block order, sorted inside each block (word order is free in a block)."""
    budget = Counter(allowed)
    groups: list[list[str]] = []
    last = None
    for key, block in zip(keys, blocks, strict=True):
        if budget[key] <= 0:
            continue
        budget[key] -= 1
        if block != last or not groups:
            groups.append([])
            last = block
        groups[-1].append(key)
    return [key for group in groups for key in sorted(group)]


def _tag_lines(tokens: list[str]) -> list[str]:
    lines = []
    for token in tokens:
        depth, _, tag = token.partition(":")
        lines.append("  " * min(int(depth), 30) + f"<{tag}>")
    return lines


def _summary(c: Comparison) -> list[str]:
    words: list[str] = []
    for link in c.missing_links[:20]:
        words.append(f"Link to {link['key']} ('{link['text']}') is missing in the right page.")
    for link in c.extra_links[:20]:
        words.append(f"The right page has an extra link to {link['key']} ('{link['text']}').")
    for link in c.retargeted_links[:20]:
        words.append(
            f"Link '{link['text']}' points to {link['from']} on the left "
            f"but to {link['to']} on the right."
        )
    if c.reordered_links:
        keys = ", ".join(sorted({r["key"] for r in c.reordered_links})[:8])
        words.append(f"Links appear in another order: {keys}.")
    if c.nonstructural:
        added = sum(
            1
            for line in c.tag_diff.splitlines()
            if line.startswith("+") and not line.startswith("+++")
        )
        removed = sum(
            1
            for line in c.tag_diff.splitlines()
            if line.startswith("-") and not line.startswith("---")
        )
        words.append(
            f"Markup differs: {removed} effective tag(s) only on the left, {added} only on the right."
        )
    if not words:
        words.append("Consistent.")
    return words
