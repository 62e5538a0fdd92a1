"""The dossier as a PDF, rendered on the server by WeasyPrint from the same markup and print
stylesheet as the page prints with. Nothing is fetched while rendering: the stylesheet is read
from the static files and passed in, fonts come from the system (fontconfig), and any URL in the
markup is refused, so that a record's text can never make the server fetch anything."""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from django.contrib.staticfiles import finders

PRINT_STYLESHEET = "css/dossier-print.css"

# WeasyPrint reports each rendering step at INFO; one dossier is not worth seven lines of log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _refuse(url: str) -> NoReturn:
    raise ValueError(f"the dossier's PDF fetches nothing ({url[:60]})")


def _stylesheet() -> str:
    path = finders.find(PRINT_STYLESHEET)
    if not path:
        raise FileNotFoundError(PRINT_STYLESHEET)
    with open(path if isinstance(path, str) else path[0], encoding="utf-8") as handle:
        return handle.read()


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            _refuse(url)

    fetcher = RefusingFetcher(allowed_protocols=())
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    pdf = document.write_pdf(stylesheets=[CSS(string=_stylesheet(), url_fetcher=fetcher)])
    assert pdf is not None
    return bytes(pdf)
