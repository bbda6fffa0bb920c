"""Merge command-line flags with the configuration file into what a run needs."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kubelint.config import (
    Config,
    ConfigError,
    RuleSetting,
    build_config,
    find_config,
    load_config,
    unknown_rules,
    validate,
    validate_rule_params,
)
from kubelint.data import data_dir
from kubelint.discover import DiscoveryError, Target, discover
from kubelint.engine import ActiveRule, SelectionError, select_rules
from kubelint.exclude import Excluder
from kubelint.kubeversion import KubeVersionError
from kubelint.kubeversion import resolve as resolve_version
from kubelint.registry import Registry, default_registry


class SetupError(Exception):
    """Flags or configuration that cannot be used (exit code 2)."""


@dataclass(frozen=True)
class Flags:
    """The `kubelint check` flags that the configuration file can also set."""

    paths: Sequence[str] = (".",)
    config: str | None = None
    no_config: bool = False
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    rule_dirs: Sequence[str] = ()
    fail_level: str | None = None
    fail_if_no_objects: bool = False
    context: str | None = None
    inline_suppressions: bool | None = None
    baseline: str | None = None
    stdin_filename: str = "<stdin>"
    kube_version: str | None = None
    schema_dirs: Sequence[str] = ()
    pod_security: str | None = None
    pod_security_version: str | None = None


@dataclass(frozen=True)
class Prepared:
    """Everything `kubelint check` needs after flags and configuration are merged."""

    registry: Registry
    config: Config
    rules: list[ActiveRule]
    targets: list[Target]
    context: list[Target] = field(default_factory=list)
    fail_level: str = "warning"
    fail_if_no_objects: bool = False
    inline_suppressions: bool = True
    baseline: Path | None = None
    kube_version: str = ""


def git_root() -> str:
    """Return the git work tree root (for `--context :git`)."""
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError(f"--context :git: cannot run git: {exc}") from None
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SetupError("--context :git: not inside a git work tree")
    return os.path.relpath(proc.stdout.strip())


def _rule_dirs(data: dict[str, Any], config_path: Path | None, locator: Any) -> list[Path]:
    raw = data.get("rule-dirs")
    if not isinstance(raw, list) or config_path is None:
        return []
    out = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, str):
            continue  # validation reports it
        directory = config_path.parent / entry
        if not directory.is_dir():
            raise ConfigError(
                f"{locator.where(('rule-dirs', i))}: rule-dirs: {entry}: no such directory"
            )
        out.append(directory)
    return out


def _template_params(data: dict[str, Any], registry: Registry) -> dict[str, tuple[str | None, Any]]:
    """Return, for each configured rule with params, its template and parameter schema."""
    out: dict[str, tuple[str | None, Any]] = {}
    rules = data.get("rules")
    if not isinstance(rules, dict):
        return out
    for rule_id, setting in rules.items():
        rule = registry.rules.get(rule_id)
        if rule is None or not isinstance(setting, dict) or "params" not in setting:
            continue
        if rule.template is None:
            out[rule_id] = (None, {"type": "object", "maxProperties": 0})
        else:
            out[rule_id] = (rule.template, registry.templates[rule.template].parameters)
    return out


def _custom_params(registry: Registry) -> list[tuple[str, str, Any, Any]]:
    """Return the template parameters of rules that do not ship with kubelint."""
    builtin = str(data_dir("rules"))
    out = []
    for rule in registry.rules.values():
        if rule.template is None or rule.source.startswith(builtin):
            continue
        schema = registry.templates[rule.template].parameters
        out.append((rule.source, rule.template, dict(rule.params), dict(schema)))
    return out


def _with_pod_security(config: Config, flags: Flags) -> Config:
    """Fold --pod-security/--pod-security-version (over the config keys) into the rule's params."""
    level = flags.pod_security or config.pod_security
    version = flags.pod_security_version or config.pod_security_version
    if level is None and version is None:
        return config
    from kubelint.podsecurity.controls import parse_version

    try:
        parse_version(version)
    except ValueError as exc:
        raise ConfigError(f"--pod-security-version: {exc}") from None
    current = config.rules.get("pod-security", RuleSetting())
    params = dict(current.params)
    if level is not None:
        params["level"] = level
    if version is not None:
        params["version"] = version
    rules = {**config.rules, "pod-security": replace(current, enabled=True, params=params)}
    return replace(config, rules=rules)


def prepare(flags: Flags, extra_plugins: Sequence[object] = ()) -> Prepared:
    """Read the configuration, build the registry and select rules and files."""
    try:
        return _prepare(flags, extra_plugins)
    except (ConfigError, DiscoveryError, SelectionError, KubeVersionError) as exc:
        raise SetupError(str(exc)) from None


def _prepare(flags: Flags, extra_plugins: Sequence[object]) -> Prepared:
    path: Path | None = None
    if flags.config:
        path = Path(flags.config)
        if not path.is_file():
            raise ConfigError(f"{flags.config}: no such configuration file")
    elif not flags.no_config:
        path = find_config(Path.cwd())
    data: dict[str, Any] = {}
    locator = None
    if path is not None:
        data, locator = load_config(path)
    config_dirs = _rule_dirs(data, path, locator) if locator is not None else []
    for schema_dir in flags.schema_dirs:
        if not Path(schema_dir).is_dir():
            raise ConfigError(f"--schema-dir {schema_dir}: no such directory")
    cli_dirs = [Path(d) for d in flags.rule_dirs]
    for directory in cli_dirs:
        if not directory.is_dir():
            raise ConfigError(f"--rule-dir {directory}: no such directory")
    registry = default_registry([*config_dirs, *cli_dirs], extra_plugins)
    validate_rule_params(_custom_params(registry))
    config = Config()
    if locator is not None:
        validate(data, locator, _template_params(data, registry))
        config = build_config(path, data)
        unknown_rules(config, list(registry.rules), locator)
    config = _with_pod_security(config, flags)
    select = list(flags.select) or list(config.select)
    ignore = list(flags.ignore) or list(config.ignore)
    kube_version = resolve_version(flags.kube_version or config.kube_version)
    rules = select_rules(
        registry,
        select,
        ignore,
        config.rules,
        explicit=bool(flags.select),
        run_params={"kube_version": kube_version, "schema_dirs": tuple(flags.schema_dirs)},
    )
    excluder = Excluder.create(config.root, config.exclude)
    targets = discover(flags.paths, stdin_name=flags.stdin_filename, exclude=excluder.excluded)
    context_dir = flags.context or config.context
    if context_dir == ":git":
        context_dir = git_root()
    elif context_dir and not flags.context and config.path is not None:
        context_dir = str(config.root / context_dir)
    context = discover([context_dir], exclude=excluder.excluded) if context_dir else []
    baseline = Path(flags.baseline) if flags.baseline else config.baseline
    inline = (
        config.inline_suppressions
        if flags.inline_suppressions is None
        else flags.inline_suppressions
    )
    return Prepared(
        registry=registry,
        config=config,
        rules=rules,
        targets=targets,
        context=context,
        fail_level=flags.fail_level or config.fail_level or "warning",
        fail_if_no_objects=flags.fail_if_no_objects or config.fail_if_no_objects,
        inline_suppressions=inline,
        baseline=baseline,
        kube_version=kube_version,
    )
