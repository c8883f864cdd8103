"""Text shapes that lose the table's structure: the one-line web export and markdown pipe tables.

Unlike `TEXT_SHAPES` (text.py), whose cells are all separated so that a parser must read every number
back exactly, these shapes lose information on purpose, as real exports do: cells run together with
stray spaces (`one_line`), labels lost or broken, `-` for zero, placeholder headers (`pipe_labelled`,
`pipe_placeholder`). A parser reading them must give each figure exactly or null with a problem that
says why, never a wrong number.

Each render draws its damage from a `random.Random`: `seed` makes it reproducible; by default the seed
comes from the report itself, so one report always renders the same way.
"""

from __future__ import annotations

import hashlib
import json
import random

from reportgen.one_line import render_one_line
from reportgen.pipe_tables import render_pipes

FLAT_SHAPES = ("one_line", "pipe_labelled", "pipe_placeholder")


def report_seed(report: dict) -> int:
    """A stable seed from a report's content (the same report renders the same way in every process)."""
    text = json.dumps(report, sort_keys=True, ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def render_flat(report: dict, shape: str, *, seed: int | None = None, prose: list[str] | None = None) -> str:
    if shape not in FLAT_SHAPES:
        raise ValueError(f"unknown flat shape {shape!r}; expected one of {FLAT_SHAPES}")
    rng = random.Random(report_seed(report) if seed is None else seed)
    if shape == "one_line":
        return render_one_line(report, rng, prose)
    return render_pipes(report, rng, prose, placeholder=shape == "pipe_placeholder")
