"""Find, read and validate the configuration: .kubelint.yaml, or [tool.kubelint] in pyproject."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubelint import __version__
from kubelint.compose import ComposeError, compose
from kubelint.data import Codec, data_dir, lookup, store
from kubelint.model import JsonPath, PositionIndex, Severity, format_path, source_lines

CONFIG_NAMES = (".kubelint.yaml", ".kubelint.yml")
PYPROJECT = "pyproject.toml"


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True)
class RuleSetting:
    """What the configuration says about one rule."""

    enabled: bool | None = None
    severity: Severity | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """The effective configuration (empty when there is no file)."""

    path: Path | None = None
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    kube_version: str | None = None
    fail_level: str | None = None
    fail_if_no_objects: bool = False
    rule_dirs: tuple[Path, ...] = ()
    context: str | None = None
    inline_suppressions: bool = True
    baseline: Path | None = None
    pod_security: str | None = None
    pod_security_version: str | None = None

    @property
    def root(self) -> Path:
        """Return the directory that relative paths in the configuration start from."""
        return self.path.parent if self.path is not None else Path.cwd()


def find_config(start: Path) -> Path | None:
    """Return the nearest .kubelint.yaml, or pyproject.toml with [tool.kubelint], upwards."""
    current = start.resolve()
    for directory in (current, *current.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_kubelint_table(pyproject):
            return pyproject
    return None


def _has_kubelint_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[tool\.kubelint(\.|\])", text, re.M) is not None


class _Locator:
    """Turns a key path into `file:line` for messages."""

    def __init__(self, path: Path, index: PositionIndex | None, text: str) -> None:
        self.path = path
        self.index = index
        self.text = text

    def where(self, key: JsonPath) -> str:
        if self.index is not None:
            return f"{self.path}:{self.index.lookup(key).line}"
        # TOML: find the line of the last key by name, inside [tool.kubelint].
        names = [k for k in key if isinstance(k, str)]
        if names:
            pattern = re.compile(rf"^\s*\"?{re.escape(names[-1])}\"?\s*=", re.M)
            match = pattern.search(self.text)
            if match:
                return f"{self.path}:{self.text.count(chr(10), 0, match.start()) + 1}"
        return str(self.path)


def _read(path: Path) -> tuple[dict[str, Any], _Locator]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    if path.name == PYPROJECT or path.suffix == ".toml":
        return _read_toml(path, text)
    try:
        documents = list(compose(text))
    except ComposeError as exc:
        raise ConfigError(f"{path}:{exc.line + 1}:{exc.column + 1}: {exc.message}") from None
    if not documents or documents[0].data is None:
        return {}, _Locator(path, None, text)
    if len(documents) > 1:
        raise ConfigError(f"{path}: the configuration must be a single YAML document")
    doc = documents[0]
    if doc.duplicates:
        dup = doc.duplicates[0]
        raise ConfigError(f"{path}:{dup.span[0] + 1}: duplicate key {dup.key!r}")
    if not isinstance(doc.data, dict):
        raise ConfigError(f"{path}:1: the configuration must be a mapping of settings")
    index = PositionIndex(doc.positions)
    return _versions_as_written(doc.data, index, text), _Locator(path, index, text)


_VERSION_KEYS = ("kube-version", "pod-security-version")


def _versions_as_written(data: dict[str, Any], index: PositionIndex, text: str) -> dict[str, Any]:
    """Read `kube-version: 1.30` as the user wrote it: YAML alone would make it 1.3."""
    for key in _VERSION_KEYS:
        value = data.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            entry, depth = index.resolve((key,))
            line, column, end_line, end_column = entry[1]
            if depth == 1 and line == end_line:
                data = {**data, key: source_lines(text)[line][column:end_column]}
    return data


def _read_toml(path: Path, text: str) -> tuple[dict[str, Any], _Locator]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = data.get("tool", {}).get("kubelint", {}) if path.name == PYPROJECT else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.kubelint] must be a table")
    locator = _Locator(path, None, text)
    for key in _VERSION_KEYS:
        if isinstance(table.get(key), float):
            raise ConfigError(
                f"{locator.where((key,))}: {key}: TOML reads {table[key]} as a number, which "
                f'drops trailing zeros: quote it, as in {key} = "1.30"'
            )
    return table, locator


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Undo YAML 1.1 decoding where the configuration means words: `bare-pod: off` is "off"."""
    rules = data.get("rules")
    if isinstance(rules, dict):
        data = {**data, "rules": {k: ("off" if v is False else v) for k, v in rules.items()}}
    return data


