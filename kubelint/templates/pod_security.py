"""Pod Security Standards (baseline, restricted) at a policy version, as the admission controller.

The controls are a table (`CONTROLS`): each has a level, one or more revisions keyed by the
minimum policy version where they apply (the newest revision at or below the requested version
wins; a control with no such revision does not apply), and, for restricted controls, the baseline
controls it replaces while it applies. This mirrors the check registry of the Pod Security
admission controller (kubernetes/pod-security-admission, `policy/check_*.go` and `registry.go`):

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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from kubelint.model import JsonPath, Resource, Severity, Violation
from kubelint.podspec import (
    POD_KINDS,
    Container,
    PodSpec,
    as_dict,
    as_list,
    containers,
    describe,
    dig,
    pod_specs,
)
from kubelint.template import Params, ResourceCheck, Template

Version = tuple[int, int]
BASELINE = "baseline"
RESTRICTED = "restricted"
LEVELS = (BASELINE, RESTRICTED)
LATEST = "latest"

_VERSION = re.compile(r"v?1\.(0|[1-9][0-9]*)\Z")
# The namespace labels are stricter than the command line: "v1.N" only, as the controller's
# ParseVersion accepts (its pattern also takes a single digit, so "v1.05" is invalid).
_LABEL_VERSION = re.compile(r"v1\.([0-9]|[1-9][0-9]*)\Z")
_KUBE_VERSION = re.compile(r"([0-9]+)\.([0-9]+)\Z")


@dataclass(frozen=True)
class Pod:
    """One pod spec under evaluation, with its metadata and the resolved policy version."""

    spec: PodSpec
    metadata: dict[str, Any]
    version: Version

    @property
    def path(self) -> JsonPath:
        return self.spec.path

    @property
    def data(self) -> dict[str, Any]:
        return self.spec.spec

    @property
    def security_context(self) -> dict[str, Any]:
        return as_dict(self.data.get("securityContext"))

    @property
    def is_windows(self) -> bool:
        return as_dict(self.data.get("os")).get("name") == "windows"

    @property
    def in_user_namespace(self) -> bool:
        """Return True for `hostUsers: false` (the controller's user-namespace relaxation)."""
        return self.data.get("hostUsers") is False

    def containers(self) -> Iterator[Container]:
        return containers(self.spec)


CheckFn = Callable[[Pod, str], Iterator[Violation]]


@dataclass(frozen=True)
class Control:
    """One control: its level and its revisions, oldest first, each (minimum version, check)."""

    id: str
    level: str
    revisions: tuple[tuple[Version, CheckFn], ...]
    # Baseline controls this (restricted) control replaces while one of its revisions applies.
    overrides: tuple[str, ...] = ()

    def at(self, version: Version) -> CheckFn | None:
        """Return the revision in force at `version`, or None when the control does not apply."""
        chosen = None
        for minimum, fn in self.revisions:
            if minimum <= version:
                chosen = fn
        return chosen


def _quoted(container: Container) -> str:
    return f'container "{container.name}"'


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: object) -> str:
    """Render a value for a message: strings as written, anything else as kubelint describes it."""
    return value if isinstance(value, str) else describe(value)


def _in(value: object, allowed: frozenset[str]) -> bool:
    """Return True when `value` is one of the allowed strings (any other type never is)."""
    return isinstance(value, str) and value in allowed


def _sc_path(container: Container, *keys: str | int) -> JsonPath:
    return container.field_path("securityContext", *keys)


# --- baseline -----------------------------------------------------------------------------------


def host_namespaces(pod: Pod, level: str) -> Iterator[Violation]:
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.data.get(field) is True:
            yield Violation((*pod.path, field), f"{level}: {field} must not be true")


def privileged(pod: Pod, level: str) -> Iterator[Violation]:
    for c in pod.containers():
        if c.security_context.get("privileged") is True:
            yield Violation(
                _sc_path(c, "privileged"),
                f"{level}: privileged must not be true ({_quoted(c)})",
            )


