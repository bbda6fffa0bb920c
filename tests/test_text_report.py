"""The text report: one split per file, colour without rich's cost, no terminal escapes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kubelint.cli import main

POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "a\\e[31mb\\u009bc"\nspec: {}\n'


def _text(*args: str) -> str:
    out = io.StringIO()
    main(["check", *args, "--select", "bare-pod"], out, io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("color", ["never", "always"])
def test_control_characters_in_yaml_never_reach_the_terminal(tmp_path: Path, color: str) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text(POD)
    out = _text(str(path), "--color", color)
    assert 'Pod "a\\x1b[31mb\\x9bc"' in out
    # Only kubelint's own SGR codes, and only with colour.
    assert "\x9b" not in out
    codes = {part.split("m", 1)[0] for part in out.split("\x1b[")[1:]}
    assert codes == (set() if color == "never" else {"1", "0", "1;33", "36", "2", "31"})


def test_colour_and_plain_reports_say_the_same(tmp_path: Path) -> None:
    import re

    for i in range(3):
        (tmp_path / f"p{i}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec: {{}}\n"
        )
    plain = _text(str(tmp_path), "--color", "never")
    coloured = _text(str(tmp_path), "--color", "always")
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert plain.count("[bare-pod]") == 3
    assert coloured.startswith("\x1b[1m")
