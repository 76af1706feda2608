"""Housing ads: structured fields from free text and Craigslist pages (Scrapy-free).

- :mod:`eduscrape.housing.extract`: ``extract_fields(title, body)``, the text extractor;
- :mod:`eduscrape.housing.craigslist`: Craigslist posting and listing pages;
- :mod:`eduscrape.housing.evaluation`: per-field P/R/F1 against labelled ads.
"""
