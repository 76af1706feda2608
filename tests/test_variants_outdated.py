"""eduscrape.variants.outdated: freshness signals of translations, and the ranking."""

from __future__ import annotations

from eduscrape.variants.outdated import (
    PageSignals,
    outdated_score,
    page_signals,
    rank_outdated,
    ranking_quality,
)


def _page(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


ORIGINAL = _page(
    "<h1 id='top'>T</h1><h2 id='a'>A</h2><p>x</p><h2 id='b'>B</h2><p>y</p>"
    "<p>Last modified: 2024-05-02</p>"
)


def test_notices_in_several_languages_and_by_class() -> None:
    fr = page_signals(
        _page("<div><p>Cette traduction peut être périmée. Vérifiez la version anglaise.</p></div>")
    )
    assert fr.notice.startswith("Cette traduction")
    ja = page_signals(
        _page("<div class='note'>この日本語訳はすでに古くなっている可能性があります。</div>")
    )
    assert ja.notice
    es = page_signals(_page("<p class='translation-outdated'>Aviso</p>"))
    assert es.notice.startswith("[translation-outdated]")
    # Content that merely says "périmé" (a cache entry) is no notice.
    assert not page_signals(_page("<p>Le contenu périmé est supprimé du cache.</p>")).notice


def test_dates_from_meta_text_and_http_header() -> None:
    assert page_signals(ORIGINAL).modified == "2024-05-02"
    meta = page_signals(_page("<p>x</p>", "<meta name='dcterms.modified' content='2023-01-09'>"))
    assert meta.modified == "2023-01-09"
    header = page_signals(_page("<p>x</p>"), last_modified="Tue, 03 Jan 2023 10:00:00 GMT")
    assert header.modified == "2023-01-03"
    assert page_signals(_page("<p>Dernière mise à jour : 2022-11-30</p>")).modified == "2022-11-30"


def test_score_combines_signals_and_ranks() -> None:
    original = page_signals(ORIGINAL)
    current = page_signals(ORIGINAL.replace(b"Last modified", b"Last updated"))
    older = page_signals(ORIGINAL.replace(b"2024-05-02", b"2021-01-01"))
    shorter = page_signals(_page("<h1 id='top'>T</h1><h2 id='a'>A</h2><p>x</p>"))
    noticed = PageSignals(notice="This translation may be out of date")
    scores = {
        "current": outdated_score(original, current),
        "older": outdated_score(original, older),
        "shorter": outdated_score(original, shorter),
        "noticed": outdated_score(original, noticed),
        "noticed-ignored": outdated_score(original, noticed, use_notice=False),
    }
    assert scores["current"].score == 0.0
    assert scores["noticed"].score > scores["older"].score > scores["shorter"].score > 0
    assert "section(s) of the original missing" in scores["shorter"].reasons[0]
    ranked = rank_outdated(scores)
    assert ranked[0][0] == "noticed"
    quality = ranking_quality(ranked, {"noticed", "older"}, threshold=0.5)
    assert quality["precision"] == 1.0 and quality["recall"] == 1.0
    assert quality["average_precision"] == 1.0


def test_notice_and_date_note_in_capitals_and_signals_round_trip() -> None:
    page = page_signals(
        _page(
            "<div><p>THIS TRANSLATION MAY BE OUT OF DATE.</p></div><p>LAST UPDATED: 2023-01-09</p>"
        )
    )
    assert page.notice == "THIS TRANSLATION MAY BE OUT OF DATE."
    assert page.modified == "2023-01-09"
    assert PageSignals.from_dict(page.to_dict()) == page
