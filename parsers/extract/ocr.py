"""Scans (image-only PDFs, image attachments) → text through Tesseract OCR with the `chi_sim` model.

Tesseract runs as a command (no Python binding to install), with a timeout per run, pages side by side on
the machine's cores, each run limited to one OpenMP thread (Tesseract's own threading makes a page three
times slower on a small machine). A page is prepared first: grayscale, at most MAX_SIDE pixels high, and
the table's ruling lines erased (a border beside a digit reads as `1` or `|`).

chi_sim reads the page: text, labels, and most numbers. Its digits are the weak part (64 read as 04, 6 as
0, the 1 of 17 dropped, a lone 0 skipped), so the cells of table rows are found again as runs of ink
(ocr_layout.cell_boxes), cut out onto one sheet and read twice more by the English model restricted to
digits, at two sizes; ocr_layout.settle takes the reading most of the three agree on, using the row's own
sum to choose where they disagree. ocr_layout.py then rebuilds the lines with table cells separated by TAB.

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
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .ocr_layout import (
    Word,
    cell_boxes,
    chi_readings,
    glyph_height,
    is_number,
    layout_text,
    parse_tsv,
    settle,
    with_readings,
)

ENGINE = "tesseract"
LANGUAGE = "chi_sim"
DIGITS_LANGUAGE = "eng"
DIGITS_ONLY = ["-c", "tessedit_char_whitelist=0123456789.,%-"]
INSTALL_HINT = "Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim"
MAX_PAGES = 40
PAGE_TIMEOUT_SECONDS = 90
DPI = 300
MAX_SIDE = 3600  # pixels: an A4 page at 300 dpi is 3508 high; a scan of a larger page is scaled to this
# narrower images (screenshots at screen resolution) are enlarged: Tesseract wants tall glyphs
MIN_WIDTH = 1600
# an image beyond this is no scanned page (and would exhaust memory)
MAX_PIXELS = 80_000_000
SHEET_ROWS = 40  # cells per column of the sheet the digits model reads
MAX_ALONE = 24  # cells per page read on their own when the sheet readings disagree
# a dark run this long (a share of the page width) is a ruling line, never a stroke
RULE_FRACTION = 1 / 25


class OcrUnavailable(Exception):
    """Tesseract or its chi_sim model is not installed: scans cannot be read on this machine."""


@dataclass
class OcrReading:
    """Text of the pages read (one piece per page) and what was left out."""

    pieces: list[str]
    pages_total: int
    pages_read: int
    # 1-based numbers of the pages whose OCR failed or timed out
    pages_failed: list[int] = field(default_factory=list)
    seconds: float = 0.0
    limit: int = MAX_PAGES

    @property
    def summary(self) -> str:
        text = f"{ENGINE} {tesseract_version()} ({LANGUAGE}), {self.pages_read} of {self.pages_total} page(s)"
        if self.pages_total > self.pages_read:
            text += f"; pages after {self.pages_read} not read (limit {self.limit})"
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
    out = subprocess.run(
        [_tesseract(), "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    first = (out.stdout or out.stderr).strip().splitlines()
    return first[0].split()[-1] if first else "?"


@functools.lru_cache(maxsize=1)
def _languages() -> frozenset[str]:
    out = subprocess.run(
        [_tesseract(), "--list-langs"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return frozenset((out.stdout + out.stderr).split())


def _check_available() -> None:
    _tesseract()
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
    return _read_images(images, total, max_pages)


def ocr_image(data: bytes, max_pages: int = MAX_PAGES) -> OcrReading:
    """An image attachment (PNG, JPEG, TIFF, BMP, GIF); every frame of a multi-page TIFF is a page."""
    from PIL import Image, ImageSequence

    _check_available()
    image = Image.open(io.BytesIO(data))
    if image.width * image.height > MAX_PIXELS:
        raise ValueError(f"image of {image.width}x{image.height} pixels is too large to be a scanned page")
    frames = [frame.copy() for _, frame in zip(range(max_pages), ImageSequence.Iterator(image))]
    return _read_images(frames, getattr(image, "n_frames", 1), max_pages)


def _read_images(images: list, total: int, limit: int) -> OcrReading:
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
        limit=limit,
    )


def _read_page(image) -> str | None:
    pixels = _prepared(image)
    words = _tesseract_words(_png(pixels), LANGUAGE, "6")
    if words is None:
        return None
    if DIGITS_LANGUAGE in _languages():
        glyph = glyph_height(words)
        rows = cell_boxes(pixels < 128, words, glyph)
        boxes = [box for row in rows for box in row]
        if boxes:
            # each cell read by the digits model on a sheet at two sizes, alone where those two disagree,
            # and by chi_sim on the page; ocr_layout.settle takes the majority or what the row sum picks
            readings = [_read_boxes(pixels, boxes, glyph, zoom) for zoom in (2.0, 1.0)]
            agreed = {k for k, text in readings[0].items() if readings[1].get(k) == text}
            readings.append(_read_alone(pixels, boxes, glyph, agreed))
            readings.append(chi_readings(words, boxes))
            words = with_readings(words, boxes, settle(rows, readings))
    return layout_text(words)


def _tesseract_words(png: bytes, language: str, psm: str, options: Sequence[str] = ()) -> list[Word] | None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [
        _tesseract(),
        "stdin",
        "stdout",
        "-l",
        language,
        "--psm",
        psm,
        *options,
        "tsv",
    ]
    try:
        out = subprocess.run(
            command,
            input=png,
            capture_output=True,
            timeout=PAGE_TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        return None
    return parse_tsv(out.stdout.decode("utf-8", errors="replace"))


def _read_boxes(pixels, boxes: list[tuple[int, int, int, int]], glyph: float, zoom: float) -> dict[int, str]:
    """The number in each box (by index), read by the digits model from one sheet with the boxes set apart
    in a grid, enlarged `zoom` times. Alone on a white sheet, a cell is read without the page's lines and
    labels to mislead the model; enlarged, the thin 1 of a serif 17 is not dropped."""
    import numpy as np
    from PIL import Image

    pad, gap = int(glyph / 2), int(glyph)
    height, width = pixels.shape
    crops = [
        pixels[
            max(0, t - pad) : min(height, b + pad),
            max(0, x0 - pad) : min(width, x1 + pad),
        ]
        for x0, t, x1, b in boxes
    ]
    cell_h = max(c.shape[0] for c in crops) + gap
    cell_w = max(c.shape[1] for c in crops) + 3 * gap
    columns = -(-len(crops) // SHEET_ROWS)
    sheet = np.full(
        (gap + cell_h * min(len(crops), SHEET_ROWS), gap + cell_w * columns),
        255,
        dtype=np.uint8,
    )
    slots = []
    for k, crop in enumerate(crops):
        y, x = gap + cell_h * (k % SHEET_ROWS), gap + cell_w * (k // SHEET_ROWS)
        sheet[y : y + crop.shape[0], x : x + crop.shape[1]] = crop
        slots.append((x, y, x + crop.shape[1], y + crop.shape[0]))
    if zoom != 1:
        size = (round(sheet.shape[1] * zoom), round(sheet.shape[0] * zoom))
        sheet = np.asarray(Image.fromarray(sheet).resize(size, Image.Resampling.LANCZOS))
    read: dict[int, list[str]] = {}
    for word in _tesseract_words(_png(sheet), DIGITS_LANGUAGE, "6", DIGITS_ONLY) or []:
        cx, cy = (word.left + word.right) / 2 / zoom, word.middle / zoom
        for k, (x0, y0, x1, y1) in enumerate(slots):
            if x0 <= cx < x1 and y0 <= cy < y1:
                read.setdefault(k, []).append(word.text)
    # no bar on confidence (Tesseract gives a plain serif 11 26%): the table's arithmetic judges every cell
    return {k: texts[0] for k, texts in read.items() if len(texts) == 1 and is_number(texts[0])}


def _read_alone(pixels, boxes: list[tuple[int, int, int, int]], glyph: float, done: set[int]) -> dict[int, str]:
    """The cells the two sheet readings did not agree on (or left unread), each read on its own as one
    line (the digits model reads a serif 11 alone, twice enlarged, that it skips or misreads among other
    cells); a few per page, as each is a run of Tesseract."""
    import numpy as np
    from PIL import Image

    pad = int(glyph / 2)
    height, width = pixels.shape
    out = {}
    for k in [k for k in range(len(boxes)) if k not in done][:MAX_ALONE]:
        x0, t, x1, b = boxes[k]
        crop = pixels[
            max(0, t - pad) : min(height, b + pad),
            max(0, x0 - pad) : min(width, x1 + pad),
        ]
        sheet = np.full((crop.shape[0] + 2 * pad, crop.shape[1] + 2 * pad), 255, dtype=np.uint8)
        sheet[pad : pad + crop.shape[0], pad : pad + crop.shape[1]] = crop
        big = Image.fromarray(sheet).resize((sheet.shape[1] * 2, sheet.shape[0] * 2), Image.Resampling.LANCZOS)
        words = _tesseract_words(_png(np.asarray(big)), DIGITS_LANGUAGE, "7", DIGITS_ONLY) or []
        if len(words) == 1 and is_number(words[0].text):
            out[k] = words[0].text
    return out


def _prepared(image):
    """The page as a grayscale array: scaled into MIN_WIDTH…MAX_SIDE, ruling lines erased."""
    import numpy as np
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # a transparent background would turn black in grayscale: lay the image on white paper
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    gray = image.convert("L")
    if gray.width < MIN_WIDTH:
        gray = gray.resize((MIN_WIDTH, round(gray.height * MIN_WIDTH / gray.width)), Image.Resampling.LANCZOS)
    elif max(gray.size) > MAX_SIDE * 1.2:
        factor = MAX_SIDE / max(gray.size)
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS)
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
    # a full run begins at column j
    starts = (counts[:, length:] - counts[:, :-length]) == length
    # pixel j is covered when a full run begins anywhere in [j - length + 1, j]
    begun = np.zeros((rows, cols + 1), dtype=np.int32)
    np.cumsum(np.pad(starts, ((0, 0), (0, length - 1))), axis=1, out=begun[:, 1:])
    covered = np.zeros_like(dark)
    covered[:, length - 1 :] = (begun[:, length:] - begun[:, : cols - length + 1]) > 0
    covered[:, : length - 1] = begun[:, 1:length] > 0
    return covered
