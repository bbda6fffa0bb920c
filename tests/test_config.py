"""Configuration end to end through the CLI: discovery, precedence, validation messages."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint import config
from kubelint.cli import main

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  labels:
    enabled: yes
spec:
  hostNetwork: true
  containers:
    - name: shell
      image: busybox:1.36
"""


@pytest.fixture(autouse=True)
def _fresh_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every test validates from scratch: no remembered valid configuration.
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def findings(out: str) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["severity"], f["line"]) for f in json.loads(out)["findings"]]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(POD)
    monkeypatch.chdir(tmp_path / "deploy")
    return tmp_path


def test_rules_off_severity_and_mapping(project: Path) -> None:
    (project / ".kubelint.yaml").write_text(
        "select: [bare-pod, label-syntax, host-namespaces]\n"
        "rules:\n"
        "  bare-pod: off\n"
        "  label-syntax: warning\n"
        "  host-namespaces: {severity: info}\n"
    )
    code, out, err = run_cli("check", ".", "-f", "json")
    assert err == ""
    assert findings(out) == [("label-syntax", "warning", 6), ("host-namespaces", "info", 8)]
    assert code == 1  # the warning is at the default fail level


def test_config_found_in_a_parent_and_flags_override(project: Path) -> None:
    (project / ".kubelint.yaml").write_text(
        "select: [host-namespaces]\nfail-level: error\nrules: {host-namespaces: warning}\n"
    )
    assert run_cli("check", ".", "-f", "json")[0] == 0  # a warning under fail-level error
    assert run_cli("check", ".", "-f", "json", "--fail-level", "warning")[0] == 1
    _, out, _ = run_cli("check", ".", "-f", "json", "--select", "bare-pod")
    assert findings(out) == [("bare-pod", "warning", 2)]
    _, out, _ = run_cli("check", ".", "-f", "json", "--no-config", "--select", "host-namespaces")
    assert findings(out) == [("host-namespaces", "error", 8)]


def test_pyproject_table(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.kubelint]\nselect = ["bare-pod", "host-namespaces"]\n'
        '[tool.kubelint.rules]\nbare-pod = "off"\n'
    )
    _, out, _ = run_cli("check", ".", "-f", "json")
    assert findings(out) == [("host-namespaces", "error", 8)]


def test_explicit_config_flag(project: Path) -> None:
    other = project / "strict.yaml"
    other.write_text("select: [label-syntax]\n")
    _, out, _ = run_cli("check", ".", "-f", "json", "--config", str(other))
    assert findings(out) == [("label-syntax", "error", 6)]
    code, _, err = run_cli("check", ".", "--config", str(project / "missing.yaml"))
    assert code == 2 and "no such configuration file" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "rules:\n  bare-pod: fatal\n",
            ".kubelint.yaml:2: rules.bare-pod: expected off, error, warning, info or a mapping",
        ),
        (
            "rules:\n  bare-pod: {severity: high}\n",
            ".kubelint.yaml:2: rules.bare-pod.severity: expected error, warning, info, got 'high'",
        ),
        (
            "selct: [bare-pod]\n",
            ".kubelint.yaml:1: (top level): unknown key 'selct' (did you mean 'select'?)",
        ),
        ("fail-level: 3\n", ".kubelint.yaml:1: fail-level: expected error, warning, info, got 3"),
        ("exclude: charts/\n", '.kubelint.yaml:1: exclude: expected array, got "charts/"'),
        (
            "rules:\n  bare-pods: off\n",
            ".kubelint.yaml:2: rules: unknown rule 'bare-pods' (did you mean 'bare-pod'?)",
        ),
        ("select: [bare-pod, no-such]\n", ".kubelint.yaml:1: select: unknown rule 'no-such'"),
        ("rule-dirs: [policies]\n", ".kubelint.yaml:1: rule-dirs: policies: no such directory"),
        (
            "rules:\n  capabilities-not-dropped:\n    params: {required: ALL}\n",
            ".kubelint.yaml:3: rules.capabilities-not-dropped.params.required: expected array",
        ),
        (
            "rules:\n  missing-liveness-probe:\n    params:\n      probe: sideProbe\n",
            "rules.missing-liveness-probe.params.probe: expected livenessProbe, readinessProbe",
        ),
        ("rules: [\n", ".kubelint.yaml:1:9: invalid YAML"),
        ("kube-version: latest\n", "kube-version: 'latest' does not look right"),
    ],
)
def test_invalid_config_is_exit_2_naming_file_line_and_key(
    project: Path, text: str, message: str
) -> None:
    (project / ".kubelint.yaml").write_text(text)
    code, out, err = run_cli("check", ".")
    assert code == 2
    assert out == ""
    assert message in err, err


