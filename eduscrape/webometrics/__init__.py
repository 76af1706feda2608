"""Webometrics by declared methods (Scrapy-free).

- :mod:`~eduscrape.webometrics.methods`: methods as data (YAML files, bundled presets);
- :mod:`~eduscrape.webometrics.table`: imported indicator tables (CSV);
- :mod:`~eduscrape.webometrics.normalisation`, :mod:`~eduscrape.webometrics.ranking`:
  normalised sources, indicators, scores, ranks with ties;
- :mod:`~eduscrape.webometrics.identity`: site identity, grouping, canonical URLs;
- :mod:`~eduscrape.webometrics.files`, :mod:`~eduscrape.webometrics.scholarly`,
  :mod:`~eduscrape.webometrics.platforms`: what the ``site`` spider records per page;
- :mod:`~eduscrape.webometrics.crawl`: a crawler's own indicators (``crawl.*`` sources);
- :mod:`~eduscrape.webometrics.network`: interlinking matrix, co-inlinks, GraphML, Pajek;
- :mod:`~eduscrape.webometrics.build`, :mod:`~eduscrape.webometrics.report`,
  :mod:`~eduscrape.webometrics.recommendations`: the ranking, its JSON and HTML report.

    from eduscrape.webometrics import build, load_method, read_table
    result = build(load_method("webometrics-2013"), table=read_table("published.csv"))
"""

from __future__ import annotations

from eduscrape.webometrics.build import WebometricsResult, build
from eduscrape.webometrics.crawl import CRAWL_SOURCES, measure_crawl
from eduscrape.webometrics.errors import WebometricsError
from eduscrape.webometrics.methods import load_method, parse_method, presets
from eduscrape.webometrics.table import parse_table, read_table

__all__ = [
    "CRAWL_SOURCES",
    "WebometricsError",
    "WebometricsResult",
    "build",
    "load_method",
    "measure_crawl",
    "parse_method",
    "parse_table",
    "presets",
    "read_table",
]
