"""schema-validation across Kubernetes versions and settings, end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.kubeversion import supported

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: app:1
      resizePolicy:
        - resourceName: cpu
          restartPolicy: NotRequired
      imagePullPolcy: Always
"""


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))
    Path("pod.yaml").write_text(POD)


def findings(*args: str) -> list[tuple[int, int, str]]:
    out = io.StringIO()
    main(
        ["check", "pod.yaml", "-f", "json", "--select", "schema-validation", *args],
        out,
        io.StringIO(),
    )
    return [(f["line"], f["column"], f["message"]) for f in json.loads(out.getvalue())["findings"]]


def test_supported_versions_are_the_bundled_ones() -> None:
    versions = supported()
    assert versions[0] == "1.25"
    assert "1.37" in versions
    assert list(versions) == sorted(versions, key=lambda v: tuple(map(int, v.split("."))))


def test_a_field_added_in_1_27_is_unknown_to_1_26() -> None:
    unknown_policy = (
        'unknown field "resizePolicy" in spec.containers[0] (Kubernetes 1.26 rejects it)'
    )
    typo = 'unknown field "imagePullPolcy" in spec.containers[0] (Kubernetes 1.26 rejects it)'
    assert findings("--kube-version", "1.26") == [(9, 7, unknown_policy), (12, 7, typo)]
    assert [line for line, _, _ in findings("--kube-version", "1.27")] == [12]
    assert [line for line, _, _ in findings()] == [12]  # the newest by default


def test_strict_off_ignores_unknown_fields() -> None:
    Path(".kubelint.yaml").write_text("rules:\n  schema-validation:\n    params: {strict: false}\n")
    assert findings("--kube-version", "1.26") == []


def test_a_version_without_schemas_still_runs_the_other_rules() -> None:
    Path("psp.yaml").write_text(
        "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: p\n"
    )
    out, err = io.StringIO(), io.StringIO()
    args = ["check", "pod.yaml", "psp.yaml", "-f", "json", "--kube-version", "1.20"]
    code = main([*args, "--select", "schema-validation,removed-api"], out, err)
    assert code == 0, err.getvalue()  # the PSP is served in 1.20; the note is info
    found = [
        (f["rule"], f["file"], f["severity"], f["message"])
        for f in json.loads(out.getvalue())["findings"]
    ]
    versions = supported()
    assert found == [
        (
            "schema-validation",
            "pod.yaml",
            "info",
            f"no bundled Kubernetes 1.20 schema (bundled: {versions[0]} to {versions[-1]}): no "
            "object is validated against the API schema in this run; the other rules still "
            "check this version",
        )
    ]
    out = io.StringIO()
    main(
        ["check", "psp.yaml", "-f", "json", "--kube-version", "1.25", "--select", "removed-api"],
        out,
        err,
    )
    assert [f["rule"] for f in json.loads(out.getvalue())["findings"]] == ["removed-api"]


def test_a_malformed_version_is_a_usage_error() -> None:
    err = io.StringIO()
    assert main(["check", "pod.yaml", "--kube-version", "latest"], io.StringIO(), err) == 2
    assert "expected MAJOR.MINOR" in err.getvalue()
    err = io.StringIO()
    assert main(["check", "pod.yaml", "--kube-version", "2.1"], io.StringIO(), err) == 2
    assert "Kubernetes versions are 1.N" in err.getvalue()


def test_kube_version_written_as_a_number_is_read_as_written() -> None:
    # YAML makes 1.30 the number 1.3; kubelint reads the text the user wrote.
    Path(".kubelint.yaml").write_text("kube-version: 1.26\n")
    assert [line for line, _, _ in findings()] == [9, 12]
    Path(".kubelint.yaml").write_text("kube-version: 1.30\n")
    assert [line for line, _, _ in findings()] == [12]
    Path(".kubelint.yaml").unlink()
    Path("pyproject.toml").write_text("[tool.kubelint]\nkube-version = 1.30\n")
    err = io.StringIO()
    assert main(["check", "pod.yaml"], io.StringIO(), err) == 2
    assert "pyproject.toml:2: kube-version: TOML reads 1.3 as a number" in err.getvalue()
    assert 'quote it, as in kube-version = "1.30"' in err.getvalue()


def test_kube_version_from_config() -> None:
    Path(".kubelint.yaml").write_text('kube-version: "1.26"\n')
    assert [line for line, _, _ in findings()] == [9, 12]


FIXTURES = Path(__file__).parent / "fixtures"
PROBE = """\
apiVersion: monitoring.example.com/v1
kind: Probe
metadata:
  name: web
spec:
  interval: 30
  targets: [a, 2]
  jitter: true
"""


def test_schema_dir_with_catalog_json_schemas() -> None:
    Path("probe.yaml").write_text(PROBE)
    out = io.StringIO()
    code = main(
        [
            "check",
            "probe.yaml",
            "-f",
            "json",
            "--select",
            "schema-validation",
            "--schema-dir",
            str(FIXTURES / "schemas"),
        ],
        out,
        io.StringIO(),
    )
    got = [(f["line"], f["column"], f["message"]) for f in json.loads(out.getvalue())["findings"]]
    assert code == 1
    judge = "its schema in --schema-dir rejects it"
    assert got == [
        (6, 3, f"spec.interval must be a string, got the integer 30 ({judge})"),
        (7, 16, f"spec.targets[1] must be a string, got the integer 2 ({judge})"),
        (8, 3, 'unknown field "jitter" in spec (its schema in --schema-dir rejects it)'),
    ]


def test_schema_dir_with_crd_manifests(tmp_path: Path) -> None:
    crds = tmp_path / "crds"
    crds.mkdir()
    (crds / "probe-crd.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: probes.monitoring.example.com}\n"
        "spec:\n  group: monitoring.example.com\n  names: {kind: Probe, plural: probes}\n"
        "  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n"
        "      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n"
        "          x-kubernetes-preserve-unknown-fields: true\n"
    )
    Path("probe.yaml").write_text(PROBE)
    out = io.StringIO()
    main(
        [
            "check",
            "probe.yaml",
            "-f",
            "json",
            "--select",
            "schema-validation",
            "--schema-dir",
            str(crds),
        ],
        out,
        io.StringIO(),
    )
    assert json.loads(out.getvalue())["findings"] == []
    err = io.StringIO()
    assert main(["check", "probe.yaml", "--schema-dir", "nope"], io.StringIO(), err) == 2
    assert "--schema-dir nope: no such directory" in err.getvalue()
