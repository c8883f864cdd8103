"""Lines rebuilt from pdfium's character boxes (parsers/extract/pdf_layout.py): rows by position whatever
order the producer drew them in, and the real 淮安 PDF read to the same figures as poppler's `pdftotext
-layout` of it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from parsers import parse_bytes
from parsers.extract import pdf as pdf_extract
from parsers.extract.pdf import extract_pdf, extract_pdf_layout

REAL_DIR = Path(__file__).resolve().parents[3] / "shared" / "real-reports"
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _pdf(draw) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont(FONT, 10)
    draw(page)
    page.save()
    return buffer.getvalue()


def _lines(data: bytes) -> list[str]:
    return [" ".join(line.split()) for line in extract_pdf_layout(data)[0].splitlines() if line.strip()]


def test_rows_by_position_when_drawn_column_by_column():
    def draw(page):
        page.drawString(40, 700, "本年新收政府信息公开申请数量")  # the footer and labels first …
        page.drawString(40, 680, "上年结转政府信息公开申请数量")
        page.drawString(280, 60, "- 1 -")
        for x, (top, below) in zip((260, 300, 340), (("1016", "11"), ("35", "0"), ("1062", "11"))):
            page.drawString(x, 700, top)  # … then each column of numbers, top to bottom
            page.drawString(x, 680, below)

    assert _lines(_pdf(draw)) == [
        "本年新收政府信息公开申请数量 1016 35 1062",
        "上年结转政府信息公开申请数量 11 0 11",
        "- 1 -",
    ]


def test_numbers_parted_by_a_narrow_space_stay_apart():
    # STSong-Light's space is ~1.2 pt at 9 pt: no gap threshold may join 4 and 34
    assert _lines(_pdf(lambda page: page.drawString(40, 700, "9 10 11 4 34 3 5"))) == ["9 10 11 4 34 3 5"]


def test_a_column_drawn_as_one_run_is_cut_into_its_rows():
    def draw(page):
        page.drawString(40, 700, "甲")
        page.drawString(40, 686, "乙")
        text = page.beginText(200, 700)  # one text object: 7, then 8 one line below — pdfium keeps them as one word
        text.setFont(FONT, 10)
        text.textOut("7")
        text.moveCursor(-5.0, 14)  # reportlab's moveCursor: y grows downwards
        text.textOut("8")
        page.drawText(text)

    assert _lines(_pdf(draw)) == ["甲 7", "乙 8"]


def test_sideways_text_is_read_in_its_own_direction():
    def draw(page):
        page.translate(300, 100)
        page.rotate(90)  # lines run up the page, the next line to the left
        page.setFont(FONT, 10)
        page.drawString(0, 0, "信息内容 本年制发件数")
        page.drawString(0, -16, "规章 1")
        page.drawString(0, -32, "行政规范性文件 8")

    assert _lines(_pdf(draw)) == ["信息内容 本年制发件数", "规章 1", "行政规范性文件 8"]


def test_wrapped_label_keeps_its_numbers_between_its_lines():
    def draw(page):
        page.drawString(40, 700, "（二）部分公开（区分处理的，只计这一情")
        page.drawString(300, 693, "447")
        page.drawString(340, 693, "454")
        page.drawString(40, 686, "形，不计其他情形）")

    assert _lines(_pdf(draw)) == ["（二）部分公开（区分处理的，只计这一情", "447 454", "形，不计其他情形）"]


def test_second_reading_comes_from_the_same_pass(monkeypatch):
    data = _pdf(lambda page: page.drawString(40, 700, "本年新收政府信息公开申请数量（单位：件） 12 3 15"))
    extract_pdf(data)

    def read_again(_data):
        raise AssertionError("the document was read a second time")

    monkeypatch.setattr(pdf_extract, "_read", read_again)
    assert _lines(data) == ["本年新收政府信息公开申请数量（单位：件） 12 3 15"]


def test_second_reading_of_another_document_reads_it():
    first = _pdf(lambda page: page.drawString(40, 700, "第一份文件的文字足够长了吧一二三四五六七八"))
    second = _pdf(lambda page: page.drawString(40, 700, "第二份"))
    extract_pdf(first)
    assert _lines(second) == ["第二份"]


@pytest.mark.skipif(not (REAL_DIR / "14_huaian_2024.pdf").is_file(), reason="real reports not found")
def test_real_wps_pdf_by_position_reads_as_pdftotext_layout_does():
    """Both readings of the real 淮安 PDF give the figures of poppler's layout text of it (the `.txt`)."""
    data = (REAL_DIR / "14_huaian_2024.pdf").read_bytes()
    poppler = parse_bytes((REAL_DIR / "14_huaian_2024.txt").read_bytes(), filename="14_huaian_2024.txt")
    stream = parse_bytes(data, filename="14_huaian_2024.pdf")
    by_position = parse_bytes(extract_pdf_layout(data)[0].encode("utf-8"), filename="by_position.txt")
    assert poppler["applications"]["new_received"]["total"] == 3119  # truth.csv
    for table in ("applications", "review_litigation", "proactive"):
        assert by_position[table] == poppler[table] == stream[table], table


SUBSTITUTE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian fonts-wqy-microhei


@pytest.mark.skipif(not SUBSTITUTE.is_file(), reason="fonts-wqy-microhei is not installed")
def test_a_chinese_font_not_embedded_is_drawn_with_wenquanyi_micro_hei():
    """pdfium's choice of system font for a Chinese font the PDF does not embed (parsers/README.md): the one
    whose TrueType outlines make the character boxes cheap, not whatever CJK font the machine has first."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(_pdf(lambda page: page.drawString(40, 700, "本年新收政府信息公开申请数量")))
    page = document[0]
    text = next(
        pdfium_c.FPDFPage_GetObject(page.raw, i)
        for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i)) == pdfium_c.FPDF_PAGEOBJ_TEXT
    )
    font = pdfium_c.FPDFTextObj_GetFont(text)
    family = ctypes.create_string_buffer(128)
    pdfium_c.FPDFFont_GetFamilyName(font, family, len(family))
    assert not pdfium_c.FPDFFont_GetIsEmbedded(font)
    assert family.value.decode() == "WenQuanYi Micro Hei"
    page.close()
    document.close()


def _problem_codes_without_a_chinese_font(data: bytes) -> list[str]:
    """The parse's problem codes on a machine whose fonts lack Chinese (a child process: `no_chinese_font.py`)."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("no_chinese_font.py"))],
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if done.returncode == 3:
        pytest.skip("no Latin system font for pdfium to stand in with")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return json.loads(done.stdout)


def test_a_pdf_whose_chinese_font_no_font_here_has_is_reported():
    """A Chinese font the PDF does not embed, on a machine with no Chinese font: pdfium draws the characters without
    glyphs and their positions are guessed, so the parse says so (`font_missing`) instead of quietly reading fewer
    figures. With a Chinese font to stand in (this machine's), and with embedded fonts, nothing is said."""
    import random

    from reportgen.pdf import render_pdf
    from reportgen.random_report import random_report

    data = render_pdf(random_report("2021", random.Random(3), organ="某某市教育局", year=2022))
    assert "font_missing" not in {problem["code"] for problem in parse_bytes(data, filename="report.pdf")["problems"]}
    assert "font_missing" in _problem_codes_without_a_chinese_font(data)
    if (REAL_DIR / "14_huaian_2024.pdf").is_file():  # its fonts are embedded: no stand-in is asked for
        real = (REAL_DIR / "14_huaian_2024.pdf").read_bytes()
        assert "font_missing" not in _problem_codes_without_a_chinese_font(real)
