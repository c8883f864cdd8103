"""Random pre-2019 统计表 (指标名称 | 计量单位 | 本年度 | 历年累计) and the contract figures they map to.

Before the 2019 format, provinces printed their own statistics tables (report-formats.md, "Pre-2019
reports"). A valid table here obeys what real ones obey when they are right: sub-items sum to their item
(主动公开 = 网站 + 公报; 受理 = the five channels; 答复 = the four reply kinds) in both columns, and
本年度 ≤ 历年累计 on every row. Real tables break these (the 01 平潭县 2012 report does); a generated
table never does, so every finding a parser reports on one is a parser error.

The rows are kept on the Report as `statistics_table` (printed labels, units and both columns) so every
renderer prints the same table; only the figures the contract maps (parsers/README.md, "Pre-2019 统计表
rows") are in `applications`, `review_litigation` and `narrative`.
"""

from __future__ import annotations

import random

# (code, parent code or None, printed label variants, unit variants). Order is the printed order,
# except that the five channels are shuffled per report (real tables list them in different orders).
ITEMS = [
    (
        "proactive",
        None,
        ["主动公开信息数", "主动公开政府信息数", "主动公开文件数"],
        ["条"],
    ),
    ("proactive_website", "proactive", ["网站公开", "政府网站公开数"], ["条"]),
    ("proactive_gazette", "proactive", ["政府公报公开", "政府公报公开数"], ["条"]),
    (
        "received",
        None,
        ["受理依申请公开信息总数", "受理政府信息公开申请总数"],
        ["条", "件"],
    ),
    ("received_in_person", "received", ["当面申请数"], ["条", "件"]),
    ("received_online", "received", ["网上申请数"], ["条", "件"]),
    ("received_letter", "received", ["信函申请数"], ["条", "件"]),
    ("received_fax", "received", ["传真申请数"], ["条", "件"]),
    ("received_email", "received", ["电子邮件申请数"], ["条", "件"]),
    ("replied", None, ["对申请的答复数", "对申请的答复总数"], ["条", "件"]),
    ("replied_granted", "replied", ["同意公开答复数"], ["条", "件"]),
    ("replied_partial", "replied", ["同意部分公开答复数"], ["条", "件"]),
    ("replied_denied", "replied", ["不予公开答复数", "否决公开答复数"], ["条", "件"]),
    ("replied_other", "replied", ["其他类型答复数"], ["条", "件"]),
    ("fee_waived", None, ["政府信息公开收费减免金额"], ["元"]),
    ("review", None, ["行政复议数"], ["件"]),
    ("litigation", None, ["行政诉讼数"], ["件"]),
    ("appeal", None, ["行政申诉数"], ["件"]),
]
CHANNELS = [
    "received_in_person",
    "received_online",
    "received_letter",
    "received_fax",
    "received_email",
]
REPLIES = ["replied_granted", "replied_partial", "replied_denied", "replied_other"]

