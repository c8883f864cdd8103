"""Bad input never raises: a Report with a clear problem, in bounded time."""

from __future__ import annotations

import io
import os
import time
import zipfile

import pytest
from parser_builders import text_pdf
from parser_expectations import SEED_000_APPLICATIONS, parse, seed_path


def codes(report: dict) -> list[str]:
    return [p["code"] for p in report["problems"]]


def test_empty_file():
    r = parse(b"", "empty.txt")
    assert codes(r) == ["unreadable_document"] and "empty.txt" in r["problems"][0]["message"]


def test_binary_junk():
    r = parse(os.urandom(4096) + b"\x00" * 100, "junk.bin")
    assert r["problems"] and r["problems"][0]["severity"] == "error"
    assert r["applications"] is None


def test_truncated_pdf():
    data = text_pdf(["一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1"] * 5)
    r = parse(data[: len(data) // 3], "cut.pdf")
    assert r["problems"][0]["severity"] == "error"
    assert r["problems"][0]["code"] in ("unreadable_document", "needs_ocr")


def test_deeply_nested_html_is_bounded():
    html = "<html><body>" + "<div>" * 10_000 + "一、本年新收政府信息公开申请数量" + "</div>" * 10_000 + "</body></html>"
    start = time.perf_counter()
    r = parse(html, "deep.html")
    assert time.perf_counter() - start < 10
    assert r["applications"] is None


def _zip_bomb_docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/bomb.xml", b"\x00" * (12 * 1024 * 1024))
    return buf.getvalue()


def test_zip_bomb_docx_is_refused_before_opening():
    data = _zip_bomb_docx()
    start = time.perf_counter()
    r = parse(data, "bomb.docx")
    assert time.perf_counter() - start < 5
    assert codes(r) == ["too_large"]


def test_gbk_without_declaration_is_read_and_flagged():
    text = seed_path("000").read_text(encoding="utf-8")
    r = parse(text.encode("gbk"), "seed.txt")
    assert "encoding_guessed" in codes(r)
    assert r["applications"] == SEED_000_APPLICATIONS


@pytest.mark.parametrize(
    "data",
    [
        b"<html><table><tr><td rowspan='99999999'>x</td></tr></table></html>",
        b"PK\x03\x04garbage",
        b"%PDF-1.4 garbage",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ],
)
def test_odd_inputs_never_raise(data):
    r = parse(data, "odd")
    assert isinstance(r["problems"], list)
