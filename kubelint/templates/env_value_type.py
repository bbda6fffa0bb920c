"""Environment variable values must be strings after Kubernetes' YAML decoding."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.model import Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers, as_list
from kubelint.template import Params, Template


def _kind(value: object) -> str:
    """Return what YAML made of a value, without the value: env values may be secret."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    return "a list" if isinstance(value, list) else "a mapping"


def _why(value: object, written: str | None) -> str:
    """Return why YAML decoded the text so, when the spelling explains it."""
    if isinstance(value, bool):
        return " (YAML 1.1 reads yes, no, on, off, y and n as booleans)"
    text = (written or "").lstrip("+-")
    if isinstance(value, int) and len(text) > 1 and text[0] == "0" and text.isdigit():
        return " (a leading 0 makes it octal)"
    return ""


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
            structured = isinstance(value, (dict, list))
            # The value itself is never printed (an env value is where tokens end up); the
            # hint says what to do with the text the author wrote.
            if resource.is_json:
                kind = (
                    _kind(value)
                    if structured
                    else ("a JSON boolean" if isinstance(value, bool) else "a JSON number")
                )
                message = (
                    f'env {name} of container "{container.name}" is {kind}, not a string; '
                    "the API server rejects it: write the value as a string"
                )
            else:
                hint = (
                    "write the value as a string"
                    if structured
                    else "put the value in quotes, as written"
                )
                why = "" if structured else _why(value, resource.written(path))
                message = (
                    f'env {name} of container "{container.name}" is {_kind(value)} after '
                    f"YAML decoding{why}, not a string; the API server rejects it: {hint}"
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
