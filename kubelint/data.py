"""Locate the data that ships with kubelint (rule definitions and schemas)."""

from __future__ import annotations

from pathlib import Path


def data_dir(name: str) -> Path:
    """Return the `rules` or `schemas` directory, from the installed wheel or the source tree."""
    package = Path(__file__).resolve().parent
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    return package.parent / name
