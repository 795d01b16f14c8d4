"""What was wrong with a reader's or an admin's input, as a message to translate where it is shown.

The newsroom knows no reader and no language: it raises a ``Problem`` with the English message
(marked for the catalogs with ``bot.i18n.mark``) and the values of its ``{placeholders}``; the
handler renders it in the reader's language (``bot.render.problems``). ``str(problem)`` is the
English, for logs and for code that only needs to know that something was wrong.
"""

from __future__ import annotations


class Problem(ValueError):
    """Input that cannot be used: a message id with ``{named}`` placeholders, and their values."""

    def __init__(self, message: str, /, **values: object) -> None:
        super().__init__(message.format(**values) if values else message)
        self.message = message
        self.values = values
