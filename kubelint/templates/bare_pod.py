"""Pods should be managed by a controller."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import as_dict, as_list
from kubelint.template import Params, Template


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation for a Pod without a controlling owner reference."""
    if resource.kind != "Pod":
        return
    owners = as_list(as_dict(resource.obj.get("metadata")).get("ownerReferences"))
    if any(isinstance(o, dict) and o.get("controller") is True for o in owners):
        return
    name = resource.name or "<unnamed>"
    policy = as_dict(resource.obj.get("spec")).get("restartPolicy")
    if policy in ("Never", "OnFailure"):
        # A Pod that runs to completion wants a Job, which retries it on another node.
        message = (
            f'Pod "{name}" runs to completion without a controller: it is not retried on '
            "another node when its node fails; a Job would do that"
        )
    else:
        message = (
            f'Pod "{name}" is not managed by a controller: it is not rescheduled when its '
            "node fails"
        )
    yield Violation(("kind",), message)


TEMPLATES = [
    Template(
        name="bare-pod",
        whole_object=True,
        description="Pods must be managed by a controller.",
        check=check,
        kinds=frozenset({"Pod"}),
    )
]
