"""What a document is (media type sniffed from its bytes) and how its text is encoded.

Encodings: a BOM or valid UTF-8 is certain; an HTML meta charset is trusted when it decodes; otherwise
charset-normalizer chooses among the encodings Chinese portals use (GB18030 ⊃ GBK ⊃ GB2312, Big5,
UTF-16), and the report carries an `encoding_guessed` problem.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

HTML = "text/html"
TEXT = "text/plain"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
WPS = "application/vnd.ms-works"
RTF = "application/rtf"
XLS = "application/vnd.ms-excel"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ET = "application/wps-office.et"  # WPS spreadsheet: an .xls-like compound file (the type WPS Office registers)
SPREADSHEETS = (XLS, XLSX, ET)
UNKNOWN = "application/octet-stream"

_EXT = {
    ".html": HTML, ".htm": HTML, ".shtml": HTML, ".xhtml": HTML, ".txt": TEXT, ".pdf": PDF, ".docx": DOCX,
    ".doc": DOC, ".wps": WPS,
}
_HTML_SNIFF_RE = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|div|p|meta|title)[\s>/]", re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16"]


def sniff(data: bytes, filename: str | None = None, media_type: str | None = None) -> str:
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
        except (zipfile.BadZipFile, OSError, ValueError):
            pass
        return UNKNOWN
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(data, filename, media_type)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf":
        return RTF
    if _HTML_SNIFF_RE.search(head.lower() if len(head) < 2048 else data[:4096].lower()):
        return HTML
    if media_type:
        base = media_type.split(";")[0].strip().lower()
        if base in (HTML, "application/xhtml+xml"):
            return HTML
        if base.startswith("text/"):
            return TEXT
    ext = _ext(filename)
    if ext in (".html", ".htm", ".shtml", ".xhtml"):
        return HTML
    if ext in _EXT and _EXT[ext] not in (TEXT,):
        return _EXT[ext]
    return TEXT


def _ole_kind(data: bytes, filename: str | None, media_type: str | None) -> str:
    """A compound (OLE) file is a Word/WPS document or an Excel/ET workbook: its streams say which, the
    name only when neither stream is found."""
    ext = _ext(filename)
    if _ole_has_stream(data, "WordDocument"):
        return WPS if ext == ".wps" else DOC
    if any(_ole_has_stream(data, name) for name in ("Workbook", "WORKBOOK", "Book")):
        return ET if ext == ".et" else XLS
    if ext == ".et":
        return ET
    if ext == ".xls" or (media_type or "").split(";")[0].strip().lower() == XLS:
        return XLS
    return WPS if ext == ".wps" else DOC


def _ole_has_stream(data: bytes, name: str) -> bool:
    """A compound file's directory holds 128-byte entries, aligned on 128 bytes: the name in UTF-16LE with
    its terminator, then at offset 64 that name's length in bytes. Both must match, so the same
    characters in a document's text do not count."""
    needle = (name + "\0").encode("utf-16-le")
    at = data.find(needle)
    while at != -1:
        if at % 128 == 0 and int.from_bytes(data[at + 64:at + 66], "little") == len(needle):
            return True
        at = data.find(needle, at + 1)
    return False


def _ext(filename: str | None) -> str:
    if not filename or "." not in filename:
        return ""
    return "." + filename.rsplit(".", 1)[-1].lower()


def decode(data: bytes, declared: str | None = None) -> tuple[str, str, bool]:
    """(text, encoding, guessed)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc, False
    try:
        return data.decode("utf-8"), "utf_8", False
    except UnicodeDecodeError:
        pass
    if declared is None:
        m = _META_CHARSET_RE.search(data[:4096])
        declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    if declared:
        enc = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}.get(declared, declared)
        try:
            return data.decode(enc), enc, False
        except (UnicodeDecodeError, LookupError):
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=CHINESE_ENCODINGS).best()
    enc = best.encoding if best is not None else "gb18030"
    try:
        return data.decode(enc, errors="replace"), enc, True
    except LookupError:
        return data.decode("gb18030", errors="replace"), "gb18030", True


def looks_binary(text: str) -> bool:
    """Decoded bytes that are not text: many control or replacement characters."""
    if not text:
        return False
    sample = text[:20000]
    return len(_BAD_CHARS_RE.findall(sample)) / len(sample) > 0.05


_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
