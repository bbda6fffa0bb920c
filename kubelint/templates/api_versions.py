"""Built-in apiVersion/kind pairs that the target Kubernetes version removed or deprecated.

The facts are data, in `api-lifecycle.yaml` next to this module; this module reads the table once
and, for the run's target version (the `kube_version` run parameter), reports objects whose
apiVersion the API server no longer serves (`mode: removed`) or serves with a deprecation warning
(`mode: deprecated`). A pair that is not in the table (every custom resource) is never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kubelint import kubeversion
from kubelint.compose import compose
from kubelint.data import Codec, cached
from kubelint.model import Resource, Violation
from kubelint.template import Params, ResourceCheck, Template

TABLE = Path(__file__).with_name("api-lifecycle.yaml")
REMOVED = "removed"
DEPRECATED = "deprecated"
MODES = (REMOVED, DEPRECATED)
# Used only when no bundled schema tells which Kubernetes release is the newest.
FALLBACK_VERSION = "1.37"

Version = tuple[int, int]

_VERSION = re.compile(r"(\d+)\.(\d+)\Z")
_TARGET = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?\Z")
_MAX_FOLLOW = 8


class LifecycleTableError(ValueError):
    """The bundled table is malformed (a bug in kubelint, caught by its tests)."""


@dataclass(frozen=True)
class Replacement:
    """An apiVersion (and kind, when it changes) to migrate to, and the release serving it."""

    api_version: str
    kind: str | None
    since: Version


@dataclass(frozen=True)
class Lifecycle:
    """When one group/version stopped serving (or deprecated) some of its kinds."""

    api_version: str
    kinds: tuple[str, ...]
    deprecated: Version | None
    removed: Version | None
    replacements: tuple[Replacement, ...]
    note: str | None
    source: str

    def status(self, target: Version) -> str | None:
        """Return "removed", "deprecated" or None for the target version."""
        if self.removed is not None and target >= self.removed:
            return REMOVED
        if self.deprecated is not None and target >= self.deprecated:
            return DEPRECATED
        return None


def show(version: Version) -> str:
    """Return "1.22" for (1, 22)."""
    return f"{version[0]}.{version[1]}"


def parse_target(value: object) -> Version:
    """Return the (major, minor) of a "MAJOR.MINOR" target; None means the newest supported."""
    if value is None:
        versions = kubeversion.supported()
        value = versions[-1] if versions else FALLBACK_VERSION
    match = _TARGET.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"kube_version {value!r}: expected MAJOR.MINOR such as 1.31")
    return int(match[1]), int(match[2])


def _version(raw: object, where: str, *, optional: bool = False) -> Version | None:
    if raw is None and optional:
        return None
    if not isinstance(raw, str) or not (match := _VERSION.match(raw)):
        raise LifecycleTableError(f"{where}: expected a quoted MAJOR.MINOR string, got {raw!r}")
    return int(match[1]), int(match[2])


def _text(raw: object, where: str, *, optional: bool = False) -> str | None:
    if raw is None and optional:
        return None
    if not isinstance(raw, str) or not raw.strip():
        raise LifecycleTableError(f"{where}: expected a non-empty string, got {raw!r}")
    return raw


def _entry(raw: Any, where: str) -> Lifecycle:
    if not isinstance(raw, dict):
        raise LifecycleTableError(f"{where}: expected a mapping")
    allowed = {"apiVersion", "kinds", "deprecated", "removed", "replacements", "note", "source"}
    if unknown := set(raw) - allowed:
        raise LifecycleTableError(f"{where}: unknown keys {sorted(unknown)}")
    api_version = _text(raw.get("apiVersion"), f"{where}.apiVersion")
    kinds = raw.get("kinds")
    if not isinstance(kinds, list) or not kinds:
        raise LifecycleTableError(f"{where}.kinds: expected a non-empty list")
    replacements = []
    raw_replacements = raw.get("replacements")
    if not isinstance(raw_replacements, list):
        raise LifecycleTableError(f"{where}.replacements: expected a list (possibly empty)")
    for i, rep in enumerate(raw_replacements):
        at = f"{where}.replacements[{i}]"
        if not isinstance(rep, dict) or set(rep) - {"apiVersion", "kind", "since"}:
            raise LifecycleTableError(f"{at}: expected apiVersion, since and optional kind")
        since = _version(rep.get("since"), f"{at}.since")
        assert since is not None
        replacements.append(
            Replacement(
                str(_text(rep.get("apiVersion"), f"{at}.apiVersion")),
                _text(rep.get("kind"), f"{at}.kind", optional=True),
                since,
            )
        )
    return Lifecycle(
        api_version=str(api_version),
        kinds=tuple(str(_text(k, f"{where}.kinds")) for k in kinds),
        deprecated=_version(raw.get("deprecated"), f"{where}.deprecated", optional=True),
        removed=_version(raw.get("removed"), f"{where}.removed", optional=True),
        replacements=tuple(replacements),
        note=_text(raw.get("note"), f"{where}.note", optional=True),
        source=str(_text(raw.get("source"), f"{where}.source")),
    )


def _entry_data(entry: Lifecycle) -> dict[str, Any]:
    """Return an entry as the table mapping it was read from."""
    return {
        "apiVersion": entry.api_version,
        "kinds": list(entry.kinds),
        "deprecated": show(entry.deprecated) if entry.deprecated is not None else None,
        "removed": show(entry.removed) if entry.removed is not None else None,
        "replacements": [
            {"apiVersion": r.api_version, "kind": r.kind, "since": show(r.since)}
            for r in entry.replacements
        ],
        "note": entry.note,
        "source": entry.source,
    }


def _encode_table(table: tuple[Lifecycle, ...]) -> list[dict[str, Any]]:
    return [_entry_data(entry) for entry in table]


def _decode_table(data: Any) -> tuple[Lifecycle, ...]:
    """Read cached table mappings with the table's own checks (raising LifecycleTableError)."""
    if not isinstance(data, list):
        raise ValueError("expected a list of entries")
    return tuple(_entry(item, f"cached entries[{i}]") for i, item in enumerate(data))


