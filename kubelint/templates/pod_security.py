"""The `pod-security` template: Pod Security Standards as the admission controller applies them.

With a configured level every pod is evaluated as it streams by; without one, the Namespaces
among the linted files decide, through their `pod-security.kubernetes.io/*` labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from kubelint.model import JsonPath, Resource, Severity, Violation
from kubelint.podsecurity.controls import NEWEST, active_controls, evaluate, parse_version
from kubelint.podsecurity.labels import Mode, namespace_modes
from kubelint.podsecurity.pod import LATEST, LEVELS, Version
from kubelint.podspec import POD_KINDS, as_dict
from kubelint.template import Params, ResourceCheck, Template

_KUBE_VERSION = re.compile(r"([0-9]+)\.([0-9]+)\Z")


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


def keep(resource: Resource, params: Params) -> bool:
    """Keep Namespaces, and namespaced pod-bearing objects a Namespace's labels may govern."""
    if resource.kind == "Namespace":
        return True
    if params.get("level") is not None:
        return False  # every pod is evaluated as it streams by; labels are only validated
    return resource.kind in POD_KINDS and resource.namespace is not None


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
    # A Namespace governs the objects of its own application unit (see kubelint.layout).
    levels: dict[tuple[str, str], list[Mode]] = {}
    for r in resources:
        if r.kind != "Namespace":
            continue
        modes, errors = namespace_modes(as_dict(as_dict(r.obj.get("metadata")).get("labels")))
        for error in errors:
            yield r, error
        if governed and r.name and modes:
            levels[(r.origin.unit, r.name)] = modes
    if not levels:
        return
    for resource in resources:
        namespace = resource.namespace
        governing = (
            levels.get((resource.origin.unit, namespace))
            if namespace and resource.kind != "Namespace"
            else None
        )
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
        whole_object=True,
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
