"""Spider arguments (``-a NAME=VALUE``), declared once per spider.

A spider lists its arguments (name, type, meaning, default)::

    class SiteSpider(EduscrapeSpider):
        arguments = (
            Argument("start_url", "site home page(s)", type=url_list, required=True),
            MAX_PAGES,
        )

and gets them as typed attributes. An unknown or mistyped argument is rejected
when the spider is created, with a message listing the valid ones; a missing
required one when the crawl starts (so ``scrapy parse`` and ``scrapy check``
work without it). The same declarations produce the README's argument tables
(:func:`markdown_table`, kept in sync by a test).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


class SpiderArgumentError(ValueError):
    """A ``-a`` argument the spider does not take, or a value of the wrong type."""


def whole_number(value: str) -> int:
    """*value* as an int >= 0 (spider argument type)."""
    number = int(str(value).strip())
    if number < 0:
        raise ValueError("must be 0 or more")
    return number


def boolean(value: str | bool) -> bool:
    """*value* as a bool (true/false, yes/no, on/off, 1/0; spider argument type)."""
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be true or false")


def url_list(value: str) -> list[str]:
    """URLs separated by commas or white space."""
    return [u for u in re.split(r"[\s,]+", str(value)) if u]


_TYPE_NAMES: dict[Callable[[str], Any], str] = {
    str: "text",
    whole_number: "whole number",
    boolean: "true/false",
    url_list: "URL list",
    float: "number",
}


@dataclass(frozen=True)
class Argument:
    """One ``-a NAME=VALUE`` argument of a spider."""

    name: str
    help: str
    type: Callable[[str], Any] = str
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def type_name(self) -> str:
        """What the argument expects, for messages and the README table."""
        if self.choices:
            return " / ".join(self.choices)
        return _TYPE_NAMES.get(self.type, getattr(self.type, "__name__", "text"))

    def convert(self, spider: str, raw: Any) -> Any:
        """*raw* converted and checked; :class:`SpiderArgumentError` naming *spider* else."""
        try:
            value = self.type(raw)
        except (TypeError, ValueError) as exc:
            raise SpiderArgumentError(
                f"-a {self.name}={raw!s:.80}: the {spider} spider expects a {self.type_name}"
                f" ({exc})"
            ) from None
        if self.choices and value not in self.choices:
            raise SpiderArgumentError(
                f"-a {self.name}={raw!s:.80}: the {spider} spider expects one of "
                f"{', '.join(self.choices)}"
            )
        return value


# One meaning in every spider that takes it.
MAX_PAGES = Argument(
    "max_pages",
    "the most pages fetched from each site (further links are dropped and counted); 0: no limit",
    type=whole_number,
    default=0,
)


def _valid(spider: str, declared: Sequence[Argument]) -> str:
    names = ", ".join(a.name for a in declared) or "none"
    return f"the {spider} spider takes: {names}"


def parse_arguments(
    spider: str, declared: Sequence[Argument], given: dict[str, Any]
) -> dict[str, Any]:
    """Every declared argument's value (converted, defaults filled) from *given*.

    Raises :class:`SpiderArgumentError` for an unknown name or a bad value. Names
    starting with ``_`` pass through unchecked (scrapyd adds ``_job``).
    """
    by_name = {a.name: a for a in declared}
    unknown = [k for k in given if k not in by_name and not k.startswith("_")]
    if unknown:
        raise SpiderArgumentError(
            f"unknown argument -a {unknown[0]}=...; {_valid(spider, declared)}"
        )
    values: dict[str, Any] = {}
    for argument in declared:
        raw = given.get(argument.name)
        if raw is None or (raw == "" and argument.type is not str):
            values[argument.name] = argument.default
        else:
            values[argument.name] = argument.convert(spider, raw)
    return values


def missing_required(
    spider: str, declared: Sequence[Argument], values: dict[str, Any]
) -> str | None:
    """A one-line message naming the missing required arguments, or None."""
    missing = [a.name for a in declared if a.required and values.get(a.name) in (None, "", [])]
    if not missing:
        return None
    return (
        f"the {spider} spider needs -a {'=... -a '.join(missing)}=...; {_valid(spider, declared)}"
    )


def markdown_table(declared: Sequence[Argument]) -> str:
    """The arguments as a Markdown table (README)."""
    lines = ["| argument | type | default | meaning |", "| --- | --- | --- | --- |"]
    for a in declared:
        if a.required:
            default = "required"
        elif a.default in (None, "", []):
            default = "—"
        else:
            default = f"`{a.default}`"
        meaning = a.help.replace("|", "\\|")
        lines.append(f"| `{a.name}` | {a.type_name} | {default} | {meaning} |")
    return "\n".join(lines)


def readme_sections() -> dict[str, str]:
    """Each project spider's argument table, by spider name."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    return {
        name: markdown_table(getattr(loader.load(name), "arguments", ()))
        for name in sorted(loader.list())
    }


def update_readme(path: str) -> bool:
    """Rewrite the ``<!-- arguments:NAME -->`` blocks of *path*; True when it changed."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    new = text
    for name, table in readme_sections().items():

        def block(m: re.Match[str], table: str = table) -> str:
            return m.group(1) + table + "\n" + m.group(2)

        new = re.sub(
            rf"(<!-- arguments:{re.escape(name)} -->\n)(?:[^<]*?\n)?(<!-- /arguments -->)",
            block,
            new,
            flags=re.S,
        )
    if new != text:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(new)
    return new != text


if __name__ == "__main__":  # python -m eduscrape.arguments [README.md]: refresh the tables
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else "README.md"
    print("updated" if update_readme(target) else "up to date", target)
