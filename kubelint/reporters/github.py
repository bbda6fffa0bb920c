"""GitHub Actions workflow commands: one annotation per finding, then a summary notice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from kubelint.display import escape_controls
from kubelint.model import Finding, RunResult, Severity
from kubelint.reporters import ReportOptions

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# GitHub shows at most this many annotations of each level per step.
SHOWN_PER_LEVEL = 10


def escape_data(text: str) -> str:
    """Escape a command's message as GitHub's toolkit does (%, CR, LF), and other controls.

    The step log renders ANSI sequences, so ESC and the other controls are then shown as
    `\\x1b`: a runner decodes `%0A` inside the message, never as the start of a command.
    """
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape_controls(text)


def escape_property(text: str) -> str:
    """Escape a property value: the message escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(file: str, workspace: Path) -> str:
    """Return `file` relative to the workspace, with `/` separators and no leading `./`."""
    path = Path(file)
    absolute = Path(os.path.normpath(path if path.is_absolute() else Path.cwd() / path))
    try:
        relative = absolute.relative_to(workspace)
    except ValueError:
        return absolute.as_posix()
    return relative.as_posix()


def annotation(finding: Finding, workspace: Path) -> str:
    """Return the workflow command for one finding."""
    span = finding.span
    props = [
        f"file={escape_property(workspace_path(finding.file, workspace))}",
        f"line={span.line}",
        f"endLine={span.end_line}",
        f"col={span.column}",
        f"endColumn={span.end_column}",
        f"title={escape_property(finding.rule)}",
    ]
    return f"::{_COMMAND[finding.severity]} {','.join(props)}::{escape_data(finding.message)}"


def summary(result: RunResult) -> str:
    """Return the closing notice with the full counts, since GitHub shows only a few per level."""
    counts = result.counts()
    total = sum(counts.values())
    if not total:
        text = f"kubelint: no problems in {result.summary.files} file(s)"
    else:
        parts = ", ".join(f"{n} {label}" for label, n in counts.items())
        text = f"kubelint: {total} problem(s) ({parts}) in {result.summary.files} file(s)"
        if any(n > SHOWN_PER_LEVEL for n in counts.values()):
            text += (
                f"; GitHub shows at most {SHOWN_PER_LEVEL} annotations per level on the pull "
                "request, the step log has them all"
            )
    return f"::notice title=kubelint summary::{escape_data(text)}"


class GithubReporter:
    """Writes `::error file=...::message` lines for the GitHub Actions runner."""

    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        """Write one annotation per unsuppressed finding and a summary notice."""
        workspace = Path(options.root or os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
        workspace = Path(os.path.normpath(workspace.resolve()))
        lines = [annotation(f, workspace) for f in result.findings if not f.suppressed]
        lines.append(summary(result))
        stream.write("\n".join(lines) + "\n")
