"""Find the files to lint: recursive, sorted, regular files only, symlinks kept inside the tree."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

EXTENSIONS = (".yaml", ".yml", ".json")
STDIN = "-"


class DiscoveryError(Exception):
    """A path given on the command line that cannot be linted (a usage error)."""


@dataclass(frozen=True)
class Target:
    """One input: a file path, or stdin (path is None) with a display name."""

    name: str
    path: Path | None


def display_name(text: str) -> str:
    """Return a file name as valid Unicode: bytes that are not UTF-8 become `\\xff` escapes.

    Python decodes such bytes of a file name to lone surrogates, which no report can encode.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def _display(path: Path) -> str:
    text = os.path.normpath(str(path))
    return display_name(text.replace(os.sep, "/"))


Exclude = Callable[[Path], bool]


def _never(path: Path) -> bool:
    return False


def _inside(path: Path, boundary: str) -> bool:
    """Return True when `path`, symlinks resolved, is `boundary` or lies below it."""
    real = os.path.realpath(path)
    return real == boundary or real.startswith(boundary.rstrip(os.sep) + os.sep)


def _walk(
    root: Path, seen: set[tuple[int, int]], exclude: Exclude = _never, boundary: str = ""
) -> Iterator[Target]:
    """Yield the manifests under `root`; symlinks are followed only to places inside `boundary`.

    A pull request can add `creds.yaml -> ~/.aws/credentials`: followed, a parse error's code
    frame would print the secret into the CI log. `boundary` is the resolved directory named on
    the command line.
    """
    boundary = boundary or os.path.realpath(root)
    try:
        st = root.stat()
    except OSError:
        return
    ident = (st.st_dev, st.st_ino)
    if ident in seen:
        return  # A symlink loop or a second route to a directory already walked.
    seen.add(ident)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    # A Helm chart's templates are not YAML until rendered: the chart is reported once, on
    # its Chart.yaml (see kubelint.run), and its other files (crds/, values) are read.
    chart = any(entry.name == "Chart.yaml" for entry in entries)
    for entry in entries:
        if entry.name.startswith(".") or (chart and entry.name == "templates"):
            continue
        path = Path(entry.path)
        if exclude(path) or (entry.is_symlink() and not _inside(path, boundary)):
            continue
        try:
            mode = path.stat().st_mode
        except OSError:
            continue  # A dangling symlink.
        if stat.S_ISDIR(mode):
            yield from _walk(path, seen, exclude, boundary)
        elif stat.S_ISREG(mode) and entry.name.lower().endswith(EXTENSIONS):
            yield Target(_display(path), path)


def discover(
    paths: Sequence[str], stdin_name: str = "<stdin>", exclude: Exclude = _never
) -> list[Target]:
    """Expand command-line paths into targets in a deterministic order; raise on missing paths.

    `exclude` applies to files named explicitly too: pre-commit names every changed file, and
    an excluded file must stay excluded then.
    """
    targets: list[Target] = []
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    for raw in paths:
        if raw == STDIN:
            targets.append(Target(display_name(stdin_name), None))
            continue
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise DiscoveryError(f"{raw}: no such file or directory") from None
        except OSError as exc:
            raise DiscoveryError(f"{raw}: {exc.strerror or exc}") from None
        if exclude(path):
            continue
        if stat.S_ISDIR(mode):
            found = _walk(path, seen_dirs, exclude)
        elif stat.S_ISREG(mode):
            # A file named explicitly is linted whatever its extension.
            found = iter([Target(_display(path), path)])
        else:
            raise DiscoveryError(f"{raw}: not a regular file or directory (use - to read stdin)")
        for target in found:
            if target.name not in seen_files:
                seen_files.add(target.name)
                targets.append(target)
    return targets
