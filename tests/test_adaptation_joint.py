"""Joint repair of a page model with tree-grams of *other* pages (no Scrapy).

The pages are written here: three templates (a classified ad, a course page, a news
article), each in an old design and redesigns that rename ids/classes, add wrappers,
move blocks and change the attribute markup. Tree-grams come from other pages of the
same site (other ads, other courses), so the values never match: only the joint
repair can find the fields, and where the page does not say, it must abstain.
"""

from __future__ import annotations

from typing import Any

from _support import PROJECT_DIR

from eduscrape.adaptation._dom import parse_html
from eduscrape.adaptation.bundle import learn_pages
from eduscrape.adaptation.joint import (
    Target,
    exclude_claimed,
    node_position,
    repair_jointly,
    token_similarity,
    value_shape,
    words,
)
from eduscrape.adaptation.wrapper import Session, Wrapper, evaluate

# -- a classified ad ----------------------------------------------------------------------

AD_V1 = """<html><head><title>{title}</title></head><body>
<div class="nav"><a href="/">home</a> &gt; <a href="/apa">apartments</a></div>
<div class="page"><h1 class="postingtitle"><span class="postingtitletext">
<span class="price">${rent}</span> <span id="titletextonly">{title}</span></span></h1>
<div class="mapAndAttrs"><div class="mapaddress">{address}</div>
<p class="attrgroup"><span>{beds}BR / 1Ba</span> <span>{kind}</span></p></div>
<section id="postingbody">{body}</section>
<div class="postinginfos"><p class="postinginfo">post id: {pid}</p>
<p class="postinginfo">posted: <time class="date" datetime="{date}">{date}</time></p></div>
</div><footer><a href="/help">help</a> <a href="/terms">terms of use</a></footer></body></html>"""

# Renamed (BEM), an extra wrapper, the 2023 attribute bubbles.
AD_RENAMED = """<html><head><title>{title}</title></head><body>
<div class="site__nav"><a href="/">home</a> &gt; <a href="/apa">apartments</a></div>
<div class="site__page"><div class="site__layout-inner">
<h1 class="site__posting-title"><span class="site__posting-title-text">
<span class="site__amount">${rent}</span> <span class="site__posting-title__text">{title}</span>
</span></h1>
<div class="site__facts-panel"><div class="site__street-address">{address}</div>
<div class="site__attr-list"><div class="site__attr"><span class="site__valu">{beds}BR / 1Ba</span></div>
<div class="site__attr"><span class="site__valu">{kind}</span></div></div></div>
<section class="site__post-body">{body}</section>
<div class="site__post-meta"><p class="site__meta-line">post id: {pid}</p>
<p class="site__meta-line">posted: <time class="site__date" datetime="{date}">{date}</time></p></div>
</div></div><footer><a href="/help">help</a> <a href="/terms">terms of use</a></footer>
</body></html>"""

# Opaque CSS-in-JS class names, the facts after the description, the address gone.
AD_MOVED = """<html><head><title>{title}</title></head><body>
<div class="css-1k2j3"><a href="/">home</a> &gt; <a href="/apa">apartments</a></div>
<div class="css-9x8y7"><div class="css-55aa1"><header class="css-q1w2e">
<h1 class="css-r4t5y"><span class="css-u7i8o">{title}</span></h1>
<div class="css-p0o9i"><span class="css-l3k4j">${rent}</span></div></header>
<section class="css-m5n6b">{body}</section>
<div class="css-z1x2c"><div class="css-v3b4n"><span class="css-a1s2d">{beds}BR / 1Ba</span></div>
<div class="css-v3b4n"><span class="css-a1s2d">{kind}</span></div></div>
<div class="css-f5g6h"><p class="css-j7k8l">post id: {pid}</p>
<p class="css-j7k8l">posted: <time class="css-c9v0b" datetime="{date}">{date}</time></p></div>
</div></div><footer><a href="/help">help</a> <a href="/terms">terms of use</a></footer>
</body></html>"""

