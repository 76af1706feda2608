"""Declarative wrappers (Lixto-like patterns) and their self-healing evaluation.

A wrapper (YAML or JSON) per site::

    site: news-demo
    algorithm: clustered        # clustered | simple | bigram | sequence
    threshold: 0.6
    url_regex: /articles/       # pages the patterns apply to (default: all)
    follow: ["//nav//a/@href", "//ul[@class='teasers']//a/@href"]
    patterns:
      - name: article           # record pattern; fields are relative to each record
        xpath: //article        # or css:; omit for "the whole page"
        min: 1
        max: 1
        fields:
          - {name: title, css: h1, required: true}
          - {name: published, xpath: ".//time/@datetime", type: date}
          - {name: price, css: ".price", type: number, regex: "\\d"}
          - {name: beds, css: ".beds", fallback: ["//script[@id='ld']"]}
          - {name: config, xpath: "./@data-config", bundle: false}
      - name: bubble            # a repeated part (optional: a page may have none)
        css: p.attrgroup > span
        optional: true
        fields:
          - {name: text, xpath: "."}

Fields are optional unless ``required`` (or ``min`` > 0): an optional field that
matches nothing is *absent*, unless it has a tree-gram and the page holds a node
that resembles it (then the selector is repaired). ``fallback`` selectors are
tried, in order, when the declared one yields nothing valid (before any repair).
``bundle: false`` keeps a field's tree-gram out of the bundled ones (a field picked
by a stable attribute name, whose reference-page tree-gram would only mistake another
site's content for drift: it is learned from the crawled site instead).
Patterns without a selector apply to the whole page; a record pattern with
``optional: true`` may find no record (the same repair rule as optional fields).

:func:`evaluate` applies it to a parsed page with the stored tree-grams: fields
that break a constraint, match nothing, or silently drift are repaired
(top-down: a repaired record pattern re-checks its fields; bottom-up: a field
that cannot be repaired triggers the repair of its record pattern first).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

from eduscrape.adaptation._dom import (
    is_element,
    label_tokens,
    node_of,
    parse_date,
    select,
    value_of,
)
from eduscrape.adaptation.joint import (
    Pick,
    Target,
    echoes_title,
    exclude_claimed,
    lift_units,
    node_position,
    repair_group,
    repair_jointly,
    words,
)
from eduscrape.adaptation.repair import Repairer, RepairResult, make_xpath
from eduscrape.adaptation.selectors import SelectorError, compile_selector
from eduscrape.adaptation.treegram import TreeGram, ancestors_of, capture

PAGE = ""  # pattern name of fields that apply to the whole page
_NUMBER = re.compile(r"[-+]?\d[\d,.\s]*")


class WrapperError(ValueError):
    """A wrapper definition that cannot be used (clear message for the user)."""


@dataclass
class FieldSpec:
    """One field of a record: its selector, cardinality, value type and regex."""

    name: str
    xpath: str
    required: bool = False
    min: int = 0
    max: int | None = None
    type: str | None = None  # text | number | date | url
    regex: str | None = None
    multiple: bool = False
    fallback: list[str] = field(default_factory=list)
    bundle: bool = True  # False: no bundled tree-gram (learned from the crawled site)

    @property
    def optional(self) -> bool:
        """Whether a page may lack the field (neither ``required`` nor ``min`` > 0)."""
        return not self.required and self.min <= 0

    def accepts(self, value: str) -> bool:
        """Whether *value* keeps the field's type and regex (a repair candidate filter)."""
        return not self.violations([value]) if (self.type or self.regex) else True

    def violations(self, values: list[str]) -> list[str]:
        """Broken integrity constraints (empty list: the values are fine)."""
        out = []
        if not values:
            return ["matches nothing"] if self.required or self.min > 0 else []
        if len(values) < self.min:
            out.append(f"fewer than {self.min} values")
        if self.max is not None and len(values) > self.max:
            out.append(f"more than {self.max} values")
        first = values[0]
        if self.type == "number" and not _NUMBER.search(first):
            out.append("not a number")
        if self.type == "date" and not parse_date(first):
            out.append("not a date")
        if self.type == "url" and not first.startswith(("http://", "https://", "/")):
            out.append("not a URL")
        if self.regex and not re.search(self.regex, first):
            out.append(f"does not match {self.regex!r}")
        return out


@dataclass
class PatternSpec:
    """A record pattern: its selector (None: the page), fields and how many records."""

    name: str
    xpath: str | None  # None: the page itself is the (single) record
    fields: list[FieldSpec]
    min: int = 0
    max: int | None = None
    optional: bool = False  # a page may hold no record at all

    def violations(self, n: int) -> list[str]:
        """What is wrong with finding *n* records (empty: within min/max)."""
        if self.xpath is None or (n == 0 and self.optional):
            return []
        if n < max(1, self.min):
            return ["matches nothing" if n == 0 else f"fewer than {self.min} records"]
        if self.max is not None and n > self.max:
            return [f"more than {self.max} records"]
        return []


