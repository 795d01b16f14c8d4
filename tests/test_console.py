"""``filmnews chat``: a real process with piped stdin; Telegram HTML rendered for a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.console import BOT_USER, DEFAULT_USER_ID, ConsoleChat, render_html
from bot.console.input import PipedInput, TerminalInput
from storage import Store
from tests.conftest import SEEDS


def chat(tmp_path: Path, script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot chat`` with ``script`` as its stdin, no token, a fresh database."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "FILMNEWS_"))}
    environ |= {
        "FILMNEWS_DATABASE": str(tmp_path / "chat.db"),
        "FILMNEWS_SEEDS": str(SEEDS),
        "PYTHONIOENCODING": "utf-8",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        input=script,
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


async def titles(tmp_path: Path, limit: int, pages: int = 1) -> list[str]:
    """Titles of the newest articles in the chat's database (on the ``pages``-th page)."""
    store = await Store.open(tmp_path / "chat.db")
    try:
        page = await store.articles.latest(limit)
        for _ in range(pages - 1):
            page = await store.articles.latest(limit, older_than=page[-1].position)
        return [a.title for a in page]
    finally:
        await store.close()


async def test_latest_then_more_by_label_then_open_by_number(tmp_path: Path) -> None:
    result = chat(tmp_path, "/latest 2\nolder\n1\n")
    assert result.returncode == 0, result.stderr
    first, second = await titles(tmp_path, 2), await titles(tmp_path, 2, pages=2)
    out = result.stdout
    page_one, _, rest = out.partition("you› older")
    page_two, _, opened = rest.partition("you› 1")
    assert all(title in page_one for title in first)
    assert not any(title in page_one for title in second)
    assert "(edited)" in page_two  # "Older" edits the message in place
    assert all(title in page_two for title in second)
    assert "[1]" in page_two
    assert second[0] in opened  # button 1 of the newest keyboard opens the first article shown
    assert result.stderr == ""  # no warnings or log noise in a normal session
    assert "<b>" not in out  # HTML rendered, not shown raw
    assert "\x1b[" not in out  # no ANSI codes when stdout is not a terminal


async def test_article_by_id_shows_its_title_and_body(tmp_path: Path) -> None:
    result = chat(tmp_path, "/article 3\n")
    assert result.returncode == 0, result.stderr
    store = await Store.open(tmp_path / "chat.db")
    try:
        article = await store.articles.get(3)
    finally:
        await store.close()
    assert article.title in result.stdout
    assert article.body.split()[5] in result.stdout


def test_help_is_the_same_list_as_in_telegram_and_quit_ends_the_session(tmp_path: Path) -> None:
    result = chat(tmp_path, "/help\n/quit\n/start\n")
    assert result.returncode == 0, result.stderr
    assert "/latest [N] — the newest articles" in result.stdout
    assert "Film news from Central Asia" not in result.stdout  # nothing after /quit
    assert "/post" not in result.stdout


def test_user_id_makes_an_admin(tmp_path: Path) -> None:
    result = chat(tmp_path, "/help\n", "--user-id", "42", FILMNEWS_ADMIN_IDS="42")
    assert "Admin commands" in result.stdout
    assert "/post" in result.stdout


def test_unknown_command_and_empty_lines(tmp_path: Path) -> None:
    result = chat(tmp_path, "\n\n/frobnicate\n")
    assert result.returncode == 0, result.stderr
    assert "I don't know the command /frobnicate" in result.stdout


def test_end_of_input_without_anything_exits_cleanly(tmp_path: Path) -> None:
    result = chat(tmp_path, "")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("html", "plain"),
    [
        ("<b>Bold</b> &amp; <i>it</i>", "Bold & it"),
        ("a &lt;tag&gt; &quot;q&quot; &#39;s", 'a <tag> "q" \'s'),
        ('<a href="https://x.org/a">read</a>', "read (https://x.org/a)"),
        ('<a href="https://x.org/a">https://x.org/a</a>', "https://x.org/a"),
        ("<blockquote>quoted</blockquote>", "│ quoted"),
        ('<span class="tg-spoiler">hidden</span> <code>x&lt;1</code>', "hidden x<1"),
        ("Кыргызстан <u>кино</u>", "Кыргызстан кино"),
    ],
)
def test_html_is_rendered_as_plain_text(html: str, plain: str) -> None:
    assert render_html(html, ansi=False) == plain


def test_html_bold_becomes_ansi_on_a_terminal() -> None:
    assert render_html("<b>Big</b> news", ansi=True) == "\x1b[1mBig\x1b[22m news"