BASELINE_CAPABILITIES = frozenset(
    {
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
)


def _added(c: Container) -> Iterator[tuple[int, Any]]:
    caps = as_dict(c.security_context.get("capabilities"))
    yield from enumerate(as_list(caps.get("add")))


def capabilities_baseline(pod: Pod, level: str) -> Iterator[Violation]:
    for c in pod.containers():
        for i, cap in _added(c):
            if not _in(cap, BASELINE_CAPABILITIES):
                yield Violation(
                    _sc_path(c, "capabilities", "add", i),
                    f"{level}: capability {_show(cap)} must not be added, only "
                    f"{', '.join(sorted(BASELINE_CAPABILITIES))} ({_quoted(c)})",
                    at_value=True,
                )


def host_path_volumes(pod: Pod, level: str) -> Iterator[Violation]:
    for i, volume in enumerate(as_list(pod.data.get("volumes"))):
        if isinstance(volume, dict) and volume.get("hostPath") is not None:
            name = volume.get("name")
            yield Violation(
                (*pod.path, "volumes", i, "hostPath"),
                f'{level}: hostPath volumes are forbidden (volume "{name}")',
            )


def host_ports(pod: Pod, level: str) -> Iterator[Violation]:
    for c in pod.containers():
        for i, port in enumerate(as_list(c.data.get("ports"))):
            host_port = as_dict(port).get("hostPort")
            if _is_int(host_port) and host_port != 0:
                yield Violation(
                    c.field_path("ports", i, "hostPort"),
                    f"{level}: hostPort must be unset or 0, not {host_port} ({_quoted(c)})",
                )


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
APPARMOR_TYPES = frozenset({"RuntimeDefault", "Localhost"})


def _apparmor_field(profile: Any, path: JsonPath, who: str, level: str) -> Iterator[Violation]:
    if profile is None:
        return
    kind = as_dict(profile).get("type")
    if not _in(kind, APPARMOR_TYPES):
        at = (*path, "type") if isinstance(profile, dict) and "type" in profile else path
        yield Violation(
            at,
            f"{level}: appArmorProfile.type must be RuntimeDefault or Localhost, not "
            f"{_show(kind) if kind is not None else 'unset'} ({who})",
        )


def apparmor(pod: Pod, level: str) -> Iterator[Violation]:
    # Annotations and fields are both checked at every policy version, as the controller does.
    for key, value in as_dict(pod.metadata.get("annotations")).items():
        if not isinstance(key, str) or not key.startswith(APPARMOR_ANNOTATION):
            continue
        if not isinstance(value, str) or not (
            value in {"", "runtime/default"} or value.startswith("localhost/")
        ):
            yield Violation(
                (*pod.spec.metadata_path, "annotations", key),
                f"{level}: AppArmor annotation {key} must be runtime/default or localhost/*, "
                f"not {_show(value)}",
            )
    yield from _apparmor_field(
        pod.security_context.get("appArmorProfile"),
        (*pod.path, "securityContext", "appArmorProfile"),
        "pod",
        level,
    )
    for c in pod.containers():
        yield from _apparmor_field(
            c.security_context.get("appArmorProfile"),
            _sc_path(c, "appArmorProfile"),
            _quoted(c),
            level,
        )


SELINUX_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SELINUX_TYPES_1_31 = SELINUX_TYPES_1_0 | {"container_engine_t"}


def _selinux(
    options: Any, path: JsonPath, who: str, level: str, types: frozenset[str]
) -> Iterator[Violation]:
    if not isinstance(options, dict):
        return
    kind = options.get("type", "")
    if kind is None:
        kind = ""
    if not _in(kind, types):
        yield Violation(
            (*path, "type"),
            f"{level}: seLinuxOptions.type must be one of "
            f"{', '.join(sorted(t for t in types if t))} or unset, not {_show(kind)} ({who})",
        )
    for field in ("user", "role"):
        value = options.get(field)
        if isinstance(value, str) and value:
            yield Violation(
                (*path, field), f"{level}: seLinuxOptions.{field} must not be set ({who})"
            )


def selinux(pod: Pod, level: str, types: frozenset[str]) -> Iterator[Violation]:
    yield from _selinux(
        pod.security_context.get("seLinuxOptions"),
        (*pod.path, "securityContext", "seLinuxOptions"),
        "pod",
        level,
        types,
    )
    for c in pod.containers():
        yield from _selinux(
            c.security_context.get("seLinuxOptions"),
            _sc_path(c, "seLinuxOptions"),
            _quoted(c),
            level,
            types,
        )


def proc_mount(
    pod: Pod, level: str, *, user_namespace_relaxed: bool = False
) -> Iterator[Violation]:
    if user_namespace_relaxed and pod.in_user_namespace:
        return
    for c in pod.containers():
        value = c.security_context.get("procMount")
        if value is not None and value != "Default":
            yield Violation(
                _sc_path(c, "procMount"),
                f"{level}: procMount must be Default or unset, not {_show(value)} ({_quoted(c)})",
            )


SECCOMP_TYPES = frozenset({"RuntimeDefault", "Localhost"})
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _good_seccomp_annotation(value: Any) -> bool:
    return isinstance(value, str) and (
        value in ("runtime/default", "docker/default") or value.startswith("localhost/")
    )


def seccomp_annotations(pod: Pod, level: str) -> Iterator[Violation]:
    """Policy v1.0 to v1.18: the alpha seccomp annotations."""
    annotations = as_dict(pod.metadata.get("annotations"))
    keys = [SECCOMP_POD_ANNOTATION]
    keys += [SECCOMP_CONTAINER_ANNOTATION + c.name for c in pod.containers()]
    for key in dict.fromkeys(keys):
        if key in annotations and not _good_seccomp_annotation(annotations[key]):
            yield Violation(
                (*pod.spec.metadata_path, "annotations", key),
                f"{level}: seccomp annotation {key} must be runtime/default, docker/default or "
                f"localhost/*, not {_show(annotations[key])}",
            )


def _seccomp_type(profile: Any) -> Any:
    return as_dict(profile).get("type")


def _seccomp_at(profile: Any, path: JsonPath) -> JsonPath:
    return (*path, "type") if isinstance(profile, dict) and "type" in profile else path


def seccomp_baseline(pod: Pod, level: str) -> Iterator[Violation]:
    """Policy v1.19+: a seccompProfile, where set, is not Unconfined."""
    profile = pod.security_context.get("seccompProfile")
    if profile is not None and not _in(_seccomp_type(profile), SECCOMP_TYPES):
        yield Violation(
            _seccomp_at(profile, (*pod.path, "securityContext", "seccompProfile")),
            f"{level}: seccompProfile.type must be RuntimeDefault or Localhost, not "
            f"{_show(_seccomp_type(profile))} (pod)",
        )
    for c in pod.containers():
        profile = c.security_context.get("seccompProfile")
        if profile is not None and not _in(_seccomp_type(profile), SECCOMP_TYPES):
            yield Violation(
                _seccomp_at(profile, _sc_path(c, "seccompProfile")),
                f"{level}: seccompProfile.type must be RuntimeDefault or Localhost, not "
                f"{_show(_seccomp_type(profile))} ({_quoted(c)})",
            )


SYSCTLS_1_0 = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    }
)
SYSCTLS_1_27 = SYSCTLS_1_0 | {"net.ipv4.ip_local_reserved_ports"}
SYSCTLS_1_29 = SYSCTLS_1_27 | {
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SYSCTLS_1_32 = SYSCTLS_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
SYSCTLS_1_37 = SYSCTLS_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}


