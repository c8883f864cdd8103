"""Splitting digit runs where every cell of a row was printed with no separator.

`一、本年新收政府信息公开申请数量640020470` is 64|0|0|2|0|4|70: only the table's own arithmetic can split
it. A split never gives a part with a leading zero (a printed cell is `0` or starts with 1–9).

- `row_splits`: all splits of one table 三 row into 7 cells whose last (总计) is the sum of the six others;
- `group_splits`: all splits of the table 四 row into groups of five whose fifth is the sum of four.
The caller keeps what satisfies the rules across rows; where more than one candidate remains, the differing
cells are left null with an `ambiguous_split` problem — never picked.
"""

from __future__ import annotations

from functools import cache
from itertools import accumulate

MAX_CANDIDATES = 2000


def _parts_summing(digits: str, n: int, target: int) -> list[tuple[int, ...]]:
    """Every split of `digits` into n numbers (no leading zeros) that add up to `target`, in order of the
    first part's length, then the second's… (a plain recursion over offsets: no slices, no generators)."""
    size = len(digits)
    out: list[tuple[int, ...]] = []

    def split(at: int, n: int, target: int, head: tuple[int, ...]) -> None:
        rest = size - at
        if n == 1:
            if rest and (rest == 1 or digits[at] != "0") and int(digits[at:]) == target:
                out.append((*head, target))
            return
        if target == 0:  # every remaining cell is 0: only "00…0" of the right length fits
            if rest == n and digits.count("0", at) == n:
                out.append((*head, *(0,) * n))
            return
        longest = 1 if digits[at] == "0" else min(len(str(target)), rest - n + 1)
        value = 0
        for k in range(1, longest + 1):
            value = value * 10 + ord(digits[at + k - 1]) - 48
            if value > target:
                break
            rest_len, left = rest - k, target - value
            if rest_len > (n - 1) * len(str(left)):
                continue  # the remaining cells cannot use that many digits without exceeding the sum
            widest = -(-rest_len // (n - 1))  # some remaining cell has at least this many digits
            if widest > 1 and 10 ** (widest - 1) > left:
                continue
            if rest_len < n - 1 or 10 ** (rest_len - (n - 2)) + 9 * (n - 2) <= left:
                continue  # too few digits left to reach the sum
            split(at + k, n - 1, left, (*head, value))

    if digits:
        split(0, n, target, ())
    return out


def sum_splits(digits: str, addends: int) -> list[tuple[int, ...]]:
    """Splits into `addends` numbers followed by their sum (the sum printed last)."""
    out: list[tuple[int, ...]] = []
    # A number is its digit sum modulo 9, so however a head is cut its parts add up to the head's digit sum
    # modulo 9: a total that differs from it there has no split (most lengths of the total, ruled out at once).
    # digit_sums[i]: of digits[:i] (ASCII digits, as the split reads them)
    digit_sums = list(accumulate((ord(d) - 48 for d in digits), initial=0)) if digits.isascii() else None
    for total_len in range(1, len(digits) - addends + 1):
        total_text = digits[len(digits) - total_len :]
        if total_len > 1 and total_text[0] == "0":
            continue
        head = digits[: len(digits) - total_len]
        if len(head) > addends * (total_len + 1) or len(head) < addends:
            continue
        total = int(total_text)
        if digit_sums is not None and (digit_sums[len(head)] - total) % 9:
            continue
        for parts in _parts_summing(head, addends, total):
            out.append((*parts, total))
            if len(out) > MAX_CANDIDATES:
                return out
    return out


def row_splits(digits: str) -> list[tuple[int, ...]]:
    """Table 三 row: six applicant columns then 总计."""
    return sum_splits(digits, 6)


def group_splits(digits: str, groups: int = 3) -> list[tuple[int, ...]]:
    """Table 四 row: `groups` groups of 结果维持·结果纠正·其他结果·尚未审结·总计."""

    @cache
    def rec(start: int, left: int) -> tuple[tuple[int, ...], ...]:
        if left == 0:
            return ((),) if start == len(digits) else ()
        results: list[tuple[int, ...]] = []
        for end in range(start + 5, len(digits) - 5 * (left - 1) + 1):
            for head in sum_splits(digits[start:end], 4):
                for tail in rec(end, left - 1):
                    results.append(head + tail)
                    if len(results) > MAX_CANDIDATES:
                        return tuple(results)
        return tuple(results)

    return list(rec(0, groups))
