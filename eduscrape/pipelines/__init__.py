"""Item pipelines: thin Scrapy glue around eduscrape's algorithms and storage."""
