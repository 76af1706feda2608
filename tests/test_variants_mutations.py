"""eduscrape.variants.mutations: labelled cross-language pairs built from a real pair."""

from __future__ import annotations

import os
from pathlib import Path

from eduscrape.variants import Criteria
from eduscrape.variants.conventions import ConventionLearner
from eduscrape.variants.evaluation import compare_trees, page_scores, score_mutated
from eduscrape.variants.mutations import mutate_pair, write_tree

N = 24


def _tree(root: Path, lang: str, word: str) -> None:
    for i in range(N):
        links = " ".join(f"<a href='p{(i + k) % N}.html'>{word}{k}</a>" for k in (1, 2, 3))
        body = (
            f"<div id='page-content'><h1>{word} {i}</h1><p>{links} {word} text that is long enough here to be reworded by a mutation.</p>"
            f"<ul><li><a href='p{(i + 4) % N}.html'>a</a></li><li><a href='p{(i + 5) % N}.html'>b</a></li></ul>"
            f"<ul><li>plain item</li><li>other item</li></ul><p>Some <em>stressed</em> words and more text here.</p>"
            f"<p><a href='http://www.example.org/'>ext</a></p></div><div id='footer'></div>"
        )
        page = root / lang / f"p{i}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            f"<!DOCTYPE html><html lang='{lang}'><body>{body}</body></html>", encoding="utf-8"
        )


def test_mutations_are_labelled_and_found(tmp_path: Path) -> None:
    _tree(tmp_path / "pair", "en", "word")
    _tree(tmp_path / "pair", "fr", "mot")
    pages, labels = mutate_pair(tmp_path / "pair", "en", "fr", seed=1, per_kind=1, localize=True)
    kinds = {m["kind"] for m in labels["mutation_list"]}
    assert {"remove_anchor", "add_anchor", "retarget_anchor", "text_only", "ver_only"} <= kinds
    assert labels["convention"]["from"] == "http://www.example.org/"
    assert "convention_broken" in kinds
    original = {p.name: p.read_bytes() for p in (tmp_path / "pair" / "fr").glob("*.html")}
    for m in labels["mutation_list"]:
        assert m["page"] not in pages or pages[m["page"]] != original.get(m["page"])
    root = tmp_path / "mut"
    root.mkdir()
    os.symlink(tmp_path / "pair" / "en", root / "en")
    write_tree(pages, root / "fr-mut")
    learner = ConventionLearner()
    results = compare_trees(
        root, "en", "fr-mut", Criteria().for_translation(), learner, ["en", "fr"]
    )
    assert [c.right for c in learner.learn()] == ["//social.example/@site_team"]
    score = score_mutated(labels, results)
    for kind in (
        "remove_anchor",
        "add_anchor",
        "retarget_anchor",
        "convention_broken",
        "text_only",
        "ver_only",
    ):
        assert score["kinds"][kind]["found"] == score["kinds"][kind]["n"], kind
    assert page_scores(labels, results)["fp"] == 0


def test_mutations_never_edit_text_inside_scripts(tmp_path: Path) -> None:
    # Pages whose only long text outside a script is one paragraph: a link "added"
    # inside the script's string (the Apache manual's comments widget) is no link.
    script = (
        '<script>d.write(\'<div id="c">Comments are disabled for this page at the moment '
        "and will come back later.<\\/div>');</script>"
    )
    for lang in ("en", "fr"):
        for i in range(40):
            body = (
                f"<div id='page-content'>{script}<p>Plain words long enough for a mutation "
                f"to pick them {i}.</p><p><a href='p{(i + 1) % 40}.html'>next</a></p></div>"
            )
            page = tmp_path / lang / f"p{i}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"<html lang='{lang}'><body>{body}</body></html>", encoding="utf-8")
    for seed in range(6):
        pages, labels = mutate_pair(tmp_path, "en", "fr", seed=seed, per_kind=3)
        edited = {m["page"] for m in labels["mutation_list"]} & set(pages)
        assert edited
        for rel in edited:
            assert script.encode() in pages[rel]
