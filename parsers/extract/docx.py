"""Word .docx → pieces: paragraphs and tables in document order, merged cells honoured.

Before opening, the zip's declared sizes are checked (a zip bomb declares gigabytes or compresses a hundred
times or more). A horizontally merged cell (gridSpan) appears once, at its first grid column; a vertically
merged continuation cell (vMerge without restart) is skipped, like an HTML rowspan.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from ..document import Grid

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200


class DocxTooLarge(Exception):
    pass


def check_zip(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        total = 0
        for info in z.infolist():
            total += info.file_size
            if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise DocxTooLarge(f"{info.filename} expands {info.file_size} bytes from {info.compress_size}")
        if total > MAX_UNCOMPRESSED:
            raise DocxTooLarge(f"archive declares {total} bytes uncompressed")


# The main part is read with lxml directly, as python-docx would parse it (entities never resolved), without
# python-docx opening the whole package (styles, settings, fonts, theme): that was half of a .docx's parse.
_XML = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
_OFFICE_DOCUMENT = "/officeDocument"  # the relationship type's ending, transitional and strict alike


class NotADocx(ValueError):
    pass


def main_part(data: bytes):
    """The root element of the package's main document part (``word/document.xml`` as a rule, wherever the
    package's relationships put it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            rels = etree.fromstring(z.read("_rels/.rels"), _XML)
        except KeyError as exc:
            raise NotADocx("no package relationships (_rels/.rels): not a Word document") from exc
        target = next(
            (r.get("Target", "") for r in rels if r.get("Type", "").endswith(_OFFICE_DOCUMENT) and r.get("Target")),
            None,
        )
        if target is None:
            raise NotADocx("the package names no main document part: not a Word document")
        try:
            return etree.fromstring(z.read(target.lstrip("/")), _XML)
        except KeyError as exc:
            raise NotADocx(f"the main document part {target} is missing") from exc


def extract_docx(data: bytes) -> list:
    check_zip(data)
    from docx.oxml.ns import qn

    body = main_part(data).find(qn("w:body"))
    if body is None:
        raise NotADocx("the main document part has no body")
    w_p, w_tbl, w_tr, w_tc = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
    w_t, w_tab, w_br = qn("w:t"), qn("w:tab"), qn("w:br")
    w_tcPr, w_gridSpan, w_vMerge, w_val = (
        qn("w:tcPr"),
        qn("w:gridSpan"),
        qn("w:vMerge"),
        qn("w:val"),
    )

    def para_text(p) -> str:
        out = []
        for node in p.iter(w_t, w_tab, w_br):
            if node.tag == w_t:
                out.append(node.text or "")
            elif node.tag == w_tab:
                out.append(" ")
            else:
                out.append("\n")
        return "".join(out)

    w_sdt, w_sdtContent = qn("w:sdt"), qn("w:sdtContent")

    def blocks(parent):
        """Top-level paragraphs and tables, looking inside content controls (w:sdt)."""
        for child in parent.iterchildren():
            if child.tag == w_sdt:
                content = child.find(w_sdtContent)
                if content is not None:
                    yield from blocks(content)
            else:
                yield child

    pieces: list = []
    lines: list[str] = []
    tables = 0
    for child in blocks(body):
        if child.tag == w_p:
            lines.append(para_text(child))
        elif child.tag == w_tbl:
            if lines:
                pieces.append("\n".join(lines))
                lines = []
            tables += 1
            cells = []
            for r, tr in enumerate(child.iterchildren(w_tr), start=1):
                c = 1
                for tc in tr.iterchildren(w_tc):
                    span, continuation = 1, False
                    pr = tc.find(w_tcPr)
                    if pr is not None:
                        gs = pr.find(w_gridSpan)
                        if gs is not None:
                            try:
                                span = max(1, int(gs.get(w_val, "1")))
                            except ValueError:
                                span = 1
                        vm = pr.find(w_vMerge)
                        if vm is not None and vm.get(w_val, "continue") != "restart":
                            continuation = True
                    if not continuation:
                        text = "\n".join(para_text(p) for p in tc.iter(w_p))
                        cells.append((r, c, text))
                    c += span
            pieces.append(Grid(cells=cells, label=f"docx table {tables}"))
    if lines:
        pieces.append("\n".join(lines))
    return pieces
