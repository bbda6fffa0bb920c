"""The plugin hook specification: how plugins (built-in ones included) extend kubelint."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from kubelint.reporters import ReporterFactory
    from kubelint.ruledef import RuleDefinition
    from kubelint.template import Template

PROJECT = "kubelint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class KubelintSpec:
    """Hooks a plugin may implement; each returns its contributions and is called once."""

    @hookspec
    def kubelint_templates(self) -> Sequence[Template]:  # type: ignore[empty-body]
        """Return the check templates this plugin provides."""

    @hookspec
    def kubelint_rule_dirs(self) -> Sequence[Path]:  # type: ignore[empty-body]
        """Return directories of rule definition files (`*.yaml`) this plugin provides."""

    @hookspec
    def kubelint_rules(self) -> Sequence[RuleDefinition]:  # type: ignore[empty-body]
        """Return rule definitions built in code rather than read from files."""

    @hookspec
    def kubelint_reporters(self) -> Mapping[str, ReporterFactory]:  # type: ignore[empty-body]
        """Return output formats by name."""
