"""Structured payment references: the Belgian structured communication and the ISO 11649 RF creditor reference."""

from __future__ import annotations

import re


def ogm(base: int) -> str:
    """Belgian structured communication ``+++ddd/dddd/ddddd+++`` for a 10-digit base: check = base mod 97 (0 → 97)."""
    if not 0 <= base < 10**10:
        raise ValueError("the base must have at most 10 digits")
    check = base % 97 or 97
    digits = f"{base:010d}{check:02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def is_valid_ogm(value: str) -> bool:
    match = re.fullmatch(r"(?:\+\+\+|\*\*\*)?(\d{3})/?(\d{4})/?(\d{5})(?:\+\+\+|\*\*\*)?", value.strip())
    if not match:
        return False
    digits = "".join(match.groups())
    base, check = int(digits[:10]), int(digits[10:])
    return (base % 97 or 97) == check


def _numeric(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text))


def rf(body: str) -> str:
    """ISO 11649 creditor reference ``RFkk<body>`` (body: 1 to 21 letters or digits), printed in groups of four."""
    body = re.sub(r"\s", "", body).upper()
    if not re.fullmatch(r"[0-9A-Z]{1,21}", body):
        raise ValueError("an RF reference body has 1 to 21 letters or digits")
    check = 98 - _numeric(body + "RF00") % 97
    compact = f"RF{check:02d}{body}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def is_valid_rf(value: str) -> bool:
    compact = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", compact):
        return False
    return _numeric(compact[4:] + compact[:4]) % 97 == 1


def normalise(value: str) -> str:
    """The comparable form of a reference as banks print it: an OGM as its 12 digits, an RF reference compact in
    upper case; anything else compact in upper case."""
    compact = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    for found in re.finditer(r"RF\d{2}", compact):
        tail = compact[found.start() :]
        for length in range(min(len(tail), 25), 4, -1):
            if is_valid_rf(tail[:length]):
                return tail[:length]
    digits = re.sub(r"\D", "", value or "")
    for i in range(0, max(len(digits) - 11, 0)):
        if is_valid_ogm(digits[i : i + 12]):
            return digits[i : i + 12]
    return compact


def for_statement(country: str, space_id: int, number: int) -> str:
    """The reference printed on a statement: OGM for a Belgian space, RF elsewhere. Unique per (space, number)."""
    if country.upper() == "BE":
        return ogm((space_id % 100_000) * 100_000 + number % 100_000)
    return rf(f"PLEK{space_id}N{number}")
