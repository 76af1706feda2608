"""Self-healing wrappers: matching algorithms, repair engine, wrappers, store (no Scrapy)."""

from __future__ import annotations

import pytest

from eduscrape.adaptation import (
    Repairer,
    Tree,
    bigram_similarity,
    clustered_tree_match,
    learn,
    make_xpath,
    repair,
    simple_tree_match,
    tree_similarity,
)
from eduscrape.adaptation._dom import parse_html
from eduscrape.adaptation.store import MemoryStore, MongoStore
from eduscrape.adaptation.wrapper import Session, Wrapper, WrapperError, evaluate, gram_key
from eduscrape.storage import MongoWriter
from eduscrape.storage.spool import Spool

# A = a(b, c(d, e)) and B = a(b, c(d), f), a small pair like the paper's Figure 1.
A = Tree.from_obj(("a", ["b", ("c", ["d", "e"])]))
B = Tree.from_obj(("a", ["b", ("c", ["d"]), "f"]))


def test_simple_tree_match_hand_computed() -> None:
    # Mapping a-a, b-b, c-c, d-d: 4 pairs.
    assert simple_tree_match(A, B) == 4
    assert simple_tree_match(A, A) == A.size() == 5
    assert simple_tree_match(A, Tree("x")) == 0
    # Normalized: 2 * 4 / (5 + 5)
    assert tree_similarity(A, B, "simple") == pytest.approx(0.8)


def test_clustered_tree_match_hand_computed() -> None:
    # Root's children: 2 in A, 3 in B -> each matched child weighs 1/3.
    # b-b: leaf, 1/3. c-c: children d,e vs d -> d-d weighs 1/max(2,1) = 1/2,
    # times c's own weight 1/3 -> 1/6. Root: (1/3 + 1/6) * 1/1 = 1/2.
    assert clustered_tree_match(A, B) == pytest.approx(0.5)
    assert clustered_tree_match(A, A) == pytest.approx(1.0)
    assert clustered_tree_match(Tree("a"), Tree("a")) == pytest.approx(1.0)
    assert clustered_tree_match(A, Tree.from_obj(("z", ["b"]))) == 0.0


def test_clustered_penalizes_matches_in_large_sibling_sets() -> None:
    # One matching leaf among 4 siblings counts less than among 2 (the paper's point).
    small = Tree.from_obj(("r", ["x", "y"]))
    big = Tree.from_obj(("r", ["x", "p", "q", "s"]))
    target = Tree.from_obj(("r", ["x", "z"]))
    assert clustered_tree_match(target, small) == pytest.approx(0.5)
    assert clustered_tree_match(target, big) == pytest.approx(0.25)
    assert simple_tree_match(target, small) == simple_tree_match(target, big) == 2


def test_bigram_similarity_is_permutation_tolerant() -> None:
    # 9 bigrams each, 7 shared: Dice = 14/18.
    assert bigram_similarity(A, B) == pytest.approx(14 / 18)
    shuffled = Tree.from_obj(("a", [("c", ["e", "d"]), "b"]))
    assert bigram_similarity(A, shuffled) == pytest.approx(1.0)
    assert clustered_tree_match(A, shuffled) < 1.0  # order-preserving algorithms lose some
    with pytest.raises(ValueError):
        tree_similarity(A, B, "nope")


def test_sequence_similarity_hand_computed() -> None:
    # Pre-order a b c d e vs a b c d f: Jaro = (4/5 + 4/5 + 4/4) / 3 = 13/15;
    # Winkler with a common prefix of 4: 13/15 + 4 * 0.1 * (2/15) = 0.92.
    assert tree_similarity(A, B, "sequence") == pytest.approx(0.92)
    assert tree_similarity(A, A, "sequence") == pytest.approx(1.0)


OLD = """<html><head><title>T</title><meta name="author" content="Ada Lovelace"></head><body>
<div id="main"><div class="post"><h1 class="post-title">The engine that weaves algebra</h1>
<div class="byline">By <span class="author-name">Ada Lovelace</span> on
<span class="post-date">December 10, 1843</span></div>
<div class="post-body"><p>Notes on the analytical engine, with a method for Bernoulli numbers.</p>
<p>The engine might compose elaborate pieces of music.</p></div></div></div></body></html>"""

