"""Hostile input through the whole pipeline: a finding, never a crash, never a hang."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelint.cli import main
from kubelint.compose import MAX_DEPTH
from kubelint.model import Finding
from kubelint.registry import Registry
from kubelint.testing import lint_text

KUBELINT = Path(sys.executable).parent / "kubelint"

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: x
    securityContext:
      privileged: true
"""

BOMB = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: lol}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def no_internal_errors(findings: list[Finding]) -> None:
    internal = [f.message for f in findings if f.rule == "internal-error"]
    assert internal == []


# --- bad YAML and bad bytes --------------------------------------------------------------------


def test_syntax_error_names_file_and_line() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n"
    findings = lint_text(text, filename="deploy/broken.yaml")
    assert [(f.rule, f.file, f.span.line, f.span.column) for f in findings] == [
        ("parse-error", "deploy/broken.yaml", 6, 7)
    ]
    assert "invalid YAML" in findings[0].message


def test_unclosed_flow_reports_end_of_input() -> None:
    findings = lint_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n")
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [("parse-error", 4, 11)]


def test_tab_indentation_error() -> None:
    findings = lint_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n")
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [("parse-error", 4, 1)]


def test_control_character_is_reported_at_its_line() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: x\x1by\n"
    findings = lint_text(text)
    assert rules_of(findings) == ["parse-error"]
    assert "control characters" in findings[0].message
    assert (findings[0].span.line, findings[0].span.column) == (5, 7)


def test_alias_bomb_is_fast_and_named() -> None:
    start = time.perf_counter()
    findings = lint_text(BOMB)
    assert time.perf_counter() - start < 2.0
    assert rules_of(findings) == ["parse-error"]
    assert "alias expansion" in findings[0].message
    assert 5 <= findings[0].span.line <= 12


def test_deep_flow_nesting_is_reported() -> None:
    findings = lint_text("[" * 100_000)
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [
        ("parse-error", 1, MAX_DEPTH + 1)
    ]
    assert "nesting" in findings[0].message


def test_deep_block_nesting_is_reported() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n" + "".join(
        "  " * (i + 1) + f"k{i}:\n" for i in range(5000)
    )
    start = time.perf_counter()
    findings = lint_text(text)
    assert time.perf_counter() - start < 3.0
    assert rules_of(findings) == ["parse-error"]
    assert "nesting" in findings[0].message
    assert findings[0].span.line == MAX_DEPTH + 3


def test_deep_block_sequence_nesting_is_reported() -> None:
    text = "a:\n" + "".join(" " * i + "-\n" for i in range(1, 5001))
    findings = lint_text(text)
    assert rules_of(findings) == ["parse-error"]
    assert "nesting" in findings[0].message


def test_helm_template_message() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n"
        "spec:\n  replicas: {{ .Values.replicas }}\n"
    )
    findings = lint_text(text, filename="chart/templates/deploy.yaml")
    assert [(f.rule, f.span.line) for f in findings] == [("parse-error", 4)]
    assert "Helm" in findings[0].message
    assert "render" in findings[0].message
    assert "helm template" in findings[0].message


def test_alerting_configmap_is_not_helm() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n"
        '  summary: "{{ $labels.instance }} is down"\n'
        "  description: '{{ $labels.job }}: {{ $value }}'\n"
    )
    findings = lint_text(text)
    assert not any("Helm" in f.message for f in findings)
    assert rules_of(findings) == []


@pytest.mark.parametrize(
    "text",
    [
        "- a\n- b\n",
        "scalar\n",
        "null\n",
        "",
        "---\n---\n",
        "- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n",
        "kind: Pod\nspec:\n  containers: [{name: c, securityContext: {privileged: true}}]\n",
        "apiVersion: v1\nspec:\n  containers: [{name: c, securityContext: {privileged: true}}]\n",
        "apiVersion: v1\nkind: [Pod]\n",
        "42\n---\n[1, 2]\n---\n~\n",
    ],
)
def test_non_objects_are_skipped_silently(text: str) -> None:
    assert lint_text(text) == []


# --- wrong types -------------------------------------------------------------------------------


