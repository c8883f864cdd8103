"""Portal profiles: the shipped ones load, the sample portal's address is found, mistakes are caught.

What a profile may not say (settings, templates, names outside the folder): test_fence_and_profiles.py.
"""

from __future__ import annotations

import pytest

from crawlers.profiles import ProfileError, list_profiles, load_profile

SHIPPED = {
    "suqian": "宿迁市人民政府",
    "suqian_zwfw": "宿迁市政务服务管理办公室",
    "sujiatun": "沈阳市苏家屯区人民政府",
    "huaibei_office": "淮北市人民政府办公室",
    "jiangsu": "江苏省人民政府",
}


def test_every_seed_portal_has_a_profile():
    assert set(SHIPPED) | {"sample"} <= set(list_profiles())


@pytest.mark.parametrize("name, organ", SHIPPED.items())
def test_shipped_profiles_load(name, organ):
    p = load_profile(name)
    assert p.organ == organ
    assert p.start_urls and p.allowed_domains
    assert p.verified is False  # not checkable from the build machine; says so
    with pytest.raises(ProfileError, match=r"\[a-z0-9_\]\+"):  # a name, never the organ's
        load_profile(organ)


def test_sample_profile_is_pointed_at_the_served_portal(monkeypatch):
    monkeypatch.setenv("NIANBAO_SAMPLE_PORTAL_URL", "http://127.0.0.1:9999")
    assert load_profile("sample").start_urls == ["http://127.0.0.1:9999/"]
    monkeypatch.delenv("NIANBAO_SAMPLE_PORTAL_URL")
    with pytest.raises(ProfileError, match="NIANBAO_SAMPLE_PORTAL_URL"):
        load_profile("sample")


def test_minimal_profile_from_a_file(tmp_path):
    f = tmp_path / "new.yaml"
    f.write_text("name: newportal\nstart_urls: ['https://www.example.gov.cn/']\n", encoding="utf-8")
    p = load_profile(str(f))
    assert p.organ == "newportal"
    assert p.allowed_domains == ["www.example.gov.cn"]
    assert p.hints.attachment_types == ["pdf", "doc", "docx", "wps", "xls", "xlsx"]


def test_typos_and_bad_urls_are_errors(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\nstart_urls: ['https://a.gov.cn/']\nhints: {titel_pattern: x}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="titel_pattern"):
        load_profile(str(f))
    f.write_text("name: x\nstart_urls: ['ftp://a.gov.cn/']\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="http"):
        load_profile(str(f))
    with pytest.raises(ProfileError, match="no profile"):
        load_profile("no_such_portal")
