"""Parser throughput on a synthetic corpus of mixed shapes (not a test; run by hand).

    .venv/bin/python benchmarks/parse_speed.py [--n 10000]

Generates reports with reportgen (random reports of every era, rendered as HTML and every text shape),
parses them in this one process and prints reports per CPU-second (per core, measured with process_time so
other load on the machine does not count) for HTML and text (target ≥ 300) with, as the baseline run in this
process on the same documents, the least any reader must do (lxml's parse of the page and its text; for text the
decode and a regex over its numbers): the ratio says what the parse costs on top of that, on whatever machine;
the same for flattened text (a
web page exported as one line, reportgen's `one_line`: 2019/2021 reports, then pre-2019 统计表 reports),
peak memory (target < 500 MB), and last, when tesseract, pdftoppm and img2pdf are installed, OCR seconds per
page of image-only PDFs (generated reports rasterised and wrapped as scans) against Tesseract alone on the
same pages. The corpus is generated before timing starts. PDFs against `pdftotext -layout`: pdf_speed.py.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree

from parsers import parse_bytes


def corpus(n: int, seed: int = 0):
    from reportgen import TEXT_SHAPES, random_report, render_html, render_text

    rng = random.Random(seed)
    html, text = [], []
    eras = ("2019", "2021", "pre2019")
    distinct = max(1, min(n, 300))  # rendering is slower than parsing: reuse a few hundred documents
    for i in range(distinct):
        report = random_report(eras[i % 3], rng)
        html.append(render_html(report).encode("utf-8"))
        text.append(render_text(report, TEXT_SHAPES[i % len(TEXT_SHAPES)]).encode("utf-8"))
    return [html[i % distinct] for i in range(n)], [text[i % distinct] for i in range(n)]


def flat_corpus(n: int, eras: tuple[str, ...], seed: int = 0) -> list[bytes]:
    """Reports exported as one line (tables run together into label + digit runs with stray spaces)."""
    from reportgen import random_report, render_flat

    rng = random.Random(seed)
    distinct = max(1, min(n, 300))
    docs = [
        render_flat(random_report(eras[i % len(eras)], rng), "one_line", seed=i).encode("utf-8")
        for i in range(distinct)
    ]
    return [docs[i % distinct] for i in range(n)]


_NUMBER_RE = re.compile(r"\d+")


def bare_read(data: bytes, filename: str) -> None:
    """The baseline: what any reader of the document does before understanding it (no tables, no rules)."""
    if filename.endswith(".html"):
        root = etree.fromstring(data, etree.HTMLParser())
        _NUMBER_RE.findall("".join(root.itertext()))
    else:
        _NUMBER_RE.findall(data.decode("utf-8"))


def rate(docs: list[bytes], filename: str, chunk: int = 100, read=None) -> tuple[float, float]:
    """(median, overall) reports per CPU-second; the median of chunks of `chunk` documents is less
    sensitive to other work competing for the same cores (caches, hyper-threads)."""
    read = read or (lambda data, name: parse_bytes(data, filename=name))
    rates = []
    total = 0.0
    for i in range(0, len(docs), chunk):
        part = docs[i : i + chunk]
        start = time.process_time()
        for data in part:
            read(data, filename)
        spent = time.process_time() - start
        total += spent
        rates.append(len(part) / spent)
    rates.sort()
    return rates[len(rates) // 2], len(docs) / total


def rasterise(pdf: Path, prefix: Path, dpi: int) -> tuple[list[Path], str]:
    """Page images of `pdf` by pdftoppm; when poppler lacks the CJK font data (poppler-data: "Missing
    language pack for 'Adobe-GB1'") its pages come out without the Chinese text, so pdfium renders them."""
    run = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], capture_output=True, check=False)
    if run.returncode == 0 and b"Missing language pack" not in run.stderr:
        return sorted(prefix.parent.glob(prefix.name + "-*.png")), "pdftoppm"
    import pypdfium2

    pages = []
    for number, page in enumerate(pypdfium2.PdfDocument(pdf.read_bytes()), start=1):
        path = prefix.parent / f"{prefix.name}-pdfium-{number:02d}.png"
        page.render(scale=dpi / 72).to_pil().convert("L").save(path)
        pages.append(path)
    return pages, "pdfium (poppler-data missing)"


