"""Long-running containers should declare a probe."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers
from kubelint.template import Params, Template

_REGULAR = frozenset({"regular"})
_WHY = {
    "livenessProbe": "Kubernetes cannot restart it when it hangs",
    "readinessProbe": "Services and rollouts count it ready as soon as it starts",
    "startupProbe": "slow starts are judged by the liveness probe alone",
}


# A Pod that is not restarted runs to completion, like a Job's: probes are for servers.
_ONE_SHOT = frozenset({"Never", "OnFailure"})


def _one_shot(resource: Resource) -> bool:
    """Return whether `resource` is a bare Pod that runs to completion."""
    spec = resource.obj.get("spec")
    if resource.kind != "Pod" or not isinstance(spec, dict):
        return False
    # A restartPolicy of the wrong type (a mapping, a list) is unhashable: testing it against
    # the frozenset raised TypeError, an internal error that hid the probe findings.
    policy = spec.get("restartPolicy")
    return isinstance(policy, str) and policy in _ONE_SHOT


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield one violation per regular container without the probe named in `probe`."""
    probe = str(params["probe"])
    if _one_shot(resource):
        return
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