@dataclass
class Wrapper:
    """A site's wrapper: record patterns, links to follow and the repair settings."""

    site: str
    patterns: list[PatternSpec]
    follow: list[str] = field(default_factory=list)
    algorithm: str = "clustered"
    threshold: float = 0.6
    url_regex: str | None = None
    source: Path | None = None  # the file it was loaded from (bundled tree-grams sit next to it)

    def applies_to(self, url: str) -> bool:
        """True when *url* matches the wrapper's ``url_regex`` (or it has none)."""
        return not self.url_regex or re.search(self.url_regex, url) is not None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Wrapper:
        """The wrapper of a parsed definition; :class:`WrapperError` when it is invalid."""
        if not isinstance(data, dict) or not data.get("site"):
            raise WrapperError("a wrapper needs a 'site' name")
        patterns = []
        for p in data.get("patterns") or []:
            fields = [
                FieldSpec(
                    name=str(f["name"]),
                    xpath=_selector(f, f"field {f.get('name')!r}"),
                    required=bool(f.get("required", False)),
                    min=int(f.get("min", 0)),
                    max=f.get("max"),
                    type=f.get("type"),
                    regex=_regex(f.get("regex"), f"field {f.get('name')!r}: regex"),
                    multiple=bool(f.get("multiple", False)),
                    bundle=bool(f.get("bundle", True)),
                    fallback=[
                        _selector(
                            _selector_spec(fb) if isinstance(fb, str) else fb,
                            f"field {f.get('name')!r}: fallback",
                        )
                        for fb in f.get("fallback") or []
                    ],
                )
                for f in p.get("fields") or []
            ]
            xp = _selector(p, f"pattern {p.get('name')!r}", optional=True)
            patterns.append(
                PatternSpec(
                    str(p.get("name", PAGE)),
                    xp,
                    fields,
                    int(p.get("min", 0)),
                    p.get("max"),
                    bool(p.get("optional", False)),
                )
            )
        if not patterns:
            raise WrapperError(f"wrapper {data['site']!r} has no patterns")
        algorithm = data.get("algorithm", "clustered")
        if algorithm not in ("clustered", "simple", "bigram", "sequence"):
            raise WrapperError(f"unknown algorithm {algorithm!r}")
        return cls(
            site=str(data["site"]),
            patterns=patterns,
            follow=[_selector(_selector_spec(f), "follow") for f in data.get("follow") or []],
            algorithm=algorithm,
            threshold=float(data.get("threshold", 0.6)),
            url_regex=_regex(data.get("url_regex"), "url_regex"),
        )

    @classmethod
    def load(cls, path: str | Path) -> Wrapper:
        """The wrapper of a YAML or JSON file; :class:`WrapperError` when it is invalid."""
        path = Path(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise WrapperError(f"cannot read wrapper {path}: {exc}") from None
        import yaml

        try:
            data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
            wrapper = cls.from_dict(data)
            wrapper.source = path
            return wrapper
        except WrapperError as exc:  # name the file: "wrappers/x.yaml: field 'title': ..."
            raise WrapperError(f"{path}: {exc}") from None
        except (ValueError, KeyError, TypeError, yaml.YAMLError) as exc:
            raise WrapperError(
                f"{path}: not a valid wrapper ({type(exc).__name__}: {exc})"
            ) from None

    def to_dict(self) -> dict[str, Any]:
        """The wrapper's definition, as :meth:`from_dict` reads it."""
        return {
            "site": self.site,
            "algorithm": self.algorithm,
            "threshold": self.threshold,
            "url_regex": self.url_regex,
            "follow": self.follow,
            "patterns": [
                {
                    "name": p.name,
                    "xpath": p.xpath,
                    "min": p.min,
                    "max": p.max,
                    "optional": p.optional,
                    "fields": [f.__dict__.copy() for f in p.fields],
                }
                for p in self.patterns
            ],
        }


BUNDLED = Path(__file__).resolve().parents[1] / "wrappers"


def find_wrapper(spec: str, wrappers_dir: str | None = None) -> Path:
    """A wrapper file: a path, or a name in ``wrappers_dir`` or the bundled folder."""
    path = Path(spec)
    if path.is_file():
        return path
    for folder in (Path(wrappers_dir or "wrappers"), BUNDLED):
        for ext in ("", ".yaml", ".yml", ".json"):
            cand = folder / f"{spec}{ext}"
            if cand.is_file():
                return cand
    raise WrapperError(
        f"no wrapper {spec!r} (a file, or a name in {wrappers_dir or 'wrappers'}/ or {BUNDLED})"
    )


def _selector_spec(text: str) -> dict[str, str]:
    """A selector given as a plain string: XPath when it looks like one, else CSS."""
    xpath = text.startswith(("/", ".", "(")) or "::" in text
    return {"xpath": text} if xpath else {"css": text}


def _regex(pattern: Any, what: str) -> str | None:
    """*pattern* checked to compile (a bad one is refused at load, not on the first page)."""
    if pattern is None or pattern == "":
        return None
    try:
        re.compile(str(pattern))
    except re.error as exc:
        raise WrapperError(f"{what}: invalid regular expression {pattern!r}: {exc}") from None
    return str(pattern)


@overload
def _selector(spec: dict[str, Any], what: str, optional: Literal[False] = False) -> str: ...
@overload
def _selector(spec: dict[str, Any], what: str, optional: bool) -> str | None: ...
def _selector(spec: dict[str, Any], what: str, optional: bool = False) -> str | None:
    xp, css = spec.get("xpath"), spec.get("css")
    if xp and css:
        raise WrapperError(f"{what}: give xpath or css, not both")
    if css or xp:
        try:
            return compile_selector(xpath=xp and str(xp), css=css and str(css))
        except SelectorError as exc:
            raise WrapperError(f"{what}: {exc}") from None
    if optional:
        return None
    raise WrapperError(f"{what}: needs xpath or css")


def gram_key(pattern: str, field_name: str | None) -> str:
    """Store key of a tree-gram: ``pattern/field`` (``pattern/`` for the record itself)."""
    return f"{pattern}/{field_name or ''}"


@dataclass
class RepairEvent:
    """What happened to one broken selector: repaired, unrepaired, and why."""

    pattern: str
    field: str | None
    old_xpath: str | None
    new_xpath: str | None
    status: str
    similarity: float | None
    reason: str = ""
    treegram: TreeGram | None = None  # captured on the repaired node


@dataclass
class PageResult:
    """A page's records, repairs, learned tree-grams and still-broken fields.

    A record is ``{"pattern", "index", "fields", "broken", "node", "results"}``:
    ``node`` is the record's element (the page root for page-wide patterns) and
    ``results`` the raw selector results per field (elements or attribute strings),
    for spiders that read more than a field's text.
    """

    records: list[dict[str, Any]] = field(default_factory=list)
    repairs: list[RepairEvent] = field(default_factory=list)
    learned: dict[str, TreeGram] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)  # "pattern/field" still broken
    absent: list[str] = field(default_factory=list)  # optional keys found nowhere on the page
    fallbacks: list[str] = field(default_factory=list)  # keys answered by a fallback selector
    wrapper: Wrapper | None = None  # with repaired selectors

    @property
    def repaired(self) -> list[RepairEvent]:
        """The repairs that succeeded."""
        return [r for r in self.repairs if r.status == "repaired"]


