"""Tables flattened into label + digit runs: a web page exported as one line, text pasted from a page.

`一、本年新收政府信息公开申请数量230 000023二、上年结转…0000000三、本年度办理结果（一）予以公开7000007…`

Every row is its label followed by its cells run together. Whitespace is dropped first: stray spaces
(`230 000023` is 23|0|0|0|0|0|23) are not separators, and a label broken by spaces or line breaks is whole
again. The text then falls into label segments and digit runs; the numbering of a sub-row glued to the end
of the previous run (`…00000002.其他法律…`) is given back to its label. Each run is split only by the
table's own arithmetic (split.py and the column rules across rows); where more than one split survives, the
cells that differ are null with `ambiguous_split`.

This reader is the fallback for text whose tables the token reader could not read (tables/applications.py,
review.py): it never uses a separator, so it is right for any shape, but it proves fewer cells.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from ..normalize import SQUEEZED, label_key
from ..report_types import Problem
from ..vocabulary import APPLICATION_ROWS
from .labels import classify_application_label

# a numbered label that starts inside a text segment: 三、本年度办理结果(一)予以公开, …其他一、本年新收
_LABEL_START = re.compile(r"(?<!第)(?=\([一二三四五六七八九十]\)|[一二三四五六七八九十][、.](?=[\u4e00-\u9fff]))")
_SUB_NUMBER = re.compile(r"^[.、．](?=[\u4e00-\u9fff\"“])")


class Segment(NamedTuple):  # immutable as a frozen dataclass, and made three times faster (one per run)
    """A label (`digits` empty) or a digit run, with its place in the document text."""

    text: str
    digits: str
    start: int
    end: int

    @property
    def where(self) -> str:
        return f"text chars {self.start}-{self.end}"


def compact(text: str) -> tuple[str, list[int]]:
    """The text without whitespace, and the offset in `text` of each kept character."""
    runs = [m.span() for m in _NON_SPACE.finditer(text)]
    keep: list[int] = []
    for a, b in runs:
        keep.extend(range(a, b))
    return "".join([text[a:b] for a, b in runs]), keep


_NON_SPACE = re.compile(r"\S+")


def segments(text: str, number_of=None) -> list[Segment]:
    """Labels and digit runs of `text` in order.

    `number_of(label)` gives the sub-row number a label should carry (1 for 1.属于国家秘密), or None; a run
    glued to a numbered label (`…00000002.其他…`) gives its last digits back to the label when they are
    that number. Where no number is known the run's last digit is taken as the numbering when it follows the
    previous sub-row's number (1., 2., …).
    """
    comp, keep = compact(text)
    raw = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\d+|\D+", comp)]
    out: list[Segment] = []
    previous_number = 0
    pending_label = ""
    label_start = 0
    for k, (part, a, _b) in enumerate(raw):
        if not part[0].isdigit():
            if not pending_label:
                label_start = a
            pending_label += part
            continue
        following = raw[k + 1][0] if k + 1 < len(raw) else ""
        digits = part
        numbering = ""
        if _SUB_NUMBER.match(following):
            wanted = number_of(following[1:]) if number_of else None
            if wanted is None:
                wanted = previous_number + 1
            if digits.endswith(str(wanted)):
                numbering = str(wanted)
            elif digits == "1" or (digits.endswith("1") and wanted != 1):
                numbering = "1"  # a new list of sub-items starts
            if numbering:
                digits = digits[: len(digits) - len(numbering)]
                previous_number = int(numbering)
        if pending_label:
            out.extend(_labels(pending_label, keep, label_start))
            pending_label = ""
        if digits:
            out.append(Segment("", digits, keep[a], keep[a + len(digits) - 1] + 1))
        if numbering:
            pending_label = numbering
            label_start = a + len(digits)
    if pending_label:
        out.extend(_labels(pending_label, keep, label_start))
    return out


def _labels(text: str, keep: list[int], start: int) -> list[Segment]:
    """A text segment cut where a new numbered label begins."""
    cuts = [m.start() for m in _LABEL_START.finditer(text) if m.start() > 0]
    out = []
    for a, b in zip([0, *cuts], [*cuts, len(text)]):
        out.append(Segment(text[a:b], "", keep[start + a], keep[start + b - 1] + 1))
    return out


@cache
def official_sub_number(code: str) -> int | None:
    """The number of a table 三 sub-row in the official layout: 2 for （三）2.其他法律行政法规禁止公开."""
    for row in APPLICATION_ROWS:
        if row.code == code:
            m = re.search(r"[）)](\d+)\.", row.zh)
            return int(m.group(1)) if m else None
    return None


def application_row_number(label: str) -> int | None:
    code = classify_application_label(label, True)
    return official_sub_number(code) if code else None


_FIRST_ROW = re.compile(r"本 *年 *新 *收[^\d\n]{0,30}?申 *请 *数 *量 *(\d[\d ]*)")  # stray spaces in the label too


def is_flattened(text: str) -> bool:
    """Table 三's first label with its cells glued to it (`…申请数量640020470`, `…申请数量230 000023`): fewer
    space-separated parts than the seven cells, so spaces cannot be its separators."""
    m = _FIRST_ROW.search(text)
    return m is not None and len(m.group(1).split()) < 7


def fewest_nulls(first, second):
    """Of two readings of one table (each proven by the same rules), the one with fewer null cells."""
    if first is None or second is None:
        return first or second
    return second if _nulls(second) < _nulls(first) else first


def _nulls(result) -> int:
    table = result.rows if hasattr(result, "rows") else result.groups
    return sum(v is None for row in table.values() for v in row.values())


# Cheap screens before segmenting a whole document. Every label of table 三's first row holds 新收, 收到 or 新受
# (labels.APPLICATION_PATTERNS, and every prefix of the official label); table 四's header label holds 复议 and 维持,
# 审结 or 总计 with no digit between. Between the characters of a word only what label_key squeezes out may stand.
_NEW_RECEIVED_WORDS = re.compile(f"新{SQUEEZED}*[收受]|收{SQUEEZED}*到")
_REVIEW = f"复{SQUEEZED}*议"
_REVIEW_HEADER = f"(?:维{SQUEEZED}*持|审{SQUEEZED}*结|总{SQUEEZED}*计)"
_REVIEW_HEADER_WORDS = re.compile(f"{_REVIEW}\\D*?{_REVIEW_HEADER}|{_REVIEW_HEADER}\\D*?{_REVIEW}")  # in one label


def read_flat_applications(text: str):
    """Table 三 from flattened text, or None when no flattened table 三 is there."""
    from .applications import GROUP_ROWS, ApplicationsResult, _problem, finish, resolve_runs

    if not _NEW_RECEIVED_WORDS.search(text):
        return None  # no 新收/收到/新受理 anywhere: no first row (a pre-2019 统计表), nothing to segment
    segs = segments(text, application_row_number)
    start = next(
        (
            k
            for k, s in enumerate(segs[:-1])
            if s.text and segs[k + 1].digits and classify_application_label(s.text, False) == "new_received"
        ),
        None,
    )
    if start is None:
        return None
    runs: dict[str, str] = {}
    where: dict[str, str] = {}
    order: list[str] = []
    problems: list[Problem] = []
    current: str | None = None
    after_other = False
    end = segs[start].end
    for seg in segs[start:]:
        if seg.text:
            code = classify_application_label(seg.text, after_other)
            if code is None:
                key = label_key(seg.text)
                if "复议" in key or len(key) > 60 or (current == "carried_forward" and current in runs):
                    break  # table 四, prose, or past the last row
                continue
            if code in runs:
                break  # the same row again: a second table or prose
            after_other = after_other or code in ("other", "other_no_correction", "other_unpaid_fee")
            current = code
            if code not in order:
                order.append(code)
            continue
        if current is None or current in GROUP_ROWS:
            continue
        if current in runs:  # two runs for one row (a label between them not recognised): not read
            problems.append(
                _problem(
                    "unreadable_value", f"row {current}: its cells are interrupted by text", f"applications.{current}"
                )
            )
            runs[current] = ""
            continue
        runs[current] = seg.digits
        where[current] = seg.where
        end = seg.end
        if current == "carried_forward":
            break
    if len(runs) < 3:
        return None
    result = ApplicationsResult(rows={}, problems=problems, end_index=end)
    from .applications import COLUMNS

    for code in order:
        if code in GROUP_ROWS or code not in runs:
            continue
        result.rows[code] = dict.fromkeys(COLUMNS)
        if runs[code]:
            result.provenance.update({f"applications.{code}.{col}": where[code] for col in COLUMNS})
    resolve_runs(result, {c: d for c, d in runs.items() if d})
    finish(result)
    return result


def read_flat_review(text: str):
    """Table 四 from flattened text: its header words, then its fifteen cells as one run."""
    from ..tokens import Token
    from .review import REVIEW_GROUP_CODES, REVIEW_MEASURE_CODES, ReviewResult, split_run

    if not _REVIEW_HEADER_WORDS.search(text):
        return None
    segs = segments(text)
    for k, seg in enumerate(segs[:-1]):
        key = label_key(seg.text) if seg.text else ""
        if "复议" not in key or not ("维持" in key or "审结" in key or "总计" in key) or not segs[k + 1].digits:
            continue
        run = segs[k + 1]
        after = segs[k + 2].text if k + 2 < len(segs) else ""
        if after[:1] in ("年", "月", "日", "号", "%", ".", "件"):
            return None  # the run goes on into a date or a figure of the prose: its end is not known
        result = ReviewResult(groups={g: dict.fromkeys(REVIEW_MEASURE_CODES) for g in REVIEW_GROUP_CODES})
        slots = [(g, m) for g in REVIEW_GROUP_CODES for m in REVIEW_MEASURE_CODES]
        split_run(result, slots, Token("num", run.digits, run.where))
        return result
    return None


_ITEM_AT_END = re.compile(
    r"(规章|(?:行政)?规范性文件|行政许可|其他对外管理服务事项|行政处罚|行政强制|行政事业性收费|政府集中采购)$"
)


def read_flat_proactive(text: str):
    """Table 二 from flattened text. It has no arithmetic, so a run is read only where it cannot be split two
    ways: one cell (`行政许可2293` followed by a label), or as many digits as cells (`规章 000`); every other
    run leaves its cells null with `ambiguous_split`."""
    from .labels import DEFAULT_MEASURES_2019, classify_proactive_item, measures_in_header
    from .proactive import MONEY, ProactiveResult

    segs = segments(text)
    start = next((k for k, s in enumerate(segs) if s.text and "第二十条第" in label_key(s.text)), None)
    if start is None:
        return None
    result = ProactiveResult(items={})
    measures: list[str] = []
    for k in range(start, len(segs) - 1):
        seg, run = segs[k], segs[k + 1]
        if not seg.text:
            continue
        key = label_key(seg.text)
        if "申请" in key and ("收到" in key or "本年新收" in key):
            break  # table 三 begins
        m = _ITEM_AT_END.search(key)
        if m is None or not run.digits:
            continue
        header = key[: m.start()]
        if measures_in_header(header):
            measures = measures_in_header(header)
        item = classify_proactive_item(m.group(1))
        cells = measures or DEFAULT_MEASURES_2019.get(item or "", [])
        if item is None or not cells:
            continue
        after = segs[k + 2].text if k + 2 < len(segs) else ""
        result.measures_seen.update(cells)
        row = result.items.setdefault(item, {})
        values: list[int] | None = None
        if len(cells) == 1 and not set(cells) & MONEY and after[:1] not in (".", "+", "-", "万", "元", "%"):
            values = [int(run.digits)] if run.digits[0] != "0" or run.digits == "0" else None
        elif len(run.digits) == len(cells) and after[:1] not in (".", "+", "-", "万", "元", "%"):
            values = [int(d) for d in run.digits]
        for n, measure in enumerate(cells):
            fld = f"proactive.{item}.{measure}"
            row[measure] = values[n] if values else None
            if values:
                result.provenance[fld] = run.where
            else:
                result.problems.append(
                    {
                        "severity": "warning",
                        "code": "ambiguous_split",
                        "field": fld,
                        "message": f"{run.digits}: table 二 cells run together, no rule to split them",
                    }
                )
    return result if result.items else None
