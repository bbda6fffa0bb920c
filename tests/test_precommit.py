"""The pre-commit hook, for real: pre-commit installs this checkout and runs it on a repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BAD = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  labels:
    enabled: yes
spec:
  containers:
    - name: shell
      image: busybox:1.36
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
      securityContext: {runAsNonRoot: true}
      containers:
        - name: db
          image: postgres:16
          livenessProbe: {tcpSocket: {port: 5432}}
          readinessProbe: {tcpSocket: {port: 5432}}
          resources:
            requests: {cpu: 100m, memory: 256Mi}
            limits: {memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
"""

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs git and a git checkout of kubelint",
)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, timeout=60)


def test_hook_fails_on_bad_and_passes_on_good_with_repository_context(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "bad.yaml").write_text(BAD)
    (repo / "db-service.yaml").write_text(SERVICE)
    (repo / "db-statefulset.yaml").write_text(STATEFULSET)
    _git(repo, "add", ".")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"), NO_COLOR="1")
    env.pop("GITHUB_ACTIONS", None)

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pre_commit",
                "try-repo",
                str(ROOT),
                "kubelint",
                "--color",
                "never",
                "--files",
                *files,
            ],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    bad = hook("bad.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.yaml:6:5: error [label-syntax]" in bad.stdout
    assert "bad.yaml:2:1: warning [bare-pod]" in bad.stdout
    # Only the StatefulSet changed: its Service comes from the repository context, so the
    # cross-resource rule does not report a false "missing Service".
    good = hook("db-statefulset.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "statefulset-service" not in good.stdout