def sysctls(pod: Pod, level: str, allowed: frozenset[str]) -> Iterator[Violation]:
    for i, sysctl in enumerate(as_list(pod.security_context.get("sysctls"))):
        name = as_dict(sysctl).get("name")
        if not _in(name, allowed):
            yield Violation(
                (*pod.path, "securityContext", "sysctls", i, "name"),
                f"{level}: sysctl {_show(name)} is not in the safe set",
                at_value=True,
            )


def windows_host_process(pod: Pod, level: str) -> Iterator[Violation]:
    options = as_dict(pod.security_context.get("windowsOptions"))
    if options.get("hostProcess") is True:
        yield Violation(
            (*pod.path, "securityContext", "windowsOptions", "hostProcess"),
            f"{level}: windowsOptions.hostProcess must not be true (pod)",
        )
    for c in pod.containers():
        if as_dict(c.security_context.get("windowsOptions")).get("hostProcess") is True:
            yield Violation(
                _sc_path(c, "windowsOptions", "hostProcess"),
                f"{level}: windowsOptions.hostProcess must not be true ({_quoted(c)})",
            )


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HANDLERS = ("postStart", "preStop")


def host_probes_and_lifecycle(pod: Pod, level: str) -> Iterator[Violation]:
    """Policy v1.34+: probes and lifecycle handlers must not name a host."""
    for c in pod.containers():
        places: list[tuple[JsonPath, Any]] = [(c.field_path(p), c.data.get(p)) for p in _PROBES]
        lifecycle = as_dict(c.data.get("lifecycle"))
        places += [(c.field_path("lifecycle", h), lifecycle.get(h)) for h in _HANDLERS]
        for path, handler in places:
            for action in ("httpGet", "tcpSocket"):
                host = as_dict(as_dict(handler).get(action)).get("host")
                if isinstance(host, str) and host:
                    yield Violation(
                        (*path, action, "host"),
                        f"{level}: {path[-1]}.{action}.host must be unset ({_quoted(c)})",
                    )


