"""Human output in the style of ruff and eslint: location, severity, rule, message, snippet."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from kubelint.display import escape_controls
from kubelint.display import safe_line as _safe
from kubelint.model import Finding, RunResult, Severity, source_lines
from kubelint.reporters import ReportOptions

_TAB = 4


class _Lines:
    """Each source file split into lines once per report, not once per finding."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources
        self.split: dict[str, list[str]] = {}

    def of(self, file: str) -> list[str]:
        """Return the lines of `file` (empty when its text was not kept)."""
        lines = self.split.get(file)
        if lines is None:
            text = self.sources.get(file)
            lines = self.split[file] = source_lines(text) if text else []
        return lines


def _shown(text: str) -> str:
    """Return source text as a code frame shows it: tabs expanded, controls escaped."""
    return escape_controls(text.replace("\t", " " * _TAB))


def _snippet(lines: list[str], finding: Finding) -> list[str]:
    """Return the offending source line and a caret line under the finding's columns."""
    if not lines:
        return []
    index = finding.span.line - 1
    if not 0 <= index < len(lines):
        return []
    raw = lines[index]
    if len(raw) > 200:
        return []
    start = finding.span.column - 1
    if finding.span.end_line == finding.span.line:
        end = max(start + 1, finding.span.end_column - 1)
    else:
        # A span over several lines (a list item): underline its first line, not a comment.
        rest = raw[start:]
        comment = rest.find(" #")
        end = start + max(1, len((rest[:comment] if comment >= 0 else rest).rstrip()))
    # The caret is placed under the text as shown: a tab or an escape is wider than one column.
    offset = len(_shown(raw[:start]))
    width = max(1, len(_shown(raw[start:end])))
    gutter = str(finding.span.line)
    return [
        f" {gutter} | {_shown(raw)}",
        f" {' ' * len(gutter)} | {' ' * offset}{'^' * width}",
    ]


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


# Past this many findings, the summary names the rules that produce most of them.
MANY = 50


def _counts(result: RunResult) -> list[tuple[str, int]]:
    """Return (rule, unsuppressed count), most frequent first, then by rule id."""
    counts = Counter(f.rule for f in result.findings if not f.suppressed)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def statistics(result: RunResult) -> list[str]:
    """Return one row per rule: count, severity, rule id and title, most frequent first."""
    metas = {rule.id: rule for rule in result.rules}
    worst: dict[str, Severity] = {}
    for finding in result.findings:
        if not finding.suppressed:
            worst[finding.rule] = max(finding.severity, worst.get(finding.rule, finding.severity))
    severities = {rule: severity.label for rule, severity in worst.items()}
    rows = _counts(result)
    width = max((len(str(n)) for _, n in rows), default=1)
    ids = max((len(rule) for rule, _ in rows), default=4)
    out = []
    for rule, count in rows:
        title = metas[rule].title if rule in metas else ""
        out.append(f"{count:>{width}}  {severities[rule]:<7}  {rule:<{ids}}  {title}".rstrip())
    return out


def top_rules(result: RunResult) -> list[str]:
    """Return a hint naming the most frequent rules, when a report has many findings."""
    rows = _counts(result)
    if sum(n for _, n in rows) <= MANY:
        return []
    top = ", ".join(f"{rule} ({n})" for rule, n in rows[:5])
    first = rows[0][0]
    return [
        f"Most findings come from: {top}.",
        f"To turn a rule off: --ignore {first}, or `rules: {{{first}: off}}` in .kubelint.yaml; "
        "--statistics counts findings per rule.",
    ]


class TextReporter:
    """Writes one block per finding and a summary; colour only when asked."""

    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        """Write findings and summary, plain or through rich when colour is on."""
        if options.statistics:
            rows = [*(_safe(row) for row in statistics(result)), summary_line(result)]
            stream.write("\n".join(rows) + "\n")
            return
        if options.color:
            self._render_rich(result, stream)
            return
        lines: list[str] = []
        source = _Lines(result.sources)
        for finding in result.findings:
            if finding.suppressed:
                continue
            lines.append(
                _safe(
                    f"{finding.file}:{finding.span.line}:{finding.span.column}: "
                    f"{finding.severity.label} [{finding.rule}] {finding.message}"
                )
            )
            lines.extend(_safe(line) for line in _snippet(source.of(finding.file), finding))
        lines.append(summary_line(result))
        lines.extend(_safe(line) for line in top_rules(result))
        stream.write("\n".join(lines) + "\n")

    def _render_rich(self, result: RunResult, stream: TextIO) -> None:
        # SGR codes written directly (the codes rich would write): the report is one string,
        # and every piece of user text in it went through _safe, so no escape is the user's.
        lines: list[str] = []
        source = _Lines(result.sources)
        for finding in result.findings:
            if finding.suppressed:
                continue
            where = _safe(f"{finding.file}:{finding.span.line}:{finding.span.column}")
            label = finding.severity.label
            lines.append(
                f"{_BOLD}{where}{_RESET}: {_SEVERITY[label]}{label}{_RESET} "
                f"{_CYAN}[{finding.rule}]{_RESET} {_safe(finding.message)}"
            )
            for snippet, style in zip(
                _snippet(source.of(finding.file), finding), (_DIM, _RED), strict=False
            ):
                lines.append(f"{style}{_safe(snippet)}{_RESET}")
        lines.append(f"{_BOLD}{summary_line(result)}{_RESET}")
        lines.extend(_safe(line) for line in top_rules(result))
        stream.write("\n".join(lines) + "\n")


_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_RED = "\x1b[31m"
_CYAN = "\x1b[36m"
_SEVERITY = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;34m"}
