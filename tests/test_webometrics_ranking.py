"""Methods as data, imported tables, normalisation and ranking; the CLI contract."""

from __future__ import annotations

import csv
import json
from fractions import Fraction
from pathlib import Path

import pytest
from _support import PROJECT_DIR, scrapy_command

from eduscrape.webometrics import WebometricsError, build, load_method, parse_method, parse_table
from eduscrape.webometrics.methods import presets, resolve
from eduscrape.webometrics.normalisation import competition_ranks, normalise

PUBLISHED = PROJECT_DIR / "tests" / "data" / "webometrics" / "published-2013.csv"
# The 2013 method, spelled out here independently of the bundled preset.
METHOD_2013 = {
    "size": (10, ["pages_google", "pages_yandex"]),
    "visibility": (25, ["links_google", "links_majestic"]),
    "altmetrics": (25, ["altmetrics_academia", "altmetrics_mendeley", "altmetrics_wikipedia"]),
    "rich_files": (10, ["pdf", "doc", "ppt"]),
    "scholar": (30, ["scholar"]),
}


def expected_2013(path: Path) -> list[tuple[str, int, Fraction]]:
    """(site, rank, score) by the method's definition, in exact arithmetic, best first."""
    rows = list(csv.DictReader(path.open()))
    top = {c: max(int(r[c]) for r in rows) for _, cols in METHOD_2013.values() for c in cols}
    scores = {}
    for r in rows:
        total = Fraction(0)
        for weight, cols in METHOD_2013.values():
            total += weight * sum(
                (Fraction(int(r[c]), top[c]) if top[c] else Fraction(0)) for c in cols
            )
        scores[r["site"]] = total / sum(w for w, _ in METHOD_2013.values())
    order = sorted(scores, key=lambda s: -scores[s])
    return [(s, 1 + sum(scores[o] > scores[s] for o in scores), scores[s]) for s in order]


