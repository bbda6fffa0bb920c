"""Label keys and values, in metadata and in selectors, as the API server validates them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kubelint.model import JsonPath, Resource, Violation
from kubelint.podspec import describe
from kubelint.template import Params, Template

_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN = re.compile(rf"{_DNS_LABEL}(\.{_DNS_LABEL})*\Z")
NAME_MAX = 63
PREFIX_MAX = 253
_NAME_HELP = (
    "alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character"
)


def key_problem(key: str) -> str | None:
    """Return why `key` is not a valid label key (qualified name), or None."""
    prefix, slash, name = key.rpartition("/")
    if slash:
        if "/" in prefix:
            return "a key may contain at most one '/'"
        if not prefix:
            return "the prefix before '/' must not be empty"
        if len(prefix) > PREFIX_MAX:
            return f"the prefix is {len(prefix)} characters, more than {PREFIX_MAX}"
        if not _DNS_SUBDOMAIN.match(prefix):
            return (
                f'the prefix "{prefix}" must be a DNS subdomain: lower-case alphanumeric '
                "characters, '-' or '.', starting and ending with an alphanumeric character"
            )
    if not name:
        return "the name part must not be empty"
    if len(name) > NAME_MAX:
        return f"the name part is {len(name)} characters, more than {NAME_MAX}"
    if not _NAME.match(name):
        return f'the name "{name}" must consist of {_NAME_HELP}'
    return None


def value_problem(value: Any) -> str | None:
    """Return why `value` (as decoded) is not a valid label value, or None."""
    if value is None:
        return None  # An empty value: `app:` decodes to an empty string for a string map.
    if not isinstance(value, str):
        return (
            f"the value {describe(value)} is not a string after YAML decoding "
            f"(Kubernetes reads YAML 1.1); quote it"
        )
    if value == "":
        return None
    if len(value) > NAME_MAX:
        return f"the value is {len(value)} characters, more than {NAME_MAX}"
    if not _NAME.match(value):
        return f'the value "{value}" must be empty or consist of {_NAME_HELP}'
    return None


def _label_map(labels: Any, path: JsonPath, what: str) -> Iterator[Violation]:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        problem = key_problem(key)
        if problem:
            yield Violation((*path, key), f'{what} key "{key}" is invalid: {problem}')
        problem = value_problem(value)
        if problem:
            yield Violation((*path, key), f'{what} "{key}" has an invalid value: {problem}')


def _expressions(items: Any, path: JsonPath) -> Iterator[Violation]:
    if not isinstance(items, list):
        return
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        key = item.get("key")
        if isinstance(key, str):
            problem = key_problem(key)
            if problem:
                yield Violation(
                    (*path, i, "key"), f'selector key "{key}" is invalid: {problem}', at_value=True
                )
        values = item.get("values")
        if isinstance(values, list):
            for j, value in enumerate(values):
                problem = value_problem(value)
                if problem:
                    yield Violation(
                        (*path, i, "values", j), f"selector value is invalid: {problem}"
                    )


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield every invalid label key or value in metadata, selectors and node selectors."""
    plain_selector = resource.kind in ("Service", "ReplicationController")
    stack: list[tuple[JsonPath, Any]] = [((), resource.obj)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                child = (*path, key)
                if key == "labels" and path and path[-1] == "metadata":
                    yield from _label_map(value, child, "label")
                elif key == "matchLabels":
                    yield from _label_map(value, child, "selector label")
                elif key == "nodeSelector" and isinstance(value, dict):
                    yield from _label_map(value, child, "node selector label")
                elif key == "selector" and plain_selector and path == ("spec",):
                    yield from _label_map(value, child, "selector label")
                elif key == "matchExpressions":
                    yield from _expressions(value, child)
                elif isinstance(value, (dict, list)):
                    stack.append((child, value))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, (dict, list)):
                    stack.append(((*path, i), value))


TEMPLATES = [
    Template(
        name="label-syntax",
        description="Label keys and values must pass the API server's validation.",
        check=check,
    )
]
