"""Bounded memory: findings listed per rule and file, nodes per file, duplicate keys counted.

A 62 MB file with 4.1 million invalid labels used to hold every finding (about 2.7 KB each)
and died at 11.5 GB. Now at most FINDINGS_PER_RULE_AND_FILE findings of one rule in one file
are listed, the rest are counted in one finding at the first of them, and a file is read up
to MAX_NODES YAML nodes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kubelint import FINDINGS_PER_RULE_AND_FILE, compose
from kubelint.cli import main
from kubelint.collect import Collector
from kubelint.model import Finding, Severity, Span
from kubelint.suppress import Index

LIMIT = FINDINGS_PER_RULE_AND_FILE


def labels(count: int, start_line_comment: str = "") -> str:
    """A ConfigMap with `count` invalid label keys, one per line from line 6 on."""
    head = f"{start_line_comment}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n"
    return head + "".join(f"    -a{i}: v\n" for i in range(count))


def run(*args: str) -> tuple[int, dict[str, object]]:
    """Run kubelint in this process with a JSON report; return the exit code and the report."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "-f", "json", *args], out, err)
    assert "Traceback" not in err.getvalue()
    return code, json.loads(out.getvalue())


def findings_of(report: dict[str, object], rule: str) -> list[dict[str, object]]:
    """Return the report's findings of one rule."""
    found = report["findings"]
    assert isinstance(found, list)
    return [f for f in found if f["rule"] == rule]


def test_past_the_limit_the_rest_of_a_rules_findings_are_one_finding_at_the_first(
    tmp_path: Path,
) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(labels(LIMIT + 5))
    code, report = run(str(path))
    found = findings_of(report, "label-syntax")
    assert code == 1
    assert len(found) == LIMIT + 1
    listed, summary = found[:-1], found[-1]
    # The first LIMIT labels in file order are listed: lines 6 .. LIMIT + 5.
    assert [f["line"] for f in listed] == list(range(6, LIMIT + 6))
    assert (summary["line"], summary["column"]) == (LIMIT + 6, 5)
    assert summary["severity"] == "error"
    assert summary["message"] == (
        f"5 more label-syntax findings in this file from here on are not listed (at most "
        f"{LIMIT:,} per rule and file are; --all-findings lists them all)"
    )
    assert summary["resource"] is None


def test_all_findings_lists_every_one(tmp_path: Path) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(labels(LIMIT + 5))
    _, report = run("--all-findings", str(path))
    found = findings_of(report, "label-syntax")
    assert len(found) == LIMIT + 5
    assert not [f for f in found if "more" in str(f["message"])]


def test_exactly_the_limit_needs_no_summary(tmp_path: Path) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(labels(LIMIT))
    _, report = run(str(path))
    assert len(findings_of(report, "label-syntax")) == LIMIT


def test_the_limit_is_per_rule_and_per_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(labels(LIMIT + 1))
    (tmp_path / "b.yaml").write_text(labels(3))
    _, report = run(str(tmp_path))
    per_file = Counter(
        str(f["file"]).rsplit("/", 1)[-1] for f in findings_of(report, "label-syntax")
    )
    assert per_file == {"a.yaml": LIMIT + 1, "b.yaml": 3}


def test_a_suppressed_rule_gives_a_suppressed_summary(tmp_path: Path) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(labels(LIMIT + 2, "# kubelint: disable-file=label-syntax -- generated\n"))
    code, report = run(str(path))
    found = findings_of(report, "label-syntax")
    assert code == 0
    assert len(found) == LIMIT + 1
    assert all(f["suppressed"] for f in found)
    assert found[-1]["suppression_reason"] == "every one of them is suppressed"


