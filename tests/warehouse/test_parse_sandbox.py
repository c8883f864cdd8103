"""Hostile documents fail only themselves: the sandboxed parse (parsers.sandbox) and `nianbao load` over it.

Every hostile input is made here, small on disk and big where it hurts: a 1 MB PDF whose content stream
inflates to 1 GiB, a .docx whose zip entry declares 300 bytes and inflates to 1 GiB, a report text that takes
seconds to parse, a body over the size limit and a sparse 3 GB file. The per-document memory limit is 256 MB
where only bombs are parsed (each trips it four times over), 768 MB in the loads, where the slow document
legitimately needs ~400 MB and each bomb still wants more than 1 GiB.
"""

from __future__ import annotations

import io
import os
import random
import resource
import struct
import subprocess
import sys
import time
import uuid
import zipfile
import zlib

import psycopg
import pytest
from psycopg import sql

import parsers
from nianbao import steps
from parsers.parse import MAX_BYTES, parse_file
from parsers.sandbox import Job, Limits, ParsePool, parse_files
from reportgen import TEXT_SHAPES, random_report, render_docx, render_html, render_pdf, render_text
from warehouse import connection, migrate
from warehouse.raw_store import FetchRecord, RawStore

MEMORY_MB = 256
LOAD_MEMORY_MB = 768
# A generated report parses in well under a second, even the first in a fresh worker; the slow text below at its
# fastest (on the parser's linear path, ~1.4 µs a character on 2026's machines) in 4 s and more.
TIMEOUT_S = 2
PORTAL = "sandbox_test"
GiB = 1024**3

# -- hostile inputs ---------------------------------------------------------------------------------------------


def deflated_zeros(size: int, *, raw: bool, chunk: int = 16 * 1024 * 1024) -> bytes:
    """A deflate stream of ``size`` zero bytes, made without compressing them all: after a full flush the
    compressor starts afresh, so every further chunk compresses to the same bytes."""
    assert size % chunk == 0
    zeros = bytes(chunk)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15 if raw else 15)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = first + again * (size // chunk - 1) + b"\x03\x00"  # an empty final block
    if raw:
        return stream
    adler32 = ((size % 65521) << 16) | 1  # of n zero bytes: a stays 1, b sums to n
    return stream + adler32.to_bytes(4, "big")


def pdf_bomb(inflated: int = GiB) -> bytes:
    """A one-page PDF whose content stream (FlateDecode) inflates to ``inflated`` bytes."""
    stream = deflated_zeros(inflated, raw=False)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def docx_bomb(inflated: int = GiB) -> bytes:
    """A real .docx whose word/document.xml declares 300 bytes but inflates to ``inflated``."""
    with zipfile.ZipFile(io.BytesIO(render_docx(random_report("2019", random.Random(5))))) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    out = io.BytesIO()
    central = []
    for name, data in entries:
        if name == "word/document.xml":
            packed, size, crc = deflated_zeros(inflated, raw=True), 300, 0
        else:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed, size, crc = compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0))
        out.write(encoded + packed)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(packed),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    directory = b"".join(central)
    start = out.tell()
    out.write(
        directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), start, 0)
    )
    return out.getvalue()


