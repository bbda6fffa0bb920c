"""Pair `--format` and `--output` flags into report destinations, and write them."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from kubelint.model import RunResult
from kubelint.reporters import ReporterFactory, ReportOptions

STDOUT = "-"
# Formats whose output is one document: they cannot share standard output with another format.
WHOLE_DOCUMENT = frozenset({"json", "sarif"})


class OutputError(Exception):
    """Formats and outputs that do not fit together (a usage error)."""


@dataclass(frozen=True)
class Destination:
    """One report: a format and where it goes (`-` is standard output)."""

    format: str
    path: str = STDOUT


def pair(formats: Sequence[str], outputs: Sequence[str], known: Sequence[str]) -> list[Destination]:
    """Pair the n-th `--format` with the n-th `--output`; unpaired formats go to stdout."""
    for name in formats:
        if name not in known:
            raise OutputError(f"unknown format {name!r}; choose one of {', '.join(sorted(known))}")
    if len(outputs) > len(formats):
        raise OutputError(
            f"{len(outputs)} --output for {len(formats)} --format; give one --format per --output"
        )
    paths = list(outputs) + [STDOUT] * (len(formats) - len(outputs))
    destinations = [Destination(f, p) for f, p in zip(formats, paths, strict=True)]
    on_stdout = [d.format for d in destinations if d.path == STDOUT]
    if len(on_stdout) > 1 and WHOLE_DOCUMENT & set(on_stdout):
        raise OutputError(
            f"formats {', '.join(on_stdout)} would share standard output; send "
            "json or sarif to a file with --output"
        )
    files = [d.path for d in destinations if d.path != STDOUT]
    if len(set(files)) != len(files):
        raise OutputError("two formats write to the same --output file")
    return destinations


def write_reports(
    result: RunResult,
    destinations: Sequence[Destination],
    reporters: Mapping[str, ReporterFactory],
    stdout: TextIO,
    options: ReportOptions,
    *,
    color: bool,
) -> None:
    """Render every destination; raise OutputError when a file cannot be written."""
    for dest in destinations:
        reporter = reporters[dest.format]()
        if dest.path == STDOUT:
            reporter.render(result, stdout, _with_color(options, color))
            continue
        try:
            parent = Path(dest.path).parent
            if not parent.is_dir():
                raise OutputError(f"cannot write {dest.path}: {parent} is not a directory")
            with Path(dest.path).open("w", encoding="utf-8", newline="\n") as handle:
                reporter.render(result, handle, _with_color(options, False))
        except OSError as exc:
            raise OutputError(f"cannot write {dest.path}: {exc.strerror or exc}") from None


def _with_color(options: ReportOptions, color: bool) -> ReportOptions:
    return replace(options, color=color)


def in_github_actions() -> bool:
    """Return True when running as a GitHub Actions step."""
    return os.environ.get("GITHUB_ACTIONS") == "true"
