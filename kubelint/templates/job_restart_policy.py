"""A Job's pods must not restart Always: the API server rejects the default for Jobs."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import describe, pod_specs
from kubelint.template import Params, Template

_ALLOWED = ("OnFailure", "Never")


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a Job's or CronJob's pod spec whose restartPolicy is missing or not allowed."""
    owner = "this CronJob's Jobs" if resource.kind == "CronJob" else "a Job"
    for pod in pod_specs(resource):
        if "restartPolicy" not in pod.spec or pod.spec["restartPolicy"] in (None, ""):
            yield Violation(
                pod.path,
                "the pod template sets no restartPolicy, so Kubernetes defaults it to Always, "
                f"which the API server rejects for {owner}: add restartPolicy: Never (or "
                "OnFailure to retry in the same pod)",
                sub_id="missing",
            )
            continue
        value = pod.spec["restartPolicy"]
        if value in _ALLOWED:
            continue
        hint = ""
        if isinstance(value, str):
            fixed = {p.lower(): p for p in _ALLOWED}.get(value.lower())
            if fixed is not None:
                hint = f' (values are case-sensitive: write "{fixed}")'
        yield Violation(
            (*pod.path, "restartPolicy"),
            f"restartPolicy is {describe(value)}{hint}; the API server accepts only OnFailure or "
            f"Never for {owner}: set restartPolicy to Never (or OnFailure to retry in the same "
            "pod)",
            sub_id="value",
        )


TEMPLATES = [
    Template(
        name="job-restart-policy",
        whole_object=True,
        description="A Job's pod template must set restartPolicy to OnFailure or Never.",
        check=check,
        kinds=frozenset({"Job", "CronJob"}),
    )
]
