"""pod-security with explicit params: levels, policy version boundaries, Windows and hostUsers.

The rule's case file (tests/cases/pod-security.yaml) runs the defaults (restricted, latest);
these tests configure `level` and `version` the way a configuration file does, and check that
the same pod passes at one policy version and fails at the next where the controller changed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.config import RuleSetting
from kubelint.discover import Target
from kubelint.engine import select_rules
from kubelint.model import Finding
from kubelint.podsecurity import labels as ns_labels
from kubelint.podsecurity.controls import CONTROLS, NEWEST, active_controls, parse_version
from kubelint.registry import Registry
from kubelint.run import RunOptions, run
from kubelint.templates import pod_security
from kubelint.testing import lint_text

RULE = "pod-security"

RESTRICTED_OK_CONTAINER = """\
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
"""
RESTRICTED_OK_POD = """\
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
"""


def pod(
    spec: str = "",
    pod_sc: str = RESTRICTED_OK_POD,
    container: str = RESTRICTED_OK_CONTAINER,
    metadata: str = "",
) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n"
        + metadata
        + "spec:\n"
        + spec
        + pod_sc
        + "  containers:\n    - name: app\n      image: example/app:1\n"
        + container
    )


def lint(
    registry: Registry,
    text: str,
    level: str | None = None,
    version: str | None = None,
    kube_version: str | None = None,
) -> list[Finding]:
    params = {"level": level or "restricted"}
    if version is not None:
        params["version"] = version
    settings = {RULE: RuleSetting(enabled=True, params=params)}
    run_params = {"kube_version": kube_version} if kube_version else None
    active = select_rules(registry, [], settings=settings, run_params=run_params)
    options = RunOptions([Target("case.yaml", None)], active, known_rules=frozenset(registry.rules))
    result = run(options, stdin=io.BytesIO(text.encode("utf-8")))
    return [f for f in result.findings if f.rule == RULE]


def messages(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings]


def where(findings: list[Finding]) -> list[tuple[int, int]]:
    return [(f.span.line, f.span.column) for f in findings]


# --- the table and its parameters ---------------------------------------------------------------


def test_without_a_level_only_namespace_labels_apply(registry: Registry) -> None:
    text = pod(spec="  hostNetwork: true\n")
    assert registry.rules[RULE].enabled
    assert [f for f in lint_text(text, registry=registry) if f.rule == RULE] == []
    assert where(lint(registry, text)) == [(6, 3)]


def test_versions_parse_and_clamp() -> None:
    assert parse_version("latest") == NEWEST
    assert parse_version(None) == NEWEST
    assert parse_version("v1.0") == (1, 0)
    assert parse_version("v1.25") == (1, 25)
    assert parse_version("1.29") == (1, 29)
    assert parse_version("v1.99") == NEWEST  # the controller clamps to its newest revision
    assert max(m for c in CONTROLS for m, _ in c.revisions) == NEWEST
    for bad in ("v2.0", "1", "v1.01", "newest", 1.25):
        with pytest.raises(ValueError):
            parse_version(bad)


def test_unknown_level_is_rejected() -> None:
    with pytest.raises(ValueError, match="level"):
        pod_security.make({"level": "privileged"})


def test_control_ids_are_unique_and_overrides_name_baseline_controls() -> None:
    ids = [c.id for c in CONTROLS]
    assert len(ids) == len(set(ids))
    baseline = {c.id for c in CONTROLS if c.level == "baseline"}
    for control in CONTROLS:
        assert list(control.revisions) == sorted(control.revisions, key=lambda r: r[0])
        if control.overrides:
            assert control.level == "restricted"
            assert set(control.overrides) <= baseline


def test_restricted_replaces_overridden_baseline_controls() -> None:
    def ids(level: str, version: str) -> set[str]:
        return {c.id for c, _ in active_controls(level, parse_version(version))}

    assert "hostPathVolumes" in ids("baseline", "latest")
    assert "hostPathVolumes" not in ids("restricted", "latest")
    assert "restrictedVolumes" not in ids("baseline", "latest")
    # seccomp: the annotation check (baseline, v1.0) stays until restricted has its own (v1.19)
    assert "seccompProfile_baseline" in ids("restricted", "v1.18")
    assert "seccompProfile_baseline" not in ids("restricted", "v1.19")
    assert "capabilities_baseline" in ids("restricted", "v1.21")
    assert "capabilities_baseline" not in ids("restricted", "v1.22")
    assert "procMount" in ids("restricted", "v1.34")
    assert "procMount" not in ids("restricted", "v1.35")
    assert "procMount_restricted" in ids("restricted", "v1.35")


# --- levels -------------------------------------------------------------------------------------


def test_baseline_does_not_require_restricted_settings(registry: Registry) -> None:
    text = pod(pod_sc="", container="")
    assert lint(registry, text, "baseline") == []
    assert len(lint(registry, text, "restricted")) == 4  # APE, runAsNonRoot, seccomp, drop ALL


def test_baseline_capabilities_allow_list(registry: Registry) -> None:
    container = (
        "      securityContext:\n        capabilities:\n"
        "          add: [CHOWN, NET_RAW, SYS_ADMIN]\n"
    )
    found = lint(registry, pod(container=container), "baseline")
    assert [m.split(" must")[0] for m in messages(found)] == [
        "baseline: capability NET_RAW",
        "baseline: capability SYS_ADMIN",
    ]
    assert where(found) == [(15, 24), (15, 33)]


def test_baseline_reports_host_path_volumes_at_the_source(registry: Registry) -> None:
    text = pod(
        spec="  volumes:\n    - name: host\n      hostPath: {path: /}\n"
        "    - name: n\n      nfs: {server: x, path: /}\n"
    )
    found = lint(registry, text, "baseline")
    assert where(found) == [(8, 7)]
    assert 'hostPath volumes are forbidden (volume "host")' in found[0].message


# --- version boundaries: the same pod passes at one version and fails at the next ---------------


@pytest.mark.parametrize(
    ("sysctl", "passes", "fails"),
    [
        ("net.ipv4.ip_local_reserved_ports", "v1.27", "v1.26"),
        ("net.ipv4.tcp_keepalive_time", "v1.29", "v1.28"),
        ("net.ipv4.tcp_fin_timeout", "v1.29", "v1.28"),
        ("net.ipv4.tcp_keepalive_intvl", "v1.29", "v1.28"),
        ("net.ipv4.tcp_keepalive_probes", "v1.29", "v1.28"),
        ("net.ipv4.tcp_rmem", "v1.32", "v1.31"),
        ("net.ipv4.tcp_wmem", "v1.32", "v1.31"),
        ("net.ipv4.tcp_slow_start_after_idle", "v1.37", "v1.36"),
        ("net.ipv4.tcp_notsent_lowat", "v1.37", "v1.36"),
        ("kernel.shm_rmid_forced", "v1.0", None),
        ("net.ipv4.ip_unprivileged_port_start", "v1.0", None),
        ("kernel.msgmax", None, "latest"),
    ],
)
def test_sysctl_safe_set_grows(
    registry: Registry, sysctl: str, passes: str | None, fails: str | None
) -> None:
    text = pod(
        pod_sc=RESTRICTED_OK_POD + f"    sysctls:\n      - name: {sysctl}\n        value: '1'\n"
    )
    if passes is not None:
        assert lint(registry, text, "baseline", passes) == []
        assert lint(registry, text, "baseline", "latest") == []
    if fails is not None:
        found = lint(registry, text, "baseline", fails)
        assert where(found) == [(11, 15)]
        assert found[0].message == f"baseline: sysctl {sysctl} is not in the safe set"


def test_selinux_container_engine_t_from_1_31(registry: Registry) -> None:
    text = pod(pod_sc="  securityContext:\n    seLinuxOptions:\n      type: container_engine_t\n")
    assert lint(registry, text, "baseline", "v1.31") == []
    assert where(lint(registry, text, "baseline", "v1.30")) == [(8, 7)]


def test_host_probes_from_1_34(registry: Registry) -> None:
    container = (
        "      readinessProbe:\n        httpGet:\n          host: example.com\n          port: 80\n"
    )
    text = pod(pod_sc="", container=container)
    assert lint(registry, text, "baseline", "v1.33") == []
    found = lint(registry, text, "baseline", "v1.34")
    assert where(found) == [(11, 11)]
    assert "readinessProbe.httpGet.host must be unset" in found[0].message


def test_run_as_user_from_1_23(registry: Registry) -> None:
    text = pod(pod_sc=RESTRICTED_OK_POD + "    runAsUser: 0\n")
    assert lint(registry, text, "restricted", "v1.22") == []
    assert where(lint(registry, text, "restricted", "v1.23")) == [(10, 5)]
    assert lint(registry, text, "baseline", "latest") == []


def test_allow_privilege_escalation_from_1_8(registry: Registry) -> None:
    text = pod(pod_sc="  securityContext:\n    runAsNonRoot: true\n", container="")
    assert lint(registry, text, "restricted", "v1.7") == []
    found = lint(registry, text, "restricted", "v1.8")
    assert messages(found) == [
        'restricted: allowPrivilegeEscalation must be false (container "app")'
    ]
    assert where(found) == [(9, 7)]


def test_restricted_seccomp_from_1_19_and_annotations_before(registry: Registry) -> None:
    no_profile = pod(pod_sc="  securityContext:\n    runAsNonRoot: true\n")
    assert lint(registry, no_profile, "restricted", "v1.18") == []
    found = lint(registry, no_profile, "restricted", "v1.19")
    assert where(found) == [(11, 7)]
    assert "seccompProfile.type must be set" in found[0].message

    annotated = pod(
        metadata="  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\n"
        "    container.seccomp.security.alpha.kubernetes.io/app: docker/default\n",
        pod_sc="  securityContext:\n    runAsNonRoot: true\n"
        "    seccompProfile: {type: Unconfined}\n",
    )
    for level in ("baseline", "restricted"):
        found = lint(registry, annotated, level, "v1.18")
        assert where(found) == [(6, 5)], level  # the annotation, not yet the field
        assert "seccomp annotation seccomp.security.alpha.kubernetes.io/pod" in found[0].message
    # from v1.19 the field; restricted also wants a valid profile for the container then
    assert where(lint(registry, annotated, "baseline", "v1.19")) == [(11, 22)]
    assert where(lint(registry, annotated, "restricted", "v1.19")) == [(11, 22), (15, 7)]


def test_restricted_capabilities_from_1_22(registry: Registry) -> None:
    container = (
        "      securityContext:\n        allowPrivilegeEscalation: false\n"
        "        capabilities:\n          add: [CHOWN]\n"
    )
    text = pod(container=container)
    # before v1.22 only the baseline allow list applies, and CHOWN is on it
    assert lint(registry, text, "restricted", "v1.21") == []
    found = lint(registry, text, "restricted", "v1.22")
    assert messages(found) == [
        'restricted: capabilities.drop must include "ALL" (container "app")',
        'restricted: capability CHOWN must not be added, only NET_BIND_SERVICE (container "app")',
    ]
    assert where(found) == [(15, 9), (16, 17)]


def test_apparmor_fields_and_annotations_at_every_version(registry: Registry) -> None:
    # The controller checks both in its single v1.0 revision, so a pinned old version does too.
    text = pod(
        metadata="  annotations:\n"
        "    container.apparmor.security.beta.kubernetes.io/app: unconfined\n",
        pod_sc="  securityContext:\n    appArmorProfile: {type: Unconfined}\n",
    )
    for version in ("v1.0", "v1.29", "latest"):
        assert where(lint(registry, text, "baseline", version)) == [(6, 5), (9, 23)], version


def test_image_volumes_allowed_at_every_version(registry: Registry) -> None:
    text = pod(spec="  volumes:\n    - name: data\n      image: {reference: example/data:1}\n")
    for version in ("v1.0", "v1.32", "latest"):
        assert lint(registry, text, "restricted", version) == [], version


# --- Windows pods (v1.25+) ----------------------------------------------------------------------

WINDOWS = "  os:\n    name: windows\n"


def test_windows_pods_exempt_from_three_restricted_controls_from_1_25(registry: Registry) -> None:
    text = pod(spec=WINDOWS, pod_sc="  securityContext:\n    runAsNonRoot: true\n", container="")
    assert lint(registry, text, "restricted", "v1.25") == []
    assert lint(registry, text, "restricted", "latest") == []
    found = lint(registry, text, "restricted", "v1.24")
    assert sorted(m.split(":")[1].split(" must")[0].strip() for m in messages(found)) == [
        "allowPrivilegeEscalation",
        "capabilities.drop",
        "seccompProfile.type",
    ]


def test_windows_pods_still_get_the_other_controls(registry: Registry) -> None:
    text = pod(
        spec=WINDOWS + "  hostNetwork: true\n",
        pod_sc="  securityContext:\n    runAsUser: 0\n    windowsOptions: {hostProcess: true}\n",
        container="",
    )
    found = lint(registry, text, "restricted", "latest")
    assert messages(found) == [
        "baseline: hostNetwork must not be true",
        "restricted: runAsUser must not be 0 (pod)",
        "baseline: windowsOptions.hostProcess must not be true (pod)",
        'restricted: runAsNonRoot must be true in the pod or the container (container "app")',
    ]


def test_linux_os_is_not_exempt(registry: Registry) -> None:
    text = pod(
        spec="  os:\n    name: linux\n",
        pod_sc="  securityContext:\n    runAsNonRoot: true\n",
        container="",
    )
    assert len(lint(registry, text, "restricted", "latest")) == 3


# --- hostUsers: false (v1.35+) ------------------------------------------------------------------

USERNS = "  hostUsers: false\n"


def test_host_users_false_relaxes_run_as_non_root_and_run_as_user_from_1_35(
    registry: Registry,
) -> None:
    text = pod(
        spec=USERNS,
        pod_sc="  securityContext:\n    runAsUser: 0\n    seccompProfile: {type: RuntimeDefault}\n",
        container=RESTRICTED_OK_CONTAINER + "        runAsNonRoot: false\n",
    )
    assert lint(registry, text, "restricted", "v1.35") == []
    assert lint(registry, text, "restricted", "latest") == []
    found = lint(registry, text, "restricted", "v1.34")
    assert messages(found) == [
        "restricted: runAsUser must not be 0 (pod)",
        'restricted: runAsNonRoot must not be false (container "app")',
    ]


def test_host_users_true_or_unset_is_not_relaxed(registry: Registry) -> None:
    for spec in ("  hostUsers: true\n", ""):
        text = pod(
            spec=spec, pod_sc="  securityContext:\n    seccompProfile: {type: RuntimeDefault}\n"
        )
        assert len(lint(registry, text, "restricted", "latest")) == 1, spec


def test_host_users_false_relaxes_proc_mount_at_baseline_only(registry: Registry) -> None:
    text = pod(spec=USERNS, container=RESTRICTED_OK_CONTAINER + "        procMount: Unmasked\n")
    assert lint(registry, text, "baseline", "v1.35") == []
    assert len(lint(registry, text, "baseline", "v1.34")) == 1
    for version in ("v1.34", "v1.35", "latest"):
        found = lint(registry, text, "restricted", version)
        assert where(found) == [(18, 9)], version
        assert "procMount must be Default or unset, not Unmasked" in found[0].message


def test_host_users_false_does_not_relax_capabilities(registry: Registry) -> None:
    text = pod(
        spec=USERNS, container="      securityContext:\n        allowPrivilegeEscalation: false\n"
    )
    assert messages(lint(registry, text, "restricted", "latest")) == [
        'restricted: capabilities.drop must include "ALL" (container "app")'
    ]


# --- every pod spec -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "api_version", "template"),
    [
        ("Deployment", "apps/v1", "spec:\n  template:\n"),
        ("StatefulSet", "apps/v1", "spec:\n  template:\n"),
        ("DaemonSet", "apps/v1", "spec:\n  template:\n"),
        ("ReplicaSet", "apps/v1", "spec:\n  template:\n"),
        ("Job", "batch/v1", "spec:\n  template:\n"),
        ("ReplicationController", "v1", "spec:\n  template:\n"),
        ("CronJob", "batch/v1", "spec:\n  jobTemplate:\n    spec:\n      template:\n"),
        ("PodTemplate", "v1", "template:\n"),
    ],
)
def test_every_workload_kind(
    registry: Registry, kind: str, api_version: str, template: str
) -> None:
    depth = template.count("\n")
    pad = "  " * depth
    text = (
        f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: w\n{template}"
        f"{pad}spec:\n{pad}  hostIPC: true\n{pad}  containers:\n{pad}    - name: c\n"
        f"{pad}      image: example/c:1\n"
    )
    assert messages(lint(registry, text, "baseline")) == ["baseline: hostIPC must not be true"]
    assert len(lint(registry, text, "restricted")) == 5


NAMESPACED = """\
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.24
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: payments
spec:
  containers:
    - name: api
      image: api:2
      securityContext:
        privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: elsewhere
  namespace: other
