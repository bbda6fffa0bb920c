"""Containers should declare resource requests and limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers, as_dict
from kubelint.template import Params, Template

_WITH_RESOURCES = frozenset({"init", "regular"})


def _is_set(section: dict[str, Any], name: str) -> bool:
    value = section.get(name)
    return value is not None and value != ""


def check_requests(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation per container missing a request (a limit counts, it is copied over)."""
    names: list[str] = list(params.get("resources", ("cpu", "memory")))
    for container in all_containers(resource, _WITH_RESOURCES):
        res = as_dict(container.data.get("resources"))
        requests, limits = as_dict(res.get("requests")), as_dict(res.get("limits"))
        missing = [n for n in names if not _is_set(requests, n) and not _is_set(limits, n)]
        if not missing:
            continue
        path = container.field_path("resources", "requests")
        if len(missing) == 1:
            path = (*path, missing[0])
        yield Violation(
            path,
            f'container "{container.name}" sets no {" or ".join(missing)} request: the scheduler '
            "cannot place it reliably",
            sub_id=",".join(missing),
        )


def check_limits(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation per container missing one of the named limits."""
    names: list[str] = list(params.get("resources", ("memory",)))
    for container in all_containers(resource, _WITH_RESOURCES):
        limits = as_dict(as_dict(container.data.get("resources")).get("limits"))
        for name in names:
            if not _is_set(limits, name):
                yield Violation(
                    container.field_path("resources", "limits", name),
                    f'container "{container.name}" sets no {name} limit',
                    sub_id=name,
                )


_RESOURCES_PARAM = {
    "type": "object",
    "properties": {
        "resources": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
    "additionalProperties": False,
}

TEMPLATES = [
    Template(
        name="resource-requests",
        whole_object=True,
        description="Regular and init containers must request the given resources.",
        check=check_requests,
        kinds=POD_KINDS,
        parameters=_RESOURCES_PARAM,
    ),
    Template(
        name="resource-limits",
        whole_object=True,
        description="Regular and init containers must limit the given resources.",
        check=check_limits,
        kinds=POD_KINDS,
        parameters=_RESOURCES_PARAM,
    ),
]