NEW = """<html><head><title>T</title><meta name="article:author" value="Ada Lovelace">
<meta name="article:published_time" value="1843-12-10"></head><body>
<main><article class="story"><header><h1 class="story__headline">The engine that weaves algebra</h1>
<p class="meta"><span class="story__author">Ada Lovelace</span>
<time datetime="1843-12-10">December 10, 1843</time></p></header>
<section class="story__body"><p>Notes on the analytical engine, with a method for Bernoulli numbers.</p>
<p>The engine might compose elaborate pieces of music.</p></section>
<aside class="related"><h2 class="title">Related: Babbage at home</h2></aside></article></main></body></html>"""


def test_repair_renamed_class_prefers_class_anchored_xpath() -> None:
    res = repair(OLD, NEW, css="h1.post-title")
    assert res.status == "repaired"
    assert res.values == ["The engine that weaves algebra"]
    assert "story__headline" in res.xpath and not res.xpath.startswith("/html")
    assert 0.6 <= res.similarity <= 1.0


def test_repair_long_text_and_date() -> None:
    body = repair(OLD, NEW, css="div.post-body")
    assert body.status == "repaired" and body.values[0].startswith("Notes on the analytical")
    assert "story__body" in body.xpath
    date = repair(OLD, NEW, css="span.post-date")
    assert date.status == "repaired" and date.values == ["December 10, 1843"]


def test_repair_head_meta_attribute_xpath() -> None:
    res = repair(OLD, NEW, xpath="//meta[@name='author']/@content")
    assert res.status == "repaired"
    assert res.values[0] == "Ada Lovelace"


def test_intact_and_silent_drift() -> None:
    same = repair(OLD, OLD, css="span.author-name")
    assert same.status == "intact" and same.values == ["Ada Lovelace"]
    # The old selector ".title" now silently hits the "Related" heading.
    drift_old = OLD.replace('class="post-title"', 'class="title"')
    res = repair(drift_old, NEW, css=".title")
    assert res.status != "intact"
    assert res.status == "unrepaired" or res.values == ["The engine that weaves algebra"]


def test_abstains_on_an_unrelated_page() -> None:
    other = "<html><body><div class='x'><p>Opening hours: 9-17.</p><p>Closed on Sundays.</p></div></body></html>"
    res = repair(OLD, other, css="span.author-name")
    assert res.status == "unrepaired" and res.xpath is None and res.values == []


def test_repair_needs_exactly_one_selector_and_a_match_on_the_old_page() -> None:
    with pytest.raises(ValueError):
        repair(OLD, NEW)
    res = repair(OLD, NEW, css="div.nothing-here")
    assert res.status == "unrepaired"


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "<html", "\x00\x01\x02binary\xff", "<?xml version='1.0'?><feed/>", "<div>" * 5000],
)
def test_bad_input_never_raises(bad: str) -> None:
    res = repair(OLD, bad, css="span.author-name")
    assert res.status == "unrepaired"
    res2 = repair(bad, OLD, css="span.author-name")
    assert res2.status in ("unrepaired", "intact")


def test_huge_page_is_bounded() -> None:
    import time

    filler = "".join(f"<div class='c{i % 50}'><p>Item {i} text</p></div>" for i in range(6000))
    big = NEW.replace("<main>", f"<main>{filler}")
    t0 = time.perf_counter()
    res = repair(OLD, big, css="h1.post-title")
    assert time.perf_counter() - t0 < 10
    assert res.values == ["The engine that weaves algebra"]


def test_make_xpath_relative_and_unique() -> None:
    root = parse_html(NEW)
    h1 = root.xpath("//h1")[0]
    xp = make_xpath(root, h1, None)
    assert root.xpath(xp)[0] is h1 and xp.startswith("//")
    article = root.xpath("//article")[0]
    rel = make_xpath(article, h1, None)
    assert rel.startswith(".") and article.xpath(rel)[0] is h1
    meta = root.xpath("//meta[@name='article:author']")[0]
    assert make_xpath(root, meta, "value") == "//meta[@name='article:author']/@value"