# statistics row → (table, row, column) of the contract; 行政诉讼数 has no table cell: its key is narrative
CONTRACT_CELLS = {
    "received": ("applications", "new_received", "total"),
    "replied": ("applications", "total_processed", "total"),
    "replied_granted": ("applications", "granted", "total"),
    "replied_partial": ("applications", "partially_granted", "total"),
    "replied_denied": ("applications", "denied", "total"),
    "replied_other": ("applications", "other", "total"),
    "review": ("review_litigation", "review", "total"),
    "litigation": ("narrative", "litigation_total", None),
    "proactive": ("narrative", "proactive_items_published", None),
}


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` as `parts` non-negative counts, most of it in one or two parts (as real channels are)."""
    out = [0] * parts
    for _ in range(total):
        out[min(int(rng.expovariate(1.2)), parts - 1) if rng.random() < 0.8 else rng.randrange(parts)] += 1
    rng.shuffle(out)
    return out


def _period(rng: random.Random, scale: int) -> dict[str, int]:
    """Leaf counts of one period (a year, or all earlier years together when `scale` is larger)."""
    replies = {code: rng.choice([0, rng.randint(0, 30 * scale), rng.randint(0, 200 * scale)]) for code in REPLIES}
    # some still being answered
    received = sum(replies.values()) + rng.choice([0, 0, rng.randint(0, 10)])
    return {
        "proactive_website": rng.choice([rng.randint(0, 500 * scale), rng.randint(0, 20000 * scale)]),
        "proactive_gazette": rng.choice([0, 0, rng.randint(0, 300 * scale)]),
        **dict(zip(CHANNELS, _split(received, len(CHANNELS), rng))),
        **replies,
        "fee_waived": rng.choice([0, 0, rng.randint(0, 500 * scale)]),
        "review": rng.choice([0, rng.randint(0, 9 * scale)]),
        "litigation": rng.choice([0, rng.randint(0, 9 * scale)]),
        "appeal": rng.choice([0, 0, rng.randint(0, 5 * scale)]),
    }


def random_statistics(rng: random.Random, year: int) -> tuple[list[str], list[dict]]:
    """(header, rows) of a valid 统计表; each row {code, label, unit, this_year, cumulative}."""
    this_year = _period(rng, 1)
    # A first reporting year prints 历年累计 equal to 本年度 (the 01 report); later years add earlier ones.
    earlier = dict.fromkeys(this_year, 0) if rng.random() < 0.3 else _period(rng, rng.randint(1, 4))
    cumulative = {code: this_year[code] + earlier[code] for code in this_year}
    for parent, children in (
        ("proactive", ["proactive_website", "proactive_gazette"]),
        ("received", CHANNELS),
        ("replied", REPLIES),
    ):
        this_year[parent] = sum(this_year[c] for c in children)
        cumulative[parent] = sum(cumulative[c] for c in children)
    numbering = rng.choice([".", "、"])
    channel_order = rng.sample(CHANNELS, len(CHANNELS))
    items = [i for i in ITEMS if i[0] not in CHANNELS]
    at = next(k for k, i in enumerate(items) if i[0] == "received") + 1
    items[at:at] = [next(i for i in ITEMS if i[0] == c) for c in channel_order]
    if rng.random() < 0.5:
        items = [i for i in items if i[0] != "fee_waived"]
    application_unit = rng.choice(["条", "件"])
    rows, sub_number = [], 0
    for code, parent, labels, units in items:
        sub_number = sub_number + 1 if parent else 0
        label = rng.choice(labels)
        if parent:
            label = ("其中：" if sub_number == 1 else "") + f"{sub_number}{numbering}{label}"
        unit = application_unit if units == ["条", "件"] else units[0]
        rows.append(
            {
                "code": code,
                "label": label,
                "unit": unit,
                "this_year": this_year[code],
                "cumulative": cumulative[code],
            }
        )
    header = ["指标名称", "计量单位", rng.choice(["本年度", f"{year}年度"]), "历年累计"]
    return header, rows


def contract_figures(rows: list[dict]) -> tuple[dict, dict, dict]:
    """(applications, review_litigation, narrative) as the parser must read them from the table."""
    tables: dict[str, dict] = {
        "applications": {},
        "review_litigation": {},
        "narrative": {},
    }
    for row in rows:
        if row["code"] not in CONTRACT_CELLS:
            continue
        table, key, column = CONTRACT_CELLS[row["code"]]
        if column is None:
            tables[table][key] = row["this_year"]
        else:
            tables[table][key] = {column: row["this_year"]}
    return tables["applications"], tables["review_litigation"], tables["narrative"]


def statistics_violations(rows: list[dict]) -> list[str]:
    """The rules a valid table obeys (used to test this generator, and by the round-trip helpers)."""
    by_code = {r["code"]: r for r in rows}
    out = [f"{r['code']}: 本年度 > 历年累计" for r in rows if r["this_year"] > r["cumulative"]]
    for parent in ("proactive", "received", "replied"):
        children = [r for r in rows if r["code"].startswith(parent + "_")]
        for column in ("this_year", "cumulative"):
            if parent in by_code and sum(c[column] for c in children) != by_code[parent][column]:
                out.append(f"{parent}.{column}: sub-items do not sum")
    return out
