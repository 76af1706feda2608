"""eduscrape.variants: reduction, pairing, comparison, report escaping (no crawler)."""

from __future__ import annotations

from eduscrape.variants import (
    Criteria,
    VariantMapper,
    compare_pages,
    detect_rule,
    parse_rule,
    reduce_page,
    verify_pair,
)
from eduscrape.variants.report import build_report, render_html
from eduscrape.variants.tracking import conditional_headers, tracking_status

EN = "http://site.test/en/"
ES = "http://site.test/es/"


def page(body: str, lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>t</title></head><body>{body}</body></html>'


def pair(left: str, right: str, criteria: Criteria | None = None, rel: str = "a.html"):
    criteria = criteria or Criteria()
    mapper = VariantMapper([EN + "index.html", ES + "index.html"], criteria=criteria)
    lp = reduce_page(page(left), EN + rel, criteria)
    rp = reduce_page(page(right, "es"), ES + rel, criteria)
    return compare_pages(lp, rp, mapper)


def test_reduce_drops_text_ignored_tags_and_ver_only_blocks() -> None:
    html = page(
        "<div><p>Hello <span>big</span> <em>world</em><br></p>"
        "<!-- VER_ONLY_BEGIN --><ul><li><a href='x.html'>only here</a></li></ul><!-- VER_ONLY_END -->"
        "<p><a href='b.html#frag'>B</a> <a href='#top'>top</a></p><script>var a='<p>';</script></div>"
    )
    p = reduce_page(html, EN + "a.html")
    assert p.tag_names == ["div", "p", "em", "p"]
    assert [t.split(":")[0] for t in p.tags] == ["0", "1", "2", "1"]
    # Same-page link dropped, fragment dropped, index file name normalized.
    assert [a.url for a in p.anchors] == [EN + "b.html"]
    interest = reduce_page(html, EN + "a.html", Criteria(tags_of_interest=frozenset({"p"})))
    assert interest.tag_names == ["p", "p"]


def test_rule_detection_from_roots() -> None:
    rule = detect_rule(["http://h/en/index.html", "http://h/es/index.html"])
    assert rule is not None and rule.tokens == ("en", "es") and rule.before == "/"
    rule = detect_rule(["http://h/docs/index-en.html", "http://h/docs/index-fr.html"])
    assert (
        rule is not None and rule.tokens == ("en", "fr") and (rule.before, rule.after) == ("-", ".")
    )
    assert detect_rule(["http://h/a/", "http://h/a/"]) is None
    assert parse_rule("/en/,/es/").tokens == ("en", "es")

    m = VariantMapper(["http://h/docs/index-en.html", "http://h/docs/index-fr.html"])
    key = m.key("http://h/docs/about-fr.html")
    assert key == m.key("http://h/docs/about-en.html")
    assert m.url_for(key, 0) == "http://h/docs/about-en.html"
    assert m.variant_of("http://h/docs/about-fr.html") == 1

    hosts = VariantMapper(["http://en.uni.test/", "http://es.uni.test/"])
    assert hosts.key("http://en.uni.test/a/b.html") == hosts.key("http://es.uni.test/a/b.html")
    assert hosts.variant_of("http://other.test/a.html") is None


def test_consistent_translation_and_text_only_change() -> None:
    left = "<h1>T</h1><p>See <a href='b.html'>B</a> and <a href='../en/c.html'>C</a>.</p>"
    right = "<h1>T</h1><p>Véase <a href='b.html'>B</a> y <a href='c.html'>C</a>, por favor.</p>"
    c = pair(left, right)
    assert c.consistent and not c.kinds and c.summary == ["Consistent."]


def test_type1_added_removed_retargeted() -> None:
    left = "<p><a href='f.html'>F</a> <a href='b.html'>B</a> <a href='c.html'>C</a></p><p><a href='d.html'>D</a></p>"
    right = "<p><a href='b.html'>B</a> <a href='x.html'>C</a></p><p><a href='d.html'>D</a> <a href='e.html'>E</a></p>"
    c = pair(left, right)
    assert c.type1 and not c.consistent
    assert [r["from"] for r in c.retargeted_links] == ["~/c.html"]
    assert [r["to"] for r in c.retargeted_links] == ["~/x.html"]
    assert [m["key"] for m in c.missing_links] == ["~/f.html"]
    assert [e["key"] for e in c.extra_links] == ["~/e.html"]
    assert any("missing in the right page" in s for s in c.summary)


def test_type2_reordered_and_nonstructural() -> None:
    left = "<ul><li><a href='b.html'>B</a></li><li><a href='c.html'>C</a></li></ul>"
    right = "<ul><li><a href='c.html'>C</a></li><li><a href='b.html'>B</a></li></ul>"
    c = pair(left, right)
    assert c.type2 and not c.type1 and not c.nonstructural
    c = pair("<ul><li>a</li><li>b</li></ul>", "<table><tr><td>a</td></tr></table>")
    assert c.nonstructural and not c.type1 and not c.type2
    assert "-<ul>" in c.tag_diff.replace(" ", "") and "+<table>" in c.tag_diff.replace(" ", "")
    # <em> -> <i> is a difference between same-language variants...
    assert pair("<p><em>x</em></p>", "<p><i>x</i></p>").nonstructural
    # ...but translations move phrase markup and links inside a sentence freely.
    tr = Criteria().for_translation()
    assert pair("<p><em>x</em> y</p>", "<p>x <em>y</em> <em>z</em></p>", tr).consistent
    # (not to another element: <em> -> <i> stays a difference, see translation.py)
    assert pair("<p><em>x</em></p>", "<p><i>x</i></p>", tr).nonstructural
    # Two links of one paragraph swapped are type 2 (blocks.py: real translations keep
    # the order of a block's links in 99% of blocks); a paragraph split is not.
    swapped = pair(
        "<p><a href='b.html'>B</a> then <a href='c.html'>C</a></p>",
        "<p><a href='c.html'>C</a> antes <a href='b.html'>B</a></p>",
        tr,
    )
    assert swapped.type2 and not swapped.type1
    assert pair(
        "<p><a href='b.html'>B</a> then <a href='c.html'>C</a></p>",
        "<p><a href='b.html'>B</a>.</p><p>Luego <a href='c.html'>C</a></p>",
        tr,
    ).consistent


def test_verify_pair_flags_wrong_language_and_unrelated_pages() -> None:
    text = "This page was not translated and still reads in English for every visitor. " * 3
    en = reduce_page(page(f"<p>{text}</p>"), EN + "a.html")
    es_wrong = reduce_page(page(f"<p>{text}</p>", "es"), ES + "a.html")
    doubtful, reason, _ = verify_pair(en, es_wrong, "en", "es")
    assert doubtful and "expected es" in reason
    es_ok = reduce_page(
        page(
            "<p>Esta página está traducida al español y se lee en español para todos.</p>" * 2, "es"
        ),
        ES + "a.html",
    )
    assert not verify_pair(en, es_ok, "en", "es")[0]
    unrelated = reduce_page(
        page("<table>" + "<tr><td>x</td></tr>" * 30 + "</table>"), ES + "a.html"
    )
    doubtful, reason, sim = verify_pair(en, unrelated, "en", "es")
    assert doubtful and sim < 0.3 and "similarity" in reason


def test_report_escapes_crawled_content() -> None:
    evil_url = 'http://site.test/es/a.html?x="><script>alert(1)</script>'
    c = pair(
        "<p><a href='b.html'>B</a></p>",
        "<p><a href='b.html'>B</a><a href='z.html' title='\" onmouseover=alert(2)'>"
        "&lt;script&gt;alert(3)&lt;/script&gt;</a></p>",
    )
    row = {
        "order": 1,
        "left_url": "javascript:alert(4)",
        "right_url": evil_url,
        "consistent": False,
        "type1": True,
        "extra_links": c.extra_links,
        "summary": [*c.summary, "<img src=x onerror=alert(5)>"],
        "diff": "--- a\n+++ b\n@@ -1 +1 @@\n-<p onclick=alert(6)>\n+<script>",
        "doubt_reason": '"><b>',
    }
    session = {
        "session": "s<1>",
        "roots": [evil_url, "javascript:alert(7)"],
        "languages": ["en", "es"],
    }
    out = render_html(build_report(session, [row]))
    assert "<script>alert" not in out
    assert "<img src=x" not in out
    assert 'href="javascript:' not in out
    assert "onerror=alert(5)" in out.replace("&lt;img src=x ", "")  # present, but only as text
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in out
    assert '"><script>' not in out
    assert out.count("<script>") == 1  # the report's own filter script


def test_tracking_helpers() -> None:
    assert conditional_headers(None) == {}
    state = {
        "etag": '"abc"',
        "last_modified": "Mon, 01 Jan 2024 00:00:00 GMT",
        "structure": {"url": "u"},
    }
    assert conditional_headers(state) == {
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT",
    }
    assert tracking_status(None, consistent=False, doubtful=False) == "new"
    assert tracking_status({"consistent": False}, consistent=False, doubtful=False) == "unchanged"
    assert tracking_status({"consistent": False}, consistent=True, doubtful=False) == "resolved"
    assert tracking_status({"consistent": True}, consistent=True, doubtful=False) == "consistent"


def test_three_variants_share_keys() -> None:
    roots = ["http://h/en/index.html", "http://h/es/index.html", "http://h/fr/index.html"]
    m = VariantMapper(roots)
    key = m.key("http://h/fr/a/b.html")
    assert key == m.key("http://h/en/a/b.html") == "~/a/b.html"
    assert [m.url_for(key, i) for i in range(3)] == [
        "http://h/en/a/b.html",
        "http://h/es/a/b.html",
        "http://h/fr/a/b.html",
    ]
    # Other sites' language forms compare equal once the languages are known.
    m.set_languages(["en", "es", "fr"])
    assert m.key("https://en.wikipedia.org/wiki/X") == m.key("https://fr.wikipedia.org/wiki/X")


def test_report_links_pages_unless_crawled_from_loopback() -> None:
    row = {"order": 1, "set_key": "~/", "consistent": True}
    remote = {"roots": ["https://www.uni.example/en/", "https://www.uni.example/es/"]}
    out = render_html(build_report(remote, [{**row, "left_url": remote["roots"][0]}]))
    assert 'href="https://www.uni.example/en/"' in out and "www.uni.example" in out
    local = {"roots": ["http://127.0.0.1:8765/en/", "http://localhost:8765/es/"]}
    out = render_html(build_report(local, [{**row, "left_url": local["roots"][0]}]))
    assert 'href="http' not in out and "<code>http://127.0.0.1:8765/en/</code>" in out
    assert "127.0.0.1:8765, localhost:8765" in out
    out = render_html(build_report(local, [row]), links=True)
    assert 'href="http://127.0.0.1:8765/en/"' in out


def test_page_of_names_directory_pages_by_their_file() -> None:
    from eduscrape.variants.evaluation import page_of

    assert page_of("http://127.0.0.1:8000/en/mod/") == "mod/index.html"
    assert page_of("http://127.0.0.1:8000/en/") == "index.html"
    assert page_of("http://127.0.0.1:8000/en/mod/core.html") == "mod/core.html"


def test_verify_pair_leaves_site_boilerplate_out_of_the_language_check() -> None:
    """A translated page whose footer repeats an untranslated notice (the Apache manual's
    comments notice) is in its own language; the same notice on a page whose own text is
    English still makes the pair doubtful."""
    from eduscrape.variants.pairing import text_segments

    notice = (
        "Notice: This is not a Q&A section. Comments placed here should be pointed towards "
        "suggestions on improving the documentation, and may be removed by our moderators. "
    ) * 2
    own = "Esta página contenía la documentación de programas que ahora tienen sus páginas."
    en = reduce_page(page(f"<p>Other programs, now documented elsewhere.</p><p>{notice}</p>"), EN)
    es = reduce_page(page(f"<p>{own}</p><p>{notice}</p>", "es"), ES + "a.html")
    assert verify_pair(en, es, "en", "es")[0]  # the notice outweighs the page's own text
    boilerplate = set(text_segments(" ".join(notice.split())))
    assert not verify_pair(en, es, "en", "es", boilerplate=boilerplate)[0]
    english = "This page was not translated and still reads in English for every visitor. " * 2
    untranslated = reduce_page(page(f"<p>{english}</p><p>{notice}</p>", "es"), ES + "b.html")
    doubtful, reason, _ = verify_pair(en, untranslated, "en", "es", boilerplate=boilerplate)
    assert doubtful and "expected es" in reason
