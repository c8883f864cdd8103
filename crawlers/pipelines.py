"""Where fetched items go.

- ``RawStorePipeline``: the warehouse (``warehouse.raw_store.RawStore``): every outcome becomes a
  ``raw.fetch`` row; report bytes are stored once by sha256.
- ``OutputDirPipeline``: no warehouse needed: report documents as files under ``DIR/documents/``,
  ``DIR/manifest.jsonl`` (one line per report document version) and ``DIR/errors.jsonl`` (the
  faults of the latest crawl).
- ``StatsPipeline``: counters for progress and the final stats; runs last.

``crawlers.crawl`` enables the first two according to ``--database-url`` / ``--output``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

from crawlers import settings as defaults
from crawlers.discovery import extension_for

logger = logging.getLogger(__name__)


class RawStorePipeline:
    """Writes fetches to the warehouse in batches: one transaction per ``NIANBAO_WAREHOUSE_BATCH_ITEMS`` items
    or ``NIANBAO_WAREHOUSE_BATCH_BYTES`` of bodies, at least every ``NIANBAO_WAREHOUSE_BATCH_SECONDS``, and at
    spider close. A crawl killed outright loses at most the uncommitted batch: those URLs are not in the warehouse,
    so the next crawl fetches them again in full."""

    def __init__(
        self, crawler, database_url: str, *, batch_items: int = 100, batch_bytes: int = 0, batch_seconds: float = 0
    ):
        self.crawler = crawler
        self.database_url = database_url
        self.batch_items = max(1, batch_items)
        self.batch_bytes = batch_bytes
        self.batch_seconds = batch_seconds
        self.store = None
        self.pending: list = []  # FetchRecords not yet committed
        self.pending_bytes = 0
        self.timer = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            crawler,
            settings.get("NIANBAO_DATABASE_URL"),
            batch_items=settings.getint("NIANBAO_WAREHOUSE_BATCH_ITEMS", defaults.NIANBAO_WAREHOUSE_BATCH_ITEMS),
            batch_bytes=settings.getint("NIANBAO_WAREHOUSE_BATCH_BYTES", defaults.NIANBAO_WAREHOUSE_BATCH_BYTES),
            batch_seconds=settings.getfloat(
                "NIANBAO_WAREHOUSE_BATCH_SECONDS", defaults.NIANBAO_WAREHOUSE_BATCH_SECONDS
            ),
        )

    def open_spider(self) -> None:
        from warehouse.raw_store import (
            RawStore,  # imported here: output mode needs no warehouse
        )

        self.store = RawStore(self.database_url)
        if self.batch_seconds > 0:
            from scrapy.utils.asyncio import create_looping_call

            self.timer = create_looping_call(self.flush)
            self.timer.start(self.batch_seconds, now=False)

    def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        if self.store is not None:
            try:
                self.flush()
                # what the parse step's claims and reads of raw are planned with, whether or not the server's
                # autovacuum runs (warehouse.statistics)
                from warehouse.statistics import RAW_TABLES, analyze_stale

                analyze_stale(self.store.conn, RAW_TABLES)
            finally:
                self.store.close()

    def process_item(self, item):
        from warehouse.raw_store import FetchRecord

        kind = item["kind"]
        fetched_at = item.get("fetched_at")
        body = item.get("body") if kind == "document" else None
        self.pending.append(
            FetchRecord(
                portal=item["portal"],
                url=item["url"],
                final_url=item.get("final_url"),
                fetched_at=datetime.fromisoformat(fetched_at) if fetched_at else None,
                http_status=item.get("http_status"),
                headers=item.get("headers") or {},
                body=body,
                media_type=item.get("media_type"),
                referer_url=item.get("referer_url"),
                link_text=item.get("link_text"),
                title=item.get("title"),
                year_guess=item.get("year_guess"),
                is_report=bool(item.get("is_report")),
                error=item.get("error"),
            )
        )
        self.pending_bytes += len(body or b"")
        if len(self.pending) >= self.batch_items or (self.batch_bytes and self.pending_bytes >= self.batch_bytes):
            self.flush()
        return item

    def flush(self) -> None:
        """Commit the pending fetches. Should the batch fail as a whole, each fetch is tried on its own, so one
        bad record costs only itself (logged, as an item error would be)."""
        batch, self.pending, self.pending_bytes = self.pending, [], 0
        if not batch:
            return
        try:
            self.store.record_fetches(batch)
        except Exception:  # the batch was rolled back: store what can be stored
            logger.warning("batch of %d fetches failed; storing them one by one", len(batch), exc_info=True)
            for rec in batch:
                try:
                    self.store.record_fetch(rec)
                except Exception:  # one record's fault must not cost the others
                    logger.exception("could not store the fetch of %s", rec.url)


class OutputDirPipeline:
    def __init__(self, crawler, output_dir: str):
        self.crawler = crawler
        self.root = Path(output_dir)
        self.known: set[tuple[str, str]] = set()  # (url, sha256) already in the manifest
        self.manifest = None
        self.errors = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.get("NIANBAO_OUTPUT_DIR"))

    def open_spider(self) -> None:
        (self.root / "documents").mkdir(parents=True, exist_ok=True)
        manifest_path = self.root / "manifest.jsonl"
        if manifest_path.exists():
            for line in manifest_path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                    self.known.add((row["url"], row["sha256"]))
                except (ValueError, KeyError):
                    continue
        # Appended: a changed report keeps its earlier version's line and file.
        self.manifest = manifest_path.open("a", encoding="utf-8")
        # Rewritten: the faults of this crawl (the warehouse keeps the history).
        self.errors = (self.root / "errors.jsonl").open("w", encoding="utf-8")

    def close_spider(self) -> None:
        for fh in (self.manifest, self.errors):
            if fh is not None:
                fh.close()

    def process_item(self, item):
        kind = item["kind"]
        if kind == "fault":
            self.errors.write(
                json.dumps(
                    {
                        "url": item["url"],
                        "error": item.get("error"),
                        "http_status": item.get("http_status"),
                        "referer_url": item.get("referer_url"),
                        "link_text": item.get("link_text"),
                        "fetched_at": item.get("fetched_at"),
                        "portal": item.get("portal"),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            self.errors.flush()
        elif kind == "document" and item.get("is_report"):
            sha = item["sha256"]
            rel = Path("documents") / sha[:2] / f"{sha}.{extension_for(item['media_type'], item['url'])}"
            path = self.root / rel
            if not path.exists():  # same bytes stored once
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(path.suffix + ".part")
                tmp.write_bytes(item["body"])
                tmp.replace(path)
            if (item["url"], sha) not in self.known:
                self.known.add((item["url"], sha))
                self.manifest.write(
                    json.dumps(
                        {
                            "url": item["url"],
                            "sha256": sha,
                            "path": rel.as_posix(),
                            "media_type": item.get("media_type"),
                            "title": item.get("title"),
                            "year": item.get("year_guess"),
                            # Beyond the required keys: what the next crawl needs for conditional requests
                            # and for provenance.
                            "final_url": item.get("final_url"),
                            "canonical_url": item.get("canonical_url"),
                            "etag": item.get("etag"),
                            "last_modified": item.get("last_modified"),
                            "size": item.get("size_bytes"),
                            "fetched_at": item.get("fetched_at"),
                            "referer_url": item.get("referer_url"),
                            "link_text": item.get("link_text"),
                            "portal": item.get("portal"),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                self.manifest.flush()
        return item


class StatsPipeline:
    """Counts outcomes (progress lines and final stats) and keeps each fault against its URL."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        stats = self.crawler.stats
        kind = item["kind"]
        if kind == "page":
            stats.inc_value("nianbao/pages")
        elif kind == "document":
            stats.inc_value("nianbao/documents")
            stats.inc_value("nianbao/document_bytes", item.get("size_bytes") or 0)
            if item.get("is_new"):
                stats.inc_value("nianbao/documents_new")
        elif kind == "not_modified":
            stats.inc_value("nianbao/not_modified")
        elif kind == "fault":
            stats.inc_value("nianbao/errors")
            spider = self.crawler.spider
            spider.errors[item["url"]] = item.get("error") or f"HTTP {item.get('http_status')}"
        # The body has been written; let it go before the item travels further (signals, logs).
        item.pop("body", None)
        return item