WRONG_TYPES = {
    "containers-map": "spec:\n  containers: {}\n",
    "containers-scalar": "spec:\n  containers: 5\n",
    "containers-items": 'spec:\n  containers: [1, "x", null, [], {}]\n',
    "init-containers-items": "spec:\n  initContainers: [1, null]\n  containers: [{name: c}]\n",
    "metadata-null": "metadata: null\nspec:\n  containers: [{name: c}]\n",
    "metadata-list": "metadata: [a]\nspec:\n  containers: [{name: c}]\n",
    "labels-list": "metadata:\n  name: p\n  labels: [a]\n  annotations: x\n",
    "labels-values": "metadata:\n  name: p\n  labels: {a: [1], b: {c: d}, c: null, 5: yes}\n",
    "security-context-scalar": (
        "spec:\n  securityContext: 5\n  containers: [{name: c, securityContext: 5}]\n"
    ),
    "security-context-list": "spec:\n  containers: [{name: c, securityContext: [privileged]}]\n",
    "capabilities": (
        "spec:\n  containers:\n  - name: c\n"
        "    securityContext: {capabilities: {drop: ALL, add: 5}}\n"
    ),
    "capabilities-items": (
        "spec:\n  containers:\n  - name: c\n"
        "    securityContext: {capabilities: {drop: [1, null, [ALL]]}}\n"
    ),
    "capabilities-null": (
        "spec:\n  containers:\n  - name: c\n    securityContext: {capabilities: null}\n"
    ),
    "spec-string": "spec: x\n",
    "spec-list": "spec: [1, 2]\n",
    "ports-string": 'spec:\n  containers: [{name: c, ports: "80"}]\n',
    "ports-items": "spec:\n  containers: [{name: c, ports: [80, null, {containerPort: x}]}]\n",
    "resources": "spec:\n  containers: [{name: c, resources: {limits: 5, requests: [cpu]}}]\n",
    "resources-null": "spec:\n  containers: [{name: c, resources: {limits: {memory: null}}}]\n",
    "probes": "spec:\n  containers: [{name: c, livenessProbe: 5, readinessProbe: []}]\n",
    "host": "spec:\n  hostNetwork: yes\n  hostPID: [1]\n  hostIPC: {}\n  containers: [{name: c}]\n",
    "name-types": (
        "metadata: {name: 5, namespace: [x]}\nspec:\n  containers: [{name: [c], image: 5}]\n"
    ),
    "run-as": (
        "spec:\n  securityContext: {runAsUser: x, runAsNonRoot: 'true'}\n  containers:\n"
        "  - name: c\n    securityContext: {runAsUser: [0], runAsGroup: {}}\n"
    ),
}


WORKLOADS = {
    "Pod": ("v1", ()),
    "Deployment": ("apps/v1", ("spec", "template")),
    "CronJob": ("batch/v1", ("spec", "jobTemplate", "spec", "template")),
}


def _workload(kind: str, body: str) -> str:
    """Put a pod-shaped body (metadata/spec) where `kind` keeps its pod template."""
    api, keys = WORKLOADS[kind]
    text = f"apiVersion: {api}\nkind: {kind}\n"
    if keys:
        text += "metadata: {name: w}\n"
    for depth, key in enumerate(keys):
        text += "  " * depth + key + ":\n"
    indent = "  " * len(keys)
    return text + "".join(indent + line + "\n" for line in body.splitlines())


def test_workload_wrapper_places_the_pod_spec(registry: Registry) -> None:
    body = "spec:\n  containers: [{name: c, securityContext: {privileged: true}}]\n"
    for kind, line in (("Pod", 4), ("Deployment", 7), ("CronJob", 9)):
        findings = lint_text(_workload(kind, body), ["privileged-container"], registry=registry)
        assert [(f.rule, f.span.line) for f in findings] == [("privileged-container", line)], kind


@pytest.mark.parametrize("body", list(WRONG_TYPES.values()), ids=list(WRONG_TYPES))
@pytest.mark.parametrize("kind", list(WORKLOADS))
def test_wrong_types_never_crash_a_rule(body: str, kind: str, registry: Registry) -> None:
    text = _workload(kind, body)
    findings = lint_text(text, registry=registry)
    assert "parse-error" not in rules_of(findings), text
    no_internal_errors(findings)


DEPLOY = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"


@pytest.mark.parametrize(
    "text",
    [
        DEPLOY + "spec: x\n",
        DEPLOY + "spec: {template: 5, strategy: x}\n",
        DEPLOY + "spec:\n  strategy: {type: [a], rollingUpdate: 5}\n",
        DEPLOY + "spec:\n  strategy: {type: Recreate, rollingUpdate: {maxSurge: [1]}}\n",
        DEPLOY + "spec:\n  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: {}}}\n",
        DEPLOY + "spec:\n  strategy: {rollingUpdate: {maxSurge: '0%', maxUnavailable: '0%'}}\n",
        DEPLOY + "spec:\n  strategy: {rollingUpdate: {maxSurge: 'x%', maxUnavailable: -1}}\n",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n"
        "spec: {serviceName: 5, template: []}\n",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: null\nspec: {serviceName: [db]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: [db]}\n"
        "spec: {clusterIP: [], selector: 5}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: x\n---\n"
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: {serviceName: db}\n",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: x}\n",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n"
        "spec: {jobTemplate: {spec: [1]}}\n",
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: Pod, spec: 5}\n- {apiVersion: v1, kind: Pod, metadata: 5}\n",
    ],
)
def test_wrong_types_in_workloads(text: str, registry: Registry) -> None:
    findings = lint_text(text, registry=registry)
    assert "parse-error" not in rules_of(findings)
    no_internal_errors(findings)


