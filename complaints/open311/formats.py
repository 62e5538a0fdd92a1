"""The two formats of GeoReport v2: XML (schemaless, no namespace, UTF-8 with its declaration) and
JSON (the same tree by the Spark convention: a list for a repeated element, null for an empty one).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}

# The element that wraps each item of a repeated element, by the name of the list.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def w3_datetime(value: dt.datetime | None) -> str | None:
    """A moment in the W3C subset of ISO 8601 with its offset, in the portal's time zone."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: ET.Element, tag: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _append(element, ITEM_TAGS[tag], item)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, root, value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8", xml_declaration=False)


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """``value`` (a dict, or a list of dicts under ``root``) in the format asked for."""
    body = to_xml(root, value) if fmt == XML else json.dumps(value, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """GeoReport's error answer: a list of ``{code, description}``, the code the HTTP status."""
    return respond(fmt, "errors", [{"code": status, "description": text} for text in descriptions], status=status)
