"""eduscrape.variants.conventions: site-wide localization conventions, learned once."""

from __future__ import annotations

import pytest

from eduscrape.variants import Criteria, VariantMapper, compare_pages, reduce_page
from eduscrape.variants.conventions import ConventionLearner, session_fields
from eduscrape.variants.report import build_report, render_html

CRITERIA = Criteria().for_translation()
EN, FR = "http://s.test/en/", "http://s.test/fr/"


def _html(body: str, lang: str) -> str:
    return f"<!DOCTYPE html><html lang='{lang}'><body>{body}</body></html>"


def _observe(learner: ConventionLearner, mapper: VariantMapper, pages: dict[str, tuple[str, str]]):
    results = {}
    for rel, (left, right) in pages.items():
        lp = reduce_page(_html(left, "en"), EN + rel, CRITERIA)
        rp = reduce_page(_html(right, "fr"), FR + rel, CRITERIA)
        results[rel] = compare_pages(lp, rp, mapper)
        learner.observe(rel, results[rel], lp, rp, mapper)
    return results


def _site(n: int, kept_on: int | None = None) -> dict[str, tuple[str, str]]:
    pages = {}
    for i in range(n):
        left = f"<p><a href='p{i + 1}.html'>next</a></p><footer><a href='https://twitter.com/CanadaGov'>Twitter</a></footer>"
        account = "CanadaGov" if i == kept_on else "GouvCanada"
        right = f"<p><a href='p{i + 1}.html'>suite</a></p><footer><a href='https://twitter.com/{account}'>Twitter</a></footer>"
        pages[f"p{i}.html"] = (left, right)
    return pages


def _mapper() -> VariantMapper:
    mapper = VariantMapper([EN + "index.html", FR + "index.html"], criteria=CRITERIA)
    mapper.set_languages(["en", "fr"])
    return mapper


def test_a_retarget_on_many_pages_is_a_convention_and_keeping_the_old_target_breaks_it() -> None:
    learner = ConventionLearner(min_pages=3, min_share=0.8)
    results = _observe(learner, _mapper(), _site(6, kept_on=4))
    assert all(not r.consistent for rel, r in results.items() if rel != "p4.html")
    [conv] = learner.learn()
    assert (conv.left, conv.right, conv.pages, conv.kept) == (
        "//twitter.com/CanadaGov",
        "//twitter.com/GouvCanada",
        5,
        1,
    )
    assert "instead of" in conv.describe()
    revised = {rel: learner.apply(rel, r) for rel, r in results.items()}
    assert [rel for rel, r in revised.items() if not r.consistent] == ["p4.html"]
    broken = revised["p4.html"]
    assert broken.type1 and any("convention broken" in line for line in broken.summary)
    # A stored set (dict) is revised the same way.
    as_dict = learner.apply("p0.html", {**results["p0.html"].__dict__, "diff": ""})
    assert as_dict["consistent"] and as_dict["conventions"]


def test_below_the_threshold_it_stays_an_inconsistency_of_each_page() -> None:
    learner = ConventionLearner(min_pages=8)
    results = _observe(learner, _mapper(), _site(6))
    assert learner.learn() == []
    assert not any(learner.apply(rel, r).consistent for rel, r in results.items())


def test_links_between_pages_of_the_site_are_never_conventions() -> None:
    learner = ConventionLearner(min_pages=2)
    pages = {
        f"p{i}.html": ("<p><a href='a.html'>A</a></p>", "<p><a href='b.html'>B</a></p>")
        for i in range(5)
    }
    results = _observe(learner, _mapper(), pages)
    assert learner.learn() == []
    assert not learner.apply("p0.html", results["p0.html"]).consistent


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="min_pages"):
        ConventionLearner(min_pages=1)
    with pytest.raises(ValueError, match="min_share"):
        ConventionLearner(min_share=0)


