"""Rasterise a PDF as a printed report looks: a Chinese font it does not embed drawn in a Song face.

The test scans are reportgen's PDFs (ReportLab's STSong-Light, not embedded) rasterised. pdfium draws such text
with the system font it picks, for simplified Chinese WenQuanYi Micro Hei when it is installed (a Hei face: see
parsers/README.md). Printed reports set their tables in 宋体, so the scans are drawn with Noto Serif CJK SC (Debian
fonts-noto-cjk) instead, in a child process: the sysfont handler that maps them is pdfium's for the whole process,
and the parsing process keeps its own fonts. Without that font the pages are drawn with pdfium's choice.

    python song_pages.py DPI OUT_DIR < document.pdf    # writes OUT_DIR/page-0.png, page-1.png, …
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pypdfium2 as pdfium

SONG = b"Noto Serif CJK SC"
GB2312 = 134  # pdfium's charset code of simplified Chinese (FXFONT_GB2312_CHARSET)


class SimplifiedChineseAs(pdfium.PdfSysfontBase):
    """pdfium's own system fonts, except that simplified Chinese maps to the first of ``faces`` the machine has
    (pdfium's names for them). ``asked``: pdfium asked for a font for simplified Chinese; ``found``: one of ``faces``
    was given."""

    faces: tuple[bytes, ...] = ()
    asked = found = False

    def MapFont(self, _, weight, italic, charset, pitch_family, face, exact):
        if charset == GB2312:
            type(self).asked = True
            for name in self.faces:
                font = self.default.GetFont(self.default, name)
                if font:
                    type(self).found = True
                    return font
        return self.default.MapFont(self.default, weight, italic, charset, pitch_family, face, exact)


class SongForSimplifiedChinese(SimplifiedChineseAs):
    faces = (SONG,)


def main() -> None:
    dpi, out = int(sys.argv[1]), Path(sys.argv[2])
    SongForSimplifiedChinese().setup()
    document = pdfium.PdfDocument(sys.stdin.buffer.read())
    for index in range(len(document)):
        buffer = io.BytesIO()
        # the dpi sizes the page img2pdf makes from the image: A4
        document[index].render(scale=dpi / 72).to_pil().save(buffer, format="PNG", dpi=(dpi, dpi))
        (out / f"page-{index}.png").write_bytes(buffer.getvalue())
    document.close()


if __name__ == "__main__":
    main()
