"""A plugin that loads, but whose rule names a template nobody provides."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kubelint.hookspecs import hookimpl


@hookimpl
def kubelint_rule_dirs() -> Sequence[Path]:
    """Return the directory holding the rule with the unknown template."""
    return [Path(__file__).resolve().parent / "rules"]
