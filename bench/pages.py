"""Seed-format pages at scale, with a realistic vocabulary, for the benchmarks.

Words follow a Zipf-like law (a few words everywhere, a long tail of rare ones); a fifth of the
articles are in Russian, in their inflected forms (фестиваля, фестивалей, Бишкеке), and a tenth
of each language's articles carry a sentence of the other. Some words have a fixed share of the
articles so that the benchmark can ask for them: ``premiere`` and ``cinema`` are each in half of
the articles (both in a quarter), ``фестиваль`` in half of the Russian ones. Every article also
names two people from a large pool (``names_of``), each name in about ten articles: the rare
words. The vocabulary grows with the corpus as in real text (Heaps' law: new words keep
appearing, later articles reach words the earlier ones never used), so a 1M corpus has several
times the words of a 100k one. Everything is deterministic; chunks of articles can be made apart
(``Corpus.chunk``), in parallel.

    python bench/pages.py OUT_FOLDER --articles 10000     # write the pages
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HALF = ("premiere", "cinema")  # each in ~50% of the articles
RUSSIAN_HALF = "фестиваль"  # in ~50% of the Russian articles (~10% of all)
RUSSIAN_SHARE = 0.2
MIXED_SHARE = 0.1  # articles with one sentence in the other language
TRUNCATED_SHARE = 0.7
PER_PAGE = 6
BODY_WORDS = (150, 500)  # the seed pages' excerpts: 200 to 500 words, about 2.5 KB
FIRST_DAY = date(2000, 1, 1)
CHUNK = 1_000  # articles made from one seed
# Vocabulary growth (Heaps' law): sentence j of a pool draws its words from the first
# len(head) + K * (j + 1) ** BETA words. A pool holds a fifth as many sentences as the corpus has
# articles, so the 10k, 100k and 1M corpora reach ~14k, ~57k and ~230k English tail words.
HEAPS_K = 150
HEAPS_BETA = 0.6
MIN_SENTENCES = 2_000
MIN_REACH = 500  # sentences the first articles already draw from
# Changes whenever the generator makes other articles: cached databases and pages carry it.
CORPUS_VERSION = 3
FESTIVALS = (
    "Bishkek International Film Festival",
    "Golden Panda Awards",
    "Eurasian Film Festival",
    "Post Space film camp",
    "Locarno Film Festival",
)
RATES = (("KGS", "0.01143"), ("KZT", "0.00202"), ("TJS", "0.10661"), ("UZS", "0.00008"))

_ENGLISH = """the of and to a in for is on that by with as at from film its was his are
has be an it this festival director films international cinema's award new their were which
will central asian asia who also been first year one more than had but about kazakh world
program screen story about region directors audience jury competition prize production
filmmakers documentary feature short animation premiere's history culture project country
kyrgyz uzbek tajik turkmen producer actor actress role camera script screenwriter studio
distribution theatrical release netflix streaming series television broadcast season box office
critics review scene shot frame light sound music score editing set costume location mountain
steppe desert village city capital bishkek almaty tashkent dushanbe ashgabat astana samarkand
soviet independence tradition national identity memory family war peace love journey young old
women men children generation school university master class workshop pitch lab grant fund
ministry government support industry market audience viewers tickets cinemas halls screening
retrospective legacy classic modern digital archive restoration celebration ceremony gala stage
red carpet guests delegation partners organizers curators selection entries submissions countries
regions shortlisted nominated winners honor recognition category best leading supporting original
adaptation novel poet writer legend epic tale hunters nomads horses eagles leopard snow lake river
season spring summer autumn winter june july september october may march april weeks days hours
interview said says told according noted added explained believes hopes plans wants aims"""

_RUSSIAN = """и в на с по о для что из как это к от года фильм кино режиссёр премьера фильма
фильмы зрителей конкурс награда приз жюри картина картины показ показа студия продюсер актёр
актриса роль сценарий съёмки съёмочной группы история истории культуры культура народа страны
центральной азии казахстан кыргызстан узбекистан таджикистан туркменистан бишкек алматы ташкент
душанбе ашхабад астана самарканд советского времени памяти семьи войны мира любви молодых
режиссёров программа программы международного международный национального национальной
документальный документальные анимационный короткометражный полнометражный сериал телевидение
кинотеатры прокат зрители билеты сеансы залы ретроспектива наследие классика архив реставрация
церемония гала сцена гости делегация партнёры организаторы кураторы отбор заявки страны регионы
лауреаты номинация лучший главной роли оригинальная экранизация роман поэт писатель легенда эпос
охотники кочевники кони беркуты барс снег озеро река весна лето осень зима июнь июль сентябрь
октябрь май март апрель недели дни интервью сказал отметил добавил объяснил считает надеется
планирует фестиваля фестивале фестивалей фестивали фильмом фильмах режиссёра режиссёрами
картиной наградой наград конкурсе конкурса бишкеке бишкека алматинский ташкенте душанбинский
астане самарканде казахстанских кыргызских узбекских таджикских туркменских зрителями премьере
премьеры премьер кинотеатре кинотеатров сценарием сценариев"""

_LATIN_SYLLABLES = "ka ra to mi an el or ti us en de ba lo ve su ni pa ro ge al"
_CYRILLIC_SYLLABLES = "ка ра то ми ан ел ор ти ус ен де ба ло ве су ни па ро ге ал"
_NAME_SYLLABLES = (
    "zhar kyn bek ai gul nur dau let tim ur as kar sul tan yer lan mak sat ba ha dir "
    "zhan ar ys ta myr sa bit ol zhas ka mil dan iyar aru gan er ken bol at sha rip"
)


@dataclass(frozen=True, slots=True)
class GenArticle:
    """One generated article."""

    title: str
    body: str
    truncated: bool


def name(number: int) -> str:
    """The ``number``-th person's name: distinct for distinct numbers, capitalised."""
    parts = _NAME_SYLLABLES.split()
    syllables = []
    number += len(parts) ** 2  # at least three syllables
    while number:
        number, digit = divmod(number, len(parts))
        syllables.append(parts[digit])
    return "".join(syllables).capitalize() + "ova"


