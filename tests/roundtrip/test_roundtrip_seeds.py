"""(a) Each seed text parses to its hand-made expected Report; (b) each seed rendered as HTML, .docx and
.pdf (numbers from the expected JSON, prose from the seed) parses back to the same numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from roundtrip_compare import (
    NUMBER_TABLES,
    check_differences,
    narrative_differences,
    parser_api,
    table_differences,
)

import reportgen
from sample_portal.seeds import (
    DEFAULT_SEEDS_DIR,
    SEED_PAGES,
    page_report,
    seed_prose,
    seed_text,
)

EXPECTED_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SEED_NUMBERS = [p.number for p in SEED_PAGES]
PAGES = {p.number: p for p in SEED_PAGES}


def expected(number: str) -> dict:
    return json.loads((EXPECTED_DIR / f"{number}.expected.json").read_text(encoding="utf-8"))


def report_differences(want: dict, parsed: dict, *, require_organ: bool = True) -> list[str]:
    problems: list[str] = []
    for key in ("year", "era", "script") + (("organ",) if require_organ else ()):
        if parsed.get(key) != want[key]:
            problems.append(f"{key}: expected {want[key]!r}, parsed {parsed.get(key)!r}")
    for table in NUMBER_TABLES:
        problems += table_differences(want, parsed, table)
    problems += narrative_differences(want, parsed)
    return problems


@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_seed_text_parses_to_expected(number):
    want = expected(number)
    path = next(Path(DEFAULT_SEEDS_DIR).glob(f"{number}_*.txt"))
    parsed = parser_api().parse_file(path)
    problems = report_differences(want, parsed, require_organ=want.get("organ_source") != "portal_page_title")
    problems += check_differences(want["expected_checks"], parsed)
    assert not problems, f"seed {number}:\n" + "\n".join(problems)


RENDERERS = {
    "html": (lambda r, prose: reportgen.render_html(r, prose=prose).encode("utf-8"), "report.html", "text/html"),
    "docx": (
        reportgen.render_docx,
        "report.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pdf": (reportgen.render_pdf, "report.pdf", "application/pdf"),
}


@pytest.mark.parametrize("kind", sorted(RENDERERS))
@pytest.mark.parametrize("number", SEED_NUMBERS)
def test_seed_rendered_parses_to_same_numbers(number, kind):
    page = PAGES[number]
    want = expected(number)
    truth = page_report(page)
    render, filename, media_type = RENDERERS[kind]
    data = render(truth, seed_prose(seed_text(number), page.skip_lines))
    parsed = parser_api().parse_bytes(data, filename=filename, media_type=media_type)
    # The rendered documents print the organ under the title, so it is required here even for 002.
    problems = report_differences(want, parsed)
    problems += check_differences(want["expected_checks"], parsed)
    assert not problems, f"seed {number} as {kind}:\n" + "\n".join(problems)
