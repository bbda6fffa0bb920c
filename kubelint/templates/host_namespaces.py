"""Pods must not share the host's namespaces."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, pod_specs
from kubelint.template import Params, Template

_WHAT = {
    "hostNetwork": "the host's network",
    "hostPID": "the host's process table",
    "hostIPC": "the host's IPC namespace",
}


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation for each of hostNetwork, hostPID, hostIPC set to true."""
    fields: list[str] = list(params.get("fields", _WHAT))
    for pod in pod_specs(resource):
        for field in fields:
            if pod.spec.get(field) is True:
                yield Violation(
                    (*pod.path, field),
                    f"{field} is true: the pod shares {_WHAT.get(field, field)}",
                    sub_id=field,
                )


TEMPLATES = [
    Template(
        name="host-namespaces",
        description="Pod specs must not enable the given host namespaces.",
        check=check,
        kinds=POD_KINDS,
        parameters={
            "type": "object",
            "properties": {
                "fields": {
                    "type": "array",
                    "items": {"enum": ["hostNetwork", "hostPID", "hostIPC"]},
                    "minItems": 1,
                }
            },
            "additionalProperties": False,
        },
    )
]
