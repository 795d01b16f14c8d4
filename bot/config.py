"""Settings: the environment (and an optional ``.env``) → one frozen dataclass, validated once."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from ipaddress import ip_address
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.i18n import mark
from bot.newsroom.problems import Problem

# Telegram's pace needs about 30 a second times the call's round trip (five at 150 ms); 8 leaves
# headroom. Fewer lanes repeat fewer messages after a crash, and send slower.
SENDER_LANES = 8
MAX_SENDER_LANES = 16

T = TypeVar("T")
DEFAULT_API_URL = "https://api.telegram.org"
# The shipped live sources: sources.toml beside the package, wherever the process starts.
SOURCES_FILE = Path(__file__).resolve().parent.parent / "sources.toml"
# The shipped seed pages and festivals.toml, found the same way.
SEEDS_FOLDER = Path(__file__).resolve().parent.parent / "seeds"
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


def parse_time(text: str) -> time:
    """``HH:MM`` (24-hour) → time; ValueError otherwise."""
    match = _TIME.match(text.strip())
    if not match:
        raise Problem(mark("'{value}' is not a time like 09:00."), value=text)
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise Problem(mark("'{value}' is not a time of day (00:00 to 23:59)."), value=text)
    return time(hour, minute)


def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone name such as ``Asia/Bishkek`` → ZoneInfo; ValueError otherwise."""
    cleaned = name.strip()
    try:
        if not cleaned or cleaned.startswith(("/", ".")) or ".." in cleaned:
            raise ValueError
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{name!r} is not a time zone name like Asia/Bishkek") from None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything filmnews reads from its environment."""

    token: str | None = None
    api_url: str = DEFAULT_API_URL
    database: Path = Path("data/filmnews.db")
    # FILMNEWS_DATABASE_URL: a PostgreSQL database instead of the SQLite file (several replicas).
    database_url: str | None = None
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    seeds: Path = Path("seeds")
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Almaty"))
    digest_time: time = time(9, 0)
    log_level: str = "INFO"
    # Live sources: a TOML file, or None (FILMNEWS_SOURCES=none) for none; private addresses
    # for /addsource only with FILMNEWS_PRIVATE_SOURCES=allow.
    sources: Path | None = None
    private_sources: bool = False
    # FILMNEWS_CHANNEL: where "publish now" also posts (an @username or a chat id), or None.
    channel: str | int | None = None
    # Webhook mode (bot/updates/webhook.py): FILMNEWS_WEBHOOK_URL, FILMNEWS_LISTEN as (host, port)
    # and FILMNEWS_WEBHOOK_SECRET (None: derived from the token); without URL and listen, polling.
    webhook_url: str | None = None
    listen: tuple[str, int] | None = None
    webhook_secret: str | None = None
    # FILMNEWS_SENDER_LANES: messages the sender has on their way at once (bot/delivery/sender.py),
    # hence how many a crash of the sender may repeat.
    sender_lanes: int = SENDER_LANES

    @property
    def store_location(self) -> Path | str:
        """Where the store is: the PostgreSQL URL when one is set, else the SQLite file."""
        return self.database_url or self.database

    @property
    def store_name(self) -> str:
        """The store, as logs and errors name it (a URL without its password)."""
        if self.database_url is None:
            return str(self.database)
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", self.database_url)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Read and validate the settings; ``ConfigError`` names the first bad variable."""
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            api_url=_api_url(get("TELEGRAM_API_URL") or DEFAULT_API_URL),
            database=Path(get("FILMNEWS_DATABASE") or "data/filmnews.db"),
            database_url=_database_url(get("FILMNEWS_DATABASE_URL")),
            admin_ids=_admin_ids(get("FILMNEWS_ADMIN_IDS") or ""),
            seeds=_seeds(get("FILMNEWS_SEEDS")),
            timezone=_checked("FILMNEWS_TIMEZONE", parse_zone, get("FILMNEWS_TIMEZONE"))
            or ZoneInfo("Asia/Almaty"),
            digest_time=_checked("FILMNEWS_DIGEST_TIME", parse_time, get("FILMNEWS_DIGEST_TIME"))
            or time(9, 0),
            log_level=_log_level(get("FILMNEWS_LOG_LEVEL") or "INFO"),
            sources=_sources(get("FILMNEWS_SOURCES")),
            private_sources=_private_sources(get("FILMNEWS_PRIVATE_SOURCES")),
            channel=_channel(get("FILMNEWS_CHANNEL")),
            webhook_url=_webhook_url(get("FILMNEWS_WEBHOOK_URL")),
            listen=_listen(get("FILMNEWS_LISTEN")),
            webhook_secret=_webhook_secret(get("FILMNEWS_WEBHOOK_SECRET")),
            sender_lanes=_sender_lanes(get("FILMNEWS_SENDER_LANES")),
        )


