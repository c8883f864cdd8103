"""Portal profiles: one YAML file per portal, so adding a portal needs no code.

A profile is data, never settings. It names the portal, where to start and the domains the crawl
may reach (the fence, ``crawlers.fence``); everything else is an optional *hint* for portals whose
pages defeat discovery, or a request for *more* politeness than the defaults. Anything else is an
error naming the file and the key, and so is ``${…}``: nothing in a profile is expanded from the
environment.

A shipped profile of a real portal is off (``enabled: false``) until a user has checked its addresses and
turned it on: crawls refuse it unless asked with ``--include-disabled`` (``require_enabled``), and default
crawls take only ``enabled_profiles()``.

A shipped profile is found by its name (``[a-z0-9_]+``, the file's stem in ``crawlers/profiles/``);
any other profile by the exact path of its YAML file.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from crawlers import settings as policy
from crawlers.discovery import DEFAULT_ATTACHMENT_TYPES
from crawlers.fence import Fence, is_address, normal_host

PROFILES_DIR = Path(__file__).with_name("profiles")
NAME = re.compile(r"[a-z0-9_]+")
MAX_PROFILE_BYTES = 64 * 1024

# The bundled sample portal listens on a port chosen when it starts; whoever serves it (`nianbao
# run`, `nianbao crawl --portal sample`, the tests) puts its address in this variable. It is read
# for the shipped `sample` profile only, as the scheme, host and port of its start URLs.
SAMPLE_PROFILE = PROFILES_DIR / "sample.yaml"
SAMPLE_PORTAL_URL_VARIABLE = "NIANBAO_SAMPLE_PORTAL_URL"

_DOMAIN = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
_EXTENSION = re.compile(r"[a-z0-9]{1,8}")


class ProfileError(ValueError):
    """A profile that cannot be found, read or validated (the message names the file)."""


class Hints(BaseModel):
    """Optional help for discovery; every field may be left out."""

    model_config = ConfigDict(extra="forbid")

    region_code: str | None = Field(None, pattern=r"^\d{6}$", description="GB/T 2260 administrative division code")
    list_page_pattern: str | None = Field(None, description="regex: URLs of annual-report list pages")
    pagination_pattern: str | None = Field(None, description="regex: URLs of further list pages")
    title_pattern: str | None = Field(None, description="regex replacing the built-in report-title rule")
    attachment_types: list[str] = Field(default_factory=lambda: list(DEFAULT_ATTACHMENT_TYPES))
    encoding: str | None = Field(None, description="force this charset for the portal's HTML pages")

    @field_validator("list_page_pattern", "pagination_pattern", "title_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression ({exc}): {value!r}") from None
        return value

    @field_validator("attachment_types")
    @classmethod
    def _extensions(cls, types: list[str]) -> list[str]:
        bad = [t for t in types if not _EXTENSION.fullmatch(t)]
        if bad:
            raise ValueError(f"file extensions are lower-case letters and digits, without a dot: {bad}")
        return types

    @field_validator("encoding")
    @classmethod
    def _codec(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {encoding!r}") from None
        return encoding


class Politeness(BaseModel):
    """A portal that wants to be asked more gently than the defaults; never less gently."""

    model_config = ConfigDict(extra="forbid")

    download_delay: float | None = Field(
        None,
        ge=policy.DOWNLOAD_DELAY,
        le=policy.PROFILE_DOWNLOAD_DELAY_MAX,
        description="seconds between requests",
    )
    concurrent_requests: int | None = Field(
        None,
        ge=1,
        le=policy.CONCURRENT_REQUESTS_PER_DOMAIN,
        description="requests in flight to the portal",
    )
    download_timeout: float | None = Field(
        None,
        ge=policy.PROFILE_DOWNLOAD_TIMEOUT_MIN,
        le=policy.DOWNLOAD_TIMEOUT,
        description="seconds per request",
    )

    def scrapy_settings(self) -> dict[str, Any]:
        chosen = {
            "DOWNLOAD_DELAY": self.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": self.concurrent_requests,
            "DOWNLOAD_TIMEOUT": self.download_timeout,
        }
        return {key: value for key, value in chosen.items() if value is not None}


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9_]+$", description="file stem and portal key")
    organ: str | None = None
    start_urls: list[str]
    allowed_domains: list[str] = Field(default_factory=list, description="the fence; default: the start URLs' hosts")
    hints: Hints = Field(default_factory=Hints)
    politeness: Politeness = Field(default_factory=Politeness)
    verified: bool = Field(True, description="false: addresses could not be checked when written")
    # A profile you write is on; the shipped real-portal ones say `enabled: false` until a user has checked
    # them, so nothing crawls a government's portal that nobody chose (require_enabled, enabled_profiles).
    enabled: bool = Field(True, description="false: crawled only when asked explicitly (--include-disabled)")
    notes: str | None = None
    _source_path: str | None = PrivateAttr(None)

    @property
    def source_path(self) -> str | None:
        """The YAML file it was loaded from (not a key a profile can set)."""
        return self._source_path

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, urls: list[str]) -> list[str]:
        if not urls:
            raise ValueError("at least one start URL")
        for u in urls:
            parts = urlsplit(u)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL: {u!r}")
            if parts.username is not None or parts.password is not None:
                raise ValueError(f"user info (credentials) in a start URL: {u!r}")
        return urls

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, domains: list[str]) -> list[str]:
        for d in domains:
            host = normal_host(d)
            if not (is_address(host) or _DOMAIN.fullmatch(host)):
                raise ValueError(
                    f"{d!r} is not a host name with at least two labels or an address "
                    "(no scheme, port or path: 'example.gov.cn', '127.0.0.1')"
                )
        return domains

    @model_validator(mode="after")
    def _defaults(self) -> Profile:
        if not self.organ:
            self.organ = self.name
        if not self.allowed_domains:
            # Without an explicit list, stay on the start URLs' hosts (and their subdomains).
            self.allowed_domains = sorted({normal_host(urlsplit(u).hostname or "") for u in self.start_urls})
        fence = self.fence()
        outside = [u for u in self.start_urls if not fence.admits(u)]
        if outside:
            raise ValueError(f"start URLs outside allowed_domains {self.allowed_domains}: {outside}")
        return self

    def fence(self) -> Fence:
        return Fence(self.allowed_domains)


def check_portal_name(name: object) -> str:
    """``name`` when it names a shipped profile, else a ``ProfileError`` saying what a name is."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ProfileError(
            f"portal name {name!r}: a shipped profile's name is lower-case letters, digits and '_' "
            f"([a-z0-9_]+), one of: {', '.join(list_profiles())}"
        )
    if name not in list_profiles():
        raise ProfileError(f"no profile {name!r} in {PROFILES_DIR} (one of: {', '.join(list_profiles())})")
    return name


