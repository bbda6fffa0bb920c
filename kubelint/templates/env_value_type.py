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


def _as_written(text: str | None) -> str | None:
    """Return the value's source text when it can be quoted as it is, else None."""
    if not text or any(c in text for c in "\"'\\!&*#") or text != text.strip():
        return None
    return text


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
            path = container.field_path("env", index, "value")
            # Quote what the author wrote (`0755`, `1.10`, `on`), not what YAML made of it.
            written = (
                None if isinstance(value, (dict, list)) else _as_written(resource.written(path))
            )
            if isinstance(value, (dict, list)):
                hint = "write the value as a string"
            else:
                hint = f'quote it: "{written}"' if written else f"quote it: {_quoted(value)}"
            if resource.is_json:
                what = "boolean" if isinstance(value, bool) else "number"
                shown = "a list" if isinstance(value, list) else "a mapping"
                kind = (
                    shown
                    if isinstance(value, (dict, list))
                    else f"the JSON {what} {written or describe(value)}"
                )
                message = (
                    f'env {name} of container "{container.name}" is {kind}, not a string; '
                    f"the API server rejects it: {hint.replace('quote it', 'write it as a string')}"
                )
            else:
                note = f" (written {written})" if written and written != describe(value) else ""
                message = (
                    f'env {name} of container "{container.name}" is {describe(value)} after '
                    f"YAML decoding{note}, not a string; the API server rejects it: {hint}"
                )
            yield Violation(path, message)


TEMPLATES = [
    Template(
        name="env-value-type",
        description="env[].value must be a string after YAML decoding.",
        check=check,
        kinds=POD_KINDS,
    )
]
