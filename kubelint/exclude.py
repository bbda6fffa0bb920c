"""gitignore-style path patterns for the `exclude` setting, matched in linear time.

A pattern compiles to a small automaton (Thompson's construction) that reads a path once, one
character at a time, keeping the set of states the pattern could be in. Nothing backtracks, so
matching costs at most the path's length times the pattern's, whatever the pattern: the regular
expressions used before took 40 s on `**/**/**/**/**/**/**/**/**/**/x` against a deep path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


class GlobError(ValueError):
    """A pattern that is not a valid glob; the message says what is wrong with it."""


@dataclass(frozen=True)
class CharTest:
    """What one step of a pattern reads: some characters and ranges, or all but those."""

    chars: frozenset[str] = frozenset()
    ranges: tuple[tuple[str, str], ...] = ()
    negated: bool = False

    def accepts(self, char: str) -> bool:
        """Return True when `char` is one this step reads."""
        inside = char in self.chars or any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


ANY = CharTest(negated=True)
NOT_SLASH = CharTest(frozenset("/"), negated=True)
SLASH = CharTest(frozenset("/"))

# Token kinds: ONE reads one character, MANY zero or more, DIRS is `**/` (nothing, or anything
# that ends with a slash: zero or more leading directories).
ONE, MANY, DIRS = "one", "many", "dirs"
Token = tuple[str, CharTest]


def _char_class(glob: str, body: str) -> CharTest:
    """Read the inside of `[...]`: `!` or `^` first negates, `a-z` is a range, `\\` is itself."""
    negated = body[:1] in ("!", "^")
    items = body[1:] if negated else body
    if not items:
        raise GlobError(f"{glob!r} is not a valid glob: [{body}] is an empty character class")
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    index = 0
    while index < len(items):
        if index + 2 < len(items) and items[index + 1] == "-":
            low, high = items[index], items[index + 2]
            if high < low:
                raise GlobError(
                    f"{glob!r} is not a valid glob: the range {low}-{high} in [{body}] is "
                    f"reversed (write {high}-{low})"
                )
            ranges.append((low, high))
            index += 3
        else:
            chars.add(items[index])
            index += 1
    return CharTest(frozenset(chars), tuple(ranges), negated)


def tokenize(glob: str, text: str) -> list[Token]:
    """Split one glob (without anchoring or trailing slash) into tokens; raise GlobError.

    `glob` is the pattern as written, for messages. `**/` is any number of directories,
    `/**` at the end everything below, `**` elsewhere anything, `*` and `?` anything but a
    slash, `[...]` a class up to the next `]` (an unclosed `[` is itself).
    """
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        if text.startswith("**/", index):
            tokens.append((DIRS, ANY))
            index += 3
        elif text.startswith("/**", index) and index + 3 == len(text):
            tokens += [(ONE, SLASH), (MANY, ANY)]
            index += 3
        elif text.startswith("**", index):
            tokens.append((MANY, ANY))
            index += 2
        elif text[index] == "*":
            tokens.append((MANY, NOT_SLASH))
            index += 1
        elif text[index] == "?":
            tokens.append((ONE, NOT_SLASH))
            index += 1
        elif text[index] == "[" and (end := text.find("]", index + 1)) >= 0:
            tokens.append((ONE, _char_class(glob, text[index + 1 : end])))
            index = end + 1
        else:
            tokens.append((ONE, CharTest(frozenset(text[index]))))
            index += 1
    return tokens


# The memo of met state sets is only a cache: past these sizes matching goes on without it,
# one set of states per character, so no pattern can make it grow without bound.
MAX_DFA_STATES = 1024
MAX_CACHED_STEPS = 1 << 16


class Automaton:
    """A compiled pattern: a nondeterministic automaton, run one character at a time.

    State sets met before are remembered as the states of a deterministic automaton (a cache,
    the only mutable part), so a typical path costs one dictionary look-up per character.
    """

    __slots__ = ("_accepting", "_cached", "_edges", "_final", "_ids", "_moves", "_rows", "_sets")

    def __init__(self, tokens: Sequence[Token]) -> None:
        moves: list[tuple[int, ...]] = []  # empty moves (epsilon transitions) of each state
        edges: list[tuple[CharTest, int] | None] = []  # what each state reads, and where to
        for kind, test in tokens:
            state = len(moves)
            if kind == ONE:
                moves.append(())
                edges.append((test, state + 1))
            elif kind == MANY:
                moves.append((state + 1,))
                edges.append((test, state))
            else:  # DIRS: skip to the end, or read anything and then a slash
                moves += [(state + 3, state + 1), (state + 2,), ()]
                edges += [None, (ANY, state + 1), (SLASH, state + 3)]
        tail = len(moves)  # the end of the path, or a slash and anything below it
        moves += [(), ()]
        edges += [(SLASH, tail + 1), (ANY, tail + 1)]
        self._moves = tuple(moves)
        self._edges = tuple(edges)
        self._accepting = frozenset((tail, tail + 1))
        dead: frozenset[int] = frozenset()
        start = self._closure([0])
        self._sets = [dead, start]
        self._ids = {dead: 0, start: 1}
        self._final = [False, bool(start & self._accepting)]
        self._rows: list[dict[str, int]] = [{}, {}]
        self._cached = 0

    @property
    def size(self) -> int:
        """Return the number of states: at most three per token, plus two."""
        return len(self._moves)

    def _closure(self, states: Iterable[int]) -> frozenset[int]:
        reached = set(states)
        stack = list(reached)
        while stack:
            for following in self._moves[stack.pop()]:
                if following not in reached:
                    reached.add(following)
                    stack.append(following)
        return frozenset(reached)

    def advance(self, states: frozenset[int], char: str) -> frozenset[int]:
        """Return the states reached from `states` by reading `char`: one pass over the states."""
        edges = self._edges
        moved = []
        for state in states:
            edge = edges[state]
            if edge is not None and edge[0].accepts(char):
                moved.append(edge[1])
        return self._closure(moved)

    def _step(self, current: int, char: str) -> int | None:
        """Return the id of the state set after `char`; None when the memo is full."""
        reached = self.advance(self._sets[current], char)
        ident = self._ids.get(reached)
        if ident is None:
            if len(self._sets) >= MAX_DFA_STATES:
                return None
            ident = len(self._sets)
            self._ids[reached] = ident
            self._sets.append(reached)
            self._final.append(bool(reached & self._accepting))
            self._rows.append({})
        if self._cached < MAX_CACHED_STEPS:
            self._rows[current][char] = ident
            self._cached += 1
        return ident

    def matches(self, text: str) -> bool:
        """Return True when the whole of `text` matches."""
        current = 1
        rows = self._rows
        for index, char in enumerate(text):
            following = rows[current].get(char)
            if following is None:
                following = self._step(current, char)
                if following is None:
                    return self._run(self._sets[current], text[index:])
            if not following:
                return False  # no state is left: nothing after this can match
            current = following
        return self._final[current]

    def _run(self, states: frozenset[int], text: str) -> bool:
        for char in text:
            states = self.advance(states, char)
            if not states:
                return False
        return bool(states & self._accepting)


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern; `negated` patterns re-include what earlier ones excluded."""

    text: str
    negated: bool
    automaton: Automaton = field(compare=False, repr=False)

    def matches(self, relative: str) -> bool:
        """Return True when the pattern matches a `/`-separated path relative to its root."""
        return self.automaton.matches(relative)


