"""Where the Kubernetes API keeps label maps and label selectors, decided by kind and path.

Rules never guess labels from a key's name: a CRD's `openAPIV3Schema` has properties named
`matchLabels` and `nodeSelector` that are schemas, and an operator's custom resource may use
such names for anything. Only the fields below are labels to the API server.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubelint.model import JsonPath, Resource
from kubelint.podspec import pod_specs

# Keys and indexes, with "*" for every item of a list.
Pattern = JsonPath

_APPS = frozenset({"apps", "extensions"})
_CORE = frozenset({""})
_ADMISSION = frozenset({"admissionregistration.k8s.io"})
# The API groups that serve each built-in kind; a custom resource with the same kind name in
# another group (Calico's NetworkPolicy, Knative's Service) has other fields.
_GROUPS: dict[str, frozenset[str]] = {
    "Pod": _CORE,
    "Service": _CORE,
    "ReplicationController": _CORE,
    "PodTemplate": _CORE,
    "PersistentVolumeClaim": _CORE,
    "PersistentVolume": _CORE,
    "Deployment": _APPS,
    "ReplicaSet": _APPS,
    "StatefulSet": frozenset({"apps"}),
    "DaemonSet": _APPS,
    "Job": frozenset({"batch"}),
    "CronJob": frozenset({"batch"}),
    "PodDisruptionBudget": frozenset({"policy"}),
    "NetworkPolicy": frozenset({"networking.k8s.io", "extensions"}),
    "ValidatingWebhookConfiguration": _ADMISSION,
    "MutatingWebhookConfiguration": _ADMISSION,
    "ValidatingAdmissionPolicy": _ADMISSION,
    "ValidatingAdmissionPolicyBinding": _ADMISSION,
    "MutatingAdmissionPolicy": _ADMISSION,
    "MutatingAdmissionPolicyBinding": _ADMISSION,
    "ClusterRole": frozenset({"rbac.authorization.k8s.io"}),
    "HorizontalPodAutoscaler": frozenset({"autoscaling"}),
    "RuntimeClass": frozenset({"node.k8s.io"}),
    "CSIStorageCapacity": frozenset({"storage.k8s.io"}),
}

_WORKLOAD_SELECTOR: tuple[Pattern, ...] = (("spec", "selector"),)
_MATCH_RESOURCES = ("namespaceSelector", "objectSelector")
# Fields of type LabelSelector (matchLabels and matchExpressions), by kind.
_LABEL_SELECTORS: dict[str, tuple[Pattern, ...]] = {
    "Deployment": _WORKLOAD_SELECTOR,
    "ReplicaSet": _WORKLOAD_SELECTOR,
    "StatefulSet": _WORKLOAD_SELECTOR,
    "DaemonSet": _WORKLOAD_SELECTOR,
    "Job": _WORKLOAD_SELECTOR,
    "PodDisruptionBudget": _WORKLOAD_SELECTOR,
    "PersistentVolumeClaim": _WORKLOAD_SELECTOR,
    "NetworkPolicy": (
        ("spec", "podSelector"),
        ("spec", "ingress", "*", "from", "*", "podSelector"),
        ("spec", "ingress", "*", "from", "*", "namespaceSelector"),
        ("spec", "egress", "*", "to", "*", "podSelector"),
        ("spec", "egress", "*", "to", "*", "namespaceSelector"),
    ),
    "ValidatingWebhookConfiguration": tuple(("webhooks", "*", f) for f in _MATCH_RESOURCES),
    "MutatingWebhookConfiguration": tuple(("webhooks", "*", f) for f in _MATCH_RESOURCES),
    "ValidatingAdmissionPolicy": tuple(("spec", "matchConstraints", f) for f in _MATCH_RESOURCES),
    "MutatingAdmissionPolicy": tuple(("spec", "matchConstraints", f) for f in _MATCH_RESOURCES),
    "ValidatingAdmissionPolicyBinding": tuple(
        ("spec", "matchResources", f) for f in _MATCH_RESOURCES
    ),
    "MutatingAdmissionPolicyBinding": tuple(
        ("spec", "matchResources", f) for f in _MATCH_RESOURCES
    ),
    "ClusterRole": (("aggregationRule", "clusterRoleSelectors", "*"),),
    "HorizontalPodAutoscaler": tuple(
        ("spec", "metrics", "*", source, "metric", "selector")
        for source in ("object", "pods", "external")
    ),
    "CSIStorageCapacity": (("nodeTopology",),),
}
# Plain label maps that select (a Service's and a ReplicationController's spec.selector).
_PLAIN_SELECTORS: dict[str, tuple[Pattern, ...]] = {
    "Service": (("spec", "selector"),),
    "ReplicationController": (("spec", "selector"),),
}
_NODE_LABEL_MAPS: dict[str, tuple[Pattern, ...]] = {
    "RuntimeClass": (("scheduling", "nodeSelector"),)
}
_NODE_TERMS: dict[str, tuple[Pattern, ...]] = {
    "PersistentVolume": (("spec", "nodeAffinity", "required", "nodeSelectorTerms", "*"),),
}
# Inside a pod spec.
_POD_NODE_TERMS: tuple[Pattern, ...] = (
    ("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
     "nodeSelectorTerms", "*"),
    ("affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", "*",
     "preference"),
)  # fmt: skip
_POD_LABEL_SELECTORS: tuple[Pattern, ...] = (
    *(
        (affinity, "requiredDuringSchedulingIgnoredDuringExecution", "*", field)
        for affinity in ("podAffinity", "podAntiAffinity")
        for field in ("labelSelector", "namespaceSelector")
    ),
    *(
        (affinity, "preferredDuringSchedulingIgnoredDuringExecution", "*", "podAffinityTerm",
         field)
        for affinity in ("podAffinity", "podAntiAffinity")
        for field in ("labelSelector", "namespaceSelector")
    ),
)  # fmt: skip
_TOPOLOGY_SELECTOR: Pattern = ("topologySpreadConstraints", "*", "labelSelector")


@dataclass(frozen=True)
class LabelMap:
    """A map of label keys to values at `path`; `what` names it in messages."""

    path: JsonPath
    value: Any
    what: str


@dataclass(frozen=True)
class Selector:
    """An object with `matchExpressions` at `path`: a LabelSelector or a NodeSelectorTerm."""

    path: JsonPath
    value: Any
    node: bool  # NodeSelectorRequirements: values are not label values; Gt and Lt exist


def expand(obj: Any, pattern: Pattern, base: JsonPath = ()) -> Iterator[tuple[JsonPath, Any]]:
    """Yield (path, value) for every place in `obj` that matches `pattern` ("*": list items)."""
    nodes: list[tuple[JsonPath, Any]] = [(base, obj)]
    for step in pattern:
        found: list[tuple[JsonPath, Any]] = []
        for path, node in nodes:
            if step == "*":
                if isinstance(node, list):
                    found.extend(((*path, i), item) for i, item in enumerate(node))
            elif isinstance(node, dict) and step in node:
                found.append(((*path, step), node[step]))
        nodes = found
    yield from nodes


def is_builtin(resource: Resource) -> bool:
    """Return True when the resource's kind is a built-in kind served by its API group."""
    groups = _GROUPS.get(resource.kind)
    return groups is not None and resource.api_version.rpartition("/")[0] in groups


