"""Run a rule written as a JSON Schema assertion against objects, pod specs or containers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubelint.model import JsonPath, Resource, Violation
from kubelint.podspec import all_containers, pod_specs
from kubelint.ruledef import SchemaCheck
from kubelint.template import Params, ResourceCheck


def _targets(resource: Resource, target: str) -> Iterator[tuple[JsonPath, Any, str]]:
    if target == "object":
        yield (), resource.obj, resource.ref.describe()
    elif target == "pod-spec":
        for pod in pod_specs(resource):
            yield pod.path, pod.spec, "the pod spec"
    else:
        for container in all_containers(resource):
            yield container.path, container.data, f'container "{container.name}"'


def schema_checker(check: SchemaCheck) -> ResourceCheck:
    """Return a resource check that validates each target and reports every schema error."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(dict(check.schema))

    def run(resource: Resource, params: Params) -> Iterator[Violation]:
        for base, instance, label in _targets(resource, check.target):
            errors = sorted(
                validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))
            )
            for error in errors:
                path = (*base, *error.absolute_path)
                detail = error.message
                message = check.message.format(target=label, detail=detail)
                yield Violation(tuple(path), message)

    return run
