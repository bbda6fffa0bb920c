"""The composite GitHub Action: its inputs, and its run step executed with bash."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kubelint.compose import compose

ROOT = Path(__file__).resolve().parent.parent
ACTION = next(iter(compose((ROOT / "action.yml").read_text()))).data


def _step(name: str) -> dict[str, Any]:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def test_action_shape() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {
        "paths",
        "format",
        "fail-level",
        "sarif-file",
        "annotations",
        "version",
        "python-version",
    }
    for name, spec in ACTION["inputs"].items():
        assert spec["description"], name
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # Inputs reach scripts through the environment only, never spliced into the script.
            assert "${{" not in step["run"]


def _run_step(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess[str]:
    step = _step("Run kubelint")
    env = dict(os.environ)
    env.pop("GITHUB_ACTIONS", None)
    for key, expression in step["env"].items():
        name = expression.removeprefix("${{ inputs.").removesuffix(" }}")
        env[key] = inputs.get(name, ACTION["inputs"][name]["default"])
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["NO_COLOR"] = "1"
    return subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(
        (ROOT / "tests/fixtures/project/pod.yaml").read_text()
    )
    (tmp_path / "other dir").mkdir()
    (tmp_path / "other dir" / "clean.yaml").write_text(
        (ROOT / "tests/fixtures/clean/app.yaml").read_text()
    )
    return tmp_path


def test_run_step_annotates_and_writes_sarif(workspace: Path) -> None:
    proc = _run_step(workspace, paths="deploy\n", **{"sarif-file": "kubelint.sarif"})
    assert proc.returncode == 1, proc.stderr
    assert "deploy/pod.yaml:8:3: error [host-namespaces]" in proc.stdout
    assert "::error file=deploy/pod.yaml,line=8,endLine=8,col=3,endColumn=14" in proc.stdout
    assert "::notice title=kubelint summary::" in proc.stdout
    sarif = json.loads((workspace / "kubelint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 11


def test_run_step_fail_level_and_several_paths(workspace: Path) -> None:
    proc = _run_step(workspace, paths="deploy/pod.yaml", **{"fail-level": "error"})
    assert proc.returncode == 1  # host-namespaces and label-syntax are errors
    clean = _run_step(workspace, paths="'other dir'", annotations="false")
    assert clean.returncode == 2  # paths are split on white space and taken literally
    proc = _run_step(
        workspace, paths="deploy/pod.yaml\n  deploy", format="json", annotations="true"
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["files"] == 1
    assert "::error" not in proc.stdout


def test_install_step_installs_the_action_copy_or_a_version() -> None:
    step = _step("Install kubelint")
    assert step["env"]["KUBELINT_SOURCE"] == "${{ github.action_path }}"
    assert 'pip install --disable-pip-version-check --quiet "$KUBELINT_SOURCE"' in step["run"]
    assert '"kubelint==$KUBELINT_VERSION"' in step["run"]