def test_published_table_reproduced_bit_for_bit_through_the_cli(tmp_path) -> None:
    expected = expected_2013(PUBLISHED)
    # The fixture's own published columns agree with the definition (rank, score to 1e-6).
    published = {r["site"]: r for r in csv.DictReader(PUBLISHED.open())}
    for site, rank, score in expected:
        assert int(published[site]["rank"]) == rank
        assert abs(float(published[site]["score"]) - score) < 1e-6
    out = tmp_path / "out.json"
    done = scrapy_command(
        "webometrics", "--indicators", str(PUBLISHED), "--method", "webometrics-2013",
        "--json", str(out), "--html", str(tmp_path / "out.html"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sites = json.loads(out.read_text())["sites"]
    assert [s["site"] for s in sites] == [s for s, _, _ in expected]
    assert [s["rank"] for s in sites] == [r for _, r, _ in expected]
    for got, (_, _, score) in zip(sites, expected, strict=True):
        assert abs(got["score"] - float(score)) < 1e-9
    # The two identical rows share rank 12; the next one is 14.
    assert [s["rank"] for s in sites][-3:] == [12, 12, 14]
    assert set(sites[0]["indicators"]) == set(METHOD_2013)
    assert sites[0]["sources"]["pages_google"] == int(published[sites[0]["site"]]["pages_google"])
    assert "rank" not in sites[0]["sources"] and "score" not in sites[0]["sources"]
    assert "<svg" in (tmp_path / "out.html").read_text()


def test_a_method_file_gives_the_same_ranking_as_the_preset(tmp_path) -> None:
    method = tmp_path / "m.yaml"
    method.write_text(
        "normalize: max\nindicators:\n"
        + "".join(f"  {n}: {{weight: {w}, sources: [{', '.join(c)}]}}\n" for n, (w, c) in METHOD_2013.items())
    )  # fmt: skip
    table = parse_table(PUBLISHED.read_text())
    by_file = build(load_method(str(method)), table).ranking.sites
    by_preset = build(load_method("webometrics-2013"), table).ranking.sites
    assert [(s.site, s.rank) for s in by_file] == [(s.site, s.rank) for s in by_preset]
    assert all(abs(a.score - b.score) < 1e-12 for a, b in zip(by_file, by_preset, strict=True))


def test_shuffled_rows_rank_the_same() -> None:
    rows = PUBLISHED.read_text().splitlines()
    shuffled = "\n".join([rows[0], *reversed(rows[1:])])
    a = build(load_method("webometrics-2013"), parse_table(PUBLISHED.read_text())).ranking
    b = build(load_method("webometrics-2013"), parse_table(shuffled)).ranking
    assert {s.site: s.rank for s in a.sites} == {s.site: s.rank for s in b.sites}


def test_normalisations_and_competition_ranks() -> None:
    assert normalise({"a": 4, "b": 2, "c": 0}, "max") == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert normalise({"a": 0, "b": 0}, "max") == {"a": 0.0, "b": 0.0}  # max 0 -> 0, no NaN
    assert normalise({"a": 9, "b": 0}, "log") == {"a": 1.0, "b": 0.0}
    assert normalise({"a": 5, "b": 5, "c": 1, "d": 0}, "rank") == {
        "a": 1.0, "b": 1.0, "c": 0.5, "d": 0.25,
    }  # fmt: skip
    assert competition_ranks({"a": 3, "b": 2, "c": 2, "d": 1}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    # Equal up to float noise is equal.
    assert competition_ranks({"a": 0.1 + 0.2, "b": 0.3}) == {"a": 1, "b": 1}


def test_patterns_sources_and_result_columns() -> None:
    table = parse_table("site;Pages_Google;pages_rank;PDF;score\na.edu;1 200;3;0,5;9\n")
    method = parse_method(
        "indicators:\n  size: {weight: 1, sources: ['pages*']}\n  rich: {weight: 1, sources: [pdf]}\n"
    )
    resolved = resolve(method, table.columns, [])
    assert resolved.sources == {"size": ["Pages_Google"], "rich": ["PDF"]}
    assert table.numeric("Pages_Google") == {"a.edu": 1200.0}
    assert table.numeric("PDF") == {"a.edu": 0.5}  # decimal comma in a ;-separated file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("normalize: max\n", "'indicators' must be a non-empty mapping"),
        ("indicators:\n  size: {weight: 1, sources: [nope]}\n", "no column 'nope'"),
        ("indicators:\n  size: {weight: 1, sources: [crawl.nope]}\n", "unknown crawl source"),
        ("indicators:\n  size: {weight: -1, sources: [a]}\n", "'weight' must be a number"),
        ("indicators:\n  size: {weight: 0, sources: [a]}\n", "weights sum to 0"),
        ("normalize: zscore\nindicators:\n  s: {weight: 1, sources: [a]}\n", "unknown normalize"),
        ("indicators:\n  size: {weight: 1, source: [a]}\n", "unknown key(s) source"),
        ("indicators:\n  size: {weight: 1, sources: ['x*']}\n", "no column matches x*"),
        (
            "indicators:\n  a: {weight: 1, sources: [a]}\n  b: {weight: 1, sources: ['a*']}\n",
            "source of both",
        ),
    ],
)
def test_bad_methods_are_one_clear_error(text: str, message: str) -> None:
    table = parse_table("site,a,b\nx.edu,1,2\n")
    with pytest.raises(WebometricsError) as info:
        build(parse_method(text), table)
    assert message in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the table is empty"),
        ("site,a\n", "header but no rows"),
        ("name,a\nx,1\n", "no 'site' column"),
        ("site,a\nx,1\nx,2\n", "appears twice"),
        ("site,a\nx,1,2\n", "has 3 cells"),
    ],
)
def test_bad_tables_are_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(WebometricsError) as info:
        parse_table(text)
    assert message in str(info.value)


def test_a_non_numeric_cell_names_its_site_and_column() -> None:
    table = parse_table("site,a\nx.edu,12\ny.edu,n/a\n")
    with pytest.raises(WebometricsError, match=r"column 'a', site 'y\.edu'"):
        build(parse_method("indicators:\n  s: {weight: 1, sources: [a]}\n"), table)


