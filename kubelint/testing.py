"""Public helpers for testing rules (kubelint's and plugins') with position-exact YAML cases.

A case file holds a rule id and a list of cases; each case is a manifest and the findings of
that rule it must produce, in order, with exact line and column:

    rule: bare-pod
    cases:
      - name: a Pod at the top level
        manifest: |
          apiVersion: v1
          kind: Pod
          metadata: {name: debug}
        findings:
          - {line: 2, column: 1, message: "not managed"}   # message: a substring

`findings: []` asserts the rule stays silent. A case may set `kube_version: "1.26"` to run
as `--kube-version 1.26` would, and `params:` (also allowed once at the top of the file, for
every case) to configure the rule as `rules: {RULE: {params: ...}}` would.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubelint.compose import compose
from kubelint.config import RuleSetting
from kubelint.discover import Target
from kubelint.engine import select_rules
from kubelint.model import Finding
from kubelint.registry import Registry, default_registry
from kubelint.run import RunOptions, run


@dataclass(frozen=True)
class Expected:
    """One expected finding: exact position, optional message substring and severity."""

    line: int
    column: int
    message: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class Case:
    """A manifest and the findings one rule must report for it."""

    rule: str
    name: str
    manifest: str
    findings: tuple[Expected, ...]
    source: str = ""
    kube_version: str | None = None
    params: Mapping[str, Any] | None = None


def lint_text(
    text: str,
    rules: Sequence[str] = (),
    filename: str = "case.yaml",
    registry: Registry | None = None,
    *,
    kube_version: str | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Finding]:
    """Lint one manifest given as text and return all findings, sorted.

    `params` maps rule ids to parameters, as the configuration's `rules.RULE.params` does.
    """
    reg = registry or default_registry()
    run_params = {"kube_version": kube_version} if kube_version else None
    settings = {rule: RuleSetting(params=p) for rule, p in (params or {}).items()}
    active = select_rules(reg, list(rules), settings=settings, run_params=run_params)
    options = RunOptions([Target(filename, None)], active, known_rules=frozenset(reg.rules))
    result = run(options, stdin=io.BytesIO(text.encode("utf-8")))
    return list(result.findings)


def load_cases(path: Path) -> list[Case]:
    """Read a case file."""
    documents = list(compose(path.read_text(encoding="utf-8")))
    data: Any = documents[0].data
    rule = data["rule"]
    shared = data.get("params")
    cases = []
    for raw in data["cases"]:
        expected = tuple(
            Expected(e["line"], e["column"], e.get("message"), e.get("severity"))
            for e in raw.get("findings") or ()
        )
        version = raw.get("kube_version")
        cases.append(
            Case(
                rule,
                str(raw["name"]),
                raw["manifest"],
                expected,
                str(path),
                str(version) if version is not None else None,
                raw.get("params", shared),
            )
        )
    return cases


def mismatch(case: Case, findings: Iterable[Finding]) -> str | None:
    """Return a description of how `findings` differ from the case, or None when they match."""
    got = [f for f in findings if f.rule == case.rule]
    lines = []
    if len(got) != len(case.findings):
        lines.append(f"expected {len(case.findings)} finding(s), got {len(got)}")
    for want, have in zip(case.findings, got, strict=False):
        where = (have.span.line, have.span.column)
        if where != (want.line, want.column):
            lines.append(f"expected {want.line}:{want.column}, got {where[0]}:{where[1]}")
        if want.message is not None and want.message not in have.message:
            lines.append(f"expected message containing {want.message!r}, got {have.message!r}")
        if want.severity is not None and want.severity != have.severity.label:
            lines.append(f"expected severity {want.severity}, got {have.severity.label}")
    if not lines:
        return None
    listing = "\n".join(f"  {f.span.line}:{f.span.column} {f.message}" for f in got)
    return f"{case.source}: {case.name}: " + "; ".join(lines) + "\nfindings:\n" + listing


def check_case(case: Case, registry: Registry | None = None) -> None:
    """Run a case through the whole pipeline and raise AssertionError on any difference."""
    params = {case.rule: case.params} if case.params is not None else None
    findings = lint_text(
        case.manifest,
        [case.rule],
        registry=registry,
        kube_version=case.kube_version,
        params=params,
    )
    problem = mismatch(case, findings)
    if problem:
        raise AssertionError(problem)


def expected_from(data: Mapping[str, Any]) -> Expected:
    """Build an Expected from a mapping with line, column and optional message."""
    return Expected(
        int(data["line"]), int(data["column"]), data.get("message"), data.get("severity")
    )
