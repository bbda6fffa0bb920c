"""The schema cache's transformation never changes what a bundled schema accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kubelint.kubeschema import schema_set, strip_descriptions
from kubelint.kubeversion import schema_root, supported


def _keys(schema: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Yield the path of every key in a schema tree, except description texts."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "description" and isinstance(value, str):
                continue
            yield (*path, key)
            yield from _keys(value, (*path, key))
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from _keys(value, (*path, str(index)))


def _definitions(version: str) -> dict[str, Any]:
    root = schema_root()
    assert root is not None
    data = json.loads((root / f"v{version}.0-local-strict" / "_definitions.json").read_text())
    return data.get("$defs") or data.get("definitions") or {}


@pytest.mark.parametrize("version", supported())
def test_stripping_keeps_every_key_but_description_texts(version: str) -> None:
    original = _definitions(version)
    stripped = strip_descriptions(original)
    assert set(_keys(stripped)) == set(_keys(original))
    # The properties that are real fields named "description" survive (the bug it guards).
    props = stripped["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]
    assert "description" in props["properties"]
    column = (
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceColumnDefinition"
    )
    assert "description" in stripped[column]["properties"]
    assert "description" in stripped["io.k8s.api.scheduling.v1.PriorityClass"]["properties"]
    # And the texts themselves are gone, which is what the cache is for.
    assert not isinstance(props.get("description"), str)


def test_a_cached_schema_set_accepts_what_the_bundled_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path))
    version = supported()[-1]
    schema_set.cache_clear()
    first = schema_set(version)  # built from the bundled file, writes the cache
    schema_set.cache_clear()
    second = schema_set(version)  # read back from the cache
    schema_set.cache_clear()
    assert first is not None and second is not None
    assert list((tmp_path / "schemas").iterdir()), "the cache was not written"
    assert first.defs == second.defs
    assert set(_keys(second.defs)) == set(_keys(_definitions(version)))
