"""Containers should have a read-only root filesystem."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers
from kubelint.template import Params, Template


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation unless `readOnlyRootFilesystem` is true."""
    for container in all_containers(resource):
        value = container.security_context.get("readOnlyRootFilesystem")
        if value is True or (value is None and resource.origin.patch):
            continue  # a patch that leaves the field out leaves its base's value
        state = (
            "sets readOnlyRootFilesystem to false"
            if value is False
            else ("does not set readOnlyRootFilesystem to true")
        )
        yield Violation(
            container.field_path("securityContext", "readOnlyRootFilesystem"),
            f'container "{container.name}" {state}: an attacker can write to its filesystem',
        )


TEMPLATES = [
    Template(
        name="read-only-root-filesystem",
        description="Containers must set readOnlyRootFilesystem to true.",
        check=check,
        kinds=POD_KINDS,
    )
]
