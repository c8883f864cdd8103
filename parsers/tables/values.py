"""Reading printed numbers: counts, signed changes and money (converted to 万元)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NUMBER_RE = re.compile(r"^([+\-−]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(.*)$")


def parse_count(text: str) -> int | float | None:
    """A printed cell as a number: '23' → 23, '+1036' → 1036, '-653' → -653, '9116.36' → 9116.36."""
    if text.isdigit() and text.isascii():  # the common case
        return int(text)
    m = _NUMBER_RE.match(text.strip())
    if not m:
        return None
    sign, digits, _unit = m.groups()
    digits = digits.replace(",", "")
    value = Decimal(digits)
    if sign in ("-", "−"):
        value = -value
    return int(value) if value == value.to_integral_value() and "." not in digits else float(value)


def parse_money_10k(text: str) -> tuple[float | int | None, bool]:
    """Money in 万元: '372718.4969万元' → 372718.4969, '251000元' → 25.1; (value, unit_was_missing)."""
    m = _NUMBER_RE.match(text.strip())
    if not m:
        return None, False
    sign, digits, unit = m.groups()
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None, False
    if sign in ("-", "−"):
        value = -value
    unit = unit.strip()
    missing = False
    if unit.startswith("万"):
        pass
    elif unit.startswith("元"):
        value = value / Decimal(10000)
    elif unit.startswith("亿"):
        value = value * Decimal(10000)
    else:
        missing = True
    value = value.normalize()
    if value == value.to_integral_value():
        return int(value), missing
    return float(value), missing
