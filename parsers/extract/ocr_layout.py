"""OCR word boxes → text lines whose table cells are separated by TAB.

Tesseract reports words with their boxes; reading order across a table is unreliable, so lines are rebuilt
here: words whose vertical extents overlap form a line, and within a line a gap wider than CELL_GAP
character heights starts a new cell. The text tokenizer then reads `label<TAB>3001<TAB>53…` as a label and
its cells, as for any tab-separated export.

Also here, the geometry of the repairs ocr.py makes with a second opinion: numbers from the digits pass
replace chi_sim's reading of the same place (`merge_digits`), and ink in a table row that no word covers
(a lone `0` or `7` that chi_sim skipped) is found for a re-read (`unread_boxes`). And row labels with one
misread character (法规森止公开) are given back their printed wording, so the row is recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from statistics import median

CELL_GAP = 1.5  # a gap wider than this many character heights separates two table cells
MIN_DIGIT_CONFIDENCE = 50
SURE = 60  # a word read with less confidence does not count as covering its ink
NUMBER_RE = re.compile(r"[+\-]?\d[\d,]*(?:\.\d+)?%?")
# Borders that survive erasing come out as bars; they are not text.
_BARS = set("|｜丨¦[]")


@dataclass(frozen=True, slots=True)
class Word:
    left: int
    top: int
    right: int
    bottom: int
    text: str
    confidence: float = 100.0

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def is_number(text: str) -> bool:
    return NUMBER_RE.fullmatch(text) is not None


def is_doubtful(word: Word) -> bool:
    """A word that is no sure reading: read with little confidence, or digits mixed with junk (1]1)."""
    if is_number(word.text):
        return False
    return word.confidence < SURE or (word.text.isascii() and any(c.isdigit() for c in word.text))


def _is_glyph(text: str) -> bool:
    return any(c.isdigit() or "\u4e00" <= c <= "\u9fff" for c in text)


def parse_tsv(tsv: str) -> list[Word]:
    words = []
    for line in tsv.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11].strip().strip("|｜")
        if not text or all(c in _BARS for c in text):
            continue
        left, top, width, height = (int(v) for v in parts[6:10])
        words.append(Word(left, top, left + width, top + height, text, float(parts[10])))
    return words


def glyph_height(words: list[Word]) -> float:
    heights = [w.height for w in words if _is_glyph(w.text)]
    return median(heights) if heights else 20.0


def _overlap(a: Word, b: Word) -> float:
    """Shared area as a share of the smaller box."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a.right - a.left) * a.height, (b.right - b.left) * b.height) or 1
    return width * height / smaller


def merge_digits(words: list[Word], digits: list[Word]) -> list[Word]:
    """The chi_sim words with their numbers taken from the digits pass where it read one at the same place.

    Words holding Chinese read with confidence stay as chi_sim read them (2024年, 1.属于国家秘密), and what the
    digits pass made of Chinese characters (a `2` over 二) is dropped because it lies on such a word. A
    number only chi_sim saw is kept; one only the digits pass saw is added; a doubtful chi_sim word (人 read
    over 447 with confidence 30) gives way to a sure number at its place.
    """
    text_words = [w for w in words if not w.text.isascii() and w.confidence >= SURE]
    found = [d for d in digits if d.confidence >= MIN_DIGIT_CONFIDENCE and any(c.isdigit() for c in d.text)
             and not any(_overlap(d, w) > 0.3 for w in text_words)]
    kept = [w for w in words
            if (not w.text.isascii() and w.confidence >= SURE) or not any(_overlap(w, d) > 0.3 for d in found)]
    return kept + found


def group_lines(words: list[Word], glyph: float) -> list[list[Word]]:
    """Words whose vertical extents overlap by half a glyph are one line; small marks (，、 dots) join the
    line their middle falls in rather than starting lines of their own."""
    lines: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    marks = []
    for word in sorted(words, key=lambda w: w.middle):
        if word.height < glyph * 0.5 and not _is_glyph(word.text):
            marks.append(word)
            continue
        if bands:
            top, bottom = bands[-1]
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap >= 0.5 * min(bottom - top, word.height, glyph):
                lines[-1].append(word)
                bands[-1] = (median(w.top for w in lines[-1]), median(w.bottom for w in lines[-1]))
                continue
        lines.append([word])
        bands.append((word.top, word.bottom))
    for mark in marks:
        near = min(range(len(bands)), key=lambda i: abs((bands[i][0] + bands[i][1]) / 2 - mark.middle), default=None)
        if near is not None and bands[near][0] - glyph / 2 <= mark.middle <= bands[near][1] + glyph / 2:
            lines[near].append(mark)
    return lines