def names_of(index: int, size: int) -> tuple[str, str]:
    """The two people article ``index`` (0-based) of a corpus of ``size`` names."""
    pool = max(size // 5, 10)
    return name(index * 7919 % pool), name((index * 104729 + 13) % pool)


class Corpus:
    """A deterministic stream of ``size`` articles, made in chunks of ``CHUNK`` that can be made
    apart (each from its own seed: ``chunk``), in worker processes for a large corpus."""

    def __init__(self, size: int, seed: int = 2026, words: tuple[int, int] = BODY_WORDS) -> None:
        self.size = size
        self._seed = seed
        self._words = words
        rng = random.Random(seed)
        sentences = max(MIN_SENTENCES, size // 5)
        english, russian = _ENGLISH.split(), _RUSSIAN.split()
        self._english = _sentences(rng, english, _LATIN_SYLLABLES.split(), sentences)
        self._russian = _sentences(rng, russian, _CYRILLIC_SYLLABLES.split(), sentences // 4)

    @property
    def chunks(self) -> int:
        """How many chunks the corpus has."""
        return -(-self.size // CHUNK)

    def chunk(self, number: int) -> list[GenArticle]:
        """The articles of chunk ``number`` (0-based): those from ``number * CHUNK`` on."""
        rng = random.Random(f"{self._seed}/{number}")
        start = number * CHUNK
        return [self._article(index, rng) for index in range(start, min(start + CHUNK, self.size))]

    def __iter__(self) -> Iterator[GenArticle]:
        for number in range(self.chunks):
            yield from self.chunk(number)

    def _draw(self, pool: list[str], index: int, rng: random.Random) -> str:
        """A sentence for article ``index``: the later the article, the more of the pool it
        reaches, so its newest sentences (and their newest words) appear late in the corpus."""
        reach = max(min(len(pool), MIN_REACH), len(pool) * (index + 1) // self.size)
        return pool[rng.randrange(reach)]

    def _article(self, index: int, rng: random.Random) -> GenArticle:
        russian = rng.random() < RUSSIAN_SHARE
        pool = self._russian if russian else self._english
        first, second = names_of(index, self.size)
        sentences = []
        words = 0
        target = rng.randint(*self._words)
        while words < target:
            sentence = self._draw(pool, index, rng)
            sentences.append(sentence)
            words += sentence.count(" ") + 1
        extra = [f"{first} and {second} spoke."]
        if rng.random() < MIXED_SHARE:
            extra.append(self._draw(self._english if russian else self._russian, index, rng))
        extra += [word.capitalize() + "." for word in HALF if rng.random() < 0.5]
        if russian and rng.random() < 0.5:
            extra.append(RUSSIAN_HALF.capitalize() + ".")
        if rng.random() < 0.03:
            extra.append(f"At the {rng.choice(FESTIVALS)} this year.")
        for sentence in extra:
            sentences.insert(rng.randrange(len(sentences) + 1), sentence)
        # Two sentences' starts: the same name with the same title would be one article twice.
        title_words = [
            word for _ in range(2) for word in self._draw(pool, index, rng).rstrip(".").split()[:4]
        ]
        title = f"{first}: {' '.join(title_words)}"
        truncated = rng.random() < TRUNCATED_SHARE
        body = " ".join(sentences)
        return GenArticle(title, body + "..." if truncated else body, truncated)


def _sentences(rng: random.Random, head: list[str], syllables: list[str], count: int) -> list[str]:
    """A pool of sentences whose words follow a Zipf law over head words then a long tail; the
    ``j``-th sentence draws from the first ``len(head) + HEAPS_K * (j + 1) ** HEAPS_BETA`` words
    only, so the vocabulary grows with the corpus as Heaps' law has it for real text."""
    head = list(dict.fromkeys(head))
    size = len(head) + int(HEAPS_K * count**HEAPS_BETA)
    taken = set(head) | set(HALF)
    tail: dict[str, None] = {}
    while len(head) + len(tail) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(3, 5)))
        if word not in taken:
            tail[word] = None
    vocabulary = head + list(tail)
    weights = list(itertools.accumulate(1 / (rank + 2.7) for rank in range(len(vocabulary))))
    pool = []
    for number in range(count):
        reach = min(len(vocabulary), len(head) + int(HEAPS_K * (number + 1) ** HEAPS_BETA))
        top = weights[reach - 1]
        words = [
            vocabulary[bisect.bisect(weights, rng.random() * top, 0, reach - 1)]
            for _ in range(rng.randint(6, 18))
        ]
        pool.append(" ".join(words).capitalize() + ".")
    return pool


def page_text(day: date, articles: list[GenArticle], total: int) -> str:
    """One listing page in the seed format."""
    ticker = [f"  • {code}/USD = {value} 0%" for code, value in RATES] * 2
    parts = ["\n".join(ticker), f"{day:%d %B %Y}", f"Viewing results 1 - {PER_PAGE} of {total}"]
    parts += [f"{article.title}\n\n{article.body}" for article in articles]
    return "\n\n".join(parts) + "\n"


def write_pages(folder: Path, articles: Iterator[GenArticle], per_page: int = PER_PAGE) -> int:
    """Write the articles as dated listing pages into ``folder``; the number of pages."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    while batch := list(itertools.islice(articles, per_page)):
        day = FIRST_DAY + timedelta(days=pages)
        (folder / f"{pages:07d}.txt").write_text(page_text(day, batch, 9999), encoding="utf-8")
        pages += 1
    return pages


def main() -> None:
    """Write a corpus as pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--words", type=int, nargs=2, default=BODY_WORDS, metavar=("MIN", "MAX"))
    args = parser.parse_args()
    pages = write_pages(args.folder, iter(Corpus(args.articles, words=tuple(args.words))))
    print(f"{args.articles} articles on {pages} pages in {args.folder}")


if __name__ == "__main__":
    main()
