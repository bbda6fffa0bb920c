"""A progress bar on stderr for long runs in a terminal; nothing on pipes or in CI."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

# Below this many files a run is over before a bar would help.
MIN_FILES = 200


def wanted(stream: TextIO, files: int) -> bool:
    """Return True when a bar helps: many files, stderr a terminal, not CI, not NO_COLOR-dumb."""
    if files < MIN_FILES or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


@contextmanager
def progress_bar(
    stream: TextIO, files: int, force: bool = False
) -> Iterator[Callable[[int], None] | None]:
    """Yield a callback that advances a rich progress bar, or None when no bar is wanted."""
    if not (force or wanted(stream, files)):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=stream, force_terminal=force or None)
    with Progress(
        TextColumn("kubelint"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("files", total=files)

        def advance(done: int) -> None:
            bar.update(task, completed=done)

        yield advance