@dataclass
class Session:
    """What a crawl learned of a wrapper so far, shared by the pages it evaluates.

    An optional field (or record pattern) that matches nothing is looked for with
    its tree-gram only until its selector has worked on some page of the crawl (then
    an empty match means the page lacks it), and at most ``max_absent_attempts``
    times in a row without success (each search costs a repair).
    """

    present: set[tuple[str, str]] = field(default_factory=set)  # (key, xpath) that worked
    relearn: set[str] = field(default_factory=set)  # keys to capture afresh when intact
    absent_attempts: dict[str, int] = field(default_factory=dict)
    max_absent_attempts: int = 5
    # False: no tree-grams captured (declared selectors only, e.g. healing off: capturing
    # costs about a third of an evaluation and nobody would use them).
    learn: bool = True
    # The wrapper's bundled tree-grams: where the crawl's own one for a key (stored by an
    # earlier crawl, learned or repaired in this one) cannot repair it, the reference
    # pages' form is tried before giving up (one site page's values are a thin witness).
    reference: dict[str, TreeGram] = field(default_factory=dict)

    def may_search(self, key: str, xpath: str | None) -> bool:
        """Whether an empty optional *key* is worth a repair attempt."""
        return (key, xpath or "") not in self.present and (
            self.absent_attempts.get(key, 0) < self.max_absent_attempts
        )

    def fallback(self, key: str, grams: dict[str, TreeGram]) -> TreeGram | None:
        """The bundled tree-gram of *key* when the crawl uses another one, else None."""
        ref = self.reference.get(key)
        return ref if ref is not None and grams.get(key) is not ref else None


def _values(results: list[Any]) -> list[str]:
    return [v for v in (value_of(r) for r in results) if v]


