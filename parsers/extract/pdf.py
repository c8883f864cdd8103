"""PDF → text through its text layer.

First pdfium (the C library pdfplumber itself ships: fast, text in content-stream order). When that order
does not give readable tables, `extract_pdf_layout` rebuilds lines from character positions with
pdfplumber (slower, reading order by position). The text comes out line by line with cells separated by
spaces, which the space-separated and PDF-layout readers handle (wrapped labels, footers, vertical row
headers). A PDF whose pages carry no text is an image scan: the caller reports `needs_ocr`.
"""

from __future__ import annotations

MAX_PAGES = 300


class NeedsOCR(Exception):
    pass


def extract_pdf(data: bytes) -> tuple[list[str], int]:
    """(the text, how many pages the PDF has: only the first MAX_PAGES are read)."""
    pages, total = _pdfium_pages(data)
    text = "\n".join(pages)
    if len("".join(text.split())) < 20:
        raise NeedsOCR(f"{len(pages)} page(s) without a text layer")
    return ["\n".join(f"{p}" for p in pages)], total


def _pdfium_pages(data: bytes) -> tuple[list[str], int]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        total = len(pdf)
        for index in range(min(total, MAX_PAGES)):
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return out, total
    finally:
        pdf.close()


def extract_pdf_layout(data: bytes) -> list[str]:
    """Text rebuilt line by line from character positions (pdfplumber)."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [(page.extract_text(x_tolerance=1.5) or "") for page in pdf.pages[:MAX_PAGES]]
    return ["\n".join(pages)]