def _checked(variable: str, parse: Callable[[str], T], raw: str | None) -> T | None:
    if raw is None:
        return None
    try:
        return parse(raw)
    except ValueError as error:
        raise ConfigError(variable, str(error)) from None


def _api_url(raw: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+(?:/\S*)?", raw):
        raise ConfigError("TELEGRAM_API_URL", f"{raw!r} is not an http(s) URL")
    return raw.rstrip("/")


def _admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        if not re.fullmatch(r"[1-9][0-9]*", part):  # user ids are positive; groups are not
            raise ConfigError("FILMNEWS_ADMIN_IDS", f"{part!r} is not a numeric Telegram user id")
        ids.add(int(part))
    return frozenset(ids)


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError("FILMNEWS_LOG_LEVEL", f"{raw!r} is not DEBUG, INFO, WARNING or ERROR")
    return level


def _seeds(raw: str | None) -> Path:
    """FILMNEWS_SEEDS as given; unset, ``seeds`` here if there is one, else the shipped seeds."""
    if raw is not None:
        return Path(raw)
    here = Path("seeds")
    return here if here.is_dir() or not SEEDS_FOLDER.is_dir() else SEEDS_FOLDER


def _sources(raw: str | None) -> Path | None:
    if raw is None:
        return SOURCES_FILE
    return None if raw.lower() == "none" else Path(raw)


def _channel(raw: str | None) -> str | int | None:
    """``@name`` (a public channel's username) or a numeric chat id such as -1001234567890."""
    if raw is None:
        return None
    if re.fullmatch(r"-?[1-9][0-9]{0,18}", raw):
        return int(raw)
    if re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,31}", raw):
        return raw
    raise ConfigError("FILMNEWS_CHANNEL", f"{raw!r} is not an @channel name or a chat id")


def _private_sources(raw: str | None) -> bool:
    if raw is None or raw.lower() in ("refuse", "no", "0", "false"):
        return False
    if raw.lower() in ("allow", "yes", "1", "true"):
        return True
    raise ConfigError("FILMNEWS_PRIVATE_SOURCES", f"{raw!r} is not allow or refuse")


def _webhook_url(raw: str | None) -> str | None:
    """Telegram calls only https:// webhooks; http:// is accepted on this machine alone (a local
    Bot API server, a test)."""
    if raw is None:
        return None
    match = re.fullmatch(r"(https?)://([^\s/?#]+)(?:/[^\s#]*)?", raw)
    if not match:
        raise ConfigError("FILMNEWS_WEBHOOK_URL", f"{raw!r} is not an https:// URL")
    host = urlsplit(raw).hostname or ""
    if match.group(1) == "http" and not _is_loopback(host):
        raise ConfigError(
            "FILMNEWS_WEBHOOK_URL", f"{raw!r}: Telegram calls only https:// webhooks"
        )
    return raw


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _database_url(raw: str | None) -> str | None:
    """``postgresql://user:password@host:port/name`` (or ``postgres://``), as libpq reads it."""
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise ConfigError(
            "FILMNEWS_DATABASE_URL",
            "not a PostgreSQL URL like postgresql://filmnews:secret@db:5432/filmnews",
        )
    return raw


def _listen(raw: str | None) -> tuple[str, int] | None:
    """``host:port`` (``[::]:8443`` for IPv6; ``:8443`` for every interface)."""
    if raw is None:
        return None
    match = re.fullmatch(r"(?:\[([0-9A-Fa-f:.]+)\]|([^\s:\[\]]*)):([0-9]{1,5})", raw)
    if not match or not 0 < int(match.group(3)) < 65536:
        raise ConfigError("FILMNEWS_LISTEN", f"{raw!r} is not host:port (like 0.0.0.0:8080)")
    return match.group(1) or match.group(2) or "0.0.0.0", int(match.group(3))


def _webhook_secret(raw: str | None) -> str | None:
    if raw is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
        raise ConfigError(
            "FILMNEWS_WEBHOOK_SECRET", "use 1 to 256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return raw


def _sender_lanes(raw: str | None) -> int:
    if raw is None:
        return SENDER_LANES
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SENDER_LANES:
        raise ConfigError(
            "FILMNEWS_SENDER_LANES", f"{raw!r} is not a whole number from 1 to {MAX_SENDER_LANES}"
        )
    return int(raw)
