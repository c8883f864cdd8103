"""What the spider hands to the pipelines: one item per request outcome.

``FetchItem.kind`` says which outcome it is:

- ``document``: a report document (an HTML report page or an attachment) with its bytes;
- ``not_modified``: a report document the server answered 304 for (nothing downloaded);
- ``page``: a list or navigation page (its bytes are not kept: only the way to the reports);
- ``fault``: a request that failed for good (HTTP error after retries, timeout, too large,
  redirect loop, forbidden by robots.txt…) — recorded against its URL so nothing fails silently.
"""

from __future__ import annotations

import scrapy
from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawlers.discovery import year_guess


class FetchItem(scrapy.Item):
    kind = scrapy.Field()
    portal = scrapy.Field()
    url = scrapy.Field()  # the URL we asked for
    final_url = scrapy.Field()  # after redirects
    canonical_url = scrapy.Field()  # _wap/mobile variants and mirrors collapse to this
    fetched_at = scrapy.Field()  # ISO 8601, UTC
    http_status = scrapy.Field()
    headers = scrapy.Field()  # dict of the response headers we keep (str → str)
    etag = scrapy.Field()
    last_modified = scrapy.Field()
    body = scrapy.Field(serializer=lambda b: None)  # bytes; never serialised into logs or feeds
    sha256 = scrapy.Field()
    media_type = scrapy.Field()
    size_bytes = scrapy.Field()
    referer_url = scrapy.Field()  # the list or detail page that led here
    link_text = scrapy.Field()  # the text of the link that led here
    title = scrapy.Field()
    year_guess = scrapy.Field()
    is_report = scrapy.Field()
    error = scrapy.Field()
    is_new = scrapy.Field()  # bytes not seen before at this URL (a new or changed report)

    def __repr__(self) -> str:  # keep megabytes of body out of log lines
        shown = {k: v for k, v in self.items() if k != "body"}
        return f"FetchItem({shown!r})"


def _clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


class FetchItemLoader(ItemLoader):
    """Cleans titles and link texts (collapsed whitespace) and fills the year guess from the title."""

    default_item_class = FetchItem
    default_output_processor = TakeFirst()
    title_in = MapCompose(_clean_text)
    link_text_in = MapCompose(_clean_text)
    headers_out = TakeFirst()
    body_in = Identity()

    def load_item(self) -> FetchItem:
        item = super().load_item()
        if item.get("year_guess") is None and item.get("title"):
            item["year_guess"] = year_guess(item["title"])
        return item