ADS: list[dict[str, Any]] = [
    dict(
        title="Sunny two bedroom near the park",
        rent="1,450",
        beds=2,
        kind="apartment",
        address="12 Elm Street",
        pid="7500000001",
        date="2022-06-27",
        body="Bright unit with a new kitchen and hardwood floors throughout the place. "
        "Close to the bus line and the farmers market; no smoking please, one cat is fine.",
    ),
    dict(
        title="Quiet studio close to campus",
        rent="900",
        beds=0,
        kind="condo",
        address="88 College Road",
        pid="7500000002",
        date="2022-07-01",
        body="Small but quiet, laundry in the basement, heat and hot water included. "
        "Available the first of the month; the landlord lives on site and answers quickly.",
    ),
    dict(
        title="Family house with a large yard and garage",
        rent="2,300",
        beds=3,
        kind="house",
        address="4 Oak Avenue",
        pid="7500000003",
        date="2022-08-12",
        body="Three bedrooms, a garage, and a fenced yard for the dog; close to schools. "
        "Washer and dryer in the unit, a new roof last year, and a quiet street at the end.",
    ),
    dict(
        title="Loft downtown, exposed brick",
        rent="1,875",
        beds=1,
        kind="loft",
        address="301 Main St #4",
        pid="7500000004",
        date="2022-05-30",
        body="High ceilings, exposed brick and big windows over Main Street. Parking in "
        "the garage next door for a fee; the elevator works most of the time, they say.",
    ),
]

AD_WRAPPER: dict[str, Any] = {
    "site": "ads-joint-test",
    "patterns": [
        {
            "name": "",
            "fields": [
                {"name": "title", "css": "#titletextonly", "required": True},
                {"name": "rent", "css": "span.price", "type": "number", "regex": r"^\$"},
                {"name": "address", "css": "div.mapaddress"},
                {"name": "beds", "css": "p.attrgroup > span:first-child", "regex": r"\dBR"},
                {"name": "body", "css": "section#postingbody", "required": True},
                {"name": "post_id", "css": "p.postinginfo", "regex": r"post id"},
                {"name": "posted", "css": "time.date::attr(datetime)", "type": "date"},
            ],
        }
    ],
}


def _fields(result: Any, pattern: str = "") -> dict[str, Any]:
    return next(r["fields"] for r in result.records if r["pattern"] == pattern)


def _ad_grams(wrapper: Wrapper) -> dict[str, Any]:
    # Tree-grams from two *other* ads in the old design (a bundle, or an earlier crawl).
    return learn_pages(wrapper, [AD_V1.format(**ADS[0]), AD_V1.format(**ADS[1])])


def _wrong(result: Any, ad: dict[str, Any], expected: dict[str, str]) -> list[str]:
    """Fields holding a value that is not the page's (the one unforgivable outcome)."""
    got = _fields(result, "")
    return [k for k, v in expected.items() if got.get(k) is not None and got[k] != v]


def _expected(ad: dict[str, Any]) -> dict[str, str]:
    return {
        "title": ad["title"],
        "rent": f"${ad['rent']}",
        "address": ad["address"],
        "beds": f"{ad['beds']}BR / 1Ba",
        "body": ad["body"],
        "post_id": f"post id: {ad['pid']}",
        "posted": ad["date"],
    }


def test_renamed_redesign_is_repaired_from_other_ads_tree_grams() -> None:
    wrapper = Wrapper.from_dict(AD_WRAPPER)
    grams = _ad_grams(wrapper)
    for ad in ADS[2:]:
        html = AD_RENAMED.format(**ad)
        before = evaluate(wrapper, parse_html(html), grams, session=Session(), joint=False)
        assert {"/title", "/body"} <= set(before.broken)  # the per-field repair alone fails
        result = evaluate(wrapper, parse_html(html), grams, session=Session())
        assert result.broken == []
        assert _fields(result) == _expected(ad)
        joint = [e for e in result.repaired if e.reason.startswith("joint")]
        assert {e.field for e in joint} >= {"title", "body"}
        # The repaired selectors work on the next page without any search.
        again = evaluate(result.wrapper, parse_html(AD_RENAMED.format(**ADS[0])), grams)
        assert again.repairs == [] and _fields(again) == _expected(ADS[0])


def test_opaque_names_and_moved_blocks_never_give_a_wrong_value() -> None:
    wrapper = Wrapper.from_dict(AD_WRAPPER)
    grams = _ad_grams(wrapper)
    for ad in ADS[2:]:
        result = evaluate(wrapper, parse_html(AD_MOVED.format(**ad)), grams, session=Session())
        assert _wrong(result, ad, _expected(ad)) == []
        got = _fields(result)
        # Constraints and value shapes find these even without a single shared name.
        assert got["title"] == ad["title"] and got["rent"] == f"${ad['rent']}"
        assert got["posted"] == ad["date"] and got["post_id"] == f"post id: {ad['pid']}"
        assert got["address"] is None  # gone from the page: absent, not invented


