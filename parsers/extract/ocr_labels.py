"""Row labels and cells of OCR text, given back what the reports print.

OCR misreads a character here and there; in a row label that is enough for the table reader not to
recognise the row, and then its numbers run into the row before. So:
- in every line, 〈一) is （一）, a stray `_` goes (“三_安全一稳定”), `2 .` is `2.`, and 三、 of a vertical
  row header printed close to the next label is a cell of its own;
- in table rows, a label with a misread character (法规森止公开) gets the printed wording back when
  exactly one official label (parsers.vocabulary) is that close, and nothing else is (`_repaired_label`).
A wrong repair can only misplace a row, and the table's arithmetic, checked after, would not hold.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

NUMBER_RE = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?%?")
MAX_LEADING_JUNK = 6


def is_number(text: str) -> bool:
    return NUMBER_RE.fullmatch(text) is not None


_NUMBERING_RE = re.compile(r"[〈《<{\[（(]\s*([一二三四五六七八九十])\s*[)）〉》>}\]]")
_SPACED_NUMBERING_RE = re.compile(r"^(\d{1,2})\s+([.、．])")
_HEADER_THEN_LABEL_RE = re.compile(r"^([一二三四五六七八九十]、)(?=（[一二三四五六七八九十]）)")
_LEADING_NUMBERING_RE = re.compile(
    r"^(?:\s*(?:（[一二三四五六七八九十]）|[一二三四五六七八九十][、.]|\d{1,2}\s*[.、．]?))+"
)


def cleaned(cell: str) -> str:
    # "2 .没有现成信息": the 2 is no cell of the row above
    cell = _SPACED_NUMBERING_RE.sub(r"\1\2", cell)
    return _NUMBERING_RE.sub(r"（\1）", cell.replace("_", ""))


def _cjk(text: str) -> str:
    return "".join(c for c in text if "\u4e00" <= c <= "\u9fff")


@lru_cache(maxsize=1)
def _official_labels() -> tuple[str, ...]:
    from ..vocabulary import APPLICATION_ROWS

    labels = (_cjk(_LEADING_NUMBERING_RE.sub("", row.zh)) for row in APPLICATION_ROWS)
    return tuple(label for label in labels if len(label) >= 4)


def split_header(cell: str) -> list[str]:
    """三、（一）予以公开 → 三、 | （一）予以公开 (the first character of 三、本年度办理结果, printed down the
    first column, set close to the label beside it)."""
    return _HEADER_THEN_LABEL_RE.split(cell)


def with_label_repaired(cells: list[str]) -> list[str]:
    """A table row whose label has a misread character (法规森止公开 for 法规禁止公开) gets the printed label
    back when exactly one official label is that close; rows only (a line with two numbers or more)."""
    if sum(is_number(c) for c in cells) < 2:
        return cells
    return [_repaired_label(c) if not is_number(c) else c for c in cells]


def _repaired_label(cell: str) -> str:
    from ..normalize import normalize_document
    from ..tables.labels import classify_application_label

    if classify_application_label(normalize_document(cell)[0], True) is not None:
        return cell
    # （六）其他处理1.申请人…: the group label, then the row's own
    group = _GROUP_THEN_ITEM_RE.match(cell)
    if group:
        return group.group(0) + _repaired_label(cell[group.end() :])
    if any(phrase in cell for phrase in _PARTIAL_PHRASES):
        return _PARTIAL_LABEL
    numbering = _LEADING_NUMBERING_RE.match(cell)
    head = numbering.group(0) if numbering else ""
    key = _cjk(cell[len(head) :])
    if len(key) < 4:
        return cell
    scored = sorted((_likeness(key, label), label) for label in _official_labels())
    (runner_up, _), (best, label) = scored[-2], scored[-1]
    if best >= 0.8 and best - runner_up >= 0.1:
        return head + (label if len(key) >= len(label) else label[: len(key)])
    return cell


def _likeness(key: str, label: str) -> float:
    """How closely `key` reads as `label`: the whole, or the first line of a wrapped label, either after a
    few stray leading characters (a vertical row header's 理果结, a group label's 其他处理 with its 1.
    misread as 工); or the label at the end of the cell (…不予公开1.属于国家秘密)."""
    ratios = []
    for skip in range(min(MAX_LEADING_JUNK, len(key) - 4) + 1):
        rest = key[skip:]
        ratios.append(SequenceMatcher(None, rest, label).ratio())
        if len(rest) >= 6:
            ratios.append(SequenceMatcher(None, rest, label[: len(rest)]).ratio())
    if len(key) > len(label) >= 4:
        ratios.append(SequenceMatcher(None, key[-len(label) :], label).ratio())
    return max(ratios)


_GROUP_THEN_ITEM_RE = re.compile(r"^（[一二三四五六七]）[\u4e00-\u9fff]{2,6}[。.，,、\s]*(?=\d)")
# （二）部分公开's long parenthesis is where OCR most often garbles the label (the vertical row header
# 本年度办理结果 is printed right beside it); what survives of it still names the row.
_PARTIAL_LABEL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
_PARTIAL_PHRASES = ("区分处理", "只计这一情", "不计其他情形")
