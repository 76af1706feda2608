"""eduscrape.variants.translation: what the translation tolerances must not hide."""

from __future__ import annotations

from eduscrape.variants import Criteria, VariantMapper, compare_pages, reduce_page
from eduscrape.variants.structure import PageStructure

CRITERIA = Criteria().for_translation()
EN, FR = "http://s.test/en/", "http://s.test/fr/"


def _compare(left: str, right: str):
    mapper = VariantMapper([EN + "index.html", FR + "index.html"], criteria=CRITERIA)
    html = "<!DOCTYPE html><html lang='{}'><body>{}</body></html>"
    lp = reduce_page(html.format("en", left), EN + "a.html", CRITERIA)
    rp = reduce_page(html.format("fr", right), FR + "a.html", CRITERIA)
    return compare_pages(lp, rp, mapper)


def test_a_dropped_section_link_is_found_though_the_page_stays_linked() -> None:
    left = "<p><a href='core.html#listen'>Listen</a> and <a href='core.html#servername'>ServerName</a></p>"
    kept = "<p><a href='core.html#listen'>Listen</a> et ServerName</p>"
    c = _compare(left, kept)
    assert c.type1 and [link["key"] for link in c.missing_links] == ["~/core.html#servername"]
    # Ids renamed or translated: one other fragment of the same page stands for it.
    renamed = "<p><a href='core.html#listen'>Listen</a> et <a href='core.html#nomserveur'>ServerName</a></p>"
    assert _compare(left, renamed).consistent
    # Linking the page once or at every mention is still free, and so is linking a
    # section where the original linked the whole page.
    assert _compare(left + "<p><a href='core.html#listen'>x</a></p>", left).consistent
    assert _compare(
        "<p><a href='core.html'>core</a> <a href='core.html#listen'>L</a></p>",
        "<p><a href='core.html#listen'>L</a></p>",
    ).consistent


def test_a_phrase_tag_the_original_never_uses_is_a_markup_change() -> None:
    left = "<p>Some <em>stress</em> here.</p>"
    c = _compare(left, "<p>Un <i>accent</i> ici.</p>")
    assert c.nonstructural and not c.type1
    assert c.summary == ["The right page uses phrase markup the left never does: <i>."]
    # Emphasis dropped or kept by the translator is not.
    assert _compare(left, "<p>Un accent ici.</p>").consistent
    assert _compare(left, "<p>Un <em>accent</em> <em>ici</em>.</p>").consistent


def test_fragments_and_phrase_tags_survive_storage_and_old_structures_stay_comparable() -> None:
    page = reduce_page(
        "<html><body><p><em>x</em><a href='b.html#s'>b</a></p></body></html>", EN + "a.html"
    )
    again = PageStructure.from_dict(page.to_dict())
    assert again.anchors[0].fragment == "s" and again.phrase_tags == {"em": 1}
    old = page.to_dict()
    del old["phrase_tags"]
    old["anchors"] = [a[:5] for a in old["anchors"]]
    restored = PageStructure.from_dict(old)
    assert restored.phrase_tags is None and restored.anchors[0].fragment == ""
