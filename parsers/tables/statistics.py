"""Pre-2019 统计表: rows 指标名称 | 计量单位 | 本年度 | 历年累计, mapped onto the conformed codes.

Only rows whose meaning is the same as a conformed code are mapped (formats doc, "Pre-2019 reports");
the value is the first number after the label (the 本年度 column; the unit cell in between is skipped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..normalize import label_key
from ..tokens import Token
from .values import parse_count

# (target, pattern on the label key); target is "applications.<row>.total", "review.total" or "narrative.<key>"
STAT_ROWS: list[tuple[str, re.Pattern]] = [
    (t, re.compile(p))
    for t, p in [
        ("applications.partially_granted.total", r"^同意部分公开(?:答复)?数"),
        ("applications.granted.total", r"^同意公开(?:答复)?数"),
        ("applications.denied.total", r"^(?:否决|不予公开|不同意公开)(?:答复)?数|^否决"),
        ("applications.other.total", r"^其他(?:类型)?答复数"),
        ("applications.total_processed.total", r"^对申请的答复(?:总)?数|^(?:申请)?答复(?:总)?数"),
        ("applications.new_received.total",
         r"^受理(?:依申请|政府信息公开申请|申请)|^(?:收到|接收)(?:政府信息公开)?申请(?:总)?数|^(?:依申请公开信息|申请)总数"),
        ("review.total", r"^(?:因政府信息公开)?(?:申请)?行政复议(?:案件)?数"),
        ("narrative.litigation_total", r"^(?:因政府信息公开)?(?:提起)?行政诉讼(?:案件)?数"),
        ("narrative.proactive_items_published", r"^主动公开(?:政府)?信息"),
        # fees collected (not 收费减免金额, the amount waived); converted to 元 by the unit cell
        ("narrative.fees_collected_yuan", r"^(?:依申请公开(?:政府)?信息)?收取(?:的)?费用|^(?:信息公开)?收费(?:金额|数额)"),
    ]
]
_UNIT_RE = re.compile(r"^(?:条|件|个|次|项|万元|元|人次|份|宗)$")


@dataclass
class StatisticsResult:
    values: dict[str, int | float]
    provenance: dict[str, str] = field(default_factory=dict)


def read_statistics(tokens: list[Token]) -> StatisticsResult | None:
    has_table = any(
        t.kind == "text" and ("指标名称" in (k := label_key(t.text)) or "计量单位" in k or "历年累计" in k) for t in tokens
    )
    if not has_table:
        return None
    has_cumulative = any(t.kind == "text" and "历年累计" in label_key(t.text) for t in tokens)
    out = StatisticsResult(values={})
    for i, tok in enumerate(tokens):
        if tok.kind != "text":
            continue
        key = re.sub(r"^其中\d*", "", label_key(tok.text))  # 其中：1.同意公开答复数
        if len(key) > 30:
            continue
        for target, pattern in STAT_ROWS:
            if target in out.values or not pattern.search(key):
                continue
            unit = next((u for u in ("万元", "元") if key.endswith(u)), None)  # unit run into the label
            for nxt in tokens[i + 1 : i + 4]:
                if nxt.kind == "num" and nxt.glued and has_cumulative:
                    break  # 本年度 and 历年累计 run together: no rule tells where one ends
                if nxt.kind == "blank":
                    break  # 本年度 left empty: never take the 历年累计 cell after it
                if nxt.kind == "num":
                    value = parse_count(nxt.text)
                    if target == "narrative.fees_collected_yuan":
                        value = _yuan(value, unit, nxt.text)
                    if value is not None:
                        out.values[target] = value
                        out.provenance[target] = nxt.where
                    break
                if nxt.kind == "text" and not _UNIT_RE.match(label_key(nxt.text)):
                    break
                if nxt.kind == "text":
                    unit = label_key(nxt.text)
            break
    return out if out.values else None


def _yuan(value, unit: str | None, printed: str):
    """A fee in 元: the unit cell (or a unit printed with the number) says 万元 or 元; none → not read."""
    unit = unit or ("万元" if printed.endswith("万元") else "元" if printed.endswith("元") else None)
    if value is None or unit not in ("万元", "元"):
        return None
    if unit == "元":
        return value
    from decimal import Decimal

    yuan = Decimal(str(value)) * 10000
    return int(yuan) if yuan == yuan.to_integral_value() else float(yuan)
