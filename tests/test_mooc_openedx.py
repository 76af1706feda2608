"""Open edX courseware through the ``openedx-courseware`` page model (no Scrapy).

The real courseware pages of several LMS generations (``../shared/data/mooc/dev/edx``)
are read as before the page model (same blocks, same order), with the bundled
tree-grams breaking nothing on intact pages, and alike after seeded redesigns.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from typing import Any

import pytest
from _support import PROJECT_DIR, shared_data

from eduscrape.adaptation import Repairer
from eduscrape.adaptation._dom import parse_html
from eduscrape.adaptation.bundle import load_bundled
from eduscrape.adaptation.wrapper import Session, evaluate
from eduscrape.demo.redesign import redesign_openedx_page
from eduscrape.middlewares.wrappers import WrapperResult
from eduscrape.mooc.openedx import (
    UNIT_MARK,
    blocks_of,
    courseware_model,
    empty_video_records,
    parse_courseware,
    render_units,
    video_blocks_without_player,
)

FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "openedx"
# Video blocks per real page (the parser before the page model found the same).
BLOCKS = {
    "dashboard-version-with-articles.html": 0,
    "dashboard-version-with-divs.html": 0,
    "empty_sections.html": 0,
    "multiple_units.html": 3,
    "multiple_units_multiple_youtube_videos.html": 13,
    "multiple_units_no_youtube_ids.html": 11,  # truncated markup: players rebuilt
    "multiple_units_youtube_link.html": 6,
    "new_sections_structure.html": 0,
    "old_multiple_units.html": 3,
    "old_single_unit_multiple_subs.html": 1,
    "single_unit_multiple_subs.html": 1,
}


def _crawl_page(page: str, grams: dict[str, Any], session: Session) -> tuple[WrapperResult, Any]:
    """One page as the wrapper middleware evaluates it in a crawl (bundled tree-grams)."""
    model = courseware_model()
    root = parse_html(render_units(page) or page)
    repairer = Repairer(algorithm=model.algorithm, threshold=model.threshold)
    result = evaluate(model, root, grams, repairer, session)
    grams.update(result.learned)  # bundled keys renewed from the crawled site
    session.relearn -= set(result.learned)
    return WrapperResult(model.site, result.records, result.repairs, result.broken, None), root


def _plain(blocks: list[Any]) -> list[dict[str, Any]]:
    return [asdict(b) | {"key": b.key} for b in blocks]


def test_render_units_in_place_keeps_the_page_and_rebuilds_truncated_players() -> None:
    meta = {"streams": "1.00:abcdEFGH123", "transcriptTranslationUrl": "/t/__lang__"}
    unit = (
        "<div class='xblock' data-block-type='video' data-usage-id='b@1'><h2>Intro</h2>"
        f"<div class='video' data-metadata='{html.escape(json.dumps(meta))}'></div></div>"
    )
    # Cut inside a quoted attribute, as saved pages are: the HTML parser drops the player.
    cut = (
        "<div data-block-type='video'><h2>Cut</h2>"
        "<div id='video_v9' data-sub='S9' data-sources='[\"https://x/v9.mp4\" "
    )
    page = (
        "<html><body><nav><a href='/c/courseware/a/b/\n<x>'>seq</a></nav>"
        f"<div class='seq_contents x'>{html.escape(unit)}</div>"
        f"<div class='seq_contents'>{html.escape(cut)}</div></body></html>"
    )
    rendered = render_units(page)
    assert rendered is not None
    assert "/c/courseware/a/b/\n<x>" in rendered  # the page's own markup byte for byte
    assert rendered.count(UNIT_MARK) == 2
    blocks = parse_courseware(page)
    assert [(b.title, b.key, b.youtube_ids, b.sub) for b in blocks] == [
        ("Intro", "1", ["abcdEFGH123"], ""),
        ("Cut", "v9", [], "S9"),  # its usage id from the player's id, as before
    ]
    assert render_units("<html><body><p>no units</p></body></html>") is None


def test_real_courseware_pages_with_the_bundled_tree_grams() -> None:
    folder = shared_data("mooc", "dev", "edx", "html")
    bundled = load_bundled(courseware_model())
    assert set(bundled) == {"/sequences", "video/", "video/title"}  # player data: not bundled
    for name, count in BLOCKS.items():
        page = (folder / name).read_text()
        declared = parse_courseware(page)  # declared selectors only
        assert len(declared) == count, name
        grams = dict(bundled)
        result, root = _crawl_page(page, grams, Session(relearn=set(grams)))
        assert result.broken_fields() == {} and result.repairs == [], name
        assert _plain(blocks_of(result)) == _plain(declared), name
        assert video_blocks_without_player(root) == 0 and empty_video_records(result) == 0
    first = parse_courseware((folder / "multiple_units_youtube_link.html").read_text())[0]
    assert first.title == "Video: Welcome to Week 1!" and first.youtube_ids == ["rjOpZ3i6pRo"]


@pytest.mark.parametrize(("level", "seed"), [("renamed", 0), ("renamed", 3), ("moved", 1)])
def test_redesigned_real_courseware_reads_alike_or_is_flagged(level: str, seed: int) -> None:
    folder = shared_data("mooc", "dev", "edx", "html")
    grams = dict(load_bundled(courseware_model()))
    session = Session(relearn=set(grams))  # one crawl of the redesigned pages
    for name, count in BLOCKS.items():
        page = (folder / name).read_text()
        intact = _plain(parse_courseware(page))
        result, root = _crawl_page(redesign_openedx_page(page, level, seed), grams, session)
        assert result.broken_fields() == {}, name
        if level == "moved" and name == "multiple_units_no_youtube_ids.html":
            # The redesign parses the truncated units itself and loses their players:
            # the spider reports the page (never an empty course in silence).
            assert blocks_of(result) == [] and video_blocks_without_player(root) == count
            continue
        assert _plain(blocks_of(result)) == intact, name


def test_reference_pages_are_rendered_courseware() -> None:
    """The bundle's reference pages (written for the project) hold both generations."""
    new = parse_courseware((FIXTURES / "courseware-2015-metadata.html").read_text())
    old = parse_courseware((FIXTURES / "courseware-2014-data-attributes.html").read_text())
    assert [b.title for b in new] == [
        "Video: Why continents drift",
        "Video: Mid-ocean ridges",
        "Video: Subduction zones",
    ]
    assert old[0].transcript_languages == {"zh": "Chinese", "en": "English"}
    assert old[0].transcript_url("http://h/").endswith("/transcript/translation/zh")  # type: ignore[union-attr]
