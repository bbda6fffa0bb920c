"""Load plugins once at start-up and collect their templates, rules and reporters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from kubelint.data import Codec, cached
from kubelint.entrypoints import entry_points
from kubelint.hookspecs import PROJECT, KubelintSpec
from kubelint.ruledef import (
    Example,
    RuleDefinition,
    RuleFileError,
    SchemaCheck,
    load_rule_file,
    parse_rule,
)

if TYPE_CHECKING:
    from kubelint.reporters import ReporterFactory
    from kubelint.template import Template

BUILTIN_MODULE = "kubelint.builtin_plugin"


@dataclass(frozen=True)
class PluginError:
    """A plugin that could not be loaded or whose contributions are unusable."""

    plugin: str
    message: str


@dataclass(frozen=True)
class Registry:
    """Everything the plugins contributed, keyed by name."""

    templates: Mapping[str, Template]
    rules: Mapping[str, RuleDefinition]
    reporters: Mapping[str, ReporterFactory]
    errors: tuple[PluginError, ...] = field(default_factory=tuple)

    def rule(self, rule_id: str) -> RuleDefinition | None:
        """Return the rule with this id, if any."""
        return self.rules.get(rule_id)


def plugin_manager(
    extra: Iterable[object] = (), installed: bool = True
) -> tuple[pluggy.PluginManager, list[PluginError]]:
    """Create a plugin manager with the built-ins, installed entry points and `extra` plugins."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(KubelintSpec)
    errors: list[PluginError] = []
    loaded_builtin = False
    if installed:
        for ep in sorted(entry_points(PROJECT), key=lambda e: e.name):
            if pm.has_plugin(ep.name):
                continue
            try:
                plugin = ep.load()
                pm.register(plugin, name=ep.name)
            except Exception as exc:  # a broken plugin must not take kubelint down
                errors.append(PluginError(ep.name, f"cannot load plugin {ep.value}: {exc!r}"))
                continue
            loaded_builtin = loaded_builtin or ep.value == BUILTIN_MODULE
    if not loaded_builtin:
        # Running from a source tree without installed metadata: register the same module directly.
        import kubelint.builtin_plugin as builtin

        if not pm.is_registered(builtin):
            pm.register(builtin, name="builtin")
    for plugin in extra:
        if pm.is_registered(plugin):
            continue  # already loaded through its entry point (an installed plugin under test)
        name = plugin.__name__ if isinstance(plugin, ModuleType) else repr(plugin)
        pm.register(plugin, name=name)
    return pm, errors


def _call(
    pm: pluggy.PluginManager, hook: str, errors: list[PluginError]
) -> list[tuple[str, object]]:
    """Call a hook on each plugin separately, so one failing plugin only loses its own part."""
    out: list[tuple[str, object]] = []
    for impl in getattr(pm.hook, hook).get_hookimpls():
        try:
            result = impl.function()
        except Exception as exc:
            errors.append(PluginError(impl.plugin_name, f"hook {hook} failed: {exc!r}"))
            continue
        if result is not None:
            out.append((impl.plugin_name, result))
    return out


def _items(plugin: str, hook: str, result: object, problems: list[PluginError]) -> list[object]:
    """Return a hook's result as a list; anything else is that plugin's error, not a crash."""
    if isinstance(result, (list, tuple)):
        return list(result)
    problems.append(PluginError(plugin, f"hook {hook} must return a list, got {result!r}"))
    return []


def _templates(pm: pluggy.PluginManager, problems: list[PluginError]) -> dict[str, Template]:
    from kubelint.template import Template

    templates: dict[str, Template] = {}
    for plugin, result in _call(pm, "kubelint_templates", problems):
        for template in _items(plugin, "kubelint_templates", result, problems):
            if not isinstance(template, Template):
                problems.append(PluginError(plugin, f"not a Template: {template!r}"))
            elif template.name in templates:
                problems.append(PluginError(plugin, f"template {template.name!r} defined twice"))
            else:
                templates[template.name] = template
    return templates


def _rule_dirs(
    pm: pluggy.PluginManager, rule_dirs: Sequence[Path], problems: list[PluginError]
) -> list[tuple[str, Path]]:
    dirs: list[tuple[str, Path]] = []
    for plugin, result in _call(pm, "kubelint_rule_dirs", problems):
        for entry in _items(plugin, "kubelint_rule_dirs", result, problems):
            if not isinstance(entry, (str, Path)) or not Path(entry).is_dir():
                problems.append(PluginError(plugin, f"rule directory {entry!r} does not exist"))
            else:
                dirs.append((plugin, Path(entry)))
    dirs.extend(("rule-dirs", Path(d)) for d in rule_dirs)
    return dirs


def _reporters(pm: pluggy.PluginManager, problems: list[PluginError]) -> dict[str, ReporterFactory]:
    reporters: dict[str, ReporterFactory] = {}
    for plugin, result in _call(pm, "kubelint_reporters", problems):
        if not isinstance(result, dict):
            problems.append(
                PluginError(plugin, f"hook kubelint_reporters must return a dict, got {result!r}")
            )
            continue
        for name, factory in result.items():
            if name in reporters:
                problems.append(PluginError(plugin, f"format {name!r} is already defined"))
            elif not callable(factory):
                problems.append(PluginError(plugin, f"format {name!r} is not a callable factory"))
            else:
                reporters[name] = factory
    return reporters


