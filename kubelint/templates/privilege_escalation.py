"""Containers must explicitly forbid privilege escalation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers, as_dict, as_list
from kubelint.template import Params, Template


def _sys_admin_index(ctx: dict[str, Any]) -> int | None:
    """Return the index of SYS_ADMIN (with or without CAP_) in capabilities.add, if present."""
    for index, cap in enumerate(as_list(as_dict(ctx.get("capabilities")).get("add"))):
        if isinstance(cap, str) and cap.upper().removeprefix("CAP_") == "SYS_ADMIN":
            return index
    return None


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation unless `allowPrivilegeEscalation` is false (privileged is not judged)."""
    for container in all_containers(resource):
        ctx = container.security_context
        if ctx.get("privileged") is True:
            # privileged-container reports it; the API server rejects
            # allowPrivilegeEscalation: false beside privileged: true, so there is no fix here.
            continue
        value = ctx.get("allowPrivilegeEscalation")
        if value is False:
            sys_admin = _sys_admin_index(ctx)
            if sys_admin is not None:
                # Kubernetes treats escalation as allowed whenever CAP_SYS_ADMIN is granted.
                yield Violation(
                    container.field_path("securityContext", "capabilities", "add", sys_admin),
                    f'container "{container.name}" adds SYS_ADMIN, which always allows privilege '
                    "escalation despite allowPrivilegeEscalation: false",
                )
            continue
        if value is None and resource.origin.patch:
            continue  # a patch that leaves the field out leaves its base's value
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
