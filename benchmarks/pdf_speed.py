"""PDF parse speed against poppler's `pdftotext -layout` on the same files (not a test; run by hand).

    .venv/bin/python benchmarks/pdf_speed.py [--n 16] [--runs 3]

Files: the real PDFs of ../shared/real-reports, the sample portal's PDFs (reportlab, fonts not embedded), and
`--n` reports rendered by reportgen in each of its PDF styles, eras mixed: WPS 文字's layout (cells centred
both ways, vertical row headers, wrapped labels, ruled tables, page number first, glyph-by-glyph text),
reportlab's plain cell-by-cell drawing, and tables drawn column by column (the text layer's order is not the
reading order: the parser's second reading, by position, reads them). Every file is parsed once to warm the
process (imports, caches), then `--runs` times; a file's time is its fastest run. Times are CPU seconds (this
process's for the parser, the children's for pdftotext), so other work on the machine's cores does not count.
Printed per group: ms per file for the parser (whole `parse_bytes`: text layer and analysis), for pdftotext,
their ratio against the target (≤ 1.5), and the same ratio for the old path (pdfium's content-order text, then
pdfplumber's pure-Python layout when the tables came out unread), measured here in the same process on the same
files. The corpus is rendered before timing starts.
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
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import parsers.extract.pdf as pdf_extract
from parsers import parse_bytes

TARGET = 1.5
REAL = ROOT.parent / "shared" / "real-reports"
SAMPLE_PORTAL = ROOT / "sample_portal" / "site"


def corpus(n: int) -> dict[str, list[tuple[str, bytes]]]:
    from reportgen import random_report, render_pdf
    from reportgen.pdf import STYLES

    groups = {
        "real": [(p.name, p.read_bytes()) for p in sorted(REAL.glob("*.pdf"))],
        "sample portal": [(p.name, p.read_bytes()) for p in sorted(SAMPLE_PORTAL.rglob("*.pdf"))],
    }
    eras = ("2019", "2021", "pre2019")
    for style in STYLES:
        rng = random.Random(7)
        groups[f"reportgen {style}"] = [
            (f"{style}{i}.pdf", render_pdf(random_report(eras[i % 3], rng), style=style)) for i in range(n)
        ]
    return {name: files for name, files in groups.items() if files}


# --- the old path, kept here as the baseline --------------------------------------------------------------


def _old_extract_pdf(data: bytes) -> tuple[list[str], int, bool]:
    """The extractor before pdf_layout: pdfium's text in content-stream order only (and no look at the glyphs)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        total, pages = len(pdf), []
        for index in range(min(total, pdf_extract.MAX_PAGES)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if len("".join("\n".join(pages).split())) < 20:
        raise pdf_extract.NeedsOCR(f"{len(pages)} page(s) without a text layer")
    return ["\n".join(pages)], total, False


def _old_extract_pdf_layout(data: bytes) -> list[str]:
    """The second reading before pdf_layout: lines rebuilt by pdfplumber (pdfminer, pure Python)."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return ["\n".join((page.extract_text(x_tolerance=1.5) or "") for page in pdf.pages[: pdf_extract.MAX_PAGES])]


@contextmanager
def old_path():
    saved = pdf_extract.extract_pdf, pdf_extract.extract_pdf_layout
    pdf_extract.extract_pdf, pdf_extract.extract_pdf_layout = _old_extract_pdf, _old_extract_pdf_layout
    try:
        yield
    finally:
        pdf_extract.extract_pdf, pdf_extract.extract_pdf_layout = saved


# --- timing -----------------------------------------------------------------------------------------------


class SecondReadings:
    """Counts the files whose parse went on to the second reading (the tables came out unread in the first)."""

    def __init__(self) -> None:
        self.files: set[str] = set()

    @contextmanager
    def watching(self, name: str):
        layout = pdf_extract.extract_pdf_layout

        def counted(data: bytes) -> list[str]:
            self.files.add(name)
            return layout(data)

        pdf_extract.extract_pdf_layout = counted
        try:
            yield
        finally:
            pdf_extract.extract_pdf_layout = layout


def parse_seconds(name: str, data: bytes) -> float:
    start = time.process_time()
    parse_bytes(data, filename=name)
    return time.process_time() - start


def pdftotext_seconds(path: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["pdftotext", "-layout", str(path), "-"], stdout=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def measure(files: list[tuple[str, bytes]], runs: int, folder: Path, baseline: bool) -> dict:
    """Per path, the sum over files of each file's fastest run; the paths take turns on each file, run by
    run, so a busy moment of the machine weighs on all three alike."""
    seconds = {"ours": 0.0, "pdftotext": 0.0, "old": 0.0}
    second, old_second = SecondReadings(), SecondReadings()
    for name, data in files:
        path = folder / name
        path.write_bytes(data)
        with second.watching(name):  # warm runs: imports, caches, the page cache
            parse_bytes(data, filename=name)
        pdftotext_seconds(path)
        if baseline:
            with old_path(), old_second.watching(name):
                parse_bytes(data, filename=name)
        best = {"ours": [], "pdftotext": [], "old": []}
        for _ in range(runs):
            best["ours"].append(parse_seconds(name, data))
            best["pdftotext"].append(pdftotext_seconds(path))
            if baseline:
                with old_path():
                    best["old"].append(parse_seconds(name, data))
        for key, times in best.items():
            seconds[key] += min(times, default=0.0)
    seconds["second readings"], seconds["old second readings"] = len(second.files), len(old_second.files)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=16, help="reportgen PDFs per style")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per file (the fastest counts)")
    args = ap.parse_args()
    if not shutil.which("pdftotext"):
        sys.exit("pdftotext is not installed (Debian: poppler-utils): no ratio to print")
    try:
        import pdfplumber  # noqa: F401 — the old path's second reading
    except ImportError:
        baseline = False
    else:
        baseline = True
    groups = corpus(args.n)
    print(f"files: {', '.join(f'{name} {len(files)}' for name, files in groups.items())}", flush=True)
    totals = {"ours": 0.0, "old": 0.0, "pdftotext": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for name, files in groups.items():
            got = measure(files, args.runs, Path(tmp), baseline)
            n, ours, poppler, old = len(files), got["ours"], got["pdftotext"], got["old"]
            line = (
                f"{name}: {ours / n * 1000:.1f} ms/file, pdftotext -layout {poppler / n * 1000:.1f} ms: ratio "
                f"{ours / poppler:.2f}× (target ≤ {TARGET}); second reading on {got['second readings']}/{n}"
            )
            if baseline:
                line += (
                    f"; old path {old / n * 1000:.1f} ms: {old / poppler:.2f}× "
                    f"(pdfplumber on {got['old second readings']}/{n})"
                )
            print(line, flush=True)
            for key in totals:
                totals[key] += got[key]
    overall = f"all files: ratio {totals['ours'] / totals['pdftotext']:.2f}× (target ≤ {TARGET})"
    if baseline:
        overall += f", old path {totals['old'] / totals['pdftotext']:.2f}×"
    else:
        overall += ", old path not measured (pdfplumber not installed)"
    print(overall)


if __name__ == "__main__":
    main()