def test_learn_and_treegram_roundtrip() -> None:
    tg = learn(OLD, css="span.author-name")
    assert tg is not None and tg.value == "Ada Lovelace" and tg.tag == "span"
    assert "author" in tg.tokens and tg.ancestors[0][0] == "div"
    from eduscrape.adaptation import TreeGram

    again = TreeGram.from_dict(tg.to_dict())
    assert again == tg
    assert Repairer().check(again, parse_html(OLD)).status == "intact"


WRAPPER = {
    "site": "t",
    "patterns": [
        {
            "name": "post",
            "css": "div.post",
            "min": 1,
            "max": 1,
            "fields": [
                {"name": "title", "css": "h1.post-title", "required": True},
                {"name": "author", "css": "span.author-name", "required": True},
                {"name": "date", "css": "span.post-date", "type": "date"},
            ],
        }
    ],
}


def test_wrapper_learns_then_repairs_top_down() -> None:
    wrapper = Wrapper.from_dict(WRAPPER)
    first = evaluate(wrapper, parse_html(OLD), {})
    assert first.records[0]["fields"]["author"] == "Ada Lovelace"
    assert set(first.learned) == {"post/", "post/title", "post/author", "post/date"}
    second = evaluate(wrapper, parse_html(NEW), first.learned)
    assert second.records and second.records[0]["broken"] == []
    fields = second.records[0]["fields"]
    assert fields == {
        "title": "The engine that weaves algebra",
        "author": "Ada Lovelace",
        "date": "December 10, 1843",
    }
    repaired = {(e.pattern, e.field) for e in second.repaired}
    assert ("post", None) in repaired and ("post", "title") in repaired
    assert "story" in second.wrapper.patterns[0].xpath


def test_wrapper_constraints_and_broken_fields() -> None:
    spec = dict(WRAPPER)
    spec["patterns"] = [dict(WRAPPER["patterns"][0])]
    spec["patterns"][0]["fields"] = [
        {"name": "title", "css": "h1.post-title", "type": "number", "required": True}
    ]
    wrapper = Wrapper.from_dict(spec)
    res = evaluate(wrapper, parse_html(OLD), {})
    assert res.records[0]["broken"] == ["title"] and gram_key("post", "title") in res.broken
    assert gram_key("post", "title") not in res.learned  # never learn from a broken value
    with pytest.raises(WrapperError):
        Wrapper.from_dict({"site": "x", "patterns": [{"name": "p", "fields": [{"name": "f"}]}]})
    with pytest.raises(WrapperError):
        Wrapper.from_dict({"patterns": []})


def test_memory_and_mongo_store_keep_history(mongo_uri: str, mongo_db, tmp_path) -> None:
    tg1 = learn(OLD, css="span.author-name")
    tg2 = learn(NEW, css="span.story__author")
    assert tg1 and tg2
    writer = MongoWriter(mongo_uri, mongo_db.name, spool=Spool(tmp_path / "spool.jsonl"))
    for store in (MemoryStore(), MongoStore(writer.db["treegrams"], writer)):
        store.save("site", "post/author", tg1, "learned")
        store.save("site", "post/author", tg2, "repaired")
        if isinstance(store, MongoStore):
            writer.close()
            doc = mongo_db["treegrams"].find_one({"_id": "site|post/author"})
            store = MongoStore(writer.db["treegrams"], writer)
        else:
            doc = store.docs["site|post/author"]
        assert doc["reason"] == "repaired" and doc["xpath"] == tg2.xpath
        assert [h["reason"] for h in doc["history"]] == ["learned"]
        assert store.load("site")["post/author"].tag == "span"
        assert store.load("other") == {}
        store.close()
    writer.disconnect()


def test_selectors_avoid_generated_classes() -> None:
    page = parse_html(
        "<html><body><div class='mt-4 px-2'><h2 class='Headline-xYzAbc sc-1234'>Hi there</h2>"
        "<span class='cKeLaZ'>x</span></div></body></html>"
    )
    h2 = page.xpath("//h2")[0]
    xp = make_xpath(page, h2, None)
    # The stable name part of a CSS-module class, not its hash nor a utility class.
    assert xp == "//h2[contains(concat(' ', normalize-space(@class)), ' Headline-')]"
    span = page.xpath("//span")[0]
    assert page.xpath(make_xpath(page, span, None))[0] is span