spec:
  hostPID: true
  containers:
    - name: x
      image: x:1
"""


def _cli(tmp_path: Path, *args: str) -> tuple[int, list[tuple[str, int, int, str]], str]:
    (tmp_path / "app.yaml").write_text(NAMESPACED)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["check", str(tmp_path / "app.yaml"), "-f", "json", "--select", RULE, *args], out, err
    )
    findings = [
        (f["severity"], f["line"], f["column"], f["message"])
        for f in json.loads(out.getvalue() or '{"findings": []}')["findings"]
    ]
    return code, findings, err.getvalue()


def test_namespace_labels_enforce_and_warn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, findings, _ = _cli(tmp_path)
    assert code == 1
    # enforce baseline:v1.24 makes privileged an error; warn restricted adds warnings; the pod
    # in a namespace without labels is not evaluated.
    errors = [f for f in findings if f[0] == "error"]
    assert errors == [
        (
            "error",
            20,
            9,
            'baseline: privileged must not be true (container "api") '
            '[namespace "payments" enforces baseline:v1.24]',
        )
    ]
    warnings = [f for f in findings if f[0] == "warning"]
    assert len(warnings) == 4
    assert all('[namespace "payments" warns restricted:latest]' in f[3] for f in warnings)
    # privileged is also a restricted violation: reported once, as the enforced error.
    assert not any("privileged" in f[3] for f in warnings)
    assert all(f[1] < 24 for f in findings)


def test_flags_evaluate_every_pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _, findings, _ = _cli(tmp_path, "--pod-security", "baseline", "--pod-security-version", "1.30")
    assert ("error", 28, 3, "baseline: hostPID must not be true") in [
        (s, line, col, m) for s, line, col, m in findings
    ]
    code, _, err = _cli(tmp_path, "--pod-security-version", "v2.0")
    assert code == 2 and "--pod-security-version" in err


def test_config_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / ".kubelint.yaml").write_text(
        "pod-security: baseline\npod-security-version: v1.30\n"
    )
    _, findings, _ = _cli(tmp_path)
    assert any(
        line == 28 and m == "baseline: hostPID must not be true" for _, line, _, m in findings
    )


# --- the cluster's version and the namespace labels, read as the controller reads them ---------


def test_a_cluster_evaluates_newer_policy_versions_at_its_own(registry: Registry) -> None:
    container = (
        "      readinessProbe:\n        tcpSocket:\n          host: db\n          port: 5432\n"
    )
    text = pod(pod_sc="", container=container)
    assert where(lint(registry, text, "baseline", "latest", kube_version="1.34")) == [(11, 11)]
    # A 1.33 API server knows no v1.34 control: latest, and v1.34 itself, mean v1.33 there.
    assert lint(registry, text, "baseline", "latest", kube_version="1.33") == []
    assert lint(registry, text, "baseline", "v1.34", kube_version="1.33") == []
    assert pod_security.cluster_cap({"kube_version": "1.30"}) == (1, 30)
    assert pod_security.cluster_cap({"kube_version": "1.99"}) == NEWEST
    assert pod_security.cluster_cap({}) == NEWEST


@pytest.mark.parametrize(
    ("labels", "modes"),
    [
        ({"enforce": "baseline"}, [("enforce", "baseline", NEWEST, "latest")]),
        (
            {"enforce": "privileged", "warn": "restricted"},
            [("warn", "restricted", NEWEST, "latest")],
        ),
        ({"audit": "baseline", "audit-version": "v1.9"}, [("audit", "baseline", (1, 9), "v1.9")]),
        (
            {"enforce": "restricted", "enforce-version": "v1.99"},
            [("enforce", "restricted", NEWEST, "v1.99")],
        ),
        ({"enforce-version": "v1.20"}, []),
    ],
)
def test_namespace_modes(
    labels: dict[str, str], modes: list[tuple[str, str, tuple[int, int], str]]
) -> None:
    found, errors = ns_labels.namespace_modes(
        {ns_labels.LABEL_PREFIX + k: v for k, v in labels.items()}
    )
    assert [(m.mode, m.level, m.version, m.text) for m in found] == modes
    assert errors == []


@pytest.mark.parametrize(
    ("labels", "modes", "invalid"),
    [
        # an invalid enforce level is enforced as restricted: the controller fails closed
        ({"enforce": "strict"}, [("enforce", "restricted", NEWEST)], ["enforce"]),
        # an invalid warn or audit level turns the mode off: it fails open
        ({"warn": "Restricted", "audit": ""}, [], ["warn", "audit"]),
        # versions are "latest" or "v1.MINOR" only; anything else is latest
        (
            {"enforce": "baseline", "enforce-version": "1.30"},
            [("enforce", "baseline", NEWEST)],
            ["enforce-version"],
        ),
        (
            {"warn": "baseline", "warn-version": "v1.05"},
            [("warn", "baseline", NEWEST)],
            ["warn-version"],
        ),
        ({"audit-version": "v2.0"}, [], ["audit-version"]),
    ],
)
def test_invalid_namespace_labels(
    labels: dict[str, str], modes: list[tuple[str, str, tuple[int, int]]], invalid: list[str]
) -> None:
    found, errors = ns_labels.namespace_modes(
        {ns_labels.LABEL_PREFIX + k: v for k, v in labels.items()}
    )
    assert [(m.mode, m.level, m.version) for m in found] == modes
    assert [e.path[-1] for e in errors] == [ns_labels.LABEL_PREFIX + k for k in invalid]


INVALID_LABELS = """\
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: strict
    pod-security.kubernetes.io/warn-version: "1.30"
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: payments
spec:
  containers:
    - name: api
      image: api:2
