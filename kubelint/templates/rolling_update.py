"""Rolling update settings of Deployments and DaemonSets, resolved as Kubernetes resolves them."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kubelint.model import JsonPath, Resource, Severity, Violation
from kubelint.podspec import as_dict, describe
from kubelint.template import Params, Template

_PERCENT = re.compile(r"([0-9]+)%\Z")
# Defaults by (kind, apiVersion); apps/* Deployments default to 25%/25%.
_DEPLOYMENT_LEGACY_DEFAULTS = {"extensions/v1beta1": (1, 1)}


@dataclass(frozen=True)
class _Setting:
    name: str
    value: Any  # validated by _invalid() before it is resolved
    explicit: bool
    path: JsonPath

    @property
    def percent(self) -> int | None:
        if isinstance(self.value, str):
            match = _PERCENT.match(self.value)
            return int(match.group(1)) if match else None
        return None

    def literal_zero(self) -> bool:
        return self.value == 0 or self.percent == 0

    def resolve(self, replicas: int, round_up: bool) -> int:
        """Scale a percentage against replicas: surge rounds up, unavailable rounds down."""
        percent = self.percent
        if percent is None:
            assert isinstance(self.value, int)
            return self.value
        scaled = percent * replicas / 100
        return math.ceil(scaled) if round_up else math.floor(scaled)


def _invalid(setting_value: Any) -> str | None:
    if isinstance(setting_value, bool) or not isinstance(setting_value, (int, str)):
        return f'is {describe(setting_value)}; it must be an integer or a percentage such as "25%"'
    if isinstance(setting_value, int):
        return "must not be negative" if setting_value < 0 else None
    if _PERCENT.match(setting_value):
        return None
    if setting_value.isdigit():
        return (
            f'is the string "{setting_value}", which Kubernetes rejects; write {setting_value} '
            f'(a number) or "{setting_value}%"'
        )
    return f'is "{setting_value}"; it must be an integer or a percentage such as "25%"'


def _settings(
    resource: Resource, base: JsonPath, block: dict[str, Any]
) -> tuple[_Setting, _Setting]:
    if resource.kind == "DaemonSet":
        surge_default: int | str = 0
        unavailable_default: int | str = 1
    else:
        surge_default, unavailable_default = _DEPLOYMENT_LEGACY_DEFAULTS.get(
            resource.api_version, ("25%", "25%")
        )
    out = []
    for name, default in (("maxSurge", surge_default), ("maxUnavailable", unavailable_default)):
        value = block.get(name)
        explicit = value is not None
        out.append(_Setting(name, value if explicit else default, explicit, (*base, name)))
    return out[0], out[1]


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield rejected or risky rolling update settings."""
    field = {"Deployment": "strategy", "DaemonSet": "updateStrategy"}.get(resource.kind)
    if field is None:
        return
    spec = as_dict(resource.obj.get("spec"))
    strategy = spec.get(field)
    if strategy is not None and not isinstance(strategy, dict):
        return
    strategy = strategy or {}
    # An absent, null or empty type is defaulted to RollingUpdate by the API server.
    kind = strategy.get("type") or "RollingUpdate"
    block_path: JsonPath = ("spec", field, "rollingUpdate")
    if (
        resource.kind == "Deployment"
        and kind == "Recreate"
        and strategy.get("rollingUpdate") is not None
    ):
        yield Violation(
            block_path,
            "rollingUpdate is not allowed when the strategy type is Recreate; the API server "
            "rejects this Deployment",
        )
        return
    if kind != "RollingUpdate":
        return
    block = strategy.get("rollingUpdate")
    if block is not None and not isinstance(block, dict):
        return
    surge, unavailable = _settings(resource, block_path, block or {})
    yield from _rejected(resource, surge, unavailable)
    if any(_invalid(s.value) for s in (surge, unavailable) if s.explicit):
        return
    if any(
        s.percent is not None and s.percent > 100 for s in _limited(resource, surge, unavailable)
    ):
        return
    if surge.literal_zero() and unavailable.literal_zero():
        where = unavailable if unavailable.explicit else surge
        yield Violation(
            where.path,
            "maxSurge and maxUnavailable are both 0: a rollout could never replace a pod, and "
            "the API server rejects this",
            sub_id="both-zero",
        )
        return
    if resource.kind == "DaemonSet" and not surge.literal_zero():
        if not unavailable.literal_zero():
            default = "" if unavailable.explicit else " (it defaults to 1)"
            yield Violation(
                surge.path,
                f"maxSurge {surge.value} may not be set while maxUnavailable is "
                f"{unavailable.value}{default}; the API server rejects a DaemonSet unless exactly "
                "one of them is non-zero: set maxUnavailable to 0",
                sub_id="surge-and-unavailable",
            )
        return
    yield from _availability(resource, spec, surge, unavailable)


def _limited(resource: Resource, surge: _Setting, unavailable: _Setting) -> tuple[_Setting, ...]:
    """Return the settings the API server caps at 100% (a Deployment's maxSurge is not)."""
    return (surge, unavailable) if resource.kind == "DaemonSet" else (unavailable,)


def _rejected(resource: Resource, surge: _Setting, unavailable: _Setting) -> Iterator[Violation]:
    """Yield every per-value validation error, as the API server reports them all at once."""
    for setting in (surge, unavailable):
        problem = _invalid(setting.value) if setting.explicit else None
        if problem:
            yield Violation(setting.path, f"{setting.name} {problem}", sub_id=setting.name)
        elif setting in _limited(resource, surge, unavailable) and (setting.percent or 0) > 100:
            yield Violation(
                setting.path,
                f"{setting.name} is {setting.value}; it must not exceed 100%",
                sub_id=f"{setting.name}-over-100",
            )


def _availability(
    resource: Resource, spec: dict[str, Any], surge: _Setting, unavailable: _Setting
) -> Iterator[Violation]:
    if resource.kind == "DaemonSet":
        if unavailable.percent is not None and unavailable.percent >= 100:
            yield Violation(
                unavailable.path,
                f"maxUnavailable {unavailable.value} lets a rollout take down the pods on every "
                "node at once",
                sub_id="all-down",
                severity=Severity.WARNING,
            )
        return
    replicas = spec.get("replicas", 1)
    if replicas is None:
        replicas = 1
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas <= 0:
        return
    resolved_surge = surge.resolve(replicas, round_up=True)
    resolved_unavailable = unavailable.resolve(replicas, round_up=False)
    where = unavailable if unavailable.explicit else surge if surge.explicit else unavailable
    if resolved_surge == 0 and resolved_unavailable == 0:
        effect = (
            "which takes the only pod down during a rollout"
            if replicas == 1
            else "so one pod at a time goes down during a rollout"
        )
        yield Violation(
            where.path,
            f"with {replicas} replica(s), maxSurge {surge.value} and maxUnavailable "
            f"{unavailable.value} both resolve to 0; Kubernetes then uses maxUnavailable 1, "
            f"{effect}",
            sub_id="resolved-zero",
            severity=Severity.WARNING,
        )
    elif resolved_unavailable >= replicas:
        yield Violation(
            unavailable.path,
            f"maxUnavailable {unavailable.value} resolves to {resolved_unavailable} with "
            f"{replicas} replica(s): a rollout takes every pod down",
            sub_id="all-down",
            severity=Severity.WARNING,
        )


TEMPLATES = [
    Template(
        name="rolling-update",
        whole_object=True,
        description="Rolling update settings must be valid and keep pods available.",
        check=check,
        kinds=frozenset({"Deployment", "DaemonSet"}),
    )
]