def evaluate(
    wrapper: Wrapper,
    root: Any,
    grams: dict[str, TreeGram],
    repairer: Repairer | None = None,
    session: Session | None = None,
    joint: bool = True,
) -> PageResult:
    """Apply ``wrapper`` to a parsed page, repairing with ``grams`` (key: :func:`gram_key`).

    Fields without a tree-gram that extract fine are learned (``result.learned``),
    and so are the keys of ``session.relearn`` (tree-grams to renew from this site).
    ``result.wrapper`` is a copy with the repaired selectors. ``joint``: repair the
    fields that stay broken together (:mod:`eduscrape.adaptation.joint`).
    """
    eng = repairer or Repairer(algorithm=wrapper.algorithm, threshold=wrapper.threshold)
    session = session if session is not None else Session()
    wrapper = copy.deepcopy(wrapper)
    out = PageResult(wrapper=wrapper)
    for pattern in wrapper.patterns:
        _evaluate_pattern(pattern, root, grams, eng, out, session)
    if joint and (out.broken or out.absent):
        # Fields still broken: repair them together (another page's tree-grams).
        _joint_repair(wrapper, root, grams, eng, out, session)
    return out


def _capture(xpath: str, results: list[Any]) -> TreeGram | None:
    """Tree-gram of a selector's first result, with its position on the page and
    whether the page's ``<title>`` echoes it (both guide the joint repair)."""
    tg = capture(xpath, results)
    if tg is not None:
        node = node_of(results[0])
        tg.extra["pos"] = node_position(node)
        tg.extra["echo"] = echoes_title(node, tg.value)
    return tg


def _joint_targets(
    pattern: PatternSpec,
    record: dict[str, Any],
    grams: dict[str, TreeGram],
    out: PageResult,
    session: Session,
) -> tuple[list[Target], list[tuple[TreeGram, Any]]]:
    """The broken (or searched-for, optional) fields of a record, and its anchors."""
    targets, anchors = [], []
    for spec in pattern.fields:
        key = gram_key(pattern.name, spec.name)
        tg = grams.get(key)
        if tg is None:
            continue
        found = record["results"].get(spec.name) or []
        if spec.name in record["broken"]:
            current = select(record["node"], spec.xpath)
            targets.append(
                Target(
                    key,
                    tg,
                    spec.accepts,
                    words(spec.name),
                    spec.optional,
                    node_of(current[0]) if current else None,
                )
            )
        elif key in out.absent and not found:
            if (key, spec.xpath) in session.present or session.absent_attempts.get(
                key, 0
            ) > session.max_absent_attempts:
                continue
            targets.append(Target(key, tg, spec.accepts, words(spec.name), True))
        elif found:
            anchors.append((tg, node_of(found[0])))
    return targets, anchors


def _joint_repair(
    wrapper: Wrapper,
    root: Any,
    grams: dict[str, TreeGram],
    eng: Repairer,
    out: PageResult,
    session: Session,
) -> None:
    """Repair the broken record patterns, then the broken fields of each single-record
    pattern, jointly (:mod:`eduscrape.adaptation.joint`); successes replace their
    unrepaired events."""
    for pattern in wrapper.patterns:
        pkey = gram_key(pattern.name, None)
        tg = grams.get(pkey)
        if tg is None or pattern.xpath is None:
            continue
        wanted = pkey in out.broken or (
            pkey in out.absent and session.may_search(pkey, pattern.xpath)
        )
        if wanted and not _repair_records(pattern, root, tg, grams, eng, out, session):
            ref = session.fallback(pkey, grams)
            if ref is not None:  # the crawl's tree-gram abstained: the bundled one
                _repair_records(pattern, root, ref, grams, eng, out, session)
    for pattern in wrapper.patterns:
        records = [r for r in out.records if r["pattern"] == pattern.name]
        if len(records) != 1:
            continue
        record = records[0]
        targets, anchors = _joint_targets(pattern, record, grams, out, session)
        if not targets:
            continue
        # Nodes of fields that still work, and their ancestors: a record holding one
        # is no list item of the page (a record pattern repaired onto a whole column).
        working = {id(x) for _, a in anchors for x in (a, *a.iterancestors())}
        claimed = []
        for other in wrapper.patterns:  # the first record of the page's other parts
            okey = gram_key(other.name, None)
            mine = [r["node"] for r in out.records if r["pattern"] == other.name]
            if other is not pattern and okey in grams and mine:
                anchors.append((grams[okey], mine[0]))
            if other is not pattern and other.xpath is not None:
                claimed += [n for n in mine if id(n) not in working]
        picks = repair_jointly(record["node"], targets, anchors, claimed=claimed)
        by_key = {t.key: t for t in targets}
        for spec in pattern.fields:
            key = gram_key(pattern.name, spec.name)
            pick = picks.get(key)
            if pick is not None:
                _apply_pick(pattern, spec, record, pick, by_key[key], grams[key], out, session)