def test_a_field_gone_from_the_page_stays_broken() -> None:
    wrapper = Wrapper.from_dict(AD_WRAPPER)
    grams = _ad_grams(wrapper)
    ad = ADS[2]
    html = AD_RENAMED.format(**ad).replace(ad["body"], "")
    result = evaluate(wrapper, parse_html(html), grams, session=Session())
    assert "/body" in result.broken
    assert _fields(result)["body"] is None
    assert _wrong(result, ad, _expected(ad)) == []
    assert any(e.field == "body" and e.status == "unrepaired" for e in result.repairs)


def test_a_long_text_is_not_made_ambiguous_by_its_containers() -> None:
    """Redesigned demo postings (other ads than the bundle's reference pages), each the
    first page of a cold crawl: the body's section ranks first, and the columns around
    it (the body plus photos and facts: the same text with chrome) are no rival datum.
    Before, such a container came within the margin and the body was left unrepaired
    (right on 4 of the 18 pages)."""
    from eduscrape.adaptation.bundle import load_bundled
    from eduscrape.demo.redesign import redesign_posting
    from eduscrape.housing._page_model import PlainResult, bundled_wrapper
    from eduscrape.housing.craigslist import parse_posting, posting_of

    demo = PROJECT_DIR / "eduscrape" / "demo" / "sites" / "classifieds" / "apa" / "d"
    pages = sorted(p for p in demo.glob("*/*.html") if parse_posting(p.read_text("utf-8")).body)
    wrapper = bundled_wrapper("craigslist-posting")
    right, wrong = 0, []
    for path in pages[:6]:
        html = path.read_text("utf-8")
        original = parse_posting(html)
        for level, seed in (("renamed", 0), ("moved", 0), ("moved", 2)):
            grams = dict(load_bundled(wrapper))
            root = parse_html(redesign_posting(html, level, seed))
            result = evaluate(wrapper, root, grams, session=Session(relearn=set(grams)))
            got = posting_of(PlainResult(result.records, result.broken))
            assert got.title == original.title
            if got.body == original.body:
                right += 1
            elif got.body or "/body" not in result.absent:
                wrong.append((path.name, level, seed))
    assert wrong == []
    # The short Spanish ad abstains at each level: its column, labelled "body", ranks
    # first and the section itself within the margin (unrepaired, never wrong).
    assert right == 15, right  # of 18 (4 before)


# -- a course page ---------------------------------------------------------------------------

COURSE_V1 = """<html><head><title>{title} | Courseware</title></head><body>
<header id="site-header"><a href="/">Courseware</a><nav><a href="/search">Search</a>
<a href="/about">About</a></nav></header>
<main id="course-main"><div id="course-banner"><h1 class="course-title">{title}</h1>
<p class="course-number">{number} | {term}</p></div>
<div class="course-info"><h2>Instructor</h2><ul class="instructors"><li>{teacher}</li></ul>
<h2>Level</h2><p class="course-level">{level}</p></div>
<div id="course-description" class="description"><h2>Course Description</h2>
<p>{description}</p></div></main>
<footer><p>Licensed under CC BY-NC-SA. Some rights reserved.</p></footer></body></html>"""

# Renamed with other words, one more wrapper, and the description moved above the facts.
COURSE_REDESIGNED = """<html><head><title>{title} | Courseware</title></head><body>
<header id="top-bar"><a href="/">Courseware</a><nav><a href="/search">Search</a>
<a href="/about">About</a></nav></header>
<main id="content-area"><div class="shell"><div id="hero-panel">
<h1 class="hero-title">{title}</h1><p class="hero-meta">{number} | {term}</p></div>
<div id="about-course" class="summary"><h2>Course Description</h2><p>{description}</p></div>
<div class="facts"><h2>Instructor</h2><ul class="teachers"><li>{teacher}</li></ul>
<h2>Level</h2><p class="facts-level">{level}</p></div></div></main>
<footer><p>Licensed under CC BY-NC-SA. Some rights reserved.</p></footer></body></html>"""

