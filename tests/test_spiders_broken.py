"""Pages whose selectors find nothing are never silent (real crawls of redesigned pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from _support import PROJECT_DIR

POSTINGS = PROJECT_DIR / "eduscrape" / "demo" / "sites" / "classifieds" / "apa" / "d"


def _pages(tmp_path: Path, redesigned: int, intact: int) -> Path:
    """A url_file of demo postings, the first *redesigned* beyond repair: the posting
    became a script-rendered app shell (nothing of the page model is left to find)."""
    ok = sorted(
        p
        for p in POSTINGS.rglob("*.html")
        # Live postings with text (the demo's empty posting is broken on its own).
        if 'id="postingbody"' in p.read_text()
        and "titletextonly" in p.read_text()
        and p.parent.name != "empty"
    )
    assert len(ok) >= redesigned + intact
    lines = []
    for i, page in enumerate(ok[: redesigned + intact]):
        html = page.read_text()
        if i < redesigned:
            head = html.split("<body", 1)[0]
            html = f'{head}<body><div id="app">Loading...</div><script src="/app.js"></script></body></html>'

        target = tmp_path / f"p{i}.html"
        target.write_text(html)
        lines.append(str(target))
    url_file = tmp_path / "urls.txt"
    url_file.write_text("\n".join(lines))
    return url_file


@pytest.mark.parametrize(("redesigned", "intact", "exit_status"), [(3, 1, 1), (1, 3, 0)])
def test_broken_pages_are_flagged_counted_and_fail_a_mostly_broken_crawl(
    tmp_path: Path, run_spider, redesigned: int, intact: int, exit_status: int
) -> None:
    broken_dir = tmp_path / "broken"
    result = run_spider(
        "ads",
        args={"url_file": str(_pages(tmp_path, redesigned, intact))},
        settings={"WRAPPER_BROKEN_DIR": str(broken_dir)},
        check=False,
    )
    assert result.returncode == exit_status, result.log[-3000:]
    assert result.stat("eduscrape/pages/parsed") == redesigned + intact
    assert result.stat("eduscrape/pages/broken") == redesigned
    assert result.stat("eduscrape/broken/ads/body") == redesigned
    flagged = [i for i in result.items if i["broken"]]
    assert len(flagged) == redesigned
    for item in flagged:
        assert {"title", "body"} <= set(item["broken"])
        # The status is read off the body: "empty" is named as unconfirmed, not stated.
        assert item["status"] == "empty" and "status" in item["broken"]
        assert Path(item["page_path"]).is_file()
    # One WARNING per broken page, naming its URL and fields.
    for i in range(redesigned):
        page = (tmp_path / f"p{i}.html").as_uri()
        assert f"Broken page {page}: " in result.log
    assert result.log.count("Broken page ") == redesigned
    assert all(not i["broken"] for i in result.items if i not in flagged)
    if exit_status:
        last = result.log.strip().splitlines()[-1]
        assert f"{redesigned} of {redesigned + intact} pages broken" in last
