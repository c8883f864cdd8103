"""Parse a PDF as on a machine without a Chinese font: pdfium stands in for simplified Chinese with a Latin face.

The sysfont handler is pdfium's for the whole process, so this runs as a child process of the test; the font
that stands in is one every Debian machine with fontconfig has (DejaVu), else the test is skipped (exit 3). A PDF that
embeds its fonts asks for no stand-in.

    python no_chinese_font.py < document.pdf    # prints the parse's problem codes as JSON
"""

from __future__ import annotations

import json
import sys

from song_pages import SimplifiedChineseAs  # beside this file: the test's other child process that maps pdfium's fonts


class LatinForSimplifiedChinese(SimplifiedChineseAs):
    faces = (b"DejaVu Sans Book", b"Liberation Sans", b"DejaVu Serif Book", b"Liberation Serif")  # pdfium's names


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
