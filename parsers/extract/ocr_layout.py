"""OCR word boxes → text lines whose table cells are separated by TAB, and the repairs OCR needs.

Tesseract reports words with their boxes; reading order across a table is unreliable, so lines are rebuilt
here: words whose vertical extents overlap form a line, and within a line a gap wider than CELL_GAP
character heights starts a new cell (in a table row, every number standing apart is a cell). The text
tokenizer then reads `label<TAB>3001<TAB>53…` as a label and its cells, as any tab-separated export.

Because OCR's digits are its weak part, the cells of table rows are found again here as runs of ink
(`cell_boxes`), for the digits model to read them and so a cell chi_sim skipped is not lost, and several
readings of a cell are settled by vote and row sum (`settle`). Labels are repaired in ocr_labels.py.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from statistics import median

from .ocr_labels import cleaned, is_number, split_header, with_label_repaired

CELL_GAP = 1.5  # a gap wider than this many character heights separates two table cells
SURE = 60  # a word read with less confidence does not count as covering its ink
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
                bands[-1] = (
                    median(w.top for w in lines[-1]),
                    median(w.bottom for w in lines[-1]),
                )
                continue
        lines.append([word])
        bands.append((word.top, word.bottom))
    for mark in marks:
        near = min(
            range(len(bands)),
            key=lambda i: abs((bands[i][0] + bands[i][1]) / 2 - mark.middle),
            default=None,
        )
        if near is not None and bands[near][0] - glyph / 2 <= mark.middle <= bands[near][1] + glyph / 2:
            lines[near].append(mark)
    return lines


Box = tuple[int, int, int, int]  # left, top, right, bottom


def cell_boxes(dark, words: list[Word], glyph: float, limit: int = 400) -> list[list[Box]]:
    """Boxes of the cells of table rows, row by row, found as runs of ink.

    A table row is a line with two numbers or more standing apart as cells (a date in prose, 2021年1月1日,
    does not), or with two doubtful words or more standing in those rows' columns (a row chi_sim read as
    人 " " "); its cells are the runs of ink in the band of its cells, right of its label (however badly
    the label was read) and within the columns where the page's numbers stand. So a cell OCR skipped (a
    lone 0) is found as well as one it read, and labels and prose are never sent to the digits reader.
    `dark` is the page as a boolean array (True = ink).
    """
    import numpy as np

    lines = group_lines(words, glyph)
    rows = [(line, cells) for line in lines if len(cells := _cell_numbers(line, glyph)) >= 2]
    if not rows:
        return []
    left = max(0, int(min(cells[0].left for _, cells in rows) - glyph))
    right = min(dark.shape[1], int(max(cells[-1].right for _, cells in rows) + glyph))
    centres = [(w.left + w.right) / 2 for _, cells in rows for w in cells]
    for line in lines:
        if len(_cell_numbers(line, glyph)) < 2:
            cells = [
                w
                for w in _cell_numbers(line, glyph, is_doubtful)
                if min(abs((w.left + w.right) / 2 - c) for c in centres) < glyph
            ]
            # a header line (维持 纠正 结果 …, some read with little confidence) has sure words where the
            # numbers stand: no row
            if len(cells) >= 2 and not any(
                left <= w.left and w.right <= right and not is_doubtful(w) and not w.text.isascii() for w in line
            ):
                rows.append((line, cells))
    out, count = [], 0
    for line, cells in rows:
        boxes = []
        top, bottom = min(w.top for w in cells), max(w.bottom for w in cells)
        text = [w for w in line if not w.text.isascii() and not is_doubtful(w)]
        label_end = max(
            (w.right for w in line if not w.text.isascii() and w.right <= cells[0].left),
            default=0,
        )
        start = max(left, int(label_end + glyph / 2))
        columns = dark[top:bottom, start:right].any(axis=0)
        for x0, x1 in _runs(columns, join=int(0.6 * glyph)):
            x0, x1 = x0 + start, x1 + start
            if x1 - x0 > 5 * glyph or any(w.left - 2 < x1 and x0 < w.right + 2 for w in text):
                continue
            inked = np.flatnonzero(dark[top:bottom, x0:x1].any(axis=1))
            if len(inked) and inked[-1] - inked[0] + 1 >= 0.4 * glyph:
                boxes.append((x0, top + int(inked[0]), x1, top + int(inked[-1]) + 1))
        count += len(boxes)
        if count > limit:
            break
        out.append(boxes)
    return out


def _cell_numbers(line: list[Word], glyph: float, kind=None) -> list[Word]:
    """The numbers (or words of another `kind`) of a line that stand apart from their neighbours as table
    cells, left to right (a doubtful mark beside a number, 。 read from a speck, is no neighbour)."""
    kind = kind or (lambda w: is_number(w.text))
    ordered = sorted(
        (w for w in line if kind(w) or not (is_doubtful(w) and not _is_glyph(w.text))),
        key=lambda w: w.left,
    )
    out = []
    for k, word in enumerate(ordered):
        before = word.left - ordered[k - 1].right if k else float("inf")
        after = ordered[k + 1].left - word.right if k + 1 < len(ordered) else float("inf")
        if kind(word) and min(before, after) > glyph:
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


def chi_readings(words: list[Word], boxes: list[Box]) -> dict[int, str]:
    """What chi_sim read in each box: its one number there, if it read exactly one. A number with a
    bracket or bar in it (1]1: the serif 1s of 11 set close) counts without them; it is one vote
    among several, and the row's arithmetic has the last word."""
    out = {}
    for k, (x0, top, x1, bottom) in enumerate(boxes):
        box = Word(x0, top, x1, bottom, "")
        under = [w for w in words if _overlap(w, box) > 0.3]
        text = under[0].text.translate(_NO_BARS) if len(under) == 1 else ""
        if is_number(text):
            out[k] = text
    return out


