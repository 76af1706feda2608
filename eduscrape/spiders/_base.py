"""What every eduscrape spider shares: declared arguments, item types, a page budget."""

from __future__ import annotations

from typing import Any, ClassVar

import scrapy

from eduscrape.arguments import Argument, missing_required, parse_arguments


class EduscrapeSpider(scrapy.Spider):
    """Base class of eduscrape's spiders.

    - ``arguments``: the ``-a`` arguments, declared once (:mod:`eduscrape.arguments`);
      their values become attributes of the same name, converted to their type.
      Unknown or mistyped ones are rejected here; missing required ones when
      ``scrapy crawl`` creates the spider and when the crawl starts
      (:meth:`check_arguments`), so ``scrapy parse`` and ``scrapy check`` work without.
    - ``item_types``: the item classes the spider yields (MongoDB indexes, one CSV
      file per type).
    - ``max_pages`` (when declared): enforced per site by
      :class:`eduscrape.middlewares.budget.PageBudgetMiddleware`, unless the spider
      budgets its own sites (``own_page_budget = True``).
    """

    arguments: ClassVar[tuple[Argument, ...]] = ()
    item_types: ClassVar[list[type]] = []
    own_page_budget: ClassVar[bool] = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        name = kwargs.pop("name", None)
        values = parse_arguments(name or self.name, self.arguments, kwargs)
        passthrough = {k: v for k, v in kwargs.items() if k.startswith("_")}
        super().__init__(name, *args, **passthrough)
        self.argument_values = values
        for key, value in values.items():
            setattr(self, key, value)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if crawler.settings.getbool("EDUSCRAPE_CHECK_ARGUMENTS"):
            spider.check_arguments()
        return spider

    def check_arguments(self) -> None:
        """Raise ValueError (one line) when a required argument is missing.

        Called when ``scrapy crawl`` creates the spider and first thing in ``start()``;
        spiders with arguments that go together (either this or that) extend it.
        """
        message = missing_required(self.name, self.arguments, self.argument_values)
        if message:
            raise ValueError(message)
