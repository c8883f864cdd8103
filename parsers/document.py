"""A document as the readers see it: normalised text plus the token stream, built from extracted pieces.

Extractors (extract/*.py) return a list of pieces in reading order: a `str` for running text, a `Grid` for a
table. `build_document` lays them out as one text (tables as tab-separated lines, so prose regexes and
metadata see the cells too), normalises it without moving any character, and tokenises text pieces by
shape and grid cells one by one with their cell coordinates as locators.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .normalize import normalize_document
from .report_types import Problem
from .tokens import NUM_RE, Token, tokenize_cell, tokenize_text

# a cell's text on one line of the layout: its own line breaks, tabs and pipes would read as cell borders
_FLATTEN = str.maketrans({"\n": " ", "\t": " ", "|": " ", "\r": " "})
_BORDER_RE = re.compile(r"[\n\t|\r]")  # found first: translating every cell would cost more than the search


@dataclass
class Grid:
    """A table: cells in reading order, each (row, col, text) with 1-based grid coordinates."""

    cells: list[tuple[int, int, str]]
    label: str = "table"  # locator prefix, e.g. "table 3" or "docx table 2"


@dataclass
class Document:
    text: str  # normalised, simplified
    original: str  # the laid-out text before normalisation (same length as `text`)
    tokens: list[Token]
    traditional: bool
    meta: dict = field(default_factory=dict)  # e.g. {"title": ..., "publication_date": ...} from page metadata
    problems: list[Problem] = field(default_factory=list)


def build_document(pieces: Sequence[str | Grid], meta: dict | None = None) -> Document:
    parts: list[str] = []
    spans: list[tuple[int, int, str | None]] = []  # (start, end, None or the grid cell's locator)
    pos = 0
    for piece in pieces:
        if isinstance(piece, Grid):
            label = piece.label
            last_row = None
            for row, col, text in piece.cells:
                if last_row is not None:
                    parts.append("\n" if row != last_row else "\t")
                    pos += 1
                if text and _BORDER_RE.search(text):
                    text = text.translate(_FLATTEN)
                end = pos + len(text)
                spans.append((pos, end, f"{label}, row {row}, col {col}"))
                parts.append(text)
                pos = end
                last_row = row
            parts.append("\n")
            pos += 1
        else:
            spans.append((pos, pos + len(piece), None))
            parts.append(piece)
            pos += len(piece)
            if not piece.endswith("\n"):
                parts.append("\n")
                pos += 1
    original = "".join(parts)
    text, traditional = normalize_document(original)
    tokens: list[Token] = []
    for start, end, where in spans:
        if where is None:
            tokens.extend(tokenize_text(text[start:end], start))
        else:
            cell = text[start:end].strip()
            # most cells: one number (tokenize_cell's fast path, inline; decimal digits alone need no regex)
            if cell.isdecimal() or (cell and NUM_RE.fullmatch(cell)):
                tokens.append(Token("num", cell, where))
            else:
                tokens.extend(tokenize_cell(cell, where))
    return Document(text=text, original=original, tokens=tokens, traditional=traditional, meta=meta or {})
