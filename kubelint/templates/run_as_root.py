"""Containers must not run as root, judged on effective (container over pod) settings."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers
from kubelint.template import Params, Template


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation when a container's effective user may be root."""
    for container in all_containers(resource):
        user, user_path = container.effective("runAsUser")
        non_root, non_root_path = container.effective("runAsNonRoot")
        name = container.name
        if _is_int(user) and user == 0 and user_path is not None:
            yield Violation(user_path, f'container "{name}" runs as root (runAsUser is 0)')
        elif non_root is False and non_root_path is not None:
            yield Violation(non_root_path, f'container "{name}" sets runAsNonRoot to false')
        elif non_root is not True and not (_is_int(user) and user != 0):
            yield Violation(
                container.field_path("securityContext", "runAsNonRoot"),
                f'container "{name}" may run as root: set runAsNonRoot to true or a non-zero '
                "runAsUser (in the container or the pod securityContext)",
            )


TEMPLATES = [
    Template(
        name="run-as-root",
        whole_object=True,
        description="Containers must not run as root.",
        check=check,
        kinds=POD_KINDS,
    )
]