def test_invalid_pyproject_names_the_line(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.kubelint]\nfail-level = "fatal"\n')
    code, _, err = run_cli("check", ".")
    assert code == 2
    assert "pyproject.toml:2: fail-level: expected error, warning, info, got 'fatal'" in err


def test_valid_config_is_remembered(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache2"
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(cache))
    (project / ".kubelint.yaml").write_text("select: [bare-pod]\n")
    assert run_cli("check", ".")[0] == 1
    assert len(list((cache / "valid-config").iterdir())) == 1
    (project / ".kubelint.yaml").write_text("select: [bare-pod]\nfail-level: nope\n")
    assert run_cli("check", ".")[0] == 2  # a changed file is validated again


def test_exclude_globs_apply_to_walked_and_named_files(project: Path) -> None:
    (project / "deploy" / "charts").mkdir()
    (project / "deploy" / "charts" / "t.yaml").write_text("replicas: {{ .Values.n }}\n")
    (project / "deploy" / "keep.yaml").write_text(POD)
    (project / ".kubelint.yaml").write_text(
        "select: [bare-pod, parse-error]\nexclude:\n  - charts/\n  - deploy/pod.yaml\n"
    )
    _, out, _ = run_cli("check", ".", "-f", "json")
    assert {Path(f["file"]).name for f in json.loads(out)["findings"]} == {"keep.yaml"}
    _, out, _ = run_cli("check", "pod.yaml", "charts/t.yaml", "-f", "json")
    assert json.loads(out)["findings"] == []


def test_rule_dirs_relative_to_the_config(project: Path) -> None:
    (project / "policy").mkdir()
    (project / "policy" / "team.yaml").write_text(
        "id: team-label\ntitle: Objects carry a team label\nseverity: error\n"
        "description: Every object must carry a team label.\n"
        "check:\n  schema:\n    target: object\n    assert:\n"
        "      properties: {metadata: {properties: {labels: {required: [team]}}}}\n"
        '    message: "{target} has no team label"\n'
    )
    (project / ".kubelint.yaml").write_text("rule-dirs: [policy]\nselect: [team-label]\n")
    code, out, _ = run_cli("check", ".", "-f", "json")
    report = json.loads(out)["findings"]
    assert code == 1
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in report] == [
        ("team-label", 5, 3, "Pod debug has no team label")
    ]


def test_rules_off_by_default_run_when_configured(project: Path) -> None:
    (project / "policy").mkdir()
    (project / "policy" / "opt.yaml").write_text(
        "id: opt-in\ntitle: Opt in\nseverity: info\nenabled: false\n"
        "description: Reports every Pod.\ncheck:\n  template: bare-pod\n"
    )
    _, out, _ = run_cli("check", ".", "-f", "json", "--rule-dir", str(project / "policy"))
    assert "opt-in" not in {f["rule"] for f in json.loads(out)["findings"]}
    (project / ".kubelint.yaml").write_text("rules: {opt-in: info}\n")
    _, out, _ = run_cli("check", ".", "-f", "json", "--rule-dir", str(project / "policy"))
    assert ("opt-in", "info", 2) in findings(out)