def _repair_records(
    pattern: PatternSpec,
    root: Any,
    tg: TreeGram,
    grams: dict[str, TreeGram],
    eng: Repairer,
    out: PageResult,
    session: Session,
) -> bool:
    """Whether the records were repaired as a group like ``tg``'s."""
    pkey = gram_key(pattern.name, None)
    group = repair_group(root, pkey, tg)
    if group is None:
        return False
    narrowed = exclude_claimed(group.xpath, group.records, _claimed(out, pattern))
    if narrowed is None or pattern.violations(len(narrowed[1])):
        return False
    group.xpath, group.records = lift_units(*narrowed, _unit_values(pkey, tg, session))
    for keys in (out.broken, out.absent):
        for key in [k for k in keys if k == pkey or k.startswith(pkey)]:
            keys.remove(key)
    out.repairs = [r for r in out.repairs if gram_key(r.pattern, r.field) != pkey]
    out.repairs.append(
        RepairEvent(
            pattern.name,
            None,
            pattern.xpath,
            group.xpath,
            "repaired",
            group.score,
            f"joint repair: repeated parts like the old records (margin {group.margin:.2f})",
            _descend(_capture(group.xpath, group.records), tg, pattern.xpath),
        )
    )
    pattern.xpath = group.xpath
    session.absent_attempts.pop(pkey, None)
    # Fields that read the new records fine are learned afresh: their old tree-grams
    # describe the old markup, and a drift check against them would fail.
    fresh = dict(grams)
    for spec in pattern.fields:
        values = _values(select(group.records[0], spec.xpath))
        if values and not spec.violations(values):
            fresh.pop(gram_key(pattern.name, spec.name), None)
    _evaluate_pattern(pattern, root, fresh, eng, out, session)
    return True


def _apply_pick(
    pattern: PatternSpec,
    spec: FieldSpec,
    record: dict[str, Any],
    pick: Pick,
    target: Target,
    tg: TreeGram,
    out: PageResult,
    session: Session,
) -> None:
    key = gram_key(pattern.name, spec.name)
    node = record["node"]
    kept = pick.el is target.current and pick.attr is None
    xpath = spec.xpath if kept else make_xpath(node, pick.el, pick.attr, multiple=spec.multiple)
    if xpath is None:
        return
    results = select(node, xpath)
    values = _values(results)
    if not values or spec.violations(values) or node_of(results[0]) is not pick.el:
        return  # no selector singles the node out: stay broken (or absent)
    out.repairs = [r for r in out.repairs if gram_key(r.pattern, r.field) != key]
    if not kept:
        out.repairs.append(
            RepairEvent(
                pattern.name,
                spec.name,
                spec.xpath,
                xpath,
                "repaired",
                pick.score,
                f"joint repair with the page's other fields (margin {pick.margin:.2f})",
                _descend(_capture(xpath, results), tg, spec.xpath),
            )
        )
        spec.xpath = xpath
    record["fields"][spec.name] = _shape(spec, values)
    record["results"][spec.name] = results
    if spec.name in record["broken"]:
        record["broken"].remove(spec.name)
    for keys in (out.broken, out.absent):
        if key in keys:
            keys.remove(key)
    session.present.add((key, spec.xpath))
    session.absent_attempts.pop(key, None)


def _repair_pattern(
    pattern: PatternSpec,
    root: Any,
    grams: dict[str, TreeGram],
    eng: Repairer,
    out: PageResult,
    why: str,
    quiet: bool = False,
    session: Session | None = None,
) -> list[Any] | None:
    """The records of a repaired record selector, or None (``quiet``: no event for a
    failure, the pattern being optional). The crawl's tree-gram first, then the
    bundled one (``session.reference``) if it differs."""
    pkey = gram_key(pattern.name, None)
    tg = grams.get(pkey)
    if tg is None or pattern.xpath is None:
        return None
    multiple = (pattern.max or 2) > 1
    res = eng.check(tg, root, pattern.xpath, multiple=multiple)
    if res.status != "repaired" or not res.xpath:
        res = _infer_record(pattern, root, grams, eng, multiple) or res
    ref = session.fallback(pkey, grams) if session is not None else None
    if ref is not None and (res.status != "repaired" or not res.xpath):
        again = eng.check(ref, root, pattern.xpath, multiple=multiple)
        if again.status == "repaired" and again.xpath:
            tg, res = ref, again
    if res.status != "repaired" or not res.xpath:
        if not quiet:
            out.repairs.append(_pattern_unrepaired(pattern, res.similarity, why))
        return None
    records = [r for r in select(root, res.xpath) if not isinstance(r, str)]
    narrowed = exclude_claimed(res.xpath, records, _claimed(out, pattern))
    xpath, records = (
        lift_units(*narrowed, _unit_values(pkey, tg, session)) if narrowed else (res.xpath, [])
    )
    if not records or pattern.violations(len(records)):
        if quiet:
            return None
        out.repairs.append(
            _pattern_unrepaired(
                pattern, res.similarity, why + "; repaired selector breaks the constraints"
            )
        )
        return None
    out.repairs.append(
        RepairEvent(
            pattern.name,
            None,
            pattern.xpath,
            xpath,
            "repaired",
            res.similarity,
            why,
            _descend(_capture(xpath, records), tg, pattern.xpath),
        )
    )
    pattern.xpath = xpath
    return records


