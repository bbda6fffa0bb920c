"""Resource requests and limits must be valid quantities, and requests must not exceed limits."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from kubelint.model import JsonPath, Resource, Violation
from kubelint.podspec import POD_KINDS, all_containers, as_dict, pod_specs
from kubelint.template import Params, Template

_QUANTITY = re.compile(
    r"(?P<sign>[+-]?)(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?\Z"
)
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
# Suffixes people write that Kubernetes does not accept, and what they meant.
_MEANT = {
    "mi": "Mi",
    "gi": "Gi",
    "ki": "Ki",
    "ti": "Ti",
    "KI": "Ki",
    "MI": "Mi",
    "GI": "Gi",
    "K": "k (1000) or Ki (1024)",
    "Kb": "k or Ki",
    "KB": "k or Ki",
    "kb": "k or Ki",
    "kB": "k or Ki",
    "Mb": "M or Mi",
    "MB": "M or Mi",
    "mb": "M or Mi",
    "Gb": "G or Gi",
    "GB": "G or Gi",
    "gb": "G or Gi",
    "g": "G or Gi",
    "Tb": "T or Ti",
    "TB": "T or Ti",
    "MiB": "Mi",
    "GiB": "Gi",
    "KiB": "Ki",
    "TiB": "Ti",
}
_TAIL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?P<suffix>.*)\Z")


def parse_quantity(value: Any) -> Fraction | str:
    """Return a quantity's exact value, or why Kubernetes rejects it."""
    if isinstance(value, bool) or value is None:
        return "is not a quantity"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return "is not a finite number"
        # Kubernetes reads the number as written (JSON), so 0.1 is exactly one tenth.
        return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if not isinstance(value, str):
        return "is not a quantity"
    match = _QUANTITY.match(value)
    if match is None:
        return _explain(value)
    digits, shift = _significant(match.group("number"))
    sign = -1 if match.group("sign") == "-" else 1
    suffix = match.group("suffix") or ""
    factor = 1
    if suffix in _BINARY:
        factor = 1 << (10 * _BINARY[suffix])
    elif suffix in _DECIMAL:
        shift += _DECIMAL[suffix]
    else:
        exponent = suffix[1:].lstrip("+-").lstrip("0")
        if len(exponent) > 18:  # Go's ParseInt(…, 10, 64) refuses it: the API server too
            return "has an exponent out of range"
        shift += int(suffix[1:])
    shift = max(-_MAX_EXPONENT, min(_MAX_EXPONENT, shift))
    return sign * Fraction(int(digits)) * factor * Fraction(10) ** shift


# Bounds on the work per quantity: the power of ten is clamped to ±400 and only the first 60
# significant digits of a mantissa count. Two values past a bound may compare equal (a request
# above its limit goes unreported then); no request or limit a person writes comes near.
_MAX_EXPONENT = 400
_MAX_DIGITS = 60


def _significant(number: str) -> tuple[str, int]:
    """Return a mantissa's leading digits (at most _MAX_DIGITS) and the power of ten they lack."""
    whole, _, fraction = number.partition(".")
    digits = (whole + fraction).lstrip("0")
    shift = -len(fraction)
    if len(digits) > _MAX_DIGITS:
        shift += len(digits) - _MAX_DIGITS
        digits = digits[:_MAX_DIGITS]
    return digits or "0", shift


def _explain(text: str) -> str:
    if not text.strip():
        return "is empty"
    if any(c.isspace() for c in text):
        return "contains spaces; write the number and its unit together, as in 512Mi"
    tail = _TAIL.match(text)
    if tail is None:
        return "does not start with a number; write a quantity such as 500m or 512Mi"
    suffix = tail.group("suffix")
    if suffix.startswith("."):
        return "has more than one decimal point"
    meant = _MEANT.get(suffix)
    if meant is not None:
        return f'has the unit "{suffix}", which Kubernetes does not know; write {meant}'
    return (
        f'has the unit "{suffix}", which Kubernetes does not know; use Ki, Mi, Gi, Ti, Pi, Ei '
        "(powers of 1024), m (thousandths), k, M, G, T, P, E (powers of 1000) or no unit"
    )


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return str(value)


def _section(owner: str, base: JsonPath, resources: Any) -> Iterator[Violation]:
    res = as_dict(resources)
    parsed: dict[str, dict[str, Fraction]] = {"requests": {}, "limits": {}}
    for section in ("requests", "limits"):
        for name, value in as_dict(res.get(section)).items():
            path = (*base, section, name)
            amount = parse_quantity(value)
            if isinstance(amount, str):
                yield Violation(
                    path,
                    f"{owner}: the {name} {section[:-1]} {_show(value)} {amount}",
                    sub_id=f"{section}.{name}",
                )
            elif amount < 0:
                yield Violation(
                    path,
                    f"{owner}: the {name} {section[:-1]} {_show(value)} is negative; requests "
                    "and limits must be zero or more",
                    sub_id=f"{section}.{name}",
                )
            else:
                parsed[section][name] = amount
    for name, request in parsed["requests"].items():
        limit = parsed["limits"].get(name)
        if limit is not None and request > limit:
            requests = as_dict(res.get("requests"))
            limits = as_dict(res.get("limits"))
            yield Violation(
                (*base, "requests", name),
                f"{owner}: the {name} request {_show(requests[name])} is above its limit "
                f"{_show(limits[name])}, which the API server rejects: lower the request or "
                "raise the limit",
                sub_id=f"request-over-limit.{name}",
            )


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield invalid quantities and requests above limits in containers and pod resources."""
    for pod in pod_specs(resource):
        if "resources" in pod.spec:
            yield from _section("the pod", (*pod.path, "resources"), pod.spec["resources"])
    for container in all_containers(resource):
        owner = f'container "{container.name}"'
        yield from _section(
            owner, container.field_path("resources"), container.data.get("resources")
        )


TEMPLATES = [
    Template(
        name="resource-quantity",
        description="Requests and limits must be valid quantities, each request within its limit.",
        check=check,
        kinds=POD_KINDS,
    )
]
