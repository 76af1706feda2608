"""eduscrape: a Scrapy-based framework that turns the educational and public web
into research-grade datasets stored in MongoDB."""

__version__ = "0.1.0"
