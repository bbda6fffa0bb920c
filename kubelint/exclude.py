"""gitignore-style path patterns for the `exclude` setting."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


def _translate(glob: str) -> str:
    """Translate one glob (without anchoring or trailing slash) into a regex fragment."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        elif glob[i] == "[":
            end = glob.find("]", i + 1)
            if end < 0:
                out.append(re.escape(glob[i]))
                i += 1
            else:
                body = glob[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern; `negated` patterns re-include what earlier ones excluded."""

    regex: re.Pattern[str]
    negated: bool


def compile_pattern(raw: str) -> Pattern | None:
    """Compile a gitignore-style pattern; None for blanks and comments."""
    text = raw.strip()
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    text = text.rstrip("/")  # a directory pattern also matches everything below it
    anchored = "/" in text
    text = text.lstrip("/")
    body = _translate(text)
    prefix = "" if anchored else "(?:.*/)?"
    return Pattern(re.compile(rf"{prefix}{body}(?:/.*)?\Z"), negated)


@dataclass(frozen=True)
class Excluder:
    """Decides whether a path is excluded, relative to the directory the patterns came from."""

    root: Path
    patterns: tuple[Pattern, ...]

    @classmethod
    def create(cls, root: Path, raw: Sequence[str]) -> Excluder:
        """Compile the patterns of one configuration."""
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
            if pattern.regex.match(relative):
                verdict = not pattern.negated
        return verdict
