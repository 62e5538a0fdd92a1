"""The API's JSON parser: bodies of bounded size and depth.

Python's ``json`` module recurses once per level of nesting, so a body of a few thousand ``[``
overflows the stack (RecursionError, a 500) before any serializer sees it, and DRF's own parser
reads a body of any size. This parser reads at most ``WORKSTYLE_MAX_JSON_BYTES`` bytes and measures
the nesting with a flat scan of the text before ``json.loads`` runs, so that both are a 400 with
the API's usual error, in the caller's language.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import get_encoding  # type: ignore[attr-defined]  # newer than the stubs
from rest_framework.utils.json import strict_constant

# No API input nests deeper than a few levels; 32 leaves room and keeps json.loads far from the
# interpreter's recursion limit.
MAX_DEPTH = 32

# A JSON string, escapes included. Possessive quantifiers never backtrack, and an unterminated
# string runs to the end of the text (as the decoder reads it) instead of failing and being tried
# again from every quote after it, which would make the scan quadratic.
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]++")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text, brackets inside strings left out. A loop in
    C (regular expressions, ``accumulate``), never a recursion: the text may be malformed or hostile,
    and ``json.loads`` will judge the rest."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes of the body: one byte more than allowed tells a body at the limit from
    one above it, and the rest of an oversized body is never read into memory. A WSGI server may
    hand the body over in pieces, hence the loop."""
    chunks: list[bytes] = []
    while size > 0 and (chunk := stream.read(size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


class BodyTooLarge(ParseError):
    """A body over the API's limit: 413, in the API's error format like any other error."""

    status_code = 413


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size and a depth limit; every API view parses JSON with it."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        # DRF's: the request's charset, text encodings only (a bz2 "charset" would decompress).
        encoding = get_encoding(parser_context or {})
        limit = settings.WORKSTYLE_MAX_JSON_BYTES
        body = _read_at_most(stream, limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise BodyTooLarge(
                _("The JSON body is larger than %(max)s bytes; send attachments as multipart/form-data.")
                % {"max": limit}
            )
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("The request body is not valid JSON.")) from None
        if json_depth(text) > MAX_DEPTH:
            raise ParseError(_("The JSON body is nested more than %(max)s levels deep.") % {"max": MAX_DEPTH})
        try:
            return json.loads(text, parse_constant=strict_constant if self.strict else None)
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("The request body is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None
        except ValueError:  # a constant out of range (NaN, Infinity), a number too long to read
            raise ParseError(_("The request body is not valid JSON.")) from None
