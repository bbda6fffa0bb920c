"""Core value types shared by every pipeline stage; this module imports nothing from kubelint."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Any

PathKey = str | int
JsonPath = tuple[PathKey, ...]


class Severity(enum.IntEnum):
    """How serious a finding is; higher is worse."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """Return the lower-case public name ("error", "warning", "info")."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Return the severity named by `text`; raise ValueError for anything else."""
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}: expected error, warning or info"
            ) from None


@dataclass(frozen=True)
class Span:
    """A 1-based, inclusive start and exclusive end position in a file."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class ResourceRef:
    """What identifies a Kubernetes object in reports."""

    api_version: str
    kind: str
    namespace: str | None
    name: str | None

    def describe(self) -> str:
        """Return `Kind namespace/name` for messages."""
        name = self.name if self.name is not None else "<unnamed>"
        if self.namespace:
            name = f"{self.namespace}/{name}"
        return f"{self.kind} {name}"


@dataclass(frozen=True)
class Violation:
    """What a rule yields: where (as a path inside the object) and what is wrong."""

    path: JsonPath
    message: str
    sub_id: str | None = None
    severity: Severity | None = None
    at_value: bool = False


@dataclass(frozen=True)
class Finding:
    """A located, fingerprinted violation, as reporters consume it."""

    rule: str
    severity: Severity
    message: str
    file: str
    span: Span
    resource: ResourceRef | None = None
    path: JsonPath = ()
    document: int = 0
    fingerprint: str = ""
    suppressed: bool = False
    suppression_reason: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Return the key that orders findings by file, line, column, rule, message."""
        return (self.file, self.span.line, self.span.column, self.rule, self.message)


def format_path(path: JsonPath) -> str:
    """Render a JsonPath as `spec.containers[0].image`."""
    parts: list[str] = []
    for key in path:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif parts:
            parts.append("." + key)
        else:
            parts.append(key)
    return "".join(parts)


