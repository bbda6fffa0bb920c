"""Turn a YAML event stream into plain data plus a position tree, in one iterative pass."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from kubelint import FINDINGS_PER_RULE_AND_FILE
from kubelint.model import PosEntry, RawSpan
from kubelint.scalars import go_key_string, resolve_plain, resolve_tagged

MAX_DEPTH = 256
# Alias expansion guard, in the spirit of go-yaml's ratio: small documents may alias freely,
# large expansions must stay proportional to what is actually written.
ALIAS_FREE_NODES = 100_000
ALIAS_RATIO = 20
ALIAS_HARD_LIMIT = 5_000_000
# Nodes written in one file. Each costs a few hundred bytes of data and positions, so this
# bounds a file's memory (about 1 GB at the limit) whatever its shape; real manifests, even
# whole CRD bundles, have a few tens of bytes per node and stay far below it within the size
# limit.
MAX_NODES = 1_000_000
# Duplicate keys kept per file with their positions, as for any rule; beyond, they are counted.
MAX_DUPLICATES = FINDINGS_PER_RULE_AND_FILE


class ComposeError(Exception):
    """A document that cannot become Kubernetes data; carries a 0-based position."""

    def __init__(
        self, message: str, line: int, column: int, kind: str = "parse-error", exact: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.kind = kind
        # True when the position was counted in editor lines already (not a parser mark).
        self.exact = exact


@dataclass(frozen=True)
class DuplicateKey:
    """A mapping key written twice; the span is the second occurrence."""

    key: str
    span: RawSpan
    first_line: int


@dataclass(frozen=True)
class Document:
    """One composed YAML document."""

    index: int
    data: Any
    positions: PosEntry
    duplicates: tuple[DuplicateKey, ...]
    start_line: int
    # Duplicate keys beyond the file's listing limit, only counted, and where the first is.
    more_duplicates: int = 0
    first_more: RawSpan | None = None


@dataclass(frozen=True)
class _Anchor:
    value: Any
    entry: PosEntry
    size: int


class _Frame:
    """A collection being built: a mapping or a sequence."""

    __slots__ = (
        "anchor",
        "children",
        "first_lines",
        "is_map",
        "key",
        "key_span",
        "merges",
        "parent_key",
        "parent_key_span",
        "pending_key",
        "pending_span",
        "size",
        "start",
        "value",
    )

    def __init__(self, is_map: bool, start: tuple[int, int], anchor: str | None) -> None:
        self.is_map = is_map
        self.value: Any = {} if is_map else []
        self.children: Any = {} if is_map else []
        self.start = start
        self.anchor = anchor
        self.pending_key: Any = _NO_KEY
        self.pending_span: RawSpan | None = None
        self.merges: list[tuple[Any, PosEntry]] = []
        self.first_lines: dict[str, int] | None = None
        self.size = 1
        self.key: Any = None
        self.key_span: RawSpan | None = None
        self.parent_key: Any = None
        self.parent_key_span: RawSpan | None = None


_NO_KEY = object()
_MERGE = object()


def _event_types() -> dict[type, str]:
    from ruamel.yaml import events as ev

    return {
        ev.ScalarEvent: "scalar",
        ev.MappingStartEvent: "map",
        ev.SequenceStartEvent: "seq",
        ev.MappingEndEvent: "end",
        ev.SequenceEndEvent: "end",
        ev.AliasEvent: "alias",
        ev.DocumentStartEvent: "doc",
        ev.DocumentEndEvent: "docend",
        ev.StreamStartEvent: "stream",
        ev.StreamEndEvent: "streamend",
    }


def _make_parser(text: str) -> Any:
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

        return CParser(text)
    except ImportError:  # pragma: no cover - platforms without the C extension
        from ruamel.yaml.parser import Parser
        from ruamel.yaml.reader import Reader
        from ruamel.yaml.scanner import Scanner

        class _PyParser:
            """Minimal pure-Python event source with the CParser interface."""

            def __init__(self, source: str) -> None:
                self.reader = Reader(source, loader=self)
                self.scanner = Scanner(loader=self)
                self.parser = Parser(loader=self)

            def get_event(self) -> Any:
                return self.parser.get_event()

        return _PyParser(text)


class _Composer:
    """Consumes parser events and builds one document at a time."""

    def __init__(self, text: str, max_duplicates: int | None = MAX_DUPLICATES) -> None:
        self.parser = _make_parser(text)
        self.types = _event_types()
        self._duplicates: list[DuplicateKey] = []
        self.max_duplicates = max_duplicates
        # Duplicate keys listed so far in the file, and those of this document only counted.
        self.listed = 0
        self.more_duplicates = 0
        self.first_more: RawSpan | None = None
        # Nodes written so far in the file, against MAX_NODES.
        self.nodes = 0

    # One flat loop on purpose: this runs once per YAML event and method calls cost real time.
    def _document(self, index: int, start_line: int) -> Document:  # noqa: PLR0915
        get = self.parser.get_event
        types = self.types
        anchors: dict[str, _Anchor] = {}
        stack: list[_Frame] = []
        written = 0
        logical = 0
        last_line = -1
        root: Any = None
        root_entry: PosEntry | None = None
        while True:
            event = get()
            kind = types[type(event)]
            if kind == "docend":
                break
            mark = event.start_mark
            if kind == "end":
                frame = stack.pop()
                value, entry, size = self._finish(frame, event)
                anchor = frame.anchor
                if anchor:
                    anchors[anchor] = _Anchor(value, entry, size)
                if stack:
                    self._add(stack[-1], value, entry, size)
                else:
                    root, root_entry = value, entry
                continue
            written += 1
            if written + self.nodes > MAX_NODES:
                raise ComposeError(
                    f"the file has more than {MAX_NODES:,} YAML nodes; the rest of it is not "
                    "linted (split it into smaller files)",
                    mark.line,
                    mark.column,
                    kind="too-large",
                )
            if kind == "scalar":
                end = event.end_mark
                # One int object per line, shared by the spans on it: line numbers beyond 256
                # are new objects on every read, and they are most of a large file's memory.
                line = mark.line
                if line == last_line:
                    line = last_line
                else:
                    last_line = line
                end_line = end.line
                span = (line, mark.column, line if end_line == line else end_line, end.column)
                if event.tag is None:
                    value = event.value if event.style else resolve_plain(event.value)
                else:
                    value = resolve_tagged(event.value, event.tag)
                if event.anchor:
                    anchors[event.anchor] = _Anchor(value, (None, span, None), 1)
                if not stack:
                    root, root_entry = value, (None, span, None)
                    continue
                top = stack[-1]
                if not top.is_map:
                    top.size += 1
                    top.value.append(value)
                    top.children.append((None, span, None))
                elif top.pending_key is _NO_KEY:
                    self._set_key(top, event, value, span)
                    continue
                else:
                    self._add(top, value, (None, span, None), 1)
                logical += 1
                continue
            if kind == "alias":
                target = anchors.get(event.anchor)
                if target is None:
                    raise ComposeError(f"unknown alias *{event.anchor}", mark.line, mark.column)
                logical += target.size
                if logical > ALIAS_HARD_LIMIT or (
                    logical > ALIAS_FREE_NODES and logical > ALIAS_RATIO * written
                ):
                    raise ComposeError(
                        "excessive alias expansion: the aliases in this document expand to more "
                        f"than {logical:,} nodes (a YAML bomb?)",
                        mark.line,
                        mark.column,
                    )
                end = event.end_mark
                alias_entry: PosEntry = (
                    None,
                    (mark.line, mark.column, end.line, end.column),
                    target.entry[2],
                )
                if stack:
                    top = stack[-1]
                    if top.is_map and top.pending_key is _NO_KEY:
                        raise ComposeError(
                            "an alias cannot be used as a mapping key here", mark.line, mark.column
                        )
                    self._add(top, target.value, alias_entry, target.size)
                else:
                    root, root_entry = target.value, alias_entry
                continue
            # Start of a mapping or a sequence.
            if len(stack) >= MAX_DEPTH:
                raise ComposeError(
                    f"nesting deeper than {MAX_DEPTH} levels", mark.line, mark.column
                )
            if stack:
                top = stack[-1]
                if top.is_map and top.pending_key is _NO_KEY:
                    raise ComposeError(
                        "a mapping or list cannot be a mapping key (unquoted {{ }} template "
                        "syntax produces this)",
                        mark.line,
                        mark.column,
                        kind="complex-key",
                    )
            logical += 1
            stack.append(_Frame(kind == "map", (mark.line, mark.column), event.anchor))
        self.nodes += written
        if root_entry is None:
            root_entry = (None, (start_line, 0, start_line, 0), None)
        return Document(
            index,
            root,
            root_entry,
            tuple(self._duplicates),
            start_line,
            self.more_duplicates,
            self.first_more,
        )

    def _set_key(self, frame: _Frame, event: Any, value: Any, span: RawSpan) -> None:
        if not event.style and event.value == "<<" and event.implicit[0]:
            frame.pending_key = _MERGE
            frame.pending_span = span
            return
        key = go_key_string(value)
        if key is None:
            raise ComposeError(
                f"unsupported mapping key {event.value!r}: Kubernetes needs string keys",
                span[0],
                span[1],
            )
        frame.pending_key = key
        frame.pending_span = span

    def _add(self, frame: _Frame, value: Any, entry: PosEntry, size: int) -> None:
        frame.size += size
        if not frame.is_map:
            frame.value.append(value)
            frame.children.append(entry)
            return
        key = frame.pending_key
        key_span = frame.pending_span
        frame.pending_key = _NO_KEY
        if key is _MERGE:
            frame.merges.append((value, entry))
            return
        children = frame.children
        assert key_span is not None
        if key in children:
            # Merged keys are added only when the mapping ends, so this key was written twice.
            # The entry will point at the occurrence in effect (the last); remember the first.
            if frame.first_lines is None:
                frame.first_lines = {}
            first = frame.first_lines.setdefault(key, children[key][0][0])
            if self.max_duplicates is None or self.listed < self.max_duplicates:
                self.listed += 1
                self._duplicates.append(DuplicateKey(key, key_span, first + 1))
            else:
                self.more_duplicates += 1
                self.first_more = self.first_more or key_span
        frame.value[key] = value
        children[key] = (key_span, entry[1], entry[2])

    def _finish(self, frame: _Frame, event: Any) -> tuple[Any, PosEntry, int]:
        end = event.end_mark
        span = (frame.start[0], frame.start[1], end.line, end.column)
        if frame.merges:
            self._merge(frame)
        return frame.value, (None, span, frame.children), frame.size

    def _merge(self, frame: _Frame) -> None:
        # Explicit keys win; among merged mappings the earlier one wins (YAML merge key spec).
        for value, entry in frame.merges:
            sources: list[tuple[Any, PosEntry]]
            if isinstance(value, list) and isinstance(entry[2], list):
                sources = list(zip(value, entry[2], strict=False))
            else:
                sources = [(value, entry)]
            for source, source_entry in sources:
                if not isinstance(source, dict) or not isinstance(source_entry[2], dict):
                    line, column = source_entry[1][0], source_entry[1][1]
                    raise ComposeError(
                        "a merge key (<<) needs a mapping or a list of mappings", line, column
                    )
                for key, item in source.items():
                    if key not in frame.value:
                        frame.value[key] = item
                        frame.children[key] = source_entry[2][key]


# libyaml (YAML 1.1, like go-yaml) also breaks lines at a lone CR, NEL, LS and PS; editors and
# GitHub count only LF (CRLF being one break). Marks are converted when the text has those.
_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
Remap = Callable[[int, int], tuple[int, int]]


def editor_position(text: str, at_end: bool = False) -> Remap:
    """Return a function from a parser mark (0-based line, column) to the line editors count.

    A mark past the end of the text (libyaml ends a stream without a final newline on a line
    of its own) is the end of the text. With `at_end`, for errors, a mark in the trailing
    blank text is put after the last character written.
    """
    real_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    odd = _ODD_BREAK.search(text) is not None
    yaml_starts = [0, *(m.end() for m in _YAML_BREAK.finditer(text))] if odd else real_starts
    last = len(text.rstrip())

    def remap(line: int, column: int) -> tuple[int, int]:
        offset = yaml_starts[line] + column if line < len(yaml_starts) else len(text)
        offset = min(offset, len(text))
        if at_end and offset > last:
            offset = last
        real = bisect_right(real_starts, offset) - 1
        return real, offset - real_starts[real]

    return remap


def _needs_remap(text: str) -> bool:
    # Substring tests first: they are much faster than the regex on the common clean text.
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return True
    return "\r" in text and text.count("\r") != text.count("\r\n")


def _remap_entry(entry: PosEntry, remap: Remap, seen: dict[int, PosEntry]) -> PosEntry:
    """Return a position tree with every span converted (aliased subtrees once)."""
    done = seen.get(id(entry))
    if done is not None:
        return done
    key_span, span, children = entry
    new_children: dict[str, Any] | list[Any] | None
    if isinstance(children, dict):
        new_children = {k: _remap_entry(v, remap, seen) for k, v in children.items()}
    elif isinstance(children, list):
        new_children = [_remap_entry(v, remap, seen) for v in children]
    else:
        new_children = None
    out = (
        _remap_span(key_span, remap) if key_span is not None else None,
        _remap_span(span, remap),
        new_children,
    )
    seen[id(entry)] = out
    return out


def _remap_span(span: RawSpan, remap: Remap) -> RawSpan:
    return (*remap(span[0], span[1]), *remap(span[2], span[3]))


def _remapped(document: Document, remap: Remap) -> Document:
    seen: dict[int, PosEntry] = {}
    duplicates = tuple(
        replace(d, span=_remap_span(d.span, remap), first_line=remap(d.first_line - 1, 0)[0] + 1)
        for d in document.duplicates
    )
    return replace(
        document,
        positions=_remap_entry(document.positions, remap, seen),
        duplicates=duplicates,
        start_line=remap(document.start_line, 0)[0],
        first_more=None if document.first_more is None else _remap_span(document.first_more, remap),
    )


def compose(text: str, max_duplicates: int | None = MAX_DUPLICATES) -> Iterator[Document]:
    """Yield every document of `text`; raise ComposeError (0-based position) where it breaks.

    Positions are in the lines editors count (LF and CRLF), whatever else libyaml breaks at.
    """
    remap = editor_position(text) if _needs_remap(text) else None
    try:
        for document in _compose(text, max_duplicates):
            yield document if remap is None else _remapped(document, remap)
    except ComposeError as exc:
        if not exc.exact:
            exc.line, exc.column = editor_position(text, at_end=True)(exc.line, exc.column)
        raise


def _compose(text: str, max_duplicates: int | None) -> Iterator[Document]:
    composer = _Composer(text, max_duplicates)
    index = 0
    get = composer.parser.get_event
    types = composer.types
    while True:
        try:
            event = get()
        except Exception as exc:
            raise _parser_error(exc, text) from None
        kind = types.get(type(event))
        if kind == "streamend" or event is None:
            return
        if kind != "doc":
            continue
        composer._duplicates = []
        composer.more_duplicates = 0
        composer.first_more = None
        try:
            document = composer._document(index, event.start_mark.line)
        except ComposeError:
            raise
        except RecursionError:
            raise ComposeError("nesting too deep", event.start_mark.line, 0) from None
        except Exception as exc:
            raise _parser_error(exc, text) from None
        yield document
        index += 1


def _reader_error(exc: Exception, text: str) -> ComposeError:
    """Locate a reader error (a forbidden character), which libyaml gives as a byte offset."""
    data = text.encode("utf-8", "surrogatepass")
    offset = min(int(getattr(exc, "position", 0)), len(data))
    line = data.count(b"\n", 0, offset)
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace"))
    character = getattr(exc, "character", None)
    code = f" (U+{character:04X})" if isinstance(character, int) else ""
    reason = getattr(exc, "reason", "unreadable character")
    return ComposeError(f"invalid YAML: {reason}{code}", line, column, exact=True)


def _parser_error(exc: Exception, text: str) -> ComposeError:
    """Convert a ruamel/libyaml error into a ComposeError with the problem position."""
    if hasattr(exc, "position") and hasattr(exc, "reason"):
        return _reader_error(exc, text)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        message = f"{context}, {problem}" if context else str(problem)
    else:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    line = getattr(mark, "line", 0) if mark is not None else 0
    column = getattr(mark, "column", 0) if mark is not None else 0
    return ComposeError(f"invalid YAML: {message}", line, column)


def plain_scalars(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (value, line, column) of every plain (unquoted, untagged) scalar, 0-based.

    Used only on the rare files that look templated, to tell template syntax written in the
    YAML itself from `{{ }}` inside quoted strings, block scalars and comments (which is data).
    """
    parser = _make_parser(text)
    types = _event_types()
    remap = editor_position(text) if _needs_remap(text) else None
    while True:
        try:
            event = parser.get_event()
        except Exception:
            return
        kind = types.get(type(event))
        if event is None or kind == "streamend":
            return
        if kind == "scalar" and not event.style and event.tag is None:
            line, column = event.start_mark.line, event.start_mark.column
            if remap is not None:
                line, column = remap(line, column)
            yield event.value, line, column