def compile_pattern(raw: str) -> Pattern | None:
    """Compile a gitignore-style pattern; None for blanks and comments; raise GlobError."""
    text = raw.strip()
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    text = text.rstrip("/")  # a directory pattern also matches everything below it
    anchored = "/" in text
    tokens = tokenize(raw.strip(), text.lstrip("/"))
    if not anchored:
        tokens.insert(0, (DIRS, ANY))
    return Pattern(raw, negated, Automaton(tokens))


@dataclass(frozen=True)
class Excluder:
    """Decides whether a path is excluded, relative to the directory the patterns came from."""

    root: Path
    patterns: tuple[Pattern, ...]

    @classmethod
    def create(cls, root: Path, raw: Sequence[str]) -> Excluder:
        """Compile the patterns of one configuration; raise GlobError for an invalid one."""
        compiled = tuple(p for p in (compile_pattern(r) for r in raw) if p is not None)
        return cls(Path(os.path.normpath(root.absolute())), compiled)

    def excluded(self, path: Path) -> bool:
        """Return True when the last matching pattern excludes `path`."""
        if not self.patterns:
            return False
        absolute = Path(os.path.normpath(path.absolute()))
        try:
            relative = absolute.relative_to(self.root).as_posix()
        except ValueError:
            return False  # Outside the configuration's tree: its patterns do not apply.
        verdict = False
        for pattern in self.patterns:
            if pattern.matches(relative):
                verdict = not pattern.negated
        return verdict
