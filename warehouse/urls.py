"""Canonical URLs: one key for the many addresses a portal serves the same page under.

Government portals publish each page several times: a desktop page and a mobile one (``m.`` host, ``/wap/``
folder, ``_wap`` file-name suffix), under ``www.`` and without, over http and https, with tracking or
cache-busting query parameters. ``canonical_url`` maps all of these to one key so that the raw store can tell
"the same document seen again" from "a new document". The key is for matching, not for fetching.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Host prefixes of mobile sites and of the bare/www twin.
_HOST_PREFIXES = ("www.", "m.", "wap.", "mobile.")
# Query parameters that track clicks or defeat caches; they never select a different page.
_NOISE_PARAMS = {
    "_",
    "t",
    "ts",
    "timestamp",
    "rand",
    "random",
    "spm",
    "from",
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
# A "/wap" folder holds the mobile copy of the site; a "_wap" suffix marks the mobile copy of one page.
_WAP_FOLDER = re.compile(r"/wap(?=/)", re.IGNORECASE)
_WAP_SUFFIX = re.compile(r"_wap(?=\.[A-Za-z0-9]+$|/|$)", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The matching key of ``url``: https, lower-case host without www/mobile prefix, no /wap/ or _wap, no
    default port, no fragment, no noise parameters, remaining parameters sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"

    path = _WAP_FOLDER.sub("", parts.path)
    path = _WAP_SUFFIX.sub("", path)
    path = re.sub(r"/{2,}", "/", path) or "/"

    params = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _NOISE_PARAMS and not key.lower().startswith("utm_")
    ]
    query = urlencode(sorted(params))
    # http and https serve the same pages on these portals; one scheme keeps them one key.
    return urlunsplit(("https" if scheme in ("http", "https") else scheme, netloc, path, query, ""))
