"""Scans (image-only PDFs, image attachments) → text through Tesseract OCR with the `chi_sim` model.

Tesseract runs as a command (no Python binding to install), with a timeout per run, pages side by side on
the machine's cores, each run limited to one OpenMP thread (Tesseract's own threading makes a page three
times slower on a small machine). A page is prepared first: grayscale, at most MAX_SIDE pixels high, and
the table's ruling lines erased (a border beside a digit reads as `1` or `|`).

Each page is read up to three times, each reading a second opinion on the one before:
1. chi_sim, the whole page: the text, the labels and most numbers;
2. the English model restricted to digits, the whole page: it reads figures chi_sim misreads (64 as 04,
   351 as 331) and numbers chi_sim skipped; its numbers replace chi_sim's at the same place;
3. the ink in table rows that neither reading covered (lone single digits are often skipped by both),
   cut out, stacked into one small image and read by the digits model.
ocr_layout.py then rebuilds the lines with table cells separated by TAB.

What OCR reads is not trusted: `parsers/ocr_verify.py` keeps a table only when its arithmetic holds.
Without Tesseract or its Chinese model, `OcrUnavailable` says what to install.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .ocr_layout import Word, cell_boxes, glyph_height, is_number, layout_text, merge_digits, parse_tsv, with_readings

ENGINE = "tesseract"
LANGUAGE = "chi_sim"
DIGITS_LANGUAGE = "eng"
DIGITS_ONLY = ["-c", "tessedit_char_whitelist=0123456789.,%-"]
INSTALL_HINT = "Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
MAX_PAGES = 40
PAGE_TIMEOUT_SECONDS = 90
DPI = 300
MAX_SIDE = 3600  # pixels: an A4 page at 300 dpi is 3508 high; a scan of a larger page is scaled to this
MIN_WIDTH = 1600  # narrower images (screenshots at screen resolution) are enlarged: Tesseract wants tall glyphs
MAX_PIXELS = 80_000_000  # an image beyond this is no scanned page (and would exhaust memory)
RULE_FRACTION = 1 / 25  # a dark run this long (a share of the page width) is a ruling line, never a stroke


class OcrUnavailable(Exception):
    """Tesseract or its chi_sim model is not installed: scans cannot be read on this machine."""


@dataclass
class OcrReading:
    """Text of the pages read (one piece per page) and what was left out."""

    pieces: list[str]
    pages_total: int
    pages_read: int
    pages_failed: list[int] = field(default_factory=list)  # 1-based numbers of pages whose OCR failed or timed out
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        text = f"{ENGINE} {tesseract_version()} ({LANGUAGE}), {self.pages_read} of {self.pages_total} page(s)"
        if self.pages_total > self.pages_read:
            text += f"; pages after {self.pages_read} not read (limit {MAX_PAGES})"
        if self.pages_failed:
            text += f"; OCR failed on page(s) {', '.join(map(str, self.pages_failed))}"
        return text


def _tesseract() -> str:
    path = shutil.which("tesseract")
    if not path:
        raise OcrUnavailable(f"Tesseract is not installed ({INSTALL_HINT})")
    return path


@functools.lru_cache(maxsize=1)
def tesseract_version() -> str:
    out = subprocess.run([_tesseract(), "--version"], capture_output=True, text=True, timeout=30)
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0].split()[-1] if first else "?"


@functools.lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    out = subprocess.run([_tesseract(), "--list-langs"], capture_output=True, text=True, timeout=30)
    return frozenset((out.stdout + out.stderr).split())


def _check_available() -> None:
    if LANGUAGE not in _languages():
        raise OcrUnavailable(f"Tesseract has no {LANGUAGE} model ({INSTALL_HINT})")


def ocr_available() -> bool:
    try:
        _check_available()
    except (OcrUnavailable, OSError, subprocess.SubprocessError):
        return False
    return True


def ocr_pdf(data: bytes, max_pages: int = MAX_PAGES) -> OcrReading:
    """Every page of a PDF (up to `max_pages`) rendered at DPI (less for pages larger than A4) and read."""
    import pypdfium2 as pdfium

    _check_available()
    pdf = pdfium.PdfDocument(data)
    try:
        total = len(pdf)
        images = []
        for index in range(min(total, max_pages)):
            page = pdf[index]
            scale = min(DPI / 72, MAX_SIDE / max(page.get_size()))
            images.append(page.render(scale=scale, grayscale=True).to_pil())
            page.close()
    finally:
        pdf.close()
    return _read_images(images, total)


def ocr_image(data: bytes, max_pages: int = MAX_PAGES) -> OcrReading:
    """An image attachment (PNG, JPEG, TIFF, BMP, GIF); every frame of a multi-page TIFF is a page."""
    from PIL import Image, ImageSequence

    _check_available()
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > MAX_PIXELS:
        raise ValueError(f"image of {image.width}x{image.height} pixels is too large to be a scanned page")
    frames = [frame.copy() for _, frame in zip(range(max_pages), ImageSequence.Iterator(image))]
    return _read_images(frames, getattr(image, "n_frames", 1))


def _read_images(images: list, total: int) -> OcrReading:
    started = time.monotonic()
    workers = max(1, min(len(images), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        texts = list(pool.map(_read_page, images))
    return OcrReading(
        pieces=[text for text in texts if text],
        pages_total=total,
        pages_read=len(images),
        pages_failed=[i + 1 for i, text in enumerate(texts) if text is None],
        seconds=time.monotonic() - started,
    )


def _read_page(image) -> str | None:
    pixels = _prepared(image)
    png = _png(pixels)
    words = _tesseract_words(png, LANGUAGE, "6")
    if words is None:
        return None
    if DIGITS_LANGUAGE in _languages():
        if os.environ.get("NIANBAO_FULLENG", "1") == "1":
            words = merge_digits(words, _tesseract_words(png, DIGITS_LANGUAGE, "11", DIGITS_ONLY) or [])
        glyph = glyph_height(words)
        boxes = cell_boxes(pixels < 128, words, glyph)
        if boxes:
            words = with_readings(words, _read_boxes(pixels, boxes, glyph))
    return layout_text(words)


def _tesseract_words(png: bytes, language: str, psm: str, options: list[str] = ()) -> list[Word] | None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [_tesseract(), "stdin", "stdout", "-l", language, "--psm", psm, *options, "tsv"]
    try:
        out = subprocess.run(command, input=png, capture_output=True, timeout=PAGE_TIMEOUT_SECONDS, env=env)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        return None
    return parse_tsv(out.stdout.decode("utf-8", errors="replace"))


def _read_boxes(pixels, boxes: list[tuple[int, int, int, int]], glyph: float) -> list[Word]:
    """The numbers in `boxes`, read by the digits model from one sheet with the boxes set apart in a grid
    (alone on a white sheet, a cell is read without the page's lines and labels to mislead the model)."""
    import numpy as np

    pad, gap = int(glyph / 2), int(glyph)
    height, width = pixels.shape
    crops = [pixels[max(0, t - pad) : min(height, b + pad), max(0, x0 - pad) : min(width, x1 + pad)]
             for x0, t, x1, b in boxes]
    per_column = 40
    cell_h = max(c.shape[0] for c in crops) + gap
    cell_w = max(c.shape[1] for c in crops) + 3 * gap
    columns = -(-len(crops) // per_column)
    sheet = np.full((gap + cell_h * min(len(crops), per_column), gap + cell_w * columns), 255, dtype=np.uint8)
    slots = []
    for k, crop in enumerate(crops):
        y, x = gap + cell_h * (k % per_column), gap + cell_w * (k // per_column)
        sheet[y : y + crop.shape[0], x : x + crop.shape[1]] = crop
        slots.append((x, y, x + crop.shape[1], y + crop.shape[0]))
    read: dict[int, list[Word]] = {}
    for word in _tesseract_words(_png(sheet), DIGITS_LANGUAGE, "6", DIGITS_ONLY) or []:
        cx, cy = (word.left + word.right) / 2, word.middle
        for k, (x0, y0, x1, y1) in enumerate(slots):
            if x0 <= cx < x1 and y0 <= cy < y1:
                read.setdefault(k, []).append(word)
    out = []
    for k, words in read.items():
        # no bar on confidence (Tesseract gives a plain serif 11 26%): the table's arithmetic judges every cell
        if len(words) == 1 and is_number(words[0].text):
            x0, t, x1, b = boxes[k]
            out.append(Word(x0, t, x1, b, words[0].text, words[0].confidence))
    return out


def _prepared(image):
    """The page as a grayscale array: scaled into MIN_WIDTH…MAX_SIDE, ruling lines erased."""
    import numpy as np
    from PIL import Image

    gray = image.convert("L")
    if gray.width < MIN_WIDTH:
        gray = gray.resize((MIN_WIDTH, round(gray.height * MIN_WIDTH / gray.width)), Image.LANCZOS)
    elif max(gray.size) > MAX_SIDE * 1.2:
        factor = MAX_SIDE / max(gray.size)
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.LANCZOS)
    pixels = np.asarray(gray).copy()
    rule = max(40, round(gray.width * RULE_FRACTION))
    # anti-aliased hairlines render light grey: a lenient threshold finds them, and one pixel either side
    # goes with them (the grey fringe would otherwise read as | or 1 beside a digit)
    dark = pixels < 200
    across = _long_runs(dark, rule)
    down = _long_runs(dark.T, rule).T
    across[1:] |= across[:-1].copy()
    across[:-1] |= across[1:].copy()
    down[:, 1:] |= down[:, :-1].copy()
    down[:, :-1] |= down[:, 1:].copy()
    pixels[across | down] = 255
    return pixels


def _png(pixels) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _long_runs(dark, length: int):
    """Pixels that belong to a horizontal run of at least `length` dark pixels."""
    import numpy as np

    rows, cols = dark.shape
    if cols < length:
        return np.zeros_like(dark)
    counts = np.zeros((rows, cols + 1), dtype=np.int32)
    np.cumsum(dark, axis=1, out=counts[:, 1:])
    starts = (counts[:, length:] - counts[:, :-length]) == length  # a full run begins at column j
    # pixel j is covered when a full run begins anywhere in [j - length + 1, j]
    begun = np.zeros((rows, cols + 1), dtype=np.int32)
    np.cumsum(np.pad(starts, ((0, 0), (0, length - 1))), axis=1, out=begun[:, 1:])
    covered = np.zeros_like(dark)
    covered[:, length - 1 :] = (begun[:, length:] - begun[:, : cols - length + 1]) > 0
    covered[:, : length - 1] = begun[:, 1:length] > 0
    return covered
