"""Label keys and values, in metadata and in selectors, as the API server validates them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kubelint.model import JsonPath, Resource, Violation
from kubelint.podspec import as_dict, as_list, describe
from kubelint.selectors import Selector, label_maps, selectors
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


_LABEL_OPERATORS = {"In": True, "NotIn": True, "Exists": False, "DoesNotExist": False}
_NODE_OPERATORS = {**_LABEL_OPERATORS, "Gt": True, "Lt": True}


def _requirements(selector: Selector) -> Iterator[Violation]:
    """Judge `matchExpressions` as the API server does, by the kind of selector."""
    node = as_dict(selector.value)
    base = (*selector.path, "matchExpressions")
    for i, item in enumerate(as_list(node.get("matchExpressions"))):
        if not isinstance(item, dict):
            continue
        key = item.get("key")
        if isinstance(key, str):
            problem = key_problem(key)
            if problem:
                yield Violation(
                    (*base, i, "key"), f'selector key "{key}" is invalid: {problem}', at_value=True
                )
        yield from _operator(item, (*base, i), selector.node)


def _operator(item: dict[str, Any], path: JsonPath, node: bool) -> Iterator[Violation]:
    operator = item.get("operator")
    values = item.get("values")
    count = len(values) if isinstance(values, list) else 0
    operators = _NODE_OPERATORS if node else _LABEL_OPERATORS
    if not isinstance(operator, str) or operator not in operators:
        if isinstance(operator, str):
            allowed = ", ".join(operators)
            yield Violation(
                (*path, "operator"),
                f'selector operator "{operator}" is not one of {allowed}',
                at_value=True,
            )
        return
    if operator in ("Gt", "Lt"):
        if count != 1:
            yield Violation(
                (*path, "values") if count else path,
                f"operator {operator} takes exactly one value, got {count}",
            )
        elif isinstance(values, list) and not _is_integer(values[0]):
            yield Violation(
                (*path, "values", 0),
                f"operator {operator} compares integers: {describe(values[0])} is not one, "
                "so this requirement never matches",
            )
        return
    if operators[operator] and not count:
        yield Violation(
            (*path, "values") if isinstance(values, list) else path,
            f"operator {operator} needs at least one value",
        )
    elif not operators[operator] and count:
        yield Violation((*path, "values"), f"operator {operator} takes no values")
    elif not node and isinstance(values, list):
        # Label selector values are label values; node selector values are not.
        for j, value in enumerate(values):
            problem = value_problem(value)
            if problem:
                yield Violation((*path, "values", j), f"selector value is invalid: {problem}")


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and re.fullmatch(r"[-+]?[0-9]+", value) is not None


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield every invalid label key or value where the API has labels and label selectors."""
    for labels in label_maps(resource):
        yield from _label_map(labels.value, labels.path, labels.what)
    for selector in selectors(resource):
        yield from _requirements(selector)


TEMPLATES = [
    Template(
        name="label-syntax",
        description="Label keys and values must pass the API server's validation.",
        check=check,
    )
]
