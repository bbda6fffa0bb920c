"""Suppressions end to end: comments, annotations, reasons in every report, audits."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint.cli import main

MANIFEST = """\
# kubelint: disable-file=run-as-root -- the image's user is 1000, checked in CI
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    ignore.kubelint.io/missing-memory-limit: "bursty batch work, limited by the namespace quota"
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations:
        ignore.kubelint.io/missing-readiness-probe: "a worker, it serves no traffic"
    spec:
      hostNetwork: true  # kubelint: disable=host-namespaces -- needs the node's DNS
      # kubelint: disable-next-line=privileged-container
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: other
spec:
  containers:
    - name: shell
      image: busybox:1.36
"""
RULES = (
    "run-as-root,missing-memory-limit,missing-readiness-probe,host-namespaces,"
    "privileged-container,invalid-suppression"
)


@pytest.fixture(autouse=True)
def _no_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def _report(*extra: str) -> dict[str, object]:
    Path("app.yaml").write_text(MANIFEST)
    _, out, _ = run_cli("check", "app.yaml", "-f", "json", "--select", RULES, *extra)
    return json.loads(out)  # type: ignore[no-any-return]


def test_each_mechanism_suppresses_with_its_reason() -> None:
    report = _report()
    got = {
        (f["rule"], f["line"], f["resource"]["name"]): (
            f.get("suppressed", False),
            f.get("suppression_reason"),
        )
        for f in report["findings"]  # type: ignore[union-attr]
    }
    assert got == {
        # disable-file: every run-as-root finding in the file, both objects.
        ("run-as-root", 22, "web"): (True, "the image's user is 1000, checked in CI"),
        ("run-as-root", 31, "other"): (True, "the image's user is 1000, checked in CI"),
        # object annotation: the whole object.
        ("missing-memory-limit", 20, "web"): (
            True,
            "bursty batch work, limited by the namespace quota",
        ),
        # pod template annotation: findings inside the template.
        ("missing-readiness-probe", 20, "web"): (True, "a worker, it serves no traffic"),
        # an annotation on one object does not reach another.
        ("missing-memory-limit", 31, "other"): (False, None),
        ("missing-readiness-probe", 31, "other"): (False, None),
        # end-of-line comment.
        ("host-namespaces", 17, "web"): (True, "needs the node's DNS"),
        # disable-next-line applies to the next line only, not to line 23 where the field is.
        ("privileged-container", 23, "web"): (False, None),
    }
    assert report["summary"]["suppressed"] == 5  # type: ignore[index]
    assert report["summary"]["findings"] == 3  # type: ignore[index]


def test_suppressed_findings_do_not_fail_the_run() -> None:
    Path("app.yaml").write_text(MANIFEST)
    code, _, _ = run_cli("check", "app.yaml", "--select", "host-namespaces,run-as-root")
    assert code == 0
    code, _, _ = run_cli(
        "check", "app.yaml", "--select", "host-namespaces", "--no-inline-suppressions"
    )
    assert code == 1


def test_text_summary_counts_suppressed() -> None:
    Path("app.yaml").write_text(MANIFEST)
    _, out, _ = run_cli("check", "app.yaml", "--select", RULES, "--color", "never")
    assert out.splitlines()[-1] == (
        "Found 3 problems (1 error, 2 warnings) in 1 file, 2 objects (5 suppressed)."
    )
    assert "[host-namespaces]" not in out


def test_audit_mode_ignores_comments_and_annotations() -> None:
    report = _report("--no-inline-suppressions")
    assert report["summary"]["suppressed"] == 0  # type: ignore[index]
    assert report["summary"]["findings"] == 8  # type: ignore[index]


def test_config_key_turns_suppressions_off() -> None:
    Path(".kubelint.yaml").write_text("inline-suppressions: false\n")
    assert _report()["summary"]["suppressed"] == 0  # type: ignore[index]


def test_sarif_carries_the_justification() -> None:
    Path("app.yaml").write_text(MANIFEST)
    _, out, _ = run_cli("check", "app.yaml", "-f", "sarif", "--select", "host-namespaces")
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "needs the node's DNS"}]


def test_disable_next_line_covers_the_following_line() -> None:
    Path("pod.yaml").write_text(
        "apiVersion: v1\n# kubelint: disable-next-line=bare-pod -- debugging only\nkind: Pod\n"
        "metadata: {name: p}\n"
    )
    _, out, _ = run_cli("check", "pod.yaml", "-f", "json", "--select", "bare-pod")
    (finding,) = json.loads(out)["findings"]
    assert (finding["line"], finding["suppressed"], finding["suppression_reason"]) == (
        3,
        True,
        "debugging only",
    )
