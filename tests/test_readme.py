"""Documentation examples are executed: each `$ kubelint ...` prints what it shows."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from kubelint.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ("README.md", "docs/custom-rules.md", "docs/configuration.md")
BLOCKS = [
    block
    for name in DOCUMENTS
    if (ROOT / name).is_file()
    for block in re.findall(r"```console\n(.*?)```", (ROOT / name).read_text(), re.S)
]


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
    assert len(SESSIONS) >= 2


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


def test_custom_rule_examples_are_the_real_files() -> None:
    text = (ROOT / "docs" / "custom-rules.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    for path in sorted((ROOT / "examples" / "policy" / "rules").glob("*.yaml")):
        assert path.read_text() in blocks, path.name
    assert (ROOT / "examples" / "policy" / "kubelint.yaml").read_text() in blocks


def test_custom_rule_examples_run_their_own_examples() -> None:
    from kubelint.registry import default_registry
    from kubelint.testing import lint_text

    registry = default_registry([ROOT / "examples" / "policy" / "rules"])
    assert registry.errors == ()
    for rule_id in ("trusted-registry", "team-label", "cpu-limit"):
        rule = registry.rules[rule_id]
        assert rule.bad is not None and rule.good is not None
        bad = list(lint_text(rule.bad.manifest, [rule_id], registry=registry))
        assert [(f.span.line, f.span.column) for f in bad] == list(rule.bad.findings)
        assert lint_text(rule.good.manifest, [rule_id], registry=registry) == []


@pytest.mark.parametrize("language", ["yaml", "toml"])
def test_configuration_examples_are_valid(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    text = (ROOT / "docs" / "configuration.md").read_text()
    example = re.findall(rf"```{language}\n(.*?)```", text, re.S)[0]
    name = ".kubelint.yaml" if language == "yaml" else "pyproject.toml"
    (tmp_path / name).write_text(example)
    (tmp_path / "policy").mkdir()
    shutil.copy(ROOT / "examples" / "policy" / "rules" / "cpu-limit.yaml", tmp_path / "policy")
    shutil.copy(ROOT / "examples" / "basic" / "pod.yaml", tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))
    err = io.StringIO()
    assert main(["check", "pod.yaml", "--write-baseline", "b.json"], io.StringIO(), err) == 0
    (tmp_path / ".kubelint-baseline.json").write_text((tmp_path / "b.json").read_text())
    code = main(["check", "pod.yaml"], io.StringIO(), err)
    assert code in (0, 1), err.getvalue()