# --- restricted ---------------------------------------------------------------------------------

RESTRICTED_VOLUMES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        # Allowed by the controller since Kubernetes 1.33, patched into its v1.0 revision:
        # it applies at every policy version.
        "image",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)


def restricted_volumes(pod: Pod, level: str) -> Iterator[Violation]:
    for i, volume in enumerate(as_list(pod.data.get("volumes"))):
        if not isinstance(volume, dict):
            continue
        sources = [k for k, v in volume.items() if k != "name" and v is not None]
        if not sources or any(_in(k, RESTRICTED_VOLUMES) for k in sources):
            continue  # a volume with no source is defaulted to emptyDir by the API server
        source = sources[0]
        yield Violation(
            (*pod.path, "volumes", i, source),
            f"{level}: volume type {source} is forbidden, only "
            f'{", ".join(sorted(RESTRICTED_VOLUMES))} (volume "{volume.get("name")}")',
        )


def allow_privilege_escalation(
    pod: Pod, level: str, *, windows_exempt: bool
) -> Iterator[Violation]:
    if windows_exempt and pod.is_windows:
        return
    for c in pod.containers():
        if c.security_context.get("allowPrivilegeEscalation") is not False:
            yield Violation(
                _sc_path(c, "allowPrivilegeEscalation"),
                f"{level}: allowPrivilegeEscalation must be false ({_quoted(c)})",
            )


def run_as_non_root(pod: Pod, level: str, *, user_namespace_relaxed: bool) -> Iterator[Violation]:
    if user_namespace_relaxed and pod.in_user_namespace:
        return
    pod_value = pod.security_context.get("runAsNonRoot")
    if pod_value is False:
        yield Violation(
            (*pod.path, "securityContext", "runAsNonRoot"),
            f"{level}: runAsNonRoot must not be false (pod)",
        )
    for c in pod.containers():
        own = c.security_context.get("runAsNonRoot")
        if own is False:
            yield Violation(
                _sc_path(c, "runAsNonRoot"),
                f"{level}: runAsNonRoot must not be false ({_quoted(c)})",
            )
        elif own is None and pod_value is not True:
            yield Violation(
                _sc_path(c, "runAsNonRoot"),
                f"{level}: runAsNonRoot must be true in the pod or the container ({_quoted(c)})",
            )


def run_as_user(pod: Pod, level: str, *, user_namespace_relaxed: bool) -> Iterator[Violation]:
    if user_namespace_relaxed and pod.in_user_namespace:
        return
    value = pod.security_context.get("runAsUser")
    if _is_int(value) and value == 0:
        yield Violation(
            (*pod.path, "securityContext", "runAsUser"),
            f"{level}: runAsUser must not be 0 (pod)",
        )
    for c in pod.containers():
        value = c.security_context.get("runAsUser")
        if _is_int(value) and value == 0:
            yield Violation(
                _sc_path(c, "runAsUser"), f"{level}: runAsUser must not be 0 ({_quoted(c)})"
            )