def _unit_values(key: str, tg: TreeGram, session: Session | None) -> list[str]:
    """The old records' values that say what a whole record is: the tree-gram's, and
    the bundled tree-gram's too (a crawl's tree-gram may hold one page's one record)."""
    ref = session.reference.get(key) if session is not None else None
    if ref is None or ref is tg:
        return list(tg.values)
    return list(dict.fromkeys([*tg.values, *ref.values]))


def _infer_record(
    pattern: PatternSpec, root: Any, grams: dict[str, TreeGram], eng: Repairer, multiple: bool
) -> RepairResult | None:
    """Record = the lowest common ancestor of its repaired fields (when the record's
    own tree-gram no longer matches, its fields often still do)."""
    nodes, sims = [], []
    for spec in pattern.fields:
        tg = grams.get(gram_key(pattern.name, spec.name))
        if tg is None:
            continue
        res = eng.repair(tg, root)
        if res.status != "repaired" or not res.xpath:
            continue
        found = select(root, res.xpath)
        if found:
            nodes.append(node_of(found[0]))
            sims.append(res.similarity or 0.0)
    with_grams = sum(1 for f in pattern.fields if gram_key(pattern.name, f.name) in grams)
    if len(nodes) < 2 or len(nodes) * 2 < with_grams:
        return None
    lca = nodes[0]
    for node in nodes[1:]:
        chain = {id(a) for a in node.iterancestors()} | {id(node)}
        while lca is not None and id(lca) not in chain:
            lca = lca.getparent()
    if lca is None or lca.tag in ("html", "body"):
        return None
    xpath = make_xpath(root, lca, None, multiple=multiple)
    similarity = round(sum(sims) / len(sims), 4)
    values = [value_of(lca)]
    return RepairResult(
        "repaired", xpath, similarity, values, "record = common ancestor of its repaired fields"
    )


def _evaluate_pattern(
    pattern: PatternSpec,
    root: Any,
    grams: dict[str, TreeGram],
    eng: Repairer,
    out: PageResult,
    session: Session,
) -> None:
    pkey = gram_key(pattern.name, None)
    if pattern.xpath is None:
        records = [root]
    else:
        records = [r for r in select(root, pattern.xpath) if not isinstance(r, str)]
        problems = pattern.violations(len(records))
        if problems:  # top-down: repair the record pattern, then its fields
            repaired = _repair_pattern(
                pattern, root, grams, eng, out, "; ".join(problems), session=session
            )
            if repaired is None:
                out.broken.append(pkey)
                return
            records = repaired
        elif not records:  # optional pattern, no record: absent, or moved?
            if grams.get(pkey) is not None and session.may_search(pkey, pattern.xpath):
                repaired = _repair_pattern(
                    pattern, root, grams, eng, out, "matches nothing", quiet=True, session=session
                )
                if repaired is None:
                    session.absent_attempts[pkey] = session.absent_attempts.get(pkey, 0) + 1
                else:
                    records = repaired
            if not records:
                held = _old_records_held(grams.get(pkey), root) or _old_records_held(
                    session.fallback(pkey, grams), root
                )
                if held:
                    # Not absent: the page says what the old records said, in nodes the
                    # selector no longer finds. Reported broken (the joint repair may
                    # still find them), never a silent "no records".
                    out.broken.append(pkey)
                    out.repairs.append(
                        _pattern_unrepaired(
                            pattern,
                            None,
                            "matches nothing, but the page holds its records' values ("
                            + ", ".join(repr(v) for v in held[:3])
                            + ")",
                        )
                    )
                else:
                    out.absent.append(pkey)
                return
        if records:
            session.present.add((pkey, pattern.xpath or ""))
            session.absent_attempts.pop(pkey, None)
            if (
                session.learn
                and (pkey not in grams or pkey in session.relearn)
                and pkey not in out.learned
            ):
                tg = _capture(pattern.xpath or "", records)
                if tg:
                    out.learned[pkey] = tg
    pattern_retried = False
    index = 0
    while index < len(records):
        record = records[index]
        fields: dict[str, Any] = {}
        results: dict[str, list[Any]] = {}
        broken: list[str] = []
        retry = False
        for spec in pattern.fields:
            value, ok, found = _evaluate_field(
                pattern, spec, record, grams, eng, out, session, first=index == 0
            )
            if not ok and not pattern_retried and pattern.xpath is not None and grams.get(pkey):
                # Bottom-up: the field cannot be repaired inside this record; maybe the
                # record pattern itself now selects the wrong element.
                pattern_retried = True
                repaired = _repair_pattern(
                    pattern,
                    root,
                    grams,
                    eng,
                    out,
                    f"field {spec.name!r} unrepairable",
                    session=session,
                )
                if repaired:
                    records, index, retry = repaired, 0, True
                    break
            fields[spec.name] = value
            results[spec.name] = found
            if not ok:
                broken.append(spec.name)
        if retry:
            continue
        out.records.append(
            {
                "pattern": pattern.name,
                "index": index,
                "fields": fields,
                "broken": broken,
                "node": record,
                "results": results,
            }
        )
        out.broken.extend(
            gram_key(pattern.name, b) for b in broken if gram_key(pattern.name, b) not in out.broken
        )
        index += 1


