"""Parse batches claim their documents (warehouse.claims): two batches never parse the same document, a dead
batch's claims come free when its lease runs out, and the DAG's batches (steps.parse_batch) together load every
pending document once, as `nianbao load` does."""

from __future__ import annotations

import random
import threading

import psycopg
import pytest

import parsers
from nianbao import steps
from reportgen import random_report, render_html
from warehouse import claims
from warehouse.raw_store import FetchRecord, RawStore

VERSION = parsers.PARSER_VERSION
DOCUMENTS = 12


@pytest.fixture
def pending(db_url):
    """DOCUMENTS report pages of one portal, none parsed yet (the module's database, emptied first)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("TRUNCATE raw.document, raw.fetch, staging.report, audit.parse_failure, audit.parse_claim CASCADE")
    rng = random.Random(5)
    with RawStore(db_url) as store:
        for number in range(DOCUMENTS):
            store.record_fetch(
                FetchRecord(
                    portal="claims",
                    url=f"http://claims.test/{number}.html",
                    http_status=200,
                    body=render_html(random_report("2021", rng)).encode("utf-8"),
                    media_type="text/html",
                    year_guess=2020 + number % 2,
                    is_report=True,
                )
            )
    return db_url


def test_two_claimants_at_once_take_disjoint_documents(pending):
    taken: dict[str, list[str]] = {}
    start = threading.Barrier(2)

    def take(name: str) -> None:
        start.wait()
        taken[name] = claims.claim(VERSION, name, DOCUMENTS, url=pending)

    threads = [threading.Thread(target=take, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(taken["a"]) & set(taken["b"])
    assert len(taken["a"]) + len(taken["b"]) == DOCUMENTS  # nothing left over: both asked for everything
    assert claims.claim(VERSION, "c", DOCUMENTS, url=pending) == []  # all held


def test_a_claim_is_free_again_after_release_or_its_lease(pending):
    first = claims.claim(VERSION, "a", 5, url=pending)
    assert len(first) == 5
    assert claims.count_pending(VERSION, url=pending) == DOCUMENTS  # claimed is still pending
    assert claims.claim(VERSION, "a", 5, url=pending) == first  # the same claimant (a retry) takes its own back
    assert claims.release("a", url=pending) == 5
    assert len(claims.claim(VERSION, "b", 5, lease_s=0, url=pending)) == 5  # a batch whose worker died at once
    assert len(claims.claim(VERSION, "c", DOCUMENTS, url=pending)) == DOCUMENTS  # b's lease ran out: all free


def test_claimants_in_a_race_together_take_every_document(pending):
    """Four batches of a quarter each, at once, again and again: a batch that meets documents whose claims another
    batch committed after its statement began (their locks gone, so not skipped) takes others in a new pass,
    instead of coming away short while documents stay free (a monthly run once left a quarter of its reports
    unparsed so)."""
    quarter = DOCUMENTS // 4

    def take(name: str, start: threading.Barrier, taken: dict[str, list[str]]) -> None:
        start.wait()
        taken[name] = claims.claim(VERSION, name, quarter, url=pending)

    for round_ in range(15):
        taken: dict[str, list[str]] = {}
        start = threading.Barrier(4)
        names = [f"r{round_}/{i}" for i in range(4)]
        threads = [threading.Thread(target=take, args=(name, start, taken)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        every = [sha for name in names for sha in taken[name]]
        assert len(every) == len(set(every)) == DOCUMENTS, {n: len(taken[n]) for n in names}
        for name in names:
            claims.release(name, url=pending)


def test_years_narrow_the_claim_and_count(pending):
    assert claims.count_pending(VERSION, years=[2020], url=pending) == DOCUMENTS // 2
    assert len(claims.claim(VERSION, "a", DOCUMENTS, years=[2021], url=pending)) == DOCUMENTS // 2


def test_batches_are_even_and_end_in_full_rounds():
    for pending in (1, 3, 5, 2000, 8001, 10_000, 100_000):
        sizes = steps.parse_batch_sizes(pending)
        assert sum(sizes) == pending and max(sizes) - min(sizes) <= 1 and max(sizes) <= steps.PARSE_BATCH_MAX
        assert len(sizes) == min(pending, steps.PARSE_FAN_OUT) or len(sizes) % steps.PARSE_FAN_OUT == 0
    # 4 full batches, not 3 (two workers, one idle through the third)
    assert steps.parse_batch_sizes(3 * steps.PARSE_BATCH_MAX) == [3 * steps.PARSE_BATCH_MAX // 4] * 4
    assert steps.parse_batch_sizes(0) == [0]
    # an executor running two tasks at once: a monthly run's 1,000 documents in one round of two
    assert steps.parse_batch_sizes(1000, fan_out=2) == [500, 500]


def test_batches_load_every_pending_document_once(pending):
    sizes = steps.plan_parse_batches(url=pending)
    assert len(sizes) == steps.PARSE_FAN_OUT and sum(sizes) == DOCUMENTS
    results = [steps.parse_batch(f"run/parse_batch/{i}", size, url=pending) for i, size in enumerate(sizes)]
    assert [r["parsed"] for r in results] == sizes
    with psycopg.connect(pending) as conn:
        loaded = conn.execute("SELECT count(*), count(DISTINCT document_sha256) FROM staging.report").fetchone()
        assert loaded == (DOCUMENTS, DOCUMENTS)
        assert conn.execute("SELECT count(*) FROM audit.parse_claim").fetchone()[0] == 0  # released
    assert steps.plan_parse_batches(url=pending) == [0]  # nothing pending: one empty batch, the step still runs
    assert steps.parse_batch("run/parse_batch/0", 0, url=pending)["parsed"] == 0
