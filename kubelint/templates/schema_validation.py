"""Validate each object against the Kubernetes OpenAPI schema of the target version."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kubelint.crd import CustomSchemas
from kubelint.kubeschema import Check, Unknown, problems, schema_set
from kubelint.kubeversion import supported
from kubelint.model import JsonPath, Resource, Severity, Violation, format_path
from kubelint.podspec import describe
from kubelint.selectors import label_value_paths
from kubelint.template import Params, ResourceCheck, Template

_ARTICLE = {
    "integer": "an integer",
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "boolean": "a boolean (true or false)",
    "number": "a number",
}
# Keys that make a document a strategic-merge or JSON patch (kustomize), not a whole object.
_PATCH_KEYS = ("$patch", "$setElementOrder", "$retainKeys", "$deleteFromPrimitiveList")


def _expected(types: tuple[str, ...]) -> str:
    names = [_ARTICLE.get(t, t) for t in types]
    return " or ".join(names) if names else "something else"


def _got(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {describe(value)}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value:g}"
    if isinstance(value, str):
        return f'the string "{value}"'
    return describe(value)


def _value_at(obj: Any, path: JsonPath) -> Any:
    current = obj
    for key in path:
        current = current[key]  # the path came from walking obj itself
    return current


def _message(obj: Any, path: JsonPath, problem: str, detail: Any, judge: str) -> str:
    where = format_path(path)
    if problem == "unknown":
        parent = format_path(path[:-1]) or "the object"
        return f'unknown field "{detail}" in {parent} ({judge} rejects it)'
    if problem == "type":
        text = f"{where} must be {_expected(detail)}, got {_got(_value_at(obj, path))}"
    elif problem == "required":
        text = f"{where} is required"
    elif problem == "enum":
        allowed = ", ".join(str(v) for v in detail)
        text = f"{where} must be one of {allowed}, got {_got(_value_at(obj, path))}"
    else:
        text = f"{where} is invalid"
    # A custom resource is judged by its own schema: say whose, not Kubernetes'.
    return text if judge.startswith("Kubernetes") else f"{text} ({judge} rejects it)"


def _left_to_other_rules(resource: Resource) -> Callable[[JsonPath], bool]:
    """Return a test for values whose own rules report them, once (labels, selectors, env)."""
    labels: set[JsonPath] | None = None

    def test(path: JsonPath) -> bool:
        nonlocal labels
        if len(path) >= 3 and path[-1] == "value" and path[-3] == "env":
            return True  # env-value-type
        if labels is None:
            labels = label_value_paths(resource)
        return path in labels  # label-syntax

    return test


def _selector_path(path: JsonPath) -> bool:
    """Return True for a workload's selector, which a kustomization's labels can fill in."""
    return path[:2] == ("spec", "selector")


def _is_patch(obj: dict[str, Any]) -> bool:
    stack: list[Any] = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(k in node for k in _PATCH_KEYS):
                return True
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


def make(params: Params) -> ResourceCheck:
    """Build the check for one run: the version's schemas and the kinds already reported."""
    version = _version(params)
    strict = params.get("strict", True) is not False

    said = False

    def check(resource: Resource, _: Params) -> Iterator[Violation]:
        nonlocal said
        schemas = schema_set(version) if version in supported() else None
        if schemas is None:
            if not said:
                said = True
                yield _no_schemas(version)
            return
        checker = schemas.checker(resource.api_version, resource.kind)
        if isinstance(checker, Unknown):
            return  # custom resources wait for the CRDs of the whole run (check_set)
        yield from _violations(resource, checker, f"Kubernetes {version}", strict)

    return check


def _violations(
    resource: Resource, checker: Check, judge: str, strict: bool
) -> Iterator[Violation]:
    """Yield the schema's problems as violations; `judge` names who rejects the object."""
    found = list(problems(checker, resource.obj))
    # Walking for patch directives costs as much as validating; do it only when it matters.
    if not found or _is_patch(resource.obj):
        return
    left = _left_to_other_rules(resource)
    origin = resource.origin
    for path, problem, detail in found:
        if problem == "unknown" and not strict:
            continue
        if problem == "required" and (
            origin.patch or (origin.selector_labels and _selector_path(path))
        ):
            continue  # a patch leaves out what its base has; kustomize writes the selector
        if problem == "type" and left(path):
            continue
        yield Violation(path, _message(resource.obj, path, problem, detail, judge), sub_id=problem)


def _no_schemas(version: str) -> Violation:
    """Say once per run that there is no bundled schema for the target version."""
    versions = supported()
    bundled = f"{versions[0]} to {versions[-1]}" if versions else "none"
    return Violation(
        ("apiVersion",),
        f"no bundled Kubernetes {version} schema (bundled: {bundled}): no object is validated "
        "against the API schema in this run; the other rules still check this version",
        sub_id="no-version-schema",
        severity=Severity.INFO,
    )


def _version(params: Params) -> str:
    return str(params.get("kube_version") or (supported() or ("",))[-1])


def keep(resource: Resource, params: Params) -> bool:
    """Keep CRDs and objects of kinds the Kubernetes schemas do not know (custom resources)."""
    if resource.kind == "CustomResourceDefinition":
        return True
    schemas = schema_set(_version(params))
    if schemas is None:
        return False
    found = schemas.checker(resource.api_version, resource.kind)
    # A Kubernetes group without this version is the removed-api rule's business.
    return isinstance(found, Unknown) and not found.known_group and not _is_patch(resource.obj)


def check_custom(
    resources: Sequence[Resource], params: Params
) -> Iterator[tuple[Resource, Violation]]:
    """Validate custom resources against CRDs from the run and from --schema-dir."""
    version = _version(params)
    strict = params.get("strict", True) is not False
    custom = CustomSchemas(strict)
    for directory in params.get("schema_dirs") or ():
        custom.add_directory(Path(directory))
    custom.add_crds(resources)
    # One "no schema" note per kind, on its first object in file order (not argument order).
    unknown: dict[tuple[str, str], Resource] = {}
    for resource in resources:
        if resource.kind == "CustomResourceDefinition":
            continue
        found = custom.get(resource.api_version, resource.kind)
        if found is not None:
            checker, judge = found
            for violation in _violations(resource, checker, judge, strict):
                yield resource, violation
            continue
        key = (resource.api_version, resource.kind)
        first = unknown.get(key)
        if first is None or (resource.file, resource.document) < (first.file, first.document):
            unknown[key] = resource
    for (api_version, kind), resource in unknown.items():
        if custom.is_rejected(api_version, kind):
            why = (
                "its CustomResourceDefinition has a malformed schema, which the API server "
                "rejects; see the findings on it"
            )
        else:
            why = "add its CustomResourceDefinition to the linted files or to --schema-dir"
        yield (
            resource,
            Violation(
                ("kind",),
                f"no schema for {api_version} {kind} in Kubernetes {version}: objects of this "
                f"kind are not validated ({why})",
                sub_id="no-schema",
                severity=Severity.INFO,
            ),
        )


TEMPLATES = [
    Template(
        name="schema-validation",
        description="Objects must match the Kubernetes OpenAPI schema of the target version.",
        make=make,
        check_set=check_custom,
        keep=keep,
        needs=frozenset({"kube_version", "schema_dirs"}),
        parameters={
            "type": "object",
            "properties": {"strict": {"type": "boolean"}},
            "additionalProperties": False,
        },
    )
]
