"""Tracking codes and access keys of complaints.

Both are read aloud on the phone and copied by hand from paper, so they use an alphabet without the
characters people confuse (0/O, 1/I/L, and U, which reads like V), are grouped with dashes, and are
matched leniently: any case, with or without spaces and dashes, full-width characters typed with a
Chinese input method folded to ASCII.

The access key, not the code, protects a complaint: it carries 28 symbols from a 30-symbol
alphabet, i.e. 28 · log2(30) ≈ 137 bits from ``secrets``, and cannot be guessed or enumerated. The
tracking code only names the complaint, so it is short enough to read over the phone and keep on a
slip of paper: 12 symbols in three groups (``XXXX-XXXX-XXXX``, 14 characters), ≈ 59 bits, which
keeps collisions rare (a collision only costs another draw). Codes issued before in the long form
stay valid for lookup.

The access key is stored only as its SHA-256 digest. It is a high-entropy random secret, not a
password, so a fast hash is enough: nobody can search a 2^137 space, however fast each try is.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP_SIZE = 4
# The access key (and the tracking codes of the first issue): seven groups.
GROUPS = 7
LENGTH = GROUPS * GROUP_SIZE
BITS = LENGTH * math.log2(len(ALPHABET))
# The tracking code as issued now: three groups.
CODE_GROUPS = 3
CODE_LENGTH = CODE_GROUPS * GROUP_SIZE
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))

# Characters that never appear in a code and what the reader most likely meant. 0/O and 1/I/L have
# no partner in the alphabet, so they stay as they are and the input simply matches nothing.
_CONFUSIONS = str.maketrans({"U": "V"})
_SEPARATORS = re.compile(r"[\s\-_.·—–‐/]+")
_WELL_FORMED = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
_WELL_FORMED_CODE = re.compile(f"^(?:[{ALPHABET}]{{{CODE_LENGTH}}}|[{ALPHABET}]{{{LENGTH}}})$")


def _random_symbols(length: int = LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _group(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def normalize(value: object) -> str:
    """The symbols a person meant, without separators: ``"7k2m-…"`` → ``"7K2M…"``."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _SEPARATORS.sub("", text).upper().translate(_CONFUSIONS)


def is_well_formed(symbols: str) -> bool:
    """Whether normalised input has the shape of a key (right length, right alphabet)."""
    return bool(_WELL_FORMED.match(symbols))


def is_well_formed_code(symbols: str) -> bool:
    """Whether normalised input has the shape of a tracking code, short (now) or long (before)."""
    return bool(_WELL_FORMED_CODE.match(symbols))


def new_tracking_code() -> str:
    """A fresh tracking code as stored and shown: ``XXXX-XXXX-XXXX``."""
    return _group(_random_symbols(CODE_LENGTH))


def format_tracking_code(value: object) -> str:
    """The stored form of what a person typed (grouped), or "" when it cannot be a code."""
    symbols = normalize(value)
    return _group(symbols) if is_well_formed_code(symbols) else ""


def new_access_key() -> str:
    """A fresh access key in its display form; shown once, stored only as its digest."""
    return _group(_random_symbols())


def hash_access_key(key: object) -> str:
    """SHA-256 hex digest of the normalised key, so that a key typed loosely still matches."""
    return hashlib.sha256(normalize(key).encode("ascii", "replace")).hexdigest()


# Compared against when there is no stored digest, so that an unknown code costs the same work as a
# wrong key (see ``complaints.selectors.complaint_get_for_public``).
DUMMY_DIGEST = hash_access_key(_random_symbols())


def access_key_matches(key: object, digest: str) -> bool:
    """Constant-time comparison of a presented key with a stored digest."""
    return hmac.compare_digest(hash_access_key(key), digest or DUMMY_DIGEST)


PUBLIC_ID_LENGTH = 10


def new_public_id() -> str:
    """A complaint's public number: 10 symbols of the same alphabet (≈ 49 bits), drawn
    independently of its tracking code and access key, so that knowing it reveals neither."""
    return "".join(secrets.choice(ALPHABET) for _ in range(PUBLIC_ID_LENGTH))
