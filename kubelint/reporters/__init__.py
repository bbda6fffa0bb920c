"""Output formats: each reporter renders a RunResult to a stream through one method."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TextIO

from kubelint.model import RunResult


@dataclass(frozen=True)
class ReportOptions:
    """How output should look where it goes."""

    color: bool = False
    # The directory paths are reported relative to (SARIF %SRCROOT%, the GitHub workspace).
    root: str | None = None
    # Where a reporter says something about the report itself (e.g. SARIF truncation).
    stderr: TextIO | None = None
    # `--statistics`: the text report counts findings per rule instead of listing them.
    statistics: bool = False


class Reporter(Protocol):
    """Renders a whole run."""

    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        """Write the report for `result` to `stream`."""


ReporterFactory = Callable[[], Reporter]


def builtin_reporters() -> Mapping[str, ReporterFactory]:
    """Return the built-in reporters by format name (their modules load on first use)."""

    def text() -> Reporter:
        from kubelint.reporters.text import TextReporter

        return TextReporter()

    def json() -> Reporter:
        from kubelint.reporters.json import JsonReporter

        return JsonReporter()

    def sarif() -> Reporter:
        from kubelint.reporters.sarif import SarifReporter

        return SarifReporter()

    def github() -> Reporter:
        from kubelint.reporters.github import GithubReporter

        return GithubReporter()

    return {"text": text, "json": json, "sarif": sarif, "github": github}
