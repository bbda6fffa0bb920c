"""The restricted controls of the Pod Security Standards, as the admission controller checks."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Violation
from kubelint.podsecurity.baseline import added, bad_seccomp
from kubelint.podsecurity.pod import Pod, is_int, is_one_of, quoted, sc_path, show
from kubelint.podspec import as_dict, as_list

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
    """Volumes use only the allowed sources (a volume with no source is an emptyDir)."""
    for i, volume in enumerate(as_list(pod.data.get("volumes"))):
        if not isinstance(volume, dict):
            continue
        sources = [k for k, v in volume.items() if k != "name" and v is not None]
        if not sources or any(is_one_of(k, RESTRICTED_VOLUMES) for k in sources):
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
    """Every container sets allowPrivilegeEscalation: false."""
    if windows_exempt and pod.is_windows:
        return
    for c in pod.containers():
        if c.security_context.get("allowPrivilegeEscalation") is not False:
            yield Violation(
                sc_path(c, "allowPrivilegeEscalation"),
                f"{level}: allowPrivilegeEscalation must be false ({quoted(c)})",
            )


def run_as_non_root(pod: Pod, level: str, *, user_namespace_relaxed: bool) -> Iterator[Violation]:
    """runAsNonRoot is true for every container, set on it or on the pod, and false nowhere."""
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
                sc_path(c, "runAsNonRoot"),
                f"{level}: runAsNonRoot must not be false ({quoted(c)})",
            )
        elif own is None and pod_value is not True:
            yield Violation(
                sc_path(c, "runAsNonRoot"),
                f"{level}: runAsNonRoot must be true in the pod or the container ({quoted(c)})",
            )


def run_as_user(pod: Pod, level: str, *, user_namespace_relaxed: bool) -> Iterator[Violation]:
    """runAsUser is not 0 on the pod or any container."""
    if user_namespace_relaxed and pod.in_user_namespace:
        return
    value = pod.security_context.get("runAsUser")
    if is_int(value) and value == 0:
        yield Violation(
            (*pod.path, "securityContext", "runAsUser"),
            f"{level}: runAsUser must not be 0 (pod)",
        )
    for c in pod.containers():
        value = c.security_context.get("runAsUser")
        if is_int(value) and value == 0:
            yield Violation(
                sc_path(c, "runAsUser"), f"{level}: runAsUser must not be 0 ({quoted(c)})"
            )


def seccomp_restricted(pod: Pod, level: str, *, windows_exempt: bool) -> Iterator[Violation]:
    """Policy v1.19+: every container has an allowed seccompProfile, its own or the pod's."""
    if windows_exempt and pod.is_windows:
        return
    profile = pod.security_context.get("seccompProfile")
    where = (*pod.path, "securityContext", "seccompProfile")
    found = bad_seccomp(profile, where, "pod", level)
    if found is not None:
        yield found
    pod_ok = profile is not None and found is None
    for c in pod.containers():
        own = c.security_context.get("seccompProfile")
        if own is None and not pod_ok:
            yield Violation(
                sc_path(c, "seccompProfile"),
                f"{level}: seccompProfile.type must be set to RuntimeDefault or Localhost in the "
                f"pod or the container ({quoted(c)})",
            )
            continue
        found = bad_seccomp(own, sc_path(c, "seccompProfile"), quoted(c), level)
        if found is not None:
            yield found


def capabilities_restricted(pod: Pod, level: str, *, windows_exempt: bool) -> Iterator[Violation]:
    """Every container drops ALL and adds nothing but NET_BIND_SERVICE."""
    if windows_exempt and pod.is_windows:
        return
    for c in pod.containers():
        caps = as_dict(c.security_context.get("capabilities"))
        if "ALL" not in as_list(caps.get("drop")):
            yield Violation(
                sc_path(c, "capabilities", "drop"),
                f'{level}: capabilities.drop must include "ALL" ({quoted(c)})',
            )
        for i, cap in added(c):
            if cap != "NET_BIND_SERVICE":
                yield Violation(
                    sc_path(c, "capabilities", "add", i),
                    f"{level}: capability {show(cap)} must not be added, only NET_BIND_SERVICE "
                    f"({quoted(c)})",
                    at_value=True,
                )
