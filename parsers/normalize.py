"""Text normalisation that keeps every character at its place.

Every function here returns a string of exactly the same length as its input, so that an offset in the
normalised text is also an offset in the decoded original (provenance "text chars a-b" stays true).

- full-width digits, letters and punctuation → ASCII (NFKC, one character at a time), NBSP → space
- invisible characters (zero-width, BOM, soft hyphen) → space
- curly quotes → straight quotes
- leaked Word markup (<!--[if !supportLists]-->, [bookmark: _GoBack]) and page footers (— 8 —) → spaces
- traditional → simplified with OpenCC t2s, only when traditional characters are present
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice

_INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u2028\u2029\u3000\u00a0\u202f\u2007")
_QUOTES = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "＂": '"', "＇": "'", "〝": '"', "〞": '"'}
# Characters NFKC would fold but that we keep: they carry meaning in labels or are harmless.
_KEEP = set("—…·")


def _fold_char(ch: str) -> str:  # not cached: the bounded table below is its cache
    if ch in _INVISIBLE:
        return " "
    if ch in _QUOTES:
        return _QUOTES[ch]
    if ch in _KEEP or ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


class _FoldTable(dict):
    """Every character met so far → its folding (itself when none), filled on a miss: documents share most
    characters, so each is folded once per process. A str.translate table: a character found (all but the
    first time) costs a dict lookup. Bounded: past the cap (hostile text of every code point) a miss is folded
    and not kept."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < _FOLD_CAP:
            self[code] = folded
        return folded


_FOLD_CAP = 50_000
_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Full-width → ASCII, invisible → space, quotes straightened; same length as the input."""
    if text.isascii():
        return text
    return text.translate(_FOLD_TABLE)


# Leaked markup seen in exports of Word documents; replaced by spaces of the same length.
_MARKUP_RE = re.compile(r"<!--\[if [^\]]*\]-->|<!--\[endif\]-->|\[bookmark:[^\]]*\]")
# A line that is only a page footer: — 8 —, - 8 -, 第 8 页 共 12 页, 8/12, Page 8.
_FOOTER_RE = re.compile(
    r"(?m)^[ \t]*(?:[—\-–－]+[ \t]*\d{1,3}[ \t]*[—\-–－]+"
    r"|第[ \t]*\d{1,3}[ \t]*页(?:[ \t]*[,，]?[ \t]*共[ \t]*\d{1,3}[ \t]*页)?"
    r"|\d{1,3}[ \t]*/[ \t]*\d{1,3}|[Pp]age[ \t]*\d{1,3}(?:[ \t]*of[ \t]*\d{1,3})?)[ \t]*$"
)


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


def strip_chrome(text: str) -> str:
    """Remove leaked Word markup and page footer lines, keeping offsets."""
    if "<!--" in text or "[bookmark" in text:
        text = _MARKUP_RE.sub(_blank, text)
    return _FOOTER_RE.sub(_blank, text)


# Frequent characters that exist only in traditional script; three or more of them mark a text as
# traditional (a single stray one can be a name or a quotation).
_TRADITIONAL_MARKERS = set(
    "國開資條發報區機關處計數據與為這說們會時來對於經現務統訊號體總權當預檢證實點導務應劃產認議護廳"
    "團結際雙營徑違規濟標準頁續築圍繞響應廣東環費費電話網絡傳單義華辦請審級縣鄉鎮責貫徹復訴"
)


_TRADITIONAL_RE = re.compile("[" + "".join(sorted(_TRADITIONAL_MARKERS)) + "]")


def is_traditional(text: str) -> bool:
    return sum(1 for _ in islice(_TRADITIONAL_RE.finditer(text), 3)) >= 3


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """OpenCC t2s, forced to keep the length (phrase conversions that change length fall back per char)."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    conv = _t2s().convert
    return "".join(c if len(c := conv(ch)) == 1 else ch for ch in text)


def normalize_document(text: str) -> tuple[str, bool]:
    """The text every reader works on, and whether the original was traditional."""
    text = fold(strip_chrome(text))
    traditional = is_traditional(text)
    if traditional:
        text = to_simplified(text)
    return text, traditional


_NUMBERING_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.]|\(\s*(?:[一二三四五六七八九十]+|\d{1,2})\s*\)|\d{1,2}\s*[.、)](?!\d))\s*"
)
SQUEEZED = r"[\s\"'“”‘’:：,，、.。()（）\[\]【】《》<>]"  # what label_key removes besides the numbering
_SQUEEZE_RE = re.compile(SQUEEZED)


@lru_cache(maxsize=65536)
def label_key(text: str) -> str:
    """A label reduced to its meaning: no numbering prefix, spaces or punctuation (for fuzzy matching)."""
    text = _NUMBERING_RE.sub("", text, count=1)
    return _SQUEEZE_RE.sub("", text)


@lru_cache(maxsize=65536)
def numbering(text: str) -> str:
    """The numbering prefix of a label, squeezed ('一、', '(三)', '1.'), or ''."""
    m = _NUMBERING_RE.match(text)
    return re.sub(r"\s", "", m.group(0)).replace("、", ".") if m else ""
