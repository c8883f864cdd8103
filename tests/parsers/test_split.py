"""The run-together splitter finds every split the arithmetic allows, and only those."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.tables.split import group_splits, row_splits


def brute_force(digits: str, addends: int) -> set[tuple[int, ...]]:
    out = set()
    for cuts in itertools.combinations(range(1, len(digits)), addends):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        values = tuple(int(p) for p in parts)
        if sum(values[:-1]) == values[-1]:
            out.add(values)
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=120), min_size=6, max_size=6))
def test_row_splits_match_brute_force(cells):
    row = (*cells, sum(cells))
    digits = "".join(map(str, row))
    found = set(row_splits(digits))
    assert row in found
    if len(digits) <= 16:
        assert found == brute_force(digits, 6)


def test_examples_from_the_formats_doc():
    assert row_splits("640020470") == [(64, 0, 0, 2, 0, 4, 70)]
    assert set(row_splits("110000011")) == {(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)}
    assert row_splits("12345") == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=12, max_size=12))
def test_group_splits_contain_the_printed_row(cells):
    row = []
    for g in range(3):
        four = cells[4 * g : 4 * g + 4]
        row += [*four, sum(four)]
    assert tuple(row) in group_splits("".join(map(str, row)))
