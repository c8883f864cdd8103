"""What an earlier crawl of a portal knew, for conditional requests on the next one.

Two sources:

- **documents** (report files and HTML report pages): validators (ETag, Last-Modified, sha256) and
  when the document was last checked (fetched or validated) from the warehouse
  (``RawStore.validators``; which of the portal's documents were checked lately, in one answer for the whole crawl:
  ``RawStore.documents_checked_since``) or, in output mode, from ``DIR/manifest.jsonl`` (``fetched_at`` of a
  version's first download) and this cache's own record of later checks (``checked``: URL → time);
- **pages** (list and detail pages): a small JSON cache of their validators *and the links we took
  from them* (and their kinds, ``link_kinds``). A 304 on a list page is only useful if we still know where its
  links lead, so a page is only asked for conditionally when its links are in the cache; when a list page
  changed, they say which of its links it had before (what ``remember_page`` replaced). The cache also records
  when a crawl last walked every list page to its end (``deep_walked_at``): a re-crawl in between stops a list
  at its first page whose report links it all ``knows``.

The page cache lives in ``DIR/.crawl-state/<portal>.json`` in output mode, else under
``$NIANBAO_HOME/crawl-state/``. With a warehouse, the warehouse alone says which documents are held
and when they were checked.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from warehouse.urls import canonical_url, clean_url

logger = logging.getLogger(__name__)

Validators = dict[str, Any]  # keys: etag, last_modified, sha256, checked_at (any may be None)


def _as_datetime(value: Any) -> datetime | None:
    """A time from the warehouse (datetime) or a manifest / this cache (ISO text), timezone-aware."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class CrawlState:
    def __init__(
        self,
        portal: str,
        state_dir: Path | None,
        *,
        document_lookup: Callable[[list[str]], dict[str, Validators | None]] | None = None,
        checked_lookup: Callable[[datetime], set[str]] | None = None,
        file_name: str | None = None,
        kinds_stamp: str | None = None,
    ):
        self.portal = portal
        # file_name: a crawl shard's own cache (crawlers.shards); by default the portal's
        self.path = (state_dir / f"{file_name or portal}.json") if state_dir else None
        self.pages: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, Validators] = {}  # from a manifest, latest line per URL wins
        # Output mode only: URL → when a document was last fetched or validated (ISO text). A 304 adds no
        # manifest line, so the manifest alone would forget every check after a version's first download.
        self.checked: dict[str, str] = {}
        self.document_lookup = document_lookup  # URLs → what the warehouse holds, e.g. RawStore(url).validators_of
        # A time → the canonical URLs of the portal's documents the warehouse checked since then, e.g.
        # RawStore.documents_checked_since: asked once, for the freshness of every known report link of a re-crawl.
        self.checked_lookup = checked_lookup
        self._checked: tuple[datetime, frozenset[str]] | None = None
        # The lookup's answer per URL, asked once: a crawl requests each URL once, so what the warehouse
        # held when the crawl reached it is all that is needed (link, request and answer ask alike).
        self._looked_up: dict[str, Validators | None] = {}
        # When a crawl last walked every list page to its end; None: never, as far as this cache knows.
        self.deep_walked_at: datetime | None = None
        # What the pages' link kinds (``link_kinds``) were derived by: the crawler's stamp of its classifier, URL rule,
        # hints and shard. Kinds cached under another stamp are dropped as the cache is loaded: derived again.
        self.kinds_stamp = kinds_stamp
        # Whether the cache differs from its file: an unchanged one (a re-crawl that found nothing new) is not written.
        self._changed = True
        if self.path and self.path.exists():
            try:
                saved = json.loads(self.path.read_text(encoding="utf-8"))
                self.pages = saved.get("pages", {})
                self.checked = saved.get("checked", {})
                self.deep_walked_at = _as_datetime(saved.get("deep_walked_at"))
                self._changed = saved.get("kinds_stamp") != kinds_stamp
                if self._changed:
                    for page in self.pages.values():
                        page.pop("kinds", None)
            except (OSError, ValueError) as exc:  # a damaged cache only costs full downloads
                logger.warning("ignoring unreadable crawl state %s: %s", self.path, exc)
        # The entries as loaded (remember_page replaces an entry, never changes one): what earlier crawls listed.
        self._loaded_pages = list(self.pages.values())
        self._loaded_deep_walked_at = self.deep_walked_at

    # --- documents ------------------------------------------------------------------------------
    def load_manifest(self, manifest: Path) -> None:
        if not manifest.exists():
            return
        with manifest.open(encoding="utf-8") as fh:
            for line in fh:
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                self.documents[row["url"]] = {
                    "etag": row.get("etag"),
                    "last_modified": row.get("last_modified"),
                    "sha256": row.get("sha256"),
                    "checked_at": row.get("fetched_at"),
                }

    def look_up(self, urls: list[str]) -> None:
        """Ask the warehouse about many documents in one query (a list page's report links), ahead of
        `known_document` asking about each."""
        wanted = [u for u in urls if u not in self._looked_up]
        if not wanted or self.document_lookup is None:
            return
        try:
            self._looked_up.update(self.document_lookup(wanted))
        except Exception as exc:  # noqa: BLE001 — the warehouse being down must not stop the crawl
            # not remembered: the next ask may find the warehouse back
            logger.warning("validators lookup failed for %d documents: %s", len(wanted), exc)

    def _lookup(self, url: str) -> Validators | None:
        if url not in self._looked_up:  # most were asked with their page's links (look_up)
            self.look_up([url])
        return self._looked_up.get(url)

    def known_document(self, url: str) -> Validators | None:
        """What an earlier crawl stored of the document at ``url`` (validators, sha256, checked_at), or None."""
        found = self.documents.get(url)
        if found is None and self.document_lookup is not None:
            found = self._lookup(url)
        if found is None and self.document_lookup is None:
            # Without a warehouse the page cache is the only record; with one, the warehouse is the authority:
            # a report it does not hold must be downloaded in full, whatever this cache remembers.
            page = self.pages.get(url)
            if page and page.get("is_report"):
                found = page
        return found

    def document_validators(self, url: str) -> Validators | None:
        found = self.known_document(url)
        if not found or not (found.get("etag") or found.get("last_modified")):
            return None
        return found

    def known_sha256(self, url: str) -> str | None:
        v = self.documents.get(url) or self.pages.get(url)
        if v is None and self.document_lookup is not None:
            v = self._lookup(url)  # a failed lookup only costs a "new" count
        return (v or {}).get("sha256")

    def checked_recently(self, url: str, since: datetime) -> bool:
        """True when the warehouse checked the document at ``url`` (its canonical URL) at or after ``since``, as far as
        its one answer for the whole portal says (``checked_lookup``); False may still be `checked_since`."""
        if self.checked_lookup is None:
            return False
        if self._checked is None or self._checked[0] != since:
            try:
                self._checked = (since, frozenset(self.checked_lookup(since)))
            except Exception as exc:  # noqa: BLE001 — the warehouse being down must not stop the crawl
                logger.warning("checked-since lookup failed: %s", exc)
                self._checked = (since, frozenset())  # not asked again: each link is asked about on its own
        return canonical_url(url) in self._checked[1]

    def checked_since(self, url: str, since: datetime) -> bool:
        """True when an earlier crawl stored the document at ``url`` and last fetched or validated it at or
        after ``since`` (the warehouse's latest good fetch; without a warehouse, the later of its manifest line
        and this cache's ``checked``)."""
        if self.checked_recently(url, since):
            return True
        known = self.known_document(url)
        if not known or not known.get("sha256"):
            return False
        times = [_as_datetime(known.get("checked_at"))]
        if self.document_lookup is None:
            times.append(_as_datetime(self.checked.get(url)))
        last = max((t for t in times if t is not None), default=None)
        return last is not None and last >= since

    @functools.cached_property
    def _listed(self) -> frozenset[str]:
        """Every link the cached pages had as loaded, before this crawl took any (canonical URLs): what earlier crawls
        saw listed (``knows``). Made when first asked: only a sharded crawl asks, for the other shards' links."""
        return frozenset(canonical_url(link[0]) for page in self._loaded_pages for link in page.get("links", []))

    def knows(self, url: str, *, own: bool = True) -> bool:
        """Whether an earlier crawl got what the link ``url`` leads to: a page of this cache that is not a report
        (a detail page, its attachments cached) or a report it holds (``known_document``). A report that failed is
        not known, so a list page linking it still leads to something new. A link of another crawl shard's share
        (``own=False``, ``crawlers.shards``) is recorded in that shard's cache: here it is known when an earlier
        crawl saw it listed (every shard caches each list page with all its links)."""
        if not own:
            return canonical_url(url) in self._listed
        page = self.pages.get(url)
        return (page is not None and not page.get("is_report")) or self.known_document(url) is not None

    def mark_checked(self, url: str, when: str) -> None:
        """Output mode: the document at ``url`` was fetched or validated at ``when`` (ISO text). With a
        warehouse its ``raw.fetch`` row says so."""
        if self.document_lookup is None:
            self.checked[url] = when
            self._changed = True

    # --- pages ----------------------------------------------------------------------------------
    def page_validators(self, url: str) -> Validators | None:
        page = self.pages.get(url)
        if not page or "links" not in page or not (page.get("etag") or page.get("last_modified")):
            return None
        if page.get("is_report") and self.document_validators(url) is None:
            return None  # a report page the warehouse does not hold yet: fetch it in full
        return page

    def remember_page(
        self,
        url: str,
        *,
        etag: str | None,
        last_modified: str | None,
        links: list[tuple[str, str]],
        title: str | None = None,
        is_report: bool = False,
        sha256: str | None = None,
        is_list: bool = False,
    ) -> frozenset[str]:
        """Cache the page at ``url`` as fetched now; returns the canonical URLs of the links it had when last fetched
        (empty: not cached). On a page that changed, the report links it had already are judged by freshness, the
        links new to it are asked (``AnnualReportSpider._follow``)."""
        before = self.pages.get(url)
        self._changed = True
        self.pages[url] = {
            "etag": etag,
            "last_modified": last_modified,
            "links": [list(x) for x in links],
            "title": title,
            "is_report": is_report,
            "sha256": sha256,
            "is_list": is_list,
        }
        links_before = before.get("links", []) if before else []
        return frozenset(canonical_url(clean_url(link[0])) for link in links_before)

    def link_kinds(self, url: str) -> str | None:
        """The kinds of the cached page's links, one letter each, as ``remember_link_kinds`` kept them (None: not
        kept, or not for the links the page has now)."""
        page = self.pages.get(url)
        kinds = page.get("kinds") if page else None
        return kinds if kinds is not None and len(kinds) == len(page.get("links", ())) else None

    def remember_link_kinds(self, url: str, kinds: str) -> None:
        """Keep the kinds of the cached page's links (one letter each, in their order), so that a 304 replaying them
        does not classify them again; they last as long as the page's links and the ``kinds_stamp``."""
        page = self.pages.get(url)
        if page is not None and self.kinds_stamp is not None:
            page["kinds"] = kinds
            self._changed = True

    def save(self) -> None:
        if not self.path or not (self._changed or self.deep_walked_at != self._loaded_deep_walked_at):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: a crawl killed mid-write leaves the previous cache intact.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
        with os.fdopen(fd, "wb") as fh:
            deep = self.deep_walked_at.isoformat() if self.deep_walked_at else None
            state = {
                "portal": self.portal,
                "pages": self.pages,
                "checked": self.checked,
                "deep_walked_at": deep,
                "kinds_stamp": self.kinds_stamp,
            }
            # orjson: UTF-8 JSON as json.dumps(ensure_ascii=False) writes it, ~6x faster; read back by json.loads, which
            # reads it faster than orjson does (a re-crawl loads and writes ~21 MB a shard at 100,000 reports)
            fh.write(orjson.dumps(state))
        os.replace(tmp, self.path)
