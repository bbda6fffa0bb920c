"""Human output in the style of ruff and eslint: location, severity, rule, message, snippet."""

from __future__ import annotations

from typing import TextIO

from kubelint.model import Finding, RunResult
from kubelint.reporters import ReportOptions

_TAB = 4


def _snippet(text: str | None, finding: Finding) -> list[str]:
    """Return the offending source line and a caret line under the finding's columns."""
    if not text:
        return []
    lines = text.splitlines()
    index = finding.span.line - 1
    if not 0 <= index < len(lines):
        return []
    line = lines[index].replace("\t", " " * _TAB)
    if len(line) > 200:
        return []
    start = finding.span.column - 1
    if finding.span.end_line == finding.span.line:
        width = max(1, finding.span.end_column - finding.span.column)
    else:
        # A span over several lines (a list item): underline its first line, not a comment.
        rest = line[start:]
        comment = rest.find(" #")
        width = max(1, len((rest[:comment] if comment >= 0 else rest).rstrip()))
    gutter = str(finding.span.line)
    return [f" {gutter} | {line}", f" {' ' * len(gutter)} | {' ' * start}{'^' * width}"]


def summary_line(result: RunResult) -> str:
    """Return the closing summary sentence."""
    counts = result.counts()
    total = sum(counts.values())
    files = result.summary.files
    checked = f"{files} file{'s' if files != 1 else ''}, {result.summary.resources} object" + (
        "s" if result.summary.resources != 1 else ""
    )
    notes = []
    if result.suppressed():
        notes.append(f"{result.suppressed()} suppressed")
    if result.baseline is not None:
        notes.append(
            f"{result.baseline.matched} in the baseline, {result.baseline.stale} baseline "
            f"entr{'y' if result.baseline.stale == 1 else 'ies'} no longer found"
        )
    tail = f" ({'; '.join(notes)})" if notes else ""
    if not total:
        return f"No problems found ({checked} checked){tail}."
    parts = ", ".join(
        f"{n} {label}{'s' if n != 1 and label != 'info' else ''}" for label, n in counts.items()
    )
    return f"Found {total} problem{'s' if total != 1 else ''} ({parts}) in {checked}{tail}."


class TextReporter:
    """Writes one block per finding and a summary; colour only when asked."""

    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        """Write findings and summary, plain or through rich when colour is on."""
        if options.color:
            self._render_rich(result, stream)
            return
        lines: list[str] = []
        for finding in result.findings:
            if finding.suppressed:
                continue
            lines.append(
                f"{finding.file}:{finding.span.line}:{finding.span.column}: "
                f"{finding.severity.label} [{finding.rule}] {finding.message}"
            )
            lines.extend(_snippet(result.sources.get(finding.file), finding))
        lines.append(summary_line(result))
        stream.write("\n".join(lines) + "\n")

    def _render_rich(self, result: RunResult, stream: TextIO) -> None:
        from rich.console import Console
        from rich.text import Text

        styles = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
        console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
        for finding in result.findings:
            if finding.suppressed:
                continue
            # Text objects, never markup strings: file names and messages may contain brackets.
            line = Text()
            line.append(f"{finding.file}:{finding.span.line}:{finding.span.column}", style="bold")
            line.append(": ")
            line.append(finding.severity.label, style=styles[finding.severity.label])
            line.append(" ")
            line.append(f"[{finding.rule}]", style="cyan")
            line.append(" " + finding.message)
            console.print(line)
            for snippet, style in zip(
                _snippet(result.sources.get(finding.file), finding), ("dim", "red"), strict=False
            ):
                console.print(Text(snippet, style=style))
        console.print(Text(summary_line(result), style="bold"))