def test_a_baseline_records_and_then_hides_every_finding_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "labels.yaml"
    path.write_text(labels(LIMIT + 5))
    baseline = tmp_path / "baseline.json"
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "--write-baseline", str(baseline), str(path)], out, err) == 0
    recorded = json.loads(baseline.read_text())["findings"]
    # Writing a baseline lifts the limit: fixing a listed finding must not make a hidden one new.
    assert sum(e["rule"] == "label-syntax" for e in recorded) == LIMIT + 5
    code, report = run("--baseline", str(baseline), str(path))
    assert (code, findings_of(report, "label-syntax")) == (0, [])
    # One new invalid label past the limit is the one finding reported.
    path.write_text(labels(LIMIT + 6))
    code, report = run("--baseline", str(baseline), str(path))
    assert [f["line"] for f in findings_of(report, "label-syntax")] == [LIMIT + 11]


def test_the_earliest_findings_are_listed_whatever_order_a_rule_yields_them() -> None:
    def finding(line: int) -> Finding:
        return Finding("r", Severity.WARNING, f"at {line}", "f.yaml", Span(line, 1, line, 2))

    collector = Collector(Index(), limit=3)
    collector.add(finding(line) for line in (9, 2, 7, 1, 8, 3))
    found, _ = collector.result()
    # The report sorts findings; the collector only chooses them.
    assert sorted(f.span.line for f in found[:-1]) == [1, 2, 3]
    assert found[-1].span.line == 7
    assert found[-1].message.startswith("3 more r findings in this file from here on")
    assert found[-1].severity is Severity.WARNING


def test_duplicate_keys_past_the_limit_are_counted_not_kept(tmp_path: Path) -> None:
    body = "".join(f"  k: {i}\n" for i in range(LIMIT + 4))
    path = tmp_path / "dups.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n" + body)
    _, report = run(str(path))
    found = findings_of(report, "duplicate-key")
    assert len(found) == LIMIT + 1
    # Line 6 holds the first `k`; duplicates start on line 7, and the first unlisted one is
    # line LIMIT + 7.
    assert [f["line"] for f in found[:-1]] == list(range(7, LIMIT + 7))
    assert found[-1]["line"] == LIMIT + 7
    assert found[-1]["message"].startswith("3 more duplicate-key findings in this file")
    _, report = run("--all-findings", str(path))
    assert len(findings_of(report, "duplicate-key")) == LIMIT + 3


def test_a_file_past_the_node_limit_is_read_up_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compose, "MAX_NODES", 60)
    first = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: {-a: b}\n"
    second = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n" + "".join(
        f"  k{i}: v\n" for i in range(60)
    )
    path = tmp_path / "big.yaml"
    path.write_text(first + "---\n" + second)
    _, report = run("--select", "parse-error,label-syntax", str(path))
    errors = findings_of(report, "parse-error")
    assert [(e["line"], e["column"]) for e in errors] == [(30, 3)]
    assert errors[0]["message"] == (
        "the file has more than 60 YAML nodes; the rest of it is not linted (split it into "
        "smaller files)"
    )
    # The document before the limit is linted.
    assert [f["line"] for f in findings_of(report, "label-syntax")] == [5]


def test_the_node_limit_leaves_room_for_the_largest_real_files() -> None:
    # calico.yaml (710 KB) has 19,554 parser events; at that density a file at the 64 MiB size
    # limit has about 1.2 million nodes of which the limit keeps most, and real files are
    # far smaller.
    assert compose.MAX_NODES >= 1_000_000


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
def test_peak_memory_stays_bounded_on_half_a_million_findings(tmp_path: Path) -> None:
    # 410,000 invalid labels (6 MB) peaked at 1.55 GB before findings were bounded; now at
    # about 200 MB. The bound here is loose on purpose: it guards the order of magnitude.
    path = tmp_path / "labels.yaml"
    path.write_text(labels(410_000))
    script = (
        "import io, resource, sys\n"
        "from kubelint.cli import main\n"
        "code = main(['check', '-f', 'json', '-o', sys.argv[2], sys.argv[1]], io.StringIO(),"
        " io.StringIO())\n"
        "print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0] == "1"
    assert int(out[1]) < 600 * 1024, f"peak {int(out[1]) // 1024} MB"
