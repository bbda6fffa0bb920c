"""Several reports in one run, cross-resource context, and the progress bar."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.outputs import Destination, OutputError, pair
from kubelint.progress import MIN_FILES, progress_bar, wanted

ROOT = Path(__file__).resolve().parent.parent
KNOWN = ["text", "json", "sarif", "github"]


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_pairing_in_order() -> None:
    assert pair(["text", "sarif"], ["-", "k.sarif"], KNOWN) == [
        Destination("text", "-"),
        Destination("sarif", "k.sarif"),
    ]
    assert pair(["sarif", "text"], ["k.sarif"], KNOWN) == [
        Destination("sarif", "k.sarif"),
        Destination("text", "-"),
    ]
    assert pair(["text", "github"], [], KNOWN) == [Destination("text"), Destination("github")]


@pytest.mark.parametrize(
    ("formats", "outputs", "message"),
    [
        (["text", "json"], [], "would share standard output"),
        (["json"], ["a", "b"], "2 --output for 1 --format"),
        (["json", "sarif"], ["same", "same"], "same --output file"),
        (["xml"], [], "unknown format 'xml'"),
    ],
)
def test_pairing_errors(formats: list[str], outputs: list[str], message: str) -> None:
    with pytest.raises(OutputError, match=message):
        pair(formats, outputs, KNOWN)


def test_text_and_sarif_and_json_in_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    sarif, report = tmp_path / "k.sarif", tmp_path / "k.json"
    code, out, err = run_cli(
        "check",
        "tests/fixtures/project",
        "--color",
        "never",
        "-f",
        "text",
        "-o",
        "-",
        "-f",
        "sarif",
        "-o",
        str(sarif),
        "-f",
        "json",
        "-o",
        str(report),
    )
    assert code == 1 and err == ""
    assert (
        out.splitlines()[-1] == "Found 20 problems (4 errors, 16 warnings) in 3 files, 3 objects."
    )
    assert len(json.loads(sarif.read_text())["runs"][0]["results"]) == 20
    assert json.loads(report.read_text())["summary"]["findings"] == 20


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli(
        "check",
        str(ROOT / "tests/fixtures/clean"),
        "-f",
        "json",
        "-o",
        str(tmp_path / "missing" / "k.json"),
    )
    assert code == 2
    assert "is not a directory" in err


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
"""
BROKEN_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: [\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "a-service.yaml").write_text(SERVICE)
    (tmp_path / "b-statefulset.yaml").write_text(STATEFULSET)
    (tmp_path / "c-broken.yaml").write_text(BROKEN_POD)
    return tmp_path


def _rules(out: str) -> list[tuple[str, str]]:
    return [(Path(f["file"]).name, f["rule"]) for f in json.loads(out)["findings"]]


def test_without_context_a_file_with_no_service_in_view_is_not_judged(repo: Path) -> None:
    # With no Service in view, kubelint cannot know whether the Service exists elsewhere.
    _, out, _ = run_cli(
        "check", str(repo / "b-statefulset.yaml"), "-f", "json", "--select", "statefulset-service"
    )
    assert _rules(out) == []


def test_context_supplies_other_files_but_reports_only_named_ones(repo: Path) -> None:
    code, out, _ = run_cli(
        "check",
        str(repo / "b-statefulset.yaml"),
        "--context",
        str(repo),
        "-f",
        "json",
        "--select",
        "statefulset-service,parse-error",
    )
    assert (code, _rules(out)) == (0, [])
    report = json.loads(out)
    assert report["summary"]["files"] == 1


def test_context_claims_no_apply_order_across_files(repo: Path) -> None:
    # kubectl, kustomize and Helm reorder across files: only one file's order is certain.
    (repo / "a-service.yaml").rename(repo / "z-service.yaml")
    _, out, _ = run_cli(
        "check",
        str(repo / "b-statefulset.yaml"),
        "--context",
        str(repo),
        "-f",
        "json",
        "--select",
        "statefulset-service",
    )
    assert json.loads(out)["findings"] == []


def test_context_git_uses_the_work_tree_root(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    code, out, _ = run_cli(
        "check",
        "../b-statefulset.yaml",
        "--context",
        ":git",
        "-f",
        "json",
        "--select",
        "statefulset-service",
    )
    assert (code, _rules(out)) == (0, [])


def test_context_git_outside_a_work_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "x.yaml").write_text(SERVICE)
    code, _, err = run_cli("check", "x.yaml", "--context", ":git")
    assert code == 2
    assert "not inside a git work tree" in err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_long_runs_on_a_terminal_outside_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wanted(_Tty(), MIN_FILES)
    assert not wanted(_Tty(), MIN_FILES - 1)
    assert not wanted(io.StringIO(), MIN_FILES)
    monkeypatch.setenv("CI", "true")
    assert not wanted(_Tty(), MIN_FILES)


def test_progress_bar_draws_on_stderr() -> None:
    stream = _Tty()
    with progress_bar(stream, 3, force=True) as advance:
        assert advance is not None
        advance(3)
    assert "3/3" in stream.getvalue()
    with progress_bar(io.StringIO(), 3) as nothing:
        assert nothing is None
