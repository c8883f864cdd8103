"""The raw store: what the crawlers fetched, kept as fetched.

- ``raw.document`` holds each distinct body once, keyed by its sha256.
- ``raw.fetch`` holds one row per request outcome (200, 304, 404, timeout...), pointing at the body it got.

A 304 Not Modified carries no body; its row points at the body of the fetch it confirmed, so "what did this URL
serve last" is always one lookup. ``canonical_url`` (see ``warehouse.urls``) lets mirrors and mobile copies of a
page count as one document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, NamedTuple

from psycopg.types.json import Jsonb

from warehouse.connection import connect
from warehouse.urls import canonical_url, is_canonical_address_sql

if TYPE_CHECKING:  # typing.Self needs Python 3.11; the project supports 3.10
    from typing_extensions import Self

# Content is read in groups of at most this many documents and bytes, so iterating holds neither a transaction
# nor all bytes (a group always takes one document, whatever its size).
_CONTENT_BATCH = 20
_CONTENT_BATCH_BYTES = 64 * 1024 * 1024

# A fetch that got (or confirmed) a body: what `validators` and `documents_checked_since` count as a check.
_GOOD_FETCH = "sha256 IS NOT NULL AND (http_status BETWEEN 200 AND 299 OR http_status = 304)"


@dataclass
class FetchRecord:
    """One request outcome, as the crawler saw it."""

    portal: str
    url: str
    final_url: str | None = None
    fetched_at: datetime | None = None  # default: now
    http_status: int | None = None  # None: no response at all (DNS failure, timeout...)
    headers: dict = field(default_factory=dict)
    body: bytes | None = None
    media_type: str | None = None  # default: from the Content-Type header
    referer_url: str | None = None
    link_text: str | None = None
    title: str | None = None
    year_guess: int | None = None
    is_report: bool = False
    error: str | None = None


class RawDocument(NamedTuple):
    """A stored report document, with the fetch that best represents it (the canonical address if seen there)."""

    sha256: str
    media_type: str | None
    url: str
    portal: str
    title: str | None
    content: bytes | None  # None only when ``documents(max_bytes=...)`` left a larger body unread
    year_guess: int | None = None  # the crawler's guess at the report year
    size_bytes: int | None = None


def _content_batches(listing: list[tuple], max_bytes: int | None) -> Iterator[list[tuple]]:
    """The listing (size last in each row) in groups of at most _CONTENT_BATCH documents and
    _CONTENT_BATCH_BYTES bytes of content to read; a body over ``max_bytes`` is not read, so counts nothing."""
    batch: list[tuple] = []
    held = 0
    for row in listing:
        size = row[-1] if max_bytes is None or row[-1] <= max_bytes else 0
        if batch and (len(batch) >= _CONTENT_BATCH or held + size > _CONTENT_BATCH_BYTES):
            yield batch
            batch, held = [], 0
        batch.append(row)
        held += size
    if batch:
        yield batch


def _clean_headers(headers: dict) -> dict:
    """Header names lower-cased, values as text (Scrapy gives bytes and lists of bytes)."""

    def text(value) -> str:
        return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)

    cleaned = {}
    for name, value in (headers or {}).items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(text(v) for v in value)
        cleaned[text(name).lower()] = text(value)
    return cleaned


_INSERT_DOCUMENT = (
    "INSERT INTO raw.document (sha256, media_type, size_bytes, content) VALUES (%s, %s, %s, %s)"
    " ON CONFLICT (sha256) DO NOTHING"
)
_INSERT_FETCH = """
    INSERT INTO raw.fetch (portal, url, final_url, canonical_url, fetched_at, http_status, etag, last_modified,
                           headers, sha256, referer_url, link_text, title, year_guess, is_report, error)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def _prepared(rec: FetchRecord) -> tuple[dict, str | None, str | None]:
    """(cleaned headers, media type, sha256 of the body or None) of a fetch."""
    headers = _clean_headers(rec.headers)
    media_type = rec.media_type or (headers.get("content-type", "").split(";")[0].strip() or None)
    sha256 = hashlib.sha256(rec.body).hexdigest() if rec.body is not None else None
    return headers, media_type, sha256


