"""Shared fixtures: the registry is built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint.registry import Registry, default_registry

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "real"


@pytest.fixture(scope="session")
def registry() -> Registry:
    """Return the default registry (built-in plugin plus installed plugins)."""
    return default_registry()