def test_an_unlabelled_node_is_not_selected_by_position() -> None:
    """Opaque CSS-in-JS names and a title span without a class: the selector must still
    find the title on a page where an optional sibling (the size) is missing."""
    page = (
        "<html><body><section class='css-q1w2e'><h1 class='css-spxhvno'>"
        "<span class='css-lpztrif'><span class='css-qmmmogy'>$1,395</span> {size}"
        "<span>{title}</span></span></h1></section></body></html>"
    )
    size = "<span class='css-8ccwmn0'>/ 2br - 900ft2 - </span>"
    root = parse_html(page.format(size=size, title="Sunny two bedroom"))
    xp = make_xpath(root, root.xpath("//span[not(@class)]")[0], None)
    other = parse_html(page.format(size="", title="Quiet studio"))
    assert [e.text for e in other.xpath(xp)] == ["Quiet studio"]


def _article(title: str, author: str, date: str, body: str, cls: dict[str, str]) -> str:
    return (
        "<html><head><title>x</title></head><body><div id='page'><div class='main'>"
        f"<div class='post'><h1 class='{cls['title']}'>{title}</h1>"
        f"<div class='byline'>By <span class='{cls['author']}'>{author}</span> on "
        f"<span class='{cls['date']}'>{date}</span></div>"
        f"<div class='{cls['body']}'><p>{body}</p><p>More text here.</p></div></div>"
        "<div class='sidebar'><h3>Most read</h3><ul><li>One</li><li>Two</li></ul></div>"
        "</div></div></body></html>"
    )


def test_structure_repair_on_another_page_of_the_template() -> None:
    # Learned on article A; classes renamed on article B (different texts): the value
    # cannot help, the structure (tree-gram) decides.
    old_cls = {
        "title": "post-title",
        "author": "author-name",
        "date": "post-date",
        "body": "post-body",
    }
    new_cls = {
        "title": "entry-title",
        "author": "writer",
        "date": "entry-date",
        "body": "entry-content",
    }
    a = _article(
        "Robots win an award", "Maria Okafor", "March 3, 2026", "Rovers mapped a tunnel.", old_cls
    )
    b = _article(
        "Library opens", "Lena Fischer", "February 12, 2026", "A timber extension.", new_cls
    )
    title = repair(a, b, css="h1.post-title")
    assert title.status == "repaired" and title.values == ["Library opens"]
    assert title.detail["by"] == "structure" and title.similarity >= 0.8
    date = repair(a, b, css="span.post-date")
    assert date.status == "repaired" and date.values == ["February 12, 2026"]
    body = repair(a, b, css="div.post-body")
    assert body.status == "repaired" and body.values[0].startswith("A timber extension.")
    # Intact on another article of the unchanged template, without any search.
    c = _article(
        "Library opens", "Lena Fischer", "February 12, 2026", "A timber extension.", old_cls
    )
    assert repair(a, c, css="span.author-name").status == "intact"


def test_wrapper_bottom_up_field_failure_repairs_the_record_first() -> None:
    # The record selector still matches (a promo box now has class "post"), so only
    # the fields fail; that triggers the repair of the record pattern first.
    wrapper = Wrapper.from_dict(WRAPPER)
    learned = evaluate(wrapper, parse_html(OLD), {}).learned
    promo = NEW.replace(
        "<main>", "<main><div class='post'><a href='/subscribe'>Subscribe now</a></div>"
    )
    res = evaluate(wrapper, parse_html(promo), learned)
    record_repairs = [e for e in res.repaired if e.field is None]
    assert record_repairs and "unrepairable" in record_repairs[0].reason
    assert res.records[-1]["fields"]["title"] == "The engine that weaves algebra"
    assert res.records[-1]["broken"] == []


# -- head values, silent drift, lead images (issue 14, point 4) --------------------------

