"""Self-contained HTML (and JSON) report of a ``variants`` session.

Everything that came from a crawled page (URLs, link texts, diffs, reasons) is
escaped; links to the pages are emitted only for http(s) URLs, and only when the
site is live: by default unless the pages were crawled from this machine (loopback,
like ``make demo``'s demo web, stopped once the demo ends), where URLs are shown as
text with a note saying where the pages came from.
"""

from __future__ import annotations

import html
import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

from eduscrape.variants.kinds import KINDS, kinds_of

KIND_LABELS = {
    "type1": "Type 1 (links added/removed/retargeted)",
    "type2": "Type 2 (links reordered)",
    "nonstructural": "Non-structural (markup differs)",
    "missing_counterpart": "Missing counterpart",
    "doubtful": "Doubtful pair",
    "consistent": "Consistent",
}


def build_report(session: dict[str, Any], sets: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON form: session summary, counts, and every set's result."""
    counts = {k: sum(1 for s in sets if s.get(k)) for k in KINDS}
    counts["sets"] = len(sets)
    counts["consistent"] = sum(1 for s in sets if s.get("consistent"))
    counts["inconsistent"] = counts["sets"] - counts["consistent"]
    for status in ("new", "resolved", "unchanged"):
        n = sum(1 for s in sets if s.get("tracking") == status)
        if n or session.get("tracking"):
            counts[status] = n
    keep = (
        "order",
        "set_key",
        "variant",
        "left_url",
        "right_url",
        "consistent",
        *KINDS,
        "doubt_reason",
        "similarity",
        "left_anchors",
        "right_anchors",
        "missing_links",
        "extra_links",
        "retargeted_links",
        "reordered_links",
        "summary",
        "diff",
        "left_status",
        "right_status",
        "pairing",
        "tracking",
        "recompared",
        "conventions",
        "outdated",
        "word_order",
    )
    return {
        "session": session.get("session"),
        "pair_id": session.get("pair_id"),
        "roots": session.get("roots", []),
        "languages": session.get("languages", []),
        "rule": session.get("rule"),
        "started_at": session.get("started_at"),
        "finished_at": session.get("finished_at"),
        "duration_s": session.get("duration_s"),
        "tracking": session.get("tracking", False),
        "previous_session": session.get("previous_session"),
        "criteria": session.get("criteria", {}),
        "counts": counts,
        "problems": session.get("problems", []),
        # Learned from the whole pair (eduscrape.variants.conventions): reported once.
        "conventions": session.get("conventions") or [],
        "equivalences": session.get("equivalences") or [],
        "link_places": session.get("link_places") or [],
        "sets": [{k: s.get(k) for k in keep} for s in sets],
    }


def render_json(report: dict[str, Any]) -> str:
    """The report as indented JSON."""
    return json.dumps(report, indent=2, ensure_ascii=False, default=str)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _is_local(url: Any) -> bool:
    """True when *url* is on this machine (loopback), so it is gone once its server stops."""
    try:
        host = (urlsplit(str(url)).hostname or "").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def links_are_live(report: dict[str, Any]) -> bool:
    """The default of ``VARIANTS_REPORT_LINKS``: link the pages unless crawled from loopback."""
    roots = report.get("roots") or []
    return not roots or not all(_is_local(url) for url in roots)


def _origin_note(report: dict[str, Any], live: bool) -> str:
    hosts = sorted({urlsplit(str(u)).netloc for u in report.get("roots") or []} - {""})
    where = ", ".join(hosts) or "(unknown)"
    text = (
        f"Pages crawled from <b>{_e(where)}</b> between {_e(report.get('started_at'))} "
        f"and {_e(report.get('finished_at'))}."
    )
    if live:
        return f'<p class="origin">{text} Links open the pages there, as they are now.</p>'
    return (
        f'<p class="origin">{text} URLs are shown as text, not links: the pages were '
        "crawled from a server on the crawling machine (loopback, e.g. the demo web of "
        "<code>make demo</code>), which may no longer run. To link them while it runs: "
        "<code>scrapy variants-report -s VARIANTS_REPORT_LINKS=True</code>.</p>"
    )


def _link(url: str | None, live: bool = True) -> str:
    if not url:
        return '<span class="none">(none)</span>'
    scheme = urlsplit(url).scheme.lower() if isinstance(url, str) else ""
    if live and scheme in ("http", "https"):
        return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(url)}</a>'
    return f"<code>{_e(url)}</code>"


