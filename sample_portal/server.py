"""The one local portal server: HTTP on a loopback address, answering a crawler as a real portal would.

Right Content-Type, ETag and Last-Modified, and 304 Not Modified on conditional requests (the crawler's
incremental re-crawl depends on them); HEAD, and POST where a route accepts it. It serves either a folder
(``serve()``: the sample portal's committed ``site/``, the demo of ``make run``) or routes made in code
(``LocalPortal``: the test portals of ``tests/crawlers/portals.py`` and the crawl benchmark), which can also
misbehave on purpose — slow answers, truncated bodies, redirects and loops, oversized files, errors.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import http.server
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
_NOT_FOUND = "<html><body><h1>404 页面不存在</h1></body></html>".encode()


@dataclass
class Route:
    """What one address answers."""

    body: bytes = b""
    content_type: str = "text/html"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Misbehaviour: "slow" (sleep before answering), "truncate" (promise more bytes than sent),
    # "huge" (announce a body above the size limit), "redirect" (Location header), "error" (status).
    behaviour: str | None = None
    delay: float = 0.0
    last_modified: float = 1_700_000_000.0  # fixed, so validators are stable across crawls
    methods: tuple[str, ...] = ("GET",)  # (HEAD goes with GET) others are answered 405


def folder(site_dir: Path | str) -> Callable[[str], Route | None]:
    """Routes for the files under ``site_dir``: ``/a/`` serves ``a/index.html``; nothing outside the folder."""
    root = Path(site_dir).resolve()

    def resolve(request_path: str) -> Route | None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(request_path).path)
        target = (root / path.lstrip("/")).resolve()
        if target != root and root not in target.parents:
            return None  # no escaping the site folder with ../
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return None
        content_type = CONTENT_TYPES.get(target.suffix.lower(), "application/octet-stream")
        return Route(target.read_bytes(), content_type, last_modified=int(target.stat().st_mtime))

    return resolve


class LocalPortal:
    """A threaded HTTP server serving ``routes`` (path incl. query → Route), else what ``resolver`` gives.

    As an HTTP proxy (tests of several host names, all answered here) the request line carries the absolute
    URL: routes are then keyed by it ("http://host/path"). ``log`` keeps (path, status, body bytes sent) of
    every answer, ``posts`` (path, form body) of every POST.
    """

    def __init__(self, routes: dict[str, Route] | None = None, resolver: Callable[[str], Route | None] | None = None):
        self.routes: dict[str, Route] = routes or {}
        self.resolver = resolver
        self.log: list[tuple[str, int, int]] = []
        self.posts: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self.url = ""

    def route(self, path: str) -> Route | None:
        found = self.routes.get(path)
        if found is None and self.resolver is not None:
            found = self.resolver(path)
        return found

    def bytes_sent(self) -> int:
        return sum(n for _, _, n in self.log)

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve on ``host`` (a loopback address: 127.0.0.2 is another host to the crawler's fence) and yield
        the base URL. Port 0 lets the system pick a free port, so parallel runs never collide."""
        if not host.startswith("127."):
            raise ValueError(f"local portals serve on loopback addresses only, not {host!r}")
        server = http.server.ThreadingHTTPServer((host, port), _handler(self))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="local-portal", daemon=True)
        thread.start()
        self.url = f"http://{host}:{server.server_address[1]}"
        try:
            yield self.url
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _handler(portal: LocalPortal) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "LocalPortal/1.0"
        # Headers and body leave in two writes; with Nagle's algorithm on, the body waits for the client's
        # delayed ACK of the headers (40 ms on Linux) on a kept-alive connection: the crawl then measured this
        # server, ~200 requests/s whatever the crawler did. Web servers set TCP_NODELAY; so does this one.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args) -> None:  # quiet: tests and crawls stay readable
            pass

        def do_GET(self) -> None:
            self._answer("GET")

        def do_HEAD(self) -> None:
            self._answer("HEAD")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with portal._lock:
                portal.posts.append((self.path, body))
            self._answer("POST")

        def _answer(self, method: str) -> None:
            try:
                self._respond(method)
            except (BrokenPipeError, ConnectionResetError):  # the crawler hung up (size limit, timeout)
                pass

        def _send(self, status: int, body: bytes, headers: dict[str, str], *, send_body: bool = True) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            sent = body if send_body else b""
            if sent:
                self.wfile.write(sent)
            with portal._lock:
                portal.log.append((self.path, status, len(sent)))

        def _respond(self, method: str) -> None:
            r = portal.route(self.path)
            if r is None:
                self._send(404, _NOT_FOUND, {"Content-Type": "text/html; charset=utf-8"}, send_body=method != "HEAD")
                return
            if method not in r.methods and not (method == "HEAD" and "GET" in r.methods):
                self._send(405, b"<html><body>405 Method Not Allowed</body></html>", {"Content-Type": "text/html"})
                return
            if r.delay:
                time.sleep(r.delay)
            if r.behaviour == "redirect":
                # "{other_host}": the same server under another name (an offsite redirect).
                port = self.server.server_address[1]
                location = r.headers["Location"].replace("{other_host}", f"localhost:{port}")
                self._send(r.status or 302, b"", {"Location": location})
                return
            if r.behaviour == "error":
                self._send(r.status, b"<html><body>error</body></html>", {"Content-Type": "text/html"})
                return
            if r.behaviour in ("huge", "truncate"):
                # "huge": announce 60 MB, send a little, then hang up (the crawler must refuse it unread);
                # "truncate": announce twice the bytes sent.
                sent = b"%PDF-1.4\n" + b"0" * 1000 if r.behaviour == "huge" else r.body
                announced = 60 * 1024 * 1024 if r.behaviour == "huge" else len(r.body) * 2
                self.send_response(200)
                self.send_header("Content-Type", r.content_type)
                self.send_header("Content-Length", str(announced))
                self.end_headers()
                self.wfile.write(sent)
                self.wfile.flush()
                with portal._lock:
                    portal.log.append((self.path, 200, len(sent)))
                self.close_connection = True
                return
            etag = _etag(r.body)
            last_modified = email.utils.formatdate(r.last_modified, usegmt=True)
            if self._not_modified(etag, r.last_modified):
                self._send(304, b"", {"ETag": etag, "Last-Modified": last_modified, "Content-Length": "0"})
                return
            headers = {"Content-Type": r.content_type, "ETag": etag, "Last-Modified": last_modified, **r.headers}
            self._send(r.status, r.body, headers, send_body=method != "HEAD")

        def _not_modified(self, etag: str, mtime: float) -> bool:
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
                return int(mtime) <= since
            return False

    return Handler


@contextlib.contextmanager
def serve(site_dir: Path | str | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``site_dir`` (default: the committed site) and yield its base URL, e.g. http://127.0.0.1:54321."""
    with LocalPortal(resolver=folder(site_dir or SITE_DIR)).serve(host, port) as url:
        yield url
