"""PDF → text through its text layer, read by pdfium (C, through pypdfium2) in two ways in one pass.

First reading: the text in content-stream order, as pdfium gives it — the producer's order, which for the
office suites that make these reports (WPS, Word) is the reading order, cell by cell and row by row.
Second reading (`pdf_layout`): lines rebuilt from the characters' boxes, as `pdftotext -layout` lays them
out — a table row on one line, a wrapped label over several lines, a vertical row header one character per
line — for PDFs whose drawing order is not the reading order (a table drawn column by column). The parser
takes the second reading when the first leaves the tables unread; both come from the same pdfium pass, so
the second costs no second load of the document. The text comes out line by line with cells separated by
spaces, which the space-separated and PDF-layout readers handle (wrapped labels, footers, vertical row
headers). A PDF whose pages carry no text is an image scan: the caller reports `needs_ocr`. A Chinese font
the PDF does not embed is drawn with the system font pdfium picks (parsers/README.md, "PDFs whose Chinese
fonts are not embedded"): its glyphs set the boxes the second reading places. When the machine has no font with
Chinese characters, pdfium stands in with one that lacks them and draws them without a glyph: boxes without
height, positions guessed. A few Chinese characters' boxes are looked at per PDF (`_glyphless`), and such a PDF
is reported (`font_missing`) rather than quietly read with fewer figures.
"""

from __future__ import annotations

import ctypes
import re
import threading
from dataclasses import dataclass

from .pdf_layout import page_text

MAX_PAGES = 300
# Chinese characters looked at (the first ones of the PDF); of those in fonts it does not embed, how many make a
# verdict, and the share of them drawn without a glyph (a box of no height) that says the font standing in for the
# PDF's lacks Chinese altogether.
GLYPH_SAMPLE = 48
GLYPH_VERDICT = 8
GLYPHLESS_SHARE = 0.75
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


class NeedsOCR(Exception):
    pass


@dataclass
class _Readings:
    stream: list[str]  # per page, content-stream order
    by_position: list[str]  # per page, lines rebuilt from positions
    total: int  # pages in the PDF (only the first MAX_PAGES are read)
    font_missing: bool  # its Chinese characters were drawn without glyphs (`_glyphless`)


# The second reading of the PDF this thread read last, until the parser asks for it or reads the next PDF.
# Kept with the bytes it was read from, compared by identity: the parser passes the same object both times,
# and a held object cannot be confused with another.
_last = threading.local()


def extract_pdf(data: bytes) -> tuple[list[str], int, bool]:
    """(the text in content-stream order, how many pages the PDF has: only the first MAX_PAGES are read, whether its
    Chinese characters had no glyph to be placed by: no font on this machine has them)."""
    _last.data = _last.by_position = None
    readings = _read(data)
    text = "\n".join(readings.stream)
    if len("".join(text.split())) < 20:
        raise NeedsOCR(f"{len(readings.stream)} page(s) without a text layer")
    _last.data, _last.by_position = data, readings.by_position
    return [text], readings.total, readings.font_missing


def extract_pdf_layout(data: bytes) -> list[str]:
    """The text with lines rebuilt from character positions (from extract_pdf's pass when it read `data`)."""
    pages = _last.by_position if getattr(_last, "data", None) is data else None
    _last.data = _last.by_position = None
    return ["\n".join(pages if pages is not None else _read(data).by_position)]


def _read(data: bytes) -> _Readings:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        stream, by_position = [], []
        looked = stood_in = glyphless = 0
        total = len(pdf)
        for index in range(min(total, MAX_PAGES)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
                stream.append(text.replace("\r\n", "\n").replace("\r", "\n"))
                by_position.append(page_text(textpage.raw))
                if looked < GLYPH_SAMPLE:
                    counts = _glyphless(textpage.raw, text, GLYPH_SAMPLE - looked)
                    looked, stood_in, glyphless = looked + counts[0], stood_in + counts[1], glyphless + counts[2]
            finally:
                textpage.close()
                page.close()
        font_missing = stood_in >= GLYPH_VERDICT and glyphless >= GLYPHLESS_SHARE * stood_in
        return _Readings(stream, by_position, total, font_missing)
    finally:
        pdf.close()


def _glyphless(textpage, text: str, most: int) -> tuple[int, int, int]:
    """Of the page's first ``most`` Chinese characters: (how many were looked at, how many of those are in a font the
    PDF does not embed, how many of these have a glyph box of no height). ``text``: the page's text, one character
    per character index where they line up. Embedded fonts need no stand-in (and pdfium gives some of their
    characters boxes of no height too)."""
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    looked = stood_in = without = 0
    for match in _CHINESE.finditer(text):
        index = match.start()
        if looked == most:
            break
        looked += 1
        if pdfium_c.FPDFText_GetUnicode(textpage, index) != ord(match.group()):
            break  # the text and the character indices part here (a character outside the BMP)
        drawn_by = pdfium_c.FPDFText_GetTextObject(textpage, index)
        if not drawn_by or pdfium_c.FPDFFont_GetIsEmbedded(pdfium_c.FPDFTextObj_GetFont(drawn_by)):
            continue
        size = pdfium_c.FPDFText_GetFontSize(textpage, index)
        if size <= 0 or not pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
            continue
        stood_in += 1
        without += top.value - bottom.value < 0.1 * size
    return looked, stood_in, without
