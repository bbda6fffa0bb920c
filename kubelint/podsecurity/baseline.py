"""The baseline controls of the Pod Security Standards, each as the admission controller checks it.

Each function yields one violation per offending field; the control table (controls.py) says
at which policy versions each applies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubelint.model import JsonPath, Violation
from kubelint.podsecurity.pod import Pod, is_int, is_one_of, quoted, sc_path, show
from kubelint.podspec import Container, as_dict, as_list


def host_namespaces(pod: Pod, level: str) -> Iterator[Violation]:
    """hostNetwork, hostPID and hostIPC are not true."""
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.data.get(field) is True:
            yield Violation((*pod.path, field), f"{level}: {field} must not be true")


def privileged(pod: Pod, level: str) -> Iterator[Violation]:
    """No container is privileged."""
    for c in pod.containers():
        if c.security_context.get("privileged") is True:
            yield Violation(
                sc_path(c, "privileged"),
                f"{level}: privileged must not be true ({quoted(c)})",
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


def added(c: Container) -> Iterator[tuple[int, Any]]:
    """Yield (index, capability) for each capability a container adds."""
    caps = as_dict(c.security_context.get("capabilities"))
    yield from enumerate(as_list(caps.get("add")))


def capabilities_baseline(pod: Pod, level: str) -> Iterator[Violation]:
    """Containers add only capabilities from the default set."""
    for c in pod.containers():
        for i, cap in added(c):
            if not is_one_of(cap, BASELINE_CAPABILITIES):
                yield Violation(
                    sc_path(c, "capabilities", "add", i),
                    f"{level}: capability {show(cap)} must not be added, only "
                    f"{', '.join(sorted(BASELINE_CAPABILITIES))} ({quoted(c)})",
                    at_value=True,
                )


def host_path_volumes(pod: Pod, level: str) -> Iterator[Violation]:
    """No hostPath volumes."""
    for i, volume in enumerate(as_list(pod.data.get("volumes"))):
        if isinstance(volume, dict) and volume.get("hostPath") is not None:
            name = volume.get("name")
            yield Violation(
                (*pod.path, "volumes", i, "hostPath"),
                f'{level}: hostPath volumes are forbidden (volume "{name}")',
            )


def host_ports(pod: Pod, level: str) -> Iterator[Violation]:
    """Container ports set no hostPort other than 0."""
    for c in pod.containers():
        for i, port in enumerate(as_list(c.data.get("ports"))):
            host_port = as_dict(port).get("hostPort")
            if is_int(host_port) and host_port != 0:
                yield Violation(
                    c.field_path("ports", i, "hostPort"),
                    f"{level}: hostPort must be unset or 0, not {host_port} ({quoted(c)})",
                )


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
APPARMOR_TYPES = frozenset({"RuntimeDefault", "Localhost"})


def _apparmor_field(profile: Any, path: JsonPath, who: str, level: str) -> Iterator[Violation]:
    if profile is None:
        return
    kind = as_dict(profile).get("type")
    if not is_one_of(kind, APPARMOR_TYPES):
        at = (*path, "type") if isinstance(profile, dict) and "type" in profile else path
        yield Violation(
            at,
            f"{level}: appArmorProfile.type must be RuntimeDefault or Localhost, not "
            f"{show(kind) if kind is not None else 'unset'} ({who})",
        )


def apparmor(pod: Pod, level: str) -> Iterator[Violation]:
    """AppArmor annotations and appArmorProfile fields name only the default or a local profile."""
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
                f"not {show(value)}",
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
            sc_path(c, "appArmorProfile"),
            quoted(c),
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
    if not is_one_of(kind, types):
        yield Violation(
            (*path, "type"),
            f"{level}: seLinuxOptions.type must be one of "
            f"{', '.join(sorted(t for t in types if t))} or unset, not {show(kind)} ({who})",
        )
    for field in ("user", "role"):
        value = options.get(field)
        if isinstance(value, str) and value:
            yield Violation(
                (*path, field), f"{level}: seLinuxOptions.{field} must not be set ({who})"
            )


def selinux(pod: Pod, level: str, types: frozenset[str]) -> Iterator[Violation]:
    """seLinuxOptions set no user or role, and only an allowed type."""
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
            sc_path(c, "seLinuxOptions"),
            quoted(c),
            level,
            types,
        )


def proc_mount(
    pod: Pod, level: str, *, user_namespace_relaxed: bool = False
) -> Iterator[Violation]:
    """Containers keep the Default /proc mount (optionally not checked for hostUsers: false)."""
    if user_namespace_relaxed and pod.in_user_namespace:
        return
    for c in pod.containers():
        value = c.security_context.get("procMount")
        if value is not None and value != "Default":
            yield Violation(
                sc_path(c, "procMount"),
                f"{level}: procMount must be Default or unset, not {show(value)} ({quoted(c)})",
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
                f"localhost/*, not {show(annotations[key])}",
            )


def seccomp_type(profile: Any) -> Any:
    """Return a seccompProfile's type (None when unset or not a mapping)."""
    return as_dict(profile).get("type")


def bad_seccomp(profile: Any, path: JsonPath, who: str, level: str) -> Violation | None:
    """Return the violation of a seccompProfile that is set to a type other than the allowed."""
    if profile is None or is_one_of(seccomp_type(profile), SECCOMP_TYPES):
        return None
    at = (*path, "type") if isinstance(profile, dict) and "type" in profile else path
    return Violation(
        at,
        f"{level}: seccompProfile.type must be RuntimeDefault or Localhost, not "
        f"{show(seccomp_type(profile))} ({who})",
    )


def seccomp_baseline(pod: Pod, level: str) -> Iterator[Violation]:
    """Policy v1.19+: a seccompProfile, where set, is not Unconfined."""
    places = [(pod.security_context, (*pod.path, "securityContext"), "pod")]
    places += [(c.security_context, sc_path(c), quoted(c)) for c in pod.containers()]
    for sc, path, who in places:
        found = bad_seccomp(sc.get("seccompProfile"), (*path, "seccompProfile"), who, level)
        if found is not None:
            yield found


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
    """Pod sysctls are all in the safe set of the policy version."""
    for i, sysctl in enumerate(as_list(pod.security_context.get("sysctls"))):
        name = as_dict(sysctl).get("name")
        if not is_one_of(name, allowed):
            yield Violation(
                (*pod.path, "securityContext", "sysctls", i, "name"),
                f"{level}: sysctl {show(name)} is not in the safe set",
                at_value=True,
            )


def windows_host_process(pod: Pod, level: str) -> Iterator[Violation]:
    """No Windows HostProcess pod or container."""
    options = as_dict(pod.security_context.get("windowsOptions"))
    if options.get("hostProcess") is True:
        yield Violation(
            (*pod.path, "securityContext", "windowsOptions", "hostProcess"),
            f"{level}: windowsOptions.hostProcess must not be true (pod)",
        )
    for c in pod.containers():
        if as_dict(c.security_context.get("windowsOptions")).get("hostProcess") is True:
            yield Violation(
                sc_path(c, "windowsOptions", "hostProcess"),
                f"{level}: windowsOptions.hostProcess must not be true ({quoted(c)})",
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
                        f"{level}: {path[-1]}.{action}.host must be unset ({quoted(c)})",
                    )
