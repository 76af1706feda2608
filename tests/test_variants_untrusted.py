"""A malformed link does not lose a variants session (issue 15, case 4), end to end."""

from __future__ import annotations

from pathlib import Path

PAGE = """<html lang="{lang}"><head><title>{title}</title></head><body>
<h1>{title}</h1><p>{text} <a href="http://[bad">{link}</a> <a href="other.html">{other}</a></p>
<p>\udcff</p></body></html>"""


def test_malformed_link_keeps_the_session(run_spider, serve_folder, tmp_path: Path) -> None:
    site = tmp_path / "site"
    for lang, title, text, link, other in (
        ("en", "Home", "Welcome", "broken", "Other"),
        ("es", "Inicio", "Bienvenido", "roto", "Otra"),
    ):
        folder = site / lang
        folder.mkdir(parents=True)
        (folder / "index.html").write_bytes(
            PAGE.format(lang=lang, title=title, text=text, link=link, other=other).encode(
                "utf-8", "surrogateescape"
            )
        )
        (folder / "other.html").write_text(
            f"<html lang='{lang}'><body><p>{other}</p></body></html>"
        )
    base = serve_folder(site)
    result = run_spider(
        "variants",
        args={"left": f"{base}/en/index.html", "right": f"{base}/es/index.html"},
        settings={"ROBOTSTXT_OBEY": False},
    )
    assert result.returncode == 0
    assert "Traceback" not in result.log
    sets = [i for i in result.items if "set_key" in i]
    assert len(sets) >= 2  # both page pairs compared
    assert any("visits" in i for i in result.items)  # the session was recorded
