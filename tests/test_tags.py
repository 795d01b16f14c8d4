"""Article tagging: precision and recall on the labelled table, plus the tricky cases."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TypeAlias

import pytest

from bot.newsroom.tags import (
    GAZETTEER,
    IGNORED,
    STRONG_KEYWORDS,
    TOPIC_KEYWORDS,
    Country,
    Tags,
    Topic,
    canonical,
    tag,
)
from tests.tagging_table import TABLE, Case

MIN_SCORE = 0.85
MIN_POSITIVES = 5  # a tag with fewer examples than this would make its scores meaningless

AnyTag: TypeAlias = Country | Topic


def _truth(case: Case) -> frozenset[AnyTag]:
    """The expected tags of a case, countries and topics together."""
    return case.countries | case.topics


def _predicted(case: Case) -> frozenset[AnyTag]:
    """The tags the module gives a case, countries and topics together."""
    tags = tag(case.title, case.body, case.categories)
    return tags.countries | tags.topics


def _scores(
    label: AnyTag, pairs: Iterable[tuple[frozenset[AnyTag], frozenset[AnyTag]]]
) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of one tag over (truth, guess) pairs."""
    tp = fp = fn = 0
    for truth, guess in pairs:
        tp += label in truth and label in guess
        fp += label not in truth and label in guess
        fn += label in truth and label not in guess
    return tp, fp, fn


def _ratio(hits: int, total: int) -> float:
    """hits / total, or 1.0 when nothing was expected (or predicted)."""
    return hits / total if total else 1.0


def test_table_precision_and_recall_per_tag() -> None:
    """Every country and topic reaches the bar on the hand-labelled table."""
    pairs = [(_truth(case), _predicted(case)) for case in TABLE]
    labels: list[AnyTag] = [*Country, *Topic]
    failures: list[str] = []
    print(f"\n{len(TABLE)} articles\n{'tag':<26}{'n':>4}{'tp':>4}{'fp':>4}{'fn':>4}  prec  recall")
    for label in labels:
        tp, fp, fn = _scores(label, pairs)
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        print(f"{label:<26}{tp + fn:>4}{tp:>4}{fp:>4}{fn:>4}  {precision:.2f}  {recall:.2f}")
        if tp + fn < MIN_POSITIVES or min(precision, recall) < MIN_SCORE:
            failures.append(
                f"{label.name}: n={tp + fn} precision={precision:.2f} recall={recall:.2f}"
            )
    for case, (truth, guess) in zip(TABLE, pairs, strict=True):
        if truth != guess:
            missed = sorted(t.name for t in truth - guess)
            extra = sorted(t.name for t in guess - truth)
            print(f"  miss {missed} extra {extra}: {case.title[:70]}")
    assert not failures, failures


def test_tagging_speed_is_reported() -> None:
    """Print the time to tag ~600-character articles (informative, not asserted)."""
    english = next(c for c in TABLE if 500 <= len(c.title) + len(c.body) <= 700)
    russian = " ".join(f"{c.title}. {c.body}" for c in TABLE if c.source == "ru")[:600]
    samples = {
        "english": (english.title, english.body),
        "russian": (russian[:60], russian[60:]),
    }
    for name, (title, body) in samples.items():
        runs = 3000
        start = time.perf_counter()
        for _ in range(runs):
            tag(title, body)
        micros = (time.perf_counter() - start) / runs * 1e6
        print(f"\ntag() on a {len(title) + len(body)}-char {name} article: {micros:.1f} µs")


# --- tricky cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Фестиваль пройдёт в Казахстане", Country.KZ),
        ("Новый казахстанский фильм", Country.KZ),
        ("История казахского кино", Country.KZ),
        ("Премьера состоялась в Бишкеке", Country.KG),
        ("Звезда кыргызского кино", Country.KG),
        ("Классика киргизского кинематографа", Country.KG),
        ("Программа узбекского кино", Country.UZ),
        ("Показ прошёл в Ташкенте", Country.UZ),
        ("Таджикский режиссёр снял дебют", Country.TJ),
        ("Съёмки пройдут в Душанбе", Country.TJ),
        ("Туркменский фильм покажут в Каире", Country.TM),
        ("Кинотеатр открылся в Ашхабаде", Country.TM),
        ("Съёмки на Иссык-Куле", Country.KG),
        ("Ретроспектива в Алма-Ате", Country.KZ),
        ("Работы в Марыйском велаяте", Country.TM),
    ],
)
def test_russian_case_forms(text: str, country: Country) -> None:
    """Russian nouns and adjectives are found in their inflected forms."""
    assert tag(text, "").countries == {country}


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Qozogʻiston kinosi", Country.KZ),
        ("Qazaqstan TV", Country.KZ),
        ("O‘zbekiston kino agentligi", Country.UZ),
        ("Oʻzbekiston va Toshkent", Country.UZ),
        ("Shot in Samarqand and Buxoro", Country.UZ),
        ("Ysyk-Köl location", Country.KG),
        ("A night in Aşgabat", Country.TM),
        ("Türkmenistan", Country.TM),
        ("Made at Kyrgyzfilm in Frunze", Country.KG),
        ("Almaty's festival", Country.KZ),
        ("From Khorog to the Pamirs", Country.TJ),
        ("Kazakhstan's first horror film", Country.KZ),
        ("On the Issyk\u2013Kul shore", Country.KG),
        ("Nur\u2011Sultan premiere", Country.KZ),
    ],
)
def test_local_latin_spellings_and_accents(text: str, country: Country) -> None:
    """Local Latin spellings match regardless of accents and apostrophe style."""
    assert tag(text, "").countries == {country}


