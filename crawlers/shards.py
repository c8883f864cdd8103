"""One portal's crawl split over several processes, each fetching its share of the reports.

A crawl is one Scrapy process (its reactor is single-threaded: one core), so a portal with many reports
crawled without throttling is bound by one core while the others wait. Shard ``i/n`` is one of ``n``
processes crawling the same portal. Together they fetch each report once; the warehouse takes their pages' fetches
and bodies side by side (``RawStore.record_fetches``). The work is shared out two ways:

- **reports by their address**: every shard walks the portal's navigation pages and its lists, and follows only the
  report links whose canonical URL hashes to it (``takes``). A portal with one report column (however long) is
  shared this way;
- **lists whole**: a page that opens many lists (``shares_lists``: an index of departments' or years' columns) gives
  each list to one shard (``owns``, the same hash of the list's address), which alone walks it and takes every
  report on it. So is a list a shard reaches through a report link of its share (a "2022年度报告" entry that
  turns out to be that year's column). Each list page is then read once, not once per shard: most of what a
  monthly re-crawl asks for.

Politeness is per process (delays, requests in flight per site), so ``n`` shards would put ``n`` times the
load on a real portal: a throttled crawl is never sharded (``crawlers.crawl`` refuses it). Each shard keeps
its own page cache for re-crawls: a re-crawl with the same sharding replays its own links.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from warehouse.urls import canonical_url

_SHARD = re.compile(r"(\d+)/(\d+)")
# A page that opens at least this many lists per shard has them shared out whole (``Shard.shares_lists``): enough
# for the hash to give each shard about as many; fewer stay walked by every shard, their reports shared by address.
LISTS_PER_SHARD = 4


@dataclass(frozen=True)
class Shard:
    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"a shard is i/n with 0 ≤ i < n, not {self.index}/{self.count}")

    @classmethod
    def parse(cls, text: str | None) -> Shard:
        """``"i/n"`` (e.g. ``"1/2"``); None or empty: the whole portal."""
        if not text:
            return cls()
        match = _SHARD.fullmatch(str(text).strip())
        if not match:
            raise ValueError(f"a crawl shard is written i/n (e.g. 1/2), not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def all_of(cls, count: int) -> list[Shard]:
        """The ``count`` shards that together crawl a whole portal."""
        if count < 1:
            raise ValueError(f"a portal is crawled by at least one process, not {count}")
        return [cls(i, count) for i in range(count)]

    @property
    def whole(self) -> bool:
        return self.count == 1

    def takes(self, url: str) -> bool:
        """Whether this shard follows the report link ``url`` (a stable hash: the same URL, the same shard)."""
        return self.whole or zlib.crc32(canonical_url(url).encode("utf-8")) % self.count == self.index

    def owns(self, list_url: str) -> bool:
        """Whether this shard alone walks the list whose first page is at ``list_url`` (when lists are shared out
        whole: ``shares_lists``)."""
        return self.takes(list_url)

    def shares_lists(self, lists: int) -> bool:
        """Whether a page opening ``lists`` lists gives each to one shard (``owns``) instead of all to every shard."""
        return not self.whole and lists >= LISTS_PER_SHARD * self.count

    def state_name(self, portal: str) -> str:
        """The page cache's file name (without suffix) of this shard of ``portal``."""
        return portal if self.whole else f"{portal}.shard-{self.index}-of-{self.count}"

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
