"""End-to-end command-line behaviour: reports, exit codes, colour, sub-commands."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint import __version__
from kubelint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = FIXTURES / "project"
CLEAN = FIXTURES / "clean"


def run_cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run main() in-process and capture its output."""
    out, err = io.StringIO(), io.StringIO()
    old = dict(os.environ)
    try:
        if env:
            os.environ.update(env)
        code = main(list(args), out, err)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return code, out.getvalue(), err.getvalue()


def rel(path: Path) -> str:
    return os.path.relpath(path).replace(os.sep, "/")


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)


def test_json_report_contract() -> None:
    code, out, _ = run_cli("check", rel(PROJECT), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"version", "findings", "summary"}
    assert report["version"] == __version__
    first = report["findings"][0]
    assert list(first) == [
        "rule",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "resource",
        "path",
        "fingerprint",
    ]
    privileged = [f for f in report["findings"] if f["rule"] == "privileged-container"]
    assert privileged == [
        {
            "rule": "privileged-container",
            "severity": "error",
            "message": 'container "web" runs privileged: it has every capability and access to '
            "all host devices",
            "file": "tests/fixtures/project/web.yaml",
            "line": 22,
            "column": 13,
            "end_line": 22,
            "end_column": 23,
            "resource": {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "namespace": None,
                "name": "web",
            },
            "path": "spec.template.spec.containers[0].securityContext.privileged",
            "fingerprint": privileged[0]["fingerprint"],
        }
    ]
    assert len(privileged[0]["fingerprint"]) == 32
    assert report["summary"] == {
        "files": 3,
        "documents": 3,
        "resources": 3,
        "findings": 20,
        "by_severity": {"error": 4, "warning": 16},
        "suppressed": 0,
    }
    keys = [(f["file"], f["line"], f["column"], f["rule"]) for f in report["findings"]]
    assert keys == sorted(keys)
    parse = [f for f in report["findings"] if f["rule"] == "parse-error"]
    assert [(f["file"], f["line"], f["column"]) for f in parse] == [
        ("tests/fixtures/project/broken.yaml", 6, 21)
    ]


def test_json_is_byte_identical_across_runs() -> None:
    outputs = {run_cli("check", rel(PROJECT), rel(CLEAN), "-f", "json")[1] for _ in range(3)}
    assert len(outputs) == 1


def test_clean_files_exit_zero_and_say_so() -> None:
    code, out, err = run_cli("check", rel(CLEAN))
    assert (code, err) == (0, "")
    assert out == "No problems found (1 file, 2 objects checked).\n"


def test_text_report_has_location_snippet_and_caret() -> None:
    code, out, _ = run_cli("check", rel(PROJECT / "pod.yaml"), "--color", "never")
    assert code == 1
    lines = out.splitlines()
    i = lines.index(
        "tests/fixtures/project/pod.yaml:8:3: error [host-namespaces] hostNetwork is true: the "
        "pod shares the host's network"
    )
    assert lines[i + 1] == " 8 |   hostNetwork: true"
    assert lines[i + 2] == "   |   ^^^^^^^^^^^"
    assert lines[-1] == "Found 11 problems (2 errors, 9 warnings) in 1 file, 1 object."
    assert "\x1b[" not in out


def test_fail_level_decides_exit_code() -> None:
    pod = rel(PROJECT / "pod.yaml")
    # bare-pod is a warning: it fails the default level (warning), not --fail-level error.
    assert run_cli("check", pod, "--select", "bare-pod")[0] == 1
    assert run_cli("check", pod, "--select", "bare-pod", "--fail-level", "error")[0] == 0
    assert run_cli("check", pod, "--select", "host-namespaces", "--fail-level", "error")[0] == 1
    errors = "host-namespaces,label-syntax"
    assert run_cli("check", pod, "--ignore", errors, "--fail-level", "error")[0] == 0
    assert run_cli("check", pod, "--ignore", errors)[0] == 1
    assert run_cli("check", rel(CLEAN), "--fail-level", "info")[0] == 0


