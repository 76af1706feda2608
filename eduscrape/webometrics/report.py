"""Webometrics report: JSON and a self-contained HTML page with bar charts.

Everything that comes from crawled data (site names) is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from eduscrape.webometrics import SiteIndicators

_BARS = (
    ("size", "HTML pages", "#3b82f6"),
    ("rich_files", "rich files", "#10b981"),
    ("inlink_pages", "inlinking pages", "#f59e0b"),
)


def to_json(ranking: Sequence[SiteIndicators], **meta: Any) -> str:
    return json.dumps(
        {**meta, "sites": [s.as_dict() for s in ranking]}, indent=2, ensure_ascii=False
    )


def _bar_chart(ranking: Sequence[SiteIndicators], attr: str, label: str, color: str) -> str:
    values = [getattr(s, attr) for s in ranking]
    top = max(values, default=0) or 1
    row_h, width, left = 22, 360, 200
    rows = []
    for i, (site, value) in enumerate(zip(ranking, values, strict=True)):
        y = i * row_h
        w = round(width * value / top)
        rows.append(
            f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{html.escape(site.site)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w}" height="16" fill="{color}"></rect>'
            f'<text x="{left + w + 4}" y="{y + 15}">{value}</text>'
        )
    height = row_h * len(values) + 4
    return (
        f"<figure><figcaption>{html.escape(label)}</figcaption>"
        f'<svg role="img" aria-label="{html.escape(label)}" width="{left + width + 60}" height="{height}" '
        f'font-size="12" font-family="sans-serif">{"".join(rows)}</svg></figure>'
    )


def to_html(ranking: Sequence[SiteIndicators], title: str = "Webometrics") -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "rank",
            "site",
            "size",
            "rich files",
            "by type",
            "inlinking pages",
            "inlinking sites",
            "errors",
            "score",
        )
    )
    rows = "".join(
        "<tr>"
        f"<td>{s.rank}</td><td>{html.escape(s.site)}</td><td>{s.size}</td><td>{s.rich_files}</td>"
        f"<td>{html.escape(', '.join(f'{k}: {v}' for k, v in sorted(s.rich_by_type.items())))}</td>"
        f"<td>{s.inlink_pages}</td><td>{s.inlink_sites}</td><td>{s.errors}</td><td>{s.score}</td>"
        "</tr>"
        for s in ranking
    )
    charts = "".join(_bar_chart(ranking, attr, label, color) for attr, label, color in _BARS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}td:nth-child(2){{text-align:left}}
figure{{margin:1.5em 0}}figcaption{{font-weight:bold;margin-bottom:.3em}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>Ranking = weighted mean of rank positions: visibility 50%, size 25%, rich files 25% (lower is better).
Visibility counts links from the other crawled sites.</p>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
{charts}
</body></html>
"""