def profile_path(name_or_path: str | os.PathLike[str]) -> Path:
    """The YAML file of a shipped profile's name, or the file a path names exactly."""
    if isinstance(name_or_path, str) and NAME.fullmatch(name_or_path):
        path = (PROFILES_DIR / f"{check_portal_name(name_or_path)}.yaml").resolve()
        if path.parent != PROFILES_DIR.resolve():  # a link out of the folder
            raise ProfileError(f"profile {name_or_path!r} resolves outside {PROFILES_DIR}")
        return path
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        raise ProfileError(
            f"{str(name_or_path)!r} is neither a shipped profile's name ([a-z0-9_]+, one of: "
            f"{', '.join(list_profiles())}) nor the path of a .yaml file"
        )
    if not path.is_file():
        raise ProfileError(f"no profile file {str(path)!r}")
    return path


def _refuse_templates(data: Any, path: Path, where: str = "") -> None:
    """A ``${…}`` anywhere is an error: profiles are not templates (nothing is expanded)."""
    if isinstance(data, dict):
        for key, value in data.items():
            _refuse_templates(value, path, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _refuse_templates(value, path, f"{where}[{i}]")
    elif isinstance(data, str) and "${" in data:
        raise ProfileError(
            f"{path}: {where}: {data!r} contains '${{': profiles are data and nothing in them is "
            "expanded from the environment; write the value itself"
        )


def _read_yaml(path: Path) -> dict:
    if path.stat().st_size > MAX_PROFILE_BYTES:
        raise ProfileError(f"{path}: larger than {MAX_PROFILE_BYTES // 1024} KB; not a profile")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not UTF-8 text ({exc})") from None
    try:
        # Anchors and aliases let a few lines stand for a huge structure; a profile needs neither.
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
            raise ProfileError(f"{path}: YAML aliases (*name) are not allowed in a profile")
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a mapping of keys to values")
    return data


def _sample_portal_origin(path: Path) -> tuple[str, str]:
    base = os.environ.get(SAMPLE_PORTAL_URL_VARIABLE)
    if not base:
        raise ProfileError(
            f"{path}: the sample portal's address is not known: serve it (`nianbao run` does) and set "
            f"{SAMPLE_PORTAL_URL_VARIABLE}, e.g. http://127.0.0.1:8765"
        )
    parts = urlsplit(base)
    if parts.scheme != "http" or parts.path.strip("/") or parts.query or parts.fragment or "@" in parts.netloc:
        raise ProfileError(f"{SAMPLE_PORTAL_URL_VARIABLE}={base!r}: expected http://HOST:PORT")
    return parts.scheme, parts.netloc


def _explain(path: Path, exc: ValidationError) -> str:
    """One line naming the file and every key at fault (and the keys there are, for a typo)."""
    problems, unknown = [], False
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(profile)"
        unknown |= error["type"] == "extra_forbidden"
        what = "not a profile key" if error["type"] == "extra_forbidden" else error["msg"]
        problems.append(f"{where}: {what}")
    message = f"{path}: " + "; ".join(problems)
    if unknown:
        message += (
            f" (a profile's keys: {', '.join(Profile.model_fields)}; hints: "
            f"{', '.join(Hints.model_fields)}; politeness: {', '.join(Politeness.model_fields)})"
        )
    return message


def load_profile(name_or_path: str | os.PathLike[str] | Profile) -> Profile:
    """A shipped profile by name, or any profile by the path of its YAML file."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    path = profile_path(name_or_path)
    data = _read_yaml(path)
    _refuse_templates(data, path)
    if path.resolve() == SAMPLE_PROFILE.resolve() and isinstance(data.get("start_urls"), list):
        scheme, netloc = _sample_portal_origin(path)
        data["start_urls"] = [urlunsplit((scheme, netloc, *urlsplit(str(u))[2:])) for u in data["start_urls"]]
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_explain(path, exc)) from None
    profile._source_path = str(path.resolve())
    return profile


def list_profiles() -> list[str]:
    """Names of the shipped profiles (``sample`` included)."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml") if NAME.fullmatch(p.stem))


def _says_enabled(name: str) -> bool:
    # the file's own word, without loading: the sample profile cannot load until its portal is served
    data = _read_yaml(profile_path(name))
    return data.get("enabled", Profile.model_fields["enabled"].default) is True


def enabled_profiles() -> list[str]:
    """Names of the shipped profiles that are enabled (``sample`` included): what a default crawl may take."""
    return [name for name in list_profiles() if _says_enabled(name)]


def require_enabled(profile: Profile) -> Profile:
    """``profile`` when it is enabled, else a ``ProfileError`` saying how to check and enable it."""
    if not profile.enabled:
        where = profile.source_path or f"{PROFILES_DIR}/{profile.name}.yaml"
        raise ProfileError(
            f"profile {profile.name!r} is not enabled ({'verified' if profile.verified else 'not verified'}): "
            f"check its start_urls and allowed_domains, then set `enabled: true` in {where}; "
            "or crawl it once with --include-disabled"
        )
    return profile
