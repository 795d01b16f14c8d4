"""`filmnews` as a real subprocess; the contract's commands in the README and the parser."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from tests.conftest import SEEDS

ROOT = SEEDS.parent
CONTRACT_COMMANDS = ("run", "ingest", "chat", "digest", "check")


def filmnews(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot ARGS`` in ``cwd`` with only our variables set (no .env there)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FILMNEWS_", "TELEGRAM_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ingest_seeds_then_again(tmp_path: Path) -> None:
    database = str(tmp_path / "data" / "filmnews.db")
    first = filmnews("ingest", str(SEEDS), cwd=tmp_path, FILMNEWS_DATABASE=database)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Total: 7 articles added" in out
    assert "10 rates added; 9 festival links." in out
    assert "9 festivals added" in out
    assert "Golden Panda Awards  [Golden Panda Awards]" in out
    assert (
        "Showcases Central Asian Talent, New and Old  [Bishkek International Film Festival]" in out
    )
    assert "[Eurasian Film Festival, Romford Film Festival]" in out
    assert "$ TJS/USD = 0.10598 -0.19% on 2026-02-13" in out
    assert "$ UZS/USD = 0.00008 0% on 2026-02-07" in out
    assert Path(database).is_file()

    second = filmnews("ingest", str(SEEDS), cwd=tmp_path, FILMNEWS_DATABASE=database)
    assert second.returncode == 0, second.stderr
    assert "Total: 0 articles added, 0 completed, 9 skipped; 0 rates added" in second.stdout
    assert "0 festivals added, 9 already known" in second.stdout


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No filmnews variables set, the working directory a temporary one (so no .env)."""
    for key in list(os.environ):
        if key.startswith(("FILMNEWS_", "TELEGRAM_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FILMNEWS_DATABASE", str(tmp_path / "f.db"))
    return tmp_path


def test_a_bad_page_exits_1_naming_file_and_line(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = clean_env / "bad.txt"
    bad.write_text("• KGS/USD = 0.01 0%\n• KZT/USD = oops\n01 March 2026\n", "utf-8")
    assert main(["ingest", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.txt:2:" in err
    assert "nothing written" in err


def test_a_missing_path_exits_1(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(clean_env / "absent")]) == 1
    assert "absent: no such file or folder" in capsys.readouterr().err


def test_bad_configuration_exits_2_with_one_line(tmp_path: Path) -> None:
    result = filmnews("ingest", str(SEEDS), cwd=tmp_path, FILMNEWS_TIMEZONE="Mars/Base")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line == (
        "filmnews: bad configuration: FILMNEWS_TIMEZONE: "
        "'Mars/Base' is not a time zone name like Asia/Bishkek"
    )
    assert result.stdout == ""
    assert not (tmp_path / "data").exists()  # nothing was opened


@pytest.mark.parametrize(
    ("line", "variable"),
    [
        ("FILMNEWS_ADMIN_IDS=12,x", "FILMNEWS_ADMIN_IDS"),
        ("FILMNEWS_DIGEST_TIME=25:00", "FILMNEWS_DIGEST_TIME"),
        ("FILMNEWS_LOG_LEVEL=CHATTY", "FILMNEWS_LOG_LEVEL"),
    ],
)
def test_a_bad_variable_in_dot_env_exits_2_naming_it(
    clean_env: Path, capsys: pytest.CaptureFixture[str], line: str, variable: str
) -> None:
    (clean_env / ".env").write_text(line + "\n", "utf-8")
    assert main(["ingest", str(SEEDS)]) == 2
    [message] = capsys.readouterr().err.strip().splitlines()
    assert message.startswith(f"filmnews: bad configuration: {variable}: ")
    assert not (clean_env / "f.db").exists()


def parser_commands() -> set[str]:
    """The subcommands the argparse parser knows."""
    [subparsers] = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    return set(subparsers.choices)


def readme_commands() -> set[str]:
    """The ``filmnews COMMAND`` lines the README documents."""
    readme = (ROOT / "README.md").read_text("utf-8")
    return set(re.findall(r"^\s*filmnews ([a-z]+)\b", readme, flags=re.MULTILINE))


@pytest.mark.parametrize("command", CONTRACT_COMMANDS)
def test_every_contract_command_is_in_the_parser_and_the_readme(command: str) -> None:
    assert command in parser_commands()
    assert command in readme_commands()


def test_the_readme_documents_every_parser_command() -> None:
    assert parser_commands() <= readme_commands()


def test_the_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    [command] = re.findall(r"^\s+(pip install -e '\.\[test\]'.*)$", readme, flags=re.MULTILINE)
    assert command.strip() in ci


def test_ingest_refuses_a_huge_page_and_a_huge_article_naming_the_limits(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = clean_env / "dump.txt"
    huge.write_text("A title\n\n" + "word " * 1_000_001, "utf-8")  # ~5 MB
    long = clean_env / "long.txt"
    long.write_text("A very long article\n" + "sentence of text. " * 3_000, "utf-8")
    fine = clean_env / "fine.txt"
    fine.write_text("Kyrgyz films in Cannes\nThree films from Bishkek were selected.\n", "utf-8")

    assert main(["ingest", str(huge), str(long), str(fine)]) == 1

    out, err = capsys.readouterr()
    assert "dump.txt:1: 5,000,014 bytes; a page may have at most 5,000,000" in err
    assert "long.txt:1: the article 'A very long article' is 53,999 characters long; " in err
    assert "an article may have at most 50,000" in err
    assert "Total: 1 article added" in out