def scanned_pdfs(count: int, tmp: Path, dpi: int = 300) -> tuple[list[tuple[bytes, list[Path]]], str]:
    """Generated reports as image-only PDFs (a scan): each page rasterised, the images wrapped by img2pdf."""
    from reportgen import random_report, render_pdf

    rng = random.Random(2)
    out, how = [], ""
    for i in range(count):
        source = tmp / f"report{i}.pdf"
        source.write_bytes(render_pdf(random_report(("2019", "2021")[i % 2], rng)))
        pages, how = rasterise(source, tmp / f"page{i}", dpi)
        scan = tmp / f"scan{i}.pdf"
        subprocess.run(["img2pdf", *map(str, pages), "-o", str(scan)], check=True)
        out.append((scan.read_bytes(), pages))
    return out, how


def ocr_speed(count: int = 2) -> str:
    """Seconds per page (wall clock: OCR runs Tesseract processes, pages side by side on the cores) for the
    parser on image-only PDFs, against Tesseract alone reading the same pages one by one."""
    missing = [tool for tool in ("tesseract", "pdftoppm", "img2pdf") if not shutil.which(tool)]
    if missing:
        return f"OCR: skipped ({', '.join(missing)} not installed)"
    with tempfile.TemporaryDirectory() as tmp:
        scans, how = scanned_pdfs(count, Path(tmp))
        pages = sum(len(p) for _, p in scans)
        start = time.perf_counter()
        reports = [parse_bytes(data, filename="scan.pdf") for data, _ in scans]
        ours = (time.perf_counter() - start) / pages
        codes = {p["code"] for r in reports for p in r["problems"]}
        if "needs_ocr" in codes:
            return "OCR: the parser did not OCR the scans (needs_ocr problem): no figure"
        read = sum(r["applications"] is not None for r in reports)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        start = time.perf_counter()
        for _, images in scans:
            for image in images:
                subprocess.run(
                    ["tesseract", str(image), "-", "-l", "chi_sim"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    check=False,
                )
        theirs = (time.perf_counter() - start) / pages
    return (
        f"OCR: {ours:.2f} s/page over {pages} pages rasterised by {how} ({read} of {len(scans)} reports' "
        f"table 三 read), tesseract chi_sim alone {theirs:.2f} s/page one at a time: ratio {ours / theirs:.2f}×"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="documents per kind (HTML, text)")
    args = ap.parse_args()
    html, text = corpus(args.n)
    parse_bytes(html[0], filename="warm.html")  # imports and caches outside the timing
    one_line = flat_corpus(args.n, ("2019", "2021"))
    pre2019_one_line = flat_corpus(args.n, ("pre2019",), seed=1)
    for kind, docs, name in (
        ("HTML", html, "r.html"),
        ("text", text, "r.txt"),
        ("one-line text", one_line, "r.txt"),
        ("pre-2019 one-line text", pre2019_one_line, "r.txt"),
    ):
        median, overall = rate(docs, name)
        line = f"{kind}: {median:.0f} reports/s/core median of chunks, {overall:.0f} overall (target ≥ 300)"
        if kind in ("HTML", "text"):
            base, _ = rate(docs, name, read=bare_read)
            line += (
                f"; baseline, the bare read of the same documents: {base:.0f}/s (the parse costs {base / median:.1f}×)"
            )
        print(line, flush=True)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory: {peak_kb / 1024:.0f} MB (target < 500)", flush=True)
    print(ocr_speed(), flush=True)  # last: page images held in memory would raise the peak above
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory with OCR: {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
