"""Schemas of custom resources: from CustomResourceDefinitions in the input or in --schema-dir."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kubelint.kubeschema import Check, Problem, SchemaSet
from kubelint.load import load_text
from kubelint.model import JsonPath, Resource
from kubelint.podspec import as_dict, as_list

GVK = tuple[str, str, str]
# Every object may carry these, whether or not the CRD's schema lists them.
_IMPLICIT = {
    "apiVersion": {"type": "string"},
    "kind": {"type": "string"},
    "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
}


def _with_implicit(schema: dict[str, Any]) -> dict[str, Any]:
    raw = schema.get("properties")
    properties = dict(raw) if isinstance(raw, dict) else {}
    for key, value in _IMPLICIT.items():
        properties.setdefault(key, value)
    return {**schema, "properties": properties}


def _closed(schema: Any) -> Any:
    """Make a structural schema strict: unknown fields are errors unless preserved.

    It walks the schema by its structure: the keys of `properties` are field names (a CRD may
    have a field named `properties` or `items`), their values are schemas.
    """
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        out["properties"] = {name: _closed(sub) for name, sub in properties.items()}
        if "additionalProperties" not in out and not out.get(
            "x-kubernetes-preserve-unknown-fields"
        ):
            out["additionalProperties"] = False
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = _closed(out[key])
    # allOf, anyOf, oneOf and not only add value validations to a structural schema; their
    # branches list some fields, never all, so closing them would reject valid objects.
    return out


_SUBSCHEMA = ("items", "additionalProperties", "not")
_BRANCHES = ("oneOf", "anyOf", "allOf")


def malformed(schema: Any) -> bool:
    """Return True when a CRD schema is not a structural schema the API server would accept.

    Such a CRD is rejected (schema-validation reports it on the CRD), so no custom resource of
    it can exist: judging them against a half-read schema would only invent findings.
    """
    # One flat walk with a stack: it visits every node of every CRD, on every run.
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            return True
        kind = node.get("type")
        if kind is not None and not isinstance(kind, str):
            return True
        if "$ref" in node and not isinstance(node["$ref"], str):
            return True
        required = node.get("required")
        if required is not None and (
            not isinstance(required, list) or not all(isinstance(r, str) for r in required)
        ):
            return True
        properties = node.get("properties")
        if properties is not None:
            if not isinstance(properties, dict):
                return True
            stack.extend(properties.values())
        for key in _SUBSCHEMA:
            sub = node.get(key)
            if isinstance(sub, dict):
                stack.append(sub)
        for key in _BRANCHES:
            branches = node.get(key)
            if branches is not None:
                if not isinstance(branches, list):
                    return True
                stack.extend(branches)
    return False


def crd_schemas(crd: dict[str, Any]) -> Iterator[tuple[GVK, dict[str, Any]]]:
    """Yield ((group, version, kind), openAPIV3Schema) for each version a CRD serves."""
    spec = as_dict(crd.get("spec"))
    group = spec.get("group")
    kind = as_dict(spec.get("names")).get("kind")
    if not isinstance(group, str) or not isinstance(kind, str):
        return
    shared = as_dict(as_dict(spec.get("validation")).get("openAPIV3Schema"))  # v1beta1 CRDs
    for entry in as_list(spec.get("versions")):
        served = as_dict(entry)
        name = served.get("name")
        schema = as_dict(as_dict(served.get("schema")).get("openAPIV3Schema")) or shared
        if isinstance(name, str) and schema:
            yield (group, name, kind), schema
    if isinstance(spec.get("version"), str) and shared:
        yield (group, spec["version"], kind), shared


CRD_JUDGE = "its CustomResourceDefinition"
CATALOG_JUDGE = "its schema in --schema-dir"


def _from_directory(directory: Path) -> Iterator[tuple[GVK, dict[str, Any], str]]:
    """Read CRD manifests (*.yaml, *.yml, *.json) and catalog schemas (GROUP/KIND_VERSION.json)."""
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".json"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = False
        for resource in load_text(str(path), text).resources:
            if resource.kind == "CustomResourceDefinition":
                found = True
                for gvk, schema in crd_schemas(resource.obj):
                    yield gvk, schema, CRD_JUDGE
        if not found and path.suffix == ".json" and "_" in path.stem:
            kind, _, version = path.stem.rpartition("_")
            try:
                schema = json.loads(text)
            except ValueError:
                continue
            group = path.parent.name if path.parent != directory else ""
            if isinstance(schema, dict):
                yield (group, version, kind.lower()), schema, CATALOG_JUDGE


def _all_reject(first: Check, second: Check) -> Check:
    """Return a check that reports only the problems both checks report."""

    def check(value: Any, path: JsonPath, out: list[Problem]) -> None:
        mine: list[Problem] = []
        first(value, path, mine)
        if not mine:
            return
        theirs: list[Problem] = []
        second(value, path, theirs)
        both = {(p[0], p[1]) for p in theirs}
        out.extend(p for p in mine if (p[0], p[1]) in both)

    return check


class CustomSchemas:
    """Compiled validators for custom resources, keyed by group, version and kind."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.compiler = SchemaSet({})
        self.checks: dict[GVK, Check] = {}
        # Who rejects an object that fails the schema, for messages.
        self.judges: dict[GVK, str] = {}
        self.schemas: dict[GVK, list[dict[str, Any]]] = {}
        # Kinds whose only schemas are malformed: the API server rejects their CRDs.
        self.rejected: set[GVK] = set()

    def add(self, gvk: GVK, schema: dict[str, Any], judge: str = CRD_JUDGE) -> None:
        """Compile one schema; a kind defined twice differently must fail both to be wrong.

        Projects ship variants of one CRD (a full and a minimal schema): kubelint cannot know
        which the cluster has, so it reports only what every variant rejects.
        """
        if malformed(schema):
            self.rejected.add(gvk)
            return
        seen = self.schemas.setdefault(gvk, [])
        if schema in seen:
            return
        seen.append(schema)
        prepared = _with_implicit(schema)
        check = self.compiler.compile_inline(_closed(prepared) if self.strict else prepared)
        if gvk not in self.checks:
            self.judges[gvk] = judge
            self.checks[gvk] = check
        else:
            self.checks[gvk] = _all_reject(self.checks[gvk], check)
            self.judges[gvk] = "every CustomResourceDefinition of this kind in the run"

    def add_crds(self, resources: Iterable[Resource]) -> None:
        """Add the schemas of the CustomResourceDefinitions among `resources`."""
        for resource in resources:
            if resource.kind == "CustomResourceDefinition":
                for gvk, schema in crd_schemas(resource.obj):
                    self.add(gvk, schema)

    def add_directory(self, directory: Path) -> None:
        """Add every schema found in a --schema-dir."""
        for gvk, schema, judge in _from_directory(directory):
            self.add(gvk, schema, judge)

    def get(self, api_version: str, kind: str) -> tuple[Check, str] | None:
        """Return the check for a custom resource and who rejects it, if its schema is known."""
        group, _, version = api_version.rpartition("/")
        for key in ((group, version, kind), (group, version, kind.lower())):
            if key in self.checks:
                return self.checks[key], self.judges[key]
        return None

    def is_rejected(self, api_version: str, kind: str) -> bool:
        """Return True when the only schemas of this kind come from CRDs the API server rejects."""
        group, _, version = api_version.rpartition("/")
        return (group, version, kind) in self.rejected
