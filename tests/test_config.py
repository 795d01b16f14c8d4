"""Settings from the environment and ``.env``: defaults, overrides, one error per bad variable."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import (
    DEFAULT_API_URL,
    SEEDS_FOLDER,
    SOURCES_FILE,
    ConfigError,
    Settings,
    parse_time,
    parse_zone,
)
from tests.conftest import SEEDS


def test_defaults_when_nothing_is_set() -> None:
    settings = Settings.from_env({}, env_file=None)
    # The environment's default is the shipped sources.toml; Settings() itself follows no live
    # sources, so that a test's or a benchmark's bot never polls the internet.
    assert settings == Settings(sources=SOURCES_FILE)
    assert settings.token is None
    assert settings.api_url == DEFAULT_API_URL == "https://api.telegram.org"
    assert settings.database == Path("data/filmnews.db")
    assert settings.admin_ids == frozenset()
    assert settings.seeds == Path("seeds")
    assert settings.timezone == ZoneInfo("Asia/Almaty")
    assert settings.digest_time == time(9, 0)
    assert settings.log_level == "INFO"
    assert settings.sender_lanes == 8


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": " 123:ABC ",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "FILMNEWS_DATABASE": "/tmp/x/news.db",
            "FILMNEWS_ADMIN_IDS": "42, 7,42,",
            "FILMNEWS_SEEDS": "pages",
            "FILMNEWS_TIMEZONE": "Asia/Bishkek",
            "FILMNEWS_DIGEST_TIME": "7:30",
            "FILMNEWS_LOG_LEVEL": "debug",
            "FILMNEWS_SENDER_LANES": "1",
        },
        env_file=None,
    )
    assert settings.sender_lanes == 1
    assert settings.token == "123:ABC"
    assert settings.api_url == "http://127.0.0.1:8081"
    assert settings.database == Path("/tmp/x/news.db")
    assert settings.admin_ids == frozenset({7, 42})
    assert settings.seeds == Path("pages")
    assert settings.timezone == ZoneInfo("Asia/Bishkek")
    assert settings.digest_time == time(7, 30)
    assert settings.log_level == "DEBUG"


def test_empty_values_mean_the_default() -> None:
    settings = Settings.from_env(
        {"FILMNEWS_TIMEZONE": "", "FILMNEWS_DIGEST_TIME": "  ", "TELEGRAM_BOT_TOKEN": ""},
        env_file=None,
    )
    assert (settings.timezone, settings.digest_time, settings.token) == (
        ZoneInfo("Asia/Almaty"),
        time(9, 0),
        None,
    )


def test_a_dot_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "# comment\nTELEGRAM_BOT_TOKEN=from-file\nFILMNEWS_TIMEZONE=Asia/Tashkent\n"
        'FILMNEWS_ADMIN_IDS="1,2"\n',
        encoding="utf-8",
    )
    settings = Settings.from_env({}, env_file=env)
    assert settings.token == "from-file"
    assert settings.timezone == ZoneInfo("Asia/Tashkent")
    assert settings.admin_ids == frozenset({1, 2})


def test_the_environment_overrides_the_dot_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=from-file\nFILMNEWS_DIGEST_TIME=08:00\n", "utf-8")
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "from-env"}, env_file=env)
    assert settings.token == "from-env"
    assert settings.digest_time == time(8, 0)


def test_a_missing_dot_env_file_is_fine(tmp_path: Path) -> None:
    assert Settings.from_env({}, env_file=tmp_path / "absent.env") == Settings(
        sources=SOURCES_FILE
    )


def test_the_process_environment_is_used_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILMNEWS_DIGEST_TIME", "21:15")
    assert Settings.from_env(env_file=None).digest_time == time(21, 15)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("FILMNEWS_ADMIN_IDS", "42,abc"),
        ("FILMNEWS_ADMIN_IDS", "12 34"),
        ("FILMNEWS_ADMIN_IDS", "-100123"),
        ("FILMNEWS_ADMIN_IDS", "4.2"),
        ("FILMNEWS_TIMEZONE", "Mars/Olympus_Mons"),
        ("FILMNEWS_TIMEZONE", "../../etc/passwd"),
        ("FILMNEWS_TIMEZONE", "/etc/localtime"),
        ("FILMNEWS_DIGEST_TIME", "25:00"),
        ("FILMNEWS_DIGEST_TIME", "12:60"),
        ("FILMNEWS_DIGEST_TIME", "9am"),
        ("FILMNEWS_DIGEST_TIME", "0900"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
        ("TELEGRAM_API_URL", "ftp://example.org"),
        ("TELEGRAM_API_URL", "http://"),
        ("TELEGRAM_API_URL", "https://api.telegram.org/ with space"),
        ("FILMNEWS_LOG_LEVEL", "LOUD"),
        ("FILMNEWS_WEBHOOK_URL", "http://bot.example.com/telegram"),
        ("FILMNEWS_WEBHOOK_URL", "bot.example.com/telegram"),
        ("FILMNEWS_SENDER_LANES", "0"),
        ("FILMNEWS_SENDER_LANES", "17"),
        ("FILMNEWS_SENDER_LANES", "four"),
    ],
)
def test_a_bad_variable_is_named(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({variable: value}, env_file=None)
    assert caught.value.variable == variable
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert repr(value.split(",")[-1]) in message  # the offending value is quoted
    assert "\n" not in message


@pytest.mark.parametrize(
    "url", ["https://bot.example.com/tg", "http://127.0.0.1:8080/tg", "http://localhost/tg"]
)
def test_a_webhook_is_https_or_on_this_machine(url: str) -> None:
    assert Settings.from_env({"FILMNEWS_WEBHOOK_URL": url}, env_file=None).webhook_url == url


def test_the_postgresql_switch_names_the_store_without_its_password() -> None:
    url = "postgresql://filmnews:s3cret@db:5432/filmnews"
    settings = Settings.from_env({"FILMNEWS_DATABASE_URL": url}, env_file=None)
    assert settings.store_location == url
    assert settings.store_name == "postgresql://filmnews:***@db:5432/filmnews"
    sqlite = Settings.from_env({"FILMNEWS_DATABASE": "x/news.db"}, env_file=None)
    assert sqlite.store_location == Path("x/news.db")


@pytest.mark.parametrize("url", ["mysql://db/filmnews", "postgresql://db", "db:5432/filmnews"])
def test_a_database_url_that_is_not_postgresql_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match=r"^FILMNEWS_DATABASE_URL: not a PostgreSQL URL"):
        Settings.from_env({"FILMNEWS_DATABASE_URL": url}, env_file=None)


def test_a_bad_variable_in_the_dot_env_file_is_named(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("FILMNEWS_TIMEZONE=Europe/Atlantis\n", "utf-8")
    with pytest.raises(ConfigError, match=r"^FILMNEWS_TIMEZONE: 'Europe/Atlantis'"):
        Settings.from_env({}, env_file=env)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("00:00", time(0, 0)), ("9:05", time(9, 5)), (" 23:59 ", time(23, 59))],
)
def test_parse_time_accepts_times_of_day(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "23:60", "", "9", "9:5", "-1:00", "12:00:00"])
def test_parse_time_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="time"):
        parse_time(text)


def test_parse_zone() -> None:
    assert parse_zone(" Asia/Almaty ") == ZoneInfo("Asia/Almaty")
    assert parse_zone("UTC") == ZoneInfo("UTC")
    for bad in ("", "Asia/Nowhere", "Asia/../Europe/Paris", "\x00"):
        with pytest.raises(ValueError, match="time zone"):
            parse_zone(bad)


def test_the_shipped_seeds_are_found_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no seeds folder here
    seeds = Settings.from_env({}, env_file=None).seeds
    assert seeds == SEEDS_FOLDER == SEEDS
    assert (seeds / "festivals.toml").is_file()


def test_a_seeds_folder_in_the_working_directory_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seeds").mkdir()
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}, env_file=None).seeds == Path("seeds")


def test_a_relative_filmnews_seeds_is_taken_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pages").mkdir()
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({"FILMNEWS_SEEDS": "pages"}, env_file=None).seeds == Path("pages")
    missing = Settings.from_env({"FILMNEWS_SEEDS": "absent"}, env_file=None).seeds
    assert missing == Path("absent")  # not silently replaced: start-up warns about it
