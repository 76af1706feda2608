"""The interlinking network between institutions: matrix, co-inlinks, GraphML and Pajek.

Nodes are institutions; a directed edge A -> B carries ``weight`` (distinct pages of A
linking to B), ``links`` (distinct page -> target links) and ``hosts`` (distinct hosts
of A linking). Both files open in Gephi and VOSviewer and parse with networkx.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from eduscrape.webometrics.crawl import CrawlData


def interlinking_matrix(data: CrawlData, names: Sequence[str]) -> dict[str, dict[str, int]]:
    """``matrix[a][b]``: distinct pages of *a* linking to *b* (0 on the diagonal)."""
    return {
        a: {b: len(data.edges[(a, b)].pages) if (a, b) in data.edges else 0 for b in names}
        for a in names
    }


def co_inlinks(data: CrawlData, names: Sequence[str]) -> dict[str, dict[str, int]]:
    """``co[a][b]``: institutions (other than a and b) linking to both a and b."""
    linking = {
        n: {src for src, pages in data.institutions[n].inlinks_from.items() if pages}
        if n in data.institutions
        else set()
        for n in names
    }
    co = {a: dict.fromkeys(names, 0) for a in names}
    for a, b in itertools.combinations(names, 2):
        shared = len((linking[a] & linking[b]) - {a, b})
        co[a][b] = co[b][a] = shared
    return co


def to_graph(
    data: CrawlData, names: Sequence[str], node_attrs: Mapping[str, Mapping[str, Any]] | None = None
) -> nx.DiGraph:
    """The interlinking network of *names* as a directed graph (link counts on edges)."""
    graph: nx.DiGraph[str] = nx.DiGraph(name="interlinking")
    for name in names:
        attrs: dict[str, Any] = {"label": name}
        inst = data.institutions.get(name)
        if inst is not None:
            attrs.update(pages=len(inst.pages), truncated=inst.truncated)
        for key, value in (node_attrs or {}).get(name, {}).items():
            if isinstance(value, (int, float, str, bool)):
                attrs[key] = value
        graph.add_node(name, **attrs)
    for (a, b), edge in sorted(data.edges.items()):
        if a in graph and b in graph:
            graph.add_edge(a, b, weight=len(edge.pages), links=edge.links, hosts=len(edge.hosts))
    return graph


def write_graphml(graph: nx.DiGraph, path: str | Path) -> None:
    """Write *graph* as GraphML."""
    nx.write_graphml(graph, str(path))


def write_pajek(graph: nx.DiGraph, path: str | Path) -> None:
    """Pajek ``.net``: numbered vertices with quoted labels, ``*Arcs`` with weights."""
    index = {name: i for i, name in enumerate(graph.nodes, 1)}
    lines = [f"*Vertices {len(index)}"]
    for name, i in index.items():
        label = str(name).replace('"', "'")
        lines.append(f'{i} "{label}"')
    lines.append("*Arcs")
    for a, b, attrs in graph.edges(data=True):
        lines.append(f"{index[a]} {index[b]} {attrs.get('weight', 1)}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
