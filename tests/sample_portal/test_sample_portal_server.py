"""The sample portal's HTTP server: loopback only, right headers, conditional requests."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from sample_portal import SITE_DIR, serve
from sample_portal.seeds import SEED_PAGES


@pytest.fixture(scope="module")
def base_url():
    with serve() as url:
        yield url


def fetch(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:  # 304 and 404 arrive as HTTPError
        return error.code, dict(error.headers), error.read()


def test_serves_on_loopback_with_a_free_port(base_url):
    assert base_url.startswith("http://127.0.0.1:")
    assert int(base_url.rsplit(":", 1)[1]) > 0
    status, headers, body = fetch(base_url + "/index.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "政务公开" in body.decode("utf-8")


def test_directory_url_serves_its_index(base_url):
    status, _, body = fetch(base_url + "/zwgk/zfxxgknb/")
    assert status == 200 and "政府信息公开年报" in body.decode("utf-8")


def test_unknown_page_is_404_and_no_path_escape(base_url):
    assert fetch(base_url + "/nope.html")[0] == 404
    assert fetch(base_url + "/../../etc/passwd")[0] == 404


@pytest.mark.parametrize(
    "kind,content_type",
    [
        ("pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_attachments_have_their_content_type(base_url, kind, content_type):
    files = sorted(SITE_DIR.rglob(f"*.{kind}"))
    assert files, f"no .{kind} in the site"
    for path in files:
        status, headers, body = fetch(base_url + "/" + path.relative_to(SITE_DIR).as_posix())
        assert status == 200
        assert headers["Content-Type"] == content_type
        assert body == path.read_bytes()


def test_etag_and_last_modified_give_304(base_url):
    url = base_url + SEED_PAGES[0].path
    status, headers, _ = fetch(url)
    assert status == 200
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": etag})[0] == 304
    assert fetch(url, {"If-Modified-Since": last_modified})[0] == 304
    # A stale validator gets the full page again.
    assert fetch(url, {"If-None-Match": '"something-else"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_robots_txt_disallows_only_admin(base_url):
    status, headers, body = fetch(base_url + "/robots.txt")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain")
    lines = [line.strip() for line in body.decode().splitlines() if line.strip()]
    assert lines == ["User-agent: *", "Disallow: /admin/"]


def test_two_servers_run_side_by_side():
    with serve() as first, serve() as second:
        assert first != second
        assert fetch(first + "/robots.txt")[0] == 200
        assert fetch(second + "/robots.txt")[0] == 200


def test_module_entry_point_serves_until_stopped():
    """`python -m sample_portal --port 0` prints its URL and serves until interrupted."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen(
        [sys.executable, "-m", "sample_portal", "--port", "0"], cwd=root, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        url = line.split(" at ", 1)[1].split("/", 3)[:3]
        base = "/".join(url)
        assert base.startswith("http://127.0.0.1:")
        assert fetch(base + "/robots.txt")[0] == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
