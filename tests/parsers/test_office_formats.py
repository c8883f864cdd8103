"""Old Office formats: .doc/.wps/.rtf through LibreOffice, .xlsx/.xls/.et through python-calamine.

The documents are made here: a reportgen report as .docx, converted by LibreOffice to .doc and .rtf (a .wps
is a .doc under another name, which is how WPS files usually arrive; LibreOffice cannot write real WPS),
and the same kind of report as spreadsheets (LibreOffice Calc reading an HTML table, merged cells kept or
not). Every table figure must come back exactly. Tests that need `soffice` are skipped without it.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import parsers
import reportgen
from parsers import detect
from parsers.extract import office, sheet
from reportgen.document import build_blocks

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "roundtrip"))
from roundtrip_compare import NUMBER_TABLES, check_differences, table_differences

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

WORD_TRUTH = reportgen.random_report("2021", random.Random(2024))
SHEET_TRUTH = reportgen.random_report("2019", random.Random(2019))


def _soffice(workdir: Path, target: str, *sources: Path, infilter: str | None = None) -> None:
    """Convert several files in one LibreOffice start (each start costs seconds)."""
    command = [
        "soffice",
        f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
    ]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(workdir), *map(str, sources)]
    subprocess.run(
        command,
        check=True,
        timeout=120,
        capture_output=True,
        env={**os.environ, "HOME": str(workdir)},
    )


def _flat_sheet_html(truth: dict) -> str:
    """One sheet, no merged cells: each table cell's text in its top-left slot, blanks elsewhere."""
    rows = []
    for block in build_blocks(truth):
        if block.kind == "table":
            for slots in block.grid.matrix():
                cells = (html.escape(cell.text) if cell is not None and origin else "" for cell, origin in slots)
                rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        else:
            rows.append(f"<tr><td>{html.escape(block.text)}</td></tr>")
    return '<html><head><meta charset="utf-8"></head><body><table>' + "".join(rows) + "</table></body></html>"


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    work = tmp_path_factory.mktemp("office")
    (work / "report.docx").write_bytes(reportgen.render_docx(WORD_TRUTH))
    (work / "merged.html").write_text(reportgen.render_html(SHEET_TRUTH, chrome=False), encoding="utf-8")
    (work / "flat.html").write_text(_flat_sheet_html(SHEET_TRUTH), encoding="utf-8")
    started = time.perf_counter()
    _soffice(work, "doc", work / "report.docx")
    _soffice(work, "rtf", work / "report.docx")
    _soffice(
        work,
        "xlsx",
        work / "merged.html",
        work / "flat.html",
        infilter="HTML (StarCalc)",
    )
    _soffice(work, "xls", work / "merged.xlsx")
    print(f"4 LibreOffice conversions to make the inputs: {time.perf_counter() - started:.1f} s")
    shutil.copy(work / "report.doc", work / "report.wps")
    shutil.copy(work / "merged.xls", work / "merged.et")
    return {p.name: p for p in work.iterdir() if p.is_file()}


def assert_same_numbers(truth: dict, parsed: dict) -> None:
    problems = [
        f"{key}: expected {truth[key]!r}, parsed {parsed.get(key)!r}"
        for key in ("organ", "year", "era")
        if parsed.get(key) != truth[key]
    ]
    for table in NUMBER_TABLES:
        problems += table_differences(truth, parsed, table)
    problems += check_differences([], parsed)
    assert not problems, "\n".join(problems[:40])


@needs_soffice
@pytest.mark.parametrize(
    "name, media_type",
    [
        ("report.doc", detect.DOC),
        ("report.wps", detect.WPS),
        ("report.rtf", detect.RTF),
        ("merged.xlsx", detect.XLSX),
        ("merged.xls", detect.XLS),
        ("merged.et", detect.ET),
    ],
)
def test_real_files_are_detected(documents, name, media_type):
    assert detect.sniff(documents[name].read_bytes(), name) == media_type


@needs_soffice
def test_content_outweighs_a_wrong_extension(documents):
    assert detect.sniff(documents["merged.xls"].read_bytes(), "report.doc") == detect.XLS
    assert detect.sniff(documents["report.doc"].read_bytes(), "report.xls") == detect.DOC


@needs_soffice
@pytest.mark.parametrize("name", ["report.doc", "report.wps", "report.rtf"])
def test_word_formats_read_back_exactly(documents, name):
    started = time.perf_counter()
    parsed = parsers.parse_file(documents[name])
    print(f"{name}: parsed in {time.perf_counter() - started:.1f} s")
    assert_same_numbers(WORD_TRUTH, parsed)
    assert parsed["provenance"]["applications.new_received.total"].startswith("docx table")


@needs_soffice
@pytest.mark.parametrize("name", ["merged.xlsx", "merged.xls", "merged.et", "flat.xlsx"])
def test_spreadsheets_read_back_exactly(documents, name):
    parsed = parsers.parse_file(documents[name])
    assert_same_numbers(SHEET_TRUTH, parsed)
    assert parsed["provenance"]["applications.new_received.total"].startswith("sheet 1, row ")


