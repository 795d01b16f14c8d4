"""Search analysis benchmark: µs per ~600-character article, words/s, and the two stemmers.

    python bench/bench_analysis.py [--rounds 2000]

"warm": the per-word cache holds the article's words (news repeats its vocabulary); "cold": the
cache is emptied before each article, so each distinct word is stemmed and transliterated anew;
"stream": generated articles drawing Zipf-distributed word forms, the cache empty at the start.
The stemmer lines time one ``stemWord`` call, caches off, on the distinct forms of the bodies
and their inflections: PyStemmer (C) against the pure-Python snowballstemmer.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import Stemmer  # type: ignore[import-not-found]  # noqa: E402
from snowballstemmer.english_stemmer import EnglishStemmer  # type: ignore[import-untyped]  # noqa: E402
from snowballstemmer.russian_stemmer import RussianStemmer  # type: ignore[import-untyped]  # noqa: E402

from storage import analysis  # noqa: E402

ENGLISH = (
    "The Bishkek International Film Festival opens on Friday with the premiere of a debut "
    "feature by a young Kyrgyz director, shot in the mountains above Issyk-Kul. Twelve films "
    "from Kazakhstan, Uzbekistan, Tajikistan and Turkmenistan compete for the main prize, and "
    "the jury, chaired by a producer from Almaty, will announce the winners next Thursday. "
    "Organisers say ticket sales doubled since last year, helped by open-air screenings in the "
    "city's parks. A retrospective honours the studio Kyrgyzfilm, founded in 1942, with restored "
    "copies of classics that have not been shown on a big screen for decades.",
    "Golden Panda Awards nominations were announced in Chengdu: three Central Asian films made "
    "the shortlist, among them a Tajik drama about a family in Dushanbe waiting for a son who "
    "works in Russia. Its director, who studied in Moscow and Tashkent, told reporters that the "
    "film was financed by small grants and shot in twenty-two days. Critics praised its quiet "
    "performances and long takes. Kazakh cinema, meanwhile, is preparing a co-production with "
    "Korean partners, and Uzbekistan's new film fund promises support to first-time directors "
    "who submit their scripts before the end of the spring session.",
)
RUSSIAN = (
    "В Бишкеке открылся международный кинофестиваль: в конкурсной программе двенадцать фильмов "
    "из Казахстана, Узбекистана, Таджикистана и Туркменистана. Фестиваль откроет премьера "
    "дебютной картины молодого кыргызского режиссёра, снятой в горах над Иссык-Кулем. Жюри "
    "возглавляет продюсер из Алматы, победителей объявят в следующий четверг. По словам "
    "организаторов, продажи билетов выросли вдвое, а бесплатные показы под открытым небом "
    "проходят в городских парках. Ретроспектива посвящена студии «Кыргызфильм», основанной в "
    "1942 году.",
    "Номинанты премии «Золотая панда» объявлены в Чэнду: в коротком списке три фильма из "
    "Центральной Азии, среди них таджикская драма о семье из Душанбе, которая ждёт сына, "
    "уехавшего на заработки. Режиссёр, учившийся в Москве и Ташкенте, рассказал журналистам, "
    "что фильм сняли на небольшие гранты за двадцать два дня. Критики отметили сдержанную игру "
    "актёров и длинные планы. Казахстанские кинематографисты тем временем готовят совместный "
    "проект с корейскими партнёрами, а новый фонд кино Узбекистана обещает поддержку дебютантам.",
)
ENGLISH_ENDINGS = ("", "s", "ed", "ing", "er", "ers", "ly", "ness")
RUSSIAN_ENDINGS = ("", "а", "у", "ом", "е", "ы", "ов", "ами", "ах", "ого", "ому", "ой", "ые")


def per_call(function: Callable[[], object], rounds: int) -> float:
    """Seconds per call of ``function``, the best of three runs of ``rounds`` calls."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(rounds):
            function()
        best = min(best, (time.perf_counter() - start) / rounds)
    return best