def test_mary_the_name_is_not_turkmen() -> None:
    """'Mary' the first name, or 'Мары' as its Russian genitive, is not the city of Mary."""
    assert tag("Mary Collins chairs the jury", "Mary said it was an honour.").countries == {
        Country.OTHER
    }
    assert tag("Фильм Мары Ливановой", "").countries == {Country.OTHER}


def test_mary_the_city_is_turkmen_in_context() -> None:
    """The city of Mary counts when the text says it is a place."""
    assert tag("Shot in the Mary region", "").countries == {Country.TM}
    assert tag("В Мары прошли съёмки", "").countries == {Country.TM}


@pytest.mark.parametrize("text", ["Gosh, what a film", "Oshkosh premiere", "Коша и Гоша", "Naryn"])
def test_short_or_ambiguous_place_names_need_whole_words(text: str) -> None:
    """'Osh' inside other words, and bare 'Naryn' (also a name and a dish), are not places."""
    assert tag(text, "").countries == {Country.OTHER}


def test_osh_as_a_word_is_kyrgyz() -> None:
    """The city of Osh counts, in English and in Russian."""
    assert tag("Osh hosts a festival", "").countries == {Country.KG}
    assert tag("Фестиваль в Оше", "").countries == {Country.KG}


def test_feed_category_alone_gives_the_country() -> None:
    """A feed category names the country even when the text never does."""
    tags = tag("Festival opens with a local drama", "Twelve films compete.", ["Kyrgyzstan"])
    assert tags.countries == {Country.KG}
    assert tag("Festival opens", "", ["Culture", "cinema"]).countries == {Country.OTHER}


def test_other_when_no_country_of_the_region() -> None:
    """An article about none of the five countries is tagged 'elsewhere' only."""
    tags = tag("Cannes unveils its line-up", "Films from France, Iran and Mongolia compete.")
    assert tags == Tags(frozenset({Country.OTHER}), frozenset({Topic.FESTIVALS}))


def test_title_weighs_more_than_body() -> None:
    """One keyword in the title tags the topic; one passing mention in the body does not."""
    assert Topic.FESTIVALS in tag("Festival opens in Almaty", "").topics
    assert Topic.FESTIVALS not in tag("New drama", "It screened at a festival last year.").topics


def test_multiword_keywords_survive_line_breaks_and_dashes() -> None:
    """'box office' split by a line break, or 'Soviet\u2013era' with an en dash, still match."""
    assert Topic.RELEASES in tag("Weekend box\noffice", "").topics
    assert Topic.HERITAGE in tag("A Soviet\u2013era gem returns", "").topics


def test_prime_minister_is_not_a_premiere() -> None:
    """'Премьер-министр' does not count as a premiere."""
    text = "Премьер-министр посетил киностудию. Премьер-министр встретился с режиссёрами."
    assert Topic.RELEASES not in tag("Визит", text).topics


def test_interview_headline_shape_is_people() -> None:
    """'Name: “quote”' headlines are interviews."""
    assert Topic.PEOPLE in tag("Kazakh Producer Yulia Kim: “We Are Closing the Gap”", "").topics


def test_no_topic_when_nothing_matches() -> None:
    """An article may have no topic at all."""
    assert tag("Weather in Bishkek", "Snow is expected on Monday.").topics == frozenset()


def test_no_rule_term_belongs_to_two_tags() -> None:
    """Once folded, every rule term is distinct (else one tag would silently win)."""
    terms = [t for words in (*GAZETTEER.values(), *TOPIC_KEYWORDS.values()) for t in words]
    folded = [canonical(t).removesuffix("*") for t in (*terms, *IGNORED)]
    assert len(folded) == len(set(folded))
    assert set(terms) >= STRONG_KEYWORDS


def test_terms_are_found_at_word_starts_only() -> None:
    """The pattern that takes the character before a word finds what a look-behind for a
    word start finds, on the table and on texts packed with terms, separators and endings."""
    import random
    import re

    from bot.newsroom import tags

    reference = re.compile(rf"(?<!\w)(?P<t>{tags._trie_regex(tags._RULES)})\w*")
    pieces = [term.removesuffix("*") for term in tags._RULES]
    pieces += ["s", "ы", "x", "_", "1", " ", "-", "–", "'", "ʻ", ".", "\n", "é", "премьер-министр"]
    rng = random.Random(16)
    texts = [text for case in TABLE for text in (case.title, case.body)]
    texts += ["".join(rng.choices(pieces, k=rng.randint(1, 12))) for _ in range(3000)]
    for text in texts:
        folded = tags.fold(text)
        expected = [match["t"] for match in reference.finditer(folded)]
        assert tags._PATTERN.findall(" " + folded) == expected, text
