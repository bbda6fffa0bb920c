"""Suppressions: `# kubelint:` comments and `ignore.kubelint.io/RULE` annotations.

Suppressed findings stay in the report, marked with their reason, and do not count against
the exit code. A suppression that names an unknown rule is itself a finding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from kubelint.model import Finding, JsonPath, Resource, Severity, Span, fingerprint, source_lines
from kubelint.podspec import as_dict, dig, pod_template_path

INVALID = "invalid-suppression"
ANNOTATION_PREFIX = "ignore.kubelint.io/"
ALL = "all"
PARSE_ERROR = "parse-error"
_COMMENT = re.compile(
    r"(?:^|\s)#\s*kubelint:\s*(?P<kind>disable-next-line|disable-file|disable)\s*=\s*"
    r"(?P<rules>[A-Za-z0-9_.-]+(?:\s*,\s*[A-Za-z0-9_.-]+)*)\s*(?:--\s*(?P<reason>.*?))?\s*$"
)
_MALFORMED = re.compile(r"(?:^|\s)#\s*kubelint:")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')


@dataclass(frozen=True)
class Rule:
    """One suppression: which rules, why, and where it was written."""

    rules: frozenset[str]
    reason: str | None

    def covers(self, rule: str) -> bool:
        """Return True when this suppression applies to `rule`."""
        # `all` never hides a parse error: the rest of a broken file was not checked at all.
        return rule in self.rules or (ALL in self.rules and rule != PARSE_ERROR)


@dataclass
class FileSuppressions:
    """The comment suppressions of one file."""

    lines: dict[int, list[Rule]] = field(default_factory=dict)
    whole_file: list[Rule] = field(default_factory=list)


@dataclass
class Index:
    """Every suppression seen in a run, and the findings about invalid ones."""

    files: dict[str, FileSuppressions] = field(default_factory=dict)
    objects: dict[tuple[str, int, str, str | None, str | None], list[tuple[JsonPath, Rule]]] = (
        field(default_factory=dict)
    )
    problems: list[Finding] = field(default_factory=list)


def _blank_quotes(line: str) -> str:
    """Replace quoted strings by spaces, so a `#` inside quotes is not taken for a comment."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), line)


def _problem(file: str, line: int, column: int, width: int, message: str) -> Finding:
    span = Span(line, column, line, column + max(width, 1))
    return Finding(
        INVALID,
        Severity.WARNING,
        message,
        file,
        span,
        fingerprint=fingerprint(INVALID, None, (), f"{line}:{column}"),
    )


def _names(raw: str) -> list[str]:
    return [name.strip() for name in raw.split(",") if name.strip()]


def scan_comments(
    index: Index,
    file: str,
    text: str,
    known: frozenset[str],
    scalar_text: Mapping[int, float] | None = None,
) -> None:
    """Record the `# kubelint:` comments of one file.

    `scalar_text` maps lines inside multi-line strings to where their text ends: a
    `# kubelint:` written there is a string's content (a script in a ConfigMap), not a comment.
    """
    if "kubelint:" not in text:
        return
    found = FileSuppressions()
    lines = source_lines(text)
    inside = scalar_text or {}
    for number, original in enumerate(lines, start=1):
        if "kubelint:" not in original:
            continue
        line = _blank_quotes(original)
        # Blank a string's text like quotes are blanked: what follows it may still comment.
        end = int(min(inside.get(number, 0), len(line)))
        line = " " * end + line[end:]
        match = _COMMENT.search(line)
        if match is None:
            bad = _MALFORMED.search(line)
            if bad is not None:
                column = line.index("#", bad.start()) + 1
                index.problems.append(
                    _problem(
                        file,
                        number,
                        column,
                        len(original) - column + 1,
                        "malformed kubelint comment: write "
                        "`# kubelint: disable=RULE[,RULE] -- reason` "
                        "(or disable-next-line=, disable-file=)",
                    )
                )
            continue
        names = _names(original[match.start("rules") : match.end("rules")])
        reason = (
            original[match.start("reason") : match.end("reason")] if match.group("reason") else None
        )
        valid = set()
        for name in names:
            if name == ALL or name in known:
                valid.add(name)
                continue
            column = original.index(name, match.start("rules")) + 1
            index.problems.append(
                _problem(
                    file, number, column, len(name), f"unknown rule {name!r} in a kubelint comment"
                )
            )
        if not valid:
            continue
        rule = Rule(frozenset(valid), reason or None)
        kind = match.group("kind")
        if kind == "disable-file":
            found.whole_file.append(rule)
        elif kind == "disable-next-line":
            found.lines.setdefault(number + 1, []).append(rule)
        else:
            found.lines.setdefault(number, []).append(rule)
    if found.lines or found.whole_file:
        index.files[file] = found


def _key(
    file: str, document: int, kind: str, namespace: str | None, name: str | None
) -> tuple[str, int, str, str | None, str | None]:
    return (file, document, kind, namespace, name)


def scan_annotations(index: Index, resource: Resource, known: frozenset[str]) -> None:
    """Record `ignore.kubelint.io/RULE` annotations on an object and on its pod template."""
    places: list[JsonPath] = [()]
    template = pod_template_path(resource.kind)
    if template is not None:
        places.append(template)
    for scope in places:
        annotations = as_dict(as_dict(dig(resource.obj, (*scope, "metadata"))).get("annotations"))
        for key, value in annotations.items():
            if not key.startswith(ANNOTATION_PREFIX):
                continue
            rule = key[len(ANNOTATION_PREFIX) :]
            if rule != ALL and rule not in known:
                span = resource.positions.lookup((*scope, "metadata", "annotations", key))
                index.problems.append(
                    replace(
                        _problem(
                            resource.file,
                            span.line,
                            span.column,
                            span.end_column - span.column,
                            f"unknown rule {rule!r} in annotation {key}",
                        ),
                        resource=resource.ref,
                    )
                )
                continue
            reason = value if isinstance(value, str) and value.strip() else None
            entry = (scope, Rule(frozenset({rule}), reason))
            ref = resource.ref
            index.objects.setdefault(
                _key(resource.file, resource.document, ref.kind, ref.namespace, ref.name), []
            ).append(entry)


def match(index: Index, finding: Finding) -> Rule | None:
    """Return the suppression that covers a finding, or None."""
    comments = index.files.get(finding.file)
    if comments is not None:
        candidates: list[Rule] = [*comments.whole_file, *comments.lines.get(finding.span.line, [])]
        for rule in candidates:
            if rule.covers(finding.rule):
                return rule
    ref = finding.resource
    if ref is not None:
        key = _key(finding.file, finding.document, ref.kind, ref.namespace, ref.name)
        for scope, rule in index.objects.get(key, ()):
            if rule.covers(finding.rule) and finding.path[: len(scope)] == scope:
                return rule
    return None


def unsuppressed(findings: Sequence[Finding]) -> list[Finding]:
    """Return the findings that count against the exit code."""
    return [f for f in findings if not f.suppressed]