# A redesign of a news page: the byline date and the picture's <img> are gone from the
# body; the same date and picture are in the head's standard meta tags (other time zone,
# other crop). Content invented, markup shaped like real captures (meta ``value``).
HEAD_OLD = """<html><head><title>Harbour ferries | Gazette</title>
<meta name="og:title" value="Harbour ferries go electric after a decade of trials">
<meta name="og:image" value="https://cdn.example.org/photos/a81f3c22b9/4:3/w_640/ferry-dock.jpg">
</head><body><div class="story"><h1 class="story-title">Harbour ferries go electric</h1>
<div class="byline"><a class="by" href="/people/jo">Jo Marsh</a> |
<span class="stamp">14 Mar 2025 at 09:40 ET</span></div>
<figure class="lead"><img class="lead-img"
 src="https://cdn.example.org/photos/a81f3c22b9/1:1/w_320/ferry-dock.jpg"></figure>
<div class="text"><p>The first electric ferry crossed the harbour on Monday.</p></div>
</div></body></html>"""

HEAD_NEW = """<html><head><title>Harbour ferries go electric | Gazette</title>
<meta name="og:title" value="Harbour ferries go electric after a decade of trials">
<meta name="article:published_time" value="2025-03-14T13:40:00+00:00">
<meta name="article:modified_time" value="2025-03-15T08:05:12+00:00">
<meta name="og:image" value="https://cdn.example.org/photos/a81f3c22b9/16:9/w_1280/ferry-dock.jpg">
<meta name="twitter:image"
 value="https://cdn.example.org/photos/a81f3c22b9/16:9/w_1280/ferry-dock.jpg?via=tw">
</head><body><main><article><header><h1 class="hdl">Harbour ferries go electric</h1>
<p class="meta"><span class="who">Jo Marsh</span> <span class="when">March 14, 2025</span></p>
</header><div class="rich"><p>The first electric ferry crossed the harbour on Monday.</p>
<img class="inline" src="https://cdn.example.org/photos/77c0d1e4aa/1:1/w_320/crew.jpg"></div>
<aside><ul><li><a class="related-title" href="/x">Tram line opens</a></li></ul></aside>
</article></main></body></html>"""


def test_date_moves_to_head_meta_in_another_time_zone() -> None:
    # Old: a byline text date; new: the body shows only the day, the head has the
    # canonical published time (same day, same minutes, UTC instead of ET).
    res = repair(HEAD_OLD, HEAD_NEW, css="span.stamp")
    assert res.status == "repaired", res
    assert res.values == ["2025-03-14T13:40:00+00:00"]
    assert res.xpath == "//meta[@name='article:published_time']/@value"
    assert res.detail["by"] == "role" and res.detail["in_head"]
    # The modified time (another day) is never taken for the published one, and a date
    # that no standard place confirms is not guessed.
    other_day = HEAD_NEW.replace("2025-03-14T13:40", "2025-03-16T13:40")
    other_day = other_day.replace("March 14, 2025", "March 16, 2025")
    assert repair(HEAD_OLD, other_day, css="span.stamp").status == "unrepaired"


def test_date_with_another_clock_time_is_another_event() -> None:
    # Same day but the only candidates disagree on the minutes: an update, not the datum.
    new = HEAD_NEW.replace("13:40:00", "15:12:00").replace("March 14, 2025", "")
    assert repair(HEAD_OLD, new, css="span.stamp").status == "unrepaired"


def test_lead_image_moves_to_og_image() -> None:
    # The same picture (same id and file stem) in another crop: og:image is canonical;
    # the other body picture shares no identity token and is never taken.
    res = repair(HEAD_OLD, HEAD_NEW, css="img.lead-img::attr(src)")
    assert res.status == "repaired", res
    assert res.values == ["https://cdn.example.org/photos/a81f3c22b9/16:9/w_1280/ferry-dock.jpg"]
    assert res.xpath == "//meta[@name='og:image']/@value"
    no_meta = HEAD_NEW.replace('name="og:image"', 'name="x"').replace("twitter:image", "y")
    assert repair(HEAD_OLD, no_meta, css="img.lead-img::attr(src)").status == "unrepaired"