@needs_soffice
def test_workbook_calamine_cannot_read_goes_through_libreoffice(documents, monkeypatch):
    read = sheet.extract_sheets
    calls = []

    def calamine_refuses_the_original(data: bytes):
        calls.append(data[:4])
        if not data.startswith(b"PK"):  # the .et itself, not LibreOffice's .xlsx of it
            raise ValueError("unsupported record")
        return read(data)

    monkeypatch.setattr(sheet, "extract_sheets", calamine_refuses_the_original)
    parsed = parsers.parse_file(documents["merged.et"])
    assert calls == [b"\xd0\xcf\x11\xe0", b"PK\x03\x04"]
    assert_same_numbers(SHEET_TRUTH, parsed)


@needs_soffice
def test_damaged_word_file_is_unreadable_not_an_exception():
    parsed = parsers.parse_bytes(_ole_with_stream("WordDocument") + b"junk" * 100, filename="bad.doc")
    assert [p["code"] for p in parsed["problems"]] == ["unreadable_document"]
    assert "LibreOffice could not convert" in parsed["problems"][0]["message"]


@needs_soffice
def test_conversion_past_its_time_limit_is_killed_with_its_children(documents, monkeypatch):
    started: list[int] = []

    class RecordingPopen(subprocess.Popen):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self.pid)

    monkeypatch.setattr(office.subprocess, "Popen", RecordingPopen)
    with pytest.raises(office.ConversionFailed, match="did not finish"):
        office.convert_to_docx(documents["report.doc"].read_bytes(), ".doc", timeout=0.2)
    # killed processes linger until their new parent reaps them
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.killpg(started[0], 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail("soffice's process group outlived the time limit")


# --- without LibreOffice -------------------------------------------------------------------------------


def _ole_with_stream(name: str) -> bytes:
    """The smallest bytes `detect` takes for a compound file with one named directory entry."""
    entry = (name + "\0").encode("utf-16-le").ljust(64, b"\0") + (len(name) * 2 + 2).to_bytes(2, "little")
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\0") + entry.ljust(128, b"\0")


@pytest.mark.parametrize(
    "data, filename, media_type",
    [
        (_ole_with_stream("WordDocument"), "a.doc", detect.DOC),
        (_ole_with_stream("WordDocument"), "a.wps", detect.WPS),
        (_ole_with_stream("WordDocument"), "a.xls", detect.DOC),
        (_ole_with_stream("Workbook"), "a.doc", detect.XLS),
        (_ole_with_stream("Workbook"), None, detect.XLS),
        (_ole_with_stream("Workbook"), "a.et", detect.ET),
        (_ole_with_stream("Book"), "a", detect.XLS),
        # the word in a document's text, not a directory entry: the name decides
        (
            _ole_with_stream("Other") + b"\0" + "Workbook\0".encode("utf-16-le") * 20,
            "a.doc",
            detect.DOC,
        ),
        (_ole_with_stream("Other"), "a.et", detect.ET),
        (b"{\\rtf1\\ansi hello}", None, detect.RTF),
        (b"\xef\xbb\xbf{\\rtf1 hello}", "a.txt", detect.RTF),
    ],
)
def test_sniffing(data, filename, media_type):
    assert detect.sniff(data, filename) == media_type


def test_xlsx_is_told_from_docx():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert detect.sniff(buffer.getvalue(), "a.zip") == detect.XLSX


@pytest.mark.parametrize(
    "data, filename, package",
    [
        (
            _ole_with_stream("WordDocument") + b"x" * 64,
            "a.doc",
            "libreoffice-writer-nogui",
        ),
        (
            _ole_with_stream("WordDocument") + b"x" * 64,
            "a.wps",
            "libreoffice-writer-nogui",
        ),
        (b"{\\rtf1\\ansi hello}", "a.rtf", "libreoffice-writer-nogui"),
        # calamine cannot read it, so LibreOffice would be the second reader
        (
            _ole_with_stream("Workbook") + b"x" * 64,
            "a.et",
            "libreoffice-calc-nogui",
        ),
    ],
)
def test_without_libreoffice_the_problem_names_the_package(monkeypatch, data, filename, package):
    monkeypatch.setattr(office, "soffice_path", lambda: None)
    parsed = parsers.parse_bytes(data, filename=filename)
    assert [p["code"] for p in parsed["problems"]] == ["unsupported_format"]
    assert package in parsed["problems"][0]["message"]


@pytest.mark.parametrize(
    "value, text",
    [
        (3.0, "3"),
        (3, "3"),
        (-12.0, "-12"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.3"),
        (1e-05, "0.00001"),
        (184466.35, "184466.35"),
        (None, ""),
        ("", ""),
        (" 5件", " 5件"),
        (True, "TRUE"),
        (dt.datetime(2023, 3, 4), "2023-03-04"),
        (dt.date(2023, 3, 4), "2023-03-04"),
        (float("nan"), ""),
    ],
)
def test_cell_text_prints_numbers_as_people_see_them(value, text):
    assert sheet.cell_text(value) == text
