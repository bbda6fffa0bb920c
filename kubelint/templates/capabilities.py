"""Containers should drop capabilities they do not need (by default: ALL)."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers, as_dict
from kubelint.template import Params, Template


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation when `capabilities.drop` lacks any of the required entries."""
    required: list[str] = list(params.get("required", ("ALL",)))
    for container in all_containers(resource):
        if container.security_context.get("privileged") is True:
            continue  # a privileged container has every capability whatever it drops
        caps = container.security_context.get("capabilities")
        drop = as_dict(caps).get("drop")
        dropped = {d for d in drop if isinstance(d, str)} if isinstance(drop, list) else set()
        missing = [r for r in required if r not in dropped]
        if not missing:
            continue
        listed = ", ".join(missing)
        path = container.field_path("securityContext", "capabilities", "drop")
        if "all" in {d.lower() for d in dropped} and "ALL" in missing:
            message = f'container "{container.name}" must drop "ALL" in upper case'
        else:
            message = f'container "{container.name}" does not drop {listed} capabilities'
        yield Violation(path, message)


TEMPLATES = [
    Template(
        name="capabilities-drop",
        whole_object=True,
        description="Containers must drop the given capabilities.",
        check=check,
        kinds=POD_KINDS,
        parameters={
            "type": "object",
            "properties": {
                "required": {"type": "array", "items": {"type": "string"}, "minItems": 1}
            },
            "additionalProperties": False,
        },
    )
]