class RawStore:
    """Reads and writes ``raw``. Holds one connection; use as a context manager or call ``close()``."""

    def __init__(self, url: str | None = None):
        self._url = url
        self._conn = None

    @property
    def conn(self):
        if self._conn is None or self._conn.closed:
            self._conn = connect(self._url, autocommit=True)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------------------

    def record_fetch(self, rec: FetchRecord) -> int:
        """Store the body (once per sha256) and one fetch row; return the fetch_id."""
        headers, media_type, sha256 = _prepared(rec)
        with self.conn.transaction():
            if rec.body is not None:
                # Check first so a body we already hold is not sent to the server again.
                known = self.conn.execute("SELECT 1 FROM raw.document WHERE sha256 = %s", (sha256,)).fetchone()
                if not known:
                    self.conn.execute(_INSERT_DOCUMENT, (sha256, media_type, len(rec.body), rec.body))
            row = self.conn.execute(
                _INSERT_FETCH + " RETURNING fetch_id", self._fetch_values(rec, headers, sha256)
            ).fetchone()
        return row[0]

    def record_fetches(self, records: Iterable[FetchRecord]) -> None:
        """``record_fetch`` for many fetches in one transaction: the same rows, written in a few round trips
        (one query for which bodies are held, one batch of new bodies, batches of fetch rows) instead of
        three per fetch. All or nothing: on an error none of the batch is stored."""
        prepared = [(rec, *_prepared(rec)) for rec in records]
        if not prepared:
            return
        bodies = {sha256: (media_type, rec.body) for rec, _, media_type, sha256 in prepared if rec.body is not None}
        with self.conn.transaction(), self.conn.cursor() as cur:
            if bodies:
                held = {
                    row[0]
                    for row in cur.execute(
                        "SELECT sha256 FROM raw.document WHERE sha256 = ANY(%s)", (list(bodies),)
                    ).fetchall()
                }
                # in one order (by hash): two crawls storing the same page at once wait on each other, never deadlock
                new = [(sha, mt, len(body), body) for sha, (mt, body) in sorted(bodies.items()) if sha not in held]
                if new:
                    cur.executemany(_INSERT_DOCUMENT, new)
            rows: list[tuple] = []
            for rec, headers, _, sha256 in prepared:
                if rec.body is None and rec.http_status == 304 and rows:
                    # Its row points at the last good fetch of the URL, which may be earlier in this batch.
                    cur.executemany(_INSERT_FETCH, rows)
                    rows = []
                rows.append(self._fetch_values(rec, headers, sha256))
            if rows:
                cur.executemany(_INSERT_FETCH, rows)

    def _fetch_values(self, rec: FetchRecord, headers: dict, sha256: str | None) -> tuple:
        """The values of ``_INSERT_FETCH`` for ``rec``; a 304 takes its body and validators from the last good
        fetch of its URL (Not Modified: the body is the one we already hold)."""
        etag = headers.get("etag")
        last_modified = headers.get("last-modified")
        if rec.body is None and rec.http_status == 304:
            previous = self.validators(rec.url)
            if previous:
                sha256 = previous["sha256"]
                etag = etag or previous["etag"]
                last_modified = last_modified or previous["last_modified"]
        year_guess = rec.year_guess if rec.year_guess is not None and 1990 <= rec.year_guess <= 2100 else None
        return (
            rec.portal,
            rec.url,
            rec.final_url,
            canonical_url(rec.final_url or rec.url),
            rec.fetched_at or datetime.now(timezone.utc),
            rec.http_status,
            etag,
            last_modified,
            Jsonb(headers),
            sha256,
            rec.referer_url,
            rec.link_text,
            rec.title,
            year_guess,
            rec.is_report,
            rec.error,
        )

    # -- reading ---------------------------------------------------------------------------------------------

    def validators(self, url: str) -> dict | None:
        """{etag, last_modified, sha256} of the last good fetch of ``url`` (or, failing that, of any address with
        the same canonical URL), for a conditional request, and ``checked_at``: when any of these addresses was
        last fetched or validated (200 or 304), for the crawler's freshness rule. None if never fetched
        successfully."""
        return self.validators_of([url])[url]

    def validators_of(self, urls: Iterable[str]) -> dict[str, dict | None]:
        """`validators` of each of ``urls``, in one query (a list page's links at once)."""
        urls = list(dict.fromkeys(urls))
        found: dict[str, dict | None] = dict.fromkeys(urls)
        if not urls:
            return found
        rows = self.conn.execute(
            f"""
            SELECT q.url, v.etag, v.last_modified, v.sha256, v.checked_at
            FROM unnest(%(urls)s::text[], %(canonical)s::text[]) AS q(url, canonical)
            CROSS JOIN LATERAL (
                SELECT etag, last_modified, sha256, max(fetched_at) OVER () AS checked_at FROM raw.fetch
                WHERE (url = q.url OR final_url = q.url OR canonical_url = q.canonical) AND {_GOOD_FETCH}
                ORDER BY (url = q.url OR final_url = q.url) DESC, fetched_at DESC, fetch_id DESC
                LIMIT 1
            ) v
            """,
            {"urls": urls, "canonical": [canonical_url(u) for u in urls]},
        ).fetchall()
        for url, etag, last_modified, sha256, checked_at in rows:
            found[url] = {"etag": etag, "last_modified": last_modified, "sha256": sha256, "checked_at": checked_at}
        return found

    def documents_checked_since(self, portal: str, since: datetime) -> set[str]:
        """The canonical URLs of ``portal``'s documents fetched or validated at or after ``since``, in one query.

        Each is checked since then by `validators` too (its ``checked_at`` is the latest good fetch of any address with
        the URL's canonical URL): a re-crawl asks this once, instead of the validators of every known report link of
        every unchanged list page. An address the warehouse knows only under another portal, or through a redirect,
        is not here: `validators` answers for it."""
        rows = self.conn.execute(
            f"SELECT canonical_url FROM raw.fetch WHERE portal = %s AND fetched_at >= %s AND {_GOOD_FETCH}",
            (portal, since),
        )
        return {canonical for (canonical,) in rows}

    def documents(
        self,
        portal: str | None = None,
        years: Iterable[int] | None = None,
        reports_only: bool = True,
        *,
        not_parsed_by: str | None = None,
        max_bytes: int | None = None,
        sha256s: Iterable[str] | None = None,
    ) -> Iterator[RawDocument]:
        """Every distinct stored body (so the latest version of each document, plus its earlier versions when it
        changed; mirrors, being the same bytes, come once), ordered by portal, address and first sighting.

        ``years`` filters on the crawler's ``year_guess``; ``not_parsed_by`` keeps only documents that have no
        staging report from that parser version and no recorded parse failure of it (``audit.parse_failure``,
        see ``warehouse.staging.pending_documents``). A body over ``max_bytes`` is not read at all: it comes
        with ``content=None`` and its ``size_bytes``, for the caller to report as too large.
        """
        conditions = ["f.sha256 IS NOT NULL"]
        params: dict = {}
        if reports_only:
            conditions.append("f.is_report")
        if portal is not None:
            conditions.append("f.portal = %(portal)s")
            params["portal"] = portal
        if years is not None:
            conditions.append("f.year_guess = ANY(%(years)s)")
            params["years"] = [int(y) for y in years]
        if sha256s is not None:  # these documents only (a parse batch's claims, warehouse.claims)
            conditions.append("f.sha256 = ANY(%(sha256s)s)")
            params["sha256s"] = list(sha256s)
        if not_parsed_by is not None:
            conditions.append(
                "NOT EXISTS (SELECT 1 FROM staging.report r"
                " WHERE r.document_sha256 = f.sha256 AND r.parser_version = %(parser_version)s)"
            )
            # a document that broke a parse limit is not tried again by the same parser version
            conditions.append(
                "NOT EXISTS (SELECT 1 FROM audit.parse_failure pf"
                " WHERE pf.document_sha256 = f.sha256 AND pf.parser_version = %(parser_version)s)"
            )
            params["parser_version"] = not_parsed_by
        # One representative fetch per body: prefer the canonical address itself, then the most recent.
        listing = self.conn.execute(
            f"""
            SELECT sha256, url, portal, title, year_guess, size_bytes FROM (
                SELECT DISTINCT ON (f.sha256) f.sha256, coalesce(f.final_url, f.url) AS url, f.portal, f.title,
                       f.year_guess, d.size_bytes,
                       f.canonical_url, min(f.fetched_at) OVER (PARTITION BY f.sha256) AS first_seen
                FROM raw.fetch f JOIN raw.document d ON d.sha256 = f.sha256
                WHERE {" AND ".join(conditions)}
                ORDER BY f.sha256, {is_canonical_address_sql("coalesce(f.final_url, f.url)", "f.canonical_url")} DESC,
                         f.fetched_at DESC
            ) representative
            ORDER BY portal, canonical_url, first_seen, sha256
            """,
            params,
        ).fetchall()
        for batch in _content_batches(listing, max_bytes):
            contents = {
                sha: (media_type, None if content is None else bytes(content))
                for sha, media_type, content in self.conn.execute(
                    # the size test is in SQL: a body over the limit never leaves the server
                    "SELECT sha256, media_type,"
                    " CASE WHEN %s::bigint IS NULL OR size_bytes <= %s::bigint THEN content END"
                    " FROM raw.document WHERE sha256 = ANY(%s)",
                    (max_bytes, max_bytes, [row[0] for row in batch]),
                )
            }
            for sha, url, portal_name, title, year_guess, size_bytes in batch:
                media_type, content = contents[sha]
                yield RawDocument(sha, media_type, url, portal_name, title, content, year_guess, size_bytes)

    def fetch_errors(self, portal: str | None = None) -> list[dict]:
        """Fetches that failed (no response, or HTTP 4xx/5xx), newest first."""
        rows = self.conn.execute(
            """
            SELECT fetch_id, portal, url, fetched_at, http_status, error FROM raw.fetch
            WHERE (error IS NOT NULL OR http_status IS NULL OR http_status >= 400)
              AND (%(portal)s::text IS NULL OR portal = %(portal)s)
            ORDER BY fetched_at DESC, fetch_id DESC
            """,
            {"portal": portal},
        ).fetchall()
        keys = ("fetch_id", "portal", "url", "fetched_at", "http_status", "error")
        return [dict(zip(keys, row)) for row in rows]
