"""Spreadsheets (.xlsx, .xls, WPS .et) → one Grid per worksheet, read with python-calamine.

Coordinates are the sheet's own (1-based), so a locator names the cell a reader would look at. A merged
range appears once, at its top-left cell, like an HTML rowspan/colspan; rows with nothing in them are left
out. Numbers become the text a person sees: 3.0 → "3", 0.1 + 0.2 → "0.3" (15 significant digits, as
spreadsheet programs display them).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal

from ..document import Grid

# 65536 rows × 256 columns is a legal .xls; reading it cell by cell would take minutes for nothing
MAX_CELLS = 2_000_000


class SheetTooLarge(Exception):
    pass


def extract_spreadsheet(data: bytes, suffix: str) -> list[Grid]:
    """Grids of a workbook; `suffix` (.xlsx, .xls, .et) is its format. A compound-file workbook that
    calamine cannot read (some WPS .et, very old .xls) is converted to .xlsx by LibreOffice first."""
    from .office import Unsupported, convert_to_xlsx

    try:
        import python_calamine  # noqa: F401 — only to know whether it is there
    except ImportError:
        raise Unsupported(
            f"python-calamine is not installed (pip install python-calamine): {suffix} spreadsheets cannot be read"
        ) from None
    try:
        return extract_sheets(data)
    except SheetTooLarge:
        raise
    # calamine's errors are many; every one gets the second reader
    except Exception as exc:
        if suffix == ".xlsx":
            raise
        try:
            converted = convert_to_xlsx(data, suffix)
        except Unsupported as missing:
            why = f"{type(exc).__name__}: {exc}"[:200]
            raise Unsupported(f"python-calamine could not read it ({why}) and {missing}") from None
    return extract_sheets(converted)


def extract_sheets(data: bytes) -> list[Grid]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    pieces: list[Grid] = []
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet:  # chart and macro sheets hold no cells
            continue
        sheet = workbook.get_sheet_by_index(index)
        last_row, last_col = sheet.end or (0, 0)
        if (last_row + 1) * (last_col + 1) > MAX_CELLS:
            raise SheetTooLarge(f"sheet {meta.name!r} spans {last_row + 1} rows × {last_col + 1} columns")
        hidden = _merged_continuations(_merged_ranges(sheet))
        # skip_empty_area=False keeps absolute coordinates, the ones merged ranges are given in
        cells = [
            (r + 1, c + 1, cell_text(value))
            for r, row in enumerate(sheet.to_python(skip_empty_area=False))
            if any(cell_text(v).strip() for v in row)
            for c, value in enumerate(row)
            if (r, c) not in hidden
        ]
        if cells:
            pieces.append(Grid(cells=cells, label=f"sheet {index + 1}"))
    return pieces


def _merged_ranges(sheet) -> list:
    try:
        return sheet.merged_cell_ranges or []
    except Exception:  # noqa: BLE001 — some formats keep no merge list; then every cell stands alone
        return []


def _merged_continuations(ranges) -> set[tuple[int, int]]:
    """Every cell of a merged range but its top-left one (0-based)."""
    out: set[tuple[int, int]] = set()
    for (top, left), (bottom, right) in ranges:
        out.update((r, c) for r in range(top, bottom + 1) for c in range(left, right + 1) if (r, c) != (top, left))
    return out


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    # 1e-05 is not how a table prints a number
    return format(Decimal(text), "f") if "e" in text else text