def test_rule_file_params_are_checked_against_the_template(project: Path) -> None:
    (project / "policy").mkdir()
    (project / "policy" / "probe.yaml").write_text(
        "id: startup-probe\ntitle: Startup probe\nseverity: info\n"
        "description: Containers declare a startup probe.\n"
        "check:\n  template: container-probe\n  params: {probe: startProbe}\n"
    )
    code, _, err = run_cli("check", ".", "--rule-dir", str(project / "policy"))
    assert code == 2
    assert (
        "probe.yaml: check.params.probe: expected livenessProbe, readinessProbe, startupProbe"
        in err
    )
    (project / "policy" / "probe.yaml").write_text(
        (project / "policy" / "probe.yaml").read_text().replace("startProbe", "startupProbe")
    )
    code, out, err = run_cli(
        "check",
        ".",
        "--rule-dir",
        str(project / "policy"),
        "-f",
        "json",
        "--select",
        "startup-probe",
    )
    assert (code, err) == (0, "")  # an info finding is below the default fail level
    assert findings(out) == [("startup-probe", "info", 10)]


def test_every_configuration_error_is_reported_in_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    (tmp_path / ".kubelint.yaml").write_text(
        "exclude: 3\nfail-level: sometimes\nrules: {bare-pod: loud}\n"
    )
    err = io.StringIO()
    assert main(["check", "a.yaml"], io.StringIO(), err) == 2
    lines = err.getvalue().splitlines()
    assert [line.split(": ")[2].split(":")[-1] for line in lines] == ["1", "2", "3"]
    assert all(line.startswith("kubelint: error: ") for line in lines)
    assert "exclude: expected array" in lines[0] and "fail-level" in lines[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'exclude:\n  - charts/\n  - "[z-a]"\n',
            ".kubelint.yaml:3: exclude[1]: '[z-a]' is not a valid glob: the range z-a in [z-a] "
            "is reversed (write a-z)",
        ),
        (
            "select: [bare-pod]\nexclude: ['[!]']\n",
            ".kubelint.yaml:2: exclude[0]: '[!]' is not a valid glob: [!] is an empty character "
            "class",
        ),
        (
            "exclude:\n  - '!deploy/[9-0]/'\n",
            ".kubelint.yaml:2: exclude[0]: '!deploy/[9-0]/' is not a valid glob: the range 9-0",
        ),
    ],
)
def test_invalid_exclude_glob_is_exit_2_naming_file_line_and_pattern(
    project: Path, text: str, message: str
) -> None:
    (project / ".kubelint.yaml").write_text(text)
    for args in (["check", "."], ["check", "pod.yaml"]):
        code, out, err = run_cli(*args)
        assert (code, out) == (2, ""), err
        assert err.startswith("kubelint: error: ") and message in err, err
        assert "Traceback" not in err


def test_invalid_exclude_glob_in_pyproject_and_among_other_errors(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.kubelint]\nexclude = ["ok/", "a[]"]\n')
    code, _, err = run_cli("check", ".")
    assert code == 2
    assert "pyproject.toml:2: exclude[1]: 'a[]' is not a valid glob: [] is an empty" in err
    (project / "pyproject.toml").unlink()
    (project / ".kubelint.yaml").write_text(
        "fail-level: sometimes\nexclude:\n  - 3\n  - '[z-a]'\nrules: {bare-pod: loud}\n"
    )
    code, _, err = run_cli("check", ".")
    lines = err.splitlines()
    assert code == 2
    assert [line.split(": ")[2].rsplit(":", 1)[1] for line in lines] == ["1", "3", "4", "5"]
    assert "exclude[0]: expected string, got 3" in lines[1]
    assert "exclude[1]: '[z-a]' is not a valid glob" in lines[2]


def test_an_invalid_glob_is_reported_even_when_the_file_was_valid_before(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache of valid configurations must not hide a glob error: a file remembered as
    # valid by an older kubelint (which let the glob through to a traceback) is checked again.
    (project / ".kubelint.yaml").write_text("exclude: ['[z-a]']\n")
    monkeypatch.setattr(config, "_validated_before", lambda digest: True)
    code, _, err = run_cli("check", ".")
    assert code == 2
    assert ".kubelint.yaml:1: exclude[0]: '[z-a]' is not a valid glob" in err
