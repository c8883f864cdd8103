"""A shipped profile for each of the 31 provincial governments' portals, off until a user enables it; every
crawl entry point refuses a disabled profile unless asked explicitly (--include-disabled)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawlers import CrawlError, run_crawl
from crawlers.profiles import PROFILES_DIR, ProfileError, enabled_profiles, list_profiles, load_profile, require_enabled

REPO = Path(__file__).resolve().parents[2]


def provinces() -> dict[str, str]:
    """{code: name} of the province-level divisions with a provincial government (not Hong Kong, Macao)."""
    with (REPO / "dbt" / "seeds" / "regions.csv").open(encoding="utf-8") as f:
        return {
            row["region_code"]: row["region_name"]
            for row in csv.DictReader(f)
            if row["region_level"] == "province" and row["division_type"] != "特别行政区"
        }


def shipped() -> list:
    return [load_profile(name) for name in list_profiles() if name != "sample"]


def test_every_province_has_one_shipped_profile_of_its_government():
    by_region = {}
    for profile in shipped():
        if profile.hints.region_code in provinces():
            by_region.setdefault(profile.hints.region_code, []).append(profile)
    assert len(provinces()) == 31 and set(by_region) == set(provinces())
    for code, profiles in by_region.items():
        (profile,) = profiles
        assert profile.organ == provinces()[code] + "人民政府"
        assert profile.verified is False and profile.enabled is False
        host = urlsplit(profile.start_urls[0]).hostname
        assert all(d.endswith(".gov.cn") for d in profile.allowed_domains) and profile.fence().admits(
            profile.start_urls[0]
        ), host


def test_real_portals_are_off_and_the_sample_is_on():
    assert all(not p.enabled for p in shipped())
    assert enabled_profiles() == ["sample"]
    assert "enabled: true" in (PROFILES_DIR / "sample.yaml").read_text(encoding="utf-8")


def test_a_profile_of_ones_own_is_on_unless_it_says_otherwise(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text("name: own\nstart_urls: ['https://www.example.gov.cn/']\n", encoding="utf-8")
    assert require_enabled(load_profile(str(own))).enabled
    own.write_text("name: own\nstart_urls: ['https://www.example.gov.cn/']\nenabled: false\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"not enabled.*enabled: true"):
        require_enabled(load_profile(str(own)))
    own.write_text("name: own\nstart_urls: ['https://www.example.gov.cn/']\nenable: true\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="enable: not a profile key"):
        load_profile(str(own))


def test_a_disabled_profile_is_refused_before_anything_is_fetched(tmp_path):
    with pytest.raises(CrawlError, match="'jiangsu' is not enabled"):
        run_crawl("jiangsu", output_dir=tmp_path, throttle=False)
    crawl = subprocess.run(
        [sys.executable, "-m", "crawlers.crawl", "--profile", "beijing", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        check=False,
    )
    assert crawl.returncode == 1 and "'beijing' is not enabled" in crawl.stderr
    assert not any(tmp_path.iterdir())


def test_a_disabled_profile_is_crawled_when_asked_explicitly(tmp_path):
    from sample_portal import serve

    with serve() as url:
        profile = tmp_path / "checking.yaml"
        profile.write_text(
            f"name: checking\nstart_urls: ['{url}/']\nallowed_domains: ['127.0.0.1']\nenabled: false\n",
            encoding="utf-8",
        )
        with pytest.raises(CrawlError, match="not enabled"):
            run_crawl(str(profile), output_dir=tmp_path / "out", throttle=False)
        stats = run_crawl(str(profile), output_dir=tmp_path / "out", throttle=False, include_disabled=True)
    assert stats.documents_fetched > 0


def test_the_cli_names_what_to_do():
    cli = [sys.executable, "-m", "nianbao.cli"]
    run = subprocess.run([*cli, "run", "--portal", "jiangsu"], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 2 and "enabled: true" in run.stderr, run.stderr