def test_select_limits_rules() -> None:
    code, out, _ = run_cli("check", rel(PROJECT), "-f", "json", "--select", "bare-pod,label-syntax")
    assert code == 1
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert rules == {"bare-pod", "label-syntax"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no/such/dir"], "no/such/dir: no such file or directory"),
        (["check", ".", "--select", "no-such-rule"], "or tag 'no-such-rule'"),
        (["check", ".", "--format", "xml"], "unknown format 'xml'"),
        (["explain", "no-such-rule"], "unknown rule 'no-such-rule'"),
    ],
)
def test_usage_errors_exit_two(args: list[str], message: str) -> None:
    code, out, err = run_cli(*args)
    assert code == 2
    assert message in err
    assert out == ""


def test_bad_flag_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--fail-level", "fatal"]) == 2
    assert "invalid choice: 'fatal'" in capsys.readouterr().err


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run_cli("check", rel(PROJECT), "-f", "json", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["summary"]["findings"] == 20


def test_color_only_when_asked_and_never_with_no_color() -> None:
    pod = rel(PROJECT / "pod.yaml")
    assert "\x1b[" in run_cli("check", pod, "--color", "always")[1]
    assert "\x1b[" not in run_cli("check", pod, env={"NO_COLOR": "1", "FORCE_COLOR": ""})[1]


def test_markup_in_file_names_and_values_is_printed_literally(tmp_path: Path) -> None:
    weird = tmp_path / "[bold red]x[i].yaml"
    weird.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: '[blink]p'\nspec: {}\n")
    _, out, _ = run_cli("check", str(weird), "--select", "bare-pod", "--color", "always")
    assert "[bold red]x[i].yaml:2:1" in out
    assert 'Pod "[blink]p"' in out


def test_rules_and_explain() -> None:
    code, out, _ = run_cli("rules")
    assert code == 0
    assert out.splitlines()[0].split() == ["RULE", "SEVERITY", "CATEGORY", "ENABLED", "TITLE"]
    assert any(line.startswith("statefulset-service ") for line in out.splitlines())
    code, out, _ = run_cli("rules", "--format", "json")
    assert {r["id"] for r in json.loads(out)} >= {"bare-pod", "label-syntax"}
    code, out, _ = run_cli("explain", "bare-pod")
    assert code == 0
    assert out.startswith("# bare-pod\n")
    assert "## How to fix" in out and "kind: Pod" in out
    assert "`bare-pod` reports: line 2, column 1." in out
    assert "## Parameters" not in out  # bare-pod's template takes none


def test_explain_lists_the_template_parameters() -> None:
    code, out, _ = run_cli("explain", "pod-security")
    assert code == 0
    table = out.split("## Parameters\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[0] == "| parameter | accepts | this rule |"
    assert table[2] == '| `level` | `"baseline"`, `"restricted"` | not set |'
    assert table[3].startswith("| `version` | string matching `^(latest\\|v?1")
    assert table[3].endswith('| `"latest"` |')
    _, out, _ = run_cli("explain", "removed-api")
    assert '| `mode` | `"removed"`, `"deprecated"` (required) | `"removed"` |' in out
    _, out, _ = run_cli("explain", "missing-memory-limit")
    assert '| `resources` | array of string | `["memory"]` |' in out


def test_stdin_with_filename(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (PROJECT / "pod.yaml").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run_cli("check", "-", "--stdin-filename", "deploy/pod.yaml", "-f", "json")
    assert code == 1
    files = {f["file"] for f in json.loads(out)["findings"]}
    assert files == {"deploy/pod.yaml"}


def _installed_kubelint() -> str | None:
    exe = Path(sys.executable).parent / "kubelint"
    return str(exe) if exe.exists() else shutil.which("kubelint")


def test_console_script_end_to_end() -> None:
    exe = _installed_kubelint()
    assert exe, "the kubelint console script is installed with the package"
    proc = subprocess.run(
        [exe, "check", rel(PROJECT), "--format", "json"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["findings"] == 20
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"kubelint {__version__}"
    missing = subprocess.run(
        [exe, "check", "nope.yaml"], capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == 2
    assert "nope.yaml: no such file or directory" in missing.stderr
