"""Containers must explicitly forbid privilege escalation."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers
from kubelint.template import Params, Template


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation unless `allowPrivilegeEscalation` is false (privileged implies true)."""
    for container in all_containers(resource):
        ctx = container.security_context
        if ctx.get("privileged") is True:
            yield Violation(
                container.field_path("securityContext", "privileged"),
                f'container "{container.name}" is privileged, which always allows privilege '
                "escalation",
            )
            continue
        value = ctx.get("allowPrivilegeEscalation")
        if value is False:
            continue
        path = container.field_path("securityContext", "allowPrivilegeEscalation")
        if value is True:
            message = f'container "{container.name}" sets allowPrivilegeEscalation to true'
        else:
            message = (
                f'container "{container.name}" does not set allowPrivilegeEscalation to false, '
                "so setuid binaries can gain privileges"
            )
        yield Violation(path, message)


TEMPLATES = [
    Template(
        name="privilege-escalation",
        description="Containers must set allowPrivilegeEscalation to false.",
        check=check,
        kinds=POD_KINDS,
    )
]
