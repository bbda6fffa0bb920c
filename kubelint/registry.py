"""Load plugins once at start-up and collect their templates, rules and reporters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pluggy

from kubelint.entrypoints import entry_points
from kubelint.hookspecs import PROJECT, KubelintSpec
from kubelint.ruledef import RuleDefinition, RuleFileError, load_rule_dir

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


def build_registry(
    pm: pluggy.PluginManager,
    errors: Sequence[PluginError] = (),
    rule_dirs: Sequence[Path] = (),
) -> Registry:
    """Collect contributions from every registered plugin plus user rule directories."""
    from kubelint.template import Template

    problems = list(errors)
    templates: dict[str, Template] = {}
    for plugin, result in _call(pm, "kubelint_templates", problems):
        for template in result:  # type: ignore[attr-defined]
            if not isinstance(template, Template):
                problems.append(PluginError(plugin, f"not a Template: {template!r}"))
            elif template.name in templates:
                problems.append(PluginError(plugin, f"template {template.name!r} defined twice"))
            else:
                templates[template.name] = template
    rules: dict[str, RuleDefinition] = {}
    dirs: list[tuple[str, Path]] = [
        (plugin, Path(d))
        for plugin, result in _call(pm, "kubelint_rule_dirs", problems)
        for d in result  # type: ignore[attr-defined]
    ]
    dirs.extend(("rule-dirs", Path(d)) for d in rule_dirs)
    for plugin, directory in dirs:
        try:
            definitions = load_rule_dir(directory)
        except RuleFileError as exc:
            problems.append(PluginError(plugin, str(exc)))
            continue
        for rule in definitions:
            _add_rule(rules, rule, plugin, problems)
    for plugin, result in _call(pm, "kubelint_rules", problems):
        for rule in result:  # type: ignore[attr-defined]
            _add_rule(rules, rule, plugin, problems)
    for rule in list(rules.values()):
        if rule.template is not None and rule.template not in templates:
            problems.append(
                PluginError(
                    rule.source, f"rule {rule.id!r} uses unknown template {rule.template!r}"
                )
            )
            del rules[rule.id]
    reporters: dict[str, ReporterFactory] = {}
    for _plugin, result in _call(pm, "kubelint_reporters", problems):
        reporters.update(result)  # type: ignore[call-overload]
    return Registry(templates, dict(sorted(rules.items())), reporters, tuple(problems))


def _add_rule(
    rules: dict[str, RuleDefinition], rule: object, plugin: str, problems: list[PluginError]
) -> None:
    if not isinstance(rule, RuleDefinition):
        problems.append(PluginError(plugin, f"not a RuleDefinition: {rule!r}"))
    elif rule.id in rules:
        problems.append(
            PluginError(
                plugin,
                f"rule {rule.id!r} in {rule.source} is already defined in {rules[rule.id].source}",
            )
        )
    else:
        rules[rule.id] = rule


def default_registry(rule_dirs: Sequence[Path] = (), extra: Iterable[object] = ()) -> Registry:
    """Return the registry of installed plugins (built-ins included) and extra rule dirs."""
    pm, errors = plugin_manager(extra)
    return build_registry(pm, errors, rule_dirs)
