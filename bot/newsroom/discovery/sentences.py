"""An article's title and paragraphs cut into sentences, only where a name may be: "Dr. Smith"
and "Sept. 12" end none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .english import has_english_keyword, may_name_english
from .russian import has_russian_keyword, may_name_russian
from .words import word_list

WORD_REACH = 40  # characters before a sentence's end searched for its last word (Dr., Sept.)

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-ZА-ЯЁ0-9])")
_LAST_WORD = re.compile(r"(\w+)[.!?…]*$")
_ABBREVIATIONS = frozenset(
    word_list(
        """
        mr mrs ms dr st jr sr prof no vs etc jan feb mar apr jun jul aug sep sept oct nov dec
        г гг им ул т д
        """
    )
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence and the paragraph it belongs to."""

    text: str
    paragraph: int


def sentences_of(title: str, body: str) -> list[Sentence]:
    """The title, then every sentence of every paragraph of the body that may name an event.

    The others are left out unsplit: they hold no name, and no fact is read past the
    paragraph of a name, so what ``discover`` finds is the same.
    """
    sentences = []
    for number, paragraph in enumerate([title, *body.split("\n")]):
        if (has_english_keyword(paragraph) and may_name_english(paragraph)) or (
            has_russian_keyword(paragraph) and may_name_russian(" ".join(paragraph.split()))
        ):
            sentences += [
                Sentence(sentence, number) for sentence in _split(" ".join(paragraph.split()))
            ]
    return sentences


def _split(paragraph: str) -> Iterator[str]:
    """The sentences of one paragraph; "Dr. Smith" and "Sept. 12" do not end one."""
    start = 0
    for end in _SENTENCE_END.finditer(paragraph):
        # Only the end of the sentence is searched: from its start, the search is quadratic.
        word = _LAST_WORD.search(paragraph, max(start, end.start() - WORD_REACH), end.start() + 1)
        if word and (word[1].casefold() in _ABBREVIATIONS or len(word[1]) == 1):
            continue
        yield paragraph[start : end.end()].strip()
        start = end.end()
    if paragraph[start:].strip():
        yield paragraph[start:].strip()
