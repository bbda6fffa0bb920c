"""The README's console examples are executed: each `$ kubelint ...` prints what it shows."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from kubelint.cli import main

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```console\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def _sessions(block: str) -> list[tuple[str, str, str | None]]:
    """Split a console block into (command, expected output, expected exit code)."""
    out: list[tuple[str, str, str | None]] = []
    for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
        command, _, output = chunk.partition("\n")
        if command == "echo $?":
            previous = out.pop()
            out.append((previous[0], previous[1], output.strip()))
        else:
            out.append((command, output, None))
    return out


SESSIONS = [s for block in BLOCKS for s in _sessions(block)]


def test_readme_has_examples() -> None:
    assert len(SESSIONS) >= 1


@pytest.mark.parametrize(("command", "expected", "code"), SESSIONS, ids=[s[0] for s in SESSIONS])
def test_readme_example(
    command: str, expected: str, code: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    argv = shlex.split(command)
    assert argv[0] == "kubelint"
    out = io.StringIO()
    result = main([*argv[1:], "--color", "never"], out, io.StringIO())
    assert out.getvalue() == expected
    if code is not None:
        assert str(result) == code