def test_presets_are_bundled_data() -> None:
    assert {"webometrics-2013", "webometrics-current", "crawl"} <= set(presets())
    weights = {n: i.weight for n, i in load_method("webometrics-2013").indicators.items()}
    assert weights == {
        "size": 10, "visibility": 25, "altmetrics": 25, "rich_files": 10, "scholar": 30,
    }  # fmt: skip
    current = load_method("webometrics-current")
    assert {n: i.weight for n, i in current.indicators.items()} == {
        "visibility": 50, "transparency": 10, "excellence": 40,
    }  # fmt: skip
    assert load_method("crawl").needs_crawl and not current.needs_crawl
    assert load_method("webometrics-2013").sha256 != current.sha256


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "no-such-method"], "unknown method 'no-such-method'"),
        (["--method", "{missing}"], "indicator 'size': no column matches"),
    ],
)
def test_cli_errors_are_one_line_and_non_zero(tmp_path, args, message) -> None:
    table = tmp_path / "t.csv"
    table.write_text("site,other\na.edu,1\n")
    args = [a.replace("{missing}", "webometrics-2013") for a in args]
    done = scrapy_command(
        "webometrics", "--indicators", str(table), *args, "--json", str(tmp_path / "o.json")
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert not (tmp_path / "o.json").exists()


def test_cli_empty_table_and_missing_file(tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    for path, message in ((empty, "the table is empty"), (tmp_path / "no.csv", "no such file")):
        done = scrapy_command(
            "webometrics", "--indicators", str(path), "--method", "webometrics-2013",
            "--json", str(tmp_path / "o.json"),
        )  # fmt: skip
        assert done.returncode != 0 and message in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_a_named_column_may_serve_two_indicators_and_weights_may_be_percentages() -> None:
    table = parse_table("site,a,b\nx.edu,1,2\ny.edu,2,1\n")
    method = parse_method(
        "indicators:\n  p: {weight: 40%, sources: [a]}\n  q: {weight: '60', sources: [a, b]}\n"
    )
    x = build(method, table).ranking.by_site()["x.edu"]
    assert x.indicators == {"p": 0.5, "q": 1.5}
    assert x.score == pytest.approx((40 * 0.5 + 60 * 1.5) / 100)


def test_missing_cells_are_an_error_or_counted_zeros() -> None:
    text = "site,a\nx.edu,4\ny.edu,\nz.edu,n/a\n"
    method = parse_method("indicators:\n  s: {weight: 1, sources: [a]}\n")
    with pytest.raises(WebometricsError, match="--missing zero"):
        build(method, parse_table(text))
    result = build(method, parse_table(text, missing="zero"))
    assert [(s.site, s.rank) for s in result.ranking.sites] == [
        ("x.edu", 1), ("y.edu", 2), ("z.edu", 2),
    ]  # fmt: skip
    assert result.warnings == ["column 'a': 2 empty cell(s) read as 0"]


def test_cli_sites_restrict_the_ranked_set_and_the_maxima(tmp_path) -> None:
    out = tmp_path / "o.json"
    done = scrapy_command(
        "webometrics", "--indicators", str(PUBLISHED), "--method", "webometrics-2013",
        "--sites", "ipm.ras.ru,ifp.nsc.ru", "geo.inst-c.org", "--json", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sites = json.loads(out.read_text())["sites"]
    assert {s["site"] for s in sites} == {"ipm.ras.ru", "ifp.nsc.ru", "geo.inst-c.org"}
    # Normalised over the three ranked sites only: someone holds each maximum.
    assert max(s["normalised"]["pages_google"] for s in sites) == 1.0
    bad = scrapy_command(
        "webometrics", "--indicators", str(PUBLISHED), "--sites", "nowhere.edu",
        "--json", str(out),
    )  # fmt: skip
    assert bad.returncode == 2 and "'nowhere.edu' is not among" in bad.stderr


def test_the_2013_preset_finds_columns_named_either_way() -> None:
    table = parse_table(
        "rank,site,google_pages,pages_yandex,majestic_backlinks,altmetrics,pdf,ppt_files,"
        "gs_hits,score\n1,a.edu,10,20,30,40,50,60,70,0.9\n2,b.edu,5,10,15,20,25,30,35,0.5\n"
    )
    resolved = resolve(load_method("webometrics-2013"), table.columns, [])
    assert resolved.sources == {
        "size": ["pages_yandex", "google_pages"],
        "visibility": ["majestic_backlinks"],
        "altmetrics": ["altmetrics"],
        "rich_files": ["pdf", "ppt_files"],
        "scholar": ["gs_hits"],
    }
