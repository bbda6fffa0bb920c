"""Baselines end to end: record, then only new findings; stable across unrelated edits."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint.cli import main

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      hostNetwork: true
      containers:
        - name: web
          image: nginx:1.27
"""
RULES = "host-namespaces,missing-liveness-probe"


@pytest.fixture(autouse=True)
def _workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    Path("app.yaml").write_text(APP)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def check(*extra: str) -> tuple[int, dict[str, object]]:
    code, out, err = run_cli("check", "app.yaml", "-f", "json", "--select", RULES, *extra)
    assert err == "", err
    return code, json.loads(out)


def test_write_then_only_new_findings() -> None:
    code, _, err = run_cli("check", "app.yaml", "--select", RULES, "--write-baseline", "base.json")
    assert code == 0
    assert err == "kubelint: recorded 2 finding(s) in base.json\n"
    recorded = json.loads(Path("base.json").read_text())
    assert [e["rule"] for e in recorded["findings"]] == [
        "host-namespaces",
        "missing-liveness-probe",
    ]
    code, report = check("--baseline", "base.json")
    assert code == 0
    assert report["findings"] == []
    assert report["summary"]["baseline"] == {"file": "base.json", "matched": 2, "stale": 0}  # type: ignore[index]


def test_unrelated_edits_keep_matching_and_new_problems_show() -> None:
    run_cli("check", "app.yaml", "--select", RULES, "--write-baseline", "base.json")
    # Lines added above, and a new container: only the new container is reported.
    Path("app.yaml").write_text(
        "# deployed by the platform team\n\n"
        + APP
        + "        - name: sidecar\n          image: envoy:1.30\n"
    )
    code, report = check("--baseline", "base.json")
    assert code == 1
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [("missing-liveness-probe", 14)]  # type: ignore[index]


def test_moving_a_finding_to_another_field_or_object_is_new() -> None:
    run_cli("check", "app.yaml", "--select", RULES, "--write-baseline", "base.json")
    Path("app.yaml").write_text(
        APP.replace("hostNetwork", "hostPID").replace("name: web\nspec", "name: api\nspec")
    )
    _, report = check("--baseline", "base.json")
    assert sorted(f["rule"] for f in report["findings"]) == [
        "host-namespaces",
        "missing-liveness-probe",
    ]  # type: ignore[union-attr]
    assert report["summary"]["baseline"]["stale"] == 2  # type: ignore[index]


def test_fixed_findings_are_counted_as_stale() -> None:
    run_cli("check", "app.yaml", "--select", RULES, "--write-baseline", "base.json")
    Path("app.yaml").write_text(APP.replace("      hostNetwork: true\n", ""))
    code, report = check("--baseline", "base.json")
    assert code == 0
    assert report["summary"]["baseline"] == {"file": "base.json", "matched": 1, "stale": 1}  # type: ignore[index]
    _, out, _ = run_cli(
        "check", "app.yaml", "--select", RULES, "--baseline", "base.json", "--color", "never"
    )
    assert out.splitlines()[-1] == (
        "No problems found (1 file, 1 object checked) (1 in the baseline, 1 baseline entry no "
        "longer found)."
    )


def test_baseline_from_config(tmp_path: Path) -> None:
    run_cli("check", "app.yaml", "--select", RULES, "--write-baseline", "base.json")
    Path(".kubelint.yaml").write_text(f"baseline: base.json\nselect: [{RULES}]\n")
    code, report = check()
    assert (code, report["findings"]) == (0, [])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read baseline"),
        ("{not json", "base.json:1: not a kubelint baseline"),
        ('{"findings": "x"}', "not a kubelint baseline"),
    ],
)
def test_bad_baseline_is_a_usage_error(content: str | None, message: str) -> None:
    if content is not None:
        Path("base.json").write_text(content)
    code, out, err = run_cli("check", "app.yaml", "--baseline", "base.json")
    assert code == 2 and out == ""
    assert message in err
