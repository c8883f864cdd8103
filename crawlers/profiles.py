"""Portal profiles: one YAML file per portal, so adding a portal needs no code.

A profile names the portal and where to start; everything else is an optional *hint* for portals
whose pages defeat discovery. ``${VAR}`` anywhere in the file is replaced from the environment
(the bundled sample portal's address is only known at run time).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crawlers.discovery import DEFAULT_ATTACHMENT_TYPES

PROFILES_DIR = Path(__file__).with_name("profiles")

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ProfileError(ValueError):
    """A profile that cannot be found, read or validated."""


class Hints(BaseModel):
    """Optional help for discovery; every field may be left out."""

    model_config = ConfigDict(extra="forbid")

    region_code: str | None = Field(None, description="GB/T 2260 administrative division code")
    list_page_pattern: str | None = Field(None, description="regex: URLs of annual-report list pages")
    pagination_pattern: str | None = Field(None, description="regex: URLs of further list pages")
    title_pattern: str | None = Field(None, description="regex replacing the built-in report-title rule")
    attachment_types: list[str] = Field(default_factory=lambda: list(DEFAULT_ATTACHMENT_TYPES))
    encoding: str | None = Field(None, description="force this charset for the portal's HTML pages")


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    organ: str | None = None
    start_urls: list[str]
    allowed_domains: list[str] = Field(default_factory=list)
    hints: Hints = Field(default_factory=Hints)
    verified: bool = Field(True, description="false: addresses could not be checked when written")
    notes: str | None = None
    # Scrapy setting overrides for this portal only (e.g. a slower DOWNLOAD_DELAY).
    settings: dict[str, Any] = Field(default_factory=dict)
    source_path: str | None = Field(None, exclude=True)

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, urls: list[str]) -> list[str]:
        if not urls:
            raise ValueError("at least one start URL")
        for u in urls:
            if urlsplit(u).scheme not in ("http", "https") or not urlsplit(u).hostname:
                raise ValueError(f"not an http(s) URL: {u!r}")
        return urls

    @model_validator(mode="after")
    def _defaults(self) -> Profile:
        if not self.organ:
            self.organ = self.name
        if not self.allowed_domains:
            # Without an explicit list, stay on the start URLs' hosts (and their subdomains).
            self.allowed_domains = sorted({urlsplit(u).hostname for u in self.start_urls if urlsplit(u).hostname})
        return self


def expand_env(text: str, env: dict[str, str] | None = None) -> str:
    """Replace ``${VAR}`` and ``${VAR:-default}``; an unset variable without default is an error."""
    env = os.environ if env is None else env

    def sub(m: re.Match[str]) -> str:
        value = env.get(m.group(1))
        if value is None:
            if m.group(2) is None:
                raise ProfileError(f"environment variable {m.group(1)} is not set")
            return m.group(2)
        return value

    return _VAR.sub(sub, text)


def _path_for(name_or_path: str | os.PathLike[str]) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    candidates = [PROFILES_DIR / f"{name_or_path}.yaml", PROFILES_DIR / f"{name_or_path}.yml"]
    for c in candidates:
        if c.exists():
            return c
    # A portal's display name (宿迁市人民政府) works too.
    for path in sorted(PROFILES_DIR.glob("*.y*ml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        if raw.get("name") == str(name_or_path) or raw.get("organ") == str(name_or_path):
            return path
    known = ", ".join(list_profiles())
    raise ProfileError(f"no profile {str(name_or_path)!r} (a YAML path, or one of: {known})")


def load_profile(name_or_path: str | os.PathLike[str] | Profile) -> Profile:
    """A shipped profile by file stem or portal name, or any YAML file by path."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    path = _path_for(name_or_path)
    try:
        data = yaml.safe_load(expand_env(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a mapping")
    try:
        profile = Profile.model_validate(data)
    except Exception as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    profile.source_path = str(path.resolve())
    return profile


def list_profiles() -> list[str]:
    """File stems of the shipped profiles (``sample`` included)."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.y*ml"))
