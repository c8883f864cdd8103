"""Scans: image-only PDFs and image attachments, read by OCR and kept only where the arithmetic proves them.

Reports are rendered to images inside the test (reportgen's PDF rasterised with pdfium in a Song face, the real
淮安 PDF with pdftoppm, each page wrapped back into a PDF by img2pdf), then parsed: every figure is either exact
or null, never wrong. OCR costs seconds a page, so the scans are made and read once per module.
"""

from __future__ import annotations

import dataclasses
import io
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from parser_expectations import check_schema

import reportgen
from parsers import detect, parse_bytes
from parsers.extract import ocr

REAL_PDF = Path(__file__).resolve().parents[3] / "shared" / "real-reports" / "14_huaian_2024.pdf"
DPI = 200
ERA, SEED = "2021", 2  # a random report this OCR reads whole (table 三 and 四 proven)

needs_ocr = pytest.mark.skipif(
    not ocr.ocr_available(),
    reason="Tesseract with chi_sim is not installed (Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)",
)
needs_img2pdf = pytest.mark.skipif(not shutil.which("img2pdf"), reason="img2pdf is not installed (Debian: img2pdf)")


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))  # the dpi sizes the page img2pdf makes: A4
    return buffer.getvalue()


def _pages_as_png(pdf: bytes, tmp: Path) -> list[bytes]:
    """pdfium rather than pdftoppm (poppler renders reportgen's CID font STSong-Light only with poppler-data), its
    Chinese in a Song face as printed reports are, in a child process (`song_pages.py`)."""
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("song_pages.py")), str(DPI), str(tmp)],
        input=pdf,
        check=True,
        timeout=120,
    )
    return [path.read_bytes() for path in sorted(tmp.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))]


def _image_pdf(pngs: list[bytes], tmp: Path) -> bytes:
    paths = []
    for k, png in enumerate(pngs):
        paths.append(tmp / f"page-{k}.png")
        paths[-1].write_bytes(png)
    return subprocess.run(["img2pdf", *map(str, paths)], capture_output=True, check=True, timeout=60).stdout


def _figures(table: dict | None):
    for row, cells in (table or {}).items():
        for col, value in cells.items():
            yield f"{row}.{col}", value


def _wrong(truth: dict | None, got: dict | None) -> list[str]:
    """Figures given that differ from the truth (a null is not wrong)."""
    got_values = dict(_figures(got))
    return [f"{k}: {v} read as {got_values[k]}" for k, v in _figures(truth) if got_values.get(k) not in (None, v)]


@dataclasses.dataclass
class Scan:
    truth: dict
    pdf: bytes
    pages: list[bytes]
    report: dict
    reading: ocr.OcrReading


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Scan:
    """A random report as an image-only PDF, parsed once; the OCR reading is kept for the tests that alter it."""
    if not ocr.ocr_available() or not shutil.which("img2pdf"):
        pytest.skip("Tesseract with chi_sim, or img2pdf, is not installed")
    truth = reportgen.random_report(ERA, random.Random(SEED))
    pages = _pages_as_png(reportgen.render_pdf(truth), tmp_path_factory.mktemp("pages"))
    pdf = _image_pdf(pages, tmp_path_factory.mktemp("scan"))
    readings = []
    real = ocr.ocr_pdf

    def recording(data, *args, **kwargs):
        readings.append(real(data, *args, **kwargs))
        return readings[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocr, "ocr_pdf", recording)
        report = check_schema(parse_bytes(pdf, filename="scan.pdf"))
    seconds = readings[0].seconds / max(1, readings[0].pages_read)
    print(f"\nOCR: {readings[0].pages_read} page(s), {seconds:.1f} s a page")
    return Scan(truth, pdf, pages, report, readings[0])


def _parse_reading(reading: ocr.OcrReading, pdf: bytes, monkeypatch) -> dict:
    """Parse `pdf` as if OCR had read `reading` (no OCR run)."""
    monkeypatch.setattr(ocr, "ocr_pdf", lambda data, *a, **k: reading)
    return check_schema(parse_bytes(pdf, filename="scan.pdf"))


