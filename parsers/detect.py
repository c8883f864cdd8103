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
# Image attachments (a scanned report posted as pictures): read only through OCR.
PNG, JPEG, TIFF, BMP, GIF = "image/png", "image/jpeg", "image/tiff", "image/bmp", "image/gif"
IMAGES = (PNG, JPEG, TIFF, BMP, GIF)
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"BM", BMP),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)

_EXT = {
    ".html": HTML,
    ".htm": HTML,
    ".shtml": HTML,
    ".xhtml": HTML,
    ".txt": TEXT,
    ".pdf": PDF,
    ".docx": DOCX,
    ".doc": DOC,
    ".wps": WPS,
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
    for magic, image_type in _IMAGE_MAGIC:
        # "BM" alone begins plenty of text; a bitmap also names its own file size in bytes 2-6
        if head.startswith(magic) and (
            image_type != BMP or _ext(filename) == ".bmp" or int.from_bytes(head[2:6], "little") == len(data)
        ):
            return image_type
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
        if at % 128 == 0 and int.from_bytes(data[at + 64 : at + 66], "little") == len(needle):
            return True
        at = data.find(needle, at + 1)
    return False


def _ext(filename: str | None) -> str:
    """The extension of a file name or URL path (`a.xls?id=3` and `a.xls#p` are .xls)."""
    name = (filename or "").split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    if "." not in name:
        return ""
    return "." + name.rsplit(".", 1)[-1].lower()


def decode(data: bytes, declared: str | None = None) -> tuple[str, str, bool]:
    """(text, encoding, guessed). A declared encoding is cross-checked against the bytes: `guessed` is True
    whenever the encoding used is not one the bytes prove (a BOM, valid UTF-8) or the page declares and fits."""
    text, encoding, guessed, _ = decode_checked(data, declared)
    return text, encoding, guessed


def decode_checked(data: bytes, declared: str | None = None) -> tuple[str, str, bool, str | None]:
    """(text, encoding, guessed, the declared encoding when the bytes contradicted it)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf_8_sig"), (codecs.BOM_UTF16_LE, "utf_16"), (codecs.BOM_UTF16_BE, "utf_16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc, False, None
    try:
        return data.decode("utf-8"), "utf_8", False, None
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), utf16, True, None
    if declared is None:
        m = _META_CHARSET_RE.search(data[:4096])
        declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    if declared:
        enc = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}.get(declared, declared)
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            text = None
        if text is not None:
            better = _better_chinese_decoding(data, enc, text)
            if better is None:
                return text, enc, False, None
            return data.decode(better), better, True, declared
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=CHINESE_ENCODINGS).best()
    enc = best.encoding if best is not None else "gb18030"
    try:
        return data.decode(enc, errors="replace"), enc, True, declared
    except LookupError:
        return data.decode("gb18030", errors="replace"), "gb18030", True, declared


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII and CJK text is mostly one value (0 for ASCII)."""
    sample = data[:4000]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for enc, high in (("utf_16_le", odd), ("utf_16_be", even)):
        if high.count(0) < len(high) * 0.3 and not sum(0x4E <= b <= 0x9F for b in high) > len(high) * 0.3:
            continue
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if not looks_binary(text) and _readable_share(text) > 0.9:
            return enc
    return None


def _readable_share(text: str) -> float:
    sample = text[:5000]
    good = sum(c.isprintable() or c in "\n\r\t" for c in sample)
    return good / max(1, len(sample))


def _common_share(text: str, encoding: str) -> float:
    """Share of the CJK characters of `text` that the everyday character set of `encoding`'s script holds
    (GB2312 for simplified, Big5 for traditional): real text scores near 1, bytes decoded with the wrong
    Chinese encoding far lower (they land on rare characters)."""
    cjk = [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 1.0
    fits = 0
    for c in cjk:
        try:
            c.encode(encoding)
            fits += 1
        except UnicodeEncodeError:
            pass
    return fits / len(cjk)


def _better_chinese_decoding(data: bytes, declared: str, text: str) -> str | None:
    """The other Chinese encoding when the declared one gives rare-character garbage and it does not."""
    family = "gb2312" if declared in ("gb18030", "gbk", "gb2312", "cp936") else "big5" if "big5" in declared else None
    if family is None or _common_share(text, family) > 0.9:
        return None
    other, other_family = ("big5hkscs", "big5") if family == "gb2312" else ("gb18030", "gb2312")
    try:
        candidate = data.decode(other)
    except UnicodeDecodeError:
        return None
    return other if _common_share(candidate, other_family) > 0.97 else None


def looks_binary(text: str) -> bool:
    """Decoded bytes that are not text: many control or replacement characters."""
    if not text:
        return False
    sample = text[:20000]
    return len(_BAD_CHARS_RE.findall(sample)) / len(sample) > 0.05


_BAD_CHARS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
