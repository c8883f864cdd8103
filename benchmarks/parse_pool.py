"""Parse throughput through the sandboxed worker pool against today's in-process parse, same data, same run.

    .venv/bin/python benchmarks/parse_pool.py [--n 400] [--repeats 3] [--chunk 50]

Generates `--n` documents of mixed shapes with reportgen (HTML, every text shape, PDF, .docx; random reports
of every era) before timing starts, then parses them three ways, wall clock:

- in this process with `parse_bytes`, one after the other (the baseline, and what `nianbao load` did before);
- through `parsers.sandbox.ParsePool` with 1 worker: the price of the sandbox (target: at most 10 % slower);
- through the pool with 2 workers: the cores put to use (target: at least 1.7x the baseline).

The machine is shared, so the three take turns on slices of `--chunk` documents, `--repeats` times over, in
rotating order, and each ratio is the median over slices of the pool's time against the baseline's on the
same slice. Starting a pool (its fork server and workers, paid once per `nianbao load`) is printed apart.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

# Only the standard library at module level: every pool worker runs this script's top level again
# (multiprocessing does so for the main module), and should not pay for reportgen.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def corpus(n: int, seed: int = 0) -> list[tuple[bytes, str]]:
    """`n` (bytes, filename) of mixed shapes: 4 in 10 HTML, 3 text, 2 PDF, 1 docx. Rendering is slower than
    parsing, so at most 200 are distinct and the rest repeat them (the parser keeps nothing between documents)."""
    from reportgen import TEXT_SHAPES, random_report, render_docx, render_html, render_pdf, render_text

    rng = random.Random(seed)
    eras = ("2019", "2021", "pre2019")
    docs = []
    distinct = min(n, 200)
    for i in range(distinct):
        report = random_report(eras[i % 3], rng)
        kind = i % 10
        if kind < 4:
            docs.append((render_html(report).encode("utf-8"), f"{i}.html"))
        elif kind < 7:
            docs.append((render_text(report, TEXT_SHAPES[i % len(TEXT_SHAPES)]).encode("utf-8"), f"{i}.txt"))
        elif kind < 9:
            docs.append((render_pdf(report), f"{i}.pdf"))
        else:
            docs.append((render_docx(report), f"{i}.docx"))
    return [(docs[i % distinct][0], f"{i}{Path(docs[i % distinct][1]).suffix}") for i in range(n)]


def in_process(docs: list[tuple[bytes, str]]) -> float:
    from parsers import parse_bytes

    started = time.perf_counter()
    for data, name in docs:
        parse_bytes(data, filename=name)
    return time.perf_counter() - started


def pooled(pool, docs: list[tuple[bytes, str]]) -> float:
    from parsers.sandbox import Job

    started = time.perf_counter()
    outcomes = list(pool.parse(Job(str(i), data, name) for i, (data, name) in enumerate(docs)))
    seconds = time.perf_counter() - started
    failed = [o.filename for o in outcomes if o.failure]
    if len(outcomes) != len(docs) or failed:
        raise SystemExit(f"the pool lost documents: {len(outcomes)} of {len(docs)} came back; failed: {failed[:5]}")
    return seconds


def _spin(_: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - started


def parallel_ceiling() -> float:
    """What two processes get over one on this machine right now, on work that shares nothing: the bound for
    the 2-worker figure while other jobs hold cores."""
    import multiprocessing

    with multiprocessing.get_context("forkserver").Pool(2) as processes:
        processes.map(_spin, [0, 1])  # started
        started = time.perf_counter()
        _spin(0)
        _spin(0)
        alone = time.perf_counter() - started
        started = time.perf_counter()
        processes.map(_spin, [0, 1])
        return alone / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=50, help="documents per timed slice")
    args = parser.parse_args()

    from parsers.sandbox import Limits, ParsePool, usable_cores

    docs = corpus(args.n)
    print(
        f"{len(docs)} documents ({sum(len(d) for d, _ in docs) / 1e6:.1f} MB), {usable_cores()} usable cores,"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    pools = {}
    for workers in (1, 2):
        started = time.perf_counter()
        pools[workers] = ParsePool(Limits(workers=workers))
        pools[workers].start()
        print(f"starting a pool of {workers}: {time.perf_counter() - started:.2f} s (once per `nianbao load`)")
    ways = {
        "in-process": in_process,
        "pool, 1 worker": lambda part: pooled(pools[1], part),
        "pool, 2 workers": lambda part: pooled(pools[2], part),
    }
    try:
        for way in ways.values():  # first uses (imports, caches) on every side before the clock
            way(docs[:20])
        # Slices of every way interleaved, in rotating order: load from other jobs on the machine falls on all.
        seconds = {way: [] for way in ways}
        names = list(ways)
        for round_ in range(args.repeats):
            for slice_, start in enumerate(range(0, len(docs), args.chunk)):
                part = docs[start : start + args.chunk]
                shift = (round_ + slice_) % len(names)
                for way in names[shift:] + names[:shift]:
                    seconds[way].append(ways[way](part))
    finally:
        for pool in pools.values():
            pool.close()

    ceiling = parallel_ceiling()
    total = {way: sum(s) for way, s in seconds.items()}
    for way in ways:
        print(f"{way:16} {len(docs) * args.repeats / total[way]:6.1f} documents/s")
    # per slice, against the in-process time of the same slice in the same round; the median resists bursts
    one = statistics.median(p / b for p, b in zip(seconds["pool, 1 worker"], seconds["in-process"]))
    two = statistics.median(b / p for p, b in zip(seconds["pool, 2 workers"], seconds["in-process"]))
    print(f"sandbox, 1 worker: {(one - 1) * 100:+.1f} % time against in-process (target ≤ +10 %)")
    print(
        f"sandbox, 2 workers: {two:.2f}× the in-process throughput (target ≥ 1.7×; two processes of plain"
        f" arithmetic get {ceiling:.2f}× on this machine now, load average {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
