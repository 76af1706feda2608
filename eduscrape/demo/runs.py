"""What ``make demo`` runs: each spider's arguments against the bundled demo web.

Demo knowledge lives here, not on the production spider classes. In every
value, ``{demo}`` is the demo web's base URL, ``{demo_host}`` its host:port and
``{output}`` the output folder. ``commands`` are ``scrapy`` commands run after
the crawl (reports, exports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_MOOCCUBE_EXPORT = ["mooccube-export", "{output}/mooccube"]
_OPENEDX_COURSE = "course-v1:Demo+PHY101x+2026_T1"


@dataclass(frozen=True)
class DemoRun:
    """One ``scrapy crawl`` of the demo (a spider may have several, each with a label)."""

    spider: str
    args: dict[str, str]
    label: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    commands: list[list[str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.spider}-{self.label}" if self.label else self.spider

    def filled(self, placeholders: dict[str, str]) -> DemoRun:
        """This run with the ``{placeholders}`` of every value replaced."""
        return DemoRun(
            self.spider,
            _fill(self.args, placeholders),
            self.label,
            _fill(self.settings, placeholders),
            _fill(self.commands, placeholders),
        )


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


# In spider-name order, as the summary table shows them.
DEMO_RUNS: tuple[DemoRun, ...] = (
    DemoRun("ads", {"start_url": "{demo}/classifieds/search/apa/"}),
    # The same classifieds site after a redesign (renamed ids and classes, an extra
    # wrapper, the newer attribute markup): the page models repair their selectors.
    # One page at a time, as the `wrapper` spider: the first repaired page sets the
    # selectors for the rest (concurrent pages would each repair on their own).
    DemoRun(
        "ads",
        {"start_url": "{demo}/classifieds-v2/search/apa/"},
        label="redesigned",
        settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 1},
    ),
    DemoRun("ocw", {"start_url": "{demo}/mooc/ocw/8-01-physics/"}, commands=[_MOOCCUBE_EXPORT]),
    DemoRun(
        "openedx",
        {"start_url": "{demo}/mooc/edx/courses/" + _OPENEDX_COURSE + "/about"},
        commands=[_MOOCCUBE_EXPORT],
    ),
    DemoRun(
        "site",
        # Four institutions on their own hosts (sites/institutions), the demo web as their proxy.
        {
            "start_url": ",".join(
                f"http://{host}/institutions/"
                for host in ("www.alpha.test", "beta.test", "www.gamma.test", "www.delta.test")
            ),
            "scope": "domain",
            "proxy": "{demo}",
            "max_pages": "25",
        },
        commands=[
            [
                "webometrics",
                "--indicators",
                "eduscrape/demo/sites/institutions/indicators.csv",
                "--method",
                "webometrics-2013-mixed",
                "--html",
                "{output}/webometrics.html",
                "--json",
                "{output}/webometrics.json",
                "--graphml",
                "{output}/webometrics.graphml",
                "--pajek",
                "{output}/webometrics.net",
            ]
        ],
    ),
    DemoRun(
        "variants",
        {"left": "{demo}/university/en/index.html", "right": "{demo}/university/es/index.html"},
        commands=[["variants-report", "--output", "{output}/variants-report.html"]],
    ),
    DemoRun("wrapper", {"wrapper": "news-demo", "start_url": "{demo}/news/v1/"}, label="v1"),
    DemoRun("wrapper", {"wrapper": "news-demo", "start_url": "{demo}/news/v2/"}, label="v2"),
    DemoRun("xuetangx", {"base_url": "{demo}/mooc/xuetangx"}, label="api"),
    DemoRun(
        "xuetangx",
        {"base_url": "{demo}/mooc/xuetangx", "catalogue_url": "{demo}/mooc/xuetangx/catalogue"},
        label="catalogue",
        commands=[_MOOCCUBE_EXPORT],
    ),
)


def demo_runs(placeholders: dict[str, str]) -> list[DemoRun]:
    """Every demo run, placeholders filled."""
    return [run.filled(placeholders) for run in DEMO_RUNS]