def test_buttons_are_numbered_and_pressed_by_number_or_label(tmp_path: Path) -> None:
    with (tmp_path / "out.txt").open("w+", encoding="utf-8") as out:
        console = ConsoleChat(user_id=5, out=out, ansi=False)
        keyboard = {
            "inline_keyboard": [
                [{"text": "📖 #5 A title", "callback_data": "open:5"}],
                [{"text": "More ▸", "callback_data": "more:5"}],
            ]
        }
        message = console.send(
            {"text": "<b>Page</b>", "parse_mode": "HTML", "reply_markup": keyboard}
        )
        out.seek(0)
        assert out.read() == "Page\n[1] 📖 #5 A title\n[2] More ▸\n\n"
    assert message["text"] == "Page"
    assert console.button_for("2") == console.button_for("more") == console.buttons[1]
    assert console.button_for("#5") == console.buttons[0]
    assert console.button_for("3") is None
    assert console.button_for("/more") is None
    pressed = console.pressed(console.buttons[1])["callback_query"]
    assert pressed["data"] == "more:5"
    assert pressed["message"]["message_id"] == message["message_id"]


def test_a_line_ending_in_a_backslash_goes_on_so_a_post_can_have_a_body(tmp_path: Path) -> None:
    script = "/post Kyrgyz cinema week opens\\\nFive films in Bishkek.\\\nSecond line.\n"
    result = chat(tmp_path, script, "--user-id", "42", FILMNEWS_ADMIN_IDS="42")
    assert result.returncode == 0, result.stderr
    assert "Kyrgyz cinema week opens" in result.stdout
    assert "Five films in Bishkek." in result.stdout
    assert "Second line." in result.stdout
    assert "I don't know" not in result.stdout  # the body was not sent as messages of its own


def test_log_lines_go_to_a_file_not_into_the_conversation(tmp_path: Path) -> None:
    result = chat(tmp_path, "/stats\n", "--user-id", "5", FILMNEWS_ADMIN_IDS="42")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "admins only" in result.stdout
    assert "refused" not in result.stdout  # the audit trail's log line is not in the chat
    log = (tmp_path / "filmnews-chat.log").read_text("utf-8")
    assert "refused stats to user 5" in log


def test_lang_plays_a_user_whose_app_is_in_that_language(tmp_path: Path) -> None:
    for code in ("ru", "en"):
        (tmp_path / code).mkdir()
    russian = chat(tmp_path / "ru", "/language\n", "--lang", "ru")
    english = chat(tmp_path / "en", "/language\n")
    assert russian.returncode == 0, russian.stderr
    assert "✓ Русский" in russian.stdout  # the app's language, until the chat chooses one
    assert "✓ English" in english.stdout
    assert "✓ Русский" not in english.stdout


def test_the_default_user_is_not_the_bot(tmp_path: Path) -> None:
    result = chat(tmp_path, "/id\n")
    assert f"Your user id: {DEFAULT_USER_ID}" in result.stdout
    assert BOT_USER["id"] != DEFAULT_USER_ID


async def test_the_terminal_takes_a_paste_whole_continues_after_a_backslash_and_has_history() -> (
    None
):
    with create_pipe_input() as keys:
        terminal = TerminalInput("you› ", input=keys, output=DummyOutput())
        keys.send_text("\x1b[200~/post Title\nBody of the post\x1b[201~\r")
        assert await terminal.read() == "/post Title\nBody of the post"
        keys.send_text("/post Other\\\rIts body\r")
        assert await terminal.read() == "/post Other\nIts body"
        keys.send_text("\x1b[A\r")  # ↑ brings back the last message
        assert await terminal.read() == "/post Other\nIts body"
        keys.send_text("\x04")  # Ctrl-D ends the session
        assert await terminal.read() is None


async def test_piped_input_joins_continued_lines(tmp_path: Path) -> None:
    with (tmp_path / "in.txt").open("w+", encoding="utf-8") as stream:
        stream.write("/post A\\\nB\\\nC\n/help\nlast\\\n")
        stream.seek(0)
        source = PipedInput(stream)
        assert [await source.read() for _ in range(4)] == ["/post A\nB\nC", "/help", "last", None]


def test_a_line_after_a_type_it_prompt_answers_it_as_in_telegram(tmp_path: Path) -> None:
    script = "/subscribe 08:30 Asia/Almaty\n/settings\nother time\n06:45\nother zone\nTashkent\n"
    result = chat(tmp_path, script)

    assert result.returncode == 0, result.stderr
    assert "Nothing found" not in result.stdout  # the answers were not searched
    assert "When: every day at 06:45 (Asia/Almaty)." in result.stdout
    assert "When: every day at 06:45 (Asia/Tashkent)." in result.stdout
