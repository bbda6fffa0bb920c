"""Read bytes into Resource objects with positions; bad input becomes findings, never exceptions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kubelint.compose import ComposeError, compose
from kubelint.model import PositionIndex, Resource, Severity, Span

MAX_FILE_BYTES = 64 * 1024 * 1024
# Markers only Helm uses; `{{ }}` alone is common in ConfigMaps (alerting templates) and is fine.
_HELM = re.compile(
    r"\{\{[^}\n]*?(?:\.Values\b|\.Release\b|\.Chart\b|\.Capabilities\b|\.Files\b|"
    r"\binclude\s|\btoYaml\b|\bnindent\b)"
)


@dataclass(frozen=True)
class LoadProblem:
    """Something wrong with the input itself (reported as parse-error or duplicate-key)."""

    rule: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR


@dataclass(frozen=True)
class LoadedFile:
    """The outcome of loading one file."""

    name: str
    text: str
    documents: int
    resources: tuple[Resource, ...]
    problems: tuple[LoadProblem, ...] = field(default_factory=tuple)


def _point(line: int, column: int, text: str = "") -> Span:
    """Return a 1-based span for a 0-based point; it covers the rest of the token if known."""
    return Span(line + 1, column + 1, line + 1, column + 1 + max(len(text), 1))


def decode(data: bytes) -> tuple[str | None, LoadProblem | None]:
    """Decode UTF-8 (with or without BOM); report bad bytes and NULs at their line."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, LoadProblem(
            "parse-error",
            "file is UTF-16 encoded; Kubernetes manifests must be UTF-8",
            _point(0, 0),
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul)
        column = nul - (data.rfind(b"\n", 0, nul) + 1)
        return None, LoadProblem(
            "parse-error",
            "file contains a NUL byte: it looks binary, not YAML",
            _point(line, column),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start)
        column = len(
            data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")
        )
        return None, LoadProblem(
            "parse-error",
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            _point(line, column),
        )
    return text, None


def _helm_line(text: str) -> int | None:
    match = _HELM.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start())


def _helm_problem(line: int) -> LoadProblem:
    return LoadProblem(
        "parse-error",
        "this file looks like a Helm template ({{ ... }}): render it first "
        "(for example `helm template . | kubelint check -`)",
        _point(line, 0),
    )


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')


def _template_near(text: str, line: int) -> int | None:
    """Return the line (0-based) of an unquoted `{{` at or just before an error line, if any."""
    lines = text.splitlines()
    for number in range(min(line, len(lines) - 1), max(line - 3, -1), -1):
        if "{{" in _QUOTED.sub("", lines[number]):
            return number
    return None


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def load_text(name: str, text: str, order_start: int = 0) -> LoadedFile:
    """Compose every document of `text` into resources, collecting load problems."""
    helm = _helm_line(text)
    if helm is not None:
        return LoadedFile(name, text, 0, (), (_helm_problem(helm),))
    source = text.replace("\t", " ") if _looks_like_json(text) else text
    resources: list[Resource] = []
    problems: list[LoadProblem] = []
    documents = 0
    try:
        for doc in compose(source):
            documents += 1
            for dup in doc.duplicates:
                problems.append(
                    LoadProblem(
                        "duplicate-key",
                        f'duplicate key "{dup.key}" (first defined on line {dup.first_line}); '
                        "the API server rejects duplicate fields",
                        Span(dup.span[0] + 1, dup.span[1] + 1, dup.span[2] + 1, dup.span[3] + 1),
                    )
                )
            index = PositionIndex(doc.positions)
            for data, item_index, prefix in _objects(doc.data, index):
                order = order_start + len(resources)
                resources.append(
                    _make(name, doc.index, data, item_index, prefix=prefix, order=order)
                )
    except ComposeError as exc:
        template_line = _template_near(text, exc.line)
        if template_line is not None:
            # Unquoted template actions break YAML; say what the file is rather than how it broke.
            problems.append(_helm_problem(template_line))
        else:
            problems.append(LoadProblem("parse-error", exc.message, _point(exc.line, exc.column)))
    return LoadedFile(name, text, documents, tuple(resources), tuple(problems))


def _string_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_object(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and bool(data["kind"])
    )


def _make(
    name: str,
    document: int,
    data: dict[str, Any],
    index: PositionIndex,
    *,
    prefix: tuple[Any, ...],
    order: int,
) -> Resource:
    metadata = data.get("metadata")
    meta = metadata if isinstance(metadata, dict) else {}
    return Resource(
        file=name,
        document=document,
        api_version=data["apiVersion"],
        kind=data["kind"],
        name=_string_or_none(meta.get("name")),
        namespace=_string_or_none(meta.get("namespace")),
        obj=data,
        positions=index,
        prefix=prefix,
        order=order,
    )


def _objects(
    data: Any, index: PositionIndex
) -> Iterator[tuple[dict[str, Any], PositionIndex, tuple[Any, ...]]]:
    """Yield the Kubernetes objects in one document; a List yields each item with its positions."""
    if not _is_object(data):
        return
    items = data.get("items")
    if data["kind"] == "List" or (data["kind"].endswith("List") and isinstance(items, list)):
        if not isinstance(items, list):
            return
        for i, item in enumerate(items):
            if _is_object(item):
                yield item, index.child(("items", i)), ("items", i)
        return
    yield data, index, ()


def load_bytes(name: str, data: bytes, order_start: int = 0) -> LoadedFile:
    """Decode and load one file's bytes."""
    if len(data) > MAX_FILE_BYTES:
        problem = LoadProblem(
            "parse-error",
            f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; not linted",
            _point(0, 0),
        )
        return LoadedFile(name, "", 0, (), (problem,))
    text, bad = decode(data)
    if text is None:
        assert bad is not None
        return LoadedFile(name, "", 0, (), (bad,))
    return load_text(name, text, order_start)
