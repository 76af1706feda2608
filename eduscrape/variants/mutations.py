"""Labelled cross-language test pairs: a real translation with mutations on one side.

:func:`mutate_pair` takes a real pair of trees (``pair_dir/left``, ``pair_dir/right``,
counterpart pages at the same relative path), applies mutations of the kinds of
``shared/data/variants``' mutated pair to the *right* tree only, and returns the new
right tree (relative path -> bytes) and labels in the same layout as that pair's
``labels.json``. Pages not named in ``mutation_list`` are as in the real pair.

With ``localize=True`` the right tree's external links are also rewritten the way
translators do it (another scheme, ``www.`` added or dropped, a trailing slash,
a language token switched) and one external target linked from many pages is
replaced by a per-language one on every page but one (a site convention, the
exception labelled ``convention_broken``: the old target kept is a finding).
"""

from __future__ import annotations

import hashlib
import itertools
import posixpath
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

KINDS = (
    "remove_anchor",
    "add_anchor",
    "retarget_anchor",
    "add_page",
    "remove_page",
    "reorder_anchors",
    "format_change",
    "text_only",
    "ver_only",
)
EXPECTED = {
    "remove_anchor": "type1",
    "add_anchor": "type1",
    "retarget_anchor": "type1",
    "add_page": "type1",
    "remove_page": "type1",
    "reorder_anchors": "type2",
    "format_change": "nonstructural",
    "convention_broken": "type1",
    "text_only": None,
    "ver_only": None,
}

_ANCHOR = re.compile(rb"<a\s([^>]*?)href=[\"']([^\"'#][^\"']*)[\"']([^>]*)>(.*?)</a>", re.S | re.I)
_CONTENT_START = re.compile(rb'<div id="page-content">|<main\b|<body\b', re.I)
_CONTENT_END = re.compile(rb'<div id="footer">|</main>|</body>', re.I)
_TEXT_RUN = re.compile(rb">([^<>]{40,})<")
_WORD = re.compile(r"\w{4,}")
_UL_NO_LINKS = re.compile(rb"<ul>((?:(?!</?ul|<a\s|<ol|<table).)*?)</ul>", re.S)
_LI = re.compile(rb"<li>((?:(?!</?li\b).)*?)</li>", re.S)
_P = re.compile(rb"<p>((?:(?!</?p\b).)*?)</p>", re.S)
_EM = re.compile(rb"<em>((?:(?!</?em\b).)*?)</em>", re.S)
_UL = re.compile(rb"<ul>((?:(?!</?ul\b).)*?)</ul>", re.S)
_HREF = re.compile(rb"href=[\"']([^\"'#]+)(#[^\"']*)?[\"']")
_SCRIPT = re.compile(rb"<(script|style)\b.*?</\1\s*>", re.S | re.I)


def _content_span(html: bytes) -> tuple[int, int]:
    start = _CONTENT_START.search(html)
    lo = start.end() if start else 0
    end = _CONTENT_END.search(html, lo)
    return lo, end.start() if end else len(html)


def _compared(m: re.Match[bytes], rel: str) -> bool:
    """Whether the comparison looks at this link at all: not a language switcher
    (hreflang/alternate: navigation between the variants) nor a link to the page itself."""
    attrs = (m.group(1) + m.group(3)).lower()
    if b"hreflang" in attrs or b"alternate" in attrs or b"<a" in m.group(4).lower():
        return False
    if m.group(2).lower().startswith((b"javascript:", b"mailto:", b"data:")):
        return False
    return _target_rel(rel, m.group(2)) != rel


def _text_runs(html: bytes, lo: int, hi: int) -> list[re.Match[bytes]]:
    """Text runs of the content that a page shows: not inside <script> or <style>
    (a link "added" in a script's string is no link of the page)."""
    hidden = [m.span() for m in _SCRIPT.finditer(html, lo, hi)]
    return [
        m
        for m in _TEXT_RUN.finditer(html, lo, hi)
        if not any(a <= m.start() < b for a, b in hidden)
    ]


def _content_anchors(html: bytes, rel: str) -> list[re.Match[bytes]]:
    lo, hi = _content_span(html)
    return [m for m in _ANCHOR.finditer(html, lo, hi) if _compared(m, rel)]


def _rel_href(from_rel: str, to_rel: str) -> bytes:
    base = posixpath.dirname(from_rel) or "."
    return posixpath.relpath(to_rel, base).encode()


def _target_rel(from_rel: str, href: bytes) -> str | None:
    text = href.decode("utf-8", "replace").split("#", 1)[0]
    if not text or "://" in text or text.startswith("/"):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), text))