def slow_text() -> bytes:
    """A legitimate-size report text (2.9 M characters, under the parser's 3 M) that takes 4-30 s to parse: the
    report's tables printed with their digits run together, whose splitting is the parser's costliest work."""
    text = render_text(random_report("2021", random.Random(3)), "run_together")
    return (text * (2_900_000 // len(text))).encode("utf-8")


def good_documents() -> dict[str, tuple[bytes, str, dict]]:
    """name → (bytes, media type, the report it renders), one of each common shape per era."""
    rng = random.Random(11)
    docs = {}
    for number, era in enumerate(("2019", "2021", "pre2019")):
        report = random_report(era, rng)
        docs[f"r{number}.html"] = (render_html(report).encode("utf-8"), "text/html", report)
        docs[f"r{number}.pdf"] = (render_pdf(report), "application/pdf", report)
        docs[f"r{number}.txt"] = (render_text(report, TEXT_SHAPES[number]).encode("utf-8"), "text/plain", report)
    docs["r3.docx"] = (
        render_docx(report),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        report,
    )
    return docs


# -- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox_db(embedded_server):
    """A migrated database of its own, on the embedded server only: what is under test is the load step, which
    is the same SQL on any server, and its bombs are worth running once."""
    name = f"nianbao_sandbox_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(embedded_server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = connection.with_database(embedded_server, name)
    migrate.upgrade(url)
    try:
        yield url
    finally:
        with psycopg.connect(embedded_server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def hostile_portal(sandbox_db):
    """A portal's raw documents: the good ones with the bombs, a slow document and one over the size limit."""
    good = good_documents()
    hostile = {
        "bomb.pdf": (pdf_bomb(), "application/pdf"),
        "bomb.docx": (docx_bomb(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "slow.txt": (slow_text(), "text/plain"),
        "huge.pdf": (b"%PDF-1.4\n" + bytes(MAX_BYTES), "application/pdf"),
    }
    names = list(good)
    order = names[:3] + ["bomb.pdf"] + names[3:6] + ["bomb.docx", "slow.txt"] + names[6:] + ["huge.pdf"]
    shas = {}
    with RawStore(sandbox_db) as store:
        for name in order:
            data, media_type = good[name][:2] if name in good else hostile[name]
            store.record_fetch(
                FetchRecord(
                    portal=PORTAL,
                    url=f"http://sandbox.test/{name}",
                    http_status=200,
                    body=data,
                    media_type=media_type,
                    is_report=True,
                )
            )
            shas[name] = _sha256(data)
    return {"good": good, "shas": shas}


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def _failures(url: str, version: str) -> dict[str, tuple]:
    rows = _rows(
        url,
        "SELECT source_url, reason, limit_value, message, attempts FROM audit.parse_failure WHERE parser_version = %s",
        version,
    )
    return {row[0].rsplit("/", 1)[-1]: row[1:] for row in rows}


# -- the load step ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def first_load(sandbox_db, hostile_portal):
    """`nianbao load`, as a user runs it, under a 768 MB per-document memory limit and a 5 s time limit."""
    env = {
        **os.environ,
        connection.DATABASE_URL_ENV: sandbox_db,
        "NIANBAO_PARSE_MEMORY_MB": str(LOAD_MEMORY_MB),
        "NIANBAO_PARSE_TIMEOUT_S": str(TIMEOUT_S),
        "NIANBAO_PARSE_WORKERS": "2",
        "COLUMNS": "200",
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "load", "--portal", PORTAL],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result, time.monotonic() - started


def test_load_with_bombs_among_good_documents_loads_every_good_one(sandbox_db, hostile_portal, first_load):
    result, seconds = first_load
    print(f"nianbao load: {seconds:.1f} s\n{result.stdout}\n{result.stderr[-3000:]}")
    assert result.returncode == 0, result.stdout + result.stderr
    version = parsers.PARSER_VERSION
    shas = hostile_portal["shas"]
    current = {
        sha: (organ, year, errors)
        for sha, organ, year, errors in _rows(
            sandbox_db,
            "SELECT r.document_sha256, r.organ, r.report_year,"
            " coalesce(array_agg(p.code) FILTER (WHERE p.severity = 'error'), '{}')"
            " FROM staging.report r LEFT JOIN staging.problem p USING (report_id)"
            " WHERE r.parser_version = %s AND r.is_current GROUP BY 1, 2, 3",
            version,
        )
    }
    for name, (_, _, truth) in hostile_portal["good"].items():
        organ, year, errors = current[shas[name]]
        assert (organ, year, errors) == (truth["organ"], truth["year"], []), name

    # each hostile document is loaded with the error that names it and the limit it broke
    assert current[shas["bomb.pdf"]][2] == ["resource_limit"]
    assert current[shas["bomb.docx"]][2] == ["resource_limit"]
    assert current[shas["slow.txt"]][2] == ["resource_limit"]
    assert current[shas["huge.pdf"]][2] == ["too_large"]
    messages = dict(
        _rows(
            sandbox_db,
            "SELECT r.source_url, p.message FROM staging.problem p JOIN staging.report r"
            " USING (report_id) WHERE p.code IN ('resource_limit', 'too_large')",
        )
    )
    for name, limit in (("bomb.pdf", "768 MB"), ("bomb.docx", "768 MB"), ("slow.txt", f"{TIMEOUT_S} s")):
        message = messages[f"http://sandbox.test/{name}"]
        assert name in message and limit in message, message

    # and recorded, so that loads skip it until the parser changes; the document too large was never parsed
    failures = _failures(sandbox_db, version)
    assert set(failures) == {"bomb.pdf", "bomb.docx", "slow.txt"}
    assert failures["bomb.docx"][:2] == ("memory", "768 MB")  # MemoryError inside the parser
    assert failures["bomb.pdf"][:2] == ("crashed", "768 MB")  # pdfium aborts the worker (SIGABRT)
    assert failures["slow.txt"][:2] == ("timeout", f"{TIMEOUT_S} s")
    assert all(attempts == 1 for *_, attempts in failures.values())
    assert "limit_failures" in result.stdout and "bomb.pdf" in result.stdout


def test_rerun_does_not_try_the_bombs_again(sandbox_db, hostile_portal, first_load):
    before = _rows(sandbox_db, "SELECT count(*) FROM staging.report")
    stats = steps.parse_and_load(url=sandbox_db, portals=[PORTAL], limits=Limits(LOAD_MEMORY_MB, TIMEOUT_S, 2))
    assert (stats["parsed"], stats["limit_failures"]) == (0, 0)
    assert all(attempts == 1 for *_, attempts in _failures(sandbox_db, parsers.PARSER_VERSION).values())
    assert _rows(sandbox_db, "SELECT count(*) FROM staging.report") == before


def test_failure_record_alone_keeps_a_document_out_until_the_parser_changes(sandbox_db, hostile_portal, first_load):
    """The skip does not rest on the staging report: with it gone, the failure record still keeps the bomb out."""
    version = parsers.PARSER_VERSION
    sha = hostile_portal["shas"]["bomb.pdf"]
    with psycopg.connect(sandbox_db) as conn:
        conn.execute("DELETE FROM staging.report WHERE document_sha256 = %s AND parser_version = %s", (sha, version))
    stats = steps.parse_and_load(url=sandbox_db, portals=[PORTAL], limits=Limits(LOAD_MEMORY_MB, TIMEOUT_S, 2))
    assert stats["parsed"] == 0
    assert _failures(sandbox_db, version)["bomb.pdf"][-1] == 1


def test_a_new_parser_version_tries_the_bombs_again(sandbox_db, hostile_portal, first_load, monkeypatch):
    monkeypatch.setattr(parsers, "PARSER_VERSION", "99.0.0")
    stats = steps.parse_and_load(url=sandbox_db, portals=[PORTAL], limits=Limits(LOAD_MEMORY_MB, TIMEOUT_S, 2))
    assert stats["parsed"] == len(hostile_portal["shas"])
    assert stats["limit_failures"] == 3
    assert {name: row[0] for name, row in _failures(sandbox_db, "99.0.0").items()} == {
        "bomb.pdf": "crashed",
        "bomb.docx": "memory",
        "slow.txt": "timeout",
    }
    assert all(attempts == 1 for *_, attempts in _failures(sandbox_db, "99.0.0").values())
    current = dict(_rows(sandbox_db, "SELECT document_sha256, parser_version FROM staging.report WHERE is_current"))
    assert {current[sha] for sha in hostile_portal["shas"].values()} == {"99.0.0"}


# -- the pool and the size checks, without a warehouse ------------------------------------------------------------


def test_pool_replaces_a_killed_worker_and_goes_on():
    html = render_html(random_report("2019", random.Random(2))).encode("utf-8")
    jobs = [
        Job("a", html, "a.html"),
        Job("bomb", pdf_bomb(), "bomb.pdf"),
        Job("b", html, "b.html"),
        Job("docx", docx_bomb(), "bomb.docx"),
        Job("c", html, "c.html"),
    ]
    with ParsePool(Limits(memory_mb=MEMORY_MB, timeout_s=30, workers=1)) as pool:
        outcomes = {o.key: o for o in pool.parse(jobs)}
        assert pool.workers_lost == 2 and pool.workers_started == 3
    assert [outcomes[k].failure for k in "abc"] == [None, None, None]
    assert all(outcomes[k].report["applications"] for k in "abc")
    assert outcomes["bomb"].failure.reason == "crashed" and "SIGABRT" in outcomes["bomb"].failure.message
    assert outcomes["docx"].failure.reason == "memory"
    problem = outcomes["docx"].report["problems"][0]
    assert problem["code"] == "resource_limit" and problem["message"].startswith("bomb.docx: ")
    assert outcomes["docx"].report["source"]["sha256"] is not None


def test_pool_kills_a_document_past_its_time_and_gives_the_next_one_to_a_new_worker():
    """The small page is sent ahead to the worker busy with the slow text; when that worker is killed, the page
    goes to its replacement and is read there."""
    html = render_html(random_report("2019", random.Random(7))).encode("utf-8")
    with ParsePool(Limits(timeout_s=2, workers=1)) as pool:
        started = time.monotonic()
        outcomes = {o.key: o for o in pool.parse([Job("slow", slow_text(), "slow.txt"), Job("page", html, "p.html")])}
        assert time.monotonic() - started < 15
        assert (pool.workers_started, pool.workers_lost) == (2, 1)
    assert outcomes["slow"].failure.reason == "timeout" and outcomes["slow"].failure.limit == "2 s"
    assert (
        outcomes["slow"].report["problems"][0]["message"]
        == "slow.txt: not parsed within the time limit (2 s per document)"
    )
    assert outcomes["page"].failure is None and outcomes["page"].report["applications"]


def test_pool_reports_an_unread_body_too_large_without_a_worker():
    with ParsePool(Limits(workers=1)) as pool:
        outcome = pool.parse_one(Job("k", None, "huge.pdf", "application/pdf", size=3 * GiB, sha256="ab" * 32))
        assert pool.workers_started == 0
    assert outcome.report["problems"][0]["code"] == "too_large"
    assert outcome.report["source"]["sha256"] == "ab" * 32 and outcome.failure is None


def test_raw_store_leaves_a_body_over_the_limit_unread(sandbox_db, hostile_portal):
    with RawStore(sandbox_db) as store:
        docs = {d.url.rsplit("/", 1)[-1]: d for d in store.documents(portal=PORTAL, max_bytes=MAX_BYTES)}
    assert docs["huge.pdf"].content is None and docs["huge.pdf"].size_bytes == MAX_BYTES + 9
    assert docs["r0.html"].content == hostile_portal["good"]["r0.html"][0]


def test_parse_file_of_a_sparse_3_gb_file_is_too_large_without_reading_it(tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(3 * GiB)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    report = parse_file(path)
    assert time.monotonic() - started < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 100 * 1024  # kB: nothing read whole
    assert [p["code"] for p in report["problems"]] == ["too_large"]
    assert str(3 * GiB) in report["problems"][0]["message"] and report["source"]["path"] == str(path)


def test_parse_files_keeps_the_order_and_fails_only_the_bomb(tmp_path):
    """What `nianbao parse` of untrusted files can use: `parse_file`'s reports, in order, sandboxed."""
    html = render_html(random_report("2021", random.Random(6))).encode("utf-8")
    files = {"a.html": html, "bomb.pdf": pdf_bomb(), "b.html": html}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    with (tmp_path / "huge.pdf").open("wb") as f:
        f.truncate(3 * GiB)
    paths = [
        tmp_path / "a.html",
        tmp_path / "bomb.pdf",
        tmp_path / "missing.txt",
        tmp_path / "huge.pdf",
        tmp_path / "b.html",
    ]
    reports = list(parse_files(paths, Limits(memory_mb=MEMORY_MB, timeout_s=30, workers=2)))
    assert [r["source"]["path"] for r in reports] == [str(p) for p in paths]
    assert [[p["code"] for p in r["problems"] if p["severity"] == "error"] for r in reports] == [
        [],
        ["resource_limit"],
        ["unreadable_document"],
        ["too_large"],
        [],
    ]
    assert reports[0]["applications"] == reports[4]["applications"] is not None


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NIANBAO_PARSE_MEMORY_MB", "512")
    monkeypatch.setenv("NIANBAO_PARSE_TIMEOUT_S", "7.5")
    monkeypatch.setenv("NIANBAO_PARSE_WORKERS", "3")
    assert Limits.from_env() == Limits(512, 7.5, 3)
    monkeypatch.delenv("NIANBAO_PARSE_WORKERS")
    assert Limits.from_env().worker_count == len(os.sched_getaffinity(0))
    monkeypatch.setenv("NIANBAO_PARSE_MEMORY_MB", "lots")
    with pytest.raises(ValueError, match="NIANBAO_PARSE_MEMORY_MB"):
        Limits.from_env()


def test_a_host_program_that_cannot_run_twice_still_gets_its_documents_parsed(tmp_path):
    """Airflow runs a task under its `airflow` command, a script that exits when run again in the task's
    environment; multiprocessing runs the main program again in every child. The workers must not need it."""
    from pathlib import Path

    repo = Path(parsers.__file__).resolve().parents[1]
    host = tmp_path / "host"  # a script without .py, as console scripts are
    host.write_text(
        "import sys\n"
        "if __name__ != '__main__':\n"
        "    raise SystemExit('the host program was run again in a worker')\n"
        f"sys.path.insert(0, {str(repo)!r})\n"
        "from parsers.sandbox import parse_files\n"
        f"for report in parse_files([{str(repo / 'examples' / 'suqian_2020.txt')!r}]):\n"
        "    print(report['organ'], report['applications']['new_received']['total'])\n"
    )
    done = subprocess.run([sys.executable, str(host)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["宿迁市人民政府", "1062"]
