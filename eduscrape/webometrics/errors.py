"""The one error type of webometrics: bad input, reported as one line."""

from __future__ import annotations


class WebometricsError(ValueError):
    """Bad input (table, method, crawl): the message is one line meant for the user."""
