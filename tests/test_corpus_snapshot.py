"""The real-world corpus loop: findings on ../shared/corpus match the reviewed snapshot."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent


def _snapshot_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "corpus_snapshot", HERE / "corpus" / "snapshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


snapshot = _snapshot_module()
pytestmark = pytest.mark.skipif(not snapshot.CORPUS.is_dir(), reason="../shared/corpus is absent")


def test_findings_on_the_corpus_match_the_reviewed_snapshot() -> None:
    text = snapshot.diff(snapshot.read(), snapshot.current())
    assert not text, (
        "findings on ../shared/corpus changed; read every new finding, then run "
        "`python tests/corpus/snapshot.py --update` and say why in the commit:\n" + text
    )


def test_the_count_table_matches_the_snapshot() -> None:
    assert snapshot.COUNTS.read_text(encoding="utf-8") == snapshot.counts_table(snapshot.read())


def test_every_note_names_a_finding_of_the_snapshot() -> None:
    findings = {(r[0], r[1], r[2], r[3]) for r in snapshot.read()}
    for line in snapshot.NOTES.read_text(encoding="utf-8").splitlines()[1:]:
        rule, file, number, column, note = line.split("\t")
        assert note.strip(), line
        assert (rule, file, int(number), int(column)) in findings, f"stale note: {line}"


def test_the_diff_groups_by_rule_and_shows_both_sides() -> None:
    old = [
        ("a-rule", "real/x.yaml", 1, 1, "error", "gone"),
        ("b-rule", "real/y.yaml", 2, 3, "warning", "same"),
    ]
    new = [
        ("b-rule", "real/y.yaml", 2, 3, "warning", "same"),
        ("c-rule", "real/z.yaml", 4, 5, "info", "new"),
    ]
    assert snapshot.diff(old, new).splitlines() == [
        "a-rule: 1 gone, 0 new",
        "  - real/x.yaml:1:1: error gone",
        "c-rule: 0 gone, 1 new",
        "  + real/z.yaml:4:5: info new",
    ]
    assert snapshot.diff(new, new) == ""
