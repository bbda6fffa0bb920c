"""kubelint's own rules, templates and reporters, registered through the public plugin hooks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kubelint.data import data_dir
from kubelint.hookspecs import hookimpl

if TYPE_CHECKING:
    from kubelint.reporters import ReporterFactory
    from kubelint.template import Template


@hookimpl
def kubelint_templates() -> Sequence[Template]:
    """Return the built-in templates (imported here so an unused plugin costs nothing)."""
    from kubelint.templates import builtin_templates

    return builtin_templates()


@hookimpl
def kubelint_rule_dirs() -> Sequence[Path]:
    """Return the directory of built-in rule definitions."""
    return [data_dir("rules")]


@hookimpl
def kubelint_reporters() -> Mapping[str, ReporterFactory]:
    """Return the built-in output formats."""
    from kubelint.reporters import builtin_reporters

    return builtin_reporters()
