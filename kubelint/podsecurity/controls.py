"""The control table: every Pod Security control with its level and revisions, and evaluation.

Each control has a level, one or more revisions keyed by the minimum policy version where they
apply (the newest revision at or below the requested version wins; a control with no such
revision does not apply), and, for restricted controls, the baseline controls it replaces while it
applies. This mirrors the check registry of the Pod Security admission controller
(kubernetes/pod-security-admission, `policy/check_*.go` and `registry.go`):

* a requested version above the newest revision of any control is clamped to it, and `latest`
  is that newest version;
* restricted runs every baseline control except those a restricted control overrides.

Every pod spec of a resource (a Pod, or the pod template of a workload, including a CronJob's
job template) is checked; the containers are the init, regular and ephemeral ones. Each violated
control yields one violation per offending field (or per container that lacks a required field,
pointing at the nearest object that should hold it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial

from kubelint.model import Resource, Violation
from kubelint.podsecurity.baseline import (
    SELINUX_TYPES_1_0,
    SELINUX_TYPES_1_31,
    SYSCTLS_1_0,
    SYSCTLS_1_27,
    SYSCTLS_1_29,
    SYSCTLS_1_32,
    SYSCTLS_1_37,
    apparmor,
    capabilities_baseline,
    host_namespaces,
    host_path_volumes,
    host_ports,
    host_probes_and_lifecycle,
    privileged,
    proc_mount,
    seccomp_annotations,
    seccomp_baseline,
    selinux,
    sysctls,
    windows_host_process,
)
from kubelint.podsecurity.pod import (
    BASELINE,
    LATEST,
    LEVELS,
    RESTRICTED,
    CheckFn,
    Control,
    Pod,
    Version,
)
from kubelint.podsecurity.restricted import (
    allow_privilege_escalation,
    capabilities_restricted,
    restricted_volumes,
    run_as_non_root,
    run_as_user,
    seccomp_restricted,
)
from kubelint.podspec import as_dict, dig, pod_specs

_VERSION = re.compile(r"v?1\.(0|[1-9][0-9]*)\Z")


CONTROLS: tuple[Control, ...] = (
    Control("hostNamespaces", BASELINE, (((1, 0), host_namespaces),)),
    Control("privileged", BASELINE, (((1, 0), privileged),)),
    Control("capabilities_baseline", BASELINE, (((1, 0), capabilities_baseline),)),
    Control("hostPathVolumes", BASELINE, (((1, 0), host_path_volumes),)),
    Control("hostPorts", BASELINE, (((1, 0), host_ports),)),
    Control("appArmorProfile", BASELINE, (((1, 0), apparmor),)),
    Control(
        "seLinuxOptions",
        BASELINE,
        (
            ((1, 0), partial(selinux, types=SELINUX_TYPES_1_0)),
            ((1, 31), partial(selinux, types=SELINUX_TYPES_1_31)),
        ),
    ),
    Control(
        "procMount",
        BASELINE,
        (((1, 0), proc_mount), ((1, 35), partial(proc_mount, user_namespace_relaxed=True))),
    ),
    Control(
        "seccompProfile_baseline",
        BASELINE,
        (((1, 0), seccomp_annotations), ((1, 19), seccomp_baseline)),
    ),
    Control(
        "sysctls",
        BASELINE,
        (
            ((1, 0), partial(sysctls, allowed=SYSCTLS_1_0)),
            ((1, 27), partial(sysctls, allowed=SYSCTLS_1_27)),
            ((1, 29), partial(sysctls, allowed=SYSCTLS_1_29)),
            ((1, 32), partial(sysctls, allowed=SYSCTLS_1_32)),
            ((1, 37), partial(sysctls, allowed=SYSCTLS_1_37)),
        ),
    ),
    Control("windowsHostProcess", BASELINE, (((1, 0), windows_host_process),)),
    Control("hostProbesAndHostLifecycle", BASELINE, (((1, 34), host_probes_and_lifecycle),)),
    Control(
        "restrictedVolumes",
        RESTRICTED,
        (((1, 0), restricted_volumes),),
        overrides=("hostPathVolumes",),
    ),
    Control(
        "allowPrivilegeEscalation",
        RESTRICTED,
        (
            ((1, 8), partial(allow_privilege_escalation, windows_exempt=False)),
            ((1, 25), partial(allow_privilege_escalation, windows_exempt=True)),
        ),
    ),
    Control(
        "runAsNonRoot",
        RESTRICTED,
        (
            ((1, 0), partial(run_as_non_root, user_namespace_relaxed=False)),
            ((1, 35), partial(run_as_non_root, user_namespace_relaxed=True)),
        ),
    ),
    Control(
        "runAsUser",
        RESTRICTED,
        (
            ((1, 23), partial(run_as_user, user_namespace_relaxed=False)),
            ((1, 35), partial(run_as_user, user_namespace_relaxed=True)),
        ),
    ),
    Control(
        "seccompProfile_restricted",
        RESTRICTED,
        (
            ((1, 19), partial(seccomp_restricted, windows_exempt=False)),
            ((1, 25), partial(seccomp_restricted, windows_exempt=True)),
        ),
        overrides=("seccompProfile_baseline",),
    ),
    Control(
        "capabilities_restricted",
        RESTRICTED,
        (
            ((1, 22), partial(capabilities_restricted, windows_exempt=False)),
            ((1, 25), partial(capabilities_restricted, windows_exempt=True)),
        ),
        overrides=("capabilities_baseline",),
    ),
    Control(
        "procMount_restricted",
        RESTRICTED,
        (((1, 35), proc_mount),),
        overrides=("procMount",),
    ),
)

NEWEST: Version = max(minimum for control in CONTROLS for minimum, _ in control.revisions)


def parse_version(value: object) -> Version:
    """Return the policy version for "v1.N", "1.N" or "latest", clamped to the newest known."""
    if value is None or value == LATEST:
        return NEWEST
    match = _VERSION.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"version {value!r}: expected latest or v1.MINOR such as v1.30")
    return min((1, int(match[1])), NEWEST)


def active_controls(level: str, version: Version) -> list[tuple[Control, CheckFn]]:
    """Return the controls in force for a level and version, with the revision each uses."""
    if level not in LEVELS:
        raise ValueError(f"level {level!r}: expected one of {', '.join(LEVELS)}")
    chosen = [
        (control, fn)
        for control in CONTROLS
        if (control.level == BASELINE or level == RESTRICTED)
        and (fn := control.at(version)) is not None
    ]
    overridden = {o for control, _ in chosen for o in control.overrides}
    return [(control, fn) for control, fn in chosen if control.id not in overridden]


def evaluate(resource: Resource, level: str, version: Version) -> Iterator[Violation]:
    """Yield every violation of the level at the version, for every pod spec in the resource."""
    controls = active_controls(level, version)
    for spec in pod_specs(resource):
        metadata = as_dict(dig(resource.obj, spec.metadata_path))
        pod = Pod(spec, metadata, version)
        for control, fn in controls:
            for violation in fn(pod, control.level):
                yield Violation(
                    violation.path, violation.message, control.id, at_value=violation.at_value
                )
