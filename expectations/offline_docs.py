"""GX's data docs, made to work offline: the pages load their CSS, scripts and fonts from files beside them.

GX Core 1.x prints ``<link>`` and ``<script>`` tags to public CDNs in every data docs page (its templates
``index_page.j2``, ``page.j2``, ``js_script_imports.j2``, ``top_navbar.j2``); it has no setting for local
assets (its maintainers declined one: great_expectations issue 994). Offline, the pages are unstyled and the
index's results list stays empty (bootstrap-table fills it). So after every docs build, ``localize()``:

1. copies the libraries the pages need into ``data_docs/static/vendor/`` from installed packages: the
   XStatic-* packages on PyPI (pyproject.toml) and, for bootstrap-table, which no PyPI package ships, its npm
   package, fetched by ``make setup`` (``python -m expectations.offline_docs install``);
2. replaces each CDN tag in the generated HTML by a tag pointing at the copy (a relative path, so the folder
   opens from disk, file://), or drops it where the page does without (see ``CDN``).

The versions are those GX names, or the nearest a package ships (said beside each). A CDN tag this module does
not know (GX changed its templates) is left as it is and logged; tests/expectations/test_data_docs_offline.py
fails on it.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

VENDOR = "static/vendor"  # under the data docs folder

# Each CDN address in GX's templates, and what replaces it: a path under data_docs/static/ ("vendor/<library>/
# <file in that library's package>"), or None where the tag is dropped.
CDN: dict[str, str | None] = {
    # Bootstrap 4.3.1 -> XStatic-Bootstrap 4.5.3 (4.x, compatible). Its bundle carries Popper, so GX's separate
    # popper.js tag goes (loaded from disk with its integrity= and crossorigin= attributes it would fail anyway).
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "vendor/bootstrap/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "vendor/bootstrap/js/bootstrap.bundle.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": None,
    # jQuery 3.7.1 -> XStatic-jQuery 3.7.1
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery/jquery.min.js",
    # Font Awesome 6.6.0 -> XStatic-Font-Awesome 6.2.1 (the icons GX uses are in both); its webfonts come along
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "vendor/font_awesome/css/all.min.css",
    # bootstrap-datepicker 1.9.0 -> XStatic-Bootstrap-Datepicker 1.4.0: the run-time filter of the index
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "vendor/bootstrap_datepicker/bootstrap-datepicker.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "vendor/bootstrap_datepicker/bootstrap-datepicker3.standalone.css"
    ),
    # bootstrap-table 1.19.1 and its filter-control extension (GX names the extension's CSS at 1.19.0) -> npm
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "vendor/bootstrap-table/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "vendor/bootstrap-table/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": (
        "vendor/bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": (
        "vendor/bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": (
        "vendor/bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    # a dark theme for browsers set to dark mode; no package ships it: the docs stay light
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": None,
    # GX's logo, with a tracking query: GX copies the same image into static/images/
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "images/logo-long.png",
}
# Vega draws GX's charts (graph.j2: profiling pages); the rule pages here draw none, and no PyPI package ships
# vega 5, vega-lite 5 and vega-embed 6 as files. Their tags are dropped from a page that calls no vegaEmbed(),
# and kept (logged) on one that does.
VEGA = (
    "https://cdn.jsdelivr.net/npm/vega@5",
    "https://cdn.jsdelivr.net/npm/vega-lite@5",
    "https://cdn.jsdelivr.net/npm/vega-embed@6",
)

# Where each vendor/<library>/ is copied from: the XStatic package xstatic.pkg.<library> (its data folder), else
# the npm package <library>.
XSTATIC = ("bootstrap", "jquery", "font_awesome", "bootstrap_datepicker")
# name: (version, the registry's sha512 integrity of its tarball, the folder of the tarball that is kept)
NPM = {
    "bootstrap-table": (
        "1.19.1",
        "sha512-WvV+l1AI/C+zThaKmfHmi/IuayVNB0qdFyEhFx1jyZhO0oLtNJNANkCR3rvJf6Dkh72dsLElxpE/bzK9seEQLA==",
        "package/dist/",
    ),
}

_TAG = re.compile(
    r"""<script\b[^>]*?\bsrc=["'](?P<script>https?://[^"']+)["'][^>]*>\s*</script>"""
    r"""|<link\b[^>]*?\bhref=["'](?P<link>https?://[^"']+)["'][^>]*>"""
    r"""|(?P<img><img\b[^>]*?\bsrc=["'])(?P<src>https?://[^"']+)(?P<quote>["'])""",
    re.IGNORECASE,
)
# GX's own files, which it copies to data_docs/static/ (its favicon tag on a run's page climbs one folder short)
_STATIC = re.compile(r"""(?P<attr>\b(?:src|href)=["'])(?P<path>(?:\.\.?/)*static/[^"']+)""")
_CSS_URL = re.compile(r"""url\(\s*["']?(?P<url>[^"')?#]+)[^)]*\)""")


def npm_dir() -> Path:
    """Where ``install()`` unpacks the npm packages: inside the Python environment, as its packages are."""
    return Path(sys.prefix) / "share" / "nianbao" / "npm"


def install(npm: str = "npm", packed: Path | None = None) -> None:
    """Fetch the npm packages of ``NPM`` with npm's own client (or take the tarballs ``npm pack`` left in
    ``packed``: the image's build, which has no npm), check their integrity, unpack what the docs use. Run by
    ``make setup``; does nothing when the pinned version is already there."""
    for name, (version, integrity, keep) in NPM.items():
        target = npm_dir() / name
        stamp = target / ".version"
        if stamp.is_file() and stamp.read_text() == version:
            continue
        if packed is None and not shutil.which(npm):
            log.warning("npm not found: GX's data docs will load %s from its CDN (install npm, then make setup)", name)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            if packed is not None:
                tarball = packed / f"{name}-{version}.tgz"
            else:
                run = subprocess.run(
                    [npm, "pack", f"{name}@{version}", "--json", "--pack-destination", tmp],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                tarball = Path(tmp) / json.loads(run.stdout)[0]["filename"]
            digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
            if digest != integrity:
                raise RuntimeError(f"{name}@{version}: the tarball's integrity {digest} is not the pinned {integrity}")
            shutil.rmtree(target, ignore_errors=True)
            _unpack(tarball, keep, target)
        stamp.write_text(version)


def _unpack(tarball: Path, keep: str, target: Path) -> None:
    import tarfile

    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            relative = member.name.removeprefix(keep)
            if not member.isfile() or relative == member.name or ".." in Path(relative).parts:
                continue
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(tar.extractfile(member).read())


def _source(local: str) -> Path | None:
    """The installed file that ``vendor/<library>/<file>`` is a copy of, or None when it is not installed."""
    _, library, file = local.split("/", 2)
    if library in XSTATIC:
        try:
            base = Path(importlib.import_module(f"xstatic.pkg.{library}").BASE_DIR)
        except ImportError:
            return None
    else:
        base = npm_dir() / library
    return base / file if (base / file).is_file() else None


def _vendor(docs: Path, local: str, copied: set[str]) -> bool:
    """Copy ``local`` (and the files its CSS points at: fonts) under ``docs/static/``; False if not installed."""
    if local in copied:
        return True
    source = _source(local)
    if source is None:
        return False
    target = docs / "static" / local
    if not (target.is_file() and target.stat().st_size == source.stat().st_size):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    copied.add(local)
    if source.suffix == ".css":
        for match in _CSS_URL.finditer(source.read_text(encoding="utf-8", errors="replace")):
            url = match["url"].strip()
            if not url.startswith(("data:", "http:", "https:", "/")):
                _vendor(docs, os.path.normpath(f"{Path(local).parent}/{url}"), copied)
    return True


def _relative(docs: Path, local: str, page: Path) -> str:
    """``docs/static/<local>`` as a link from ``page``: relative, so the folder opens from disk (file://)."""
    return Path(os.path.relpath(docs / "static" / local, page.parent)).as_posix()


def localize(docs: Path) -> list[str]:
    """Point every page under ``docs`` at local copies of what it loads; returns the addresses still loaded
    from the internet (logged), none when GX's templates are those this module knows and all is installed."""
    copied: set[str] = set()
    missing: set[str] = set()
    remote: set[str] = set()

    def replace(match: re.Match, page: Path, charts: bool) -> str:
        url = match["script"] or match["link"] or match["src"]
        if url in VEGA and not charts:
            return ""
        key = url.split("?", 1)[0]
        if key not in CDN:
            remote.add(url)
            return match[0]
        local = CDN[key]
        if local is None:
            return ""
        if local.startswith("vendor/") and not _vendor(docs, local, copied):
            missing.add(local)
            remote.add(url)
            return match[0]
        href = _relative(docs, local, page)
        if match["img"]:
            return f"{match['img']}{href}{match['quote']}"
        return f'<script src="{href}"></script>' if match["script"] else f'<link rel="stylesheet" href="{href}">'

    def repoint(match: re.Match, page: Path) -> str:
        if (page.parent / match["path"]).exists():
            return match[0]
        local = match["path"].split("static/", 1)[1]
        return match["attr"] + _relative(docs, local, page)

    for page in docs.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        rewritten = _TAG.sub(lambda m, p=page, c="vegaEmbed(" in html: replace(m, p, c), html)
        rewritten = _STATIC.sub(lambda m, p=page: repoint(m, p), rewritten)
        if rewritten != html:
            page.write_text(rewritten, encoding="utf-8")
    if missing:
        log.warning("not installed, so loaded from the internet by GX's data docs: %s (make setup)", sorted(missing))
    if remote:
        log.warning("GX's data docs still load from the internet: %s", sorted(remote))
    return sorted(remote)


if __name__ == "__main__":
    if sys.argv[1:2] != ["install"] or len(sys.argv) > 3:
        sys.exit("usage: python -m expectations.offline_docs install [FOLDER OF npm pack TARBALLS]")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    install(packed=Path(sys.argv[2]) if len(sys.argv) == 3 else None)