def _rule_data(rule: RuleDefinition) -> dict[str, Any]:
    """Return a rule as the rule-file mapping it was parsed from, with its source."""
    check: dict[str, Any]
    if rule.template is not None:
        check = {"template": rule.template, "params": dict(rule.params)}
    elif rule.schema_check is not None:
        spec = rule.schema_check
        check = {
            "schema": {"target": spec.target, "assert": dict(spec.schema), "message": spec.message}
        }
    else:
        check = {"builtin": rule.builtin_kind}
    examples = {
        name: {
            "manifest": ex.manifest,
            "findings": [{"line": li, "column": co} for li, co in ex.findings],
        }
        for name, ex in (("bad", rule.bad), ("good", rule.good))
        if ex is not None
    }
    data = {
        "id": rule.id,
        "title": rule.title,
        "severity": rule.severity.label,
        "category": rule.category,
        "description": rule.description,
        "rationale": rule.rationale,
        "remediation": rule.remediation,
        "kinds": sorted(rule.kinds) if rule.kinds is not None else None,
        "tags": list(rule.tags),
        "references": list(rule.references),
        "check": check,
        "examples": examples,
        "enabled": rule.enabled,
    }
    return {"source": rule.source, "rule": data}


def _encode_rules(rules: list[RuleDefinition]) -> list[dict[str, Any]]:
    return [_rule_data(rule) for rule in rules]


def _decode_rules(data: Any) -> list[RuleDefinition]:
    """Parse cached rule mappings with the rule-file parser itself, which checks every field."""
    if not isinstance(data, list):
        raise ValueError("expected a list of rules")
    rules = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("source"), str):
            raise ValueError("expected a rule with its source")
        try:
            rules.append(parse_rule(item.get("rule"), item["source"]))
        except RuleFileError as exc:
            raise ValueError(str(exc)) from None
    return rules


# Rule definitions are cached as the mappings of their rule files: data, never objects.
RULES_CODEC: Codec[list[RuleDefinition]] = Codec("rules", _encode_rules, _decode_rules)


class _BrokenRuleFileError(Exception):
    """Carries the loadable rules out of a cached build, so a broken directory is not cached."""

    def __init__(self, rules: list[RuleDefinition]) -> None:
        super().__init__("broken rule file")
        self.rules = rules


def _load_dir(directory: Path, plugin: str, problems: list[PluginError]) -> list[RuleDefinition]:
    """Load a rule directory; parsed definitions are cached while no file changes.

    Parsing the built-in rule files costs about 25 ms, a quarter of a pre-commit run.
    """
    paths = sorted(directory.glob("*.yaml"))

    def build() -> list[RuleDefinition]:
        rules = []
        broken = False
        for path in paths:
            try:
                rules.append(load_rule_file(path))
            except RuleFileError as exc:  # one bad file loses only itself
                problems.append(PluginError(plugin, str(exc)))
                broken = True
        if broken:
            raise _BrokenRuleFileError(rules)
        return rules

    # The dataclasses' fields are part of the key: a changed definition never reads stale.
    shape = (
        tuple(RuleDefinition.__dataclass_fields__),
        tuple(Example.__dataclass_fields__),
        tuple(SchemaCheck.__dataclass_fields__),
    )
    try:
        return cached(RULES_CODEC, paths, build, shape)
    except _BrokenRuleFileError as exc:
        return exc.rules


def build_registry(
    pm: pluggy.PluginManager,
    errors: Sequence[PluginError] = (),
    rule_dirs: Sequence[Path] = (),
) -> Registry:
    """Collect contributions from every registered plugin plus user rule directories."""
    problems = list(errors)
    templates = _templates(pm, problems)
    rules: dict[str, RuleDefinition] = {}
    owner: dict[str, str] = {}
    for plugin, directory in _rule_dirs(pm, rule_dirs, problems):
        for rule in _load_dir(directory, plugin, problems):
            if _add_rule(rules, rule, plugin, problems):
                owner[rule.id] = plugin
    for plugin, result in _call(pm, "kubelint_rules", problems):
        for item in _items(plugin, "kubelint_rules", result, problems):
            if _add_rule(rules, item, plugin, problems):
                assert isinstance(item, RuleDefinition)
                owner[item.id] = plugin
    for rule in list(rules.values()):
        if rule.template is not None and rule.template not in templates:
            problems.append(
                PluginError(
                    owner[rule.id],
                    f"{rule.source}: rule {rule.id!r} uses unknown template {rule.template!r}",
                )
            )
            del rules[rule.id]
    return Registry(
        templates, dict(sorted(rules.items())), _reporters(pm, problems), tuple(problems)
    )


def _add_rule(
    rules: dict[str, RuleDefinition], rule: object, plugin: str, problems: list[PluginError]
) -> bool:
    if not isinstance(rule, RuleDefinition):
        problems.append(PluginError(plugin, f"not a RuleDefinition: {rule!r}"))
        return False
    if rule.id in rules:
        problems.append(
            PluginError(
                plugin,
                f"rule {rule.id!r} in {rule.source} is already defined in {rules[rule.id].source}",
            )
        )
        return False
    rules[rule.id] = rule
    return True


def default_registry(rule_dirs: Sequence[Path] = (), extra: Iterable[object] = ()) -> Registry:
    """Return the registry of installed plugins (built-ins included) and extra rule dirs."""
    pm, errors = plugin_manager(extra)
    return build_registry(pm, errors, rule_dirs)