# The table is cached as the mappings of api-lifecycle.yaml: data, never objects.
TABLE_CODEC: Codec[tuple[Lifecycle, ...]] = Codec("api-lifecycle", _encode_table, _decode_table)


@lru_cache(maxsize=1)
def entries() -> tuple[Lifecycle, ...]:
    """Return every entry of the bundled table, read once (and cached between runs)."""
    shape = (tuple(Lifecycle.__dataclass_fields__), tuple(Replacement.__dataclass_fields__))
    return cached(TABLE_CODEC, [TABLE], _read_table, shape)


def _read_table() -> tuple[Lifecycle, ...]:
    documents = list(compose(TABLE.read_text(encoding="utf-8")))
    data: Any = documents[0].data if documents else None
    raw = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise LifecycleTableError(f"{TABLE.name}: expected a top-level `entries` list")
    return tuple(_entry(item, f"{TABLE.name}: entries[{i}]") for i, item in enumerate(raw))


@lru_cache(maxsize=1)
def index() -> Mapping[tuple[str, str], Lifecycle]:
    """Return the table keyed by (apiVersion, kind); a pair listed twice is an error."""
    out: dict[tuple[str, str], Lifecycle] = {}
    for entry in entries():
        for kind in entry.kinds:
            if (entry.api_version, kind) in out:
                raise LifecycleTableError(f"{entry.api_version} {kind} is listed twice")
            out[(entry.api_version, kind)] = entry
    return out


def lookup(api_version: str, kind: str) -> Lifecycle | None:
    """Return the table entry for an apiVersion and kind, if Kubernetes retired it."""
    return index().get((api_version, kind))


def status(api_version: str, kind: str, target: Version) -> str | None:
    """Return "removed", "deprecated" or None for a pair at the target version."""
    entry = lookup(api_version, kind)
    return entry.status(target) if entry is not None else None


def advice(entry: Lifecycle, kind: str, target: Version, shown: str | None = None) -> str:
    """Return what to do instead of `entry` at the target version.

    `kind` is the kind looked up in the table; `shown` the object's own kind, which a
    replacement names only when it differs (they differ once a replacement has been followed).
    """
    shown = shown or kind
    depth = 0
    while True:
        served = [r for r in entry.replacements if r.since <= target]
        current = [r for r in served if status(r.api_version, r.kind or kind, target) is None]
        usable = current or [
            r for r in served if status(r.api_version, r.kind or kind, target) != REMOVED
        ]
        note = f"; {entry.note}" if entry.note else ""
        if usable:
            return f"use {_describe(usable[0], kind, shown)}{note}"
        later = sorted((r for r in entry.replacements if r.since > target), key=lambda r: r.since)
        if later:
            first = later[0]
            since = show(first.since)
            return f"use {_describe(first, kind, shown)} (served from Kubernetes {since}){note}"
        if not entry.replacements or depth >= _MAX_FOLLOW:
            return entry.note or "nothing replaces it"
        # Every replacement is gone too: say what replaces the replacement.
        rep = entry.replacements[0]
        kind = rep.kind or kind
        followed = lookup(rep.api_version, kind)
        if followed is None:
            return entry.note or "nothing replaces it"
        entry = followed
        depth += 1


def _describe(rep: Replacement, kind: str, shown: str) -> str:
    """Return `group/version`, plus the kind when it is not the object's own."""
    target_kind = rep.kind or kind
    return rep.api_version if target_kind == shown else f"{rep.api_version} {target_kind}"


def message(entry: Lifecycle, kind: str, target: Version) -> str:
    """Return the finding's message for an entry that is removed or deprecated at the target."""
    name = f"{entry.api_version} {kind}"
    what = advice(entry, kind, target)
    if entry.status(target) == REMOVED:
        assert entry.removed is not None
        return f"{name} was removed in Kubernetes {show(entry.removed)}; {what}"
    assert entry.deprecated is not None
    until = (
        f" and will be removed in Kubernetes {show(entry.removed)}"
        if entry.removed is not None
        else ""
    )
    return f"{name} is deprecated since Kubernetes {show(entry.deprecated)}{until}; {what}"


def make(params: Params) -> ResourceCheck:
    """Build the check for one run: the mode and target version are fixed for the run."""
    mode = params.get("mode", REMOVED)
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: expected one of {', '.join(MODES)}")
    target = parse_target(params.get("kube_version"))
    table = index()

    def check(resource: Resource, params: Params) -> Iterator[Violation]:
        entry = table.get((resource.api_version, resource.kind))
        if entry is None or entry.status(target) != mode:
            return
        yield Violation(("apiVersion",), message(entry, resource.kind, target), at_value=True)

    return check


TEMPLATES = [
    Template(
        name="api-lifecycle",
        description=(
            "Built-in apiVersion/kind pairs that the target Kubernetes version no longer serves "
            "(mode: removed) or serves with a deprecation warning (mode: deprecated)."
        ),
        make=make,
        needs=frozenset({"kube_version"}),
        parameters={
            "type": "object",
            "properties": {"mode": {"enum": list(MODES)}},
            "required": ["mode"],
            "additionalProperties": False,
        },
    )
]
