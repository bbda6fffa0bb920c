"""One pod spec under Pod Security evaluation, the control type, and helpers the controls share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kubelint.model import JsonPath, Violation
from kubelint.podspec import Container, PodSpec, as_dict, containers, describe

Version = tuple[int, int]
BASELINE = "baseline"
RESTRICTED = "restricted"
LEVELS = (BASELINE, RESTRICTED)
LATEST = "latest"


@dataclass(frozen=True)
class Pod:
    """One pod spec under evaluation, with its metadata and the resolved policy version."""

    spec: PodSpec
    metadata: dict[str, Any]
    version: Version

    @property
    def path(self) -> JsonPath:
        return self.spec.path

    @property
    def data(self) -> dict[str, Any]:
        return self.spec.spec

    @property
    def security_context(self) -> dict[str, Any]:
        return as_dict(self.data.get("securityContext"))

    @property
    def is_windows(self) -> bool:
        return as_dict(self.data.get("os")).get("name") == "windows"

    @property
    def in_user_namespace(self) -> bool:
        """Return True for `hostUsers: false` (the controller's user-namespace relaxation)."""
        return self.data.get("hostUsers") is False

    def containers(self) -> Iterator[Container]:
        return containers(self.spec)


CheckFn = Callable[[Pod, str], Iterator[Violation]]


@dataclass(frozen=True)
class Control:
    """One control: its level and its revisions, oldest first, each (minimum version, check)."""

    id: str
    level: str
    revisions: tuple[tuple[Version, CheckFn], ...]
    # Baseline controls this (restricted) control replaces while one of its revisions applies.
    overrides: tuple[str, ...] = ()

    def at(self, version: Version) -> CheckFn | None:
        """Return the revision in force at `version`, or None when the control does not apply."""
        chosen = None
        for minimum, fn in self.revisions:
            if minimum <= version:
                chosen = fn
        return chosen


def quoted(container: Container) -> str:
    """Name a container in a message."""
    return f'container "{container.name}"'


def is_int(value: object) -> bool:
    """Return True for an integer that is not a boolean (YAML booleans are ints in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


def show(value: object) -> str:
    """Render a value for a message: strings as written, anything else as kubelint describes it."""
    return value if isinstance(value, str) else describe(value)


def is_one_of(value: object, allowed: frozenset[str]) -> bool:
    """Return True when `value` is one of the allowed strings (any other type never is)."""
    return isinstance(value, str) and value in allowed


def sc_path(container: Container, *keys: str | int) -> JsonPath:
    """Return the path of a field under the container's securityContext."""
    return container.field_path("securityContext", *keys)
