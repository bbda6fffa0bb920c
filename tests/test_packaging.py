"""The built wheel carries the rule definitions and schemas and works outside the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (found,) = out.glob("kubelint-*.whl")
    return found


def test_wheel_contains_data_and_entry_points(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    rules = sorted(p.name for p in (ROOT / "rules").glob("*.yaml"))
    for name in rules:
        assert f"kubelint/_data/rules/{name}" in names
    assert "kubelint/_data/schemas/rule.schema.json" in names
    info = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(info[0]).decode()
    assert "kubelint = kubelint.cli:main" in text
    assert "builtin = kubelint.builtin_plugin" in text


def test_installed_wheel_finds_its_rules(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    manifest = tmp_path / "pod.yaml"
    manifest.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n")
    env = dict(os.environ, PYTHONPATH=str(target))
    code = (
        "import kubelint, kubelint.data, sys; "
        "print(kubelint.__file__); print(kubelint.data.data_dir('rules')); "
        "from kubelint.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "check", str(manifest), "-f", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    module_file, rules_dir, *rest = proc.stdout.splitlines()
    assert module_file.startswith(str(target)), "the wheel, not the source tree, was imported"
    assert rules_dir == str(target / "kubelint" / "_data" / "rules")
    report = json.loads("\n".join(rest))
    assert proc.returncode == 1, proc.stderr  # bare-pod is a warning; the fail level is warning
    # schema-validation finds the bundled Kubernetes schemas from the installed package too.
    assert [(f["rule"], f["line"]) for f in report["findings"]] == [
        ("bare-pod", 2),
        ("schema-validation", 5),
    ]
