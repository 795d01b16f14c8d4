"""Every catalog: complete, faithful to its placeholders and tags, and compiled in memory."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import BABEL_LOCALES, DEFAULT, LANGUAGES, Catalogs
from bot.i18n.catalogs import extract

ROOT = Path(__file__).resolve().parent.parent

TRANSLATED = [code for code in LANGUAGES if code != DEFAULT]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")
# Messages that may read the same in a language as in English: no words to translate, or a
# place name that the language writes as English does (Bishkek, Dushanbe in Uzbek Latin).
_NO_WORDS = re.compile(r"^[\W\d_]*$|^(\{\w+\}[\W_]*)+$")
PLACE_NAMES = frozenset(
    {"Almaty", "Astana", "Bishkek", "Tashkent", "Samarkand", "Dushanbe", "Ashgabat", "Moscow"}
)


@pytest.fixture(scope="module")
def source() -> Catalog:
    return extract()


def _catalog(code: str) -> Catalog:
    path = ROOT / "bot" / "i18n" / "locale" / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        return read_po(po, locale=BABEL_LOCALES.get(code, code))


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code: str, source: Catalog) -> None:
    catalog = _catalog(code)
    missing = [m.id for m in source if m.id and catalog.get(m.id) is None]
    empty = [m.id for m in catalog if m.id and not all(_forms(m))]
    assert not missing, f"{code}: not in the catalog (run python -m bot.i18n.catalogs)"
    assert not empty, f"{code}: untranslated: {empty[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_message_is_left_in_english(code: str) -> None:
    same = [
        m.id
        for m in _catalog(code)
        if m.id
        and not _NO_WORDS.match(_ids(m)[0])
        and _ids(m)[0] not in PLACE_NAMES
        and _forms(m)[0] == _ids(m)[0]
    ]
    assert not same, f"{code}: still English: {same[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_are_kept(code: str) -> None:
    for message in _catalog(code):
        if not message.id:
            continue
        wanted = set(PLACEHOLDER.findall(_ids(message)[-1]))
        for form in _forms(message):
            assert set(PLACEHOLDER.findall(form)) <= wanted, (code, message.id, form)
            if not isinstance(message.id, tuple):
                assert set(PLACEHOLDER.findall(form)) == wanted, (code, message.id, form)


@pytest.mark.parametrize("code", TRANSLATED)
def test_html_tags_are_balanced_as_in_english(code: str) -> None:
    for message in _catalog(code):
        if not message.id:
            continue
        wanted = Counter(tag.split()[0].rstrip(">") for tag in TAG.findall(_ids(message)[0]))
        for form in _forms(message):
            found = Counter(tag.split()[0].rstrip(">") for tag in TAG.findall(form))
            assert found == wanted, (code, message.id, form)


def test_catalogs_compile_with_each_languages_plural_rules() -> None:
    catalogs = Catalogs.load()
    plural = next(m for m in _catalog("ru") if isinstance(m.id, tuple))
    singular, many = plural.id

    ru = catalogs.get("ru")
    forms = {ru.plural(singular, many, n, **_dummies(many)) for n in (1, 2, 5)}
    assert len(forms) == 3, forms  # 1 статья, 2 статьи, 5 статей
    assert ru.number(1234.56) == "1\xa0234,56"
    assert catalogs.get("en").number(1234.56) == "1,234.56"
    assert catalogs.get("xx").code == DEFAULT


def _dummies(message: str) -> dict[str, str]:
    return {name: "x" for name in PLACEHOLDER.findall(message) if name != "count"}
