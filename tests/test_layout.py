"""Kustomize trees, tool configs, test-suite assertions and application units, end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.layout import build_layout, is_tool_config

BASE_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/app:1.0
"""
# Shaped like kustomize's springboot example: a patch adds probes and limits to one container.
PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            limits: {memory: 1Gi}
          securityContext:
            privileged: true
        - name: sidecar
          securityContext:
            readOnlyRootFilesystem: false
"""


@pytest.fixture(autouse=True)
def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))


def _write(files: dict[str, str]) -> None:
    for name, text in files.items():
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text(text)


def findings(*args: str) -> list[tuple[str, int, int, str, str]]:
    out, err = io.StringIO(), io.StringIO()
    main(["check", *args, "-f", "json"], out, err)
    return [
        (f["file"], f["line"], f["column"], f["rule"], f["message"])
        for f in json.loads(out.getvalue())["findings"]
    ]


def _tree() -> None:
    _write(
        {
            "base/kustomization.yaml": "commonLabels:\n  app: app\nresources:\n- deployment.yaml\n",
            "base/deployment.yaml": BASE_DEPLOYMENT,
            "overlays/prod/kustomization.yaml": (
                "resources:\n- ../../base\npatches:\n- path: patch.yaml\n"
                "- patch: |-\n    - op: add\n      path: /x\n      value: 1\n"
            ),
            "overlays/prod/patch.yaml": PATCH,
        }
    )


def test_a_patch_is_judged_for_what_it_sets_not_for_what_it_leaves_out() -> None:
    _tree()
    found = findings("overlays", "--select", "ALL")
    assert [(f, line, col, rule) for f, line, col, rule, _ in found] == [
        ("overlays/prod/patch.yaml", 13, 13, "privileged-container"),
        ("overlays/prod/patch.yaml", 16, 13, "writable-root-filesystem"),
    ]


def test_a_base_whose_kustomization_adds_selector_labels_has_no_missing_selector() -> None:
    _tree()
    rules = {rule for _, _, _, rule, message in findings("base", "--select", "schema-validation")}
    assert rules == set()
    # The same Deployment outside a kustomization is missing its selector.
    _write({"plain/deployment.yaml": BASE_DEPLOYMENT})
    assert [m for *_, m in findings("plain", "--select", "schema-validation")] == [
        "spec.selector is required"
    ]


def test_selector_labels_reach_a_base_through_the_overlay_that_includes_it() -> None:
    _write(
        {
            "base/kustomization.yaml": "resources:\n- deployment.yaml\n",
            "base/deployment.yaml": BASE_DEPLOYMENT,
            "prod/kustomization.yaml": (
                "resources:\n- ../base\nlabels:\n- pairs: {app: app}\n  includeSelectors: true\n"
            ),
        }
    )
    assert findings("base", "prod", "--select", "schema-validation") == []
    layout = build_layout([Path("base/deployment.yaml")])
    assert layout.origin(Path("base/deployment.yaml")).unit == "base"  # prod was not linted


def test_kustomize_and_tool_configs_are_not_objects() -> None:
    _write(
        {
            "k/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n"
            ),
            "k/component.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
            "k/kind.yaml": "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: []\n",
            "k/skaffold.yaml": "apiVersion: skaffold/v4beta6\nkind: Config\n",
            "k/flux.yaml": (
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                "metadata: {name: apps, namespace: flux-system}\n"
            ),
        }
    )
    found = findings("k", "--select", "schema-validation")
    # Only Flux's Kustomization is a real custom resource (a no-schema note, once).
    assert [(f, rule) for f, _, _, rule, _ in found] == [("k/flux.yaml", "schema-validation")]
    assert is_tool_config("builtin")
    assert not is_tool_config("kustomize.toolkit.fluxcd.io/v1")


def test_test_suite_assertions_are_not_objects() -> None:
    assert_file = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nstatus:\n  readyReplicas: 1\n"
    )
    _write(
        {
            "e2e/smoke/chainsaw-test.yaml": (
                "apiVersion: chainsaw.kyverno.io/v1alpha1\nkind: Test\n"
            ),
            "e2e/smoke/00-assert.yaml": assert_file,
            "e2e/kuttl/01-errors.yaml": assert_file,
            "e2e/smoke/00-install.yaml": PATCH,
        }
    )
    # A step's own objects are applied onto existing ones: judged for what they set.
    found = findings("e2e", "--select", "ALL")
    assert [(f, rule) for f, _, _, rule, _ in found] == [
        ("e2e/smoke/00-install.yaml", "privileged-container"),
        ("e2e/smoke/00-install.yaml", "writable-root-filesystem"),
    ]


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
"""
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def test_objects_pair_only_inside_their_unit() -> None:
    # Project b's StatefulSet is not served by project a's Service, but the right name is
    # suggested when b has Services of its own.
    other = SERVICE.replace("name: web", "name: web-headless")
    _write({"a/service.yaml": SERVICE, "b/sts.yaml": STATEFULSET, "b/other.yaml": other})
    found = findings("a", "b", "--select", "statefulset-service")
    assert [(f, line, col) for f, line, col, _, _ in found] == [("b/sts.yaml", 6, 3)]
    assert "names no Service in the same namespace among the linted files of b/" in found[0][4]
    assert '(did you mean "web-headless"?)' in found[0][4]


