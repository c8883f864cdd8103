"""Entry points: bytes or a file → Report dict. Pure: no network, no database, never raises for bad input.

Whatever goes wrong with a document (unknown format, truncated PDF, zip bomb, junk bytes) becomes a Report
with an `error` problem naming the document, and nothing read from it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import detect
from .document import build_document
from .report import analyze, empty_report
from .report_types import Problem, Report, Source

MAX_BYTES = 60 * 1024 * 1024
MAX_TEXT_CHARS = 3_000_000


def _problem(code: str, message: str, severity: str = "error") -> Problem:
    return {"severity": severity, "code": code, "message": message}


def parse_bytes(data: bytes, *, filename: str | None = None, media_type: str | None = None) -> Report:
    name = filename or "document"
    kind = detect.UNKNOWN
    source: Source = {"path": filename, "sha256": hashlib.sha256(data).hexdigest(), "media_type": media_type}
    try:
        kind = detect.sniff(data, filename, media_type)
        source["media_type"] = kind
        if len(data) > MAX_BYTES:
            return empty_report(source, [_problem("too_large", f"{name}: {len(data)} bytes exceeds {MAX_BYTES}")])
        if not data.strip():
            return empty_report(source, [_problem("unreadable_document", f"{name}: empty document")])
        pieces, meta, problems = _extract(data, kind, name)
        if pieces is None:
            return empty_report(source, problems)
        doc = build_document(pieces, meta)
        doc.problems.extend(problems)
        report = analyze(doc, source)
        if any(p["code"] == "ocr" for p in problems):  # a scan: only what the arithmetic proves is kept
            from .ocr_verify import verify_ocr_report

            return verify_ocr_report(report)
        if kind == detect.PDF and _tables_unread(report, doc.text):
            report = _retry_pdf_by_position(data, report, source, problems)
        return report
    except Exception as exc:  # noqa: BLE001 — the contract: never raise for bad input
        return empty_report(
            source,
            [_problem("unreadable_document", f"{name} ({kind}) could not be read: {type(exc).__name__}: {exc}"[:500])],
        )


def _tables_unread(report: Report, text: str) -> bool:
    """Table labels are printed (table 三, 四, or a pre-2019 统计表) but the tables did not come out whole."""
    if "本年新收" not in text and "行政复议" not in text and "指标名称" not in text:
        return False
    if report["applications"] is None and ("本年新收" in text or "指标名称" in text):
        return True
    return any(p["code"] in ("unreadable_value", "ambiguous_split") for p in report["problems"])


def _retry_pdf_by_position(data: bytes, first: Report, source: Source, problems: list[Problem]) -> Report:
    """Second reading of a PDF with lines rebuilt from positions; kept if it reads more."""
    from .extract.pdf import extract_pdf_layout

    try:
        pieces = extract_pdf_layout(data)
    except Exception:  # noqa: BLE001 — a second opinion that fails leaves the first reading standing
        return first
    doc = build_document(pieces, {})
    doc.problems.extend(problems)
    second = analyze(doc, source)

    def trouble(r):
        return (
            sum(p["code"] in ("unreadable_value", "ambiguous_split") for p in r["problems"])
            + (r["applications"] is None) * 100
        )

    return second if trouble(second) < trouble(first) else first


def _extract(data: bytes, kind: str, name: str):
    """(pieces or None, page metadata, problems)."""
    problems: list[Problem] = []
    if kind in (detect.TEXT, detect.HTML):
        text, encoding, guessed, contradicted = detect.decode_checked(data)
        if contradicted:
            problems.append(
                _problem(
                    "encoding_mismatch",
                    f"{name}: declared {contradicted}, but the bytes are {encoding}; read as {encoding}",
                    "warning",
                )
            )
        elif guessed:
            problems.append(
                _problem("encoding_guessed", f"{name}: no declared encoding; read as {encoding}", "warning")
            )
        if detect.looks_binary(text):
            return None, {}, [_problem("unreadable_document", f"{name}: binary data, not a text document")]
        if len(text) > MAX_TEXT_CHARS:
            return None, {}, [_problem("too_large", f"{name}: {len(text)} characters of text exceeds {MAX_TEXT_CHARS}")]
        if kind == detect.TEXT:
            return [text], {}, problems
        from .extract.html import extract_html

        pieces, meta, html_problems = extract_html(text)
        return pieces, meta, problems + html_problems
    if kind in (detect.DOCX, detect.DOC, detect.WPS, detect.RTF):
        from .extract.docx import DocxTooLarge, extract_docx

        if kind != detect.DOCX:
            from .extract.office import ConversionFailed, Unsupported, convert_to_docx

            try:
                data = convert_to_docx(data, {detect.WPS: ".wps", detect.RTF: ".rtf"}.get(kind, ".doc"))
            except Unsupported as exc:
                return None, {}, [_problem("unsupported_format", f"{name}: {exc}")]
            except ConversionFailed as exc:
                return None, {}, [_problem("unreadable_document", f"{name}: {exc}")]
        try:
            return extract_docx(data), {}, problems
        except DocxTooLarge as exc:
            return None, {}, [_problem("too_large", f"{name}: {exc}")]
    if kind in detect.SPREADSHEETS:
        from .extract.office import ConversionFailed, Unsupported
        from .extract.sheet import SheetTooLarge, extract_spreadsheet

        try:
            return extract_spreadsheet(data, {detect.XLSX: ".xlsx", detect.ET: ".et"}.get(kind, ".xls")), {}, problems
        except Unsupported as exc:
            return None, {}, [_problem("unsupported_format", f"{name}: {exc}")]
        except ConversionFailed as exc:
            return None, {}, [_problem("unreadable_document", f"{name}: {exc}")]
        except SheetTooLarge as exc:
            return None, {}, [_problem("too_large", f"{name}: {exc}")]
    if kind == detect.PDF:
        from .extract.pdf import MAX_PAGES, NeedsOCR, extract_pdf

        try:
            pieces, pages, font_missing = extract_pdf(data)
            if font_missing:
                problems.append(
                    _problem(
                        "font_missing",
                        f"{name}: its Chinese font is not embedded and no font on this machine has Chinese characters "
                        "to stand in for it, so their positions are guessed and figures may be missing; a machine "
                        "with a Chinese font (Debian: fonts-wqy-microhei) reads it whole",
                        "warning",
                    )
                )
            if pages > MAX_PAGES:
                problems.append(
                    _problem(
                        "pages_truncated", f"{name}: {pages} pages; only the first {MAX_PAGES} were read", "warning"
                    )
                )
            return pieces, {}, problems
        except NeedsOCR as exc:
            return _extract_by_ocr(data, kind, name, f"{exc}")
    if kind in detect.IMAGES:
        return _extract_by_ocr(data, kind, name, "an image")
    return None, {}, [_problem("unsupported_format", f"{name}: unrecognised format")]


def _extract_by_ocr(data: bytes, kind: str, name: str, what: str):
    """A scan through OCR; its `ocr` problem marks the document for verification after analysis."""
    from .extract.ocr import OcrUnavailable, ocr_image, ocr_pdf

    try:
        reading = ocr_pdf(data) if kind == detect.PDF else ocr_image(data)
    except OcrUnavailable as exc:
        return None, {}, [_problem("needs_ocr", f"{name}: {what}, readable only by OCR: {exc}")]
    note = _problem(
        "ocr",
        f"{name}: {what}, read by OCR: {reading.summary}; figures are kept only where the "
        "tables' arithmetic proves them, organ, title and dates are as OCR read them",
        "warning",
    )
    return reading.pieces, {}, [note]


def too_large_report(name: str, size: int, *, sha256: str | None = None, media_type: str | None = None) -> Report:
    """The Report of a document over MAX_BYTES, made from its size alone: such a document is never read whole."""
    return empty_report(
        {"path": name, "sha256": sha256, "media_type": media_type},
        [_problem("too_large", f"{name}: {size} bytes exceeds {MAX_BYTES}")],
    )


def read_file(path: str | os.PathLike) -> tuple[bytes | None, int]:
    """(bytes, size), or (None, size) for a file over MAX_BYTES. The size is checked before a byte is read (a 3 GB
    file costs one stat), and the file is read at most one byte past the limit, so a file that grows meanwhile
    cannot make it read more. Raises OSError."""
    size = os.stat(path).st_size
    if size > MAX_BYTES:
        return None, size
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    return (None, len(data)) if len(data) > MAX_BYTES else (data, len(data))


def parse_file(path: str | os.PathLike) -> Report:
    """A file → Report; a file over MAX_BYTES is `too_large` without being read (its sha256 then unknown)."""
    p = Path(path)
    try:
        data, size = read_file(p)
    except OSError as exc:
        report = empty_report(
            {"path": str(p), "sha256": None, "media_type": None}, [_problem("unreadable_document", f"{p}: {exc}")]
        )
        return report
    report = too_large_report(p.name, size) if data is None else parse_bytes(data, filename=p.name)
    report["source"]["path"] = str(p)
    return report


def schema() -> dict:
    """The JSON Schema (draft 2020-12) of every Report this package returns."""
    import json

    return json.loads((Path(__file__).with_name("report.schema.json")).read_text(encoding="utf-8"))
