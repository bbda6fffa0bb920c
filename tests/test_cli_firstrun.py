"""What a first run on a big repository needs: statistics, the top rules, and selection by group."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kubelint.cli import main

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  hostPID: true\n"


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for i in range(60):
        (tmp_path / f"p{i:02}.yaml").write_text(POD.format(i=i))
    return tmp_path


def test_statistics_counts_findings_per_rule_instead_of_listing_them(repo: Path) -> None:
    code, out, _ = run_cli("check", ".", "--select", "bare-pod,host-namespaces", "--statistics")
    assert code == 1
    assert out.splitlines() == [
        "60  warning  bare-pod         Pod not managed by a controller",
        "60  error    host-namespaces  Pod shares the host's namespaces",
        "Found 120 problems (60 errors, 60 warnings) in 60 files, 60 objects.",
    ]


def test_many_findings_name_the_top_rules_and_how_to_turn_one_off(repo: Path) -> None:
    _, out, _ = run_cli("check", ".", "--select", "bare-pod,host-namespaces")
    assert out.splitlines()[-2:] == [
        "Most findings come from: bare-pod (60), host-namespaces (60).",
        "To turn a rule off: --ignore bare-pod, or `rules: {bare-pod: off}` in "
        ".kubelint.yaml; --statistics counts findings per rule.",
    ]
    _, few, _ = run_cli("check", "p00.yaml", "--select", "bare-pod")
    assert few.splitlines()[-1].startswith("Found 1 problem")


def test_select_and_ignore_take_categories_and_tags(repo: Path) -> None:
    _, out, _ = run_cli("check", "p00.yaml", "--select", "security", "--statistics")
    rules = [line.split()[2] for line in out.splitlines()[:-1]]
    assert "host-namespaces" in rules and "bare-pod" not in rules
    _, out, _ = run_cli("check", "p00.yaml", "--ignore", "security", "--statistics")
    rules = [line.split()[2] for line in out.splitlines()[:-1]]
    assert "bare-pod" in rules and "host-namespaces" not in rules


@pytest.mark.parametrize(
    ("flag", "name", "hint"),
    [("--select", "bare-pd", "bare-pod"), ("--ignore", "securty", "security")],
)
def test_a_misspelled_name_gets_did_you_mean(repo: Path, flag: str, name: str, hint: str) -> None:
    code, _, err = run_cli("check", "p00.yaml", flag, name)
    assert code == 2
    assert f"unknown rule, category or tag '{name}'; did you mean '{hint}'?" in err


def test_directories_without_manifests_are_named_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(POD.format(i=1))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "empty\x1b[31m").mkdir()
    (tmp_path / "ci.yaml").write_text("on: push\n")
    code, _, err = run_cli(
        "check", "deploy", "docs", "empty\x1b[31m", "ci.yaml", "--select", "bare-pod"
    )
    assert code == 1
    assert err.splitlines() == [
        "kubelint: warning: no Kubernetes object found in docs",
        "kubelint: warning: no Kubernetes object found in empty\\x1b[31m",
    ]


def test_fail_if_no_objects_from_the_flag_and_the_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    assert run_cli("check", "values.yaml")[0] == 0
    code, _, err = run_cli("check", "values.yaml", "--fail-if-no-objects")
    assert code == 1
    assert "no Kubernetes object was read (--fail-if-no-objects)" in err
    (tmp_path / ".kubelint.yaml").write_text("fail-if-no-objects: true\n")
    assert run_cli("check", "values.yaml")[0] == 1
    (tmp_path / "pod.yaml").write_text(POD.format(i=1))
    assert (
        run_cli("check", "pod.yaml", "--select", "host-namespaces", "--fail-level", "error")[0] == 1
    )
    assert run_cli("check", "pod.yaml", "--select", "bare-pod", "--fail-level", "error")[0] == 0


def test_explain_renders_markdown_for_a_terminal_and_prints_it_plain_when_piped() -> None:
    _, plain, _ = run_cli("explain", "bare-pod")
    assert plain.startswith("# bare-pod\n") and "\x1b[" not in plain
    _, rendered, _ = run_cli("explain", "bare-pod", "--color", "always")
    assert "\x1b[" in rendered and "# bare-pod" not in rendered
    assert "bare-pod" in rendered
    _, never, _ = run_cli("explain", "bare-pod", "--color", "never")
    assert never == plain


def test_an_explicit_color_always_wins_over_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" in run_cli("explain", "bare-pod", "--color", "always")[1]
    assert "\x1b[" not in run_cli("explain", "bare-pod")[1]