def articles(label: str, bodies: tuple[str, ...], rounds: int) -> None:
    """Print µs per article and words/s of ``index_terms``, warm and cold."""
    words = sum(len(analysis._WORD.findall(body)) for body in bodies) / len(bodies)
    chars = sum(len(body) for body in bodies) / len(bodies)

    def warm() -> None:
        for body in bodies:
            analysis.index_terms(body)

    def cold() -> None:
        for body in bodies:
            analysis.clear_cache()
            analysis.index_terms(body)

    warm()
    for name, run, count in (("warm", warm, rounds), ("cold", cold, max(rounds // 10, 1))):
        seconds = per_call(run, count) / len(bodies)
        print(
            f"{label:8} {name}: {seconds * 1e6:6.1f} µs/article ({chars:.0f} chars, "
            f"{words:.0f} words), {words / seconds:,.0f} words/s, "
            f"{1 / seconds:,.0f} articles/s"
        )


def distinct_words(bodies: tuple[str, ...], endings: tuple[str, ...]) -> list[str]:
    """The lower-case words of ``bodies``, each with every ending: a few thousand forms."""
    stems = {word.lower() for body in bodies for word in analysis._WORD.findall(body)}
    return sorted({stem + ending for stem in stems for ending in endings})


def stem_all(stemmer: Stemmer.Stemmer | EnglishStemmer | RussianStemmer, words: list[str]) -> None:
    """Stem every word once."""
    for word in words:
        stemmer.stemWord(word)


def analyse_all(words: list[str]) -> None:
    """Analyse every word once, the cache emptied first."""
    analysis.clear_cache()
    for word in words:
        analysis._analysed(word)


def stemmers(rounds: int) -> None:
    """Print µs per word of PyStemmer and snowballstemmer, English and Russian, caches off."""
    for language, bodies, endings, pure in (
        ("english", ENGLISH, ENGLISH_ENDINGS, EnglishStemmer()),
        ("russian", RUSSIAN, RUSSIAN_ENDINGS, RussianStemmer()),
    ):
        words = distinct_words(bodies, endings)
        fast = Stemmer.Stemmer(language, 0)
        assert [fast.stemWord(word) for word in words] == [pure.stemWord(w) for w in words]
        c_word = per_call(partial(stem_all, fast, words), max(rounds // 50, 1)) / len(words)
        py_word = per_call(partial(stem_all, pure, words), 3) / len(words)
        print(
            f"stem {language}: PyStemmer {c_word * 1e6:.2f} µs/word, snowballstemmer "
            f"{py_word * 1e6:.2f} µs/word ({py_word / c_word:.0f}× slower; {len(words)} forms)"
        )
        new = per_call(partial(analyse_all, words), 3) / len(words)
        print(f"analyse {language}: {new * 1e6:.2f} µs/new word ({1 / new:,.0f} words/s)")


def stream(count: int) -> None:
    """Print µs per article over ``count`` generated articles, the cache empty at the start."""
    shuffle = random.Random(2026)
    for label, bodies, endings in (
        ("english", ENGLISH, ENGLISH_ENDINGS),
        ("russian", RUSSIAN, RUSSIAN_ENDINGS),
    ):
        forms = distinct_words(bodies, endings)
        shuffle.shuffle(forms)
        weights = [1 / rank for rank in range(1, len(forms) + 1)]  # Zipf: a few words are common
        texts = []
        for _ in range(count):
            words = shuffle.choices(forms, weights, k=200)
            texts.append(" ".join(words)[:600])
        analysis.clear_cache()
        start = time.perf_counter()
        for text in texts:
            analysis.index_terms(text)
        seconds = (time.perf_counter() - start) / count
        print(
            f"{label:8} stream of {count:,} generated articles ({len(forms):,} forms, Zipf), "
            f"cache empty at first: {seconds * 1e6:.1f} µs/article, {1 / seconds:,.0f} articles/s"
        )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--stream", type=int, default=5000, help="articles in the stream")
    options = parser.parse_args()
    articles("english", ENGLISH, options.rounds)
    articles("russian", RUSSIAN, options.rounds)
    stream(options.stream)
    stemmers(options.rounds)


if __name__ == "__main__":
    main()