def test_head_meta_author_found_in_the_byline() -> None:
    old = HEAD_OLD.replace("</head>", '<meta name="author" value="Jo Marsh"></head>')
    new = HEAD_NEW.replace("</head>", '<meta name="twitter:creator" value="@jomarsh"></head>')
    res = repair(old, new, xpath="//meta[@name='author']/@value")
    assert res.status == "repaired" and res.values == ["Jo Marsh"], res
    assert "who" in res.xpath


def test_silent_drift_head_title_shortened_headline_in_h1() -> None:
    # og:title still matches but now holds a short social title; the full headline,
    # with its accent restored, is the page's <h1>: silent drift, repaired to the h1.
    old = HEAD_OLD.replace("after a decade of trials", "after a decade of Cafe trials")
    new = HEAD_NEW.replace(
        '<h1 class="hdl">Harbour ferries go electric</h1>',
        '<h1 class="hdl">Harbour ferries go electric after a decade of Café trials</h1>',
    ).replace("Harbour ferries go electric after a decade of trials", "Ferries go electric")
    res = repair(old, new, xpath="//meta[@name='og:title']/@value")
    assert res.status == "repaired", res
    assert res.values == ["Harbour ferries go electric after a decade of Café trials"]
    assert res.reason.startswith("silent drift") and "hdl" in res.xpath


def test_unchanged_place_on_another_article_stays_intact() -> None:
    # Another article of the same template whose "related" card carries the title the
    # tree-gram was learned on: the selector is intact, the card is not a drift target.
    old = HEAD_OLD.replace("after a decade of trials", "for good")
    new = old.replace("Harbour ferries go electric for good", "Tram line opens for good")
    new = new.replace("Harbour ferries go electric", "Tram line opens").replace(
        '<div class="text">',
        '<ul class="related"><li><a class="title">Harbour ferries go electric for good</a>'
        '</li></ul><div class="text">',
    )
    res = repair(old, new, xpath="//meta[@name='og:title']/@value")
    assert res.status == "intact" and res.values == ["Tram line opens for good"], res


def test_silent_drift_without_a_role_needs_the_old_value_outside_lists() -> None:
    # A selector with no role words: its span now says "Sponsored" while the old value
    # moved to a paragraph; the drift is repaired there. If the old value only survives
    # in a list of links, the place is kept (another page of the template).
    old = (
        "<html><body><div class='card'><h2 class='hd'>Harbour walk</h2>"
        "<div class='info'><span>Seattle, WA</span><span>2 km</span></div></div></body></html>"
    )
    new = old.replace("<span>Seattle, WA</span>", "<span>Sponsored</span>").replace(
        "</div></div>", "</div><p class='place'>Seattle, WA</p></div>"
    )
    res = repair(old, new, xpath="//div[@class='info']/span[1]")
    assert res.status == "repaired" and res.values == ["Seattle, WA"], res
    assert res.reason.startswith("silent drift") and "place" in res.xpath
    listed = old.replace("<span>Seattle, WA</span>", "<span>Portland, OR</span>").replace(
        "</div></div>", "</div><ul class='near'><li><a>Seattle, WA</a></li></ul></div>"
    )
    same = repair(old, listed, xpath="//div[@class='info']/span[1]")
    assert same.status == "intact" and same.values == ["Portland, OR"], same


def test_head_date_moves_to_a_labelled_body_date() -> None:
    # The published_time meta is gone; the same day is in the byline's date span (the
    # innermost labelled date, not the byline around it). Another day is not taken.
    old = HEAD_NEW
    new = HEAD_OLD.replace(
        '<span class="stamp">14 Mar 2025 at 09:40 ET</span>',
        '<span class="pub-date">March 14, 2025</span>',
    )
    xp = "//meta[@name='article:published_time']/@value"
    res = repair(old, new, xpath=xp)
    assert res.status == "repaired" and res.values == ["March 14, 2025"], res
    assert "pub-date" in res.xpath
    assert repair(old, new.replace("March 14", "March 17"), xpath=xp).status == "unrepaired"


