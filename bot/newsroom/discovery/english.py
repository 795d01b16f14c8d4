"""English names: a run of capitalised words before a keyword ("Bishkek International Film
Festival", "Golden Panda Awards", "Post Space Film Camp") or "Festival of …" after one, and the
quick test that passes over a paragraph holding none."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from storage.names import ordinal as _ordinal

from .mentions import Mention
from .places import CITY_WORD
from .words import BREAKS, CONNECTORS, FILM_WORDS, LEADING, distinctive, occurrences

MAX_NAME_WORDS = 8  # a longer capitalised run is a headline, not a name
RUN_REACH = 300  # characters before a keyword searched for its name

_PARTICIPLE = re.compile(r"-(?:nominated|winning|based|born|made|produced|funded|backed|led)$")
_QUOTES = '"“”«»„‘'
_CLAUSE_END = ",;:.!?)]—–"
_REGIONS = frozenset({"Asia", "Europe", "Eurasia", "China", "Russia", "India", "Iran", "Mongolia"})
# The keyword ending an English name; a bare lowercase "festival" makes a weak mention.
_EN_KEYWORD = re.compile(
    r"""
    \b(?:
        (?P<festival> (?:[Ff]ilm\s+|[Mm]ovie\s+|[Cc]inema\s+)? [Ff]estival )
      | (?P<award> [Aa]wards )
      | (?P<camp> [Ff]ilm\s+[Cc]amp | Camp )
      | (?P<lab> [Ff]ilm\s+[Ll]ab(?:oratory)? | Lab(?:oratory)? )
    )(?![\w-])
    """,
    re.VERBOSE,
)
_TOKEN = re.compile(r"\S+")
_PAREN_ACRONYM = re.compile(r"\(([A-ZА-ЯЁ][A-ZА-ЯЁ0-9&]{1,9})\)")
YEAR = re.compile(r"(?:19|20)\d\d")
_OF = re.compile(r"\s+of\s+")
# Every English keyword holds one of these ("Film Festival", "Awards", "Camp", "film lab").
_EN_HINTS = ("estival", "wards", "amp", "Lab", "lab")


def has_english_keyword(text: str) -> bool:
    """Whether ``_EN_KEYWORD`` may match in ``text`` (substring tests are far faster)."""
    return any(hint in text for hint in _EN_HINTS)


@dataclass(frozen=True, slots=True)
class Run:
    """Capitalised words next to a keyword, where they start and end, an edition, acronyms."""

    words: tuple[str, ...]
    start: int
    end: int
    edition: int | None = None
    acronyms: tuple[str, ...] = ()


def _run_before(text: str, end: int) -> Run:
    """The capitalised run of words that ends at ``end``, leading generic words dropped."""
    window = max(0, end - RUN_REACH)
    tokens = [(match.start(), match[0]) for match in _TOKEN.finditer(text, window, end)]
    if window and tokens:
        tokens.pop(0)  # it may be cut
    words: list[tuple[int, str]] = []
    acronyms: list[str] = []
    edition, index = None, len(tokens) - 1
    while index >= 0:
        offset, raw = tokens[index]
        if acronym := _PAREN_ACRONYM.fullmatch(raw):
            acronyms.insert(0, acronym[1])
        elif raw[-1] in _CLAUSE_END:
            break
        else:
            opens = raw[0] in "(["  # "(ECG Film Festival)": the run starts inside
            word = raw.lstrip("([").strip(_QUOTES)
            if not _takes(word, [w for _, w in words]):
                edition = _edition_before(tokens, index)
                break
            words.insert(0, (offset + len(raw) - len(raw.lstrip("([")), word))
            if opens:
                break
        index -= 1
    kept = _trim([word for _, word in words])
    start = words[len(words) - len(kept)][0] if kept else end
    return Run(tuple(kept), start, end, edition, tuple(acronyms))


def _takes(word: str, after: list[str]) -> bool:
    """Whether ``word`` belongs to the run that continues with ``after``."""
    folded = word.casefold()
    if not word or folded in BREAKS or _PARTICIPLE.search(folded) or YEAR.fullmatch(word):
        return False
    if _ordinal(word) is not None:
        return False
    if folded in CONNECTORS:  # "Media and the Eurasian..." is two names
        return not (folded in {"and", "&"} and after[:1] and after[0].casefold() == "the")
    return word[0].isupper()


def _edition_before(tokens: Sequence[tuple[int, str]], index: int) -> int | None:
    """The edition an ordinal at ``index`` gives, over "annual" or "upcoming" between."""
    while index >= 0 and tokens[index][1].casefold() in {"annual", "upcoming", "forthcoming"}:
        index -= 1
    return _ordinal(tokens[index][1]) if index >= 0 else None


def _trim(words: list[str]) -> list[str]:
    """Drop leading generic words and a leading possessive ("Kazakhstan's"); [] if no name."""
    kept = list(words)
    while kept and (
        kept[0].casefold() in LEADING
        or kept[0].casefold() in CONNECTORS
        or (len(kept) > 1 and _is_place_possessive(kept[0]) and distinctive(kept[1:]))
    ):
        kept.pop(0)
    if len(kept) > MAX_NAME_WORDS or (kept and kept[-1].casefold() in CONNECTORS):
        return []
    return kept if distinctive(kept) else []


def _is_place_possessive(word: str) -> bool:
    """Whether a word is a country's or city's possessive: "Kazakhstan's", "Bishkek’s"."""
    stem = word.removesuffix("'s").removesuffix("’s")
    return stem != word and (
        stem.endswith("stan") or stem in _REGIONS or bool(CITY_WORD.fullmatch(stem))
    )


def run_after(text: str, start: int) -> Run:
    """The capitalised run starting at ``start`` ("Turkic-speaking Countries' Cinema")."""
    words: list[tuple[int, str]] = []
    for match in _TOKEN.finditer(text, start):
        raw = match[0]
        word = raw.strip(_QUOTES + _CLAUSE_END)
        folded = word.casefold()
        if not word or folded in BREAKS or not (folded in CONNECTORS or word[0].isupper()):
            break
        words.append((match.start() + raw.index(word) + len(word), word))
        if raw.rstrip(_QUOTES)[-1:] in _CLAUSE_END:
            break
    while words and words[-1][1].casefold() in CONNECTORS:
        words.pop()
    return Run(tuple(word for _, word in words), start, words[-1][0] if words else start)


def may_name_english(text: str) -> bool:
    """Whether a paragraph may hold an English name, strong or weak: a quick test that never
    says no where ``english_mentions`` would find one in its sentences.

    Scanning a paragraph with ``_EN_KEYWORD`` costs far more than this: only
    the places where a keyword's letters occur are looked at.
    """
    return any(_may_end_name(text, at, hint) for hint, at in occurrences(text, _EN_HINTS))


def _may_end_name(text: str, at: int, hint: str) -> bool:
    """Whether the English keyword whose letters ``hint`` are at ``at`` (if it is one) may end
    a name: "of" and more after "festival", or a capitalised word before it past connectors,
    acronyms and "film" (as ``_run_before`` reads it, but looser)."""
    if hint == "estival" and _OF.match(text, at + len(hint)):
        return True
    # Whatever the window, the run ends at the first word that stops it: it is looked for in
    # the words before the keyword's own (or its "film"), as the paragraph spaces them.
    window = max(0, at - RUN_REACH)
    tokens = text[window:at].split()
    if tokens and at and not text[at - 1].isspace():
        tokens.pop()  # the keyword's own word
    if window and tokens:
        tokens.pop(0)  # it may be cut
    for raw in reversed(tokens):
        if _PAREN_ACRONYM.fullmatch(raw):
            continue
        if raw[-1] in _CLAUSE_END:
            return False
        word = raw.lstrip("([").strip(_QUOTES)
        if word[:1].isupper():
            return True
        if word.casefold() not in CONNECTORS and word.casefold() not in FILM_WORDS:
            return False
    return bool(window)  # the window may end inside the run


def english_mentions(text: str, sentence: int) -> Iterator[Mention]:
    """The English names in one sentence."""
    for keyword in _EN_KEYWORD.finditer(text):
        kind = keyword.lastgroup or "festival"
        shown = " ".join(word[0].upper() + word[1:] for word in keyword[0].split())
        run = _run_before(text, keyword.start())
        of = _OF.match(text, keyword.end()) if kind == "festival" else None
        tail = run_after(text, of.end()) if of else None
        if tail and tail.words:
            film = {w.casefold() for w in (*run.words, *shown.split(), *tail.words)}
            if FILM_WORDS & film and distinctive((*run.words, *tail.words)):
                name = " ".join((*run.words, shown, "of", *tail.words))
                start = run.start if run.words else keyword.start()
                yield Mention(name, kind, sentence, start, tail.end, run.edition)
                continue
        if not run.words:
            continue
        weak = keyword[0] == "festival"
        name = " ".join((*run.words, keyword[0] if weak else shown))
        aliases = tuple(f"{acronym} {shown}" for acronym in run.acronyms)
        if run.acronyms:
            aliases += (text[run.start : keyword.end()],)
        yield Mention(name, kind, sentence, run.start, keyword.end(), run.edition, aliases, weak)
