"""PDF → text through its text layer (pdfium, the C library pdfplumber itself ships; pdfplumber as fallback).

The text comes out line by line with cells separated by spaces, which the space-separated and PDF-layout
readers handle (wrapped labels, footers, vertical row headers). A PDF whose pages carry no text is an
image scan: the caller reports `needs_ocr` and reads nothing.
"""

from __future__ import annotations

MAX_PAGES = 300


class NeedsOCR(Exception):
    pass


def extract_pdf(data: bytes) -> list[str]:
    pages = _pdfium_pages(data)
    text = "\n".join(pages)
    if len("".join(text.split())) < 20:
        raise NeedsOCR(f"{len(pages)} page(s) without a text layer")
    return ["\n".join(f"{p}" for p in pages)]


def _pdfium_pages(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for index in range(min(len(pdf), MAX_PAGES)):
            page = pdf[index]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return out
    finally:
        pdf.close()
