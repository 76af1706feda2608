"""Logic of ``scrapy repair`` and ``scrapy learn-wrapper`` (the command files stay thin)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from eduscrape.adaptation.bundle import learn_pages
from eduscrape.adaptation.repair import repair
from eduscrape.adaptation.treegram import TreeGram
from eduscrape.adaptation.wrapper import Wrapper, find_wrapper


def read_page(path: str, fetched: Mapping[str, str] | None = None) -> str:
    """A page's text: *fetched* (URL -> text, the commands fetch URLs through Scrapy)
    for http(s) URLs, else a local file (a ``file://`` URL or a path)."""
    if path.startswith(("http://", "https://")):
        if fetched is None or path not in fetched:
            raise ValueError(f"{path}: URLs are fetched by the scrapy command, not here")
        return fetched[path]
    if path.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        path = unquote(urlsplit(path).path)
    return Path(path).read_bytes().decode("utf-8", "replace")


def repair_json(
    old: str,
    new: str,
    *,
    xpath: str | None,
    css: str | None,
    algorithm: str = "clustered",
    fetched: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Repair *xpath* (or *css*) from the *old* page on the *new* one; the result as a dict."""
    result = repair(
        read_page(old, fetched),
        read_page(new, fetched),
        xpath=xpath,
        css=css,
        algorithm=algorithm,
    )
    return result.to_dict()


def learn_wrapper(
    wrapper_path: str,
    page: str | list[str],
    wrappers_dir: str | None = None,
    fetched: Mapping[str, str] | None = None,
    bundle: bool = False,
) -> tuple[Wrapper, dict[str, TreeGram]]:
    """Tree-grams of a wrapper's fields on one or more pages (``{key: tree-gram}``;
    each key from the first page where its selector extracts a valid value; *bundle*:
    for the wrapper's bundle, without its ``bundle: false`` fields)."""
    wrapper = Wrapper.load(find_wrapper(wrapper_path, wrappers_dir))
    pages = [page] if isinstance(page, str) else page
    return wrapper, learn_pages(wrapper, (read_page(p, fetched) for p in pages), bundle=bundle)


def dumps(data: Any) -> str:
    """*data* as indented JSON, non-ASCII kept."""
    return json.dumps(data, indent=2, ensure_ascii=False)
