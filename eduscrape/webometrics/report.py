"""The HTML report: ranking table, indicator bar charts, network picture, provenance,
recommendations. One self-contained file (inline CSS and SVG, nothing fetched), rendered
by Jinja2 with autoescaping: crawled text (site names, URLs) is always escaped.
"""

from __future__ import annotations

import math
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from eduscrape.webometrics.build import WebometricsResult
from eduscrape.webometrics.network import co_inlinks, interlinking_matrix
from eduscrape.webometrics.recommendations import recommendations

_ENV = Environment(
    loader=PackageLoader("eduscrape.webometrics", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_COLORS = ("#3b82f6", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#14b8a6", "#64748b")


def _bar_charts(result: WebometricsResult) -> list[dict[str, Any]]:
    charts = []
    for i, name in enumerate(result.method.indicators):
        values = [(s.site, s.indicators[name]) for s in result.ranking.sites]
        top = max((v for _, v in values), default=0) or 1
        charts.append(
            {
                "name": name,
                "weight": result.method.indicators[name].weight,
                "color": _COLORS[i % len(_COLORS)],
                "rows": [
                    {"site": site, "value": v, "width": round(360 * v / top, 1)}
                    for site, v in values
                ],
            }
        )
    return charts


def _network(result: WebometricsResult) -> dict[str, Any] | None:
    crawl = result.crawl
    if crawl is None:
        return None
    names = [n for n, inst in crawl.institutions.items() if inst.sites]
    if len(names) < 2:
        return None
    size, radius = 520, 190
    pos = {
        n: (
            size / 2 + radius * math.cos(2 * math.pi * i / len(names) - math.pi / 2),
            size / 2 + radius * math.sin(2 * math.pi * i / len(names) - math.pi / 2),
        )
        for i, n in enumerate(names)
    }
    matrix = interlinking_matrix(crawl, names)
    top = max((v for row in matrix.values() for v in row.values()), default=0) or 1
    edges = []
    for a in names:
        for b in names:
            weight = matrix[a][b]
            if not weight:
                continue
            (x1, y1), (x2, y2) = pos[a], pos[b]
            dx, dy = x2 - x1, y2 - y1
            length = math.hypot(dx, dy) or 1
            # Stop short of the target circle; offset sideways so A->B and B->A both show.
            ox, oy = -dy / length * 5, dx / length * 5
            edges.append(
                {
                    "x1": round(x1 + ox, 1),
                    "y1": round(y1 + oy, 1),
                    "x2": round(x2 - dx / length * 22 + ox, 1),
                    "y2": round(y2 - dy / length * 22 + oy, 1),
                    "width": round(1 + 4 * weight / top, 1),
                    "title": f"{a} → {b}: {weight} linking page(s)",
                }
            )
    pages = {n: len(crawl.institutions[n].pages) for n in names}
    biggest = max(pages.values()) or 1
    nodes = [
        {
            "name": n,
            "x": round(pos[n][0], 1),
            "y": round(pos[n][1], 1),
            "r": round(8 + 12 * math.sqrt(pages[n] / biggest), 1),
            "truncated": crawl.institutions[n].truncated,
        }
        for n in names
    ]
    return {
        "size": size,
        "nodes": nodes,
        "edges": edges,
        "names": names,
        "matrix": matrix,
        "co": co_inlinks(crawl, names),
    }


def to_html(result: WebometricsResult, title: str = "Webometrics") -> str:
    """The ranking as a self-contained HTML report."""
    return _ENV.get_template("report.html.j2").render(
        title=title,
        result=result,
        method=result.method,
        sites=result.ranking.sites,
        indicators=list(result.method.indicators),
        provenance=result.provenance(),
        charts=_bar_charts(result),
        network=_network(result),
        recommendations=recommendations(result),
    )
