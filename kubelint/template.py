"""The template contract: code that rule definitions instantiate with parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubelint.model import Resource, Violation

Params = Mapping[str, Any]
ResourceCheck = Callable[[Resource, Params], Iterable[Violation]]
SetCheck = Callable[[Sequence[Resource], Params], Iterable[tuple[Resource, Violation]]]


@dataclass(frozen=True)
class Template:
    """A named check: per resource (`check`) or over the whole resource set (`check_set`)."""

    name: str
    description: str
    check: ResourceCheck | None = None
    check_set: SetCheck | None = None
    # JSON Schema (an object schema) for the parameters this template accepts.
    parameters: Mapping[str, Any] = field(
        default_factory=lambda: {"type": "object", "additionalProperties": False}
    )
    # Kinds a cross-resource template needs to see; the engine keeps only these for it.
    set_kinds: frozenset[str] = frozenset()
    # Kinds the template can report on at all, used when a rule names no kinds (None: any).
    kinds: frozenset[str] | None = None
    # Run-wide settings the template reads from its params, filled in by the engine
    # (for example "kube_version": the target Kubernetes version as "MAJOR.MINOR").
    needs: frozenset[str] = frozenset()
    # Builds a fresh check for one run from the params, for templates that keep state
    # within a run (caches, "report once per kind"); used instead of `check` when set.
    make: Callable[[Params], ResourceCheck] | None = None
    # For cross-resource templates: which resources to keep for `check_set` (called with the
    # resource and params=...); None keeps the `set_kinds`.
    keep: Callable[..., bool] | None = None
    # The check judges what an object leaves out (a missing probe, an unset securityContext
    # field), so it needs the whole object: it does not run on kustomize patches.
    whole_object: bool = False

    @property
    def is_set(self) -> bool:
        """Return True for cross-resource templates."""
        return self.check_set is not None
