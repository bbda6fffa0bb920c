"""Containers must not run privileged."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers
from kubelint.template import Params, Template


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation for each container with `privileged: true`."""
    for container in all_containers(resource):
        if container.security_context.get("privileged") is True:
            yield Violation(
                container.field_path("securityContext", "privileged"),
                f'container "{container.name}" runs privileged: it has every capability and '
                "access to all host devices",
            )


TEMPLATES = [
    Template(
        name="privileged",
        description="Containers must not be privileged.",
        check=check,
        kinds=POD_KINDS,
    )
]
