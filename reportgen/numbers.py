"""How numbers are printed in the reports' tables: counts, signed changes, money in 万元."""

from __future__ import annotations


def format_count(value) -> str:
    """A count cell: the number, or an empty cell for null (never a guessed 0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def format_change(value) -> str:
    """本年增/减 is printed signed (`+1036`, `-653`); zero is printed plain."""
    if value is None:
        return ""
    text = format_count(value)
    return f"+{text}" if value > 0 else text


def format_amount(value, unit: str = "万元") -> str:
    """Money: up to four decimals (the precision reports print), trailing zeros dropped, then the unit."""
    if value is None:
        return ""
    text = f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return text + unit
