"""removed-api and deprecated-api: version boundaries, the lifecycle table, the command line.

The table (kubelint/templates/api-lifecycle.yaml) is checked three ways: its own consistency,
the entries of the Kubernetes deprecated API migration guide (written out again here), and the
group/version/kinds that each bundled Kubernetes schema actually serves.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pytest

from kubelint.cli import main
from kubelint.compose import compose
from kubelint.discover import Target
from kubelint.engine import ActiveRule, select_rules
from kubelint.kubeversion import schema_root, supported
from kubelint.model import Finding, Severity
from kubelint.registry import Registry
from kubelint.run import RunOptions, run
from kubelint.templates import api_versions
from kubelint.templates.api_versions import Lifecycle, Version

RULES = ("removed-api", "deprecated-api")
GROUP_VERSION = re.compile(
    r"(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"v[1-9][0-9]*(?:(?:alpha|beta)[1-9][0-9]*)?\Z"
)
KIND = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
VERSION = re.compile(r"1\.(0|[1-9][0-9]*)\Z")
PAIRS = [(e, kind) for e in api_versions.entries() for kind in e.kinds]


def pair_id(pair: tuple[Lifecycle, str]) -> str:
    return f"{pair[0].api_version}:{pair[1]}"


def lint(
    registry: Registry, text: str, version: str | None, rules: Sequence[str] = RULES
) -> list[Finding]:
    """Run the given rules over a manifest for one target version (None: the default)."""
    run_params = {"kube_version": version} if version is not None else None
    active = select_rules(registry, list(rules), run_params=run_params)
    options = RunOptions([Target("case.yaml", None)], active, known_rules=frozenset(registry.rules))
    result = run(options, stdin=io.BytesIO(text.encode("utf-8")))
    return [f for f in result.findings if f.rule in rules]


def manifest(api_version: str, kind: str, name: str = "x") -> str:
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\n"


def minor(version: Version, delta: int = 0) -> str:
    return f"{version[0]}.{version[1] + delta}"


# --- The brief's example and the boundaries of a few well-known APIs, spelled out. ---


def test_message_names_the_release_and_the_replacement(registry: Registry) -> None:
    (finding,) = lint(registry, manifest("apps/v1beta1", "StatefulSet"), "1.22")
    assert (finding.rule, finding.severity) == ("removed-api", Severity.ERROR)
    assert finding.message == "apps/v1beta1 StatefulSet was removed in Kubernetes 1.16; use apps/v1"
    assert (finding.span.line, finding.span.column) == (1, 13)
    assert (finding.span.end_line, finding.span.end_column) == (1, 25)
    assert finding.path == ("apiVersion",)


D, R = "deprecated-api", "removed-api"


@pytest.mark.parametrize(
    ("api_version", "kind", "expected"),
    [
        ("batch/v1beta1", "CronJob", {"1.20": None, "1.21": D, "1.24": D, "1.25": R}),
        ("apps/v1beta1", "StatefulSet", {"1.7": None, "1.8": D, "1.15": D, "1.16": R}),
        ("extensions/v1beta1", "Ingress", {"1.13": None, "1.14": D, "1.21": D, "1.22": R}),
        ("policy/v1beta1", "PodSecurityPolicy", {"1.20": None, "1.21": D, "1.25": R}),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", {"1.22": None, "1.23": D, "1.26": R}),
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity", {"1.23": None, "1.24": D, "1.27": R}),
        (
            "flowcontrol.apiserver.k8s.io/v1beta3",
            "FlowSchema",
            {"1.28": None, "1.29": D, "1.31": D, "1.32": R},
        ),
        ("events.k8s.io/v1beta1", "Event", {"1.21": None, "1.22": D, "1.25": R}),
        ("resource.k8s.io/v1beta1", "ResourceClaim", {"1.34": None, "1.35": D, "1.38": R}),
        ("resource.k8s.io/v1alpha3", "ResourceSlice", {"1.33": None, "1.34": R}),
        ("v1", "Endpoints", {"1.32": None, "1.33": D, "1.40": D}),
        ("apps/v1", "Deployment", {"1.9": None, "1.16": None, "1.37": None}),
        ("example.com/v1beta1", "Ingress", {"1.16": None, "1.22": None, "1.37": None}),
    ],
)
def test_known_boundaries(
    registry: Registry, api_version: str, kind: str, expected: dict[str, str | None]
) -> None:
    for version, rule in expected.items():
        got = [f.rule for f in lint(registry, manifest(api_version, kind), version)]
        assert got == ([rule] if rule else []), f"{api_version} {kind} at {version}"


FLOW_V1BETA1 = ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema")
DRA_CLAIM = ("resource.k8s.io/v1alpha2", "ResourceClaim")
DRA_SCHEDULING = ("resource.k8s.io/v1alpha1", "PodScheduling")
EXT_PSP = ("extensions/v1beta1", "PodSecurityPolicy")


@pytest.mark.parametrize(
    ("pair", "version", "advice"),
    [
        # The replacement offered is the best one served at the target version.
        (("extensions/v1beta1", "Ingress"), "1.16", "use networking.k8s.io/v1beta1;"),
        (("extensions/v1beta1", "Ingress"), "1.19", "use networking.k8s.io/v1;"),
        (("autoscaling/v2beta1", "HorizontalPodAutoscaler"), "1.22", "use autoscaling/v2beta2"),
        (("autoscaling/v2beta1", "HorizontalPodAutoscaler"), "1.23", "use autoscaling/v2"),
        (FLOW_V1BETA1, "1.26", "use flowcontrol.apiserver.k8s.io/v1beta3"),
        (FLOW_V1BETA1, "1.29", "use flowcontrol.apiserver.k8s.io/v1"),
        (DRA_CLAIM, "1.31", "use resource.k8s.io/v1alpha3"),
        (DRA_CLAIM, "1.33", "use resource.k8s.io/v1beta1"),
        (DRA_CLAIM, "1.34", "use resource.k8s.io/v1"),
        (DRA_SCHEDULING, "1.31", "use resource.k8s.io/v1alpha3 PodSchedulingContext"),
        # Not served yet at the target: say from when.
        (("extensions/v1beta1", "Deployment"), "1.8", "use apps/v1 (served from Kubernetes 1.9)"),
        # The replacement is gone too: what replaces it, or what to do instead.
        (EXT_PSP, "1.16", "use policy/v1beta1"),
        (EXT_PSP, "1.25", "nothing replaces it; use Pod Security admission"),
        (DRA_SCHEDULING, "1.32", "classic DRA scheduling was withdrawn"),
        (("v1", "Endpoints"), "1.33", "use discovery.k8s.io/v1 EndpointSlice"),
    ],
)
def test_replacement_depends_on_the_target(
    registry: Registry, pair: tuple[str, str], version: str, advice: str
) -> None:
    (finding,) = lint(registry, manifest(*pair), version)
    assert advice in finding.message


# --- Every pair in the table, at every version from 1.5 to 1.40. ---


@lru_cache(maxsize=1)
def raw_entries() -> list[dict[str, Any]]:
    """The table as plain data, read independently of the template module."""
    path = Path(api_versions.__file__).with_name("api-lifecycle.yaml")
    data = next(iter(compose(path.read_text(encoding="utf-8")))).data
    return list(data["entries"])


def key(version: str | None) -> Version | None:
    if version is None:
        return None
    major, minor_ = version.split(".")
    return int(major), int(minor_)


def expected_rule(raw: dict[str, Any], version: Version) -> str | None:
    deprecated, removed = key(raw["deprecated"]), key(raw["removed"])
    if removed is not None and version >= removed:
        return "removed-api"
    if deprecated is not None and version >= deprecated:
        return "deprecated-api"
    return None


def test_every_pair_at_every_version(registry: Registry) -> None:
    """One document per pair; each version reports each document by at most one rule."""
    docs, where = [], {}
    for raw in raw_entries():
        for kind in raw["kinds"]:
            where[5 * len(docs) + 1] = (raw, kind)  # each document is 4 lines and a ---
            docs.append(manifest(raw["apiVersion"], kind))
    text = "---\n".join(docs)
    for minor_ in range(5, 41):
        version = (1, minor_)
        got: dict[int, list[str]] = {}
        for finding in lint(registry, text, minor(version)):
            got.setdefault(finding.span.line, []).append(finding.rule)
            assert finding.span.column == 13
        for line, (raw, kind) in where.items():
            rule = expected_rule(raw, version)
            assert got.get(line, []) == ([rule] if rule else []), (
                f"{raw['apiVersion']} {kind} at 1.{minor_}"
            )


@pytest.mark.parametrize("pair", PAIRS, ids=[pair_id(p) for p in PAIRS])
def test_reported_at_the_removal_version_and_not_before(
    registry: Registry, pair: tuple[Lifecycle, str]
) -> None:
    entry, kind = pair
    text = manifest(entry.api_version, kind)
    if entry.removed is not None:
        assert [f.rule for f in lint(registry, text, minor(entry.removed))] == ["removed-api"]
        before = [f.rule for f in lint(registry, text, minor(entry.removed, -1))]
        assert "removed-api" not in before
        if entry.deprecated is not None and entry.deprecated < entry.removed:
            assert before == ["deprecated-api"]
    if entry.deprecated is not None:
        if entry.removed is None or entry.deprecated < entry.removed:
            at = [f.rule for f in lint(registry, text, minor(entry.deprecated))]
            assert at == ["deprecated-api"]
        assert lint(registry, text, minor(entry.deprecated, -1)) == []


def test_default_target_is_the_newest_supported(registry: Registry) -> None:
    newest = supported()[-1]
    text = "---\n".join(manifest(e.api_version, k) for e, k in PAIRS)
    default = [(f.span.line, f.rule, f.message) for f in lint(registry, text, None)]
    explicit = [(f.span.line, f.rule, f.message) for f in lint(registry, text, newest)]
    assert default == explicit
    assert api_versions.parse_target(None) == key(newest)


def test_active_rule_built_by_hand() -> None:
    template = api_versions.TEMPLATES[0]
    assert template.needs == frozenset({"kube_version"})
    assert template.make is not None
    from kubelint.registry import default_registry

    definition = default_registry().rules["removed-api"]
    params = {"mode": "removed", "kube_version": "1.15"}
    rule = ActiveRule(definition, Severity.ERROR, params, check=template.make(params))
    from kubelint.load import load_text

    (old, new) = load_text(
        "x.yaml",
        manifest("apps/v1beta2", "Deployment") + "---\n" + manifest("batch/v1beta1", "CronJob"),
    ).resources
    assert rule.check is not None
    assert list(rule.check(old, params)) == []  # removed only in 1.16
    assert list(rule.check(new, params)) == []  # batch/v1beta1 is not deprecated before 1.21
    later = {"mode": "removed", "kube_version": "v1.16.3"}
    (violation,) = template.make(later)(old, later)
    assert violation.path == ("apiVersion",) and violation.at_value


@pytest.mark.parametrize(
    "params",
    [
        {"mode": "obsolete"},
        {"mode": "removed", "kube_version": "latest"},
        {"mode": "removed", "kube_version": 1.2},
    ],
)
def test_bad_parameters_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        api_versions.make(params)


# --- The table: consistency, the migration guide, the bundled schemas. ---


def test_table_is_well_formed() -> None:
    entries = api_versions.entries()
    assert len(entries) == len(raw_entries()) >= 50
    assert len(api_versions.index()) == len(PAIRS)  # no (apiVersion, kind) listed twice
    for raw in raw_entries():
        name = raw["apiVersion"]
        assert GROUP_VERSION.match(name), name
        assert raw["kinds"] and len(set(raw["kinds"])) == len(raw["kinds"]), name
        assert all(KIND.match(kind) for kind in raw["kinds"]), name
        for field in ("deprecated", "removed"):
            assert raw[field] is None or VERSION.match(raw[field]), (name, field)
        assert raw["deprecated"] is not None or raw["removed"] is not None, name
        assert raw["source"].strip(), name
        for rep in raw["replacements"]:
            assert GROUP_VERSION.match(rep["apiVersion"]), (name, rep)
            assert VERSION.match(rep["since"]), (name, rep)
            assert rep.get("kind") is None or KIND.match(rep["kind"]), (name, rep)
        if not raw["replacements"]:
            assert raw.get("note"), f"{name}: an API without a replacement needs a note"


@pytest.mark.parametrize("pair", PAIRS, ids=[pair_id(p) for p in PAIRS])
def test_table_entry_is_consistent(pair: tuple[Lifecycle, str]) -> None:
    entry, kind = pair
    if entry.deprecated is not None and entry.removed is not None:
        assert entry.deprecated <= entry.removed
        if "beta" in entry.api_version:
            # Deprecation policy: a beta version is served for 3 releases after its deprecation.
            assert entry.removed[1] - entry.deprecated[1] >= 3
    for rep in entry.replacements:
        assert (rep.api_version, rep.kind or kind) != (entry.api_version, kind)
        if entry.removed is not None:
            # Nobody is sent to a version that the removal itself outlives.
            replaced = api_versions.lookup(rep.api_version, rep.kind or kind)
            assert replaced is None or replaced.removed is None or replaced.removed > rep.since
    if entry.removed is not None and entry.replacements:
        # Something replacing it is served by the time it is removed.
        assert min(rep.since for rep in entry.replacements) <= entry.removed
    served = sorted(entry.replacements, key=lambda r: r.since, reverse=True)
    assert list(entry.replacements) == served, "replacements are listed newest first"


# The deprecation guide's removals (kubernetes.io/docs/reference/using-api/deprecation-guide/),
# release by release: (apiVersion, kinds, removed in, replacement).
FLOW = ["FlowSchema", "PriorityLevelConfiguration"]
WEBHOOKS = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
REVIEWS = ["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview"]
RBAC = ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]
STORAGE = ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"]
WORKLOADS = ["DaemonSet", "Deployment", "ReplicaSet"]
GUIDE = [
    ("flowcontrol.apiserver.k8s.io/v1beta3", FLOW, "1.32", "flowcontrol.apiserver.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", FLOW, "1.29", "flowcontrol.apiserver.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", ["CSIStorageCapacity"], "1.27", "storage.k8s.io/v1"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", FLOW, "1.26", "flowcontrol.apiserver.k8s.io/v1beta3"),
    ("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2"),
    ("batch/v1beta1", ["CronJob"], "1.25", "batch/v1"),
    ("discovery.k8s.io/v1beta1", ["EndpointSlice"], "1.25", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", ["Event"], "1.25", "events.k8s.io/v1"),
    ("autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2"),
    ("policy/v1beta1", ["PodDisruptionBudget"], "1.25", "policy/v1"),
    ("policy/v1beta1", ["PodSecurityPolicy"], "1.25", None),
    ("node.k8s.io/v1beta1", ["RuntimeClass"], "1.25", "node.k8s.io/v1"),
    ("admissionregistration.k8s.io/v1beta1", WEBHOOKS, "1.22", "admissionregistration.k8s.io/v1"),
    (
        "apiextensions.k8s.io/v1beta1",
        ["CustomResourceDefinition"],
        "1.22",
        "apiextensions.k8s.io/v1",
    ),
    ("apiregistration.k8s.io/v1beta1", ["APIService"], "1.22", "apiregistration.k8s.io/v1"),
    ("authentication.k8s.io/v1beta1", ["TokenReview"], "1.22", "authentication.k8s.io/v1"),
    ("authorization.k8s.io/v1beta1", REVIEWS, "1.22", "authorization.k8s.io/v1"),
    (
        "certificates.k8s.io/v1beta1",
        ["CertificateSigningRequest"],
        "1.22",
        "certificates.k8s.io/v1",
    ),
    ("coordination.k8s.io/v1beta1", ["Lease"], "1.22", "coordination.k8s.io/v1"),
    ("extensions/v1beta1", ["Ingress"], "1.22", "networking.k8s.io/v1"),
    ("networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "1.22", "networking.k8s.io/v1"),
    ("rbac.authorization.k8s.io/v1beta1", RBAC, "1.22", "rbac.authorization.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", ["PriorityClass"], "1.22", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", STORAGE, "1.22", "storage.k8s.io/v1"),
    ("extensions/v1beta1", ["NetworkPolicy"], "1.16", "networking.k8s.io/v1"),
    ("extensions/v1beta1", WORKLOADS, "1.16", "apps/v1"),
    ("apps/v1beta2", [*WORKLOADS, "StatefulSet"], "1.16", "apps/v1"),
    ("apps/v1beta1", ["Deployment", "ReplicaSet", "StatefulSet"], "1.16", "apps/v1"),
]


@pytest.mark.parametrize(
    ("api_version", "kinds", "removed", "replacement"), GUIDE, ids=[f"{g[0]}@{g[2]}" for g in GUIDE]
)
def test_deprecation_guide_entries(
    api_version: str, kinds: list[str], removed: str, replacement: str | None
) -> None:
    for kind in kinds:
        entry = api_versions.lookup(api_version, kind)
        assert entry is not None, f"{api_version} {kind} is missing"
        assert entry.removed == key(removed), f"{api_version} {kind}"
        assert entry.deprecated is not None and entry.deprecated < entry.removed
        offered = {rep.api_version for rep in entry.replacements}
        assert (replacement in offered) if replacement else not offered, f"{api_version} {kind}"


@cache
def served_by_schema(version: str) -> frozenset[tuple[str, str]]:
    """Return the (apiVersion, kind) pairs the bundled schema of a release defines."""
    root = schema_root()
    assert root is not None
    path = root / f"v{version}.0-local-strict" / "_definitions.json"
    definitions = json.loads(path.read_text(encoding="utf-8"))
    definitions = definitions.get("$defs") or definitions.get("definitions") or {}
    out = set()
    for schema in definitions.values():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            group = f"{gvk['group']}/" if gvk["group"] else ""
            out.add((f"{group}{gvk['version']}", gvk["kind"]))
    return frozenset(out)


def retired_at(api_version: str, kind: str, target: Version) -> bool:
    entry = api_versions.lookup(api_version, kind)
    return entry is not None and entry.removed is not None and target >= entry.removed


@pytest.mark.skipif(not supported(), reason="no bundled Kubernetes schemas")
@pytest.mark.parametrize("pair", PAIRS, ids=[pair_id(p) for p in PAIRS])
def test_table_matches_the_bundled_schemas(pair: tuple[Lifecycle, str]) -> None:
    """Within the releases kubelint has schemas for, a pair is served exactly until removal."""
    entry, kind = pair
    versions = [(v, key(v) or (0, 0)) for v in supported()]
    present = [target for v, target in versions if (entry.api_version, kind) in served_by_schema(v)]
    for target in present:
        assert entry.removed is None or target < entry.removed, (
            f"{entry.api_version} {kind} is still in the {minor(target)} schema"
        )
    if present:
        # Once introduced, served in every release until it is removed.
        expected = [
            t for _, t in versions if t >= present[0] and not retired_at(entry.api_version, kind, t)
        ]
        assert present == expected, f"{entry.api_version} {kind}"
    oldest, newest = versions[0][1], versions[-1][1]
    if entry.removed is not None and oldest < entry.removed <= newest:
        assert present and present[-1] == (entry.removed[0], entry.removed[1] - 1)
    if entry.removed is None or entry.removed > newest:
        assert present and present[-1] == newest, f"{entry.api_version} {kind} is not served"
    for rep in entry.replacements:
        rep_kind = rep.kind or kind
        for version, target in versions:
            if rep.since <= target and not retired_at(rep.api_version, rep_kind, target):
                assert (rep.api_version, rep_kind) in served_by_schema(version), (
                    f"replacement {rep.api_version} {rep_kind} is not in the {version} schema"
                )


# --- The command line. ---


@pytest.fixture
def upgrade_manifests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "app.yaml"
    path.write_text(
        manifest("batch/v1beta1", "CronJob", "nightly")
        + "---\n"
        + manifest("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "batch")
        + "---\n"
        + manifest("v1", "Endpoints", "legacy-db")
        + "---\n"
        + manifest("networking.k8s.io/v1beta1", "ServiceCIDR", "extra")
        + "---\n"
        + manifest("example.com/v1beta1", "Ingress", "custom"),
        encoding="utf-8",
    )
    return path


CRONJOB = "batch/v1beta1 CronJob was removed in Kubernetes 1.25; use batch/v1"
FLOWSCHEMA = (
    "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema was removed in Kubernetes 1.32; "
    "use flowcontrol.apiserver.k8s.io/v1; "
    "in v1, spec.limited.nominalConcurrencyShares defaults to 30 only when unset"
)
ENDPOINTS = (
    "v1 Endpoints is deprecated since Kubernetes 1.33; use discovery.k8s.io/v1 EndpointSlice; "
    "for a Service without a selector, write EndpointSlices labelled kubernetes.io/service-name"
)
SERVICE_CIDR = (
    "networking.k8s.io/v1beta1 ServiceCIDR was removed in Kubernetes 1.37; use networking.k8s.io/v1"
)


def cli_findings(*args: str) -> tuple[int, list[tuple[int, int, str, str, str]]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["check", "app.yaml", "--select", ",".join(RULES), "--format", "json", *args], out, err
    )
    assert err.getvalue() == ""
    report = json.loads(out.getvalue())
    rows = [
        (f["line"], f["column"], f["rule"], f["severity"], f["message"]) for f in report["findings"]
    ]
    return code, rows


@pytest.mark.usefixtures("upgrade_manifests")
def test_cli_kube_version_1_25() -> None:
    code, rows = cli_findings("--kube-version", "1.25")
    # At 1.25 the v1beta3 FlowSchema is served and not yet deprecated, v1 Endpoints is not yet
    # deprecated, and ServiceCIDR v1beta1 does not exist yet (not these rules' concern).
    assert code == 1
    assert rows == [(1, 13, R, "error", CRONJOB)]
    code, rows = cli_findings("--kube-version", "1.29")
    assert [r[:3] for r in rows] == [(1, 13, R), (6, 13, D)]


@pytest.mark.usefixtures("upgrade_manifests")
def test_cli_kube_version_1_37() -> None:
    code, rows = cli_findings("--kube-version", "1.37")
    assert code == 1
    assert rows == [
        (1, 13, R, "error", CRONJOB),
        (6, 13, R, "error", FLOWSCHEMA),
        (11, 13, D, "warning", ENDPOINTS),
        (16, 13, R, "error", SERVICE_CIDR),
    ]
    assert cli_findings() == (code, rows)  # the default target is the newest


@pytest.mark.usefixtures("upgrade_manifests")
def test_cli_fail_level_error_ignores_deprecations(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(manifest("v1", "Endpoints"), encoding="utf-8")
    code, rows = cli_findings("--kube-version", "1.37", "--fail-level", "error")
    assert code == 0
    assert [r[2] for r in rows] == ["deprecated-api"]
