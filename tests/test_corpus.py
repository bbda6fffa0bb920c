"""The whole real-world corpus in ../shared/corpus/real: no crash, and every position is real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint.discover import discover
from kubelint.engine import select_rules
from kubelint.load import load_text
from kubelint.model import Finding, RunResult
from kubelint.registry import Registry
from kubelint.run import RunOptions, run

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is absent")


@pytest.fixture(scope="module")
def result(registry: Registry) -> RunResult:
    targets = discover([str(CORPUS)])
    return run(RunOptions(targets, select_rules(registry)))


def _source_at(result: RunResult, finding: Finding) -> str:
    lines = result.sources[finding.file].splitlines()
    return lines[finding.span.line - 1][finding.span.column - 1 :]


def test_corpus_runs_without_internal_errors(result: RunResult) -> None:
    assert result.summary.files > 300
    assert result.summary.resources > 400
    assert not [f for f in result.findings if f.rule == "internal-error"]
    # The corpus holds no Helm templates and no broken YAML.
    assert not [f for f in result.findings if f.rule == "parse-error"]


def _deepest_existing(obj: object, path: tuple[object, ...]) -> tuple[object, ...]:
    """Walk the plain data (not the position index) to the deepest existing prefix of path."""
    current = obj
    for depth, key in enumerate(path):
        if isinstance(key, str) and isinstance(current, dict) and key in current:
            current = current[key]
        elif isinstance(key, int) and isinstance(current, list) and 0 <= key < len(current):
            current = current[key]
        else:
            return path[:depth]
    return path


def _value(obj: object, path: tuple[object, ...]) -> object:
    current = obj
    for key in path:
        current = current[key]  # type: ignore[index]
    return current


def test_every_finding_points_at_its_key_or_nearest_holder(result: RunResult) -> None:
    resources = {}
    for name, text in result.sources.items():
        for res in load_text(name, text).resources:
            resources[(name, res.document, res.kind, res.name, res.namespace)] = res
    checked = 0
    for finding in result.findings:
        if finding.resource is None:
            continue
        ref = finding.resource
        res = resources[(finding.file, finding.document, ref.kind, ref.name, ref.namespace)]
        target = _deepest_existing(res.obj, finding.path)
        text = _source_at(result, finding)
        where = f"{finding.file}:{finding.span.line}:{finding.span.column} {finding.rule}"
        if target and isinstance(target[-1], str):
            key = target[-1]
            value = _value(res.obj, target)
            # A finding points at the key, or (like removed-api) at a scalar value.
            starts = [key, f'"{key}"', f"'{key}'"]
            if target == finding.path and isinstance(value, str) and value:
                starts += [value, f'"{value}"', f"'{value}'"]
            assert text.startswith(tuple(starts)), f"{where}: {text[:40]!r}"
        elif target and target != finding.path and isinstance(_value(res.obj, target), dict):
            # A field missing from a list item: its `name:` key, or else its first key.
            item = _value(res.obj, target)
            key = "name" if "name" in item else next(iter(item))
            assert text.startswith((key, f'"{key}"')), f"{where}: {text[:40]!r}"
            assert finding.span.end_line == finding.span.line, where
        else:
            # A list item (or a whole object): the span starts on the item's first character.
            lines = result.sources[finding.file].splitlines()
            before = "\n".join(lines[: finding.span.line - 1])
            before += "\n" + lines[finding.span.line - 1][: finding.span.column - 1]
            assert text and not text[0].isspace(), where
            assert not target or before.rstrip().endswith(("-", "[", ",")), f"{where}: {text!r}"
        checked += 1
    assert checked == len([f for f in result.findings if f.resource is not None]) > 1000


def test_known_findings_in_corpus(result: RunResult) -> None:
    dup = [
        (Path(f.file).name, f.span.line, f.span.column)
        for f in result.findings
        if f.rule == "duplicate-key"
    ]
    assert ("quobyte-admin-secret.yaml", 9, 1) in dup
    privileged = [f for f in result.findings if f.rule == "privileged-container"]
    assert privileged
    for finding in privileged:
        assert _source_at(result, finding).startswith("privileged:")


def test_cli_over_corpus_is_deterministic() -> None:
    cmd = [sys.executable, "-m", "kubelint", "check", str(CORPUS), "--format", "json"]
    first = subprocess.run(cmd, capture_output=True, timeout=300)
    second = subprocess.run(cmd, capture_output=True, timeout=300)
    assert first.returncode == 1, first.stderr
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["summary"]["files"] > 300
