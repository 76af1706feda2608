"""The Craigslist page models evaluated on plain HTML (no Scrapy, no repair).

The ads spider gets its :class:`~eduscrape.middlewares.wrappers.WrapperResult` from
the wrapper middleware (checked and repaired selectors); benches, evaluation and
tests parse saved HTML with the bundled wrappers' declared selectors, through the
same interface (:class:`PageModel`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from parsel import Selector, SelectorList

from eduscrape.adaptation._dom import parse_html
from eduscrape.adaptation.wrapper import BUNDLED, Session, Wrapper, evaluate

POSTING = "craigslist-posting"
LISTING = "craigslist-listing"


class PageModel(Protocol):
    """What the parsing code reads of a page model's outcome (a ``WrapperResult``)."""

    def records_of(self, pattern: str = "") -> list[dict[str, Any]]: ...

    def value(self, name: str, pattern: str = "", default: Any = None) -> Any: ...

    def selector(
        self, name: str | None = None, pattern: str = "", index: int = 0
    ) -> SelectorList[Selector]: ...


@dataclass(frozen=True)
class PlainResult:
    """A page model's records on one page, read like a ``WrapperResult``."""

    records: list[dict[str, Any]]
    broken: list[str]

    def records_of(self, pattern: str = "") -> list[dict[str, Any]]:
        return [r for r in self.records if r["pattern"] == pattern]

    def value(self, name: str, pattern: str = "", default: Any = None) -> Any:
        for record in self.records_of(pattern):
            value = record["fields"].get(name)
            return default if value is None else value
        return default

    def selector(
        self, name: str | None = None, pattern: str = "", index: int = 0
    ) -> SelectorList[Selector]:
        records = self.records_of(pattern)
        if index >= len(records):
            return SelectorList([])
        record = records[index]
        nodes = [record["node"]] if name is None else record["results"].get(name, [])
        return SelectorList(
            Selector(root=str(n) if isinstance(n, str) else n, type="html") for n in nodes
        )


@lru_cache(maxsize=4)
def bundled_wrapper(name: str) -> Wrapper:
    """The wrapper shipped as ``eduscrape/wrappers/NAME.yaml`` (loaded once)."""
    return Wrapper.load(BUNDLED / f"{name}.yaml")


def evaluate_plain(name: str, html: str) -> PlainResult:
    """Bundled wrapper *name*'s declared selectors on *html* (no tree-grams, no repair)."""
    page = evaluate(
        bundled_wrapper(name), parse_html(html or "<html></html>"), {}, session=Session(learn=False)
    )
    return PlainResult(page.records, page.broken)
