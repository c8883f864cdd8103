"""The fence: which URLs the crawler may ask for at all. Pure functions, no Scrapy.

A portal's fence is its profile's ``allowed_domains``. A host name is inside when it is one of
them or a subdomain of one. An address (an IP literal in any spelling a resolver accepts, or
``localhost``) is inside only when the profile names exactly that address: a portal on the
internet can never lead the crawler to 127.0.0.1, 10.0.0.8 or the machine it runs on. Ports do
not count (as in Scrapy's own ``allowed_domains``): ``127.0.0.1`` admits every port on it.

The fence knows no exceptions: start URLs, robots.txt, redirects, attachments and links built
by scripts all pass the same check (``crawlers.middlewares`` applies it to every request and to
every redirect before it is followed).
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

SCHEMES = ("http", "https")


def normal_host(host: str) -> str:
    """A host as the fence compares it and a resolver sees it: IDNA (fullwidth ``ｌｏｃａｌｈｏｓｔ``
    and ``127。0。0。1`` are the ASCII names), lower case, no brackets, no trailing dot."""
    host = host.strip()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    return host.lower().strip("[]").rstrip(".")


@functools.lru_cache(maxsize=1024)  # a crawl meets a handful of hosts in tens of thousands of links
def is_address(host: str) -> bool:
    """True for IP literals (``127.0.0.1``, ``::1``, and the forms ``127.1``, ``2130706433``,
    ``0x7f.0.0.1`` that resolvers also accept) and for ``localhost`` and its subdomains."""
    host = normal_host(host)
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return True
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host):
        try:
            socket.inet_aton(host)
            return True
        except OSError:
            return False
    return False


class Fence:
    """The hosts one crawl may reach (see the module docstring for the rules)."""

    def __init__(self, allowed_domains: Iterable[str]):
        hosts = {normal_host(d) for d in allowed_domains if d and d.strip()}
        self.addresses = frozenset(h for h in hosts if is_address(h))
        self.names = frozenset(hosts - self.addresses)

    def __repr__(self) -> str:
        return f"Fence({sorted(self.names | self.addresses)})"

    def refusal(self, url: str) -> str | None:
        """Why ``url`` is outside the fence, or None when it is inside."""
        try:
            parts = urlsplit(url)
            host = normal_host(parts.hostname or "")
        except ValueError:
            return f"not a valid URL: {url!r}"
        if parts.scheme not in SCHEMES:
            return f"not an http(s) URL: {url!r}"
        if not host:
            return f"no host in {url!r}"
        if parts.username is not None or parts.password is not None:
            return f"user info in {url!r}"
        if is_address(host):
            if host in self.addresses:
                return None
            return f"{host} is an address not named in allowed_domains"
        if any(host == d or host.endswith("." + d) for d in self.names):
            return None
        return f"{host} is not in allowed_domains"

    def admits(self, url: str) -> bool:
        return self.refusal(url) is None


def redirect_target(request_url: str, location: str) -> str:
    """Where a redirect's ``Location`` sends a request for ``request_url``.

    ``//host/path`` (any number of slashes) is scheme-relative, as browsers and Scrapy read it.
    """
    if location.startswith("//"):
        scheme = urlsplit(request_url).scheme or "http"
        return f"{scheme}://{location.lstrip('/')}"
    return urljoin(request_url, location)
