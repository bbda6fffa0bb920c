"""The JSON report: kubelint's public, byte-stable contract."""

from __future__ import annotations

import json
from typing import Any, TextIO

from kubelint.model import Finding, RunResult, format_path
from kubelint.reporters import ReportOptions


def finding_dict(finding: Finding) -> dict[str, Any]:
    """Return the public JSON form of one finding."""
    ref = finding.resource
    out: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "message": finding.message,
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "resource": None
        if ref is None
        else {
            "apiVersion": ref.api_version,
            "kind": ref.kind,
            "namespace": ref.namespace,
            "name": ref.name,
        },
        "path": format_path(finding.path) if finding.path else None,
        "fingerprint": finding.fingerprint,
    }
    if finding.suppressed:
        out["suppressed"] = True
        out["suppression_reason"] = finding.suppression_reason
    return out


def report_dict(result: RunResult) -> dict[str, Any]:
    """Return the whole report as plain data."""
    counts = result.counts()
    summary: dict[str, Any] = {
        "files": result.summary.files,
        "documents": result.summary.documents,
        "resources": result.summary.resources,
        "findings": sum(counts.values()),
        "by_severity": counts,
        "suppressed": result.suppressed(),
    }
    if result.baseline is not None:
        summary["baseline"] = {
            "file": result.baseline.file,
            "matched": result.baseline.matched,
            "stale": result.baseline.stale,
        }
    return {
        "version": result.version,
        "findings": [finding_dict(f) for f in result.findings],
        "summary": summary,
    }


class JsonReporter:
    """Writes one JSON object with findings and a summary."""

    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        """Write the JSON report, indented and newline-terminated."""
        stream.write(render_json(report_dict(result)))


def render_json(report: dict[str, Any]) -> str:
    """Return the report with one finding per line.

    json.dumps with `indent` falls back to the pure-Python encoder, several times slower than
    the C one; one compact line per finding keeps the output readable and grep-friendly. The
    whole text is written at once: json.dump makes millions of tiny writes, each a system call
    on an unbuffered stream (PYTHONUNBUFFERED is common in CI).
    """

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    findings = ",\n".join(f"    {dump(f)}" for f in report["findings"])
    lines = [
        "{",
        f'  "version": {dump(report["version"])},',
        '  "findings": [' + (f"\n{findings}\n  ]," if findings else "],"),
        f'  "summary": {dump(report["summary"])}',
        "}",
    ]
    return "\n".join(lines) + "\n"