def test_silent_drift_of_a_date_to_an_update_stamp() -> None:
    # "//time/@datetime" now first hits an update stamp (another day); the published
    # time is in the head: drift detected and repaired there. On another article of the
    # old template (no node of the old day anywhere) the selector stays intact.
    old = HEAD_OLD.replace(
        '<span class="stamp">14 Mar 2025 at 09:40 ET</span>',
        '<time datetime="2025-03-14T13:40:00+00:00">March 14</time>',
    )
    new = HEAD_NEW.replace(
        '<p class="meta">',
        '<p class="meta"><time datetime="2025-03-20T08:00:00+00:00">Mar 20</time>',
    )
    res = repair(old, new, xpath="//time/@datetime")
    assert res.status == "repaired", res
    assert res.values == ["2025-03-14T13:40:00+00:00"] and res.reason.startswith("silent drift")
    other = old.replace("2025-03-14T13:40", "2025-02-02T10:05")
    kept = repair(old, other, xpath="//time/@datetime")
    assert kept.status == "intact" and kept.values == ["2025-02-02T10:05:00+00:00"], kept


def test_page_metadata_gives_the_role_a_misleading_label_hides() -> None:
    # The author's name sat in an author card's "c-title" heading; the page's author
    # meta says what it is. After the redesign the heading says "Latest stories" and
    # the name is in the byline: drift to the author role, not to a title.
    old = (
        "<html><head><meta name='author' content='Jo Marsh'></head><body>"
        "<h1 class='hdl'>Harbour ferries go electric</h1><div class='card'>"
        "<h2 class='c-title'>Jo Marsh</h2><p class='bio'>Writes about ports.</p></div>"
        "</body></html>"
    )
    tg = learn(old, css="h2.c-title")
    assert tg is not None and tg.extra == {"role": "author"}
    new = old.replace(
        "<h2 class='c-title'>Jo Marsh</h2>", "<h2 class='c-title'>Latest stories</h2>"
    )
    new = new.replace(
        "<div class='card'>",
        "<p class='byline'>By <span class='byline-name'>Jo Marsh</span></p><div class='card'>",
    ).replace("<meta name='author' content='Jo Marsh'>", "")
    res = repair(old, new, css="h2.c-title")
    assert res.status == "repaired" and res.values == ["Jo Marsh"], res
    assert res.reason.startswith("silent drift") and "byline" in res.xpath


def test_long_body_without_the_old_page_chrome() -> None:
    # The old body container also held a share bar and "related" links (40% of its
    # text); the new one holds only the article: the same datum.
    paras = "".join(
        f"<p>Paragraph {i}: the harbour authority tested battery ferries on the north "
        f"crossing, logging charge times, crew notes and passenger counts for week {i}.</p>"
        for i in range(6)
    )
    chrome = "<div class='share'>share tweet pin email comment</div>" + "".join(
        f"<a href='/r{i}'>Related story number {i} about trams, bridges and night buses</a>"
        for i in range(9)
    )
    old = f"<html><body><div class='entry'>{chrome}{paras}</div></body></html>"
    new = f"<html><body><main><div class='article-body'>{paras}</div><nav>x</nav></main></body></html>"
    res = repair(old, new, css="div.entry")
    assert res.status == "repaired", res
    assert res.values[0].startswith("Paragraph 0:") and "Related story" not in res.values[0]


# -- record patterns: whole units, never silently absent ---------------------------------

FACTS_WRAPPER = {
    "site": "shop",
    "patterns": [
        {
            "name": "fact",
            "css": "ul.facts > li",
            "optional": True,
            "fields": [{"name": "text", "xpath": ".", "regex": "[a-z]{2}"}],
        }
    ],
}
FACTS_OLD = """<html><body><div class="product"><h1>Wool jumper</h1><ul class="facts">
<li>colour: red</li><li>hand wash</li><li>size: large</li><li>made in Wales</li></ul>
<p class="blurb">A warm jumper knitted from local wool for the winter months.</p></div>
</body></html>"""
# The redesign splits labelled facts into a label and a value, each in its own node.
FACTS_NEW = """<html><body><div class="item"><h1>Cotton shirt</h1><div class="specs">
<div class="spec"><span class="k">colour:</span> <span class="v">blue</span></div>
<div class="spec"><span class="v">hand wash</span></div>
<div class="spec"><span class="k">size:</span> <span class="v">medium</span></div>
<div class="spec"><span class="v">made in Wales</span></div></div>
<p class="blurb">A light shirt woven from organic cotton for the summer months.</p></div>
</body></html>"""


