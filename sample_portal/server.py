"""Serve the sample portal over HTTP on the loopback interface, as a real portal would answer a crawler:
right Content-Type, ETag and Last-Modified, and 304 Not Modified on conditional requests (the crawler's
incremental re-crawl depends on it)."""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "site"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
}


def _make_handler(site_dir: Path) -> type[http.server.BaseHTTPRequestHandler]:
    root = site_dir.resolve()

    class PortalHandler(http.server.BaseHTTPRequestHandler):
        server_version = "SamplePortal/1.0"

        def log_message(self, format: str, *args) -> None:  # quiet: tests and crawls stay readable
            pass

        def _resolve(self) -> Path | None:
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            target = (root / path.lstrip("/")).resolve()
            if target != root and root not in target.parents:
                return None  # no escaping the site folder with ../
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None

        def _respond(self, send_body: bool) -> None:
            target = self._resolve()
            if target is None:
                body = "<html><body><h1>404 页面不存在</h1></body></html>".encode()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)
                return
            data = target.read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
            mtime = int(target.stat().st_mtime)
            last_modified = email.utils.formatdate(mtime, usegmt=True)
            if self._not_modified(etag, mtime):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", last_modified)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            if send_body:
                self.wfile.write(data)

        def _not_modified(self, etag: str, mtime: int) -> bool:
            # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None:
                tags = [t.strip() for t in if_none_match.split(",")]
                return "*" in tags or etag in tags or f"W/{etag}" in tags
            if_modified_since = self.headers.get("If-Modified-Since")
            if if_modified_since:
                try:
                    since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
                except (TypeError, ValueError):
                    return False
                return mtime <= since
            return False

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

    return PortalHandler


@contextlib.contextmanager
def serve(site_dir: Path | str | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `site_dir` (default: the committed site) and yield its base URL, e.g. http://127.0.0.1:54321.

    Port 0 lets the system pick a free port, so parallel test runs never collide.
    """
    server = http.server.ThreadingHTTPServer((host, port), _make_handler(Path(site_dir or SITE_DIR)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sample-portal", daemon=True)
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
