"""Object names and namespaces as the API server validates them, kind by kind."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kubelint.kubeversion import at_least
from kubelint.model import Resource, Severity, Violation
from kubelint.podspec import describe
from kubelint.template import Params, Template

_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_LABEL_1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")

CORE = ""
RBAC = "rbac.authorization.k8s.io"
# (API group, kind) of cluster-scoped built-in kinds.
CLUSTER_SCOPED = frozenset(
    {
        (CORE, "Namespace"),
        (CORE, "Node"),
        (CORE, "PersistentVolume"),
        (CORE, "ComponentStatus"),
        (RBAC, "ClusterRole"),
        (RBAC, "ClusterRoleBinding"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("apiregistration.k8s.io", "APIService"),
        ("node.k8s.io", "RuntimeClass"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("policy", "PodSecurityPolicy"),
        ("extensions", "PodSecurityPolicy"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
    }
)
# Kinds whose names are free-form but for "/", "%", "." and ".." (they are URL path segments).
PATH_SEGMENT = frozenset(
    {(RBAC, "Role"), (RBAC, "ClusterRole"), (RBAC, "RoleBinding"), (RBAC, "ClusterRoleBinding")}
)
# Kinds whose names the API server does not restrict (or restricts differently).
UNCHECKED = frozenset(
    {("certificates.k8s.io", "CertificateSigningRequest"), ("storage.k8s.io", "CSIDriver")}
)
_SUBDOMAIN_RULE = (
    "a DNS subdomain: at most 253 lowercase letters, digits, '-' and '.', starting and ending "
    "with a letter or digit"
)
_LABEL_RULE = (
    "a DNS label: at most 63 lowercase letters, digits and '-', starting and ending with a "
    "letter or digit (no dots)"
)
_LABEL_1035_RULE = (
    "an RFC 1035 label: at most 63 lowercase letters, digits and '-', starting with a letter "
    "and ending with a letter or digit (no dots)"
)


def group_of(api_version: str) -> str:
    """Return the API group of an apiVersion ("" for the core group "v1")."""
    return api_version.rpartition("/")[0] if "/" in api_version else CORE


def _suggest(name: str, *, dots: bool, letter_first: bool, limit: int) -> str | None:
    """Return a close valid name, or None when nothing sensible is left."""
    allowed = "a-z0-9." if dots else "a-z0-9"
    text = re.sub(rf"[^{allowed}]+", "-", name.lower())
    if dots:
        text = re.sub(r"-*\.-*", ".", text)
        text = re.sub(r"\.+", ".", text)
    text = text.strip("-.")
    if letter_first:
        text = re.sub(r"^[^a-z]+", "", text)
    text = text[:limit].rstrip("-.")
    return text or None


def name_rule(api_version: str, kind: str, kube_version: Any) -> str | None:
    """Return which name rule applies: "label", "label-1035", "subdomain", "path" or None."""
    key = (group_of(api_version), kind)
    if key in UNCHECKED:
        return None
    if key in PATH_SEGMENT:
        return "path"
    if key == (CORE, "Service"):
        return "label-1035"
    if key == (CORE, "Namespace"):
        return "label"
    if key == ("apps", "StatefulSet") and at_least(kube_version, (1, 27)):
        return "label"
    return "subdomain"


def name_problem(name: str, rule: str) -> str | None:
    """Return why `name` breaks `rule`, or None."""
    if rule == "path":
        if name in (".", ".."):
            return f'may not be "{name}"'
        bad = [c for c in ("/", "%") if c in name]
        return f"may not contain {' or '.join(repr(c) for c in bad)}" if bad else None
    if rule == "subdomain":
        if len(name) > 253:
            return f"is {len(name)} characters long; it must be {_SUBDOMAIN_RULE}"
        return None if _SUBDOMAIN.match(name) else f"must be {_SUBDOMAIN_RULE}"
    pattern, text = (
        (_LABEL_1035, _LABEL_1035_RULE) if rule == "label-1035" else (_LABEL, _LABEL_RULE)
    )
    if len(name) > 63:
        return f"is {len(name)} characters long; it must be {text}"
    return None if pattern.match(name) else f"must be {text}"


def _fix(name: str, rule: str) -> str:
    if rule == "path":
        return "remove the '/' and '%' characters"
    suggestion = _suggest(
        name,
        dots=rule == "subdomain",
        letter_first=rule == "label-1035",
        limit=253 if rule == "subdomain" else 63,
    )
    return f'rename it, for example to "{suggestion}"' if suggestion else "rename it"


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield names and namespaces the API server rejects or ignores for this kind."""
    metadata = resource.obj.get("metadata")
    if not isinstance(metadata, dict):
        return
    kind = resource.kind
    rule = name_rule(resource.api_version, kind, params.get("kube_version"))
    name = metadata.get("name")
    if rule is not None and name is not None and name != "":
        yield from _name(kind, name, rule)
    namespace = metadata.get("namespace")
    if namespace is None or namespace == "":
        return
    path = ("metadata", "namespace")
    if (group_of(resource.api_version), kind) in CLUSTER_SCOPED:
        yield Violation(
            path,
            f"{kind} is cluster-scoped, so its namespace {describe(namespace)} is ignored and "
            "misleads readers: remove metadata.namespace",
            sub_id="cluster-scoped",
            severity=Severity.WARNING,
        )
    elif not isinstance(namespace, str):
        yield Violation(
            path,
            f"metadata.namespace is {describe(namespace)}; it must be a string: quote it",
            sub_id="namespace-type",
        )
    elif problem := name_problem(namespace, "label"):
        yield Violation(
            path,
            f'the namespace "{namespace}" {problem}: {_fix(namespace, "label")}',
            sub_id="namespace",
        )


def _name(kind: str, name: Any, rule: str) -> Iterator[Violation]:
    path = ("metadata", "name")
    if not isinstance(name, str):
        yield Violation(
            path,
            f'metadata.name is {describe(name)}; it must be a string: quote it ("{name}")',
            sub_id="name-type",
        )
        return
    problem = name_problem(name, rule)
    if problem is None:
        return
    why = ""
    if kind == "StatefulSet" and rule == "label":
        why = " (a StatefulSet name is a DNS label since Kubernetes 1.27)"
    elif kind == "Service" and rule == "label-1035" and name[:1].isdigit() and _LABEL.match(name):
        why = " (a Service name becomes a DNS name and an environment variable prefix)"
    yield Violation(
        path,
        f'the {kind} name "{name}" {problem}{why}: {_fix(name, rule)}',
        sub_id="name",
    )


TEMPLATES = [
    Template(
        name="resource-name",
        description="metadata.name and metadata.namespace must be valid for the object's kind.",
        check=check,
        needs=frozenset({"kube_version"}),
    )
]