def _pattern_unrepaired(pattern: PatternSpec, similarity: float | None, reason: str) -> RepairEvent:
    """A record pattern's selector that stays broken, and why."""
    return RepairEvent(pattern.name, None, pattern.xpath, None, "unrepaired", similarity, reason)


def _claimed(out: PageResult, pattern: PatternSpec) -> list[Any]:
    """The nodes the page's other record patterns hold (not the page-wide pattern's root)."""
    return [
        r["node"]
        for r in out.records
        if r["pattern"] != pattern.name
        and r["node"] is not None
        and r["node"].getparent() is not None
    ]


def _old_records_held(tg: TreeGram | None, root: Any) -> list[str]:
    """The old records' values (``tg.values``) that some element of the page states
    as its whole text: at least two of them (one when only one is known), else []."""
    if tg is None or root is None or not hasattr(root, "xpath"):
        return []
    values = list(dict.fromkeys(v for v in tg.values if v and len(v) <= 200))
    held = [v for v in values if root.xpath("//body//*[normalize-space() = $v]", v=v)]
    return held if len(held) >= min(2, len(values)) and held else []


def _evaluate_field(
    pattern: PatternSpec,
    spec: FieldSpec,
    record: Any,
    grams: dict[str, TreeGram],
    eng: Repairer,
    out: PageResult,
    session: Session,
    first: bool,
) -> tuple[Any, bool, list[Any]]:
    """(value, whether it is fine, the selector results behind it)."""
    key = gram_key(pattern.name, spec.name)
    results = select(record, spec.xpath)
    values = _values(results)
    problems = spec.violations(values)
    if (problems or not values) and spec.fallback:
        for alternative in spec.fallback:
            alt_results = select(record, alternative)
            alt_values = _values(alt_results)
            if alt_values and not spec.violations(alt_values):
                if key not in out.fallbacks:
                    out.fallbacks.append(key)
                return _shape(spec, alt_values), True, alt_results
    tg = grams.get(key)
    if not values and spec.optional:
        # Absent, unless the page holds a node resembling the field's tree-gram
        # (its markup changed): then the selector is repaired.
        if tg is None or not session.may_search(key, spec.xpath):
            if first:
                out.absent.append(key)
            return None, True, []
        res = eng.repair(tg, record, accept=spec.accepts)
        if res.status == "repaired" and res.xpath:
            new_results = select(record, res.xpath)
            new_values = _values(new_results)
            if new_values and not spec.violations(new_values):
                out.repairs.append(
                    RepairEvent(
                        pattern.name,
                        spec.name,
                        spec.xpath,
                        res.xpath,
                        "repaired",
                        res.similarity,
                        res.reason or "matches nothing",
                        _descend(_capture(res.xpath, new_results), tg, spec.xpath),
                    )
                )
                spec.xpath = res.xpath
                session.present.add((key, spec.xpath))
                session.absent_attempts.pop(key, None)
                return _shape(spec, new_values), True, new_results
        session.absent_attempts[key] = session.absent_attempts.get(key, 0) + 1
        if first:
            out.absent.append(key)
        return None, True, []
    if tg is None:
        if not problems and values and first and session.learn:
            learned = _capture(spec.xpath, results)
            if learned:
                out.learned[key] = learned
        if not problems and values:
            session.present.add((key, spec.xpath))
        return _shape(spec, values), not problems, results
    # A reference page's tree-gram (bundled, to be learned afresh from this site) repairs
    # broken fields but is no judge of drift: the site's pages may differ from it in place.
    reference = key in session.relearn
    if problems or (first and not reference and not _same_place(spec, tg, results)):
        # Broken, or (once per page) a silent-drift check against the tree-gram: skipped
        # when the node is where the tree-gram was learned (the intact case, cheaply).
        res = eng.check(tg, record, spec.xpath, accept=spec.accepts)
        if res.status == "repaired" and res.xpath:
            new_results = select(record, res.xpath)
            new_values = _values(new_results)
            if not spec.violations(new_values):
                reason = res.reason or "; ".join(problems)
                out.repairs.append(
                    RepairEvent(
                        pattern.name,
                        spec.name,
                        spec.xpath,
                        res.xpath,
                        "repaired",
                        res.similarity,
                        reason,
                        _descend(_capture(res.xpath, new_results), tg, spec.xpath),
                    )
                )
                spec.xpath = res.xpath
                session.present.add((key, spec.xpath))
                return _shape(spec, new_values), True, new_results
            problems = problems or ["repaired selector breaks the constraints"]
        elif res.status == "unrepaired" and not problems:
            problems = [res.reason or "silent drift"]
        if problems:
            out.repairs.append(
                RepairEvent(
                    pattern.name,
                    spec.name,
                    spec.xpath,
                    None,
                    "unrepaired",
                    res.similarity,
                    "; ".join(problems),
                )
            )
            keep = values and res.status != "unrepaired"
            return (_shape(spec, values) if keep else None), False, results if keep else []
    if first and reference and key not in out.learned and values:
        renewed = _capture(spec.xpath, results)
        if renewed:
            out.learned[key] = _descend(renewed, tg, spec.xpath) or renewed
    if values:
        session.present.add((key, spec.xpath))
    return _shape(spec, values), True, results