def test_a_clean_scan_reads_its_tables_exactly(scan):
    report = scan.report
    assert report["source"]["media_type"] == "application/pdf"
    assert report["source"]["ocr"] is True
    note = next(p for p in report["problems"] if p["code"] == "ocr")
    assert note["severity"] == "warning"
    assert "tesseract" in note["message"] and "chi_sim" in note["message"] and "2 of 2 page(s)" in note["message"]
    assert report["applications"] == scan.truth["applications"]
    assert report["review_litigation"] == scan.truth["review_litigation"]
    assert all(c["ok"] is True for c in report["checks"] if c["rule"].startswith(("applications.", "review_")))
    assert report["year"] == scan.truth["year"]  # the organ's name is as OCR read it (芜湖 may come out 无湖)


def test_table_two_has_no_arithmetic_so_it_is_never_taken_from_a_scan(scan):
    proactive = scan.report["proactive"]
    assert proactive and all(v is None for _, v in _figures(proactive))
    assert scan.report["proactive_text"] == {}
    assert any(p["code"] == "ocr_unverified" and "table 二" in p["message"] for p in scan.report["problems"])


def _altered(reading: ocr.OcrReading, label: str, old: str, new: str) -> ocr.OcrReading:
    """The reading with one cell of the row `label` changed, as a misread digit would change it."""
    pieces = []
    for piece in reading.pieces:
        lines = piece.split("\n")
        for k, line in enumerate(lines):
            if label in line:
                cells = line.split("\t")
                at = cells.index(old)
                cells[at] = new
                lines[k] = "\t".join(cells)
        pieces.append("\n".join(lines))
    assert pieces != reading.pieces, f"no row {label} with a cell {old}"
    return dataclasses.replace(reading, pieces=pieces)


def test_one_misread_digit_leaves_table_three_null_and_says_why(scan, monkeypatch):
    row = scan.truth["applications"]["new_received"]
    value = str(row["total"])
    misread = value[:-1] + str((int(value[-1]) + 3) % 10)
    report = _parse_reading(_altered(scan.reading, "本年新收", value, misread), scan.pdf, monkeypatch)
    assert all(v is None for _, v in _figures(report["applications"]))
    assert not [k for k in report["provenance"] if k.startswith("applications.")]
    problem = next(p for p in report["problems"] if p["code"] == "ocr_unverified" and "table 三" in p["message"])
    assert problem["severity"] == "warning"
    assert "applications.row_sum.new_received false" in problem["message"]
    # table 四 is proven on its own, and no check blames the government for the misread
    assert report["review_litigation"] == scan.truth["review_litigation"]
    assert not [c for c in report["checks"] if c["ok"] is False]


def test_a_misread_in_table_four_leaves_only_table_four_null(scan, monkeypatch):
    review = scan.truth["review_litigation"]
    cells = [str(review[g][m]) for g in review for m in ("upheld", "corrected", "other", "pending", "total")]
    first = cells[0]
    reading = dataclasses.replace(
        scan.reading,
        pieces=[p.replace("\t".join(cells), "\t".join([first + "1", *cells[1:]])) for p in scan.reading.pieces],
    )
    assert reading.pieces != scan.reading.pieces
    report = _parse_reading(reading, scan.pdf, monkeypatch)
    assert all(v is None for _, v in _figures(report["review_litigation"]))
    assert any(p["code"] == "ocr_unverified" and "table 四" in p["message"] for p in report["problems"])
    assert report["applications"] == scan.truth["applications"]


def test_prose_figures_are_kept_only_when_a_proven_cell_says_the_same(scan, monkeypatch):
    received = scan.truth["applications"]["new_received"]["total"]
    reviews = scan.truth["review_litigation"]["review"]["total"]
    prose = f"本年度共收到政府信息公开申请{received}件。因政府信息公开被申请行政复议{reviews + 7}件。\n"
    reading = dataclasses.replace(scan.reading, pieces=[prose, *scan.reading.pieces])
    report = _parse_reading(reading, scan.pdf, monkeypatch)
    assert report["narrative"].get("applications_received") == received
    assert "review_total" not in report["narrative"]
    dropped = next(p for p in report["problems"] if p["code"] == "ocr_unverified" and "prose" in p["message"])
    assert f"review_total {reviews + 7}" in dropped["message"]


@needs_ocr
def test_a_scanned_page_as_an_image_attachment(scan):
    page = scan.pages[-1]  # the last page holds tables 三 and 四
    report = check_schema(parse_bytes(page, filename="page.png"))
    assert report["source"]["media_type"] == "image/png"
    assert report["source"]["ocr"] is True
    assert not _wrong(scan.truth["applications"], report["applications"])
    assert not _wrong(scan.truth["review_litigation"], report["review_litigation"])