def seccomp_restricted(pod: Pod, level: str, *, windows_exempt: bool) -> Iterator[Violation]:
    if windows_exempt and pod.is_windows:
        return
    profile = pod.security_context.get("seccompProfile")
    pod_ok = False
    if profile is not None:
        if _in(_seccomp_type(profile), SECCOMP_TYPES):
            pod_ok = True
        else:
            yield Violation(
                _seccomp_at(profile, (*pod.path, "securityContext", "seccompProfile")),
                f"{level}: seccompProfile.type must be RuntimeDefault or Localhost, not "
                f"{_show(_seccomp_type(profile))} (pod)",
            )
    for c in pod.containers():
        profile = c.security_context.get("seccompProfile")
        if profile is not None:
            if not _in(_seccomp_type(profile), SECCOMP_TYPES):
                yield Violation(
                    _seccomp_at(profile, _sc_path(c, "seccompProfile")),
                    f"{level}: seccompProfile.type must be RuntimeDefault or Localhost, not "
                    f"{_show(_seccomp_type(profile))} ({_quoted(c)})",
                )
        elif not pod_ok:
            yield Violation(
                _sc_path(c, "seccompProfile"),
                f"{level}: seccompProfile.type must be set to RuntimeDefault or Localhost in the "
                f"pod or the container ({_quoted(c)})",
            )


def capabilities_restricted(pod: Pod, level: str, *, windows_exempt: bool) -> Iterator[Violation]:
    if windows_exempt and pod.is_windows:
        return
    for c in pod.containers():
        caps = as_dict(c.security_context.get("capabilities"))
        if "ALL" not in as_list(caps.get("drop")):
            yield Violation(
                _sc_path(c, "capabilities", "drop"),
                f'{level}: capabilities.drop must include "ALL" ({_quoted(c)})',
            )
        for i, cap in _added(c):
            if cap != "NET_BIND_SERVICE":
                yield Violation(
                    _sc_path(c, "capabilities", "add", i),
                    f"{level}: capability {_show(cap)} must not be added, only NET_BIND_SERVICE "
                    f"({_quoted(c)})",
                    at_value=True,
                )


# --- the table ----------------------------------------------------------------------------------

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


def cluster_cap(params: Params) -> Version:
    """Return the newest policy version the target cluster knows (the run's --kube-version).

    An API server evaluates `latest`, and any version newer than its own checks, at the newest
    version its build knows (the controller also lowers it to an emulated older version), so a
    1.30 cluster evaluates `latest` as v1.30.
    """
    value = params.get("kube_version")
    match = _KUBE_VERSION.match(value) if isinstance(value, str) else None
    if match is None or int(match[1]) != 1:
        return NEWEST
    return min(NEWEST, (1, int(match[2])))


def make(params: Params) -> ResourceCheck:
    """Build the check for one run: the configured level and version, or nothing.

    Without a configured `level` the rule only applies the levels that Namespaces among the
    linted files ask for (check_namespaces).
    """
    level = params.get("level")
    version = min(parse_version(params.get("version", LATEST)), cluster_cap(params))
    if level is not None:
        active_controls(level, version)  # validates the level

    def check(resource: Resource, params: Params) -> Iterator[Violation]:
        if level is not None:
            yield from evaluate(resource, level, version)

    return check


LABEL_PREFIX = "pod-security.kubernetes.io/"
MODES = ("enforce", "warn", "audit")


def keep(resource: Resource, params: Params) -> bool:
    """Keep Namespaces, and namespaced pod-bearing objects a Namespace's labels may govern."""
    if resource.kind == "Namespace":
        return True
    if params.get("level") is not None:
        return False  # every pod is evaluated as it streams by; labels are only validated
    return resource.kind in POD_KINDS and resource.namespace is not None


@dataclass(frozen=True)
class Mode:
    """One Pod Security mode a Namespace's labels set: its level and policy version."""

    mode: str
    level: str
    version: Version
    text: str  # the version as the label wrote it ("latest" when unset or invalid)