def _deepest(error: Any) -> Any:
    """For a rule setting written as a mapping, report what is wrong inside the mapping."""
    if error.validator == "oneOf" and isinstance(error.instance, dict) and error.context:
        inner = [
            e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == 1
        ]
        if inner:
            return _deepest(max(inner, key=lambda e: len(e.absolute_path)))
    return error


def _describe(error: Any) -> str:
    """Turn a jsonschema error into a sentence a person would write."""
    validator = error.validator
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = (
            sorted(set(error.instance) - set(allowed)) if isinstance(error.instance, dict) else []
        )
        unknown = extra[0] if extra else "?"
        hint = difflib.get_close_matches(unknown, allowed, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        return f"unknown key {unknown!r}{suggestion}; expected one of {', '.join(allowed)}"
    if validator == "oneOf" and "rules" in list(error.absolute_path)[:1]:
        return "expected off, error, warning, info or a mapping with severity and params"
    if validator == "enum":
        return (
            "expected " + ", ".join(map(str, error.validator_value)) + f", got {error.instance!r}"
        )
    if validator == "type":
        return f"expected {error.validator_value}, got {json.dumps(error.instance)}"
    if validator == "pattern":
        return f"{error.instance!r} does not look right (pattern {error.validator_value})"
    return str(error.message)


def _valid(data: Any) -> bool:
    if data is not True:
        raise ValueError("expected true")
    return True


def _true(_: bool) -> bool:
    return True


# A configuration that validated is remembered as `true` under its content hash.
VALID_CONFIG_CODEC: Codec[bool] = Codec("valid-config", _true, _valid)


def _validated_before(digest: str) -> bool:
    return lookup(VALID_CONFIG_CODEC, digest) is True


def _remember(digest: str) -> None:
    store(VALID_CONFIG_CODEC, digest, True)  # a read-only home only costs the validation again


def validate(
    data: dict[str, Any],
    locator: _Locator,
    template_params: Mapping[str, tuple[str | None, Mapping[str, Any]]] | None = None,
) -> None:
    """Validate the configuration against schemas/config.schema.json; raise ConfigError.

    jsonschema costs about 70 ms to import, too much for every pre-commit run, so a
    configuration that validated once is remembered by content hash in the user cache.
    """
    schema_text = (data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8")
    digest = hashlib.sha256(
        json.dumps(
            [__version__, schema_text, data, template_params], sort_keys=True, default=str
        ).encode()
    ).hexdigest()
    # Globs are checked on every run (it is cheap), not only when the file is new to the cache.
    globs = _glob_problems(data, locator)
    if not globs and _validated_before(digest):
        return
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(json.loads(schema_text))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    # Every error at once, in file order: fixing one at a time is a slow way to learn a format.
    problems = list(globs)
    for found in errors:
        error = _deepest(found)
        path = tuple(error.absolute_path)
        key = format_path(path) or "(top level)"
        problems.append((locator.where(path), f"{key}: {_describe(error)}"))
    for rule_id, (template, schema) in (template_params or {}).items():
        if errors:
            break  # parameters are checked once the configuration's shape is right
        params = data["rules"][rule_id]["params"]
        for error in Draft202012Validator(dict(schema)).iter_errors(params):
            path = ("rules", rule_id, "params", *error.absolute_path)
            where = f" (template {template})" if template else ""
            problems.append(
                (locator.where(path), f"{format_path(path)}: {_describe(error)}{where}")
            )
    if problems:
        ordered = sorted(problems, key=lambda p: _line_of(p[0]))
        raise ConfigError("\nkubelint: error: ".join(f"{where}: {text}" for where, text in ordered))
    _remember(digest)


def _glob_problems(data: Mapping[str, Any], locator: _Locator) -> list[tuple[str, str]]:
    """Return (where, message) for each `exclude` entry that is not a valid glob."""
    from kubelint.exclude import GlobError, compile_pattern

    entries = data.get("exclude")
    problems: list[tuple[str, str]] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, str):
            continue  # the schema reports it
        try:
            compile_pattern(entry)
        except GlobError as exc:
            path: JsonPath = ("exclude", index)
            problems.append((locator.where(path), f"{format_path(path)}: {exc}"))
    return problems


def _line_of(where: str) -> int:
    """Return the line number at the end of `file:line`, 0 when there is none."""
    tail = where.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


def validate_rule_params(
    rules: Sequence[tuple[str, str, Mapping[str, Any], Mapping[str, Any]]],
) -> None:
    """Check the `params` of rule files against their templates' schemas; raise ConfigError.

    Each entry is (rule file, template name, params, parameter schema). Remembered like a
    valid configuration, so unchanged rule files cost nothing on the next run.
    """
    if not rules:
        return
    digest = hashlib.sha256(
        json.dumps([__version__, rules], sort_keys=True, default=str).encode()
    ).hexdigest()
    if _validated_before(digest):
        return
    from jsonschema import Draft202012Validator

    for source, template, params, schema in rules:
        for error in Draft202012Validator(dict(schema)).iter_errors(dict(params)):
            path = ("check", "params", *error.absolute_path)
            raise ConfigError(
                f"{source}: {format_path(path)}: {_describe(error)} (template {template})"
            )
    _remember(digest)


def load_config(path: Path) -> tuple[dict[str, Any], _Locator]:
    """Read a configuration file into normalised data and a locator for messages."""
    data, locator = _read(path)
    return _normalise(data), locator


def build_config(path: Path | None, data: Mapping[str, Any]) -> Config:
    """Turn validated data into a Config; relative paths start at the file's directory."""
    root = path.parent if path is not None else Path.cwd()
    rules: dict[str, RuleSetting] = {}
    for rule_id, setting in (data.get("rules") or {}).items():
        if setting == "off":
            rules[rule_id] = RuleSetting(enabled=False)
        elif isinstance(setting, str):
            rules[rule_id] = RuleSetting(enabled=True, severity=Severity.parse(setting))
        else:
            severity = setting.get("severity")
            rules[rule_id] = RuleSetting(
                enabled=setting.get("enabled", True),
                severity=Severity.parse(severity) if severity else None,
                params=setting.get("params") or {},
            )
    baseline = data.get("baseline")
    return Config(
        path=path,
        rules=rules,
        select=tuple(data.get("select") or ()),
        ignore=tuple(data.get("ignore") or ()),
        exclude=tuple(data.get("exclude") or ()),
        kube_version=data.get("kube-version"),
        fail_level=data.get("fail-level"),
        fail_if_no_objects=data.get("fail-if-no-objects") is True,
        rule_dirs=tuple(root / d for d in data.get("rule-dirs") or ()),
        context=data.get("context"),
        inline_suppressions=data.get("inline-suppressions", True),
        baseline=root / baseline if baseline else None,
        pod_security=data.get("pod-security"),
        pod_security_version=data.get("pod-security-version"),
    )


def unknown_rules(config: Config, known: Sequence[str], locator: _Locator) -> None:
    """Raise ConfigError when the configuration names a rule that does not exist."""
    for key in ("rules", "select", "ignore"):
        names = list(config.rules) if key == "rules" else list(getattr(config, key))
        for i, name in enumerate(names):
            if name == "ALL" or name in known:
                continue
            hint = difflib.get_close_matches(name, known, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            path: JsonPath = (key, name) if key == "rules" else (key, i)
            raise ConfigError(f"{locator.where(path)}: {key}: unknown rule {name!r}{suggestion}")
