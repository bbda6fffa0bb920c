"""Rule definitions: the data in `rules/*.yaml`, parsed into frozen values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubelint.compose import ComposeError, compose
from kubelint.model import PositionIndex, Severity

RULE_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*\Z")
SCHEMA_TARGETS = ("object", "pod-spec", "container")


class RuleFileError(Exception):
    """A rule file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """A manifest that shows the rule, and where its findings are expected (line, column)."""

    manifest: str
    findings: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SchemaCheck:
    """A JSON Schema assertion against every instance of a target."""

    target: str
    schema: Mapping[str, Any]
    message: str


@dataclass(frozen=True)
class RuleDefinition:
    """One rule: public metadata plus the check it runs."""

    id: str
    title: str
    severity: Severity
    category: str
    description: str
    rationale: str
    remediation: str
    source: str
    kinds: frozenset[str] | None = None
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    template: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    schema_check: SchemaCheck | None = None
    bad: Example | None = None
    good: Example | None = None
    # Rules reported by the loader or engine itself rather than by a template.
    builtin_kind: str | None = None
    # Rules off by default run only when selected or configured.
    enabled: bool = True


def _need(data: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise RuleFileError(f"{where}: `{key}` must be a non-empty {kind.__name__}")
    return value


def _example(data: Any, where: str) -> Example | None:
    if data is None:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("manifest"), str):
        raise RuleFileError(f"{where}: an example needs a `manifest` string")
    positions: list[tuple[int, int]] = []
    for item in data.get("findings") or []:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), int) and not isinstance(item.get(k), bool)
            for k in ("line", "column")
        ):
            raise RuleFileError(f"{where}: each expected finding needs integer `line` and `column`")
        positions.append((item["line"], item["column"]))
    return Example(data["manifest"], tuple(positions))


def parse_rule(data: Any, source: str, positions: PositionIndex | None = None) -> RuleDefinition:
    """Build a RuleDefinition from decoded YAML; raise RuleFileError naming source and line."""

    def where(*path: str | int) -> str:
        if positions is None:
            return source
        return f"{source}:{positions.lookup(path).line}"

    if not isinstance(data, dict):
        raise RuleFileError(f"{where()}: a rule file must be a mapping")
    rule_id = _need(data, "id", str, where("id"))
    if not RULE_ID.match(rule_id):
        raise RuleFileError(f"{where('id')}: rule id {rule_id!r} must be kebab-case")
    try:
        severity = Severity.parse(_need(data, "severity", str, where("severity")))
    except ValueError as exc:
        raise RuleFileError(f"{where('severity')}: {exc}") from None
    kinds = data.get("kinds")
    if kinds is not None and not (
        isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)
    ):
        raise RuleFileError(f"{where('kinds')}: `kinds` must be a list of kind names")
    check = data.get("check")
    template = None
    params: Mapping[str, Any] = {}
    schema_check = None
    builtin_kind = None
    if not isinstance(check, dict):
        raise RuleFileError(f"{where('check')}: `check` must be a mapping")
    if "template" in check:
        template = _need(check, "template", str, where("check", "template"))
        raw_params = check.get("params") or {}
        if not isinstance(raw_params, dict):
            raise RuleFileError(f"{where('check', 'params')}: `params` must be a mapping")
        params = raw_params
    elif "schema" in check:
        spec = check["schema"]
        if not isinstance(spec, dict):
            raise RuleFileError(f"{where('check', 'schema')}: `schema` must be a mapping")
        target = spec.get("target", "object")
        if target not in SCHEMA_TARGETS:
            raise RuleFileError(
                f"{where('check', 'schema', 'target')}: target must be one of "
                + ", ".join(SCHEMA_TARGETS)
            )
        assertion = spec.get("assert")
        if not isinstance(assertion, dict):
            raise RuleFileError(
                f"{where('check', 'schema')}: `assert` must be a JSON Schema mapping"
            )
        message = _need(spec, "message", str, where("check", "schema"))
        schema_check = SchemaCheck(target, assertion, message)
    elif "builtin" in check:
        builtin_kind = _need(check, "builtin", str, where("check", "builtin"))
    else:
        raise RuleFileError(f"{where('check')}: `check` needs `template`, `schema` or `builtin`")
    examples = data.get("examples") or {}
    if not isinstance(examples, dict):
        raise RuleFileError(f"{where('examples')}: `examples` must be a mapping")
    return RuleDefinition(
        id=rule_id,
        title=_need(data, "title", str, where("title")),
        severity=severity,
        category=str(data.get("category") or "general"),
        description=_need(data, "description", str, where("description")).strip(),
        rationale=str(data.get("rationale") or "").strip(),
        remediation=str(data.get("remediation") or "").strip(),
        source=source,
        kinds=frozenset(kinds) if kinds else None,
        tags=tuple(str(t) for t in data.get("tags") or ()),
        references=tuple(str(r) for r in data.get("references") or ()),
        template=template,
        params=params,
        schema_check=schema_check,
        bad=_example(examples.get("bad"), where("examples", "bad")),
        good=_example(examples.get("good"), where("examples", "good")),
        builtin_kind=builtin_kind,
        enabled=data.get("enabled", True) is not False,
    )


def load_rule_file(path: Path) -> RuleDefinition:
    """Read and parse one rule file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot read rule file: {exc}") from None
    try:
        documents = list(compose(text))
    except ComposeError as exc:
        raise RuleFileError(f"{path}:{exc.line + 1}:{exc.column + 1}: {exc.message}") from None
    if len(documents) != 1:
        raise RuleFileError(f"{path}: a rule file holds exactly one YAML document")
    doc = documents[0]
    if doc.duplicates:
        dup = doc.duplicates[0]
        raise RuleFileError(f"{path}:{dup.span[0] + 1}: duplicate key {dup.key!r}")
    return parse_rule(doc.data, str(path), PositionIndex(doc.positions))


def load_rule_dir(directory: Path) -> list[RuleDefinition]:
    """Read every `*.yaml` rule file in a directory, sorted by file name."""
    return [load_rule_file(p) for p in sorted(directory.glob("*.yaml"))]
