"""Hostile portals and hostile profiles (issue 10, items 4 and 5).

The fence: a portal on 127.0.0.1 whose profile allows only 127.0.0.1 tries every way out to a
second server on 127.0.0.2 (another host to the fence, on the same loopback interface) and to
itself under the name ``localhost``: redirects (``?x=/robots.txt`` tails, scheme-relative, chains),
direct links, a robots.txt link, a link built by a script, an attachment, a meta refresh. Nothing
reaches the second server, nothing from it is stored, and robots.txt is still obeyed.

Profiles are data: ``${VAR}`` is refused (the environment never reaches the portal), so are Scrapy
settings and unknown keys (named with the file), names outside ``[a-z0-9_]+`` and paths out of the
profiles folder; politeness only within bounds; the shipped profiles all validate.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from portals import LocalPortal, Route, fake_pdf, report_text

from crawlers import CrawlError, run_crawl
from crawlers.fence import Fence, is_address, redirect_target
from crawlers.profiles import (
    PROFILES_DIR,
    SAMPLE_PORTAL_URL_VARIABLE,
    ProfileError,
    check_portal_name,
    list_profiles,
    load_profile,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CANARY = b"OUTSIDE-THE-FENCE"  # in every body the second server sends
FAST = {"DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}
ORGAN = "青山县人民政府"


def _title(year: int) -> str:
    return f"{ORGAN}{year}年政府信息公开工作年度报告"


def _page(title: str, body: str, head: str = "") -> Route:
    html = f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}<title>{title}</title></head><body>{body}</body></html>'
    return Route(html.encode("utf-8"), "text/html; charset=utf-8")


def _redirect(location: str) -> Route:
    return Route(status=302, behaviour="redirect", headers={"Location": location})


def _hostile_routes(outside: str) -> tuple[dict[str, Route], dict[str, str], set[str]]:
    """(routes, report link path -> a word its recorded fault must contain, paths that must be stored).

    ``outside`` is the second server's base URL (a host the profile does not allow).
    """
    routes: dict[str, Route] = {
        "/robots.txt": Route(b"User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/": _page(f"{ORGAN}门户网站", '<a href="/zwgk/">政务公开</a>'),
        "/zwgk/": _page("政务公开", '<a href="/zwgk/nb/list">政府信息公开年报</a>'),
        # Reachable only as http://localhost:PORT/… (the same server under another name).
        "/via-localhost.pdf?x=/robots.txt": Route(fake_pdf("localhost") + CANARY, "application/pdf"),
    }
    faults: dict[str, str] = {}
    stored: set[str] = set()
    entries: list[str] = []

    def link(path: str, year: int) -> None:
        entries.append(f'<li><a href="{path}" title="{_title(year)}">{_title(year)}</a></li>')

    # The probe: a report link redirecting off the fence with a robots.txt-looking tail.
    routes["/nb/2023.pdf"] = _redirect(f"{outside}/x.pdf?x=/robots.txt")
    faults["/nb/2023.pdf"] = "offsite redirect"
    # The same server under the name localhost (an address the profile does not name).
    routes["/nb/2022.pdf"] = _redirect("http://{other_host}/via-localhost.pdf?x=/robots.txt")
    faults["/nb/2022.pdf"] = "offsite redirect"
    # Scheme-relative, with extra slashes.
    routes["/nb/2021.pdf"] = _redirect("///" + outside.removeprefix("http://") + "/slashes.pdf")
    faults["/nb/2021.pdf"] = "offsite redirect"
    # A chain that leaves the fence on its second hop.
    routes["/nb/2020.pdf"] = _redirect("/nb/hop.pdf")
    routes["/nb/hop.pdf"] = _redirect(f"{outside}/chain.pdf")
    faults["/nb/2020.pdf"] = "offsite redirect"
    # A meta refresh out of the fence.
    routes["/nb/2019.html"] = _page(
        _title(2019),
        "<p>…</p>",
        head=f'<meta http-equiv="refresh" content="0; url={outside}/meta.pdf">',
    )
    faults["/nb/2019.html"] = "offsite"
    for path, year in [("/nb/2023.pdf", 2023), ("/nb/2022.pdf", 2022), ("/nb/2021.pdf", 2021),
                       ("/nb/2020.pdf", 2020), ("/nb/2019.html", 2019)]:  # fmt: skip
        link(path, year)
    # Direct links and a script-built one to the outside: never even requested.
    link(f"{outside}/direct.pdf", 2018)
    link(f"{outside}/robots.txt", 2017)
    entries.append(f"<li onclick=\"window.open('{outside}/script.pdf')\"><span>{_title(2016)}</span></li>")
    # A detail page inside the fence: its own text is stored, its outside attachment is not.
    routes["/nb/2015.html"] = _page(
        _title(2015),
        report_text(ORGAN, 2015) + f'<p>附件：<a href="{outside}/attachment.pdf">{_title(2015)}.pdf</a></p>',
    )
    link("/nb/2015.html", 2015)
    stored.add("/nb/2015.html")
    # robots.txt forbids this one.
    routes["/private/2014.html"] = _page(_title(2014), report_text(ORGAN, 2014))
    link("/private/2014.html", 2014)
    faults["/private/2014.html"] = "robots"
    # Controls inside the fence: a report, and a redirect that stays inside.
    routes["/nb/2013.pdf"] = Route(fake_pdf("2013"), "application/pdf")
    routes["/nb/2012.pdf"] = _redirect("/nb/files/2012.pdf")
    routes["/nb/files/2012.pdf"] = Route(fake_pdf("2012"), "application/pdf")
    link("/nb/2013.pdf", 2013)
    link("/nb/2012.pdf", 2012)
    stored |= {"/nb/2013.pdf", "/nb/2012.pdf"}
    routes["/zwgk/nb/list"] = _page("政府信息公开年报", f'<ul class="list">{"".join(entries)}</ul>')
    return routes, faults, stored


def _outside_server() -> LocalPortal:
    """Answers anything (a report-like PDF carrying the canary), so any request would succeed."""
    return LocalPortal(resolver=lambda path: Route(fake_pdf(path) + CANARY, "application/pdf"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    outside = _outside_server()
    portal = LocalPortal()
    root = tmp_path_factory.mktemp("hostile")
    with outside.serve(host="127.0.0.2") as outside_url, portal.serve() as url:
        routes, faults, stored = _hostile_routes(outside_url)
        portal.routes.update(routes)
        profile = root / "hostile.yaml"
        profile.write_text(
            f"name: hostile\nstart_urls: ['{url}/']\nallowed_domains: [127.0.0.1]\n",
            encoding="utf-8",
        )
        out = root / "out"
        stats = run_crawl(str(profile), output_dir=out, throttle=False, settings=FAST)
        yield {"url": url, "out": out, "stats": stats, "faults": faults, "stored": stored,
               "log": list(portal.log), "outside_log": list(outside.log)}  # fmt: skip


def _manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def _errors(out: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["url"]: r["error"] for r in rows}


# --- the fence ----------------------------------------------------------------------------------


def test_nothing_outside_the_fence_is_requested(hostile):
    assert hostile["outside_log"] == []  # the second server never saw a request, robots.txt included
    requested = {path for path, _, _ in hostile["log"]}
    assert "/via-localhost.pdf?x=/robots.txt" not in requested  # not through the name localhost either


def test_nothing_from_outside_the_fence_is_stored(hostile):
    out, base = hostile["out"], hostile["url"]
    rows = _manifest(out)
    assert {r["url"][len(base) :] for r in rows} == hostile["stored"]
    assert all(r["url"].startswith(base + "/") and r["final_url"].startswith(base + "/") for r in rows)
    for path in out.rglob("*"):
        if path.is_file():
            assert CANARY not in path.read_bytes(), path


def test_every_refusal_is_recorded_and_counted(hostile):
    errors, base = _errors(hostile["out"]), hostile["url"]
    for path, word in hostile["faults"].items():
        assert word in errors.get(base + path, ""), (path, errors.get(base + path))
    assert "127.0.0.2" in errors[base + "/nb/2023.pdf"] and "?x=/robots.txt" in errors[base + "/nb/2023.pdf"]
    assert "localhost" in errors[base + "/nb/2022.pdf"]
    # Four redirects dropped before they were followed, one meta refresh refused as a request.
    assert hostile["stats"].offsite == 5


def test_robots_txt_is_obeyed(hostile):
    requested = {path for path, _, _ in hostile["log"]}
    assert "/robots.txt" in requested
    assert "/private/2014.html" not in requested


def test_fence_rules():
    fence = Fence(["127.0.0.1", "suqian.gov.cn"])
    assert fence.admits("http://127.0.0.1:8765/a.pdf")  # ports do not count
    assert fence.admits("https://www.suqian.gov.cn/x/robots.txt")
    for url in [
        "http://127.0.0.2/x.pdf?x=/robots.txt",
        "http://127.0.0.2/robots.txt",  # robots.txt only for hosts already allowed
        "http://localhost:8765/",
        "http://ｌｏｃａｌｈｏｓｔ/",  # fullwidth: the resolver sees localhost
        "http://2130706433/",  # 127.0.0.1 spelt as a number
        "http://0x7f.1/",
        "http://[::1]/",
        "http://10.0.0.8/",
        "http://evilsuqian.gov.cn/",
        "http://suqian.gov.cn@127.0.0.2/",
        "ftp://suqian.gov.cn/a.pdf",
        "file:///etc/passwd",
    ]:
        assert not fence.admits(url), url
    assert not Fence(["suqian.gov.cn"]).admits("http://127.0.0.1/")  # addresses only when named
    assert not Fence([]).admits("http://suqian.gov.cn/")  # no fence: nothing (fails closed)
    assert is_address("localhost") and is_address("a.localhost") and not is_address("beef.cafe")
    assert redirect_target("http://a.gov.cn/b/c", "///evil.example/x") == "http://evil.example/x"
    assert redirect_target("https://a.gov.cn/b/c", "../d?x=/robots.txt") == "https://a.gov.cn/d?x=/robots.txt"


# --- profiles are data --------------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture()
def quiet_portal():
    portal = LocalPortal({"/": _page("首页", "<p>首页</p>"), "/robots.txt": Route(b"", "text/plain")})
    with portal.serve() as url:
        yield portal, url


@pytest.mark.parametrize(
    "where, profile",
    [
        ("start_urls[0]", "start_urls: ['{url}/?k=${{PGPASSWORD}}']\n"),
        (
            "hints.list_page_pattern",
            "start_urls: ['{url}/']\nhints: {{list_page_pattern: '${{PGPASSWORD}}'}}\n",
        ),
        (
            "start_urls[0]",
            "start_urls: ['${{NIANBAO_DATABASE_URL:-http://127.0.0.1}}/']\n",
        ),
    ],
)
def test_environment_variables_are_refused_and_never_reach_the_portal(tmp_path, quiet_portal, where, profile):
    portal, url = quiet_portal
    secret = "pg-secret-canary-4711"
    path = _write(
        tmp_path,
        "name: leaky\nallowed_domains: [127.0.0.1]\n" + profile.format(url=url),
    )
    env = {
        **os.environ,
        "PGPASSWORD": secret,
        "NIANBAO_DATABASE_URL": f"postgresql://u:{secret}@127.0.0.1/x",
    }
    with pytest.raises(CrawlError, match=rf"leaky|{path.name}") as refused:
        run_crawl(str(path), output_dir=tmp_path / "o", throttle=False, env=env, settings=FAST)
    assert where in str(refused.value) and "${" in str(refused.value) and secret not in str(refused.value)
    # The crawler process itself refuses it too, whoever calls it.
    child = subprocess.run(
        [sys.executable, "-m", "crawlers.crawl", "--profile", str(path), "--output", str(tmp_path / "o"), "--no-throttle"],
        capture_output=True, text=True, env={**env, "PYTHONPATH": str(REPO_ROOT)}, cwd=REPO_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode == 1 and where in child.stderr and secret not in child.stderr + child.stdout
    assert portal.log == []  # not a single request, so no secret in any of them
    assert not (tmp_path / "o" / "manifest.jsonl").exists()


@pytest.mark.parametrize(
    "extra, key",
    [
        ("settings: {ROBOTSTXT_OBEY: false}\n", "settings"),
        ("settings: {DOWNLOAD_MAXSIZE: 0, DOWNLOADER_MIDDLEWARES: {}}\n", "settings"),
        ("FEEDS: {/tmp/x.json: {format: json}}\n", "FEEDS"),
        ("custom_settings: {ROBOTSTXT_OBEY: false}\n", "custom_settings"),
        ("start_url: ['http://127.0.0.1/']\n", "start_url"),
        ("hints: {titel_pattern: x}\n", "hints.titel_pattern"),
        ("politeness: {download_delay: 5, robots: false}\n", "politeness.robots"),
    ],
)
def test_settings_and_unknown_keys_are_refused_naming_file_and_key(tmp_path, extra, key):
    path = _write(tmp_path, "name: p\nstart_urls: ['http://127.0.0.1/']\n" + extra)
    with pytest.raises(ProfileError) as refused:
        load_profile(str(path))
    message = str(refused.value)
    assert str(path) in message and f"{key}: not a profile key" in message
    from crawlers.crawl import main

    assert main(["--profile", str(path), "--output", str(tmp_path / "o")]) == 1


@pytest.mark.parametrize(
    "name",
    [
        "../../x",
        "../profiles/suqian",
        "/etc/passwd",
        "Suqian",
        "suqian ",
        "宿迁市人民政府",
        "",
    ],
)
def test_names_outside_the_profiles_folder_are_refused(name):
    with pytest.raises(ProfileError, match=r"\[a-z0-9_\]\+"):
        load_profile(name)
    with pytest.raises(ProfileError, match=r"\[a-z0-9_\]\+"):
        check_portal_name(name)


def test_names_resolve_only_inside_the_folder_and_paths_exactly(tmp_path, monkeypatch):
    assert check_portal_name("suqian") == "suqian"
    with pytest.raises(ProfileError, match="no profile 'x'"):
        check_portal_name("x")
    with pytest.raises(ProfileError):
        check_portal_name(["suqian"])
    # A path is taken as given: the file it names, never a search elsewhere.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProfileError, match="no profile file"):
        load_profile("suqian.yaml")
    own = _write(
        tmp_path,
        "name: mine\nstart_urls: ['https://www.example.gov.cn/']\n",
        "mine.yaml",
    )
    assert load_profile("mine.yaml").source_path == str(own.resolve())
    assert load_profile(own).name == "mine"


def test_the_dag_refuses_a_bad_portal_name(monkeypatch):
    pytest.importorskip("airflow")
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "nianbao_harvest_under_test", REPO_ROOT / "dags" / "nianbao_harvest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.nianbao_harvest()
    choose = dag.get_task("choose_portals").python_callable

    def params(portals, throttle=True, crawl_shards=1):
        monkeypatch.setattr(
            module,
            "get_current_context",
            lambda: {"params": {"portals": portals, "throttle": throttle, "crawl_shards": crawl_shards}},
        )

    params(["suqian", "../../x"])
    with pytest.raises(ProfileError, match=r"'\.\./\.\./x'.*\[a-z0-9_\]\+"):
        choose()
    params(["suqian"])
    assert choose() == [{"portal": "suqian", "shard": None}]
    # a throttled portal is one crawl whatever is asked (politeness is per process); unthrottled, its shards
    params(["suqian"], throttle=True, crawl_shards=2)
    assert choose() == [{"portal": "suqian", "shard": None}]
    params(["sample"], throttle=False, crawl_shards=2)
    assert choose() == [{"portal": "sample", "shard": "0/2"}, {"portal": "sample", "shard": "1/2"}]


@pytest.mark.parametrize(
    "line, word",
    [
        ("allowed_domains: ['127.0.0.1:8000']", "no scheme, port or path"),
        ("allowed_domains: ['http://a.gov.cn']", "no scheme, port or path"),
        ("allowed_domains: [cn]", "at least two labels"),
        ("allowed_domains: [example.gov.cn]", "start URLs outside allowed_domains"),
        ("name: ../x", "name: String should match pattern"),
        ("start_urls: ['http://user:pw@127.0.0.1/']", "user info"),
        ("hints: {title_pattern: '(unclosed'}", "not a regular expression"),
        ("hints: {encoding: no-such-codec}", "unknown encoding"),
        ("hints: {attachment_types: [.pdf]}", "without a dot"),
        ("politeness: {download_delay: 0}", "politeness.download_delay"),
        ("politeness: {concurrent_requests: 16}", "politeness.concurrent_requests"),
        ("politeness: {download_timeout: 600}", "politeness.download_timeout"),
    ],
)
def test_values_out_of_bounds_are_refused(tmp_path, line, word):
    base = {"name": "name: p", "start_urls": "start_urls: ['http://127.0.0.1/']"}
    base[line.split(":", 1)[0]] = line
    path = _write(tmp_path, "\n".join(base.values()) + "\n")
    with pytest.raises(ProfileError, match=word):
        load_profile(str(path))


def test_politeness_only_slows_the_crawl_and_the_rules_stay(tmp_path):
    from crawlers.crawl import build_settings

    path = _write(
        tmp_path,
        """\
        name: gentle
        start_urls: ['https://www.example.gov.cn/']
        politeness: {download_delay: 5, concurrent_requests: 1, download_timeout: 30}
        """,
    )
    settings = build_settings(
        load_profile(str(path)),
        database_url=None,
        output_dir=str(tmp_path),
        throttle=True,
        state_dir=None,
    )
    assert settings.getfloat("DOWNLOAD_DELAY") == 5 and settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 30
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getint("DOWNLOAD_MAXSIZE") == 50 * 1024 * 1024
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["crawlers.middlewares.AllowedDomainsMiddleware"] < 100  # before robots.txt
    assert middlewares["crawlers.middlewares.RedirectFenceMiddleware"] > 600  # before redirects are followed
    for locked in (
        {"ROBOTSTXT_OBEY": False},
        {"DOWNLOADER_MIDDLEWARES": {}},
        {"FEEDS": {"/tmp/x.json": {}}},
    ):
        with pytest.raises(ValueError, match="cannot be overridden"):
            build_settings(load_profile(str(path)), database_url=None, output_dir=str(tmp_path), throttle=True,
                           state_dir=None, overrides=locked)  # fmt: skip


def test_yaml_tricks_are_refused(tmp_path):
    bomb = "name: p\nstart_urls: ['http://127.0.0.1/']\nnotes: &a x\norgan: *a\n"
    with pytest.raises(ProfileError, match="aliases"):
        load_profile(str(_write(tmp_path, bomb)))
    with pytest.raises(ProfileError, match="mapping"):
        load_profile(str(_write(tmp_path, "- just\n- a list\n")))
    big = _write(
        tmp_path,
        "name: p\nstart_urls: ['http://127.0.0.1/']\nnotes: '" + "x" * 100_000 + "'\n",
    )
    with pytest.raises(ProfileError, match="KB"):
        load_profile(str(big))


@pytest.mark.parametrize("name", list_profiles())
def test_every_shipped_profile_validates(name, monkeypatch):
    monkeypatch.setenv(SAMPLE_PORTAL_URL_VARIABLE, "http://127.0.0.1:8765")
    profile = load_profile(name)
    assert profile.name == name  # the file stem is the portal key
    assert "${" not in (PROFILES_DIR / f"{name}.yaml").read_text(encoding="utf-8")


def test_only_the_shipped_sample_reads_the_sample_portal_address(tmp_path, monkeypatch):
    monkeypatch.setenv(SAMPLE_PORTAL_URL_VARIABLE, "http://127.0.0.1:8765")
    assert load_profile("sample").start_urls == ["http://127.0.0.1:8765/"]
    copy = _write(
        tmp_path,
        (PROFILES_DIR / "sample.yaml").read_text(encoding="utf-8"),
        "sample.yaml",
    )
    assert load_profile(str(copy)).start_urls == ["http://127.0.0.1/"]  # a copy elsewhere is plain data
    monkeypatch.setenv(SAMPLE_PORTAL_URL_VARIABLE, "http://10.0.0.8:80")  # outside the sample's fence
    with pytest.raises(ProfileError, match="start URLs outside allowed_domains"):
        load_profile("sample")
    monkeypatch.setenv(SAMPLE_PORTAL_URL_VARIABLE, "http://127.0.0.1:8765/../x?y")
    with pytest.raises(ProfileError, match="HOST:PORT"):
        load_profile("sample")
