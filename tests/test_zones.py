"""Zones as readers type them: cities (English and Russian), IANA names, fixed offsets."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Catalogs
from bot.newsroom.zones import CITIES, find_zone, label, load
from bot.render.settings_data import CITY_NAMES, city_name


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Almaty", "Asia/Almaty"),
        ("Astana", "Asia/Almaty"),
        ("bishkek", "Asia/Bishkek"),
        ("Tashkent", "Asia/Tashkent"),
        ("Samarkand", "Asia/Samarkand"),
        ("Dushanbe", "Asia/Dushanbe"),
        ("Ashgabat", "Asia/Ashgabat"),
        ("Алматы", "Asia/Almaty"),
        ("Астана", "Asia/Almaty"),
        ("Бишкек", "Asia/Bishkek"),
        ("ТАШКЕНТ", "Asia/Tashkent"),
        ("Самарканд", "Asia/Samarkand"),
        ("Душанбе", "Asia/Dushanbe"),
        ("Ашхабад", "Asia/Ashgabat"),
        ("Nur-Sultan", "Asia/Almaty"),
        ("asia/bishkek", "Asia/Bishkek"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("UTC+5", "Etc/GMT-5"),
        ("utc+6", "Etc/GMT-6"),
        ("+05:00", "Etc/GMT-5"),
        ("GMT-3", "Etc/GMT+3"),
        ("UTC+0", "Etc/UTC"),
    ],
)
def test_typed_zones(typed: str, key: str) -> None:
    assert find_zone(typed).key == key


def test_a_fixed_offset_is_that_far_from_utc_and_survives_a_reload() -> None:
    zone = load(find_zone("UTC+5").key)  # what a restart reads back from the database

    noon = datetime(2026, 7, 1, 12, 0, tzinfo=UTC).astimezone(zone)

    assert noon.hour == 17  # the Etc/GMT-5 name means UTC+5: the sign is inverted
    assert label(zone.key) == "UTC+5"
    assert label("Etc/GMT+3") == "UTC-3"
    assert label("Asia/Bishkek") == "Asia/Bishkek"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("Mars/Olympus", "not a time zone I know"),
        ("UTC+5:30", "not a whole number of hours"),
        ("UTC+15", "not an offset from UTC-12 to UTC+14"),
        ("../etc/passwd", "not a time zone I know"),
        ("", "Give a time zone"),
    ],
)
def test_what_is_not_a_zone_says_why(typed: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        find_zone(typed)


def test_every_button_city_is_a_zone_this_system_has() -> None:
    assert all(isinstance(load(city.zone), ZoneInfo) for city in CITIES)
    assert len({city.code for city in CITIES}) == len(CITIES)


def test_every_button_city_has_a_name_to_translate() -> None:
    english = Catalogs.load().get("en")
    assert [city_name(english, city) for city in CITIES] == [city.name for city in CITIES]
    assert set(CITY_NAMES) == {city.code for city in CITIES}