# The generic fuzz: replace every value in a rich multi-kind manifest by each wrong type in turn.

POD_SPEC: dict[str, Any] = {
    "securityContext": {
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    },
    "hostNetwork": False,
    "initContainers": [
        {
            "name": "init",
            "image": "busybox:1",
            "command": ["sh", "-c", "true"],
            "securityContext": {
                "privileged": True,
                "capabilities": {"add": ["NET_ADMIN"], "drop": ["ALL"]},
            },
        }
    ],
    "containers": [
        {
            "name": "app",
            "image": "nginx:1.25",
            "ports": [{"containerPort": 8080, "name": "http"}],
            "env": [{"name": "A", "value": "1"}],
            "resources": {
                "requests": {"cpu": "100m", "memory": "64Mi"},
                "limits": {"memory": "128Mi"},
            },
            "livenessProbe": {"httpGet": {"path": "/", "port": 8080}},
            "readinessProbe": {"tcpSocket": {"port": "http"}},
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "runAsUser": 0,
                "capabilities": {"drop": ["ALL"]},
            },
        }
    ],
}


def _meta(name: str) -> dict[str, Any]:
    return {"name": name, "namespace": "prod", "labels": {"app": name}, "annotations": {"a": "b"}}


FUZZ_DOCS: list[dict[str, Any]] = [
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("web"),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0},
            },
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": POD_SPEC},
        },
    },
    {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": _meta("cron"),
        "spec": {
            "schedule": "* * * * *",
            "jobTemplate": {"spec": {"template": {"spec": POD_SPEC}}},
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta("db"),
        "spec": {
            "clusterIP": "None",
            "selector": {"app": "db"},
            "ports": [{"port": 5432, "targetPort": "pg"}],
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": _meta("db"),
        "spec": {
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "updateStrategy": {"type": "OnDelete", "rollingUpdate": {"partition": 1}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": POD_SPEC},
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": _meta("agent"),
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": dict(POD_SPEC, hostPID=True, hostNetwork=True),
            },
        },
    },
    {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"apiVersion": "v1", "kind": "Pod", "metadata": _meta("p1"), "spec": POD_SPEC},
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": _meta("p2"),
                "spec": {
                    "containers": [{"name": "c", "image": "x"}],
                    "ephemeralContainers": [
                        {"name": "dbg", "image": "busybox", "securityContext": {"privileged": True}}
                    ],
                },
            },
        ],
    },
]
# Cross-resource rules need their partner in the same run.
PARTNERS = {2: [3], 3: [2]}
WRONG_VALUES: list[Any] = [{}, [], None, 5, "x", True]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _paths(child, (*prefix, i))


