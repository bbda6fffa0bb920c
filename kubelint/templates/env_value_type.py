"""Environment variable values must be strings after Kubernetes' YAML decoding."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers, as_list, describe
from kubelint.scalars import format_go_float
from kubelint.template import Params, Template


def _quoted(value: object) -> str:
    """Return the string the author most likely meant, as they would quote it."""
    if isinstance(value, bool):
        return '"true"' if value else '"false"'
    if isinstance(value, float):
        return f'"{format_go_float(value)}"'
    return f'"{value}"'


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation for each env value that is a number, boolean, list or mapping."""
    for container in all_containers(resource):
        for index, entry in enumerate(as_list(container.data.get("env"))):
            if not isinstance(entry, dict) or "value" not in entry:
                continue
            value = entry["value"]
            if value is None or isinstance(value, str):
                continue
            name = entry.get("name") if isinstance(entry.get("name"), str) else f"env[{index}]"
            if isinstance(value, (dict, list)):
                hint = "write the value as a string"
            else:
                hint = f"quote it: {_quoted(value)}"
            yield Violation(
                container.field_path("env", index, "value"),
                f'env {name} of container "{container.name}" is {describe(value)} after YAML '
                f"decoding, not a string; the API server rejects it: {hint}",
            )


TEMPLATES = [
    Template(
        name="env-value-type",
        description="env[].value must be a string after YAML decoding.",
        check=check,
        kinds=POD_KINDS,
    )
]