class _Mutator:
    def __init__(self, pages: dict[str, bytes], left_pages: set[str], rng: random.Random):
        self.pages = pages
        self.left_pages = left_pages
        self.rng = rng
        self.touched: set[str] = set()
        self.mutations: list[dict[str, Any]] = []

    def _free_pages(self) -> list[str]:
        return sorted(p for p in self.pages if p in self.left_pages and p not in self.touched)

    def _other_page(self, rel: str, avoid: set[str]) -> str:
        choices = sorted(
            p for p in self.pages if p != rel and p not in avoid and p in self.left_pages
        )
        return self.rng.choice(choices)

    def _record(self, kind: str, page: str, detail: str, affected: list[str] | None = None) -> None:
        self.touched.add(page)
        self.touched.update(affected or [])
        self.mutations.append(
            {
                "id": len(self.mutations) + 1,
                "kind": kind,
                "page": page,
                "detail": detail,
                "affected": affected or [],
            }
        )

    def _try(self, kind: str, attempts: int = 200) -> bool:
        method = getattr(self, f"_{kind}")
        free = self._free_pages()
        self.rng.shuffle(free)
        return any(method(rel) for rel in free[:attempts])

    # -- the kinds ---------------------------------------------------------------

    def _remove_anchor(self, rel: str) -> bool:
        html = self.pages[rel]
        anchors = _content_anchors(html, rel)
        if not anchors:
            return False
        m = self.rng.choice(anchors)
        self.pages[rel] = html[: m.start()] + m.group(4) + html[m.end() :]
        self._record(
            "remove_anchor", rel, f"unwrapped <a href={m.group(2).decode(errors='replace')!r}>"
        )
        return True

    def _add_anchor(self, rel: str) -> bool:
        html = self.pages[rel]
        lo, hi = _content_span(html)
        runs = [m for m in _text_runs(html, lo, hi) if b"\n<" not in m.group(0)[:2]]
        runs = [m for m in runs if _WORD.search(m.group(1).decode("utf-8", "replace"))]
        linked = {_target_rel(rel, m.group(2)) for m in _ANCHOR.finditer(html)}
        if not runs:
            return False
        run = self.rng.choice(runs)
        text = run.group(1).decode("utf-8", "replace")
        word = self.rng.choice(list(_WORD.finditer(text)))
        target = self._other_page(rel, {p for p in linked if p})
        new_text = (
            text[: word.start()]
            + f'<a href="{_rel_href(rel, target).decode()}">{word.group(0)}</a>'
            + text[word.end() :]
        )
        start = run.start(1)
        self.pages[rel] = html[:start] + new_text.encode() + html[run.end(1) :]
        self._record("add_anchor", rel, f"added link to {target}")
        return True

    def _retarget_anchor(self, rel: str) -> bool:
        html = self.pages[rel]
        anchors = [m for m in _content_anchors(html, rel) if _target_rel(rel, m.group(2))]
        if not anchors:
            return False
        m = self.rng.choice(anchors)
        linked = {_target_rel(rel, a.group(2)) for a in _ANCHOR.finditer(html)}
        target = self._other_page(rel, {p for p in linked if p})
        href = _rel_href(rel, target)
        self.pages[rel] = html[: m.start(2)] + href + html[m.end(2) :]
        self._record("retarget_anchor", rel, f"{m.group(2).decode(errors='replace')} -> {target}")
        return True

    def _add_page(self, rel: str) -> bool:
        html = self.pages[rel]
        n = sum(1 for m in self.mutations if m["kind"] == "add_page") + 1
        new_rel = rel.rsplit(".", 1)[0] + f"-notes{n}.html"
        lo, hi = _content_span(html)
        p = _P.search(html, lo, hi)
        if p is None or new_rel in self.pages:
            return False
        link = f' <a href="{posixpath.basename(new_rel)}">notes</a>'.encode()
        self.pages[rel] = html[: p.end(1)] + link + html[p.end(1) :]
        self.pages[new_rel] = (
            b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>notes</title></head>'
            b"<body><h1>Notes</h1><p>Notes.</p></body></html>"
        )
        self._record("add_page", rel, f"new page {new_rel}", [new_rel])
        return True

    def _remove_page(self, rel: str) -> bool:
        if rel == "index.html":
            return False
        linking = []
        for other, html in self.pages.items():
            if other == rel:
                continue
            if any(_target_rel(other, m.group(2)) == rel for m in _ANCHOR.finditer(html)):
                linking.append(other)
        if not linking or len(linking) > 3 or any(p in self.touched for p in linking):
            return False
        for other in linking:

            def unlink(m: re.Match[bytes], o: str = other) -> bytes:
                return m.group(4) if _target_rel(o, m.group(2)) == rel else m.group(0)

            self.pages[other] = _ANCHOR.sub(unlink, self.pages[other])
        del self.pages[rel]
        self._record(
            "remove_page",
            rel,
            f"page removed from right with links from {len(linking)} page(s)",
            sorted(linking),
        )
        return True

    def _reorder_anchors(self, rel: str) -> bool:
        html = self.pages[rel]
        lo, hi = _content_span(html)
        options = []
        for ul in _UL.finditer(html, lo, hi):
            items = list(_LI.finditer(html, ul.start(1), ul.end(1)))
            for a, b in itertools.pairwise(items):
                ta, tb = _HREF.findall(a.group(1)), _HREF.findall(b.group(1))
                if ta and tb and {h for h, _ in ta}.isdisjoint({h for h, _ in tb}):
                    options.append((a, b, "<li> in <ul>"))
        for p in _P.finditer(html, lo, hi):
            links = [m for m in _ANCHOR.finditer(html, p.start(1), p.end(1)) if _compared(m, rel)]
            for a, b in itertools.pairwise(links):
                if a.group(2).split(b"#")[0] != b.group(2).split(b"#")[0]:
                    options.append((a, b, "<a> in <p>"))
        if not options:
            return False
        a, b, where = self.rng.choice(options)
        self.pages[rel] = (
            html[: a.start()]
            + b.group(0)
            + html[a.end() : b.start()]
            + a.group(0)
            + html[b.end() :]
        )
        self._record("reorder_anchors", rel, f"swapped two {where}")
        return True

    def _format_change(self, rel: str) -> bool:
        html = self.pages[rel]
        lo, hi = _content_span(html)
        how = self.rng.choice(["em_to_i", "ul_to_table", "wrap_em"])
        if how == "em_to_i":
            ems = list(_EM.finditer(html, lo, hi))
            if not ems:
                return False
            m = self.rng.choice(ems)
            self.pages[rel] = html[: m.start()] + b"<i>" + m.group(1) + b"</i>" + html[m.end() :]
            detail = "<em> -> <i>"
        elif how == "ul_to_table":
            uls = [m for m in _UL_NO_LINKS.finditer(html, lo, hi) if _LI.search(m.group(1))]
            if not uls:
                return False
            m = self.rng.choice(uls)
            rows = _LI.sub(lambda li: b"<tr><td>" + li.group(1) + b"</td></tr>", m.group(1))
            self.pages[rel] = html[: m.start()] + b"<table>" + rows + b"</table>" + html[m.end() :]
            detail = "<ul> list -> <table>"
        else:
            runs = _text_runs(html, lo, hi)
            if not runs:
                return False
            run = self.rng.choice(runs)
            text = run.group(1).decode("utf-8", "replace")
            words = list(_WORD.finditer(text))
            if not words:
                return False
            w = self.rng.choice(words)
            new = text[: w.start()] + f"<em>{w.group(0)}</em>" + text[w.end() :]
            self.pages[rel] = html[: run.start(1)] + new.encode() + html[run.end(1) :]
            detail = f"wrapped {w.group(0)!r} in <em>"
        self._record("format_change", rel, detail)
        return True

    def _text_only(self, rel: str) -> bool:
        html = self.pages[rel]
        lo, hi = _content_span(html)
        runs = _text_runs(html, lo, hi)
        if not runs:
            return False
        run = self.rng.choice(runs)
        text = run.group(1).decode("utf-8", "replace")
        words = list(_WORD.finditer(text))
        if not words:
            return False
        w = self.rng.choice(words)
        new = text[: w.start()] + w.group(0)[::-1] + " " + w.group(0) + text[w.end() :]
        self.pages[rel] = html[: run.start(1)] + new.encode() + html[run.end(1) :]
        self._record("text_only", rel, "reworded one text run")
        return True

    def _ver_only(self, rel: str) -> bool:
        html = self.pages[rel]
        lo, hi = _content_span(html)
        p = _P.search(html, lo, hi)
        if p is None:
            return False
        target = self._other_page(rel, set())
        block = (
            b'<!-- VER_ONLY_BEGIN --><div class="note"><h3>Note</h3><ul><li><a href="'
            + _rel_href(rel, target)
            + b'">voir</a></li></ul></div><!-- VER_ONLY_END -->'
        )
        self.pages[rel] = html[: p.end()] + block + html[p.end() :]
        self._record("ver_only", rel, f"inserted variant-only block linking {target}")
        return True


