"""Page models: optional fields and records, fallbacks, bundled tree-grams (no Scrapy)."""

from __future__ import annotations

import json
from pathlib import Path

from eduscrape.adaptation._dom import parse_html
from eduscrape.adaptation.bundle import bundle_path, learn_pages, load_bundled, write_bundle
from eduscrape.adaptation.wrapper import Session, Wrapper, evaluate

# A classified-ad page in two designs: v2 renames every class and id, wraps the
# attribute bubbles in divs, and drops the JSON-LD. The facts stay the same.
V1 = """<html><head><script id="ld" type="application/ld+json">{{"beds": {beds}}}</script></head>
<body><div class="page"><h1><span id="title">{title}</span></h1>
<span class="price">${rent}</span>
<p class="attrs"><span>{beds}BR / 1Ba</span><span>{kind}</span></p>
{address}
<section id="body">{body}</section></div></body></html>"""
V2 = """<html><head></head>
<body><main class="layout"><div class="wrap"><h2 class="posting-title">
<span class="posting-title__text">{title}</span></h2>
<div class="meta"><span class="amount">${rent}</span></div>
<div class="attributes"><div class="attr"><span class="valu">{beds}BR / 1Ba</span></div>
<div class="attr"><span class="valu">{kind}</span></div></div>
{address}
<section class="posting-body">{body}</section></div></main></body></html>"""

ADS = [
    dict(
        title="Sunny two bedroom near the park",
        rent="1,450",
        beds=2,
        kind="apartment",
        body="Bright unit with a new kitchen and hardwood floors throughout the place.",
        address='<div class="addr">12 Elm Street</div>',
    ),
    dict(
        title="Quiet studio close to campus",
        rent="900",
        beds=0,
        kind="condo",
        body="Small but quiet, laundry in the basement, heat and hot water included.",
        address="",
    ),
    dict(
        title="Family house with a large yard",
        rent="2,300",
        beds=3,
        kind="house",
        body="Three bedrooms, a garage, and a fenced yard for the dog; close to schools.",
        address='<div class="addr">4 Oak Avenue</div>',
    ),
]

WRAPPER = {
    "site": "ads-test",
    "patterns": [
        {
            "name": "",
            "fields": [
                {"name": "title", "css": "#title", "required": True},
                {"name": "rent", "css": "span.price", "type": "number"},
                {"name": "body", "css": "section#body", "required": True},
                {"name": "address", "css": "div.addr"},
                {
                    "name": "beds",
                    "css": "p.attrs > span:first-child",
                    "regex": r"\dBR",
                    "fallback": ["//script[@id='ld']"],
                },
            ],
        },
        {
            "name": "bubble",
            "css": "p.attrs > span",
            "optional": True,
            "fields": [{"name": "text", "xpath": "."}],
        },
    ],
}


def page(template: str, ad: dict) -> str:
    return template.format(**ad)


def test_declared_selectors_and_optional_fields() -> None:
    wrapper = Wrapper.from_dict(WRAPPER)
    session = Session()
    first = evaluate(wrapper, parse_html(page(V1, ADS[0])), {}, session=session)
    assert first.broken == []
    assert first.records[0]["fields"]["address"] == "12 Elm Street"
    assert [r["fields"]["text"] for r in first.records if r["pattern"] == "bubble"] == [
        "2BR / 1Ba",
        "apartment",
    ]
    # An ad without an address: absent, not broken.
    second = evaluate(wrapper, parse_html(page(V1, ADS[1])), first.learned, session=session)
    assert second.broken == [] and second.records[0]["fields"]["address"] is None
    assert "/address" in second.absent
    assert second.repairs == []  # the selector worked on an earlier page: no search


def test_fallback_answers_before_any_repair() -> None:
    spec = json.loads(json.dumps(WRAPPER))
    spec["patterns"][0]["fields"][4]["css"] = "p.gone > span"  # the bubble selector broke
    spec["patterns"][0]["fields"][4]["regex"] = r"\d"
    result = evaluate(Wrapper.from_dict(spec), parse_html(page(V1, ADS[0])), {})
    assert result.records[0]["fields"]["beds"] == '{"beds": 2}'
    assert result.fallbacks == ["/beds"] and result.broken == []


def test_redesign_repaired_from_tree_grams_of_the_old_design() -> None:
    wrapper = Wrapper.from_dict(WRAPPER)
    grams = learn_pages(wrapper, [page(V1, ADS[2]), page(V1, ADS[1])])
    assert {"/title", "/body", "/address", "bubble/", "bubble/text"} <= set(grams)
    # The same ad in the redesign (a page fetched again after the site changed).
    result = evaluate(wrapper, parse_html(page(V2, ADS[2])), grams, session=Session())
    fields = result.records[0]["fields"]
    assert fields["title"] == ADS[2]["title"]
    assert fields["body"] == ADS[2]["body"]
    assert fields["address"] == "4 Oak Avenue"  # an optional field, repaired
    bubbles = [r["fields"]["text"] for r in result.records if r["pattern"] == "bubble"]
    assert bubbles == ["3BR / 1Ba", "house"]  # the repeated part, repaired
    assert result.broken == []
    assert {(e.pattern, e.field) for e in result.repaired} >= {("", "title"), ("bubble", None)}


def test_unrepairable_required_field_is_broken_not_empty() -> None:
    wrapper = Wrapper.from_dict(WRAPPER)
    grams = learn_pages(wrapper, [page(V1, ADS[0])])
    html = (
        page(V2, ADS[2])
        .replace('<section class="posting-body">', "<p>")
        .replace("</section>", "</p>")
    )
    html = html.replace(ADS[2]["body"], "")
    result = evaluate(wrapper, parse_html(html), grams, session=Session())
    assert "/body" in result.broken
    assert result.records[0]["fields"]["body"] is None


def test_bundle_round_trip_and_bad_bundles_are_ignored(tmp_path: Path) -> None:
    source = tmp_path / "ads-test.yaml"
    source.write_text(json.dumps(WRAPPER))
    wrapper = Wrapper.load(source)
    assert load_bundled(wrapper) == {}
    grams = learn_pages(wrapper, [page(V1, ad) for ad in ADS])
    path = write_bundle(wrapper, grams, ["v1 pages"])
    assert path == bundle_path(wrapper) == tmp_path / "ads-test.treegrams.json"
    loaded = load_bundled(wrapper)
    assert {k: tg.to_dict() for k, tg in loaded.items()} == {
        k: tg.to_dict() for k, tg in grams.items()
    }
    data = json.loads(path.read_text())
    data["site"] = "another-site"
    path.write_text(json.dumps(data))
    assert load_bundled(wrapper) == {}  # another site's bundle: ignored
    path.write_text("{not json")
    assert load_bundled(wrapper) == {}


def test_fields_declared_bundle_false_stay_out_of_the_bundle() -> None:
    data = json.loads(json.dumps(WRAPPER))
    data["patterns"][0]["fields"][1]["bundle"] = False  # rent: learned from the site instead
    wrapper = Wrapper.from_dict(data)
    assert wrapper.patterns[0].fields[1].bundle is False
    pages = [page(V1, ADS[0])]
    assert "/rent" in learn_pages(wrapper, pages)  # --store / print: every field
    bundled = learn_pages(wrapper, pages, bundle=True)
    assert "/rent" not in bundled and "/title" in bundled
    assert Wrapper.from_dict(wrapper.to_dict()).patterns[0].fields[1].bundle is False