def _same_place(spec: FieldSpec, tg: TreeGram, results: list[Any]) -> bool:
    """Whether the first result is a node like the tree-gram's, where it was learned:
    same tag, attribute, id/class tokens and ancestors (tags and tokens), somewhere
    labelled; not a ``<meta>`` (meta values drift in place: ``og:title`` shortened).
    A field that is its record (``.``) is the record pattern's business.

    Such a node is intact for the drift check without tree matching: a redesign or a
    selector hitting another datum changes its labels or its ancestors. This keeps the
    per-page cost of healing low (the structural check costs 1-10 ms per field).
    """
    if spec.xpath.strip() in (".", "self::node()", "self::*"):
        return True
    if tg.tag == "meta" or not results:
        return False
    first = results[0]
    attr = getattr(first, "attrname", None) if isinstance(first, str) else None
    el = node_of(first)
    if el is None or not is_element(el) or el.tag != tg.tag or (attr or None) != tg.attr:
        return False
    tokens = sorted(label_tokens(el))
    if tokens != list(tg.tokens):
        return False
    ancestors = ancestors_of(el)
    if not tokens and not any(toks for _, toks in ancestors):
        return False
    return [(t, list(toks)) for t, toks in ancestors] == [(t, list(k)) for t, k in tg.ancestors]


def _descend(new: TreeGram | None, old: TreeGram, old_xpath: str | None) -> TreeGram | None:
    """Remember which declared selector a repaired tree-gram descends from."""
    if new is not None:
        new.extra["origin"] = old.extra.get("origin") or old_xpath
    return new


def apply_stored_selectors(wrapper: Wrapper, grams: dict[str, TreeGram]) -> list[str]:
    """Use the repaired selectors of stored tree-grams (a previous crawl's repairs).

    Only for tree-grams repaired from the selector the wrapper still declares (a
    selector edited by hand since then wins). Returns the keys changed.
    """
    changed = []
    for pattern in wrapper.patterns:
        specs: list[tuple[str, Any]] = [(gram_key(pattern.name, None), pattern)]
        specs += [(gram_key(pattern.name, f.name), f) for f in pattern.fields]
        for key, spec in specs:
            tg = grams.get(key)
            if (
                tg
                and spec.xpath
                and tg.xpath != spec.xpath
                and tg.extra.get("origin") == spec.xpath
            ):
                spec.xpath = tg.xpath
                changed.append(key)
    return changed


def _shape(spec: FieldSpec, values: list[str]) -> Any:
    if spec.multiple:
        return values
    return values[0] if values else None


__all__ = [
    "FieldSpec",
    "PageResult",
    "PatternSpec",
    "RepairEvent",
    "RepairResult",
    "Session",
    "Wrapper",
    "WrapperError",
    "apply_stored_selectors",
    "evaluate",
    "gram_key",
]