# -- localization (not mutations) ------------------------------------------------------

_EXTERNAL = re.compile(rb"href=[\"'](https?://[^\"']+)[\"']")


def _localize_url(url: str, left: str, right: str) -> str:
    """The form a translator gives the same external target (deterministic per URL)."""
    pick = int(hashlib.sha1(url.encode()).hexdigest(), 16) % 5
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    path = slash + path
    for a, b in ((f"/{left}/", f"/{right}/"), (f"={left}", f"={right}"), (f"{left}.", f"{right}.")):
        if (a in path or (a.endswith(".") and host.startswith(a))) and pick != 4:
            return url.replace(a, b, 1) if a in path else f"{scheme}://{b}{host[len(a) :]}{path}"
    if pick == 0:
        return ("https" if scheme == "http" else "http") + "://" + rest
    if pick == 1:
        host = host[4:] if host.startswith("www.") else "www." + host
        return f"{scheme}://{host}{path}"
    if pick == 2 and not re.search(r"\.\w{2,5}$", path) and "?" not in path:
        return f"{scheme}://{host}{path.rstrip('/') if path.endswith('/') and path != '/' else path + '/'}"
    if pick == 3 and "?" not in path:
        # The translation's own version of the page (Overview.fr.html, /intro/fr).
        m = re.search(r"\.(html?|php)$", path)
        if m:
            return f"{scheme}://{host}{path[: m.start()]}.{right}{path[m.start() :]}"
        return f"{scheme}://{host}{path.rstrip('/')}/{right}"
    return f"https://{host}{path}"


