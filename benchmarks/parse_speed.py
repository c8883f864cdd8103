"""Parser throughput on a synthetic corpus of mixed shapes (not a test; run by hand).

    .venv/bin/python benchmarks/parse_speed.py [--n 10000]

Generates reports with reportgen (random reports of every era, rendered as HTML and every text shape, plus
a few PDFs), parses them in this one process and prints reports per CPU-second (per core, measured with process_time so other load on the machine does not count) for HTML and text (target ≥ 300),
the PDF time against poppler's `pdftotext` when installed (target within 2×), and peak memory (target
< 500 MB). The corpus is generated before timing starts.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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


def rate(docs: list[bytes], filename: str, chunk: int = 100) -> tuple[float, float]:
    """(median, overall) reports per CPU-second; the median of chunks of `chunk` documents is less
    sensitive to other work competing for the same cores (caches, hyper-threads)."""
    rates = []
    total = 0.0
    for i in range(0, len(docs), chunk):
        part = docs[i : i + chunk]
        start = time.process_time()
        for data in part:
            parse_bytes(data, filename=filename)
        spent = time.process_time() - start
        total += spent
        rates.append(len(part) / spent)
    rates.sort()
    return rates[len(rates) // 2], len(docs) / total


def pdf_ratio(count: int = 5) -> str:
    from reportgen import random_report, render_pdf

    rng = random.Random(1)
    pdfs = [render_pdf(random_report("2019", rng)) for _ in range(count)]
    start = time.perf_counter()
    for data in pdfs:
        parse_bytes(data, filename="r.pdf")
    ours = (time.perf_counter() - start) / count
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        return f"PDF: {ours * 1000:.1f} ms/report (pdftotext not installed: no ratio)"
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, data in enumerate(pdfs):
            p = Path(tmp) / f"{i}.pdf"
            p.write_bytes(data)
            paths.append(p)
        start = time.perf_counter()
        for p in paths:
            subprocess.run([pdftotext, "-layout", str(p), "-"], stdout=subprocess.DEVNULL, check=False)
        theirs = (time.perf_counter() - start) / count
    return f"PDF: {ours * 1000:.1f} ms/report, pdftotext {theirs * 1000:.1f} ms: ratio {ours / theirs:.2f}× (target ≤ 2)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="documents per kind (HTML, text)")
    args = ap.parse_args()
    html, text = corpus(args.n)
    parse_bytes(html[0], filename="warm.html")  # imports and caches outside the timing
    for kind, docs, name in (("HTML", html, "r.html"), ("text", text, "r.txt")):
        median, overall = rate(docs, name)
        print(f"{kind}: {median:.0f} reports/s/core median of chunks, {overall:.0f} overall (target ≥ 300)", flush=True)
    print(pdf_ratio(), flush=True)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory: {peak_kb / 1024:.0f} MB (target < 500)")


if __name__ == "__main__":
    main()
