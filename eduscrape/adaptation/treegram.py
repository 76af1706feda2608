"""Tree-grams: what a wrapper field's target looked like when it worked.

A tree-gram keeps the target node's label (tag, id/class/name tokens, attribute
names), its value, a few ancestor levels, its parent's children (siblings) and
its own subtree down to a small depth. It is JSON-serializable so it can be
stored in MongoDB and reloaded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from eduscrape.adaptation._dom import (
    SKIP_TAGS,
    in_head,
    is_element,
    label_tokens,
    value_kind,
    value_of,
)
from eduscrape.adaptation._roles import page_role
from eduscrape.adaptation.matching import Tree

ANCESTOR_LEVELS = 4  # ancestors kept as (tag, tokens)
SUBTREE_DEPTH = 3  # levels of the target's own subtree
MAX_CHILDREN = 40  # children kept per node (bounds matching cost on long lists)


def subtree(el: Any, depth: int = SUBTREE_DEPTH) -> Tree:
    """Tag-labelled tree of ``el`` down to ``depth`` levels."""
    children: list[Tree] = []
    if depth > 0:
        for child in el:
            if is_element(child) and child.tag not in SKIP_TAGS:
                children.append(subtree(child, depth - 1))
                if len(children) >= MAX_CHILDREN:
                    break
    return Tree(str(el.tag), children)


def context(el: Any) -> Tree:
    """The parent with its children (the target's siblings), target expanded one level."""
    parent = el.getparent()
    if parent is None:
        return subtree(el, 1)
    children = []
    for child in parent:
        if is_element(child) and child.tag not in SKIP_TAGS:
            children.append(subtree(child, 1 if child is el else 0))
            if len(children) >= MAX_CHILDREN:
                break
    return Tree(str(parent.tag), children)


def tree_to_obj(tree: Tree) -> Any:
    """A :class:`Tree` as JSON-ready nested lists (a leaf is its label)."""
    return [tree.label, [tree_to_obj(c) for c in tree.children]] if tree.children else tree.label


def obj_to_tree(obj: Any) -> Tree:
    """The :class:`Tree` of :func:`tree_to_obj`'s output."""
    if isinstance(obj, str):
        return Tree(obj)
    return Tree(obj[0], [obj_to_tree(c) for c in obj[1]])


@dataclass
class TreeGram:
    """Captured surroundings of one field's target node."""

    xpath: str  # the selector that worked when captured
    attr: str | None  # attribute read (``.../@attr``), None for the element's text
    values: list[str]  # normalized values the selector returned (at most 20)
    tag: str
    tokens: list[str]  # id/class/name/... word tokens
    attr_names: list[str]
    ancestors: list[tuple[str, list[str]]]  # nearest first
    in_head: bool
    kind: str  # value kind: date, url, short, long
    subtree: Any  # tree_to_obj form
    context: Any
    n_matches: int = 1
    version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> str:
        """The first value seen at the node (empty if none)."""
        return self.values[0] if self.values else ""

    def to_dict(self) -> dict[str, Any]:
        """The tree-gram as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeGram:
        """The tree-gram of :meth:`to_dict`'s output (unknown keys ignored)."""
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["ancestors"] = [(t, list(toks)) for t, toks in data.get("ancestors", [])]
        return cls(**data)

    def subtree_tree(self) -> Tree:
        """The node's own subtree as a :class:`Tree`."""
        return obj_to_tree(self.subtree)

    def context_tree(self) -> Tree:
        """The node's parent and siblings (see :func:`context`) as a :class:`Tree`."""
        return obj_to_tree(self.context)


def ancestors_of(el: Any) -> list[tuple[str, list[str]]]:
    """Tag and label tokens of *el*'s nearest ancestors, below ``<html>``."""
    out: list[tuple[str, list[str]]] = []
    for anc in el.iterancestors():
        if len(out) >= ANCESTOR_LEVELS or anc.tag in ("html",):
            break
        out.append((str(anc.tag), sorted(label_tokens(anc))))
    return out


def capture(xpath: str, results: list[Any]) -> TreeGram | None:
    """Tree-gram of the first result of ``xpath`` (element or attribute), or None."""
    if not results:
        return None
    first = results[0]
    attr = None
    if isinstance(first, str):
        getparent = getattr(first, "getparent", None)
        el = getparent() if getparent else None
        attr = getattr(first, "attrname", None)
        if el is None or attr is None:
            return None
    else:
        el = first
    if not is_element(el):
        return None
    values = [v for v in (value_of(r) for r in results[:20]) if v]
    if not values:
        return None
    # What the page's own meta tags call this value (og:title, article:modified_time...):
    # the role is then known even when the target's label names none.
    role = page_role(el, values[0])
    return TreeGram(
        xpath=xpath,
        attr=str(attr) if attr else None,
        values=values,
        tag=str(el.tag),
        tokens=sorted(label_tokens(el)),
        attr_names=sorted(str(a) for a in el.attrib),
        ancestors=ancestors_of(el),
        in_head=in_head(el),
        kind=value_kind(values[0]),
        subtree=tree_to_obj(subtree(el)),
        context=tree_to_obj(context(el)),
        n_matches=len(results),
        extra={"role": role} if role else {},
    )
