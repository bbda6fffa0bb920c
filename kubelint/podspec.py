"""Find pod specs in any workload kind; walk their containers with effective security settings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kubelint.model import JsonPath, Resource

# Where each kind keeps its pod template's metadata and spec.
_TEMPLATE: dict[str, JsonPath] = {
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
}
POD_KINDS = frozenset({"Pod", *_TEMPLATE})
LONG_RUNNING_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"}
)
CONTAINER_FIELDS = (
    ("initContainers", "init"),
    ("containers", "regular"),
    ("ephemeralContainers", "ephemeral"),
)
# Security fields a container may set that override the pod-level securityContext.
POD_LEVEL_SECURITY_FIELDS = frozenset(
    {
        "runAsUser",
        "runAsGroup",
        "runAsNonRoot",
        "seLinuxOptions",
        "seccompProfile",
        "windowsOptions",
        "appArmorProfile",
    }
)


def as_dict(value: Any) -> dict[str, Any]:
    """Return `value` if it is a mapping, else an empty one (wrong types never crash rules)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """Return `value` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def dig(obj: Any, path: JsonPath) -> Any:
    """Return the value at `path` inside `obj`, or None when any step is missing or mistyped."""
    current = obj
    for key in path:
        if isinstance(key, int):
            if not isinstance(current, list) or not 0 <= key < len(current):
                return None
        elif not isinstance(current, dict) or key not in current:
            return None
        current = current[key]
    return current


@dataclass(frozen=True)
class PodSpec:
    """A pod spec inside a resource, with the path to it and to its pod metadata."""

    path: JsonPath
    spec: dict[str, Any]
    metadata_path: JsonPath


@dataclass(frozen=True)
class Container:
    """One container with where it sits and its pod's security context."""

    kind: str  # "init", "regular" or "ephemeral"
    index: int
    path: JsonPath
    data: dict[str, Any]
    pod: PodSpec

    @property
    def name(self) -> str:
        """Return the container's name, or a placeholder built from its position."""
        name = self.data.get("name")
        if isinstance(name, str) and name:
            return name
        field = {k: f for f, k in CONTAINER_FIELDS}.get(self.kind, "containers")
        return f"{field}[{self.index}]"

    @property
    def security_context(self) -> dict[str, Any]:
        """Return the container's own securityContext (empty when absent or mistyped)."""
        return as_dict(self.data.get("securityContext"))

    def effective(self, field: str) -> tuple[Any, JsonPath | None]:
        """Return a security field's effective value and where it is set (container over pod)."""
        own = self.data.get("securityContext")
        if isinstance(own, dict) and field in own and own[field] is not None:
            return own[field], (*self.path, "securityContext", field)
        if field in POD_LEVEL_SECURITY_FIELDS:
            pod_ctx = self.pod.spec.get("securityContext")
            if isinstance(pod_ctx, dict) and field in pod_ctx and pod_ctx[field] is not None:
                return pod_ctx[field], (*self.pod.path, "securityContext", field)
        return None, None

    def field_path(self, *keys: str | int) -> JsonPath:
        """Return the path of a field inside this container."""
        return (*self.path, *keys)


def pod_template_path(kind: str) -> JsonPath | None:
    """Return the path to the pod template for a workload kind (None for Pod and others)."""
    return _TEMPLATE.get(kind)


def pod_specs(resource: Resource) -> Iterator[PodSpec]:
    """Yield the pod spec of a Pod or of any workload's pod template."""
    if resource.kind == "Pod":
        spec = resource.obj.get("spec")
        if isinstance(spec, dict):
            yield PodSpec(("spec",), spec, ("metadata",))
        return
    template = _TEMPLATE.get(resource.kind)
    if template is None:
        return
    spec = dig(resource.obj, (*template, "spec"))
    if isinstance(spec, dict):
        yield PodSpec((*template, "spec"), spec, (*template, "metadata"))


def containers(pod: PodSpec, kinds: frozenset[str] | None = None) -> Iterator[Container]:
    """Yield every container (init, regular, ephemeral) of a pod spec, or only the given kinds."""
    for field, kind in CONTAINER_FIELDS:
        if kinds is not None and kind not in kinds:
            continue
        for index, data in enumerate(as_list(pod.spec.get(field))):
            if isinstance(data, dict):
                yield Container(kind, index, (*pod.path, field, index), data, pod)


def all_containers(resource: Resource, kinds: frozenset[str] | None = None) -> Iterator[Container]:
    """Yield the containers of every pod spec in a resource."""
    for pod in pod_specs(resource):
        yield from containers(pod, kinds)


def describe(value: Any) -> str:
    """Render a decoded value for a message, the way a user wrote it where possible."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)