COURSES = [
    dict(
        title="Introduction to Algorithms",
        number="6.006",
        term="Spring 2020",
        teacher="Prof. Erik Demaine",
        level="Undergraduate",
        description="This course is an introduction to mathematical modeling of "
        "computational problems, as well as common algorithms, algorithmic paradigms, and "
        "data structures used to solve these problems. It emphasizes the relationship "
        "between algorithms and programming and introduces basic performance measures.",
    ),
    dict(
        title="Japanese Literature in Translation",
        number="21G.107",
        term="Fall 2018",
        teacher="Dr. Wakana Suzuki",
        level="Undergraduate",
        description="Readings of modern Japanese fiction in English translation, from the "
        "Meiji period to the present, with attention to the ways writers responded to "
        "rapid change; weekly discussions, two short papers and a final project on a "
        "writer of the student's choice. No knowledge of Japanese is required.",
    ),
    dict(
        title="Principles of Microeconomics",
        number="14.01",
        term="Fall 2023",
        teacher="Prof. Jonathan Gruber",
        level="Graduate",
        description="Microeconomic theory and its applications: how consumers and firms "
        "make decisions, how markets work and when they fail, and what government can "
        "do about it. Problem sets each week; two midterms and a final exam round out "
        "the course, which assumes calculus but no prior economics at all.",
    ),
]

COURSE_WRAPPER: dict[str, Any] = {
    "site": "courses-joint-test",
    "patterns": [
        {
            "name": "",
            "fields": [
                {"name": "title", "css": "h1.course-title", "required": True},
                {"name": "number", "css": "p.course-number", "regex": r"\d\w*\.\w+"},
                {"name": "instructor", "css": "ul.instructors > li"},
                {"name": "level", "css": "p.course-level"},
                {"name": "description", "css": "#course-description > p", "required": True},
            ],
        }
    ],
}


def test_course_page_redesign_with_a_moved_block() -> None:
    wrapper = Wrapper.from_dict(COURSE_WRAPPER)
    grams = learn_pages(wrapper, [COURSE_V1.format(**COURSES[0])])
    for course in COURSES[1:]:
        html = COURSE_REDESIGNED.format(**course)
        result = evaluate(wrapper, parse_html(html), grams, session=Session())
        got = _fields(result)
        expected = {
            "title": course["title"],
            "number": f"{course['number']} | {course['term']}",
            "instructor": course["teacher"],
            "level": course["level"],
            "description": course["description"],
        }
        assert [k for k, v in got.items() if v is not None and v != expected[k]] == []
        assert got["title"] == expected["title"]
        assert got["description"] == expected["description"]
        assert got["number"] == expected["number"]
        assert result.broken == []


# -- the engine itself -----------------------------------------------------------------------


def test_compound_words_and_value_shapes() -> None:
    old = frozenset({"titletextonly"})
    assert token_similarity(old, words("posting-title__text")) > 0.6
    assert token_similarity(old, words("title text only")) > 0.85
    assert token_similarity(old, words("price")) == 0.0
    assert token_similarity(frozenset({"postingbody"}), words("post-body")) > 0.6
    assert value_shape("$1,450") == value_shape("$2,300") != value_shape("3BR / 1Ba")


def test_ambiguous_twins_abstain_and_anchors_decide() -> None:
    old = (
        "<html><body><div><p class='a'>Rent</p><span class='rent'>$1,200</span>"
        "<span class='deposit'>$600</span><p class='b'>Deposit</p></div></body></html>"
    )
    tg_rent = learn_pages(
        Wrapper.from_dict(
            {
                "site": "t",
                "patterns": [
                    {
                        "fields": [
                            {"name": "rent", "css": "span.rent"},
                            {"name": "deposit", "css": "span.deposit"},
                            {"name": "label", "css": "p.a"},
                        ]
                    }
                ],
            }
        ),
        [old],
    )
    # Both spans renamed to opaque names: twins of the same shape.
    new = parse_html(
        "<html><body><div><p class='x1'>Rent</p><span class='q7'>$1,350</span>"
        "<span class='q8'>$700</span><p class='x2'>Deposit</p></div></body></html>"
    )
    alone = repair_jointly(new, [Target("/deposit", tg_rent["/deposit"], tokens=words("deposit"))])
    assert "/deposit" not in alone or alone["/deposit"].value == "$700"
    # With "rent" repaired first (its old position pins the order), deposit follows it.
    both = repair_jointly(
        new,
        [
            Target("/rent", tg_rent["/rent"], tokens=words("rent")),
            Target("/deposit", tg_rent["/deposit"], tokens=words("deposit")),
        ],
        anchors=[(tg_rent["/label"], new.xpath("//p[@class='x1']")[0])],
    )
    assert all(p.value == {"/rent": "$1,350", "/deposit": "$700"}[k] for k, p in both.items())


