"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers, built with sarif-om."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from kubelint import HOMEPAGE
from kubelint.model import Finding, RuleMeta, RunResult, Severity
from kubelint.reporters import ReportOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
# GitHub code scanning rejects runs with more results than this.
MAX_RESULTS = 25_000
FINGERPRINT_KEY = "kubelintFingerprint/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
# Properties written even when they equal sarif-om's default: a consumer must not have to know
# the defaults to read a level (and sarif-om's own defaults, such as rank -1, must not leak).
_ALWAYS = frozenset({"level"})


def to_json(obj: Any) -> Any:
    """Convert sarif-om objects to JSON data: set values only, plus the _ALWAYS properties."""
    import attr

    if attr.has(type(obj)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(obj)):
            value = getattr(obj, field.name)
            if value is None:
                continue
            default = field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if value == default and field.name not in _ALWAYS:
                continue
            out[field.metadata.get("schema_property_name", field.name)] = to_json(value)
        return out
    if isinstance(obj, dict):
        return {key: to_json(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_json(value) for value in obj]
    return obj


def _directory_uri(root: Path) -> str:
    """Return the URI of a directory, ending in exactly one `/` (`file:///` for the root)."""
    uri = root.as_uri()
    return uri if uri.endswith("/") else uri + "/"


def artifact_uri(file: str, root: Path) -> tuple[str, str | None]:
    """Return a percent-encoded URI for `file`: relative to `root` when inside it, else absolute."""
    path = Path(file)
    absolute = path if path.is_absolute() else (root / path)
    absolute = Path(os.path.normpath(absolute))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return absolute.as_uri(), None
    return quote(relative.as_posix(), safe="/"), SRCROOT


def _descriptor(meta: RuleMeta) -> Any:
    import sarif_om as om

    properties: dict[str, Any] = {"tags": list(meta.tags)}
    if "security" in meta.tags:
        properties["security-severity"] = _SECURITY_SEVERITY[meta.severity]
    return om.ReportingDescriptor(
        id=meta.id,
        name="".join(part.capitalize() for part in meta.id.split("-")),
        short_description=om.MultiformatMessageString(text=meta.title),
        full_description=om.MultiformatMessageString(text=meta.description),
        help=om.MultiformatMessageString(text=meta.help_text, markdown=meta.help_markdown),
        help_uri=meta.help_uri or None,
        default_configuration=om.ReportingConfiguration(level=_LEVEL[meta.severity]),
        properties=properties,
    )


def _logical_location(finding: Finding) -> Any:
    import sarif_om as om

    ref = finding.resource
    if ref is None:
        return None
    name = ref.name or "<unnamed>"
    qualified = "/".join(p for p in (ref.kind, ref.namespace, name) if p)
    return [om.LogicalLocation(name=name, fully_qualified_name=qualified, kind="resource")]


def _result(finding: Finding, index: dict[str, int], root: Path) -> Any:
    import sarif_om as om

    uri, base = artifact_uri(finding.file, root)
    span = finding.span
    region = om.Region(
        start_line=span.line,
        start_column=span.column,
        end_line=span.end_line,
        end_column=span.end_column,
    )
    location = om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=uri, uri_base_id=base), region=region
        ),
        logical_locations=_logical_location(finding),
    )
    suppressions = None
    if finding.suppressed:
        suppressions = [
            om.Suppression(kind="inSource", justification=finding.suppression_reason or None)
        ]
    return om.Result(
        rule_id=finding.rule,
        rule_index=index[finding.rule],
        level=_LEVEL[finding.severity],
        message=om.Message(text=finding.message),
        locations=[location],
        partial_fingerprints={FINGERPRINT_KEY: finding.fingerprint},
        suppressions=suppressions,
    )


def _rules(result: RunResult) -> list[RuleMeta]:
    metas = {meta.id: meta for meta in result.rules}
    for finding in result.findings:
        if finding.rule not in metas:  # e.g. internal-error when it was not selected
            metas[finding.rule] = RuleMeta(
                finding.rule, finding.rule, finding.severity, finding.rule
            )
    return sorted(metas.values(), key=lambda m: m.id)


def keep(findings: Iterable[Finding], limit: int | None = None) -> tuple[list[Finding], int]:
    """Return at most `limit` findings, worst first then by position, and how many were dropped."""
    limit = MAX_RESULTS if limit is None else limit
    ordered = sorted(findings, key=lambda f: (-f.severity, f.suppressed, f.sort_key()))
    kept = sorted(ordered[:limit], key=Finding.sort_key)
    return kept, max(0, len(ordered) - limit)


def build_log(result: RunResult, root: Path, limit: int | None = None) -> tuple[Any, int]:
    """Return the SARIF log as JSON data and the number of results left out over the limit."""
    import sarif_om as om

    rules = _rules(result)
    index = {meta.id: i for i, meta in enumerate(rules)}
    findings, dropped = keep(result.findings, limit)
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="kubelint",
                version=result.version,
                semantic_version=result.version,
                information_uri=HOMEPAGE,
                rules=[_descriptor(meta) for meta in rules],
            )
        ),
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=_directory_uri(root))},
        results=[_result(f, index, root) for f in findings],
        column_kind="unicodeCodePoints",
    )
    log = to_json(om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run]))
    data = {"$schema": log.pop("$schema"), "version": log.pop("version"), **log}
    if dropped:
        data["runs"][0]["properties"] = {"truncated": True, "omittedResults": dropped}
    return data, dropped


class SarifReporter:
    """Writes one SARIF log with one run."""

    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        """Write the SARIF log; say on stderr when results were left out."""
        root = Path(options.root or Path.cwd()).resolve()
        data, dropped = build_log(result, root)
        if dropped:
            err = options.stderr or sys.stderr
            err.write(
                f"kubelint: SARIF holds the {len(result.findings) - dropped:,} most severe "
                f"results; {dropped:,} more were left out (GitHub code scanning rejects larger "
                "runs)\n"
            )
        # Compact: consumers are machines, and indenting takes the slow pure-Python encoder.
        stream.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
