"""GitHub Actions annotations: escaping, paths, levels, the summary notice, auto mode."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.model import Finding, ResourceRef, RunResult, RunSummary, Severity, Span
from kubelint.reporters import ReportOptions
from kubelint.reporters.github import (
    GithubReporter,
    annotation,
    escape_data,
    escape_property,
    workspace_path,
)

ROOT = Path(__file__).resolve().parent.parent


def _finding(file: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
    return Finding(
        "label-syntax",
        severity,
        message,
        file,
        Span(6, 5, 6, 12),
        ResourceRef("v1", "Pod", None, "p"),
    )


def test_escaping_follows_the_toolkit() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"


@pytest.mark.parametrize(
    ("file", "message", "expected"),
    [
        (
            "deploy/app.yaml",
            'label "a" is invalid',
            "::error file=deploy/app.yaml,line=6,endLine=6,col=5,endColumn=12,"
            'title=label-syntax::label "a" is invalid',
        ),
        (
            "deploy/we,ird:name%.yaml",
            "50% of\nthe: value, here\r",
            "::error file=deploy/we%2Cird%3Aname%25.yaml,line=6,endLine=6,col=5,endColumn=12,"
            "title=label-syntax::50%25 of%0Athe: value, here%0D",
        ),
    ],
)
def test_annotation_line(file: str, message: str, expected: str, tmp_path: Path) -> None:
    assert annotation(_finding(str(tmp_path / file), message), tmp_path) == expected


def test_levels_and_paths_relative_to_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert workspace_path("./deploy/a.yaml", tmp_path) == "deploy/a.yaml"
    assert workspace_path(str(tmp_path / "x" / ".." / "b.yml"), tmp_path) == "b.yml"
    findings = (
        _finding("a.yaml", "e", Severity.ERROR),
        _finding("a.yaml", "w", Severity.WARNING),
        _finding("a.yaml", "i", Severity.INFO),
    )
    out = io.StringIO()
    GithubReporter().render(
        RunResult(findings, RunSummary(files=1)), out, ReportOptions(root=str(tmp_path))
    )
    lines = out.getvalue().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error",
        "::warning",
        "::notice",
        "::notice",
    ]
    assert lines[-1] == (
        "::notice title=kubelint summary::kubelint: 3 problem(s) (1 error, 1 warning, 1 info) "
        "in 1 file(s)"
    )


def test_summary_says_when_github_hides_annotations() -> None:
    findings = tuple(_finding(f"f{i}.yaml", "m", Severity.WARNING) for i in range(12))
    out = io.StringIO()
    GithubReporter().render(RunResult(findings, RunSummary(files=12)), out, ReportOptions(root="/"))
    last = out.getvalue().splitlines()[-1]
    assert "12 problem(s) (12 warning)" in last
    assert "at most 10 annotations per level" in last


def test_github_actions_adds_annotations_to_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT))
    out = io.StringIO()
    code = main(
        ["check", "tests/fixtures/project/pod.yaml", "--color", "never"], out, io.StringIO()
    )
    assert code == 1
    text = out.getvalue()
    assert "tests/fixtures/project/pod.yaml:8:3: error [host-namespaces]" in text
    assert (
        "::error file=tests/fixtures/project/pod.yaml,line=8,endLine=8,col=3,endColumn=14,"
        "title=host-namespaces::hostNetwork is true" in text
    )
    # An explicit --format wins over the automatic annotations.
    out = io.StringIO()
    main(["check", "tests/fixtures/project/pod.yaml", "-f", "json"], out, io.StringIO())
    assert "::error" not in out.getvalue()


def test_github_format_uses_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "tests")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT))
    out = io.StringIO()
    main(
        ["check", "fixtures/project/pod.yaml", "-f", "github", "--select", "bare-pod"],
        out,
        io.StringIO(),
    )
    assert (
        out.getvalue()
        .splitlines()[0]
        .startswith("::warning file=tests/fixtures/project/pod.yaml,line=2,")
    )
