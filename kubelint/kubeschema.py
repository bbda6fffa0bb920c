"""Kubernetes OpenAPI schemas (from kubernetes-validate) compiled into fast validators.

kubernetes-validate's own `validate()` reloads its schema files on every call (about 10 ms)
and stops at the first error, and jsonschema walks these large schemas slowly. The schemas use
a small subset of JSON Schema (type, properties, additionalProperties, required, items, enum,
$ref, oneOf), so each definition is compiled once into a closure that reports every error
with its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from kubelint.data import Codec, cached
from kubelint.kubeversion import schema_root
from kubelint.model import JsonPath

# A compiled check appends (path, problem, detail) for every error in a value.
Problem = tuple[JsonPath, str, Any]
Check = Callable[[Any, JsonPath, list[Problem]], None]

_PYTHON: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    # sigs.k8s.io/yaml turns 1.0 into the JSON number 1, which an integer field accepts.
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


@dataclass(frozen=True)
class Unknown:
    """No schema: the kind is not served by this apiVersion in this Kubernetes version."""

    known_group: bool


def _group_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


class SchemaSet:
    """The strict definitions of one Kubernetes version, compiled on demand."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.defs = definitions
        self.by_gvk: dict[tuple[str, str, str], str] = {}
        self.groups: set[str] = set()
        for name, schema in definitions.items():
            for gvk in schema.get("x-kubernetes-group-version-kind", ()):
                key = (gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", ""))
                self.by_gvk.setdefault(key, name)
                self.groups.add(key[0])
        self.compiled: dict[str, Check] = {}

    def compile_inline(self, schema: dict[str, Any]) -> Check:
        """Compile a schema that is not among the definitions (a CRD's openAPIV3Schema)."""
        return self._compile(schema)

    def checker(self, api_version: str, kind: str) -> Check | Unknown:
        """Return the compiled check for an apiVersion and kind, or why there is none."""
        group, version = _group_version(api_version)
        name = self.by_gvk.get((group, version, kind))
        if name is None:
            return Unknown(group in self.groups)
        return self._ref(name)

    def _ref(self, name: str) -> Check:
        compiled = self.compiled.get(name)
        if compiled is not None:
            return compiled

        # Compiled on first use: a Deployment reaches hundreds of definitions (every volume
        # type), most of which a manifest never touches; recursive ones refer to themselves.
        def deferred(value: Any, path: JsonPath, out: list[Problem]) -> None:
            real = self.compiled[name]
            if real is deferred:
                real = self._compile(self.defs.get(name, {}))
                self.compiled[name] = real
            real(value, path, out)

        self.compiled[name] = deferred
        return deferred

    def _compile(self, schema: dict[str, Any]) -> Check:
        if not isinstance(schema, dict):
            return _accept  # not a schema object; no structural CRD has one
        if "$ref" in schema:
            ref = schema["$ref"]
            # A CRD with a malformed $ref is rejected by the API server (and reported on the
            # CRD); its custom resources cannot exist, so they are not judged.
            return self._ref(ref.rsplit("/", 1)[-1]) if isinstance(ref, str) else _accept
        if schema.get("x-kubernetes-preserve-unknown-fields") and "properties" not in schema:
            return _accept
        one_of = schema.get("oneOf")
        if isinstance(one_of, list) and "type" not in schema and "properties" not in schema:
            # Kubernetes' own schemas spell int-or-string this way. Beside a structural schema
            # (a CRD's), oneOf is an extra value validation that is not checked here.
            branches = [self._compile(s) for s in one_of]
            return _one_of(branches, one_of)
        raw_types = schema.get("type")
        types = (
            tuple(raw_types) if isinstance(raw_types, list) else (raw_types,) if raw_types else ()
        )
        if schema.get("x-kubernetes-int-or-string"):
            types = ("integer", "string")
        if types and schema.get("nullable"):
            types = (*types, "null")
        types = tuple(t for t in types if isinstance(t, str))  # a malformed CRD may say [{}]
        tests = tuple(_PYTHON[t] for t in types if t in _PYTHON)
        enum = schema.get("enum")
        if not isinstance(enum, list):
            enum = None
        raw_properties = schema.get("properties")
        if not isinstance(raw_properties, dict):
            raw_properties = {}
        properties = {k: self._compile(v) for k, v in raw_properties.items()}
        extra = schema.get("additionalProperties")
        extra_check = self._compile(extra) if isinstance(extra, dict) else None
        closed = extra is False and not schema.get("x-kubernetes-preserve-unknown-fields")
        # The API server applies defaults before it validates: a defaulted field is never
        # missing.
        raw_required = schema.get("required")
        required = tuple(
            key
            for key in (raw_required if isinstance(raw_required, list) else ())
            if isinstance(key, str)
            and not (isinstance(raw_properties.get(key), dict) and "default" in raw_properties[key])
        )
        items = schema.get("items")
        item_check = self._compile(items) if isinstance(items, dict) else None
        expected = tuple(t for t in types if t != "null")

        def check(value: Any, path: JsonPath, out: list[Problem]) -> None:
            # null is never a type error: Go decodes it to the zero value, and the API server
            # prunes it from custom resources; a null required field is reported as missing.
            if value is None:
                return
            if tests and not any(test(value) for test in tests):
                out.append((path, "type", expected))
                return
            if enum is not None and value not in enum:
                out.append((path, "enum", enum))
                return
            if isinstance(value, dict):
                for key, item in value.items():
                    sub = properties.get(key)
                    if sub is not None:
                        sub(item, (*path, key), out)
                    elif extra_check is not None:
                        extra_check(item, (*path, key), out)
                    elif closed:
                        out.append(((*path, key), "unknown", key))
                for key in required:
                    if key not in value or value[key] is None:
                        out.append(((*path, key), "required", key))
            elif isinstance(value, list) and item_check is not None:
                for index, item in enumerate(value):
                    item_check(item, (*path, index), out)

        return check


def _accept(value: Any, path: JsonPath, out: list[Problem]) -> None:
    return None


def _one_of(branches: list[Check], schemas: list[dict[str, Any]]) -> Check:
    names: list[str] = []
    for schema in schemas:
        kind = schema.get("type") if isinstance(schema, dict) else None
        for t in kind if isinstance(kind, list) else [kind]:
            if isinstance(t, str) and t and t != "null" and t not in names:
                names.append(t)

    def check(value: Any, path: JsonPath, out: list[Problem]) -> None:
        for branch in branches:
            trial: list[Problem] = []
            branch(value, path, trial)
            if not trial:
                return
        out.append((path, "type", tuple(names)))

    return check


def strip_descriptions(schema: Any) -> Any:
    """Drop description texts (most of the bytes) from a schema tree, and nothing else.

    Only a `description` whose value is a string is documentation. A property that is itself
    named `description` (JSONSchemaProps, CustomResourceColumnDefinition, PriorityClass, ...)
    maps to a schema object and stays: a cache must never change what a schema accepts.
    """
    if isinstance(schema, dict):
        return {
            k: strip_descriptions(v)
            for k, v in schema.items()
            if not (k == "description" and isinstance(v, str))
        }
    if isinstance(schema, list):
        return [strip_descriptions(v) for v in schema]
    return schema


# Bumped whenever strip_descriptions changes what it keeps, so that no run reads a cache
# written by an older transformation (format 1 deleted properties named `description`).
_CACHE_FORMAT = 2


def _decode_definitions(data: Any) -> dict[str, Any]:
    """Accept cached definitions only in the shape SchemaSet reads: name to schema object."""
    if not isinstance(data, dict):
        raise ValueError("expected a mapping of definitions")
    for name, schema in data.items():
        if not isinstance(schema, dict):
            raise ValueError(f"definition {name!r} is not a schema object")
        gvks = schema.get("x-kubernetes-group-version-kind", [])
        if not isinstance(gvks, list) or not all(
            isinstance(gvk, dict) and all(isinstance(v, str) for v in gvk.values()) for gvk in gvks
        ):
            raise ValueError(f"definition {name!r} has a malformed group-version-kind")
    return data


def _same(definitions: dict[str, Any]) -> dict[str, Any]:
    return definitions


# The stripped definitions are JSON already; the decoder checks what SchemaSet relies on.
SCHEMA_CODEC: Codec[dict[str, Any]] = Codec("schemas", _same, _decode_definitions)


def _read_definitions(source: Path) -> dict[str, Any]:
    data = json.loads(source.read_text(encoding="utf-8"))
    definitions = strip_descriptions(data.get("$defs") or data.get("definitions") or {})
    if not isinstance(definitions, dict):
        raise ValueError(f"{source}: expected a mapping of definitions")
    return definitions


@lru_cache(maxsize=4)
def schema_set(version: str) -> SchemaSet | None:
    """Load the strict definitions for MAJOR.MINOR, once per process.

    The bundled file is 1.8 MB, mostly descriptions; a copy without them is kept in the user
    cache, which parses four times faster on every later run (pre-commit start-up counts).
    """
    root = schema_root()
    if root is None:
        return None
    source = root / f"v{version}.0-local-strict" / "_definitions.json"
    try:
        definitions = cached(
            SCHEMA_CODEC, [source], lambda: _read_definitions(source), _CACHE_FORMAT
        )
    except (OSError, ValueError):
        return None
    return SchemaSet(definitions)


def problems(check: Check, obj: Any) -> Iterator[Problem]:
    """Run a compiled check over an object and yield its problems, in document order."""
    out: list[Problem] = []
    check(obj, (), out)
    yield from out
