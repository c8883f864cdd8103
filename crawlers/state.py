"""What an earlier crawl of a portal knew, for conditional requests on the next one.

Two sources:

- **documents** (report files and HTML report pages): validators (ETag, Last-Modified, sha256) from
  the warehouse (``RawStore.validators``) or, in output mode, from ``DIR/manifest.jsonl``;
- **pages** (list and detail pages): a small JSON cache of their validators *and the links we took
  from them*. A 304 on a list page is only useful if we still know where its links lead, so a page
  is only asked for conditionally when its links are in the cache.

The page cache lives in ``DIR/.crawl-state/<portal>.json`` in output mode, else under
``$NIANBAO_HOME/crawl-state/``.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

Validators = dict[str, Any]  # keys: etag, last_modified, sha256 (any may be None)


class CrawlState:
    def __init__(
        self, portal: str, state_dir: Path | None, *, document_lookup: Callable[[str], Validators | None] | None = None
    ):
        self.portal = portal
        self.path = (state_dir / f"{portal}.json") if state_dir else None
        self.pages: dict[str, dict[str, Any]] = {}
        self.documents: dict[str, Validators] = {}  # from a manifest, latest line per URL wins
        self.document_lookup = document_lookup  # e.g. RawStore(url).validators
        if self.path and self.path.exists():
            try:
                self.pages = json.loads(self.path.read_text(encoding="utf-8")).get("pages", {})
            except (OSError, ValueError) as exc:  # a damaged cache only costs full downloads
                logger.warning("ignoring unreadable crawl state %s: %s", self.path, exc)

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
                }

    def document_validators(self, url: str) -> Validators | None:
        found = self.documents.get(url)
        if found is None and self.document_lookup is not None:
            try:
                found = self.document_lookup(url)
            except Exception as exc:  # noqa: BLE001 — the warehouse being down must not stop the crawl
                logger.warning("validators lookup failed for %s: %s", url, exc)
                found = None
        if found is None and self.document_lookup is None:
            # Without a warehouse the page cache is the only record; with one, the warehouse is the authority:
            # a report it does not hold must be downloaded in full, whatever this cache remembers.
            page = self.pages.get(url)
            if page and page.get("is_report"):
                found = page
        if not found or not (found.get("etag") or found.get("last_modified")):
            return None
        return found

    def known_sha256(self, url: str) -> str | None:
        v = self.documents.get(url) or self.pages.get(url)
        if v is None and self.document_lookup is not None:
            try:
                v = self.document_lookup(url)
            except Exception:  # noqa: BLE001 — as above: only costs a "new" count
                v = None
        return (v or {}).get("sha256")

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
    ) -> None:
        self.pages[url] = {
            "etag": etag,
            "last_modified": last_modified,
            "links": [list(x) for x in links],
            "title": title,
            "is_report": is_report,
            "sha256": sha256,
            "is_list": is_list,
        }

    def save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename: a crawl killed mid-write leaves the previous cache intact.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"portal": self.portal, "pages": self.pages}, fh, ensure_ascii=False)
        os.replace(tmp, self.path)
