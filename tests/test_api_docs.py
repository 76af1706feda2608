"""make docs: the API reference of the Scrapy-free modules, built offline by pdoc."""

from __future__ import annotations

import subprocess
import sys

from _support import PROJECT_DIR


def test_api_reference_documents_the_scrapy_free_modules(tmp_path):
    out = tmp_path / "api"
    proc = subprocess.run(
        [sys.executable, "scripts/api_docs.py", str(out)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    # Every package of the reference, public submodules included, private ones not.
    for module in ("adaptation", "housing", "variants", "mooc", "webometrics", "storage"):
        assert f'href="eduscrape/{module}.html"' in index
    assert 'href="eduscrape/config.html"' in index
    assert 'href="eduscrape/arguments.html"' in index
    assert 'href="eduscrape/housing/extract.html"' in index
    assert 'href="eduscrape/adaptation/repair.html"' in index
    assert "_gated" not in index
    # The pages carry the docstrings.
    extract = (out / "eduscrape" / "housing" / "extract.html").read_text(encoding="utf-8")
    assert 'id="extract_fields"' in extract
    repair = (out / "eduscrape" / "adaptation" / "repair.html").read_text(encoding="utf-8")
    assert 'id="Repairer.repair"' in repair
    assert "Search <code>root</code> for the node most similar" in repair
