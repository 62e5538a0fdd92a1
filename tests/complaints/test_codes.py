from __future__ import annotations

import re

import pytest

from complaints import codes

AMBIGUOUS = set("0O1ILU")


def test_alphabet_has_no_ambiguous_characters_and_codes_carry_at_least_128_bits() -> None:
    assert not AMBIGUOUS & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET)
    assert codes.BITS >= 128


def test_tracking_code_is_grouped_for_reading_aloud() -> None:
    code = codes.new_tracking_code()
    # Short enough to read over the phone: three groups, 14 characters in all.
    assert re.fullmatch(r"([2-9A-HJKMNP-TV-Z]{4}-){2}[2-9A-HJKMNP-TV-Z]{4}", code)
    assert len(code) <= 14
    assert not AMBIGUOUS & set(code)
    # The key, not the code, protects the complaint: it keeps its full length.
    key = codes.new_access_key()
    assert re.fullmatch(r"([2-9A-HJKMNP-TV-Z]{4}-){6}[2-9A-HJKMNP-TV-Z]{4}", key)
    assert codes.BITS >= 100


def test_codes_of_the_first_issue_stay_valid_for_lookup() -> None:
    long_code = "-".join(["ABCD"] * 7)
    assert codes.format_tracking_code(long_code.lower().replace("-", "")) == long_code
    assert codes.format_tracking_code("abcd efgh jkmn") == "ABCD-EFGH-JKMN"
    # Neither a key's length nor a code's: nothing.
    assert codes.format_tracking_code("ABCD-EFGH") == ""
    assert codes.format_tracking_code("A" * 20) == ""


def test_codes_and_keys_are_random() -> None:
    drawn = {codes.new_tracking_code() for _ in range(2000)}
    assert len(drawn) == 2000
    # Every symbol of the alphabet shows up: the codes use all of it, not a guessable subset.
    assert set("".join(drawn).replace("-", "")) == set(codes.ALPHABET)
    assert codes.new_access_key() != codes.new_access_key()


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "{lower}",
        "{plain}",
        "{spaced}",
        "  {lower}  ",
        "{fullwidth}",
    ],
)
def test_typed_code_is_normalised_to_the_stored_form(typed: str) -> None:
    code = codes.new_tracking_code()
    plain = code.replace("-", "")
    variants = {
        "code": code,
        "lower": code.lower(),
        "plain": plain,
        "spaced": " ".join(plain[i : i + 4] for i in range(0, len(plain), 4)),
        # A Chinese input method types full-width letters and dashes.
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) if c != "-" else "－" for c in code),
    }
    assert codes.format_tracking_code(typed.format(**variants)) == code


def test_u_read_as_v_and_malformed_input_is_no_code() -> None:
    code = "V" * 28
    assert codes.format_tracking_code("u" * 28) == "-".join(["VVVV"] * 7)
    assert codes.format_tracking_code("u" * 12) == "-".join(["VVVV"] * 3)
    assert codes.format_tracking_code(code[:-1]) == ""  # too short
    assert codes.format_tracking_code("0" * 28) == ""  # never issued: 0 is not in the alphabet
    assert codes.format_tracking_code("") == ""
    assert codes.format_tracking_code(None) == ""
    assert codes.format_tracking_code("x" * 10_000) == ""


def test_access_key_is_stored_as_sha256_and_matches_loosely_typed_input() -> None:
    key = codes.new_access_key()
    digest = codes.hash_access_key(key)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert key not in digest
    assert key.replace("-", "") not in digest
    assert codes.access_key_matches(key, digest)
    assert codes.access_key_matches(key.lower().replace("-", " "), digest)
    assert not codes.access_key_matches(codes.new_access_key(), digest)
    assert not codes.access_key_matches("", digest)
    assert not codes.access_key_matches(key, "")