def _side_by_side(diff: str) -> str:
    """The unified tag diff as a two-column table (left = reference)."""
    rows: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def flush() -> None:
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            rows.append(f'<tr><td class="del">{_e(a)}</td><td class="add">{_e(b)}</td></tr>')
        left.clear()
        right.clear()

    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            flush()
            rows.append(f'<tr><td colspan="2" class="hunk">{_e(line)}</td></tr>')
        elif line.startswith("-"):
            left.append(line[1:])
        elif line.startswith("+"):
            right.append(line[1:])
        else:
            flush()
            text = line[1:] if line.startswith(" ") else line
            rows.append(f"<tr><td>{_e(text)}</td><td>{_e(text)}</td></tr>")
    flush()
    return (
        '<table class="diff"><tr><th>reference</th><th>variant</th></tr>'
        + "".join(rows)
        + "</table>"
    )


def _links_table(title: str, links: list[dict[str, Any]], cols: list[tuple[str, str]]) -> str:
    if not links:
        return ""
    head = "".join(f"<th>{_e(label)}</th>" for _, label in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(link.get(k))}</td>" for k, _ in cols) + "</tr>"
        for link in links[:200]
    )
    return f"<h4>{_e(title)}</h4><table class='links'><tr>{head}</tr>{body}</table>"


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:2px 6px;
vertical-align:top;text-align:left} .summary td{min-width:4em} .set{border:1px solid #bbb;
margin:.8em 0;padding:.5em .8em;border-radius:4px} .set.ok{border-color:#9c9}
.badge{display:inline-block;padding:0 .4em;margin-right:.3em;border-radius:3px;background:#eee;
font-size:.85em} .b-type1{background:#f8c9c9} .b-type2{background:#fbe3b5}
.b-nonstructural{background:#d7e3fb} .b-missing_counterpart{background:#f3b0b0}
.b-doubtful{background:#ddd} .b-new{background:#ffd54f} .b-resolved{background:#b9f6ca}
table.diff{font:12px monospace;width:100%} td.del{background:#fde8e8} td.add{background:#e6f6e6}
td.hunk{color:#777;background:#f6f6f6} .none{color:#999} .filters label{margin-right:1em}
.pages div{overflow-wrap:anywhere}
"""

_JS = """
function applyFilters(){
  var boxes=document.querySelectorAll('.filters input');var on={};
  boxes.forEach(function(b){on[b.value]=b.checked;});
  document.querySelectorAll('.set').forEach(function(s){
    var kinds=s.getAttribute('data-kinds').split(' ');
    var show=kinds.some(function(k){return on[k];});
    s.style.display=show?'':'none';
  });
}
document.querySelectorAll('.filters input').forEach(function(b){b.addEventListener('change',applyFilters);});
applyFilters();
function applyLearned(){
  var on={};document.querySelectorAll('.learned-filters input').forEach(function(b){on[b.value]=b.checked;});
  document.querySelectorAll('tr.learned').forEach(function(r){
    r.style.display=on[r.getAttribute('data-kind')]?'':'none';});
  document.querySelectorAll('.set').forEach(function(s){
    if(s.getAttribute('data-convention')==='1'&&!on['convention-pages'])s.style.display='none';});
}
document.querySelectorAll('.learned-filters input').forEach(function(b){b.addEventListener('change',function(){applyFilters();applyLearned();});});
applyLearned();
"""


def _learned_section(report: dict[str, Any]) -> str:
    """Conventions and link equivalences learned from the pair, each kind filterable."""
    conventions = report.get("conventions") or []
    equivalences = report.get("equivalences") or []
    places = report.get("link_places") or []
    if not conventions and not equivalences and not places:
        return ""
    rows = []
    for lp in places:
        rows.append(
            f'<tr class="learned" data-kind="link-places"><td>link places</td>'
            f"<td></td><td>tolerance {_e(lp.get('tolerance'))}</td><td>{_e(lp.get('moves'))} links</td>"
            f"<td></td><td>{_e(lp.get('description'))}</td></tr>"
        )
    for c in conventions:
        rows.append(
            f'<tr class="learned" data-kind="convention-{_e(c.get("kind"))}"><td>convention: {_e(c.get("kind"))}</td>'
            f"<td>{_e(c.get('left'))}</td><td>{_e(c.get('right'))}</td><td>{_e(c.get('pages'))}</td>"
            f"<td>{_e(c.get('kept'))}</td><td>{_e(c.get('description'))}</td></tr>"
        )
    for q in equivalences[:500]:
        rows.append(
            f'<tr class="learned" data-kind="equivalence"><td>same target</td>'
            f"<td>{_e(q.get('left_url'))}</td><td>{_e(q.get('right_url'))}</td><td>{_e(q.get('pages'))}</td>"
            f"<td></td><td>key {_e(q.get('key'))}</td></tr>"
        )
    kinds = [
        ("convention-retarget", "conventions: retargeted links"),
        ("convention-added", "conventions: links only in the variant"),
        ("convention-removed", "conventions: links only in the reference"),
        ("equivalence", "equivalent URLs (language-aware keys)"),
        ("link-places", "how far the pair's translations move links in a block"),
        ("convention-pages", "sets whose differences a convention explains"),
    ]
    boxes = "".join(
        f'<label><input type="checkbox" value="{k}" checked> {_e(label)}</label>'
        for k, label in kinds
    )
    return (
        "<h2>Learned from the pair</h2>"
        "<p>Differences a translator is supposed to make: not counted as inconsistencies. "
        "A convention broken on a page (the old target kept) is.</p>"
        f"<div class='filters learned-filters'>{boxes}</div>"
        "<table class='links'><tr><th>what</th><th>reference</th><th>variant</th><th>pages</th>"
        "<th>kept old target</th><th>note</th></tr>" + "".join(rows) + "</table>"
    )


def render_html(report: dict[str, Any], links: bool | None = None) -> str:
    """The HTML report; *links*: link the pages (None: :func:`links_are_live`)."""
    live = links_are_live(report) if links is None else links
    counts = report["counts"]
    roots = report.get("roots") or []
    langs = report.get("languages") or []
    root_rows = "".join(
        f"<tr><td>{'reference' if i == 0 else f'variant {i}'}</td><td>{_e(langs[i] if i < len(langs) else '')}</td>"
        f"<td>{_link(url, live)}</td></tr>"
        for i, url in enumerate(roots)
    )
    count_rows = "".join(
        f"<tr><td>{_e(KIND_LABELS.get(k, k))}</td><td>{_e(v)}</td></tr>" for k, v in counts.items()
    )
    present = ["consistent", *KINDS]
    filters = "".join(
        f'<label><input type="checkbox" value="{k}" {"" if k == "consistent" else "checked"}> '
        f"{_e(KIND_LABELS[k])} ({counts.get(k, 0)})</label>"
        for k in present
    )
    learned = _learned_section(report)
    sections = []
    for s in report["sets"]:
        kinds = kinds_of(s) or ["consistent"]
        badges = "".join(f'<span class="badge b-{k}">{_e(KIND_LABELS[k])}</span>' for k in kinds)
        if s.get("tracking") in ("new", "resolved", "unchanged"):
            badges += f'<span class="badge b-{_e(s["tracking"])}">{_e(s["tracking"])}</span>'
        words = "".join(f"<li>{_e(w)}</li>" for w in s.get("summary") or [])
        convention = "1" if s.get("conventions") else "0"
        if s.get("outdated") and (s["outdated"] or {}).get("score") is not None:
            badges += (
                f'<span class="badge">outdated likelihood {_e(s["outdated"].get("score"))}</span>'
            )
        parts = [
            f'<div class="set{" ok" if s.get("consistent") else ""}" data-kinds="{" ".join(kinds)}" '
            f'data-convention="{convention}">',
            f"<div>#{_e(s.get('order'))} {badges}</div>",
            '<div class="pages">',
            f"<div>Reference: {_link(s.get('left_url'), live)} <small>HTTP {_e(s.get('left_status'))}</small></div>",
            f"<div>Variant: {_link(s.get('right_url'), live)} <small>HTTP {_e(s.get('right_status'))}</small></div>",
            "</div>",
            f"<ul>{words}</ul>",
        ]
        if not s.get("consistent"):
            parts.append(
                _links_table(
                    "Missing links",
                    s.get("missing_links") or [],
                    [("key", "target"), ("text", "link text")],
                )
                + _links_table(
                    "Extra links",
                    s.get("extra_links") or [],
                    [("key", "target"), ("text", "link text")],
                )
                + _links_table(
                    "Retargeted links",
                    s.get("retargeted_links") or [],
                    [("text", "link text"), ("from", "reference target"), ("to", "variant target")],
                )
            )
            if s.get("diff"):
                parts.append(
                    f"<details><summary>Effective tags, side by side</summary>{_side_by_side(s['diff'])}</details>"
                )
        parts.append("</div>")
        sections.append("".join(parts))
    problems = "".join(
        f"<li>{_e(p.get('problem'))}: {' | '.join(_e(u) for u in p.get('urls', []))}</li>"
        for p in report.get("problems") or []
    )
    title = f"Variant consistency report — session {report.get('session')}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f"<p>Started {_e(report.get('started_at'))}, finished {_e(report.get('finished_at'))} "
        f"({_e(report.get('duration_s'))} s). Pairing rule: {_e(report.get('rule'))}."
        + (
            f" Tracking since session {_e(report.get('previous_session'))}."
            if report.get("tracking")
            else ""
        )
        + "</p>"
        + _origin_note(report, live)
        + f"<table>{root_rows}</table><h2>Summary</h2><table class='summary'>{count_rows}</table>"
        + (f"<h2>Problems</h2><ul>{problems}</ul>" if problems else "")
        + learned
        + f"<h2>Sets</h2><div class='filters'>{filters}</div>"
        + "".join(sections)
        + f"<script>{_JS}</script></body></html>\n"
    )
