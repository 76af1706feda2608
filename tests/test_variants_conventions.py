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
