"""What the terminal user types in ``filmnews chat``: one message at a time, possibly multi-line.

A line ending in ``\\`` goes on on the next line (a multi-line ``/post``). On a terminal, input
is read with prompt_toolkit: arrow keys, history (↑/↓), and a paste is taken whole, newlines
included (bracketed paste), to be sent with Enter. From a pipe, lines are read as they come.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Protocol, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.output import Output

CONTINUATION = "\\"


class MessageSource(Protocol):
    """Where the user's messages come from."""

    async def read(self) -> str | None:
        """The next message, or None at the end of input."""


class PipedInput:
    """Messages from a stream, one a line; a line ending in ``\\`` continues on the next."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    async def read(self) -> str | None:
        """The next message (continued lines joined by newlines), or None at the end."""
        line = await _read_line(self._stream)
        if line is None:
            return None
        while line.endswith(CONTINUATION):
            more = await _read_line(self._stream)
            if more is None:
                return line.removesuffix(CONTINUATION)
            line = f"{line.removesuffix(CONTINUATION)}\n{more}"
        return line


class TerminalInput:
    """Messages typed at a terminal, with line editing and history (prompt_toolkit)."""

    def __init__(
        self, prompt: str, *, input: Input | None = None, output: Output | None = None
    ) -> None:
        self._prompt = prompt
        self._session: PromptSession[str] = PromptSession(
            history=InMemoryHistory(),
            key_bindings=_bindings(),
            multiline=True,  # Enter is ours: send, or a new line after "\"
            prompt_continuation="… ",
            input=input,
            output=output,
        )

    async def read(self) -> str | None:
        """The next message; None on Ctrl-D or Ctrl-C."""
        try:
            return await self._session.prompt_async(self._prompt)
        except (EOFError, KeyboardInterrupt):
            return None


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        """Send the message, unless the line ends in "\\": then go on on a new line."""
        buffer = event.current_buffer
        if buffer.document.text_before_cursor.endswith(CONTINUATION):
            buffer.delete_before_cursor(1)
            buffer.insert_text("\n")
        else:
            buffer.validate_and_handle()

    return bindings


async def _read_line(stream: TextIO) -> str | None:
    """One line of ``stream``, or None at its end; read in a daemon thread (Ctrl-C never hangs)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str | None] = loop.create_future()

    def read() -> None:
        try:
            raw = stream.readline()
        except BaseException as error:  # handed to the waiting coroutine
            loop.call_soon_threadsafe(_fail, future, error)
            return
        loop.call_soon_threadsafe(_resolve, future, raw.rstrip("\r\n") if raw else None)

    threading.Thread(target=read, name="filmnews-chat-input", daemon=True).start()
    return await future


def _resolve(future: asyncio.Future[str | None], line: str | None) -> None:
    if not future.done():
        future.set_result(line)


def _fail(future: asyncio.Future[str | None], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)
