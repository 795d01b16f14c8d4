"""Festivals, awards, film camps and film labs named in an article's text.

Pure functions, no storage: ``discover`` reads a title and a body and returns every event they
name, with the dates, city, country and edition that the same sentence (or, for a sentence that
refers back to it, the same paragraph) gives; ``name_key`` (``storage.names``, the rule the
store keys festivals by) is the key under which two spellings of a name count as the same
festival.

The steps, one module each: ``sentences`` (only where a name may be), ``english`` and ``russian``
(the names), ``facts`` (with ``aliases``, ``dates`` and ``places``: what the text says of each
name), ``events`` (the names of one event grouped, made a ``Discovered``).

Quality over quantity: a name is a run of capitalised words right before a keyword ("Film
Festival", "Awards", "Film Camp", "Film Lab") or a quoted Russian name after one ("кинофестиваль
«…»"), and it must have a distinctive word besides generic ones ("the", "Best", "International").
"""

from __future__ import annotations

from datetime import date

from storage.names import name_key

from .english import english_mentions, has_english_keyword
from .events import KINDS, Discovered, discovered, group_mentions
from .facts import read_facts
from .mentions import Mention
from .russian import has_russian_keyword, russian_mentions
from .sentences import sentences_of

__all__ = ["KINDS", "Discovered", "discover", "name_key"]


def discover(title: str, body: str, published: date | None) -> list[Discovered]:
    """The festivals, awards, film camps and film labs a title and body name, in text order."""
    sentences = sentences_of(title, body)
    mentions: list[Mention] = []
    for number, sentence in enumerate(sentences):
        text = sentence.text
        found = list(english_mentions(text, number)) if has_english_keyword(text) else []
        if has_russian_keyword(text):  # the Russian pattern is slow to try everywhere
            found += russian_mentions(text, number)
        mentions += sorted(found, key=lambda mention: mention.start)
    if not any(not mention.weak for mention in mentions):
        return []  # only strong mentions make an event: no facts to read
    facts = read_facts(sentences, mentions, published)
    found_events = (
        discovered(g, mentions, facts, sentences) for g in group_mentions(mentions, facts)
    )
    return [event for event in found_events if event is not None]
