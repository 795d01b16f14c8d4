"""The Dockerfile follows the usual practice (Docker cannot run here, so its text is checked)."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, continuation lines joined."""

    keyword: str
    arguments: str


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, comments dropped, ``\\`` continuations joined."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            found.append(Instruction(keyword.upper(), " ".join(arguments.split())))
    return found


def stages(all_instructions: list[Instruction]) -> list[list[Instruction]]:
    """The instructions of each build stage (each starts with FROM)."""
    result: list[list[Instruction]] = []
    for instruction in all_instructions:
        if instruction.keyword == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    """The repository's Dockerfile."""
    return instructions((ROOT / "Dockerfile").read_text())


@pytest.fixture(scope="module")
def runtime(dockerfile: list[Instruction]) -> list[Instruction]:
    """The final stage: what the image runs."""
    return stages(dockerfile)[-1]


def _args(instructions_: list[Instruction], keyword: str) -> list[str]:
    return [i.arguments for i in instructions_ if i.keyword == keyword]


def _env(stage: list[Instruction]) -> dict[str, str]:
    values = {}
    for arguments in _args(stage, "ENV"):
        values.update(re.findall(r"(\w+)=(\S+)", arguments))
    return values


def test_it_is_multi_stage_on_a_slim_python_311(dockerfile: list[Instruction]) -> None:
    arg = dict(re.findall(r"(\w+)=(\S+)", " ".join(_args(dockerfile, "ARG"))))
    bases = [
        a.split()[0].replace("${PYTHON_IMAGE}", arg.get("PYTHON_IMAGE", ""))
        for a in _args(dockerfile, "FROM")
    ]
    assert len(bases) >= 2
    assert all(base == "python:3.11-slim" for base in bases)


def test_it_runs_as_a_non_root_user(runtime: list[Instruction]) -> None:
    users = _args(runtime, "USER")
    assert users, "the runtime stage sets no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert any("useradd" in run and user in run for run in _args(runtime, "RUN"))


def test_it_runs_the_bot_and_checks_its_health_with_filmnews_check(
    runtime: list[Instruction],
) -> None:
    assert json.loads(_args(runtime, "CMD")[-1]) == ["filmnews", "run"]
    [healthcheck] = _args(runtime, "HEALTHCHECK")
    options, _, command = healthcheck.partition(" CMD ")
    assert json.loads(command) == ["filmnews", "check"]
    assert "--timeout=" in options


def test_the_database_is_on_a_volume_and_the_seeds_are_inside(
    runtime: list[Instruction],
) -> None:
    env = _env(runtime)
    assert env["PYTHONUNBUFFERED"] == "1"
    volumes = [v for arguments in _args(runtime, "VOLUME") for v in json.loads(arguments)]
    assert volumes == ["/data"]
    assert env["FILMNEWS_DATABASE"].startswith("/data/")
    seeds = [a for a in _args(runtime, "COPY") if a.split()[-2] == "seeds"]
    assert seeds
    assert env["FILMNEWS_SEEDS"] in ("/app/seeds", "seeds")


def test_no_secret_is_baked_in(dockerfile: list[Instruction]) -> None:
    names = [*_env(dockerfile), *(a.split("=")[0] for a in _args(dockerfile, "ARG"))]
    assert not [name for name in names if re.search("TOKEN|SECRET|PASSWORD|ADMIN", name)]


def test_dependencies_are_installed_in_their_own_layer_before_the_code(
    dockerfile: list[Instruction],
) -> None:
    build = stages(dockerfile)[0]
    keywords = [(i.keyword, i.arguments) for i in build]
    copy_pyproject = next(
        n for n, (k, a) in enumerate(keywords) if k == "COPY" and a.startswith("pyproject.toml")
    )
    install_deps = next(
        n for n, (k, a) in enumerate(keywords) if k == "RUN" and "pip install -r" in a
    )
    copy_code = next(
        n for n, (k, a) in enumerate(keywords) if k == "COPY" and a.split()[0] in ("bot", ".")
    )
    assert copy_pyproject < install_deps < copy_code


def test_the_dependency_list_it_installs_is_the_projects(dockerfile: list[Instruction]) -> None:
    [run] = [a for a in _args(dockerfile, "RUN") if "tomllib" in a]
    snippet = re.search(r'python -c "(.*?)" >', run)
    assert snippet is not None
    printed = subprocess.run(
        [sys.executable, "-c", snippet.group(1)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert printed == expected


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        bare = pattern.removeprefix("!").removeprefix("**/")
        if fnmatch.fnmatch(path, bare) or fnmatch.fnmatch(path.split("/")[0], bare):
            ignored = not negate
    return ignored


def test_what_it_copies_exists_and_is_not_ignored(dockerfile: list[Instruction]) -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for arguments in _args(dockerfile, "COPY"):
        parts = [p for p in arguments.split() if not p.startswith("--")]
        if "--from=" in arguments:
            continue
        for source in parts[:-1]:
            assert (ROOT / source).exists(), source
            assert not _ignored(source, patterns), source
    for secret_or_junk in (".env", ".git", "data", "filmnews.db", "tests", ".venv"):
        assert _ignored(secret_or_junk, patterns), secret_or_junk