def _localize(
    pages: dict[str, bytes], left: str, right: str, rng: random.Random, touched: set[str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    # The external target linked from most pages gets a per-language replacement.
    per_page: Counter[bytes] = Counter()
    for html in pages.values():
        per_page.update(set(_EXTERNAL.findall(html)))
    convention: dict[str, Any] = {}
    broken: list[dict[str, Any]] = []
    if per_page:
        # Ties broken by URL: set iteration order of bytes changes with PYTHONHASHSEED.
        old, n = min(per_page.items(), key=lambda kv: (-kv[1], kv[0]))
        new = f"https://social.example/@site_{right}_team".encode()
        # Every spelling of the target (http/https, www., trailing slash) is replaced.
        bare = re.sub(rb"^https?://(?:www\.)?", b"", old).rstrip(b"/")
        same = re.compile(rb"href=[\"']https?://(?:www\.)?" + re.escape(bare) + rb"/?[\"']")
        keep = sorted(p for p, h in pages.items() if same.search(h) and p not in touched)
        kept = rng.choice(keep) if len(keep) > 3 else None
        convention = {"from": old.decode(), "to": new.decode(), "pages": n, "kept_on": kept}
        for rel, html in pages.items():
            if rel != kept:
                pages[rel] = same.sub(b'href="' + new + b'"', html)
        if kept:
            broken.append(
                {
                    "kind": "convention_broken",
                    "page": kept,
                    "detail": f"kept {old.decode()}",
                    "affected": [],
                }
            )
    for rel, html in pages.items():
        pages[rel] = _EXTERNAL.sub(
            lambda m: b'href="' + _localize_url(m.group(1).decode(), left, right).encode() + b'"',
            html,
        )
    return convention, broken


def mutate_pair(
    pair_dir: Path,
    left: str,
    right: str,
    seed: int = 0,
    per_kind: int = 5,
    localize: bool = False,
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """(right tree as relative path -> bytes, labels) of a mutated copy of *right*."""
    lroot, rroot = pair_dir / left, pair_dir / right
    left_pages = {p.relative_to(lroot).as_posix() for p in lroot.rglob("*.html")}
    pages = {p.relative_to(rroot).as_posix(): p.read_bytes() for p in rroot.rglob("*.html")}
    rng = random.Random(f"{pair_dir.name}/{seed}")
    mutator = _Mutator(pages, left_pages, rng)
    for kind in (
        "remove_page",
        "add_page",
        *[k for k in KINDS if k not in ("remove_page", "add_page")],
    ):
        n = {"remove_page": 3, "add_page": 4, "text_only": 4, "ver_only": 4}.get(kind, per_kind)
        for _ in range(n):
            mutator._try(kind)
    convention: dict[str, Any] = {}
    if localize:
        convention, broken = _localize(pages, left, right, rng, mutator.touched)
        for b in broken:
            mutator._record(b["kind"], b["page"], b["detail"], b["affected"])
    mutation_list = mutator.mutations
    labels = {
        "left": left,
        "right": right,
        "base": pair_dir.name,
        "seed": seed,
        "localized": localize,
        "convention": convention,
        "mutation_list": mutation_list,
        "counts": dict(Counter(m["kind"] for m in mutation_list)),
        "pages": {
            rel: {"left": rel in left_pages, "right": rel in pages}
            for rel in sorted(left_pages | set(pages))
        },
    }
    return pages, labels


def write_tree(pages: dict[str, bytes], root: Path) -> None:
    """Write a tree from :func:`mutate_pair` under *root*."""
    for rel, body in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
