"""Keep secret values out of every report: messages, code frames and suppression reasons.

A Secret's `data` and `stringData` values, the copy of them in kubectl's last-applied
annotation, and the `value` of every container env variable are secret. kubelint reads them
(rules judge their types) but never prints them: rules may describe a value as they like, and
this module, applied where findings are made and where source text is kept for code frames,
replaces what would leak. It is not each rule's job, so custom and plugin rules are covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kubelint.model import Finding, JsonPath, RawSpan, Resource
from kubelint.podspec import all_containers, as_dict, as_list

SECRET_KINDS = frozenset({"Secret"})
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# Shorter values are not hidden in messages: "1" or "on" would blank out unrelated words, and
# a value that short gives nothing away.
MIN_HIDDEN = 3
# Outside its own field a message's words are the rule's ("false", "node"): only a value this
# long is hidden there, as it would be a token rather than a word.
MIN_ANYWHERE = 8
# What a masked character is shown as: not a YAML indicator, so masked text still parses.
MASK = "\u2022"


def secret_paths(resource: Resource) -> Iterator[JsonPath]:
    """Yield the path of every secret value in an object, in document order."""
    obj = resource.obj
    if resource.kind in SECRET_KINDS:
        for section in ("data", "stringData"):
            for key in as_dict(obj.get(section)):
                yield (section, key)
        annotations = as_dict(as_dict(obj.get("metadata")).get("annotations"))
        if _LAST_APPLIED in annotations:
            yield ("metadata", "annotations", _LAST_APPLIED)
    for container in all_containers(resource):
        for index, env in enumerate(as_list(container.data.get("env"))):
            if isinstance(env, dict) and "value" in env:
                yield (*container.path, "env", index, "value")


def _value(obj: Any, path: JsonPath) -> Any:
    for key in path:
        if isinstance(obj, dict):
            obj = obj.get(key)
        elif isinstance(obj, list) and isinstance(key, int) and 0 <= key < len(obj):
            obj = obj[key]
        else:
            return None
    return obj


def _texts(resource: Resource, path: JsonPath, text: str, starts: Sequence[int]) -> set[str]:
    """Return the spellings of one secret value a message could carry."""
    value = _value(resource.obj, path)
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return set()
    texts = {value if isinstance(value, str) else str(value)}
    entry, depth = resource.positions.resolve(path)
    line, column, end_line, end_column = entry[1]
    # The spelling as written (quoted, or a number as typed), when it is on one line.
    if depth == len(path) and entry[2] is None and line == end_line and line < len(starts):
        written = text[starts[line] + column : starts[line] + end_column]
        texts.update((written, written.strip("'\"")))
    return {t for t in texts if len(t) >= MIN_HIDDEN}


def _public(resource: Resource, hidden: set[JsonPath], out: set[str]) -> None:
    """Collect the scalar texts (keys and values) of an object outside its secret values."""
    stack: list[tuple[Any, JsonPath]] = [(resource.obj, ())]
    while stack:
        node, path = stack.pop()
        if path in hidden:
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                out.add(str(key))
                stack.append((value, (*path, key)))
        elif isinstance(node, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(node))
        elif isinstance(node, bool):
            out.add("true" if node else "false")
        elif node is not None:
            out.add(str(node))


@dataclass(frozen=True)
class Tokens:
    """Secret spellings at least MIN_ANYWHERE long, found in a text in time linear in it."""

    # By their first MIN_ANYWHERE characters: a text is searched at each of its positions,
    # not once per token (a Secret may hold hundreds of thousands of values).
    by_prefix: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Tokens:
        """Index `texts` (each at least MIN_ANYWHERE long)."""
        by_prefix: dict[str, list[str]] = {}
        for text in texts:
            by_prefix.setdefault(text[:MIN_ANYWHERE], []).append(text)
        return cls({prefix: tuple(found) for prefix, found in by_prefix.items()})

    def within(self, text: str) -> set[str]:
        """Return the tokens that occur in `text`."""
        if not self.by_prefix:
            return set()
        found: set[str] = set()
        for start in range(len(text) - MIN_ANYWHERE + 1):
            for token in self.by_prefix.get(text[start : start + MIN_ANYWHERE], ()):
                if text.startswith(token, start):
                    found.add(token)
        return found


@dataclass(frozen=True)
class Secrets:
    """The secret texts of one file: by the field that holds them, and those unsafe anywhere."""

    # (document, kind, name, namespace, path) of a secret value, and its spellings.
    at: dict[tuple[Any, ...], frozenset[str]] = field(default_factory=dict)
    # Spellings that no other field of their file shows (a password "postgres" beside a
    # container named "postgres" gives nothing away).
    anywhere: Tokens = Tokens()
    # Every spelling long enough to be a token, for suppression reasons: an author's prose in
    # an annotation, which is printed whole, may quote a secret that a plain field also shows.
    tokens: Tokens = Tokens()

    def scrub(self, finding: Finding) -> Finding:
        """Return `finding` with secret values taken out of its message and reason."""
        message = finding.message
        hidden = self.anywhere.within(message)
        ref = finding.resource
        if ref is not None:
            for length in range(len(finding.path), 0, -1):
                key = (finding.document, ref.kind, ref.name, ref.namespace, finding.path[:length])
                hidden.update(self.at.get(key, ()))
        reason = finding.suppression_reason
        if any(t in message for t in hidden):
            message = scrub(message, sorted(hidden, key=len, reverse=True))
        if reason is not None:
            also = hidden | self.tokens.within(reason)
            reason = scrub(reason, sorted(also, key=len, reverse=True))
        if message is finding.message and reason is finding.suppression_reason:
            return finding  # the common case: nothing secret in it
        return replace(finding, message=message, suppression_reason=reason)


def scrub(message: str, secrets: Sequence[str]) -> str:
    """Return `message` with every secret value (longest first) replaced by its length."""
    for secret in secrets:
        if secret in message:
            message = message.replace(secret, f"<secret, {len(secret)} characters>")
    return message


def value_spans(resource: Resource, paths: Iterable[JsonPath]) -> Iterator[RawSpan]:
    """Yield the source span of each secret value (0-based, as the parser reports it)."""
    for path in paths:
        entry, depth = resource.positions.resolve(path)
        if depth == len(path):
            yield entry[1]


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer("\n", text))]


def mask(text: str, spans: Iterable[RawSpan]) -> str:
    """Return `text` with every visible character inside `spans` replaced by a bullet.

    Lengths and line breaks stay as they were, so every line and column still points right,
    and the masked text still reads as YAML of the same shape.
    """
    ordered = sorted(set(spans))
    if not ordered:
        return text
    starts = _line_starts(text)
    # Pieces, not a list of characters: a large Secret's text is tens of megabytes.
    pieces: list[str] = []
    done = 0
    for line, column, end_line, end_column in ordered:
        if line >= len(starts) or end_line >= len(starts):
            continue
        begin = max(starts[line] + column, done)
        end = min(starts[end_line] + end_column, len(text))
        if begin >= end:
            continue
        pieces.append(text[done:begin])
        pieces.append(_VISIBLE.sub(MASK, text[begin:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


_VISIBLE = re.compile(r"\S")
_SECRET_KIND = re.compile(r"""\bkind["']?\s*:\s*["']?Secret\b""")


def mask_unparsed(text: str) -> str:
    """Mask every value of a file kubelint could not parse, if it may hold a Secret.

    With no parse, no value is known to be secret: everything after a key's colon goes.
    """
    if not _SECRET_KIND.search(text):
        return text
    lines = []
    for line in text.split("\n"):
        head, colon, rest = line.partition(":")
        if colon and rest.strip():
            lines.append(head + colon + re.sub(r"\S", MASK, rest))
        elif not colon and line.strip() and not line.lstrip().startswith("#"):
            indent = len(line) - len(line.lstrip())
            lines.append(line[:indent] + re.sub(r"\S", MASK, line[indent:]))
        else:
            lines.append(line)
    return "\n".join(lines)


def protect(text: str, resources: Sequence[Resource], unparsed: bool) -> tuple[str, Secrets]:
    """Return a file's text as code frames may show it, and its secret values.

    `unparsed` says that part of the file could not be read as YAML: its values are unknown.
    """
    spans: list[RawSpan] = []
    at: dict[tuple[Any, ...], frozenset[str]] = {}
    tokens: set[str] = set()
    starts: list[int] = []
    found = [(resource, list(secret_paths(resource))) for resource in resources]
    for resource, paths in found:
        if not paths:
            continue
        spans.extend(value_spans(resource, paths))
        starts = starts or _line_starts(text)
        ref = resource.ref
        for path in paths:
            texts = _texts(resource, path, text, starts)
            if texts:
                at[(resource.document, ref.kind, ref.name, ref.namespace, path)] = frozenset(texts)
                tokens.update(t for t in texts if len(t) >= MIN_ANYWHERE)
    # What the file shows outside its secret values gives nothing away when printed.
    public: set[str] = set()
    if tokens:
        for resource, paths in found:
            _public(resource, set(paths), public)
    anywhere = {t for t in tokens if t.strip("'\"") not in public}
    shown = mask(text, spans)
    if unparsed:
        shown = mask_unparsed(shown)
    if not at:
        return shown, Secrets()
    return shown, Secrets(at, Tokens.of(anywhere), Tokens.of(tokens))
