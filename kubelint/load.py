"""Read bytes into Resource objects with positions; bad input becomes findings, never exceptions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kubelint.compose import MAX_DUPLICATES, ComposeError, compose, plain_scalars
from kubelint.model import (
    PosEntry,
    PositionIndex,
    Resource,
    Severity,
    Span,
    source_lines,
    to_span,
)

MAX_FILE_BYTES = 64 * 1024 * 1024
# Markers only Helm uses; `{{ }}` alone is common in ConfigMaps (alerting templates) and is fine.
_HELM = re.compile(
    r"\{\{[^}\n]*?(?:\.Values\b|\.Release\b|\.Chart\b|\.Capabilities\b|\.Files\b|"
    r"\binclude\s|\btemplate\s|\btoYaml\b|\bnindent\b)"
)
# Go template actions (Helm's language): where `{{` breaks the YAML, these say "template", not
# "placeholder".
_GO_TEMPLATE = re.compile(
    r"\{\{-|-\}\}|\{\{\s*(?:if|else|end|range|with|define|block|template|include|tpl)\b|"
    r"\{\{[^}\n]*\|"
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
    # Where a line (1-based) is the text of a scalar that spans lines, the column (0-based)
    # that text ends at: a `# kubelint:` before it is data (a ConfigMap's script), not a
    # comment. Filled only for files that mention `kubelint:`.
    scalar_text: Mapping[int, float] = field(default_factory=dict)
    # Duplicate keys past the listing limit: where the first is, and how many there are.
    more_duplicates: tuple[tuple[Span, int], ...] = ()


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


_HELM_MESSAGE = (
    "this file looks like a Helm template ({{ ... }}): render it first "
    "(for example `helm template . | kubelint check -`)"
)


def _helm_problem(line: int) -> LoadProblem:
    return LoadProblem("parse-error", _HELM_MESSAGE, _point(line, 0))


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'')


_PLACEHOLDER = re.compile(r"\{\{[^{}\n]{0,80}\}\}")


def _template_near(text: str, line: int) -> tuple[int, int] | None:
    """Return (line, column), 0-based, of an unquoted `{{` at or just before an error line."""
    lines = source_lines(text)
    for number in range(min(line, len(lines) - 1), max(line - 3, -1), -1):
        unquoted = _QUOTED.sub(lambda m: " " * len(m.group(0)), lines[number])
        comment = unquoted.find(" #")
        if unquoted.lstrip().startswith("#"):
            continue
        if comment >= 0:
            unquoted = unquoted[:comment]
        column = unquoted.find("{{")
        if column >= 0:
            return number, column
    return None


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def load_text(
    name: str, text: str, order_start: int = 0, max_duplicates: int | None = MAX_DUPLICATES
) -> LoadedFile:
    """Compose every document of `text` into resources, collecting load problems.

    At most `max_duplicates` duplicate keys are listed (None: all); the rest are counted.
    `{{ }}` is data where YAML says so (comments, quoted and block strings: alerting templates
    in ConfigMaps, a chart's `values.yaml` comments). The file is an unrendered Helm template
    only when template syntax is written in the YAML itself: where it breaks the YAML, or in a
    plain scalar with Helm's markers (`.Values`, `include`, ...).
    """
    source = text.replace("\t", " ") if _looks_like_json(text) else text
    resources: list[Resource] = []
    problems: list[LoadProblem] = []
    scalar_text: dict[int, float] = {}
    starts = [0, *(m.end() for m in re.finditer("\n", text))] if "kubelint:" in text else []
    documents = 0
    more: list[tuple[Span, int]] = []
    text_end = _text_end(text)
    try:
        for doc in compose(source, max_duplicates):
            documents += 1
            if starts:
                _scalar_lines(text, starts, doc.data, doc.positions, scalar_text)
            for dup in doc.duplicates:
                problems.append(
                    LoadProblem(
                        "duplicate-key",
                        f'duplicate key "{dup.key}" (first defined on line {dup.first_line}); '
                        "the API server rejects duplicate fields",
                        to_span(dup.span),
                    )
                )
            if doc.more_duplicates and doc.first_more is not None:
                more.append((to_span(doc.first_more), doc.more_duplicates))
            index = PositionIndex(_inside_text(doc.positions, text_end))
            for data, item_index, prefix in _objects(doc.data, index):
                order = order_start + len(resources)
                resources.append(
                    _make(name, doc.index, data, item_index, prefix=prefix, order=order, text=text)
                )
    except ComposeError as exc:
        problem = _broken(text, exc)
        if problem.message is _HELM_MESSAGE:
            return LoadedFile(name, text, 0, (), (problem,))
        # The documents before the break are real and are linted.
        problems.append(problem)
    helm = _helm_in_plain_scalar(text)
    if helm is not None:
        return LoadedFile(name, text, 0, (), (_helm_problem(helm),))
    return LoadedFile(
        name, text, documents, tuple(resources), tuple(problems), scalar_text, tuple(more)
    )


def _text_end(text: str) -> tuple[int, tuple[int, int]]:
    """Return the 0-based number of the line after the last one, and where the last one ends."""
    count = text.count("\n")
    if not text.endswith("\n"):
        return count + 1, (count, len(text) - text.rfind("\n") - 1 - text.endswith("\r"))
    start = text.rfind("\n", 0, len(text) - 1) + 1
    return count, (count - 1, len(text) - 1 - start - text.endswith("\r\n"))


def _inside_text(entry: PosEntry, text_end: tuple[int, tuple[int, int]]) -> PosEntry:
    """Return `entry` with spans that end past the last line ending at that line's end instead.

    libyaml ends a block collection (or block scalar) at the start of the next token: for the
    last one of a file, the start of a line the file does not have (with or without a final
    newline). Findings on it (a missing top-level field points at the whole object) reported
    that line, which editors, GitHub and SARIF viewers do not show.
    """
    past, end = text_end

    def clamp(node: PosEntry) -> PosEntry:
        key, (line, column, end_line, end_column), sub = node
        if end_line != past or end_column != 0 or line >= past:
            return node  # the common case: one comparison per document
        # Only the last child of each level can end where its parent does.
        if isinstance(sub, dict) and sub:
            last = next(reversed(sub))
            sub[last] = clamp(sub[last])
        elif isinstance(sub, list) and sub:
            sub[-1] = clamp(sub[-1])
        return (key, (line, column, *end), sub)

    return clamp(entry)


def _scalar_lines(
    text: str, starts: list[int], data: Any, entry: PosEntry, out: dict[int, float]
) -> None:
    """Record the lines of one document that are inside a string spanning several lines."""
    stack = [(data, entry)]
    while stack:
        value, (_, span, children) = stack.pop()
        if isinstance(children, dict) and isinstance(value, dict):
            stack.extend((value[key], child) for key, child in children.items() if key in value)
        elif isinstance(children, list) and isinstance(value, list):
            stack.extend(zip(value, children, strict=False))
        elif isinstance(value, str) and span[2] > span[0]:
            line, column, end_line, end_column = span
            # A quoted string's first line is text from its quote on; a block scalar's header
            # line (`|`, `>`) may carry a real comment. A span ending at column 0 ends before
            # its last line.
            first = line + 1 if _starts_quoted(starts, text, line, column) else line + 2
            for number in range(first, end_line + 1):
                out[number] = float("inf")
            if end_column:
                out[end_line + 1] = max(out.get(end_line + 1, 0), end_column)


def _starts_quoted(starts: list[int], text: str, line: int, column: int) -> bool:
    at = starts[line] + column if line < len(starts) else len(text)
    return text[at : at + 1] in ("'", '"')


def _helm_in_plain_scalar(text: str) -> int | None:
    """Return the line of Helm syntax in a plain scalar (`name: app-{{ .Values.x }}`), if any."""
    if _HELM.search(text) is None:
        return None  # the common case: one regex scan, no second parse
    for value, line, _ in plain_scalars(text):
        if "{{" in value and _HELM.search(value):
            return line
    return None


def _broken(text: str, exc: ComposeError) -> LoadProblem:
    """Say what a file that does not compose is: a Helm template, a placeholder, or bad YAML."""
    if exc.kind == "too-large":
        return LoadProblem("parse-error", exc.message, _point(exc.line, exc.column))
    near = _template_near(text, exc.line)
    if near is None:
        return LoadProblem("parse-error", exc.message, _point(exc.line, exc.column))
    line, column = near
    lines = source_lines(text)
    if _HELM.search(text) or _GO_TEMPLATE.search(lines[line]):
        # Unquoted template actions break YAML; say what the file is rather than how it broke.
        return _helm_problem(line)
    placeholder = _PLACEHOLDER.match(lines[line], column)
    shown = placeholder.group(0) if placeholder else "{{"
    return LoadProblem(
        "parse-error",
        f"unrendered placeholder {shown} breaks the YAML here: replace it with a value before "
        "applying, or quote it",
        _point(line, column, shown),
    )


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
    text: str = "",
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
        text=text,
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


def load_bytes(
    name: str, data: bytes, order_start: int = 0, max_duplicates: int | None = MAX_DUPLICATES
) -> LoadedFile:
    """Decode and load one file's bytes (see `load_text` for `max_duplicates`)."""
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
    return load_text(name, text, order_start, max_duplicates)