def cell_boxes(dark, words: list[Word], glyph: float, limit: int = 400) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) of the cells of table rows, found as runs of ink.

    A table row is a line with two numbers or more standing apart as cells (a date in prose, 2021年1月1日,
    does not); its cells are the runs of ink in the band of its numbers, right of its label (however
    badly the label was read) and within the columns where the page's numbers stand. So a cell OCR skipped
    (a lone 0) is found as well as one it read, and labels and prose are never sent to the digits reader.
    `dark` is the page as a boolean array (True = ink).
    """
    import numpy as np

    rows = [(line, cells) for line in group_lines(words, glyph) if len(cells := _cell_numbers(line, glyph)) >= 2]
    if not rows:
        return []
    left = max(0, int(min(cells[0].left for _, cells in rows) - glyph))
    right = min(dark.shape[1], int(max(cells[-1].right for _, cells in rows) + glyph))
    boxes = []
    for line, cells in rows:
        top, bottom = min(w.top for w in cells), max(w.bottom for w in cells)
        text = [w for w in line if not w.text.isascii() and not is_doubtful(w)]
        label_end = max((w.right for w in line if not w.text.isascii() and w.right <= cells[0].left), default=0)
        start = max(left, int(label_end + glyph / 2))
        columns = dark[top:bottom, start:right].any(axis=0)
        for x0, x1 in _runs(columns, join=int(0.6 * glyph)):
            x0, x1 = x0 + start, x1 + start
            if x1 - x0 > 5 * glyph or any(w.left - 2 < x1 and x0 < w.right + 2 for w in text):
                continue
            inked = np.flatnonzero(dark[top:bottom, x0:x1].any(axis=1))
            if len(inked) and inked[-1] - inked[0] + 1 >= 0.4 * glyph:
                boxes.append((x0, top + int(inked[0]), x1, top + int(inked[-1]) + 1))
    return boxes[:limit]


def _cell_numbers(line: list[Word], glyph: float) -> list[Word]:
    """The numbers of a line that stand apart from their neighbours as table cells, left to right."""
    ordered = sorted(line, key=lambda w: w.left)
    out = []
    for k, word in enumerate(ordered):
        before = word.left - ordered[k - 1].right if k else float("inf")
        after = ordered[k + 1].left - word.right if k + 1 < len(ordered) else float("inf")
        if is_number(word.text) and min(before, after) > glyph:
            out.append(word)
    return out


def _runs(flags, join: int) -> list[tuple[int, int]]:
    """[start, end) of the True runs of a 1-d array, runs closer than `join` merged."""
    import numpy as np

    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    out: list[tuple[int, int]] = []
    for start, end in zip(edges[::2], edges[1::2]):
        if out and start - out[-1][1] < join:
            out[-1] = (out[-1][0], int(end))
        else:
            out.append((int(start), int(end)))
    return out


def with_readings(words: list[Word], readings: list[Word]) -> list[Word]:
    """The words with the digits model's readings of cells in place of what lies under them (chi_sim's
    numbers and doubtful words; a sure Chinese word is never a cell, so it is never replaced)."""
    kept = [w for w in words if not (w.text.isascii() or is_doubtful(w)) or not any(_overlap(w, r) > 0.3 for r in readings)]
    return kept + readings


def layout_text(words: list[Word]) -> str:
    """Lines rebuilt from word boxes; cells of a line separated by TAB."""
    if not words:
        return ""
    glyph = glyph_height(words)
    lines = [_line_cells(line, glyph) for line in group_lines(words, glyph)]
    return "\n".join("\t".join(_with_label_repaired(cells)) for cells in lines) + "\n"


def _line_cells(line: list[Word], glyph: float) -> list[str]:
    cells = [""]
    previous = None
    for word in sorted(line, key=lambda w: w.left):
        if previous is not None:
            gap = word.left - previous.right
            if gap > CELL_GAP * glyph:
                cells.append("")
            elif gap > 0.3 * glyph and previous.text[-1].isascii() and word.text[0].isascii():
                cells[-1] += " "  # two Latin words or numbers side by side stay two words
        cells[-1] += word.text
        previous = word
    # the first character of a vertical row header (三、 of 三、本年度办理结果) printed close to the next label
    return [part for c in cells for part in _HEADER_THEN_LABEL_RE.split(_cleaned(c)) if part]


# Glyphs OCR puts in place of what the reports print: 〈一) for （一）, a stray _ inside a label
# (“三_安全一稳定”). Without the fix a row label is not recognised and its numbers run into the row before.
_NUMBERING_RE = re.compile(r"[〈《<{\[（(]\s*([一二三四五六七八九十])\s*[)）〉》>}\]]")
_HEADER_THEN_LABEL_RE = re.compile(r"^([一二三四五六七八九十]、)(?=（[一二三四五六七八九十]）)")
_LEADING_NUMBERING_RE = re.compile(r"^(?:\s*(?:（[一二三四五六七八九十]）|[一二三四五六七八九十][、.]|\d{1,2}\s*[.、．]?))+")


def _cleaned(cell: str) -> str:
    return _NUMBERING_RE.sub(r"（\1）", cell.replace("_", ""))


def _cjk(text: str) -> str:
    return "".join(c for c in text if "\u4e00" <= c <= "\u9fff")


@lru_cache(maxsize=1)
def _official_labels() -> tuple[str, ...]:
    from ..vocabulary import APPLICATION_ROWS

    labels = (_cjk(_LEADING_NUMBERING_RE.sub("", row.zh)) for row in APPLICATION_ROWS)
    return tuple(label for label in labels if len(label) >= 4)


def _with_label_repaired(cells: list[str]) -> list[str]:
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
    group = _GROUP_THEN_ITEM_RE.match(cell)  # （六）其他处理1.申请人…: the group label, then the row's own
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
    """How closely `key` reads as `label`: the whole, the first line of a wrapped label, or the label at
    the end of the cell after stray characters of a vertical row header (理果结（三）不予公开1.属于国家秘密)."""
    ratios = [SequenceMatcher(None, key, label).ratio()]
    if len(key) >= 6:
        ratios.append(SequenceMatcher(None, key, label[: len(key)]).ratio())
    if len(key) > len(label) >= 4:
        ratios.append(SequenceMatcher(None, key[-len(label) :], label).ratio())
    return max(ratios)


_GROUP_THEN_ITEM_RE = re.compile(r"^（[一二三四五六七]）[\u4e00-\u9fff]{2,6}[。.，,、\s]*(?=\d)")
# （二）部分公开's long parenthesis is where OCR most often garbles the label (the vertical row header
# 本年度办理结果 is printed right beside it); what survives of it still names the row.
_PARTIAL_LABEL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
_PARTIAL_PHRASES = ("区分处理", "只计这一情", "不计其他情形")
