"""Claims on pending documents, so that parse batches on several workers never parse the same document.

The DAG parses in batches (dynamic task mapping), which CeleryExecutor spreads over its workers. Each batch
``claim()``s the documents it will parse before it reads them:

- it takes up to ``limit`` documents that no parser version's report or recorded failure covers yet
  (``warehouse.staging.pending_documents``' rule) and that no live claim holds;
- the candidate rows of ``raw.document`` are locked ``FOR NO KEY UPDATE SKIP LOCKED``: two batches claiming at the
  same moment take disjoint sets and never wait for each other, and the crawler can still add fetches of them;
- each claim is a row of ``audit.parse_claim`` with a lease. ``release()`` drops a batch's claims once its load has
  committed. A batch whose worker died keeps its claims until the lease runs out, then any batch may take them;
  the same batch asking again (an Airflow retry: same claimant) takes its own claims back at once.

A claim never blocks correctness, only duplicate work: a load is idempotent (``warehouse.staging``), so a document
parsed twice after an expired lease is loaded once.
"""

from __future__ import annotations

from collections.abc import Iterable

from warehouse.connection import connect

# A claimant is gone once its task cannot be running any more; without a task time limit, after a day.
DEFAULT_LEASE_S = 24 * 3600.0

# Documents no report or recorded failure of this parser version covers yet (warehouse.staging.pending_documents).
_PENDING = """
    EXISTS (
        SELECT 1 FROM raw.fetch f
        WHERE f.sha256 = d.sha256 AND f.is_report
          AND (%(portals)s::text[] IS NULL OR f.portal = ANY(%(portals)s::text[]))
          -- a document whose year the crawler could not guess is parsed anyway: the parser reads the year
          AND (%(years)s::int[] IS NULL OR f.year_guess IS NULL OR f.year_guess = ANY(%(years)s::int[])))
    AND NOT EXISTS (SELECT 1 FROM staging.report r
                    WHERE r.document_sha256 = d.sha256 AND r.parser_version = %(version)s)
    AND NOT EXISTS (SELECT 1 FROM audit.parse_failure pf
                    WHERE pf.document_sha256 = d.sha256 AND pf.parser_version = %(version)s)
"""

# One pass: (candidates chosen, sha256s claimed). Fewer claimed than chosen: another batch's claims on some of them
# committed after this statement's snapshot (their row locks gone, so not skipped); `claim` then passes again.
_CLAIM = f"""
WITH candidate AS (
    SELECT d.sha256 FROM raw.document d
    WHERE {_PENDING}
      AND NOT EXISTS (SELECT 1 FROM audit.parse_claim c
                      WHERE c.document_sha256 = d.sha256 AND c.parser_version = %(version)s
                        AND c.lease_until > now() AND c.claimant <> %(claimant)s)
      AND NOT d.sha256 = ANY(%(taken)s::text[])  -- what an earlier pass of this claim took
    ORDER BY d.sha256
    LIMIT %(limit)s
    FOR NO KEY UPDATE OF d SKIP LOCKED
)
, taken AS (
    INSERT INTO audit.parse_claim AS c (document_sha256, parser_version, claimant, lease_until)
    SELECT sha256, %(version)s, %(claimant)s, now() + make_interval(secs => %(lease)s) FROM candidate
    ON CONFLICT (document_sha256, parser_version) DO UPDATE
        SET claimant = excluded.claimant, claimed_at = now(), lease_until = excluded.lease_until
        -- a claim another batch made after this statement's snapshot stays theirs
        WHERE c.lease_until <= now() OR c.claimant = excluded.claimant
    RETURNING c.document_sha256
)
SELECT (SELECT count(*) FROM candidate), coalesce((SELECT array_agg(document_sha256) FROM taken), '{{}}')
"""
# Passes of _CLAIM before a batch settles for fewer documents than it asked for while others are still free: each
# lost race means another batch claimed meanwhile, so a handful suffices even with many workers.
_CLAIM_PASSES = 8


def _selection(parser_version: str, portals: Iterable[str] | None, years: Iterable[int] | None) -> dict:
    return {
        "version": parser_version,
        "portals": sorted(portals) if portals else None,
        "years": sorted(int(y) for y in years) if years else None,
    }


def count_pending(
    parser_version: str,
    *,
    portals: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    url: str | None = None,
) -> int:
    """How many documents are waiting for ``parser_version``, claimed or not: what the batches will share."""
    with connect(url) as conn:
        sql = f"SELECT count(*) FROM raw.document d WHERE {_PENDING}"
        row = conn.execute(sql, _selection(parser_version, portals, years)).fetchone()
        assert row is not None  # count(*) returns one row
        return row[0]


def claim(
    parser_version: str,
    claimant: str,
    limit: int,
    *,
    lease_s: float = DEFAULT_LEASE_S,
    portals: Iterable[str] | None = None,
    years: Iterable[int] | None = None,
    url: str | None = None,
) -> list[str]:
    """Claim up to ``limit`` pending documents (sha256s, sorted) for ``claimant`` for ``lease_s`` seconds.

    ``portals`` and ``years`` narrow the documents as ``nianbao load`` does (None: all)."""
    if limit <= 0:
        return []
    params = {**_selection(parser_version, portals, years), "claimant": claimant, "limit": int(limit)}
    params["lease"] = float(lease_s)
    claimed: list[str] = []
    with connect(url) as conn:  # one transaction: the claims and the locks that chose them
        conn.execute("DELETE FROM audit.parse_claim WHERE lease_until <= now()")  # leases of batches long gone
        for _ in range(_CLAIM_PASSES):
            # each statement sees what other batches committed before it (READ COMMITTED): a new pass finds the
            # documents a lost race left free
            row = conn.execute(_CLAIM, {**params, "limit": int(limit) - len(claimed), "taken": claimed}).fetchone()
            assert row is not None  # an aggregate row
            chosen, taken = row
            claimed += taken
            if len(taken) == chosen or len(claimed) >= limit:  # no race lost: all there is, or all it asked for
                break
    return sorted(claimed)


def release(claimant: str, *, url: str | None = None) -> int:
    """Drop every claim of ``claimant`` (after its load committed, or when it gives up); returns how many."""
    with connect(url) as conn:
        return conn.execute("DELETE FROM audit.parse_claim WHERE claimant = %s", (claimant,)).rowcount
