"""Open edX units rendered in place before the page model reads the page.

The LMS ships a sequence's units HTML-escaped inside ``.seq_contents``; rendered
(:func:`eduscrape.mooc.openedx.render_units`), the ``openedx-courseware`` page model
sees, checks and repairs every video block on one DOM. Acts on requests whose meta
has ``render_units``; its priority (55) puts it before
:class:`~eduscrape.middlewares.wrappers.WrapperMiddleware` (50) on the way back
(``process_response`` runs from high to low priorities).
"""

from __future__ import annotations

from scrapy.http import HtmlResponse, Request, Response

from eduscrape.mooc.openedx import render_units


def rendered(response: Response) -> Response:
    """*response* with its units rendered in place (itself when it has none)."""
    if not isinstance(response, HtmlResponse):
        return response
    page = render_units(response.text)
    if page is None:
        return response
    return response.replace(body=page.encode("utf-8"), encoding="utf-8")


class RenderUnitsMiddleware:
    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get("render_units"):
            return response
        return rendered(response)
