"""pod-security against a second, independent reading of the admission controller, on random pods.

`reference()` restates each control of the Pod Security admission controller as one plain
predicate per policy version, and the registry's rules (the newest revision at or below the
version applies; restricted runs the baseline controls its applicable revisions do not
override). The rule's control table is written differently (revisions, partials, per-field
violations), so the two agree only if the versions, overrides, exemptions and allowed values of
both are the same. Thousands of seeded random pods, mixing valid and invalid values for every
control, are checked at random levels and versions: first the set of violated controls, then,
through the whole pipeline, which documents are flagged and that nothing crashes.
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from kubelint.config import RuleSetting
from kubelint.discover import Target
from kubelint.engine import select_rules
from kubelint.model import PositionIndex, Resource
from kubelint.podsecurity.controls import CONTROLS, NEWEST, evaluate
from kubelint.registry import Registry
from kubelint.run import RunOptions, run

Pod = dict[str, Any]
Version = tuple[int, int]

CAPS = {
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
}
SYSCTLS = [
    (
        (1, 0),
        {
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        },
    ),
    ((1, 27), {"net.ipv4.ip_local_reserved_ports"}),
    (
        (1, 29),
        {
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
        },
    ),
    ((1, 32), {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}),
    ((1, 37), {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}),
]
VOLUMES_OK = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


# --- the reference ------------------------------------------------------------------------------


def _sc(obj: Any) -> dict[str, Any]:
    sc = obj.get("securityContext") if isinstance(obj, dict) else None
    return sc if isinstance(sc, dict) else {}


def _containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for field in ("initContainers", "containers", "ephemeralContainers"):
        out += spec.get(field) or []
    return out


def reference(pod: Pod, level: str, version: Version) -> set[str]:
    """Return the ids of the controls the pod violates at the level and policy version."""
    v = min(version, NEWEST)
    meta, spec = pod["metadata"], pod["spec"]
    notes = meta.get("annotations") or {}
    psc = _sc(spec)
    cs = _containers(spec)
    windows = (spec.get("os") or {}).get("name") == "windows"
    userns = spec.get("hostUsers") is False

    def seccomp_ok(profile: Any) -> bool:
        return (profile or {}).get("type") in ("RuntimeDefault", "Localhost")

    def annotation_ok(value: str) -> bool:
        return value in ("runtime/default", "docker/default") or value.startswith("localhost/")

    def apparmor() -> bool:
        bad = any(
            k.startswith("container.apparmor.security.beta.kubernetes.io/")
            and not (val in ("", "runtime/default") or val.startswith("localhost/"))
            for k, val in notes.items()
        )
        for sc in (psc, *map(_sc, cs)):
            profile = sc.get("appArmorProfile")
            bad |= profile is not None and profile.get("type") not in (
                "RuntimeDefault",
                "Localhost",
            )
        return bad

    def selinux() -> bool:
        types = {"", "container_t", "container_init_t", "container_kvm_t"}
        if v >= (1, 31):
            types.add("container_engine_t")
        bad = False
        for sc in (psc, *map(_sc, cs)):
            opts = sc.get("seLinuxOptions")
            if opts is not None:
                bad |= (opts.get("type") or "") not in types
                bad |= bool(opts.get("user")) or bool(opts.get("role"))
        return bad

    def proc_mount() -> bool:
        return any(_sc(c).get("procMount") not in (None, "Default") for c in cs)

    def sysctls() -> bool:
        allowed = set().union(*(names for since, names in SYSCTLS if since <= v))
        return any(s.get("name") not in allowed for s in psc.get("sysctls") or [])

    def host_probes() -> bool:
        handlers = [
            c.get(p) for c in cs for p in ("livenessProbe", "readinessProbe", "startupProbe")
        ]
        handlers += [
            (c.get("lifecycle") or {}).get(h) for c in cs for h in ("postStart", "preStop")
        ]
        return any(
            bool(((h or {}).get(a) or {}).get("host"))
            for h in handlers
            for a in ("httpGet", "tcpSocket")
        )

    baseline: dict[str, Callable[[], bool] | None] = {
        "hostNamespaces": lambda: any(
            spec.get(f) is True for f in ("hostNetwork", "hostPID", "hostIPC")
        ),
        "privileged": lambda: any(_sc(c).get("privileged") is True for c in cs),
        "capabilities_baseline": lambda: any(
            a not in CAPS for c in cs for a in (_sc(c).get("capabilities") or {}).get("add") or []
        ),
        "hostPathVolumes": lambda: any(
            vol.get("hostPath") is not None for vol in spec.get("volumes") or []
        ),
        "hostPorts": lambda: any(
            p.get("hostPort", 0) != 0 for c in cs for p in c.get("ports") or []
        ),
        "appArmorProfile": apparmor,
        "seLinuxOptions": selinux,
        "procMount": (lambda: not userns and proc_mount()) if v >= (1, 35) else proc_mount,
        "seccompProfile_baseline": (
            lambda: any(
                p is not None and not seccomp_ok(p)
                for p in (psc.get("seccompProfile"), *(_sc(c).get("seccompProfile") for c in cs))
            )
        )
        if v >= (1, 19)
        else (
            lambda: any(
                k in notes and not annotation_ok(notes[k])
                for k in (
                    "seccomp.security.alpha.kubernetes.io/pod",
                    *(f"container.seccomp.security.alpha.kubernetes.io/{c['name']}" for c in cs),
                )
            )
        ),
        "sysctls": sysctls,
        "windowsHostProcess": lambda: any(
            (sc.get("windowsOptions") or {}).get("hostProcess") is True
            for sc in (psc, *map(_sc, cs))
        ),
        "hostProbesAndHostLifecycle": host_probes if v >= (1, 34) else None,
    }

    def volumes() -> bool:
        for vol in spec.get("volumes") or []:
            sources = {k for k, val in vol.items() if k != "name" and val is not None}
            if sources and not sources & VOLUMES_OK:
                return True
        return False

    def run_as_non_root() -> bool:
        pod_value = psc.get("runAsNonRoot")
        if pod_value is False:
            return True
        return any(
            _sc(c).get("runAsNonRoot") is False
            or (_sc(c).get("runAsNonRoot") is None and pod_value is not True)
            for c in cs
        )

    def seccomp_restricted() -> bool:
        pod_profile = psc.get("seccompProfile")
        if pod_profile is not None and not seccomp_ok(pod_profile):
            return True
        for c in cs:
            profile = _sc(c).get("seccompProfile")
            if (profile is not None and not seccomp_ok(profile)) or (
                profile is None and not (pod_profile is not None and seccomp_ok(pod_profile))
            ):
                return True
        return False

    def capabilities_restricted() -> bool:
        for c in cs:
            caps = _sc(c).get("capabilities") or {}
            if "ALL" not in (caps.get("drop") or []):
                return True
            if any(a != "NET_BIND_SERVICE" for a in caps.get("add") or []):
                return True
        return False

    exempt_windows = windows and v >= (1, 25)
    exempt_userns = userns and v >= (1, 35)
    # id: (applies, violated, baseline controls it overrides)
    restricted: dict[str, tuple[bool, Callable[[], bool], tuple[str, ...]]] = {
        "restrictedVolumes": (True, volumes, ("hostPathVolumes",)),
        "allowPrivilegeEscalation": (
            v >= (1, 8),
            lambda: (
                not exempt_windows
                and any(_sc(c).get("allowPrivilegeEscalation") is not False for c in cs)
            ),
            (),
        ),
        "runAsNonRoot": (True, lambda: not exempt_userns and run_as_non_root(), ()),
        "runAsUser": (
            v >= (1, 23),
            lambda: (
                not exempt_userns and any(sc.get("runAsUser") == 0 for sc in (psc, *map(_sc, cs)))
            ),
            (),
        ),
        "seccompProfile_restricted": (
            v >= (1, 19),
            lambda: not exempt_windows and seccomp_restricted(),
            ("seccompProfile_baseline",),
        ),
        "capabilities_restricted": (
            v >= (1, 22),
            lambda: not exempt_windows and capabilities_restricted(),
            ("capabilities_baseline",),
        ),
        "procMount_restricted": (v >= (1, 35), proc_mount, ("procMount",)),
    }
    found = {cid for cid, fn in baseline.items() if fn is not None and fn()}
    if level == "baseline":
        return found
    applicable = {cid: entry for cid, entry in restricted.items() if entry[0]}
    overridden = {o for _, _, overrides in applicable.values() for o in overrides}
    return (found - overridden) | {cid for cid, (_, fn, _) in applicable.items() if fn()}


# --- random pods --------------------------------------------------------------------------------


def _maybe(rng: random.Random, p: float = 0.25) -> bool:
    return rng.random() < p


def _container(rng: random.Random, name: str) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": "example/app:1"}
    sc: dict[str, Any] = {}
    hardened = _maybe(rng, 0.8)  # start from the restricted settings, then perturb
    if hardened:
        sc["allowPrivilegeEscalation"] = False
        sc["capabilities"] = {"drop": ["ALL"]}
    if _maybe(rng, 0.15 if hardened else 0.6):
        sc["allowPrivilegeEscalation"] = rng.choice([False, False, True, None])
    if _maybe(rng, 0.1 if hardened else 0.6):
        drop = rng.choice([["ALL"], ["ALL", "NET_RAW"], ["NET_RAW"], [], ["all"]])
        add = rng.choice([[], [], ["NET_BIND_SERVICE"], ["CHOWN"], ["SYS_ADMIN"], ["NET_RAW"]])
        sc["capabilities"] = {"drop": drop, **({"add": add} if add else {})}
    if _maybe(rng, 0.04):
        sc["privileged"] = rng.choice([True, False])
    if _maybe(rng, 0.3):
        sc["runAsNonRoot"] = rng.choice([True, True, False])
    if _maybe(rng, 0.2):
        sc["runAsUser"] = rng.choice([0, 1000, 65534])
    if _maybe(rng, 0.15):
        sc["seccompProfile"] = rng.choice(
            [
                {"type": "RuntimeDefault"},
                {"type": "Localhost", "localhostProfile": "p.json"},
                {"type": "Unconfined"},
                {},
            ]
        )
    if _maybe(rng, 0.12):
        sc["procMount"] = rng.choice(["Default", "Unmasked"])
    if _maybe(rng, 0.05):
        sc["seLinuxOptions"] = rng.choice(
            [
                {"type": "container_t"},
                {"type": "spc_t"},
                {"user": "root"},
                {"type": "container_engine_t"},
            ]
        )
    if _maybe(rng, 0.04):
        sc["appArmorProfile"] = rng.choice(
            [
                {"type": "RuntimeDefault"},
                {"type": "Unconfined"},
                {"type": "Localhost", "localhostProfile": "x"},
            ]
        )
    if _maybe(rng, 0.03):
        sc["windowsOptions"] = {"hostProcess": rng.choice([True, False])}
    if sc or _maybe(rng, 0.1):
        c["securityContext"] = sc
    if _maybe(rng, 0.06):
        c["ports"] = [
            {
                "containerPort": 8080,
                **({"hostPort": rng.choice([0, 8080])} if _maybe(rng, 0.7) else {}),
            }
        ]
    if _maybe(rng, 0.06):
        action = rng.choice(["httpGet", "tcpSocket"])
        handler = {
            action: {
                "port": 80,
                **({"host": rng.choice(["", "10.0.0.1"])} if _maybe(rng, 0.7) else {}),
            }
        }
        if _maybe(rng, 0.5):
            c[rng.choice(["livenessProbe", "readinessProbe", "startupProbe"])] = handler
        else:
            c["lifecycle"] = {rng.choice(["postStart", "preStop"]): handler}
    return c


def random_pod(rng: random.Random, index: int) -> Pod:
    """Return a pod that mixes valid and invalid values for every control."""
    spec: dict[str, Any] = {
        "containers": [_container(rng, f"app{i}") for i in range(rng.choice([1, 1, 2]))]
    }
    if _maybe(rng, 0.3):
        spec["initContainers"] = [_container(rng, "init")]
    if _maybe(rng, 0.1):
        spec["ephemeralContainers"] = [_container(rng, "debug")]
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if _maybe(rng, 0.05):
            spec[field] = rng.choice([True, False])
    if _maybe(rng, 0.15):
        spec["os"] = {"name": rng.choice(["windows", "linux"])}
    if _maybe(rng, 0.15):
        spec["hostUsers"] = rng.choice([False, True])
    psc: dict[str, Any] = {}
    if _maybe(rng, 0.8):
        psc.update(runAsNonRoot=True, seccompProfile={"type": "RuntimeDefault"})
    if _maybe(rng, 0.15):
        psc["runAsNonRoot"] = rng.choice([True, True, False])
    if _maybe(rng, 0.15):
        psc["runAsUser"] = rng.choice([0, 1000])
    if _maybe(rng, 0.15):
        psc["seccompProfile"] = rng.choice(
            [{"type": "RuntimeDefault"}, {"type": "Unconfined"}, {"type": "Localhost"}]
        )
    if _maybe(rng, 0.1):
        names = [n for _, group in SYSCTLS for n in sorted(group)] + [
            "kernel.msgmax",
            "vm.swappiness",
        ]
        psc["sysctls"] = [{"name": rng.choice(names), "value": "1"}]
    if _maybe(rng, 0.05):
        psc["seLinuxOptions"] = rng.choice([{"type": "container_kvm_t"}, {"role": "sysadm_r"}])
    if _maybe(rng, 0.05):
        psc["appArmorProfile"] = {"type": rng.choice(["RuntimeDefault", "Unconfined"])}
    if _maybe(rng, 0.05):
        psc["windowsOptions"] = {"hostProcess": True}
    if psc:
        spec["securityContext"] = psc
    if _maybe(rng, 0.25):
        spec["volumes"] = [
            rng.choice(
                [
                    {"name": "v", "emptyDir": {}},
                    {"name": "v"},
                    {"name": "v", "hostPath": {"path": "/var"}},
                    {"name": "v", "nfs": {"server": "nfs", "path": "/"}},
                    {"name": "v", "image": {"reference": "example/data:1"}},
                    {"name": "v", "secret": {"secretName": "s"}},
                    {"name": "v", "gitRepo": {"repository": "r"}},
                ]
            )
        ]
    notes: dict[str, str] = {}
    if _maybe(rng, 0.1):
        notes["seccomp.security.alpha.kubernetes.io/pod"] = rng.choice(
            ["runtime/default", "unconfined"]
        )
    if _maybe(rng, 0.05):
        notes["container.seccomp.security.alpha.kubernetes.io/app0"] = rng.choice(
            ["docker/default", "unconfined"]
        )
    if _maybe(rng, 0.08):
        notes["container.apparmor.security.beta.kubernetes.io/app0"] = rng.choice(
            ["runtime/default", "localhost/p", "unconfined", ""]
        )
    metadata: dict[str, Any] = {"name": f"pod{index}"}
    if notes:
        metadata["annotations"] = notes
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def _resource(pod: Pod) -> Resource:
    return Resource(
        "pod.yaml",
        0,
        "v1",
        "Pod",
        pod["metadata"]["name"],
        None,
        pod,
        PositionIndex((None, (1, 1, 1, 1), None)),
    )


VERSIONS = [(1, minor) for minor in range(NEWEST[1] + 3)]
# Half the draws land on either side of a version where a control changed.
CHANGES = sorted({m for c in CONTROLS for m, _ in c.revisions} - {(1, 0)})
EDGES = [(1, m[1] + d) for m in CHANGES for d in (-1, 0)]


def _version(rng: random.Random) -> Version:
    return rng.choice(EDGES if _maybe(rng, 0.5) else VERSIONS)


def test_controls_agree_with_the_reference_on_random_pods() -> None:
    rng = random.Random(20261126)
    disagreements = []
    outcomes: Counter[tuple[str, bool]] = Counter()
    hits: Counter[str] = Counter()
    for index in range(4000):
        pod = random_pod(rng, index)
        level = rng.choice(["baseline", "restricted"])
        version = _version(rng)
        got = {v.sub_id for v in evaluate(_resource(pod), level, min(version, NEWEST))}
        want = reference(pod, level, version)
        outcomes[(level, bool(want))] += 1
        hits.update(want)
        if got != want:
            disagreements.append((level, version, sorted(map(str, got ^ want)), json.dumps(pod)))
    assert disagreements[:3] == []
    # The generator exercises both outcomes at both levels, and every control in earnest.
    assert min(outcomes.values()) > 300, outcomes
    assert {c.id for c in CONTROLS} == set(hits)
    assert min(hits.values()) >= 15, hits


def test_whole_pipeline_flags_the_same_documents(registry: Registry) -> None:
    rng = random.Random(37)
    groups: dict[tuple[str, Version], list[Pod]] = defaultdict(list)
    for index in range(1200):
        groups[(rng.choice(["baseline", "restricted"]), _version(rng))].append(
            random_pod(rng, index)
        )
    for (level, version), pods in groups.items():
        text = "".join(f"---\n{json.dumps(pod, indent=1)}\n" for pod in pods)
        params = {"level": level, "version": f"v1.{version[1]}"}
        active = select_rules(
            registry, ["pod-security"], settings={"pod-security": RuleSetting(params=params)}
        )
        result = run(
            RunOptions([Target("pods.yaml", None)], active, known_rules=frozenset(registry.rules)),
            stdin=io.BytesIO(text.encode()),
        )
        assert {f.rule for f in result.findings} <= {"pod-security"}
        flagged = {f.document for f in result.findings}
        expected = {i for i, pod in enumerate(pods) if reference(pod, level, version)}
        assert flagged == expected, (level, version)
