"""Text lines of a PDF page rebuilt from pdfium's character boxes, in reading order by position.

pdfium gives a page's characters in content-stream order, with a space where it saw a gap and a line break
where the baseline moved. That order is the producer's, not the reader's: a table drawn column by column, a
page footer drawn first, a cell's number drawn before its wrapped label. Here each run of characters pdfium
kept together (a word: no space, no line break inside) is placed by its box, words that overlap vertically
form a line, and a line is its words left to right with spaces for the gaps — the shape of
`pdftotext -layout`: a table row on one line, a wrapped label over several lines with the row's numbers on
the line between, a vertical row header one character per line beside the rows it spans.

Boxes are read per word (its first and last character), not per character: ctypes calls are the cost here,
and a page holds a few hundred words but thousands of characters. A word wider than its characters can be
(pdfium left no space in a wide gap) is read character by character and cut at its gaps.
"""

from __future__ import annotations

import ctypes
import math
import re

import pypdfium2.raw as pdfium_c

# Separators in pdfium's text: its generated spaces and line breaks, real spaces, ideographic spaces.
_WORD = re.compile(r"[^\s\x00-\x1f]+")
CUT_GAP = 0.15  # inside a word too wide for its characters, a gap this wide (× text height) parts two words
SPACE = 0.5  # one space in the output per this much gap (× text height): columns roughly line up
SAME_LINE = 0.5  # a word overlapping a line by this much of its height (or more) is on that line
MAX_CHAR_WIDTH = 1.6  # characters are at most this wide (× text height) on average; a wider word holds a gap
MIN_CHAR_WIDTH = 0.15  # and at least this wide: a narrower word was drawn in several places


# A word: (left, right, bottom, top, text), its box in the text's upright frame (PDF points, y upwards).
Word = tuple[float, float, float, float, str]


def page_text(textpage) -> str:
    """One page's text, line by line (top to bottom), words placed left to right by position."""
    return "\n".join(_lines(_words(textpage)))


def _page_string(textpage, count: int) -> str | None:
    """pdfium's text of the page, one character per character index (None when the text and the character
    indices do not line up: a character outside the BMP takes two UTF-16 units, pdfium left one out)."""
    buffer = (ctypes.c_ushort * (2 * count + 1))()
    units = pdfium_c.FPDFText_GetText(textpage, 0, count, buffer) - 1  # less the terminating NUL
    if units != count:
        return None
    return bytes(buffer)[: 2 * count].decode("utf-16-le", errors="replace")


def _quarter_turns(textpage, words: list[re.Match]) -> int:
    """How many quarter turns (counter-clockwise) the page's text is rotated by: the most common angle of a
    few of its words' first characters (a landscape table set sideways on a portrait page)."""
    turns = [0, 0, 0, 0]
    for match in words[::7][:9]:
        angle = pdfium_c.FPDFText_GetCharAngle(textpage, match.start())
        if angle >= 0:  # pdfium measures clockwise
            turns[-round(angle / (math.pi / 2)) % 4] += 1
    return max(range(4), key=turns.__getitem__)


def _words(textpage) -> list[Word]:
    count = pdfium_c.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    text = _page_string(textpage, count)
    if text is None:
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 32) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    box = ctypes.byref(rect)
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    matches = list(_WORD.finditer(text))
    turns = _quarter_turns(textpage, matches)

    def char_box(index: int) -> tuple[float, float, float, float]:
        """(left, right, bottom, top) in the text's own upright frame."""
        loose_box(textpage, index, box)
        if turns == 0:
            return rect.left, rect.right, rect.bottom, rect.top
        if turns == 1:  # text runs up the page: reading direction +y, lines stack towards +x
            return rect.bottom, rect.top, -rect.right, -rect.left
        if turns == 2:
            return -rect.right, -rect.left, -rect.top, -rect.bottom
        return -rect.top, -rect.bottom, rect.left, rect.right

    words: list[Word] = []
    append = words.append
    for match in matches:
        start, end = match.span()
        left, right, bottom, top = char_box(start)
        if end - start > 1:
            _, right, last_bottom, last_top = char_box(end - 1)
            height, size = top - bottom, end - start
            if not (
                min(top, last_top) - max(bottom, last_bottom) >= SAME_LINE * min(height, last_top - last_bottom)
                and MIN_CHAR_WIDTH * size * height <= right - left <= MAX_CHAR_WIDTH * size * height
            ):
                words.extend(_cut(text, start, end, char_box))
                continue
            bottom = min(bottom, last_bottom)
            top = max(top, last_top)
        append((left, right, bottom, top, match.group()))
    return words


def _cut(text: str, start: int, end: int, char_box) -> list[Word]:
    """A run pdfium kept together whose characters do not sit side by side on one line (it missed a gap,
    or a column of numbers was drawn top to bottom): read character by character and cut where the next
    character is not just right of the previous one."""
    out = []
    first, (left, right, bottom, top) = start, char_box(start)
    for index in range(start + 1, end):
        c_left, c_right, c_bottom, c_top = char_box(index)
        height = min(top - bottom, c_top - c_bottom)
        beside = min(top, c_top) - max(bottom, c_bottom) >= SAME_LINE * height
        if not beside or c_left - right > CUT_GAP * height or c_right < left:
            out.append((left, right, bottom, top, text[first:index]))
            first, left, bottom, top = index, c_left, c_bottom, c_top
        right = max(right, c_right)
        bottom, top = min(bottom, c_bottom), max(top, c_top)
    out.append((left, right, bottom, top, text[first:end]))
    return out


def _lines(words: list[Word]) -> list[str]:
    """Words grouped into lines, each line laid out left to right, indented from the page's left margin.

    Top to bottom, a word joins the line above when it overlaps that line's vertical extent by half its
    height or more: fonts of one row (a label in 宋体, its numbers in Times) differ in ascent and descent,
    and a vertical row header's characters sit where they fall between the rows.
    """
    if not words:
        return []
    words.sort(key=lambda w: -w[3])
    lines: list[list[Word]] = []
    line_bottom = first_height = 0.0
    for word in words:
        _, _, bottom, top, _ = word
        height = top - bottom
        if lines and top - line_bottom >= SAME_LINE * min(height, first_height):  # tops fall: top ≤ the line's
            lines[-1].append(word)
            line_bottom = min(line_bottom, bottom)
        else:
            lines.append([word])
            line_bottom, first_height = bottom, height
    margin = min(word[0] for word in words)
    return [_layout(line, margin) for line in lines]


def _layout(line: list[Word], margin: float) -> str:
    """One line: its words left to right, a space per SPACE × height of gap, and at least one between words
    (pdfium parted them; a space can be narrower than any threshold)."""
    line.sort()
    parts: list[str] = []
    right = margin
    for left, word_right, bottom, top, text in line:
        spaces = round((left - right) / (SPACE * max(top - bottom, 1.0)))
        parts.append(" " * (spaces if spaces > 0 else (1 if parts else 0)))
        parts.append(text)
        right = max(right, word_right)
    return "".join(parts)
