"""A StatefulSet's governing Service must exist, be headless, and be applied first."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

from kubelint.model import Resource, Violation
from kubelint.podspec import as_dict
from kubelint.template import Params, Template


def _where(resource: Resource) -> str:
    return f"{resource.file}:{resource.positions.lookup(('kind',)).line}"


def check_set(
    resources: Sequence[Resource], params: Params
) -> Iterator[tuple[Resource, Violation]]:
    """Yield StatefulSets whose serviceName names no headless Service applied before them."""
    # Objects pair only inside one application unit (see kubelint.layout) and namespace.
    services: dict[tuple[tuple[str, str | None], str], list[Resource]] = {}
    for resource in resources:
        if resource.kind == "Service" and resource.name:
            services.setdefault((resource.scope, resource.name), []).append(resource)
    for resource in resources:
        if resource.kind != "StatefulSet":
            continue
        name = as_dict(resource.obj.get("spec")).get("serviceName")
        if not isinstance(name, str) or not name:
            continue
        path = ("spec", "serviceName")
        candidates = services.get((resource.scope, name), [])
        scope = f'namespace "{resource.namespace}"' if resource.namespace else "the same namespace"
        if not candidates:
            known = sorted({n for (where, n) in services if where == resource.scope})
            if not known:
                continue  # no Service in this scope at all: it may well be defined elsewhere
            close = (
                difflib.get_close_matches(name, known, n=1)
                or [other for other in known if name in other or other in name][:1]
            )
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            yield (
                resource,
                Violation(
                    path,
                    f'serviceName "{name}" names no Service in {scope} among the linted '
                    f"files of {resource.origin.describe_unit()}{hint}; the StatefulSet's pods "
                    "get no stable DNS names",
                    sub_id="missing",
                ),
            )
            continue
        service = candidates[0]
        cluster_ip = as_dict(service.obj.get("spec")).get("clusterIP")
        if cluster_ip != "None":
            yield (
                resource,
                Violation(
                    path,
                    f'Service "{name}" ({_where(service)}) is not headless: '
                    "set its clusterIP to None",
                    sub_id="not-headless",
                ),
            )
        # Only the order within one file is certain: kubectl, kustomize and Helm all reorder
        # across files (kustomize and Helm put Services before StatefulSets).
        if service.file == resource.file and service.order > resource.order:
            yield (
                resource,
                Violation(
                    path,
                    f'Service "{name}" ({_where(service)}) is applied after this StatefulSet; '
                    "put the Service first",
                    sub_id="order",
                ),
            )


TEMPLATES = [
    Template(
        name="statefulset-service",
        whole_object=True,
        description="A StatefulSet's serviceName must name a headless Service applied before it.",
        check_set=check_set,
        set_kinds=frozenset({"Service", "StatefulSet"}),
    )
]