def _label_error(key: str, value: object, expected: str) -> Violation:
    return Violation(
        ("metadata", "labels", key),
        f"label {key}={_show(value)} must be {expected}; the API server rejects a Namespace "
        "with an invalid Pod Security label",
        sub_id=f"label:{key}",
        at_value=True,
    )


def namespace_modes(labels: dict[str, Any]) -> tuple[list[Mode], list[Violation]]:
    """Read a Namespace's Pod Security labels as the admission controller does.

    Return the modes to evaluate and a violation for every invalid label. An invalid enforce
    level is enforced as restricted (the controller fails closed); an invalid warn or audit
    level turns that mode off (it fails open); an invalid version means latest.
    """
    modes, errors = [], []
    for mode in MODES:
        key = LABEL_PREFIX + mode
        level = labels.get(key)
        if level is not None and level not in (*LEVELS, "privileged"):
            errors.append(_label_error(key, level, "privileged, baseline or restricted"))
            level = RESTRICTED if mode == "enforce" else None
        version_key = f"{key}-version"
        raw = labels.get(version_key, LATEST)
        if raw == LATEST:
            version, text = NEWEST, LATEST
        elif isinstance(raw, str) and (match := _LABEL_VERSION.match(raw)):
            version, text = min((1, int(match[1])), NEWEST), raw
        else:
            errors.append(_label_error(version_key, raw, 'latest or "v1.MINOR" such as v1.30'))
            version, text = NEWEST, LATEST
        if level in LEVELS:
            modes.append(Mode(mode, str(level), version, text))
    return modes, errors


def check_namespaces(
    resources: Sequence[Resource], params: Params
) -> Iterator[tuple[Resource, Violation]]:
    """Evaluate pods in the Namespaces among the linted files that carry Pod Security labels.

    `enforce` findings are errors (the cluster rejects the pod); `warn` and `audit` findings are
    warnings. A control violated under several modes is reported once, at the strongest.
    Invalid labels are reported on the Namespace. With a configured `level`, every pod is
    already evaluated at it, and the labels only get that validation.
    """
    cap = cluster_cap(params)
    governed = params.get("level") is None
    levels: dict[str, list[Mode]] = {}
    for r in resources:
        if r.kind != "Namespace":
            continue
        modes, errors = namespace_modes(as_dict(as_dict(r.obj.get("metadata")).get("labels")))
        for error in errors:
            yield r, error
        if governed and r.name and modes:
            levels[r.name] = modes
    if not levels:
        return
    for resource in resources:
        namespace = resource.namespace
        governing = levels.get(namespace) if namespace and resource.kind != "Namespace" else None
        if not governing:
            continue
        best: dict[tuple[JsonPath, str], tuple[int, Violation]] = {}
        for m in governing:
            rank = 0 if m.mode == "enforce" else 1
            for violation in evaluate(resource, m.level, min(m.version, cap)):
                key = (violation.path, violation.message)
                if key in best and best[key][0] <= rank:
                    continue
                note = f'namespace "{resource.namespace}" {m.mode}s {m.level}:{m.text}'
                best[key] = (
                    rank,
                    Violation(
                        violation.path,
                        f"{violation.message} [{note}]",
                        sub_id=f"{violation.sub_id}:{m.mode}",
                        severity=None if m.mode == "enforce" else Severity.WARNING,
                        at_value=violation.at_value,
                    ),
                )
        for _, violation in best.values():
            yield resource, violation


TEMPLATES = [
    Template(
        name="pod-security",
        description=(
            "Pod Security Standards: every pod spec against the baseline or restricted level at "
            "a policy version, as the Pod Security admission controller evaluates it."
        ),
        make=make,
        check_set=check_namespaces,
        keep=keep,
        kinds=POD_KINDS,
        needs=frozenset({"kube_version"}),
        parameters={
            "type": "object",
            "properties": {
                "level": {"enum": list(LEVELS)},
                "version": {"type": "string", "pattern": r"^(latest|v?1\.(0|[1-9][0-9]*))$"},
            },
            "additionalProperties": False,
        },
    )
]