def test_repaired_records_are_whole_label_value_units() -> None:
    wrapper = Wrapper.from_dict(FACTS_WRAPPER)
    learned = evaluate(wrapper, parse_html(FACTS_OLD), {}).learned
    res = evaluate(wrapper, parse_html(FACTS_NEW), learned)
    texts = [r["fields"]["text"] for r in res.records if r["pattern"] == "fact"]
    # Not "colour:" and "blue" as two records: the unit holding both is the record.
    assert texts == ["colour: blue", "hand wash", "size: medium", "made in Wales"]
    assert res.broken == [] and res.repaired


def test_unfound_records_whose_values_the_page_holds_are_broken_not_absent() -> None:
    wrapper = Wrapper.from_dict(FACTS_WRAPPER)
    learned = evaluate(wrapper, parse_html(FACTS_OLD), {}).learned
    # The crawl gave up searching for the pattern (too many pages without it): a page
    # that still says "hand wash" and "made in Wales" in its own nodes is reported.
    session = Session(absent_attempts={"fact/": 99})
    res = evaluate(wrapper, parse_html(FACTS_NEW), learned, session=session, joint=False)
    assert res.broken == ["fact/"] and "fact/" not in res.absent
    assert "hand wash" in next(e.reason for e in res.repairs if e.pattern == "fact")
    # A page without such facts is a page without records: absent, nothing reported.
    plain = FACTS_NEW.split('<div class="specs">')[0] + "</div></body></html>"
    res = evaluate(wrapper, parse_html(plain), learned, session=session, joint=False)
    assert res.broken == [] and res.absent == ["fact/"]


def test_parts_whose_parent_has_a_modifier_class_belong_to_the_list() -> None:
    # The labelled facts' units carry one more class ("spec spec--colour"): the repaired
    # selector (".specs > .spec") takes them with the plain ones; they are no other parts.
    new = FACTS_NEW.replace(
        '<div class="spec"><span class="k">colour:',
        '<div class="spec spec--colour"><span class="k">colour:',
    ).replace(
        '<div class="spec"><span class="k">size:',
        '<div class="spec spec--size"><span class="k">size:',
    )
    wrapper = Wrapper.from_dict(FACTS_WRAPPER)
    learned = evaluate(wrapper, parse_html(FACTS_OLD), {}).learned
    res = evaluate(wrapper, parse_html(new), learned)
    texts = [r["fields"]["text"] for r in res.records if r["pattern"] == "fact"]
    assert texts == ["colour: blue", "hand wash", "size: medium", "made in Wales"]
    assert res.broken == []


def test_the_bundled_tree_gram_repairs_where_the_crawls_own_cannot() -> None:
    wrapper = Wrapper.from_dict(FACTS_WRAPPER)
    bundled = evaluate(wrapper, parse_html(FACTS_OLD), {}).learned
    # The crawl learned its tree-gram on a page with one unlabelled fact: alone it
    # repairs onto nothing (a single "gift box") or onto the value spans ("made in Wales").
    for facts in ("<li>gift box</li>", "<li>made in Wales</li>"):
        page = FACTS_OLD.split('<ul class="facts">')[0] + f'<ul class="facts">{facts}</ul>'
        own = evaluate(wrapper, parse_html(page + "</div></body></html>"), {}).learned
        alone = evaluate(wrapper, parse_html(FACTS_NEW), dict(own))
        texts = [r["fields"]["text"] for r in alone.records if r["pattern"] == "fact"]
        assert texts != ["colour: blue", "hand wash", "size: medium", "made in Wales"]
        session = Session(reference=dict(bundled))
        res = evaluate(wrapper, parse_html(FACTS_NEW), dict(own), session=session)
        texts = [r["fields"]["text"] for r in res.records if r["pattern"] == "fact"]
        assert texts == ["colour: blue", "hand wash", "size: medium", "made in Wales"]
        assert res.broken == [] and res.absent == []
    # Where the crawl's tree-gram is the bundled one, there is no second attempt.
    assert Session(reference=dict(bundled)).fallback("fact/", bundled) is None
