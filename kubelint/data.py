"""Locate the data that ships with kubelint (rule definitions and schemas)."""

from __future__ import annotations

import os
from pathlib import Path


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