def test_positions_are_kept_in_learned_tree_grams() -> None:
    wrapper = Wrapper.from_dict(AD_WRAPPER)
    grams = _ad_grams(wrapper)
    order = sorted(grams, key=lambda k: grams[k].extra["pos"])
    assert order.index("/title") < order.index("/body") < order.index("/posted")
    # The page's <title> echoes the heading, not the other fields.
    assert grams["/title"].extra["echo"] is True
    assert grams["/body"].extra["echo"] is False and grams["/rent"].extra["echo"] is False
    root = parse_html(AD_V1.format(**ADS[0]))
    assert node_position(root) == 0.0
    assert 0 < node_position(root.xpath("//section")[0]) < 1


def test_intact_pages_never_run_the_joint_step() -> None:
    wrapper = Wrapper.from_dict(AD_WRAPPER)
    grams = _ad_grams(wrapper)
    result = evaluate(wrapper, parse_html(AD_V1.format(**ADS[3])), grams, session=Session())
    assert result.repairs == [] and result.broken == []
    assert _fields(result) == _expected(ADS[3])


# -- record patterns ---------------------------------------------------------------------------

BUBBLES: dict[str, Any] = {
    "site": "ads-joint-test",
    "patterns": [
        {
            "name": "",
            "fields": [{"name": "title", "css": "#titletextonly", "required": True}],
        },
        {
            "name": "bubble",
            "css": "p.attrgroup > span",
            "optional": True,
            "fields": [{"name": "text", "xpath": "."}],
        },
    ],
}


def _bubbles(result: Any) -> list[str]:
    return [r["fields"]["text"] for r in result.records if r["pattern"] == "bubble"]


def test_repeated_parts_in_new_markup_are_found_as_records() -> None:
    wrapper = Wrapper.from_dict(BUBBLES)
    grams = learn_pages(wrapper, [AD_V1.format(**ADS[0]), AD_V1.format(**ADS[1])])
    for template in (AD_RENAMED, AD_MOVED):
        ad = ADS[2]
        result = evaluate(wrapper, parse_html(template.format(**ad)), grams, session=Session())
        assert _bubbles(result) == [f"{ad['beds']}BR / 1Ba", ad["kind"]]
        assert result.broken == [] and "bubble/" not in result.absent
        (event,) = [e for e in result.repaired if e.pattern == "bubble" and e.field is None]
        assert event.reason.startswith("joint")
        # The repaired pattern reads the next page of the new design as it is, with the
        # tree-grams the crawl keeps (learned and repaired ones: the middleware's rule).
        kept = {**grams, **result.learned}
        kept.update({f"{e.pattern}/{e.field or ''}": e.treegram for e in result.repaired})
        again = evaluate(result.wrapper, parse_html(template.format(**ADS[3])), kept)
        assert again.repairs == []
        assert _bubbles(again) == [f"{ADS[3]['beds']}BR / 1Ba", ADS[3]["kind"]]


def test_a_page_without_the_repeated_part_invents_none() -> None:
    wrapper = Wrapper.from_dict(BUBBLES)
    grams = learn_pages(wrapper, [AD_V1.format(**ADS[0]), AD_V1.format(**ADS[1])])
    html = AD_RENAMED.format(**ADS[2])
    start = html.index('<div class="site__attr-list">')
    end = html.index("</div></div>", start) + len("</div></div>")
    result = evaluate(wrapper, parse_html(html[:start] + html[end:]), grams, session=Session())
    assert _bubbles(result) == []
    assert "bubble/" in result.absent


FACTS_PAGE = """<html><body><div class="facts">
<span class="fact hl">3BR / 2Ba</span><span class="fact hl">870ft2</span>
<div class="fact">cats are OK</div><div class="fact">apartment</div>
<div class="fact"><span class="lab">rent period:</span> <span>monthly</span></div>
</div></body></html>"""


