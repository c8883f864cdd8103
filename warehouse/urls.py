"""Canonical URLs: one key for the many addresses a portal serves the same page under — the one rule, used
by the crawler (which pages it has already asked for) and by the raw store (which fetches are one document).

Government portals publish each page several times: a desktop page and a mobile one (``m.``/``wap.``/``h5.``
host, ``/wap/`` or ``/h5/`` folder, ``_wap`` file-name suffix), under ``www.`` and without, over http and https,
with tracking or cache-busting query parameters. ``canonical_url`` maps all of these to one key; the key is for
matching, not for fetching (``clean_url`` gives the address to ask for).

What is a variant and what is not is chosen to fail safe: two addresses wrongly given one key would make the
crawler skip a page as already seen (a report lost), two keys for one page only cost a second download of the
same bytes (stored once, by sha256). So only unmistakable markers count: ``/m/``, an ``_m`` suffix or ``?t=2``
are left alone (they also name ordinary folders, files and filters).
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# The key's scheme: http and https serve the same pages on these portals.
_KEY_SCHEME = "https"
# Host prefixes of the bare/www twin and of mobile sites, removed once each ("www.m.x.gov.cn" too).
_WWW = "www."
_MOBILE_HOSTS = ("m.", "wap.", "mobile.", "h5.", "3g.")
# Folders holding the mobile copy of a site, and file-name suffixes marking the mobile copy of one page.
_MOBILE_FOLDER = re.compile(r"/(?:wap|mobile|h5)(?=/)", re.IGNORECASE)
_MOBILE_SUFFIX = re.compile(r"_(?:wap|mobile)(?=\.[A-Za-z0-9]+$|/|$)", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only track the click or select the mobile rendering: never a different page.
_TRACKING = frozenset(
    {
        "from",
        "spm",
        "isappinstalled",
        "scene",
        "clicktime",
        "enterid",
        "nsukey",
        "eqid",
        "share",
        "sharefrom",
        "mobile",
        "wap",
    }
)
# Cache busters: jQuery's "_" always; the others only with a value that is a timestamp or a random number
# ("?t=1700000000", "?rand=0.8123"), since "?t=2" can as well select a type or a tab.
_CACHE_BUSTERS = frozenset({"t", "ts", "timestamp", "rand", "random", "r", "v"})
_BUSTER_VALUE = re.compile(r"\d{9,}|0?\.\d+")


def is_noise_parameter(name: str, value: str) -> bool:
    """True for a query parameter that never selects a different page (tracking, cache busting)."""
    key = name.lower()
    return (
        key == "_"
        or key.startswith("utm_")
        or key in _TRACKING
        or (key in _CACHE_BUSTERS and _BUSTER_VALUE.fullmatch(value) is not None)
    )


def _host_key(host: str) -> str:
    if host.startswith(_WWW) and host.count(".") >= 2:
        host = host[len(_WWW) :]
    for prefix in _MOBILE_HOSTS:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


# Remembered per process: a crawl asks for the key of each link several times (the fence, its crawl shard, the
# warehouse's lookup, the page cache), and a re-crawl replays every cached link of every list page answered 304:
# ~3.6 calls a link, 1.5 s of a 6 s profiled re-crawl of 20,000 links. The repeats come while the same page is taken.
@functools.lru_cache(maxsize=1 << 16)
def canonical_url(url: str) -> str:
    """The matching key of ``url``: https, lower-case host without ``www.`` or a mobile prefix, no default port,
    no mobile folder or suffix, no fragment, no noise parameters, the remaining parameters sorted.

    ``http://www.x.gov.cn/a/1.html``, ``https://m.x.gov.cn/wap/a/1_wap.html?from=timeline`` → ``https://x.gov.cn/a/1.html``.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = _host_key((parts.hostname or "").lower())
    try:
        port = parts.port
    except ValueError:  # a malformed port: keep the text, the key still has to be one
        port = None
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = _MOBILE_FOLDER.sub("", parts.path)
    path = _MOBILE_SUFFIX.sub("", path)
    path = re.sub(r"/{2,}", "/", path) or "/"
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_noise_parameter(k, v)]
    return urlunsplit(
        (_KEY_SCHEME if scheme in _DEFAULT_PORTS else scheme, netloc, path, urlencode(sorted(params)), "")
    )


# Remembered per process, as canonical_url is: a re-crawl replays every cached link of every list page answered 304
# and cleans each of this shard's report links more than once (the fence, the warehouse's lookup, _follow).
@functools.lru_cache(maxsize=1 << 16)
def clean_url(url: str) -> str:
    """The address to ask for: ``url`` without its fragment and noise parameters, otherwise untouched."""
    url = url.strip()
    parts = urlsplit(url)
    if not parts.query and "#" not in url:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not is_noise_parameter(k, v)]
    query = parts.query if len(kept) == len(pairs) else urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def is_canonical_address_sql(address: str, key: str) -> str:
    """A SQL condition: the address (an SQL expression) is its page's own address, not a variant of it.

    Scheme and ``www.`` are part of neither kind: ``http://www.x.gov.cn/a/1.html`` is the canonical address
    of the key ``https://x.gov.cn/a/1.html``, ``http://m.x.gov.cn/a/1.html`` a variant. Used to order the
    fetches of one document (``raw_store``, ``staging``) so the one shown is the desktop page.
    """
    www = re.escape(_WWW)
    return f"(regexp_replace({address}, '^https?://({www})?', '{_KEY_SCHEME}://', 'i') = {key})"
