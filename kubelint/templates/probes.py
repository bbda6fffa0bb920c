"""Long-running containers should declare a probe."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers
from kubelint.template import Params, Template

_REGULAR = frozenset({"regular"})
_WHY = {
    "livenessProbe": "Kubernetes cannot restart it when it hangs",
    "readinessProbe": "Kubernetes sends it traffic before it is ready",
    "startupProbe": "slow starts are judged by the liveness probe alone",
}


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield one violation per regular container without the probe named in `probe`."""
    probe = str(params["probe"])
    for container in all_containers(resource, _REGULAR):
        if container.data.get(probe) is None:
            why = _WHY.get(probe, "")
            yield Violation(
                container.field_path(probe),
                f'container "{container.name}" has no {probe}' + (f": {why}" if why else ""),
            )


TEMPLATES = [
    Template(
        name="container-probe",
        whole_object=True,
        description="Each regular container must declare the given probe.",
        check=check,
        kinds=POD_KINDS,
        parameters={
            "type": "object",
            "properties": {"probe": {"enum": ["livenessProbe", "readinessProbe", "startupProbe"]}},
            "required": ["probe"],
            "additionalProperties": False,
        },
    )
]