"""


def test_invalid_labels_are_errors_and_fail_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ns.yaml").write_text(INVALID_LABELS)
    out = io.StringIO()
    code = main(["check", "ns.yaml", "-f", "json", "--select", RULE], out, io.StringIO())
    found = [(f["line"], f["column"], f["message"]) for f in json.loads(out.getvalue())["findings"]]
    assert code == 1
    assert found[:2] == [
        (
            6,
            41,
            "label pod-security.kubernetes.io/enforce=strict must be privileged, baseline or "
            "restricted; the API server rejects a Namespace with an invalid Pod Security label",
        ),
        (
            7,
            46,
            'label pod-security.kubernetes.io/warn-version=1.30 must be latest or "v1.MINOR" '
            "such as v1.30; the API server rejects a Namespace with an invalid Pod Security label",
        ),
    ]
    # "strict" is enforced as restricted:latest, so the bare pod gets the restricted errors.
    rest = [m for _, _, m in found[2:]]
    assert len(rest) == 4
    assert all(m.endswith('[namespace "payments" enforces restricted:latest]') for m in rest)
    assert all(m.startswith("restricted: ") for m in rest)


def test_a_configured_level_replaces_the_namespace_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, findings, _ = _cli(tmp_path, "--pod-security", "baseline")
    assert code == 1
    # every pod at baseline, once, without the namespace notes
    assert [(line, m) for _, line, _, m in findings] == [
        (20, 'baseline: privileged must not be true (container "api")'),
        (28, "baseline: hostPID must not be true"),
    ]


def test_namespace_labels_follow_the_cluster_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n  labels:\n"
        "    pod-security.kubernetes.io/enforce: baseline\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: web\nspec:\n"
        "  containers:\n    - name: c\n      image: c:1\n      livenessProbe:\n"
        "        httpGet:\n          host: 10.0.0.1\n          port: 80\n"
    )
    (tmp_path / "web.yaml").write_text(text)

    def lines(*args: str) -> list[int]:
        out = io.StringIO()
        main(["check", "web.yaml", "-f", "json", "--select", RULE, *args], out, io.StringIO())
        return [f["line"] for f in json.loads(out.getvalue())["findings"]]

    assert lines() == [19]
    assert lines("--kube-version", "1.34") == [19]
    assert lines("--kube-version", "1.33") == []
