"""eduscrape spiders.

A spider that should run in ``make demo`` declares ``demo_args`` (its ``-a``
arguments, ``{demo}`` standing for the demo web's base URL) and optionally
``demo_commands`` (scrapy commands run after its crawl, e.g. a report).
"""
