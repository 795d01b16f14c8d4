"""Keep the translation catalogs in step with the code: ``python -m bot.i18n.catalogs``.

Extracts every message the bot says (calls of ``t("…")`` and ``t.plural("…", "…", n)``) and
merges them into each language's ``<code>/LC_MESSAGES/messages.po``: new messages arrive
untranslated, messages no longer used are dropped, translations are kept. The tests fail while
any catalog misses a message (tests/test_i18n.py).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import BABEL_LOCALES, DEFAULT, LANGUAGES

BOT = Path(__file__).resolve().parent.parent
LOCALE = Path(__file__).resolve().parent / "locale"
KEYWORDS = {"t": None, "plural": (1, 2), "mark": None}
HEADER = "filmnews: the bot's messages. Correct a translation here (see README, Translations)."


def extract() -> Catalog:
    """Every message of the bot's code, as a catalog without translations."""
    template = Catalog(project="filmnews", version="1", header_comment=f"# {HEADER}")
    for filename, lineno, message, comments, context in extract_from_dir(
        BOT, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(code: str, template: Catalog) -> Path:
    """Merge the template into one language's catalog (created if missing)."""
    path = LOCALE / code / "LC_MESSAGES" / "messages.po"
    locale = BABEL_LOCALES.get(code, code)
    if path.exists():
        with path.open("rb") as source:
            catalog = read_po(source, locale=locale)
    else:
        catalog = Catalog(
            locale=locale, project="filmnews", version="1", header_comment=f"# {HEADER}"
        )
    catalog.fuzzy = False  # a fuzzy header would be left out of the compiled catalog
    catalog.update(template, no_fuzzy_matching=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        write_po(target, catalog, width=99, omit_header=False, ignore_obsolete=True)
    return path


def main() -> int:
    """Update every catalog."""
    template = extract()
    for code in LANGUAGES:
        if code != DEFAULT:
            print(update(code, template))
    print(f"{len(template)} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