_NO_BARS = str.maketrans("", "", "|[]｜丨")


def settle(rows: list[list[Box]], readings: list[dict[int, str]]) -> dict[int, str]:
    """One text per cell (boxes numbered as in the rows flattened) from several readings of it.

    Per cell the reading most readers agree on (ties: see _ranked). Where that row does not add up (its
    last cell the sum of the others, or table 四's groups of four measures and their 总计) and exactly one
    choice among the readings makes it add up, that choice: the row sum picks between readings, and the
    table's column rules, checked after, still prove it.
    """
    out, start = {}, 0
    for row in rows:
        keys = range(start, start + len(row))
        start += len(row)
        options = {k: _ranked([r[k] for r in readings if k in r]) for k in keys}
        out.update({k: texts[0] for k, texts in options.items() if texts})
        if any(not options[k] for k in keys) or _adds_up([out[k] for k in keys]):
            continue
        choices = list(itertools.islice(itertools.product(*(options[k] for k in keys)), MAX_CHOICES))
        adding_up = {c for c in choices if _adds_up(list(c))}
        if len(adding_up) == 1:
            out.update(zip(keys, adding_up.pop()))
    return out


MAX_CHOICES = 512


def _ranked(texts: list[str]) -> list[str]:
    """Most votes first; then the longer (OCR drops a thin 1 of 11 far more often than it invents one);
    then the earlier reader's."""
    return sorted(set(texts), key=lambda t: (-texts.count(t), -len(t), texts.index(t)))


def _adds_up(texts: list[str]) -> bool:
    if len(texts) < 3 or not all(t.isdigit() for t in texts):
        return False
    values = [int(t) for t in texts]
    if len(values) % 5 == 0 and len(values) > 5:
        return all(sum(values[i : i + 4]) == values[i + 4] for i in range(0, len(values), 5))
    return sum(values[:-1]) == values[-1]


def with_readings(words: list[Word], boxes: list[Box], texts: dict[int, str]) -> list[Word]:
    """The words with the cells' agreed readings in place of what lies under them (numbers and doubtful
    words; a sure Chinese word is never a cell, so it is never replaced)."""
    readings = [Word(*boxes[k], text) for k, text in sorted(texts.items())]
    kept = [
        w for w in words if not (w.text.isascii() or is_doubtful(w)) or not any(_overlap(w, r) > 0.3 for r in readings)
    ]
    return kept + readings


def layout_text(words: list[Word]) -> str:
    """Lines rebuilt from word boxes; cells of a line separated by TAB."""
    if not words:
        return ""
    glyph = glyph_height(words)
    # a doubtful Latin "word" far taller than the text is a smudge of a vertical header or a stamp (a 2 read
    # over 办理结 stacked), and as a number it would join the nearest table row
    words = [w for w in words if not (w.text.isascii() and w.confidence < SURE and w.height > 1.6 * glyph)]
    lines = [_line_cells(line, glyph) for line in group_lines(words, glyph)]
    return "\n".join("\t".join(with_label_repaired(cells)) for cells in lines) + "\n"


def _line_cells(line: list[Word], glyph: float) -> list[str]:
    # in a table row every number that stands apart is a cell of its own, however close OCR set it to
    # the label (the 2 of 2.其他法律… does not stand apart)
    numbers = _cell_numbers(line, glyph)
    alone = {id(w) for w in numbers} if len(numbers) >= 2 else set()
    cells = [""]
    previous = None
    for word in sorted(line, key=lambda w: w.left):
        if previous is not None:
            gap = word.left - previous.right
            if gap > CELL_GAP * glyph or id(word) in alone or id(previous) in alone:
                cells.append("")
            elif gap > 0.3 * glyph and previous.text[-1].isascii() and word.text[0].isascii():
                cells[-1] += " "  # two Latin words or numbers stay two words
        cells[-1] += word.text
        previous = word
    # the first character of a vertical row header (三、 of 三、本年度办理结果) printed close to the next label
    return [part for c in cells for part in split_header(cleaned(c)) if part]
