"""What every eduscrape spider shares: declared arguments, item types, a page budget."""

from __future__ import annotations

from typing import Any, ClassVar

import scrapy

from eduscrape.adaptation.wrapper import Wrapper, find_wrapper
from eduscrape.arguments import Argument, missing_required, parse_arguments
from eduscrape.middlewares.wrappers import WrapperResult, page_model


class EduscrapeSpider(scrapy.Spider):
    """Base class of eduscrape's spiders.

    - ``arguments``: the ``-a`` arguments, declared once (:mod:`eduscrape.arguments`);
      their values become attributes of the same name, converted to their type.
      Unknown or mistyped ones are rejected here; missing required ones when
      ``scrapy crawl`` creates the spider and when the crawl starts
      (:meth:`check_arguments`), so ``scrapy parse`` and ``scrapy check`` work without.
    - ``item_types``: the item classes the spider yields (MongoDB indexes, one CSV
      file per type).
    - ``page_models``: the wrappers (role -> wrapper name, looked up in ``WRAPPERS_DIR``
      then in the bundled ``eduscrape/wrappers/``) whose selectors the spider parses
      with; loaded into ``wrappers`` and checked/repaired by
      :class:`eduscrape.middlewares.wrappers.WrapperMiddleware` before each callback.
      Requests name theirs with ``meta={"wrapper": role}``; callbacks read the outcome
      with :func:`eduscrape.middlewares.wrappers.page_model`.
    - ``max_pages`` (when declared): enforced per site by
      :class:`eduscrape.middlewares.budget.PageBudgetMiddleware`, unless the spider
      budgets its own sites (``own_page_budget = True``).
    """

    arguments: ClassVar[tuple[Argument, ...]] = ()
    item_types: ClassVar[list[type]] = []
    own_page_budget: ClassVar[bool] = False
    page_models: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = kwargs.pop("name", None)
        values = parse_arguments(name or self.name, self.arguments, kwargs)
        passthrough = {k: v for k, v in kwargs.items() if k.startswith("_")}
        super().__init__(name, *args, **passthrough)
        self.argument_values = values
        for key, value in values.items():
            setattr(self, key, value)
        self.wrappers: dict[str, Wrapper] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for role, name in cls.page_models.items():
            spider.wrappers[role] = Wrapper.load(
                find_wrapper(name, crawler.settings.get("WRAPPERS_DIR"))
            )
        if crawler.settings.getbool("EDUSCRAPE_CHECK_ARGUMENTS"):
            spider.check_arguments()
        return spider

    def page(self, response: Any, role: str) -> WrapperResult:
        """The checked (or repaired) outcome of page model *role* on *response*."""
        return page_model(response, self.wrappers[role], role)

    def check_arguments(self) -> None:
        """Raise ValueError (one line) when a required argument is missing.

        Called when ``scrapy crawl`` creates the spider and first thing in ``start()``;
        spiders with arguments that go together (either this or that) extend it.
        """
        message = missing_required(self.name, self.arguments, self.argument_values)
        if message:
            raise ValueError(message)