def test_report_lists_conventions_and_equivalences_escaped_and_filterable() -> None:
    learner = ConventionLearner(min_pages=3)
    mapper = _mapper()
    pages = _site(4)
    pages["x.html"] = (
        "<p><a href='http://www.x.test/en/<b>'>x</a></p>",
        "<p><a href='https://x.test/fr/<b>'>x</a></p>",
    )
    _observe(learner, mapper, pages)
    session = {
        "session": "s1",
        "conventions": [c.to_dict() for c in learner.learn()],
        "equivalences": [e.to_dict() for e in learner.equivalences()],
    }
    report = build_report(session, [])
    assert report["conventions"][0]["kind"] == "retarget"
    assert any(e["right_url"].startswith("https://x.test/fr/") for e in report["equivalences"])
    html = render_html(report)
    assert "Learned from the pair" in html and 'value="convention-retarget"' in html
    assert 'value="equivalence"' in html
    assert "/fr/&lt;b&gt;" in html and "/fr/<b>" not in html


def test_session_fields_are_what_the_report_reads() -> None:
    learner = ConventionLearner(min_pages=3)
    _observe(learner, _mapper(), _site(4))
    fields = session_fields(learner)
    assert [c["kind"] for c in fields["conventions"]] == ["retarget"]
    assert build_report({"session": "s", **fields}, [])["conventions"] == fields["conventions"]


def _placed(n: int, far: bool) -> dict[str, tuple[str, str]]:
    """Pages whose French sentence puts its two links elsewhere in the text: at the
    other end (far: a language that moves words a lot) or near their English places."""
    pages = {}
    for i in range(n):
        a, b = f"<a href='a{i}.html'>A</a>", f"<a href='b{i}.html'>B</a>"
        left = f"<p>{a} one two three four five six seven eight nine {b} ten.</p>"
        if far:
            right = f"<p>un deux trois quatre cinq six sept huit neuf dix {a} onze {b}</p>"
        else:
            right = f"<p>{a} un deux trois quatre cinq six sept huit neuf {b} dix.</p>"
        pages[f"p{i}.html"] = (left, right)
    # One page of each site has its two links swapped with the words left as they were
    # in a sentence that moved them (word order), and one traded them in place.
    moved = "<p><a href='x.html'>X</a> uno dos tres cuatro cinco seis siete ocho <a href='y.html'>Y</a> nueve</p>"
    pages["moved.html"] = (
        moved.replace("uno", "one"),
        "<p>un deux trois quatre <a href='y.html'>Y</a> cinq six <a href='x.html'>X</a> sept huit neuf dix</p>",
    )
    return pages


def test_how_far_a_pair_moves_links_is_learned_from_the_pair() -> None:
    near, far = ConventionLearner(), ConventionLearner()
    near_results = _observe(near, _mapper(), _placed(40, far=False))
    far_results = _observe(far, _mapper(), _placed(40, far=True))
    # A pair that keeps links where they were: the least tolerance; one whose
    # translations move links half a block: that much.
    assert near.place_tolerance() == 0.1
    assert far.place_tolerance() > 0.4
    # The reordered block has Y and X a third of the block away from the places they
    # traded: word order for the pair that keeps its places...
    assert near_results["moved.html"].consistent and near_results["moved.html"].word_order
    assert near.apply("moved.html", near_results["moved.html"]).consistent
    # ...links traded in place for the pair whose links move that much anyway.
    assert far_results["moved.html"].consistent
    revised = far.apply("moved.html", far_results["moved.html"])
    assert revised.type2 and not revised.consistent and not revised.word_order
    assert any("another order" in line for line in revised.summary)
    fields = session_fields(far)["link_places"]
    assert fields[0]["tolerance"] == round(far.place_tolerance(), 3) and fields[0]["moves"] >= 80
    # The report shows it with the other learned items, filterable.
    report = build_report({"session": "s", **session_fields(far)}, [])
    assert report["link_places"] == fields
    html = render_html(report)
    assert 'value="link-places"' in html and f"tolerance {fields[0]['tolerance']}" in html
    # Too few observed moves: the least tolerance.
    few = ConventionLearner()
    _observe(few, _mapper(), _placed(3, far=True))
    assert few.place_tolerance() == 0.1