def test_apply_order_is_claimed_only_within_one_file() -> None:
    _write({"app/a-sts.yaml": STATEFULSET, "app/b-service.yaml": SERVICE})
    assert findings("app", "--select", "statefulset-service") == []
    _write({"one/all.yaml": STATEFULSET + "---\n" + SERVICE})
    found = findings("one", "--select", "statefulset-service")
    assert [(line, col) for _, line, col, _, _ in found] == [(6, 3)]
    assert "is applied after this StatefulSet" in found[0][4]


def test_no_endpoints_only_with_a_workload_in_the_services_own_file() -> None:
    wrong = SERVICE.replace("selector: {app: web}", "selector: {app: wbe}")
    # The Service alone in its file: its pods may come from elsewhere.
    _write({"x/service.yaml": wrong, "x/sts.yaml": STATEFULSET})
    assert findings("x", "--select", "service-config") == []
    _write({"y/all.yaml": wrong + "---\n" + STATEFULSET})
    found = findings("y", "--select", "service-config")
    assert [(line, col) for _, line, col, _, _ in found] == [(7, 3)]
    assert "matches no pod template among the linted files of y/" in found[0][4]


def test_controller_labels_and_operators_do_not_make_a_selector_wrong() -> None:
    pinned = SERVICE.replace(
        "selector: {app: web}",
        "selector: {app: web, statefulset.kubernetes.io/pod-name: web-0}",
    )
    _write({"p/all.yaml": pinned + "---\n" + STATEFULSET})
    assert findings("p", "--select", "service-config") == []
    operated = SERVICE.replace("selector: {app: web}", "selector: {app: db}")
    custom = "apiVersion: example.com/v1\nkind: Database\nmetadata:\n  name: db\n"
    _write({"o/all.yaml": operated + "---\n" + STATEFULSET + "---\n" + custom})
    assert findings("o", "--select", "service-config") == []


def test_objects_dumped_from_a_cluster_are_judged_for_what_they_say() -> None:
    # Shaped like analyser fixtures: `kubectl get pods -o yaml`, trimmed to what a test needs.
    dump = (
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n"
        "    name: agent-x\n    ownerReferences:\n    - apiVersion: apps/v1\n"
        "      kind: DaemonSet\n      name: agent\n      uid: 14265cc3\n      controller: true\n"
        "  spec:\n    containers:\n    - ports: []\n      securityContext: {privileged: true}\n"
    )
    _write({"dump/pods.yaml": dump})
    found = findings("dump", "--select", "ALL")
    assert [(line, rule) for _, line, _, rule, _ in found] == [(17, "privileged-container")]


def test_a_commented_out_patch_entry_is_still_a_patch() -> None:
    # kubebuilder scaffolds patches and leaves their entries commented out.
    stub = (
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
        "  annotations: {cert-manager.io/inject-ca-from: x/y}\n  name: widgets.example.com\n"
    )
    _write(
        {
            "crd/kustomization.yaml": (
                "resources: []\npatches:\n#- path: patches/ca_in_widgets.yaml\n"
            ),
            "crd/patches/ca_in_widgets.yaml": stub,
        }
    )
    assert findings("crd", "--select", "schema-validation") == []


def test_a_kind_defined_by_two_crds_is_wrong_only_if_both_reject_it() -> None:
    def crd(extra: str) -> str:
        return (
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
            "  name: jobs.example.com\nspec:\n  group: example.com\n"
            "  names: {kind: Job, plural: jobs}\n  scope: Namespaced\n  versions:\n"
            "  - name: v1\n    served: true\n    storage: true\n    schema:\n"
            "      openAPIV3Schema:\n        type: object\n        properties:\n"
            f"          spec:\n            type: object\n{extra}"
        )

    full = crd("            properties:\n              size: {type: integer}\n")
    minimal = crd("            x-kubernetes-preserve-unknown-fields: true\n")
    job = "apiVersion: example.com/v1\nkind: Job\nmetadata: {name: j}\nspec: {size: big}\n"
    _write({"two/full.yaml": full, "two/minimal.yaml": minimal, "two/job.yaml": job})
    assert findings("two", "--select", "schema-validation") == []
    _write({"one/full.yaml": full, "one/job.yaml": job})
    assert [m for *_, m in findings("one", "--select", "schema-validation")] == [
        'spec.size must be an integer, got the string "big" (its CustomResourceDefinition '
        "rejects it)"
    ]
