"""nianbao crawlers: find the government information disclosure annual reports on a portal and
fetch them, politely and incrementally.

``run_crawl`` is the one entry point other folders use (the CLI, Airflow, the pipeline). It runs
Scrapy in a subprocess (``python -m crawlers.crawl``), because Twisted's reactor cannot be started
twice in one process, streams the JSON progress lines to ``on_progress`` and returns ``CrawlStats``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CrawlError", "CrawlStats", "run_crawl", "run_crawls"]

_REPO_ROOT = Path(__file__).resolve().parent.parent


class CrawlError(RuntimeError):
    """The crawl could not run: bad profile, or no start URL reachable (the message names both)."""

    def __init__(self, message: str, stats: CrawlStats | None = None):
        super().__init__(message)
        self.stats = stats


@dataclass
class CrawlStats:
    portal: str
    shard: str = "0/1"  # the share of the portal's reports this crawl took (crawlers.shards)
    pages: int = 0
    documents_fetched: int = 0  # report documents downloaded (200)
    documents_new: int = 0  # …of which new or changed bytes for their URL
    not_modified: int = 0  # report documents answered 304
    skipped_year: int = 0  # report links outside the requested years
    fresh_skipped: int = 0  # known reports checked recently, behind pages that listed them last time: not asked again
    errors: dict[str, str] = field(default_factory=dict)  # url → fault
    offsite: int = 0  # requests and redirects refused by the fence (crawlers.fence)
    bytes: int = 0  # transferred (response headers + bodies)
    document_bytes: int = 0
    requests: int = 0
    output_dir: str | None = None
    fatal: str | None = None
    returncode: int = 0
    scrapy_stats: dict[str, Any] = field(default_factory=dict)  # Scrapy's stats collector, as it dumps them

    @classmethod
    def from_json(cls, data: dict, returncode: int) -> CrawlStats:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data and k != "returncode"}
        return cls(**known, returncode=returncode)


def _profile_arg(profile: Any, include_disabled: bool = False) -> tuple[str, str]:
    """(argument for --profile, portal name for messages)."""
    from crawlers.profiles import Profile, load_profile, require_enabled

    if isinstance(profile, Profile):
        if not profile.source_path:
            raise CrawlError(f"profile {profile.name}: pass a profile loaded from a file, or its path")
        loaded = profile
    else:
        loaded = load_profile(profile)  # fail fast, in the caller's process, with a clear message
    if not include_disabled:
        require_enabled(loaded)
    return loaded.source_path or str(profile), loaded.name


def run_crawl(
    profile: Any,
    *,
    database_url: str | None = None,
    output_dir: str | os.PathLike[str] | None = None,
    years: Iterable[int] | None = None,
    throttle: bool = True,
    on_progress: Callable[[dict], None] | None = None,
    settings: dict[str, Any] | None = None,
    state_dir: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    include_disabled: bool = False,
    deep: bool = False,
) -> CrawlStats:
    """Crawl one portal in a subprocess and return its stats.

    ``profile``: a shipped profile's name, a YAML path, or a loaded ``Profile``. At least one of
    ``database_url`` (warehouse raw store) and ``output_dir`` (files + manifest.jsonl) is needed.
    Faults on single URLs are in ``stats.errors``; ``CrawlError`` is raised when the crawl could not
    run at all (e.g. the start URL is unreachable) or did not finish within ``timeout`` seconds of wall
    clock (default ``$NIANBAO_CRAWL_TIMEOUT``, ``warehouse.settings``). The database password reaches
    the subprocess as ``PGPASSWORD``, never on its command line. A profile that says ``enabled: false``
    (a shipped real portal nobody has checked yet) is refused with ``CrawlError`` unless ``include_disabled``.
    ``deep``: walk every list page to its end, however recent the last such walk (``NIANBAO_DEEP_CRAWL_AFTER_DAYS``).
    """
    from crawlers.profiles import ProfileError

    try:
        profile_arg, portal = _profile_arg(profile, include_disabled)
    except ProfileError as exc:
        raise CrawlError(str(exc)) from exc
    cmd = [sys.executable, "-m", "crawlers.crawl", "--profile", profile_arg]
    password = None
    if database_url:
        # argv is world-readable (ps, /proc/*/cmdline): the password goes through the environment
        from warehouse.connection import without_password

        database_url, password = without_password(database_url)
        cmd += ["--database-url", database_url]
    # Absolute paths: the child runs in the repository root, not in the caller's directory.
    if output_dir:
        cmd += ["--output", str(Path(output_dir).resolve())]
    if years:
        cmd += ["--years", ",".join(str(int(y)) for y in years)]
    if not throttle:
        cmd.append("--no-throttle")
    if state_dir:
        cmd += ["--state-dir", str(Path(state_dir).resolve())]
    if include_disabled:
        cmd.append("--include-disabled")
    if deep:
        cmd.append("--deep")
    for key, value in (settings or {}).items():
        cmd += ["--set", f"{key}={json.dumps(value)}"]

    child_env = dict(os.environ if env is None else env)
    if password is not None:
        child_env["PGPASSWORD"] = password  # libpq's own variable: used when the URL has no password
    # The child must import this checkout's packages whatever the caller's working directory.
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_REPO_ROOT), child_env.get("PYTHONPATH")) if p)
    if timeout is None:
        from warehouse.settings import crawl_timeout

        timeout = crawl_timeout()
    # Its own session (process group), so that on the time limit the crawler and anything it started go together.
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env,
        cwd=str(_REPO_ROOT),
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    log_tail: deque[str] = deque(maxlen=40)

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith('{"event": "progress"'):
                if on_progress is not None:
                    try:
                        on_progress(json.loads(line))
                    except Exception:  # noqa: BLE001, S110 — a display error must not stop the crawl
                        pass
                continue
            log_tail.append(line.rstrip())

    out_chunks: list[str] = []

    def read_stdout() -> None:
        assert proc.stdout is not None
        out_chunks.append(proc.stdout.read())

    # Two reader threads (not communicate(), which would consume stderr itself): progress lines
    # reach on_progress while the crawl runs, and neither pipe can fill up and block the child.
    readers = [threading.Thread(target=read_stderr, daemon=True), threading.Thread(target=read_stdout, daemon=True)]
    for r in readers:
        r.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(proc)
        raise CrawlError(
            f"portal {portal}: crawl did not finish within {timeout:g} s ($NIANBAO_CRAWL_TIMEOUT); stopped"
        ) from None
    except BaseException:  # Ctrl-C, an Airflow task timeout: the child is in its own session, stop it here
        _stop_group(proc)
        raise
    for r in readers:
        r.join(timeout=10)
    stdout = "".join(out_chunks)

    data = None
    for line in reversed((stdout or "").strip().splitlines()):
        try:
            data = json.loads(line)
            break
        except ValueError:
            continue
    if data is None:
        tail = "\n".join(log_tail)
        raise CrawlError(f"portal {portal}: crawler exited with status {proc.returncode}:\n{tail}")
    stats = CrawlStats.from_json(data, proc.returncode)
    if proc.returncode != 0 or stats.fatal:
        raise CrawlError(stats.fatal or f"portal {portal}: crawler exited with status {proc.returncode}", stats)
    return stats


def _stop_group(proc: subprocess.Popen, grace: float = 5) -> None:
    """SIGTERM to the crawler's process group (Scrapy then closes its spider and pipelines), SIGKILL after
    ``grace`` seconds."""
    _signal_group(proc, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(proc, signal.SIGKILL)  # whatever is left of the group, the crawler included
    proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:  # the whole group is gone already
        pass


def run_crawls(profiles: Iterable[Any], *, parallel: int = 3, **kwargs: Any) -> dict[str, CrawlStats | CrawlError]:
    """Crawl several portals at once, one subprocess each; a failed portal does not stop the others."""

    def one(p: Any) -> CrawlStats | CrawlError:
        try:
            return run_crawl(p, **kwargs)
        except CrawlError as exc:
            return exc

    profiles = list(profiles)
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        results = list(pool.map(one, profiles))
    return {str(getattr(p, "name", p)): r for p, r in zip(profiles, results)}