def label_maps(resource: Resource) -> Iterator[LabelMap]:
    """Yield every label map of the object: metadata labels, template labels, plain selectors."""
    obj = resource.obj
    yield from _maps(obj, (("metadata", "labels"),), "label")
    if not is_builtin(resource):
        return
    kind = resource.kind
    if kind == "CronJob":
        yield from _maps(obj, (("spec", "jobTemplate", "metadata", "labels"),), "label")
    yield from _maps(obj, _PLAIN_SELECTORS.get(kind, ()), "selector label")
    yield from _maps(obj, _NODE_LABEL_MAPS.get(kind, ()), "node selector label")
    for pod in pod_specs(resource):
        if pod.metadata_path != ("metadata",):
            yield from _maps(obj, ((*pod.metadata_path, "labels"),), "label")
        yield from _maps(pod.spec, (("nodeSelector",),), "node selector label", pod.path)
    for selector in selectors(resource):
        if not selector.node and isinstance(selector.value, dict):
            yield from _maps(selector.value, (("matchLabels",),), "selector label", selector.path)


def selectors(resource: Resource) -> Iterator[Selector]:
    """Yield every LabelSelector and NodeSelectorTerm of a built-in object."""
    if not is_builtin(resource):
        return
    obj = resource.obj
    for pattern in _LABEL_SELECTORS.get(resource.kind, ()):
        for path, value in expand(obj, pattern):
            yield Selector(path, value, node=False)
    for pattern in _NODE_TERMS.get(resource.kind, ()):
        for path, value in expand(obj, pattern):
            yield Selector(path, value, node=True)
    for pod in pod_specs(resource):
        for pattern in _POD_NODE_TERMS:
            for path, value in expand(pod.spec, pattern, pod.path):
                yield Selector(path, value, node=True)
        affinity = pod.spec.get("affinity")
        for pattern in _POD_LABEL_SELECTORS:
            for path, value in expand(affinity, pattern, (*pod.path, "affinity")):
                yield Selector(path, value, node=False)
        for path, value in expand(pod.spec, _TOPOLOGY_SELECTOR, pod.path):
            yield Selector(path, value, node=False)


def label_value_paths(resource: Resource) -> set[JsonPath]:
    """Return the paths of every value that label-syntax judges (label and selector values)."""
    out: set[JsonPath] = set()
    for labels in label_maps(resource):
        if isinstance(labels.value, dict):
            out.update((*labels.path, key) for key in labels.value)
    for selector in selectors(resource):
        if selector.node or not isinstance(selector.value, dict):
            continue
        for path, values in expand(
            selector.value, ("matchExpressions", "*", "values"), selector.path
        ):
            if isinstance(values, list):
                out.update((*path, i) for i in range(len(values)))
    return out


def _maps(
    obj: Any, patterns: tuple[Pattern, ...], what: str, base: JsonPath = ()
) -> Iterator[LabelMap]:
    for pattern in patterns:
        for path, value in expand(obj, pattern, base):
            yield LabelMap(path, value, what)
