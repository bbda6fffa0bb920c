"""Service ports and selectors: rejected nodePorts, and names or labels no linted pod declares."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kubelint.model import Resource, Severity, Violation
from kubelint.podspec import as_dict, as_list, containers, describe, dig, pod_specs
from kubelint.template import Params, Template

# Kinds whose pod templates run pods (a PodTemplate runs none).
WORKLOAD_KINDS = frozenset(
    {
        "Pod",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "ReplicationController",
    }
)
DEFAULT_RANGE = (30000, 32767)


@dataclass(frozen=True)
class _Pods:
    """The pod template of one workload: its labels and the named ports of its containers."""

    resource: Resource
    labels: dict[str, Any]
    ports: frozenset[tuple[str, str]]  # (name, protocol) of each named container port


def _workload_pods(resource: Resource) -> Iterator[_Pods]:
    for pod in pod_specs(resource):
        labels = as_dict(dig(resource.obj, (*pod.metadata_path, "labels")))
        ports: set[tuple[str, str]] = set()
        for container in containers(pod, frozenset({"regular", "init"})):
            # Only sidecars (init containers that restart Always) serve traffic.
            if container.kind == "init" and container.data.get("restartPolicy") != "Always":
                continue
            for item in as_list(container.data.get("ports")):
                port = as_dict(item)
                name, protocol = port.get("name"), port.get("protocol") or "TCP"
                if isinstance(name, str) and isinstance(protocol, str):
                    ports.add((name, protocol))
        yield _Pods(resource, labels, frozenset(ports))


def _where(resource: Resource) -> str:
    return f"{resource.kind} {resource.name or '<unnamed>'}"


def _selects(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    return all(key in labels and labels[key] == value for key, value in selector.items())


def _node_port_range(params: Params) -> tuple[int, int]:
    value = params.get("node_port_range")
    if isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = value
        if isinstance(low, int) and isinstance(high, int):
            return low, high
    return DEFAULT_RANGE


def _ports(spec: dict[str, Any], params: Params) -> Iterator[Violation]:
    """Yield nodePorts and targetPorts the API server rejects."""
    kind = spec.get("type")
    cluster_ip = kind in (None, "", "ClusterIP")
    low, high = _node_port_range(params)
    for index, item in enumerate(as_list(spec.get("ports"))):
        port = as_dict(item)
        target = port.get("targetPort")
        if isinstance(target, str) and target.isascii() and target.isdigit():
            yield Violation(
                ("spec", "ports", index, "targetPort"),
                f'targetPort is the string "{target}", which the API server rejects as a port '
                f"name: write {target} without quotes",
                sub_id="target-port-string",
            )
        node_port = port.get("nodePort")
        path = ("spec", "ports", index, "nodePort")
        if node_port is None or node_port == 0:
            continue
        if cluster_ip:
            shown = kind if kind else "ClusterIP, the default"
            yield Violation(
                path,
                f"nodePort {describe(node_port)} is set on a Service of type {shown}, which the "
                "API server rejects: remove nodePort, or set spec.type to NodePort or "
                "LoadBalancer",
                sub_id="node-port-type",
            )
            continue
        if isinstance(node_port, bool) or not isinstance(node_port, int):
            yield Violation(
                path,
                f"nodePort is {describe(node_port)}; it must be a number from {low} to {high}, or "
                "left out to let Kubernetes pick one",
                sub_id="node-port-range",
            )
        elif not low <= node_port <= high:
            yield Violation(
                path,
                f"nodePort {node_port} is outside the node port range {low}-{high}; the API "
                "server rejects it: pick a port in the range, or leave nodePort out to let "
                "Kubernetes pick one",
                sub_id="node-port-range",
            )


def _target_ports(spec: dict[str, Any], selected: list[_Pods]) -> Iterator[Violation]:
    """Yield named targetPorts that no selected container declares."""
    for index, item in enumerate(as_list(spec.get("ports"))):
        port = as_dict(item)
        target = port.get("targetPort")
        if not isinstance(target, str) or not target:
            continue
        if not selected or (target.isascii() and target.isdigit()):
            continue
        path = ("spec", "ports", index, "targetPort")
        protocol = port.get("protocol") or "TCP"
        if any((target, protocol) in pods.ports for pods in selected):
            continue
        names = list(dict.fromkeys(_where(pods.resource) for pods in selected))
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        others = sorted({p for pods in selected for (n, p) in pods.ports if n == target})
        detail = f" (it is declared for {', '.join(others)} only)" if others else ""
        yield Violation(
            path,
            f'targetPort "{target}" names no {protocol} container port of the pods this Service '
            f"selects ({shown}){detail}, so traffic to this port goes nowhere: add a {protocol} "
            f"container port named {target}, or use the port number",
            sub_id="target-port-name",
            severity=Severity.WARNING,
        )


# Labels that controllers add to the pods they create; no pod template declares them.
CONTROLLER_LABELS = frozenset(
    {
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "job-name",
        "batch.kubernetes.io/job-name",
        "controller-uid",
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-completion-index",
        "pod-template-hash",
        "controller-revision-hash",
        "pod-template-generation",
    }
)


def is_custom(resource: Resource) -> bool:
    """Return True for a custom resource: an operator may create pods from it."""
    group = resource.api_version.rpartition("/")[0]
    return "." in group and not group.endswith(".k8s.io")


def keep(resource: Resource, params: Params) -> bool:
    """Keep Services, workloads, and custom resources (which may stand for pods)."""
    if resource.kind == "Service" or resource.kind in WORKLOAD_KINDS:
        return True
    return resource.kind != "CustomResourceDefinition" and is_custom(resource)


def check_set(
    resources: Sequence[Resource], params: Params
) -> Iterator[tuple[Resource, Violation]]:
    """Yield nodePort, targetPort and selector problems of every Service.

    Services pair with pod templates of the same application unit and namespace. "No
    endpoints" is claimed only when kubelint can know: a workload of that scope is in the
    Service's own file, no custom resource there may have an operator create the pods, and
    labels that controllers add to pods are left out of the match.
    """
    pods_by_scope: dict[tuple[str, str | None], list[_Pods]] = {}
    operated: set[tuple[str, str | None]] = set()
    for resource in resources:
        if resource.kind in WORKLOAD_KINDS:
            pods_by_scope.setdefault(resource.scope, []).extend(_workload_pods(resource))
        elif resource.kind != "Service":
            operated.add(resource.scope)
    for service in resources:
        if service.kind != "Service":
            continue
        spec = service.obj.get("spec")
        if not isinstance(spec, dict):
            continue
        for violation in _ports(spec, params):
            yield service, violation
        selector = spec.get("selector")
        if not isinstance(selector, dict) or not selector or spec.get("type") == "ExternalName":
            continue
        declared = {k: v for k, v in selector.items() if k not in CONTROLLER_LABELS}
        candidates = pods_by_scope.get(service.scope, [])
        selected = [pods for pods in candidates if _selects(declared, pods.labels)]
        for violation in _target_ports(spec, selected):
            yield service, violation
        # Only a workload in the Service's own file shows that its pods are meant to be here;
        # across files, they may come from another directory, a chart or an operator.
        beside = any(pods.resource.file == service.file for pods in candidates)
        if beside and not selected and declared and service.scope not in operated:
            scope = f'namespace "{service.namespace}"' if service.namespace else "its namespace"
            wanted = ", ".join(f"{k}={describe(v).strip(chr(34))}" for k, v in declared.items())
            yield (
                service,
                Violation(
                    ("spec", "selector"),
                    f"the selector {wanted} matches no pod template among the linted files "
                    f"of {service.origin.describe_unit()} in {scope}, so the Service gets no "
                    "endpoints from them: fix the selector or the pod labels",
                    sub_id="selector",
                    severity=Severity.WARNING,
                ),
            )


TEMPLATES = [
    Template(
        name="service-config",
        whole_object=True,
        description="A Service's nodePorts, targetPorts and selector must fit the cluster and "
        "the pods it selects.",
        check_set=check_set,
        set_kinds=frozenset({"Service", *WORKLOAD_KINDS}),
        keep=keep,
        parameters={
            "type": "object",
            "properties": {
                "node_port_range": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1, "maximum": 65535},
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
            "additionalProperties": False,
        },
    )
]
