"""The token stream: every document, whatever its shape, becomes a flat list of tokens.

A token is a label fragment (text), a number (num) or an empty cell (blank), with a locator saying where it
came from. Table readers walk this stream looking for row labels and taking the values that follow, which
is why one reader serves HTML grids, docx tables, one-cell-per-line text, `|` rows, space-separated rows
and PDF layout lines alike.

Splitting rules for a piece of text:
- `|` in a line: the line is a row of cells separated by `|` (an empty cell is a blank token);
- a tab in a line: cells separated by tabs (a leading tab is indentation; a line holding only a tab is one
  empty cell, as in text exported from HTML with one cell per line);
- otherwise words separated by whitespace: consecutive words that are not numbers join into one label
  (so labels broken by spaces, 商业 企业, are whole again), except where a new numbered label starts;
- a label with digits glued to its end (…申请数量640020470) gives a text token and a `glued` number run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NUM_RE = re.compile(r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|元|件|条|个|项|次|%)?")
_GLUED_RE = re.compile(r"^(.*[\u4e00-\u9fff)）\"])([+\-]?\d[\d+\-.,]*(?:万元|元)?)$")
# A numbered label starting inside a word: 三、本年度办理结果(一)予以公开 or (三)不予公开1.属于国家秘密
# (cells run together). Not after 第 (第二十条第(一)项 is one label).
_INNER_NUMBERED = re.compile(
    r"(?<=[\u4e00-\u9fff\")])(?<!第)(?=\([一二三四五六七八九十]\)|\d{1,2}\.(?=[\u4e00-\u9fff]))"
)
_STARTS_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\((?:[一二三四五六七八九十]+|\d{1,2})\)|\d{1,2}[.、](?!\d))"
)


# Placeholder column headers written by PDF-to-markdown converters (数据1 … 数据6, 列3, Column 2).
_PLACEHOLDER_RE = re.compile(r"(?:数据|列|栏|[Cc]olumn|[Cc]ol)\s*\d{1,2}")

# A cell printed as a dash, slash or 无 says "nothing": an empty cell, never a number and never skipped
# (skipping it would shift the next number into its column).
_EMPTY_MARKS = {"-", "—", "–", "/", "／", "无", "--", "——", "\\"}


@dataclass(slots=True)
class Token:
    kind: str  # "text" | "num" | "blank"
    text: str
    where: str
    glued: bool = False  # a digit run glued to a label: several cells run together


_WORD_RE = re.compile(r"\S+")


def tokenize_segment(segment: str, base: int | None, where: str | None = None) -> list[Token]:
    """Tokens of one cell or line segment. `base` is its offset in the document text (None for grid cells)."""
    word = segment.strip()
    if not word:
        return []
    offset = base or 0
    if NUM_RE.fullmatch(word):  # one number, most cells: what the walk below gives, without it
        a = offset + len(segment) - len(segment.lstrip())
        return [Token("num", word, where if where is not None else f"text chars {a}-{a + len(word)}")]
    parts = _short_segment_parts(segment) if len(segment) <= _SHORT else _segment_parts(segment)
    if where is not None:
        return [Token(kind, text, where, glued) for kind, text, _, _, glued in parts]
    return [Token(kind, text, f"text chars {offset + a}-{offset + b}", glued) for kind, text, a, b, glued in parts]


def _segment_parts(segment: str) -> tuple[tuple[str, str, int, int, bool], ...]:
    """(kind, text, start, end, glued) of each token of a segment, offsets relative to the segment."""
    out: list[tuple[str, str, int, int, bool]] = []
    pending: list[tuple[str, int, int]] = []

    def flush():
        if not pending:
            return
        text = "".join(w for w, _, _ in pending)
        a, b = pending[0][1], pending[-1][2]
        pending.clear()
        cuts = [m.start() for m in _INNER_NUMBERED.finditer(text)] if len(text) <= 60 else []
        if not cuts or " " in text:
            out.append(("text", text, a, b, False))
            return
        for s, e in zip([0, *cuts], [*cuts, len(text)]):
            out.append(("text", text[s:e], a + s, a + e, False))

    for m in _WORD_RE.finditer(segment):
        word = m.group()
        a, b = m.start(), m.end()
        if word in _EMPTY_MARKS:
            flush()
            out.append(("blank", "", a, b, False))
            continue
        if NUM_RE.fullmatch(word):
            flush()
            out.append(("num", word, a, b, False))
            continue
        if _PLACEHOLDER_RE.fullmatch(word):
            flush()  # 数据3: a converter's column header, never a label with its value
            out.append(("text", word, a, b, False))
            continue
        glued = _GLUED_RE.match(word)
        if glued:
            head = glued.group(1)
            if pending and _STARTS_NUMBERED.match(head):
                flush()
            pending.append((head, a, a + len(head)))
            flush()
            out.append(("num", glued.group(2), a + len(head), b, True))
            continue
        if pending and _STARTS_NUMBERED.match(word):
            flush()
        pending.append((word, a, b))
    flush()
    return tuple(out)


# Labels and other short segments recur from report to report (the same rows, headers and cells): their split
# is cached. Longer ones (prose lines) are mostly unique, and split anew.
_SHORT = 60
_short_segment_parts = lru_cache(maxsize=16384)(_segment_parts)


def tokenize_cell(text: str, where: str) -> list[Token]:
    """Tokens of one grid cell (HTML, docx): an empty cell is one blank token."""
    stripped = text.strip()
    if not stripped or stripped in _EMPTY_MARKS:
        return [Token("blank", "", where)]
    if NUM_RE.fullmatch(stripped):  # the common case, kept fast
        return [Token("num", stripped, where)]
    return [Token(kind, part, where, glued) for kind, part, glued in _cell_parts(stripped)]


@lru_cache(maxsize=16384)
def _cell_parts(text: str) -> tuple[tuple[str, str, bool], ...]:
    """Split of a label cell (the same labels recur in every report, so it is cached)."""
    return tuple((t.kind, t.text, t.glued) for t in tokenize_segment(text, None, "")) or (("blank", "", False),)


_LINE_END_NUMBER_RE = re.compile(r"[|\t ]\s*\d{1,2}\s*$|^\s*\|?\s*\d{1,2}\s*$")
_NEXT_LINE_NUMBERED_RE = re.compile(r"^\s*\|?\s*[.、．]\s*[\u4e00-\u9fff\"“]")


def _numbering_cut_at_line_end(line: str, following: str) -> str:
    """The tail of `line` holding a sub-row number whose label goes on at the start of the next line."""
    if not _NEXT_LINE_NUMBERED_RE.match(following):
        return ""
    m = _LINE_END_NUMBER_RE.search(line)
    return m.group(0) if m else ""


def tokenize_text(text: str, base: int = 0) -> list[Token]:
    """Tokens of plain text (any of the text shapes), offsets relative to the document text."""
    out: list[Token] = []
    pos = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        start = base + pos
        pos += len(line) + 1
        if not line.strip(" \r\t") and "\t" not in line and "|" not in line:
            continue
        numbering_cut = _numbering_cut_at_line_end(line, lines[index + 1] if index + 1 < len(lines) else "")
        if numbering_cut:  # `| 5` then `.要求行政机关确认…`: the 5 is the label's number, not a cell
            head = line[: len(line) - len(numbering_cut)]
            out.extend(tokenize_text(head, start) if head.strip(" |\t") else [])
            out.append(
                Token("text", numbering_cut.strip(" |\t"), f"text chars {start + len(head)}-{start + len(line)}")
            )
            continue
        if "|" in line:
            cells = line.split("|")
            first_empty = bool(cells) and not cells[0].strip()
            offset = start
            for i, cell in enumerate(cells):
                cell_start = offset
                offset += len(cell) + 1
                if (i == 0 and first_empty) or (i == len(cells) - 1 and not cell.strip()):
                    continue
                toks = tokenize_segment(cell, cell_start)
                out.extend(toks or [Token("blank", "", f"text chars {cell_start}-{cell_start + len(cell)}")])
        elif "\t" in line:
            cells = line.split("\t")
            offset = start
            for i, cell in enumerate(cells):
                cell_start = offset
                offset += len(cell) + 1
                if i == 0 and not cell.strip():
                    continue  # indentation before the first cell
                toks = tokenize_segment(cell, cell_start)
                out.extend(toks or [Token("blank", "", f"text chars {cell_start}-{cell_start + len(cell)}")])
        else:
            out.extend(tokenize_segment(line, start))
    return out
