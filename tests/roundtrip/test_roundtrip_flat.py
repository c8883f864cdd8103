"""(d) Random valid reports of every era (2019, 2021, pre-2019) in the lossy shapes real exports take —
a web page as one line, markdown pipe tables from PDF converters — and pre-2019 统计表 reports in the
ordinary text shapes, parse back EXACT OR NULL, NEVER WRONG.

A generated report satisfies every rule, so a number that differs from the truth, or a check that fails,
is always the parser's error. A null is allowed only with a problem naming the cell, its row or its table:
in the one-line shape the only honest reason is `ambiguous_split` (digits the arithmetic cannot split);
pipe tables may also lose a cell to a `-`, a lost label or a placeholder header, so any problem naming the
cell will do there. Organ, year and era must always be right.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from roundtrip_compare import (
    NUMBER_TABLES,
    check_differences,
    narrative_differences,
    narrative_null_aware_differences,
    null_aware_differences,
    parser_api,
    table_differences,
)

import reportgen

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
ERAS = ["2019", "2021", "pre2019"]
EXAMPLES = 15
# why a cell may be null, per lossy shape (None: any problem naming the cell, its row or its table)
NULL_REASONS = {
    "one_line": ("ambiguous_split",),
    "pipe_labelled": None,
    "pipe_placeholder": None,
}
FILENAMES = {
    "one_line": "report.txt",
    "pipe_labelled": "report.md",
    "pipe_placeholder": "report.md",
}


def _settings(n: int):
    # As in test_roundtrip_properties: an example is a seed, so shrinking would find nothing simpler.
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def metadata_differences(truth: dict, parsed: dict) -> list[str]:
    return [
        f"{key}: expected {truth[key]!r}, parsed {parsed.get(key)!r}"
        for key in ("organ", "year", "era")
        if parsed.get(key) != truth[key]
    ]


def assert_exact_or_explained_null(truth: dict, parsed: dict, reasons, where: str) -> None:
    problems = metadata_differences(truth, parsed)
    for table in NUMBER_TABLES:
        problems += null_aware_differences(truth, parsed, table, reasons)
    problems += narrative_null_aware_differences(truth, parsed, reasons)
    # the truth satisfies every rule: a failed check is an error
    problems += check_differences([], parsed)
    assert not problems, f"{where}:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("era", ERAS)
@pytest.mark.parametrize("shape", reportgen.FLAT_SHAPES)
def test_lossy_shapes_exact_or_null_never_wrong(era, shape):
    @_settings(EXAMPLES)
    @given(seed=SEEDS)
    def check(seed):
        truth = reportgen.random_report(era, random.Random(seed))
        text = reportgen.render_flat(truth, shape, seed=seed)
        parsed = parser_api().parse_bytes(text.encode("utf-8"), filename=FILENAMES[shape])
        assert_exact_or_explained_null(truth, parsed, NULL_REASONS[shape], f"{era} {shape} seed {seed}")

    check()


@pytest.mark.parametrize("shape", reportgen.TEXT_SHAPES)
def test_pre2019_statistics_table_text_round_trip(shape):
    """A 统计表 with every column separated reads back exactly: 本年度 is the column after the unit, never
    历年累计; only `run_together` (cells with no separator) may leave a figure null, with ambiguous_split."""

    @_settings(EXAMPLES)
    @given(seed=SEEDS)
    def check(seed):
        truth = reportgen.random_report("pre2019", random.Random(seed))
        text = reportgen.render_text(truth, shape)
        parsed = parser_api().parse_bytes(text.encode("utf-8"), filename="report.txt")
        where = f"pre2019 {shape} seed {seed}"
        if shape == "run_together":
            assert_exact_or_explained_null(truth, parsed, ("ambiguous_split",), where)
            return
        problems = metadata_differences(truth, parsed)
        for table in NUMBER_TABLES:
            problems += table_differences(truth, parsed, table)
        problems += narrative_differences({"narrative": truth["narrative"]}, parsed)
        problems += check_differences([], parsed)
        assert not problems, f"{where}:\n" + "\n".join(problems[:40])

    check()


PRE2019_DOCUMENTS = {
    "html": (lambda r: reportgen.render_html(r).encode("utf-8"), "report.html"),
    "docx": (reportgen.render_docx, "report.docx"),
    "pdf": (reportgen.render_pdf, "report.pdf"),
}


@pytest.mark.parametrize("kind", sorted(PRE2019_DOCUMENTS))
def test_pre2019_statistics_table_documents_round_trip(kind):
    render, filename = PRE2019_DOCUMENTS[kind]

    @_settings(5)
    @given(seed=SEEDS)
    def check(seed):
        truth = reportgen.random_report("pre2019", random.Random(seed))
        parsed = parser_api().parse_bytes(render(truth), filename=filename)
        problems = metadata_differences(truth, parsed)
        for table in NUMBER_TABLES:
            problems += table_differences(truth, parsed, table)
        problems += narrative_differences({"narrative": truth["narrative"]}, parsed)
        problems += check_differences([], parsed)
        assert not problems, f"pre2019 {kind} seed {seed}:\n" + "\n".join(problems[:40])

    check()