def _replaced(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


def _render(docs: list[dict[str, Any]]) -> str:
    return "---\n".join(json.dumps(d, indent=1) + "\n" for d in docs)


def test_fuzz_manifest_exercises_the_rules(registry: Registry) -> None:
    findings = lint_text(_render(FUZZ_DOCS), registry=registry)
    fired = set(rules_of(findings))
    assert {
        "privileged-container",
        "host-namespaces",
        "rolling-update-config",
        "bare-pod",
        "run-as-root",
    } <= fired
    assert "parse-error" not in fired
    no_internal_errors(findings)


def test_wrong_type_fuzz(registry: Registry) -> None:
    start = time.perf_counter()
    failures: list[str] = []
    runs = 0
    for i, doc in enumerate(FUZZ_DOCS):
        partners = [FUZZ_DOCS[j] for j in PARTNERS.get(i, [])]
        for path in _paths(doc):
            for wrong in WRONG_VALUES:
                text = _render([_replaced(doc, path, wrong), *partners])
                runs += 1
                for finding in lint_text(text, registry=registry):
                    if finding.rule in ("internal-error", "parse-error"):
                        failures.append(f"{doc['kind']} {path} = {wrong!r}: {finding.message}")
    assert runs > 1500
    assert failures == []
    assert time.perf_counter() - start < 10.0


# --- through the command line ------------------------------------------------------------------


def _hostile_tree(root: Path) -> None:
    root.mkdir()
    (root / "a-good.yaml").write_text(POD, encoding="utf-8")
    (root / "b-syntax.yaml").write_text("a: b\nc: d: e\n", encoding="utf-8")
    (root / "c-latin1.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\ndata:\n  k: caf\xe9\n")
    (root / "d-image.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    (root / "e-utf16.yaml").write_bytes(POD.encode("utf-16"))
    (root / "f-bomb.yaml").write_text(BOMB, encoding="utf-8")
    (root / "g-deep.yaml").write_text("[" * 100_000, encoding="utf-8")
    (root / "h-helm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
        encoding="utf-8",
    )
    (root / "i-list.json").write_text("[1, 2, 3]\n", encoding="utf-8")
    (root / "j-empty.yaml").write_text("", encoding="utf-8")
    (root / "k-dup.yaml").write_text(POD + "kind: Pod\n", encoding="utf-8")
    (root / "z-good.yml").write_text(POD.replace("name: p", "name: q"), encoding="utf-8")


EXPECTED_PROBLEMS = [
    ("tree/b-syntax.yaml", "parse-error", 2, "invalid YAML"),
    ("tree/c-latin1.yaml", "parse-error", 4, "UTF-8"),
    ("tree/d-image.yaml", "parse-error", 3, "NUL"),
    ("tree/e-utf16.yaml", "parse-error", 1, "UTF-16"),
    ("tree/f-bomb.yaml", "parse-error", None, "alias expansion"),
    ("tree/g-deep.yaml", "parse-error", 1, "nesting"),
    ("tree/h-helm.yaml", "parse-error", 4, "Helm"),
    ("tree/k-dup.yaml", "duplicate-key", 11, 'duplicate key "kind"'),
]


def _check_report(report: dict[str, Any]) -> None:
    findings = report["findings"]
    assert not [f for f in findings if f["rule"] == "internal-error"]
    privileged = [
        (f["file"], f["line"], f["column"]) for f in findings if f["rule"] == "privileged-container"
    ]
    assert privileged == [
        ("tree/a-good.yaml", 10, 7),
        ("tree/k-dup.yaml", 10, 7),
        ("tree/z-good.yml", 10, 7),
    ]
    problems = [f for f in findings if f["rule"] in ("parse-error", "duplicate-key")]
    assert [(f["file"], f["rule"]) for f in problems] == [(e[0], e[1]) for e in EXPECTED_PROBLEMS]
    for finding, (_, _, line, text) in zip(problems, EXPECTED_PROBLEMS, strict=True):
        if line is not None:
            assert finding["line"] == line, finding
        assert text in finding["message"], finding
    assert report["summary"]["files"] == 12


def test_one_bad_file_never_stops_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _hostile_tree(tmp_path / "tree")
    code, out, err = run_cli("check", "tree", "--format", "json")
    assert code == 1, err
    _check_report(json.loads(out))


def test_hostile_tree_in_a_real_process(tmp_path: Path) -> None:
    _hostile_tree(tmp_path / "tree")
    proc = subprocess.run(
        [str(KUBELINT), "check", "tree", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1, proc.stderr
    assert "internal error" not in proc.stderr
    _check_report(json.loads(proc.stdout))


def test_deep_nesting_in_a_real_process(tmp_path: Path) -> None:
    # The C composer recurses and segfaults on this; the event-based one must report it.
    (tmp_path / "deep.yaml").write_text("[" * 100_000 + "\n", encoding="utf-8")
    (tmp_path / "deep2.yaml").write_text("{a: " * 100_000 + "\n", encoding="utf-8")
    proc = subprocess.run(
        [str(KUBELINT), "check", "deep.yaml", "deep2.yaml", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["file"], f["rule"], f["line"]) for f in findings] == [
        ("deep.yaml", "parse-error", 1),
        ("deep2.yaml", "parse-error", 1),
    ]
    assert all("nesting" in f["message"] for f in findings)


def test_large_file_of_many_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    filler = "x" * 30_000
    doc = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  k: "
    doc += filler + "\n"
    count = 1000
    body = "".join(doc.format(i=i) for i in range(count))
    text = body + "---\n" + POD
    assert len(text) > 30_000_000
    Path("big.yaml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    code, out, err = run_cli(
        "check", "big.yaml", "--format", "json", "--select", "privileged-container,parse-error"
    )
    elapsed = time.perf_counter() - start
    assert code == 1, err
    report = json.loads(out)
    assert report["summary"]["documents"] == count + 1
    assert report["summary"]["resources"] == count + 1
    (finding,) = report["findings"]
    assert finding["rule"] == "privileged-container"
    assert finding["line"] == 7 * count + 1 + 10
    assert finding["column"] == 7
    assert elapsed < 10.0
