"""Evaluate active rules over resources and turn violations into located findings."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubelint.config import RuleSetting
from kubelint.display import bound_message
from kubelint.load import LoadProblem
from kubelint.model import (
    Finding,
    Resource,
    Severity,
    Span,
    Violation,
    fingerprint,
)
from kubelint.registry import Registry
from kubelint.ruledef import RuleDefinition
from kubelint.template import Params, ResourceCheck, SetCheck

INTERNAL_ERROR = "internal-error"


class SelectionError(Exception):
    """A --select/--ignore entry that names no rule (a usage error)."""


@dataclass(frozen=True)
class ActiveRule:
    """A rule ready to run: its definition, the code to call, and effective settings."""

    definition: RuleDefinition
    severity: Severity
    params: Params
    check: ResourceCheck | None = None
    check_set: SetCheck | None = None
    set_kinds: frozenset[str] = frozenset()
    kinds: frozenset[str] | None = None
    # Which resources the cross-resource check needs kept (None: by set_kinds).
    keep: Callable[[Resource], bool] | None = None
    # Judges omissions: skipped on partial objects (kustomize patches).
    whole_object: bool = False

    def wants(self, resource: Resource) -> bool:
        """Return True when the cross-resource check needs this resource."""
        if self.keep is not None:
            return self.keep(resource)
        return not self.set_kinds or resource.kind in self.set_kinds

    @property
    def id(self) -> str:
        """Return the rule id."""
        return self.definition.id


def select_rules(
    registry: Registry,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    settings: Mapping[str, RuleSetting] | None = None,
    *,
    explicit: bool = True,
    run_params: Mapping[str, Any] | None = None,
) -> list[ActiveRule]:
    """Return the rules to run; unknown names in select/ignore are a SelectionError.

    Without `select`, the rules enabled by default run, plus those the settings enable. A
    setting that turns a rule off wins over the defaults and over a `select` from the same
    configuration, but not over an `explicit` select given on the command line.
    """
    settings = settings or {}
    groups = _groups(registry)
    for name in (*select, *ignore, *settings):
        known = name in registry.rules or name.upper() == "ALL"
        if not known and not (name in groups and name not in settings):
            raise SelectionError(_unknown(name, [*registry.rules, *groups]))
    # A name that is a rule id is the rule; otherwise a category or tag names its rules.
    select = [r for name in select for r in _expand(name, registry, groups)]
    ignore = [r for name in ignore for r in _expand(name, registry, groups)]
    if "ALL" in {s.upper() for s in select}:
        chosen = set(registry.rules)
    elif select:
        chosen = set(select)
    else:
        chosen = {rule_id for rule_id, rule in registry.rules.items() if rule.enabled}
        chosen |= {rule_id for rule_id, s in settings.items() if s.enabled}
    if not (select and explicit):
        chosen -= {rule_id for rule_id, s in settings.items() if s.enabled is False}
    chosen -= set(ignore)
    active = []
    for rule_id in sorted(chosen):
        rule = registry.rules[rule_id]
        setting = settings.get(rule_id, RuleSetting())
        severity = setting.severity or rule.severity
        if rule.template is not None:
            template = registry.templates[rule.template]
            params = {**rule.params, **setting.params}
            for need in template.needs:
                if run_params and need in run_params:
                    params[need] = run_params[need]
            check = template.make(params) if template.make is not None else template.check
            keep = template.keep
            active.append(
                ActiveRule(
                    rule,
                    severity,
                    params,
                    check,
                    template.check_set,
                    template.set_kinds,
                    rule.kinds if rule.kinds is not None else template.kinds,
                    None if keep is None else functools.partial(keep, params=params),
                    template.whole_object,
                )
            )
        elif rule.schema_check is not None:
            from kubelint.podspec import POD_KINDS
            from kubelint.schema_check import schema_checker

            kinds = rule.kinds
            if kinds is None and rule.schema_check.target != "object":
                kinds = POD_KINDS
            active.append(
                ActiveRule(rule, severity, {}, schema_checker(rule.schema_check), kinds=kinds)
            )
        else:
            active.append(ActiveRule(rule, severity, {}))
    return active


def _groups(registry: Registry) -> dict[str, list[str]]:
    """Return the rule ids of every category and tag."""
    groups: dict[str, list[str]] = {}
    for rule_id, rule in sorted(registry.rules.items()):
        for group in {rule.category, *rule.tags} - {""}:
            groups.setdefault(group, []).append(rule_id)
    return groups


def _expand(name: str, registry: Registry, groups: Mapping[str, list[str]]) -> list[str]:
    if name in registry.rules or name.upper() == "ALL":
        return [name]
    return list(groups.get(name, ()))


def _unknown(name: str, candidates: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, candidates, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown rule, category or tag {name!r}{hint} (see `kubelint rules`)"


@dataclass
class Engine:
    """Runs per-resource rules as resources stream by, then cross-resource rules at the end."""

    rules: Sequence[ActiveRule]
    _by_kind: dict[str, list[ActiveRule]] = field(default_factory=dict, init=False)
    _any_kind: list[ActiveRule] = field(default_factory=list, init=False)
    _set_rules: list[ActiveRule] = field(default_factory=list, init=False)
    _kept: list[Resource] = field(default_factory=list, init=False)
    _severity_of: dict[str, Severity] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for rule in self.rules:
            self._severity_of[rule.id] = rule.severity
            if rule.check_set is not None:
                self._set_rules.append(rule)
            if rule.check is not None:
                if rule.kinds is None:
                    self._any_kind.append(rule)
                else:
                    for kind in rule.kinds:
                        self._by_kind.setdefault(kind, []).append(rule)

    def is_active(self, rule_id: str) -> bool:
        """Return True when a rule (including loader-reported ones) is selected."""
        return rule_id in self._severity_of

    def severity(self, rule_id: str) -> Severity:
        """Return the effective severity of an active rule."""
        return self._severity_of.get(rule_id, Severity.ERROR)

    def check_resource(self, resource: Resource) -> Iterator[Finding]:
        """Run the per-resource rules that apply to this resource's kind, yielding findings.

        Findings are yielded as rules produce them, so that a caller can count past a limit
        without holding them all.
        """
        self.keep(resource)
        rules = self._by_kind.get(resource.kind, ())
        patch = resource.origin.patch
        for rule in (*rules, *self._any_kind):
            assert rule.check is not None
            if patch and rule.whole_object:
                continue
            try:
                for violation in rule.check(resource, rule.params):
                    yield self.finding(rule.id, resource, violation)
            except Exception as exc:
                yield self._internal_error(rule.id, resource, exc)

    def keep(self, resource: Resource) -> None:
        """Hold a resource for the cross-resource rules, if any of them needs its kind."""
        # Only what a cross-resource rule asks for is kept: memory stays proportional to it.
        # Patches are partial objects: pairing them would invent objects that do not exist.
        if resource.origin.patch:
            return
        if any(rule.wants(resource) for rule in self._set_rules):
            self._kept.append(resource)

    def holds(self, file: str) -> bool:
        """Return True when a kept resource (for cross-resource rules) comes from `file`."""
        return bool(self._kept) and self._kept[-1].file == file

    def check_set(self) -> list[Finding]:
        """Run cross-resource rules over every kept resource, in read order."""
        findings: list[Finding] = []
        for rule in self._set_rules:
            view = [r for r in self._kept if rule.wants(r)]
            try:
                findings.extend(self._run_set(rule, view))
            except Exception as exc:
                findings.extend(self._isolated(rule, view, exc))
        return findings

    def _run_set(self, rule: ActiveRule, view: list[Resource]) -> list[Finding]:
        assert rule.check_set is not None
        return [self.finding(rule.id, r, v) for r, v in rule.check_set(view, rule.params)]

    def _isolated(self, rule: ActiveRule, view: list[Resource], first: Exception) -> list[Finding]:
        """Rerun a failed cross-resource rule without the objects it fails on alone.

        One malformed object must not take the rule's findings on every other file with it:
        each object that fails by itself gets an internal-error finding at its position, and
        the rule runs again on the rest. Only a failure that no single object explains is
        reported for the whole run.
        """
        failing: list[tuple[Resource, Exception]] = []
        for resource in view:
            try:
                self._run_set(rule, [resource])
            except Exception as exc:
                failing.append((resource, exc))
        if len(failing) == len(view) and len(view) != 1:
            # No one object's fault: the rule fails on every object, so one error for the run.
            return [self._internal_error(rule.id, None, failing[0][1] if failing else first)]
        bad = {id(resource) for resource, _ in failing}
        findings = [self._internal_error(rule.id, r, exc) for r, exc in failing]
        rest = [r for r in view if id(r) not in bad]
        if rest:
            try:
                findings.extend(self._run_set(rule, rest))
            except Exception as exc:
                findings.append(self._internal_error(rule.id, None, exc))
        return findings

    def finding(self, rule_id: str, resource: Resource, violation: Violation) -> Finding:
        """Locate a violation and wrap it as a finding."""
        span = resource.positions.lookup(violation.path, violation.at_value)
        severity = violation.severity or self._severity_of.get(rule_id, Severity.ERROR)
        if violation.severity is not None and violation.severity > self._severity_of[rule_id]:
            severity = self._severity_of[rule_id]
        ref = resource.ref
        return Finding(
            rule=rule_id,
            severity=severity,
            message=bound_message(violation.message),
            file=resource.file,
            span=span,
            resource=ref,
            path=violation.path,
            document=resource.document,
            fingerprint=fingerprint(rule_id, ref, violation.path, violation.sub_id),
        )

    def _internal_error(self, rule_id: str, resource: Resource | None, exc: Exception) -> Finding:
        where = resource.ref.describe() if resource is not None else "the resource set"
        message = bound_message(f"rule {rule_id} failed on {where}: {type(exc).__name__}: {exc}")
        if resource is None:
            return Finding(
                INTERNAL_ERROR,
                Severity.ERROR,
                message,
                "<run>",
                Span(1, 1, 1, 1),
                fingerprint=fingerprint(INTERNAL_ERROR, None, (), rule_id),
            )
        violation = Violation(("kind",), message, sub_id=rule_id)
        finding = self.finding(INTERNAL_ERROR, resource, violation)
        return Finding(
            finding.rule,
            Severity.ERROR,
            finding.message,
            finding.file,
            finding.span,
            finding.resource,
            finding.path,
            finding.document,
            finding.fingerprint,
        )

    def problem_finding(self, file: str, problem: LoadProblem) -> Finding:
        """Turn a load problem (bad YAML, duplicate key) into a finding."""
        return Finding(
            rule=problem.rule,
            severity=self._severity_of.get(problem.rule, problem.severity),
            message=bound_message(problem.message),
            file=file,
            span=problem.span,
            # Where, not what: a message may name the file, whose name depends on the directory
            # kubelint runs from.
            fingerprint=fingerprint(
                problem.rule, None, (), f"{problem.span.line}:{problem.span.column}"
            ),
        )


def problems_to_findings(
    engine: Engine, file: str, problems: Iterable[LoadProblem]
) -> list[Finding]:
    """Convert the load problems of active rules into findings."""
    return [engine.problem_finding(file, p) for p in problems if engine.is_active(p.rule)]
