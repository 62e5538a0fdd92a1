"""The form of an API token: ``<identifier>.<secret>``. The identifier finds the row and is not
secret; the whole token's SHA-256 digest is what the row keeps. A token carries 256 random bits, so
a fast digest is enough (a slow password hash would only slow down every API call): nobody can
find a token from its digest by trying."""

from __future__ import annotations

import hashlib
import re
import secrets

# 6 bytes: collisions of identifiers are refused by a unique constraint and practically never happen.
KEY_ID_BYTES = 6
SECRET_BYTES = 32
SEPARATOR = "."
# What an issued token looks like; anything else is refused before the database is asked.
TOKEN = re.compile(r"(?P<key_id>[0-9a-f]{12})\.[A-Za-z0-9_-]{43}")


def token_generate() -> tuple[str, str]:
    """A new token and its identifier: (key_id, token)."""
    key_id = secrets.token_hex(KEY_ID_BYTES)
    return key_id, f"{key_id}{SEPARATOR}{secrets.token_urlsafe(SECRET_BYTES)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_key_id(token: str) -> str | None:
    """The identifier of a well-formed token, else None."""
    match = TOKEN.fullmatch(token)
    return match["key_id"] if match else None