def test_repaired_records_leave_out_another_patterns_records() -> None:
    """A container's every child is two patterns' records: the headline facts (already
    claimed) are left out by a class only they have, or the repair is refused."""
    root = parse_html(FACTS_PAGE)
    every = root.xpath("//div[@class='facts']/*")
    headline = root.xpath("//span[contains(@class, 'hl')]")
    xpath, records = exclude_claimed("//div[@class='facts']/*", every, headline)
    assert [r.tag for r in records] == ["div", "div", "div"]
    assert root.xpath(xpath) == records
    # Nothing claimed: unchanged.
    assert exclude_claimed("//div[@class='facts']/*", every, []) == (
        "//div[@class='facts']/*",
        every,
    )
    # Claimed nodes that share every class and tag with kept ones: refused.
    facts = root.xpath("//div[@class='fact']")
    assert exclude_claimed("//div[@class='fact']", facts, facts[:1]) is None


def test_nothing_inside_another_patterns_records_is_picked() -> None:
    wrapper = Wrapper.from_dict(
        {
            "site": "t",
            "patterns": [
                {
                    "fields": [
                        {"name": "price", "css": "span.price", "optional": True},
                        {"name": "title", "css": "h1.title"},
                    ]
                }
            ],
        }
    )
    old = (
        "<html><body><h1 class='title'>Sunny flat</h1><p><span class='price'>$1,385</span>"
        " 2br</p><ul class='facts'><li>cats ok</li><li>fee: $40</li></ul></body></html>"
    )
    grams = learn_pages(wrapper, [old])
    # Redesigned, and this ad states no price: only a fee inside one of its facts.
    new = parse_html(
        "<html><body><h1 class='hd'>Quiet house</h1><div>3br</div><div class='specs'>"
        "<div class='spec'><span>application fee:</span> <span>$85</span></div>"
        "<div class='spec'><span>dogs ok</span></div></div></body></html>"
    )
    price = [Target("/price", grams["/price"], tokens=words("price"), optional=True)]
    anchors = [(grams["/title"], new.xpath("//h1")[0])]
    # Alone, the fee is taken for the price: a value the page does not have.
    assert repair_jointly(new, price, anchors)["/price"].value == "$85"
    # The facts are the records of another pattern: their parts are theirs.
    facts = new.xpath("//div[@class='spec']")
    assert repair_jointly(new, price, anchors, claimed=facts) == {}


# The body moved into a column ("main body") that also holds the address, the bubbles
# and the post id; the body itself has an opaque id. The other fields keep their markup.
AD_COLUMN = """<html><head><title>{title}</title></head><body>
<div class="nav"><a href="/">home</a> &gt; <a href="/apa">apartments</a></div>
<div class="page"><h1 class="postingtitle"><span class="postingtitletext">
<span class="price">${rent}</span> <span id="titletextonly">{title}</span></span></h1>
<section class="main-body"><div class="layout-inner">
<section id="x7f3q-description">{body}</section>
<div class="mapAndAttrs"><div class="mapaddress">{address}</div>
<p class="attrgroup"><span>{beds}BR / 1Ba</span> <span>{kind}</span></p></div>
<div class="postinginfos"><p class="postinginfo">post id: {pid}</p>
<p class="postinginfo">posted: <time class="date" datetime="{date}">{date}</time></p></div>
</div></section></div>
<footer><a href="/help">help</a> <a href="/terms">terms of use</a></footer></body></html>"""


def test_a_container_of_other_fields_is_never_the_field() -> None:
    """The body's tree-gram comes from one ad with a long body (an earlier crawl's first
    page): this ad's short body is no candidate (a tenth of that length), and the column
    around it, labelled "main body", holds the address and the post id too. Before, the
    column was taken for the body (its text with the post id, the address...: a changed
    value, not reported); a node holding another field's node that the field's node did
    not hold on the old page is no candidate, so the body is reported broken."""
    wrapper = Wrapper.from_dict(AD_WRAPPER)
    long_ad = {**ADS[0], "body": " ".join([ADS[0]["body"]] * 12)}
    grams = learn_pages(wrapper, [AD_V1.format(**long_ad)])
    ad = ADS[2]
    result = evaluate(wrapper, parse_html(AD_COLUMN.format(**ad)), grams, session=Session())
    got = _fields(result)
    assert got["body"] in (None, ad["body"]), got["body"][:200]
    assert got["body"] == ad["body"] or "/body" in result.broken
    assert _wrong(result, ad, _expected(ad)) == []
    # The same page whose body is as long as the learned one: the body section is found.
    ad = {**ADS[2], "body": " ".join([ADS[2]["body"]] * 10)}
    result = evaluate(wrapper, parse_html(AD_COLUMN.format(**ad)), grams, session=Session())
    assert _fields(result)["body"] == ad["body"]
    assert result.broken == []
