"""Portal families: how each kind of site builder lists reports, paginates, links details and attachments.

Most government portals are built with one of a few content-management systems (TRS WCM, Hanweb/JCMS…),
and each hides its lists in its own way: pagination written by a script, records shipped as XML inside the
page, the rest fetched by POST. A family is one module here with a ``FAMILY`` object (a ``Family``); the
spider asks every registered family on every page and takes all they find. Adding a family is one file
(and a test portal built like it, ``tests/crawlers/portals.py``); no other code changes.

Every hook is optional: the base class finds nothing, so a family says only what it adds.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from functools import cache
from pathlib import Path

from scrapy.http import TextResponse

# A family may also live in a ``crawlers/cms/`` folder elsewhere on the import path (a family being tried
# out before it joins this folder, a portal's own): it is found like the ones here.
__path__ += [
    str(folder)
    for folder in dict.fromkeys((Path(entry or ".") / "crawlers" / "cms").resolve() for entry in sys.path)
    if folder.is_dir() and folder not in {Path(p).resolve() for p in __path__}
]

Link = tuple[str, str]  # (absolute URL, link text)

# Link texts that are markers, not words: the page cache stores links with them as they are.
SAME_PAGE = "<frame>"  # a page shown in a frame of this page, or the one a shell page sends the browser on to
NEXT_PAGE = "<page>"  # another page of this list, announced by a script


class Family:
    """The hooks of one family; each gets the page as Scrapy's ``TextResponse`` (``.text``, ``.url``,
    ``.urljoin``, ``.css``, ``.xpath``)."""

    name = "family"

    def links(self, page: TextResponse) -> list[Link]:
        """Links on the page this family makes visible: lists' entries, menus, details (text = what a reader
        sees, or a marker: ``SAME_PAGE``)."""
        return []

    def next_pages(self, page: TextResponse, limit: int) -> list[str]:
        """Further pages of the list on this page that only a script announces (at most ``limit``)."""
        return []

    def attachments(self, page: TextResponse) -> list[Link]:
        """Files a detail page shows rather than links (viewers, embedded players, file lists in data)."""
        return []

    def form(self, url: str) -> dict[str, str] | None:
        """The form body to POST to ``url`` when this family's server is asked that way, else None (GET)."""
        return None


@cache
def families() -> tuple[Family, ...]:
    """Every registered family: ``generic`` first (what all portals have), then the others by module name."""
    names = sorted({m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")})
    names.sort(key=lambda name: name != "generic")
    found = []
    for name in names:
        family = getattr(importlib.import_module(f"{__name__}.{name}"), "FAMILY", None)
        if isinstance(family, Family):
            found.append(family)
    return tuple(found)


def links(page: TextResponse) -> list[Link]:
    return [link for family in families() for link in family.links(page)]


def next_pages(page: TextResponse, limit: int) -> list[Link]:
    return [(url, NEXT_PAGE) for family in families() for url in family.next_pages(page, limit)]


def attachments(page: TextResponse) -> list[Link]:
    return [link for family in families() for link in family.attachments(page)]


def form(url: str) -> dict[str, str] | None:
    return next((body for family in families() if (body := family.form(url)) is not None), None)


__all__ = ["NEXT_PAGE", "SAME_PAGE", "Family", "Link", "attachments", "families", "form", "links", "next_pages"]
