"""Locate the data that ships with kubelint (rule definitions and schemas)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def data_dir(name: str) -> Path:
    """Return the `rules` or `schemas` directory, from the installed wheel or the source tree."""
    package = Path(__file__).resolve().parent
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    return package.parent / name


def cache_dir() -> Path:
    """Return kubelint's user cache: $KUBELINT_CACHE_DIR, else $XDG_CACHE_HOME/kubelint."""
    explicit = os.environ.get("KUBELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kubelint"


def cached(name: str, sources: Sequence[Path], build: Callable[[], T], shape: object = ()) -> T:
    """Return `build()`, pickled in the user cache while `sources` (and `shape`) are unchanged.

    For data kubelint parses on every run from files that rarely change (rule definitions, the
    API lifecycle table): unpickling costs a fraction of parsing YAML, and pre-commit runs
    kubelint on every commit. Any cache problem falls back to `build()`.
    """
    import pickle

    from kubelint import __version__

    try:
        stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sources]
    except OSError:
        return build()
    key = hashlib.sha256(repr((__version__, shape, stamp)).encode()).hexdigest()
    path = cache_dir() / name / f"{key}.pickle"
    try:
        return pickle.loads(path.read_bytes())  # type: ignore[no-any-return]
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(value))
        partial.replace(path)  # atomic: a concurrent run never reads half a file
    except (OSError, pickle.PickleError, TypeError, AttributeError):
        pass
    return value
