"""Parse a PDF as on a machine without a Chinese font: pdfium stands in for simplified Chinese with a Latin face.

The sysfont handler is pdfium's for the whole process, so this runs as a child process of the test; the font
that stands in is one every Debian machine with fontconfig has (DejaVu), else the test is skipped (exit 3). A PDF that
embeds its fonts asks for no stand-in.

    python no_chinese_font.py < document.pdf    # prints the parse's problem codes as JSON
"""

from __future__ import annotations

import json
import sys

import pypdfium2 as pdfium
from song_pages import GB2312  # beside this file: the test's other child process that maps pdfium's fonts

LATIN = (b"DejaVu Sans Book", b"Liberation Sans", b"DejaVu Serif Book", b"Liberation Serif")  # as pdfium names them


class LatinForSimplifiedChinese(pdfium.PdfSysfontBase):
    asked = found = False  # whether pdfium asked for a stand-in for simplified Chinese; whether a Latin one was given

    def MapFont(self, _, weight, italic, charset, pitch_family, face, exact):
        if charset == GB2312:
            LatinForSimplifiedChinese.asked = True
            for name in LATIN:
                font = self.default.GetFont(self.default, name)
                if font:
                    LatinForSimplifiedChinese.found = True
                    return font
        return self.default.MapFont(self.default, weight, italic, charset, pitch_family, face, exact)


def main() -> int:
    LatinForSimplifiedChinese().setup()
    from parsers import parse_bytes

    report = parse_bytes(sys.stdin.buffer.read(), filename="report.pdf")
    if LatinForSimplifiedChinese.asked and not LatinForSimplifiedChinese.found:
        return 3
    print(json.dumps(sorted({problem["code"] for problem in report["problems"]})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
