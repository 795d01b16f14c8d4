"""Discovery's quick tests (issue 16): a paragraph they pass over never held a name, so what
``discover`` finds is the same as when every paragraph is read sentence by sentence."""

from __future__ import annotations

import pytest

from bench import pages as generated
from bot.newsroom.discovery import discover, sentences
from tests.discovery_table import ROWS

TRICKY = (
    ("Bishkek film festival opens", "The Bishkek film  festival opens on May 3."),
    ("x", "Organisers of the (BIFF) Film Festival said. The ZSIFF Film Festival of Nomads."),
    ("x", "A festival of Turkic-speaking Countries' Cinema, festival of the Nations in Osh."),
    ("x", "Known as the «Golden\n Panda» awards. Samarkand's Film Camp and Silk Road Film Lab."),
    ("x", "Ташкентский   международный кинофестиваль «Жемчужина Шёлкового пути» в Ташкенте."),
    ("x", "В Бишкеке прошёл фестиваль тюркоязычного кино. Премии «Ника» вручены."),
    ("x", "На кинофестивале\t«Евразия» и на XVII Международном кинофестивале показали."),
    ("x", "«Звезда. Ночь» премии. Фестиваль. Кинопремия «Тулпар» 12 мая 2026 г."),
    ("x", 'the festival, the Film  Festival, "Almaty" Film Festival and the ”Osh” Awards.'),
)


def articles() -> list[tuple[str, str, object]]:
    """The table's rows, tricky texts and a generated corpus of both languages."""
    rows = [(row.title, row.body, row.published) for row in ROWS]
    rows += [(title, body, None) for title, body in TRICKY]
    corpus = generated.Corpus(400, words=(40, 120))
    return rows + [(a.title, a.body, generated.FIRST_DAY) for a in corpus]


def test_the_quick_tests_change_nothing_found(monkeypatch: pytest.MonkeyPatch) -> None:
    quick = [discover(title, body, day) for title, body, day in articles()]  # type: ignore[arg-type]
    monkeypatch.setattr(sentences, "may_name_english", lambda text: True)
    monkeypatch.setattr(sentences, "may_name_russian", lambda text: True)
    slow = [discover(title, body, day) for title, body, day in articles()]  # type: ignore[arg-type]
    assert quick == slow
    assert sum(len(found) for found in slow) > 60  # names were there to find


@pytest.mark.parametrize(
    "text",
    [
        "the festival goes on",
        "the festival, a film festival was held",
        "Фестиваль кино прошёл",
        "фестиваля не было",
    ],
)
def test_a_paragraph_without_a_name_is_not_read(text: str) -> None:
    assert not sentences.sentences_of("", text)
