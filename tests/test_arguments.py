"""Spider arguments declared once (eduscrape.arguments): parsing, errors, README tables."""

from __future__ import annotations

import re

import pytest
from _support import PROJECT_DIR
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from eduscrape.arguments import (
    MAX_PAGES,
    Argument,
    SpiderArgumentError,
    markdown_table,
    missing_required,
    parse_arguments,
    url_list,
    whole_number,
)

DECLARED = (
    Argument("start_url", "where to start", type=url_list, required=True),
    MAX_PAGES,
    Argument("scope", "scope", default="host", choices=("host", "path")),
)


def _spiders() -> dict[str, type]:
    loader = SpiderLoader.from_settings(get_project_settings())
    return {name: loader.load(name) for name in sorted(loader.list())}


def test_values_are_typed_and_defaults_filled() -> None:
    values = parse_arguments(
        "site", DECLARED, {"start_url": "http://a/, http://b/", "max_pages": "5"}
    )
    assert values == {"start_url": ["http://a/", "http://b/"], "max_pages": 5, "scope": "host"}


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"maxpages": "2"},
            "unknown argument -a maxpages=...; the site spider takes: start_url, max_pages, scope",
        ),
        ({"max_pages": "many"}, "-a max_pages=many: the site spider expects a whole number"),
        (
            {"max_pages": "-1"},
            "-a max_pages=-1: the site spider expects a whole number (must be 0 or more)",
        ),
        ({"scope": "world"}, "-a scope=world: the site spider expects one of host, path"),
    ],
)
def test_wrong_arguments_are_rejected_with_the_valid_ones(given, message) -> None:
    with pytest.raises(SpiderArgumentError) as error:
        parse_arguments("site", DECLARED, given)
    assert str(error.value).startswith(message)


def test_scrapyd_job_arguments_pass() -> None:
    assert "_job" not in parse_arguments(
        "site", DECLARED, {"_job": "abc", "start_url": "http://a/"}
    )


def test_missing_required_names_them() -> None:
    message = missing_required("site", DECLARED, parse_arguments("site", DECLARED, {}))
    assert message and message.startswith("the site spider needs -a start_url=...")
    assert missing_required("site", DECLARED, {"start_url": ["http://a/"]}) is None


def test_every_spider_declares_its_arguments_and_max_pages_means_one_thing() -> None:
    spiders = _spiders()
    assert spiders
    for name, cls in spiders.items():
        assert cls.arguments, f"{name} declares no -a argument"
        for argument in cls.arguments:
            assert argument.help, (name, argument.name)
            if argument.name == "max_pages":
                assert argument.help == MAX_PAGES.help and argument.type is whole_number


def test_spiders_reject_unknown_arguments() -> None:
    for name, cls in _spiders().items():
        with pytest.raises(SpiderArgumentError, match=f"the {name} spider takes"):
            cls(maxpages="2")


def test_readme_tables_are_generated_from_the_declarations() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    for name, cls in _spiders().items():
        block = re.search(
            rf"<!-- arguments:{name} -->\n(.*?)\n<!-- /arguments -->", readme, flags=re.S
        )
        assert block, f"README has no argument table for {name} (python -m eduscrape.arguments)"
        assert block.group(1).strip() == markdown_table(cls.arguments).strip(), name
