"""The ``variants`` spider end to end: demo pair, report, tracking, bad input, evaluation."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _support import PROJECT_DIR, crawl_env, shared_data


def _sets(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["set_key"]: i for i in items if "set_key" in i}


def _session(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next(i for i in items if "visits" in i)


def run_report(mongo_uri: str, database: str, out: Path, *extra: str) -> str:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "variants-report",
            "--output",
            str(out),
            "-s",
            f"MONGO_DATABASE={database}",
            *extra,
        ],
        cwd=PROJECT_DIR,
        env=crawl_env(mongo_uri),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_demo_pair_and_report(run_spider, demo_url, mongo_uri, tmp_path) -> None:
    result = run_spider(
        "variants",
        args={
            "left": f"{demo_url}/university/en/index.html",
            "right": f"{demo_url}/university/es/index.html",
        },
    )
    sets = _sets(result.items)
    assert sets["~/"]["consistent"]
    assert sets["~/about.html"]["type1"]
    assert [m["key"] for m in sets["~/about.html"]["missing_links"]] == ["~/library.html"]
    assert sets["~/programs/"]["type2"] and not sets["~/programs/"]["type1"]
    assert sets["~/research/labs.html"]["nonstructural"]
    assert "+" in sets["~/research/labs.html"]["diff"]
    bio = sets["~/programs/biology.html"]
    assert bio["missing_counterpart"] and bio["right_url"] is None and bio["right_status"] == 404
    becas = sets["~/news/2026-becas.html"]
    assert becas["missing_counterpart"] and becas["left_url"] is None
    assert (
        sets["~/contact.html"]["doubtful"]
        and "expected es" in sets["~/contact.html"]["doubt_reason"]
    )
    # Translation differences and variant-only blocks are not flagged.
    for key in ("~/campus-life.html", "~/library.html", "~/programs/history.html"):
        assert sets[key]["consistent"], sets[key]["summary"]
    session = _session(result.items)
    assert session["languages"] == ["en", "es"] and session["rule"] == "/en/ <-> /es/"
    assert [v["order"] for v in session["visits"]] == sorted(v["order"] for v in session["visits"])
    assert session["visits"][0]["key"] == "~/"
    assert any("pdf" in p["key"] for p in session["problems"])  # non-HTML recorded, not compared
    assert result.stat("variants/non_html") >= 1

    out = tmp_path / "report.html"
    printed = run_report(mongo_uri, result.extra["database"], out)
    assert "inconsistent" in printed
    html = out.read_text()
    assert "Missing counterpart" in html and "university/es/about.html" in html
    data = json.loads(out.with_suffix(".json").read_text())
    assert data["counts"]["sets"] == len(sets)
    assert data["counts"]["doubtful"] == 1
    # The demo web is on loopback and gone after `make demo`: where the pages came from,
    # URLs as text (no link that would look broken); linked when the setting says so.
    host = demo_url.split("://", 1)[1]
    assert f"Pages crawled from <b>{host}</b>" in html and "URLs are shown as text" in html
    assert 'href="http' not in html
    run_report(mongo_uri, result.extra["database"], out, "-s", "VARIANTS_REPORT_LINKS=True")
    linked = out.read_text()
    assert f'href="{demo_url}/university/es/about.html"' in linked
    assert "Links open the pages there" in linked


# -- tracking and bad input on a small pair written by the test ---------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files plus a redirect loop at */loop.html."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.endswith("/es/loop.html"):
            self.send_response(302)
            self.send_header("Location", self.path)
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def tricky_pair(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "site"
    write = _writer(root)
    nav_en = '<p><a href="a.html">A</a> <a href="b.html">B</a> <a href="loop.html">L</a> <a href="gone.html">G</a> <a href="huge.html">H</a> <a href="data.json">D</a> <a href="evil.html">E</a></p>'
    nav_es = nav_en.replace(">A<", ">A es<")
    text_en = (
        "<p>"
        + "The faculty publishes its course catalogue every spring for all students. " * 3
        + "</p>"
    )
    text_es = (
        "<p>"
        + "La facultad publica su catálogo de cursos cada primavera para todo el alumnado. " * 3
        + "</p>"
    )
    write("en/index.html", "en", nav_en + text_en)
    write("es/index.html", "es", nav_es + text_es)
    write("en/a.html", "en", text_en + '<ul><li><a href="b.html">B</a></li></ul>')
    write("es/a.html", "es", text_es + '<ul><li><a href="b.html">B</a></li></ul>')
    write("en/b.html", "en", text_en + '<p><a href="a.html">A</a></p>')
    write("es/b.html", "es", text_es + '<p><a href="index.html">I</a></p>')  # retargeted
    write("en/loop.html", "en", text_en)
    write("en/gone.html", "en", text_en)
    big = "<div><p>row</p></div>" * 300_000  # ~6.6 MB, over VARIANTS_MAX_PAGE_BYTES
    write("en/huge.html", "en", text_en + big)
    write("es/huge.html", "es", text_es + big)
    for lang in ("en", "es"):
        (root / lang / "data.json").write_text('{"a": 1}')
    # Crawled content that must stay text in the report.
    write("en/evil.html", "en", text_en + "<p><a href='a.html'>A</a></p>")
    write(
        "es/evil.html",
        "es",
        text_es + "<p><a href='a.html'>A</a> <a href='x.html?q=\"><script>alert(1)</script>' "
        "title='\" onmouseover=\"alert(2)'>&lt;script&gt;alert(3)&lt;/script&gt;</a></p>"
        "<script>alert(4)</script>",
    )
    handler = functools.partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def _writer(root: Path):
    def write(rel: str, lang: str, body: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'<!DOCTYPE html><html lang="{lang}"><head><title>{rel}</title></head><body>{body}</body></html>',
            encoding="utf-8",
        )
        # Make the file visibly newer than any earlier copy (If-Modified-Since has 1 s granularity).
        stamp = time.time() + (5 if path.exists() else 0)
        os.utime(path, (stamp, stamp))

    return write


def test_tracking_and_bad_input(run_spider, tricky_pair, mongo_uri, tmp_path) -> None:
    base, root = tricky_pair
    args = {"left": f"{base}/en/index.html", "right": f"{base}/es/index.html"}
    first = run_spider("variants", args=args)
    sets = _sets(first.items)
    assert first.returncode == 0
    assert sets["~/b.html"]["type1"] and sets["~/b.html"]["retargeted_links"]
    assert sets["~/a.html"]["consistent"]
    loop = sets["~/loop.html"]
    assert loop["missing_counterpart"] and loop["right_url"] is None
    assert "redirect" in " ".join(loop["summary"]).lower()
    assert sets["~/gone.html"]["right_status"] == 404
    huge = sets["~/huge.html"]
    assert huge["left_url"] and huge["right_url"] and not huge["missing_counterpart"]
    assert first.stat("variants/truncated") == 2
    assert first.stat("variants/non_html") >= 2  # data.json in both variants
    assert first.stat("variants/fetch_error") >= 1
    assert sets["~/evil.html"]["type1"]
    report = tmp_path / "evil-report.html"
    run_report(mongo_uri, first.extra["database"], report)
    html = report.read_text()
    assert "<script>alert" not in html and 'onmouseover="alert' not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html  # the link text, as text
    assert html.count("<script>") == 1  # the report's own filter script

    # Nothing changed: every page answers 304, every set keeps its result.
    second = run_spider("variants", args={**args, "track": "1"})
    assert second.stat("variants/pages_fetched") == 0
    assert second.stat("variants/not_modified") == first.stat("variants/pages_fetched")
    session = _session(second.items)
    assert session["previous_session"] == _session(first.items)["session"]
    assert session["new"] == [] and session["resolved"] == []
    assert f"{base}/en/b.html" in session["unchanged"]

    # Fix b.html in es, break a.html: one resolved, one new; only those re-compared.
    write = _writer(root)
    text_es = (
        "<p>"
        + "La facultad publica su catálogo de cursos cada primavera para todo el alumnado. " * 3
        + "</p>"
    )
    write("es/b.html", "es", text_es + '<p><a href="a.html">A</a></p>')
    write("es/a.html", "es", text_es + '<ol><li><a href="b.html">B</a></li></ol>')
    third = run_spider("variants", args={**args, "track": "1"})
    session = _session(third.items)
    assert session["resolved"] == [f"{base}/en/b.html"]
    assert session["new"] == [f"{base}/en/a.html"]
    assert third.stat("variants/pages_fetched") == 2
    recompared = {k for k, v in _sets(third.items).items() if v["recompared"]}
    assert {"~/a.html", "~/b.html"} <= recompared
    assert "~/" not in recompared
    # en/a.html answered 304: its freshness signals come from the stored page state.
    assert _sets(third.items)["~/a.html"]["outdated"]["score"] is not None

    # Drop the link to gone.html (404 in es) from both home pages: that set is gone, resolved.
    home = (root / "en/index.html").read_text().replace('<a href="gone.html">G</a>', "")
    write("en/index.html", "en", home.split("<body>", 1)[1].split("</body>", 1)[0])
    home = (root / "es/index.html").read_text().replace('<a href="gone.html">G</a>', "")
    write("es/index.html", "es", home.split("<body>", 1)[1].split("</body>", 1)[0])
    fourth = run_spider("variants", args={**args, "track": "1"})
    session = _session(fourth.items)
    assert f"{base}/en/gone.html" in session["resolved"]
    assert "~/gone.html" not in _sets(fourth.items)


# -- evaluation on the labelled mutation pair --------------------------------------------


def test_mutated_pair_targets(run_spider, serve_folder) -> None:
    from eduscrape.variants.evaluation import page_of, score_mutated

    folder = shared_data("variants", "dev", "apache-en-mutated")
    labels = json.loads((folder / "labels.json").read_text())
    base = serve_folder(folder)
    result = run_spider(
        "variants", args={"left": f"{base}/en/index.html", "right": f"{base}/en-mut/index.html"}
    )
    by_page = {}
    for item in _sets(result.items).values():
        by_page[page_of(item["left_url"] or item["right_url"])] = item
    score = score_mutated(labels, by_page)
    kinds = score["kinds"]
    for kind in ("remove_anchor", "add_anchor", "retarget_anchor", "add_page", "remove_page"):
        assert kinds[kind]["rate"] == 1.0, (kind, kinds[kind])
    for kind in ("reorder_anchors", "format_change"):
        assert kinds[kind]["rate"] >= 0.95, (kind, kinds[kind])
    for kind in ("text_only", "ver_only"):
        assert kinds[kind]["rate"] == 1.0, (kind, kinds[kind])  # not flagged
    assert score["false_flags"] == []


def test_position_pairing_without_url_rule(run_spider, serve_folder, tmp_path) -> None:
    """Unrelated URL schemes: the i-th in-site link of each variant is paired (the paper's way)."""
    root = tmp_path / "pos"
    write = _writer(root)
    en = "<p>" + "Welcome to the department of physics and its research groups. " * 3 + "</p>"
    es = (
        "<p>"
        + "Bienvenida al departamento de física y a sus grupos de investigación. " * 3
        + "</p>"
    )
    write(
        "english/home.html",
        "en",
        en + '<ul><li><a href="one.html">1</a></li><li><a href="two.html">2</a></li></ul>',
    )
    write(
        "espanol/inicio.html",
        "es",
        es + '<ul><li><a href="uno.html">1</a></li><li><a href="dos.html">2</a></li></ul>',
    )
    write("english/one.html", "en", en + "<h2>Optics</h2>")
    write("espanol/uno.html", "es", es + "<h2>Óptica</h2>")
    shared = "<div><h3>a</h3><h3>b</h3><h3>c</h3></div>"
    write("english/two.html", "en", en + f"<h2>Lasers</h2>{shared}<ol><li>x</li></ol>")
    write(
        "espanol/dos.html", "es", es + f"<h2>Láseres</h2>{shared}<table><tr><td>x</td></tr></table>"
    )
    base = serve_folder(root)
    result = run_spider(
        "variants",
        args={"left": f"{base}/english/home.html", "right": f"{base}/espanol/inicio.html"},
    )
    sets = _sets(result.items)
    one = sets["~/one.html"]
    assert one["pairing"] == "position" and one["right_url"].endswith("/espanol/uno.html")
    assert one["consistent"]
    two = sets["~/two.html"]
    assert two["right_url"].endswith("/espanol/dos.html") and two["nonstructural"]
    # The root pair's links are compared through the position pairing too.
    assert sets["~/home.html"]["consistent"], sets["~/home.html"]["summary"]
    assert result.stat("variants/position_pairs") == 2


# -- site conventions and outdated translations, learned by the crawl ----------------------

EN_ACCOUNT = "https://twitter.com/RiverbendU"
ES_ACCOUNT = "https://twitter.com/RiverbendUniversidad"
NOTICE = "Esta traducción puede estar desactualizada; consulte el original."


@pytest.fixture
def localized_pair(tmp_path: Path, serve_folder) -> str:
    """en/es pair: every Spanish page links the Spanish account where the English page
    links the English one, except ``keeps.html`` (old target kept); ``notice.html``'s
    translation says it may be outdated."""
    root = tmp_path / "localized"
    write = _writer(root)
    en = "<p>" + "The faculty publishes its course catalogue every spring for all. " * 3 + "</p>"
    es = (
        "<p>" + "La facultad publica su catálogo de cursos cada primavera para todos. " * 3 + "</p>"
    )
    names = ["a.html", "b.html", "c.html", "d.html", "keeps.html", "notice.html"]
    nav = "<ul>" + "".join(f'<li><a href="{n}">{n}</a></li>' for n in names) + "</ul>"

    def follow(account: str) -> str:
        return f'<p><a href="{account}">Twitter</a></p>'

    write("en/index.html", "en", en + nav + follow(EN_ACCOUNT))
    write("es/index.html", "es", es + nav + follow(ES_ACCOUNT))
    for name in names:
        write(f"en/{name}", "en", en + follow(EN_ACCOUNT))
        es_account = EN_ACCOUNT if name == "keeps.html" else ES_ACCOUNT
        notice = f"<p><span>{NOTICE}</span></p>" if name == "notice.html" else ""
        write(f"es/{name}", "es", es + notice + follow(es_account))
    return serve_folder(root)


def test_site_convention_reported_once_and_broken_page_flagged(run_spider, localized_pair) -> None:
    base = localized_pair
    result = run_spider(
        "variants", args={"left": f"{base}/en/index.html", "right": f"{base}/es/index.html"}
    )
    sets = _sets(result.items)
    assert len(sets) == 7
    conventions = _session(result.items)["conventions"]
    assert len(conventions) == 1
    convention = conventions[0]
    assert convention["kind"] == "retarget" and convention["variant"] == 1
    assert "RiverbendU" in convention["left"] and "RiverbendUniversidad" in convention["right"]
    assert convention["pages"] == 6 and convention["kept"] == 1
    # Only the page that keeps the old account is an inconsistency.
    flagged = sorted(key for key, s in sets.items() if not s["consistent"])
    assert flagged == ["~/keeps.html"]
    keeps = sets["~/keeps.html"]
    assert keeps["type1"] and any(c.startswith("broken:") for c in keeps["conventions"])
    assert any("convention" in m for m in keeps["missing_links"])
    # The others are explained by the convention, and say so.
    assert sets["~/a.html"]["conventions"] and not sets["~/a.html"]["retargeted_links"]
    assert _session(result.items)["counts"].get("inconsistent") == 1


def test_outdated_notice_scores_high_in_crawl(run_spider, localized_pair) -> None:
    base = localized_pair
    result = run_spider(
        "variants", args={"left": f"{base}/en/index.html", "right": f"{base}/es/index.html"}
    )
    sets = _sets(result.items)
    notice = sets["~/notice.html"]["outdated"]
    assert notice["score"] >= 0.9 and "notice" in notice["signals"]
    assert NOTICE in " ".join(notice["reasons"])
    # The up-to-date translations stay low.
    for key in ("~/a.html", "~/b.html", "~/c.html", "~/d.html"):
        assert sets[key]["outdated"]["score"] < 0.5, sets[key]["outdated"]
