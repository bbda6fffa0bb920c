"""Target Kubernetes versions: the ones the bundled schemas cover, and parsing `--kube-version`."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

_DIR = re.compile(r"v(\d+)\.(\d+)\.\d+-local-strict\Z")
# Bounded digits: a version is a small number, and int() of a huge one is slow or refused.
_VERSION = re.compile(r"v?(\d{1,9})\.(\d{1,9})(?:\.\d{1,9})?\Z")


class KubeVersionError(Exception):
    """A version kubelint cannot target (a usage error)."""


def schema_root() -> Path | None:
    """Return the directory of kubernetes-validate's schemas, without importing the package."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"
    return root if root.is_dir() else None


@lru_cache(maxsize=1)
def supported() -> tuple[str, ...]:
    """Return the MAJOR.MINOR versions with bundled schemas, oldest first."""
    root = schema_root()
    if root is None:
        return ()
    found = {(int(m[1]), int(m[2])) for d in root.iterdir() if (m := _DIR.match(d.name))}
    return tuple(f"{major}.{minor}" for major, minor in sorted(found))


def key(version: str) -> tuple[int, int]:
    """Return a sortable (major, minor) for "1.31"."""
    major, minor = version.split(".")
    return int(major), int(minor)


def resolve(requested: str | None) -> str:
    """Return the MAJOR.MINOR to target: the requested one if supported, else the newest."""
    versions = supported()
    if requested is None:
        if not versions:
            raise KubeVersionError("no Kubernetes schemas found: is kubernetes-validate installed?")
        return versions[-1]
    match = _VERSION.match(requested.strip())
    if match is None:
        raise KubeVersionError(f"--kube-version {requested!r}: expected MAJOR.MINOR such as 1.31")
    version = f"{int(match[1])}.{int(match[2])}"
    if int(match[1]) != 1:
        raise KubeVersionError(f"--kube-version {requested!r}: Kubernetes versions are 1.N")
    # A version without bundled schemas is still a target: the rules that need no schema
    # (removed and deprecated APIs, names, Pod Security) run at it, and schema-validation says
    # once that it validates nothing.
    return version


def at_least(version: object, wanted: tuple[int, int]) -> bool:
    """Return True when a "MAJOR.MINOR" version is at least `wanted` (missing: the newest)."""
    if not isinstance(version, str):
        return True
    try:
        major, minor = (int(p) for p in version.split(".")[:2])
    except ValueError:
        return True
    return (major, minor) >= wanted