def fingerprint(rule: str, ref: ResourceRef | None, path: JsonPath, sub_id: str | None) -> str:
    """Return a stable fingerprint: independent of line numbers, dependent on object and field.

    The file is not part of it: reports pair each fingerprint with the finding's file, and a
    path would make it depend on the directory kubelint runs from.
    """
    anchor = "file" if ref is None else f"{ref.kind}/{ref.namespace or ''}/{ref.name or ''}"
    text = "\x1f".join((rule, anchor, format_path(path), sub_id or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class SourceFile:
    """A file kubelint read: its display name and its decoded text (for source snippets)."""

    name: str
    text: str


@dataclass(frozen=True)
class RunSummary:
    """Counts for the report summary."""

    files: int = 0
    documents: int = 0
    resources: int = 0


@dataclass(frozen=True)
class RuleMeta:
    """What reporters may say about a rule that ran (SARIF lists every one)."""

    id: str
    title: str
    severity: Severity
    description: str
    tags: tuple[str, ...] = ()
    help_text: str = ""
    help_markdown: str = ""
    help_uri: str = ""


@dataclass(frozen=True)
class BaselineStats:
    """How a baseline applied: findings it hid, and recorded entries that no longer occur."""

    file: str
    matched: int
    stale: int


@dataclass(frozen=True)
class RunResult:
    """Everything a reporter needs: findings in order, counts, and the sources for snippets."""

    findings: tuple[Finding, ...]
    summary: RunSummary
    sources: dict[str, str] = field(default_factory=dict)
    version: str = ""
    rules: tuple[RuleMeta, ...] = ()
    baseline: BaselineStats | None = None
    # The reported files that held at least one Kubernetes object.
    object_files: frozenset[str] = frozenset()

    def suppressed(self) -> int:
        """Return how many findings a suppression covers."""
        return sum(1 for f in self.findings if f.suppressed)

    def counts(self) -> dict[str, int]:
        """Return unsuppressed finding counts by severity label, worst first."""
        out: dict[str, int] = {}
        for sev in sorted(Severity, reverse=True):
            n = sum(1 for f in self.findings if f.severity is sev and not f.suppressed)
            if n:
                out[sev.label] = n
        return out


JsonValue = Any


# A 0-based (start line, start column, end line, end column) as the YAML parser reports it.
def source_lines(text: str) -> list[str]:
    """Split text into the lines editors and GitHub count: at LF, a CR before it dropped.

    Unlike `str.splitlines`, NEL, LS, PS, form feeds and lone CRs do not end a line.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


RawSpan = tuple[int, int, int, int]
# One node of the position tree: the span of its key (None for list items and the root),
# the span of its value, and its children by key or index (None for scalars).
PosEntry = tuple[RawSpan | None, RawSpan, dict[str, Any] | list[Any] | None]


def to_span(raw: RawSpan) -> Span:
    """Return the 1-based span of a 0-based parser span."""
    return Span(raw[0] + 1, raw[1] + 1, raw[2] + 1, raw[3] + 1)


@dataclass(frozen=True)
class PositionIndex:
    """Maps a JsonPath to the span of its key and value; falls back to the deepest ancestor."""

    root: PosEntry

    def resolve(self, path: JsonPath) -> tuple[PosEntry, int]:
        """Return the deepest existing entry along `path` and how many keys of it matched."""
        entry = self.root
        depth = 0
        for key in path:
            children = entry[2]
            if isinstance(children, dict) and isinstance(key, str) and key in children:
                entry = children[key]
            elif isinstance(children, list) and isinstance(key, int) and 0 <= key < len(children):
                entry = children[key]
            else:
                break
            depth += 1
        return entry, depth

    def lookup(self, path: JsonPath, at_value: bool = False) -> Span:
        """Return the span for `path`: its key, or its value when asked or keyless.

        A missing field inside a list item (a container without a probe) points at the item's
        `name:` key, or its first key: one line, not the whole item.
        """
        entry, depth = self.resolve(path)
        exact = depth == len(path)
        if entry[0] is not None and not (at_value and exact):
            return to_span(entry[0])
        children = entry[2]
        if not exact and depth and isinstance(children, dict) and children:
            named = children.get("name") or next(iter(children.values()))
            if named[0] is not None:
                return to_span(named[0])
        return to_span(entry[1])

    def has(self, path: JsonPath) -> bool:
        """Return True when `path` exists in the document."""
        return self.resolve(path)[1] == len(path)

    def child(self, path: JsonPath) -> PositionIndex:
        """Return the index rooted at `path` (for List items); the path must exist."""
        entry, _ = self.resolve(path)
        return PositionIndex(entry)


@dataclass(frozen=True)
class Origin:
    """What the files around an object say about it (kustomizations, charts, test suites)."""

    # The application unit in which cross-resource rules pair objects (a directory).
    unit: str = ""
    # A kustomize patch: a partial object, judged for what it sets, not for what it omits.
    patch: bool = False
    # A kustomization that includes this object adds labels to its selectors.
    selector_labels: bool = False
    # A test suite's assertion (chainsaw, kuttl): compared with a cluster, never applied.
    assertion: bool = False

    def describe_unit(self) -> str:
        """Name the application unit in messages: its directory, or the input itself."""
        if not self.unit:
            return "this input"
        return "this directory" if self.unit == "." else f"{self.unit}/"


@dataclass(frozen=True)
class Resource:
    """One Kubernetes object from a file, with plain decoded data and its position index."""

    file: str
    document: int
    api_version: str
    kind: str
    name: str | None
    namespace: str | None
    obj: dict[str, Any]
    positions: PositionIndex
    # Where this object sits in its document (non-empty for the items of a kind: List).
    prefix: JsonPath = ()
    # Global read order across the run: files as read, documents and items in file order.
    order: int = 0
    origin: Origin = Origin()
    # The whole text of the file (the loader's own string, not a copy), for the few messages
    # that quote a value as the author wrote it.
    text: str = field(default="", repr=False, compare=False)

    def written(self, path: JsonPath) -> str | None:
        """Return the source text of the scalar at `path` as written, or None if unknown."""
        entry, depth = self.positions.resolve(path)
        if depth != len(path) or entry[2] is not None or not self.text:
            return None
        line, column, end_line, end_column = entry[1]
        if line != end_line:
            return None
        start = 0
        for _ in range(line):
            start = self.text.find("\n", start) + 1
            if start == 0:
                return None
        return self.text[start + column : start + end_column]

    @property
    def is_json(self) -> bool:
        """Return True when the object was read from JSON rather than YAML."""
        return self.text.lstrip()[:1] in ("{", "[")

    @property
    def ref(self) -> ResourceRef:
        """Return the reference used in reports."""
        return ResourceRef(self.api_version, self.kind, self.namespace, self.name)

    @property
    def scope(self) -> tuple[str, str | None]:
        """Return where cross-resource rules pair this object: its unit and namespace."""
        return (self.origin.unit, self.namespace)
