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
fonts are not embedded"): its glyphs set the boxes the second reading places.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .pdf_layout import page_text

MAX_PAGES = 300


class NeedsOCR(Exception):
    pass


@dataclass
class _Readings:
    stream: list[str]  # per page, content-stream order
    by_position: list[str]  # per page, lines rebuilt from positions
    total: int  # pages in the PDF (only the first MAX_PAGES are read)


# The second reading of the PDF this thread read last, until the parser asks for it or reads the next PDF.
# Kept with the bytes it was read from, compared by identity: the parser passes the same object both times,
# and a held object cannot be confused with another.
_last = threading.local()


def extract_pdf(data: bytes) -> tuple[list[str], int]:
    """(the text in content-stream order, how many pages the PDF has: only the first MAX_PAGES are read)."""
    _last.data = _last.by_position = None
    readings = _read(data)
    text = "\n".join(readings.stream)
    if len("".join(text.split())) < 20:
        raise NeedsOCR(f"{len(readings.stream)} page(s) without a text layer")
    _last.data, _last.by_position = data, readings.by_position
    return [text], readings.total


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
        total = len(pdf)
        for index in range(min(total, MAX_PAGES)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                stream.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
                by_position.append(page_text(textpage.raw))
            finally:
                textpage.close()
                page.close()
        return _Readings(stream, by_position, total)
    finally:
        pdf.close()