HUAIAN_TRUTH = {
    "applications.new_received.total": 3119,
    "applications.carried_over.total": 34,
    "applications.total_processed.total": 3050,
    "applications.carried_forward.total": 103,
    "applications.granted.total": 1362,
    "applications.partially_granted.total": 454,
    "review_litigation.review.total": 351,
    "review_litigation.litigation_direct.total": 26,
    "review_litigation.litigation_after_review.total": 20,
}


@needs_ocr
@needs_img2pdf
@pytest.mark.skipif(
    not shutil.which("pdftoppm"),
    reason="pdftoppm is not installed (Debian: poppler-utils)",
)
@pytest.mark.skipif(not REAL_PDF.exists(), reason=f"{REAL_PDF} is not there")
def test_the_real_huaian_report_scanned(tmp_path):
    # pages 4-5 hold tables 三 and 四 (the prose pages would only add OCR time)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(DPI),
            "-png",
            "-f",
            "4",
            "-l",
            "5",
            str(REAL_PDF),
            str(tmp_path / "p"),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = _image_pdf([p.read_bytes() for p in sorted(tmp_path.glob("p-*.png"))], tmp_path)
    report = check_schema(parse_bytes(pdf, filename="14_huaian_2024_scan.pdf"))
    got = {}
    for key in HUAIAN_TRUTH:
        table, row, col = key.split(".")
        got[key] = ((report[table] or {}).get(row) or {}).get(col)
    wrong = {k: v for k, v in got.items() if v is not None and v != HUAIAN_TRUTH[k]}
    assert not wrong
    exact = sum(v is not None for v in got.values())
    print(f"\n淮安 scanned at {DPI} dpi: {exact} of {len(HUAIAN_TRUTH)} key figures exact, {len(got) - exact} null")


@needs_ocr
@needs_img2pdf
def test_page_limit_is_said(tmp_path):
    from PIL import Image

    blank = _png(Image.new("L", (1654, 2339), 255))
    reading = ocr.ocr_pdf(_image_pdf([blank] * 3, tmp_path), max_pages=2)
    assert (reading.pages_read, reading.pages_total) == (2, 3)
    assert "2 of 3 page(s)" in reading.summary and "not read" in reading.summary


def test_without_tesseract_the_scan_keeps_needs_ocr_saying_what_to_install(monkeypatch):
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 300, fill=1)
    page.save()
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    report = check_schema(parse_bytes(buffer.getvalue(), filename="scan.pdf"))
    assert [p["code"] for p in report["problems"]] == ["needs_ocr"]
    assert "tesseract-ocr-chi-sim" in report["problems"][0]["message"]
    assert report["applications"] is None and "ocr" not in report["source"]


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"II*\x00", "image/tiff"),
        (b"MM\x00*", "image/tiff"),
        (b"GIF89a", "image/gif"),
    ],
)
def test_image_attachments_are_recognised_by_their_bytes(head, media_type):
    assert detect.sniff(head + b"\x00" * 64, "attachment") == media_type


def test_a_bitmap_is_known_by_its_size_field_not_by_two_letters():
    data = bytearray(b"BM" + b"\x00" * 60)
    data[2:6] = len(data).to_bytes(4, "little")
    assert detect.sniff(bytes(data), "scan") == "image/bmp"
    assert detect.sniff("BMW 汽车 政府信息公开".encode(), "note.txt") == "text/plain"


def test_ocr_text_keeps_table_cells_apart():
    from parsers.extract.ocr_layout import Word, layout_text

    words = [
        Word(100, 100, 400, 130, "2.其他法律行政法规森止公开", 95),  # one misread character
        Word(800, 102, 830, 128, "30", 96),
        Word(1000, 102, 1015, 128, "1", 96),
        Word(1200, 102, 1215, 128, "0", 96),
        Word(1400, 102, 1430, 128, "31", 96),
        Word(100, 160, 300, 190, "〈七)总计", 90),
        Word(800, 162, 860, 188, "3050", 96),
        Word(1000, 162, 1015, 188, "4", 96),
    ]
    lines = layout_text(words).splitlines()
    assert lines[0] == "2.其他法律行政法规禁止公开\t30\t1\t0\t31"
    assert lines[1] == "（七）总计\t3050\t4"
    assert re.fullmatch(r"[^\t]+(\t\d+)+", lines[0])
