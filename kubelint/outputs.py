"""Pair `--format` and `--output` flags into report destinations, and write them."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TextIO

from kubelint.discover import EXTENSIONS
from kubelint.model import RunResult
from kubelint.reporters import Reporter, ReporterFactory, ReportOptions

STDOUT = "-"
# Formats whose output is one document: they cannot share standard output with another format.
WHOLE_DOCUMENT = frozenset({"json", "sarif"})
# Paths that name an open descriptor rather than a file (`/proc/...` too).
DESCRIPTOR_PATHS = frozenset({("dev", "stdout"), ("dev", "stderr"), ("dev", "fd")})
# Room left in a file name for the temporary file's prefix and suffix (NAME_MAX is 255).
_MAX_TEMP_STEM = 200


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
    seen: dict[tuple[object, ...], str] = {}
    for dest in destinations:
        if dest.path == STDOUT:
            continue
        key = _identity(dest.path)
        if key in seen:
            # `a.json`, `./a.json`, `sub/../a.json` and a symlink to it are one file: the
            # second report would silently replace the first.
            raise OutputError(
                f"two formats write to the same --output file: {seen[key]} and {dest.path}"
            )
        seen[key] = dest.path
    return destinations


def _identity(path: str) -> tuple[object, ...]:
    """Return what makes two paths the same file: its inode if it exists, else its real path."""
    try:
        st = Path(path).stat()
    except OSError:
        return ("path", os.path.realpath(path))
    return ("inode", st.st_dev, st.st_ino)


def refuse_inputs(
    destinations: Sequence[Destination],
    inputs: Iterable[Path],
    directories: Sequence[Path],
    excluded: Callable[[Path], bool],
) -> None:
    """Raise OutputError when a report would overwrite a file the run reads, or one it would read.

    `inputs` are the files read (targets, context, configuration, baseline); `directories` are
    the linted directories: a report written under one of them would be linted on the next run,
    so it is refused even before it exists.
    """
    files = [d.path for d in destinations if d.path != STDOUT]
    if not files:
        return
    existing = {_identity(p): p for p in files if Path(p).exists()}
    if existing:
        for read in inputs:
            output = existing.get(_identity(str(read)))
            if output is not None:
                raise OutputError(
                    f"--output {output} would overwrite {_display(read)}, which this run reads"
                )
    for output in files:
        for directory in directories:
            if _would_discover(Path(output), directory, excluded):
                raise OutputError(
                    f"--output {output} is inside the linted directory {_display(directory)}, "
                    "so the report would be read as a manifest; write it elsewhere or exclude "
                    "it in the configuration"
                )


def _would_discover(output: Path, directory: Path, excluded: Callable[[Path], bool]) -> bool:
    """Return True when walking `directory` would read `output` (as kubelint.discover does)."""
    real, root = Path(os.path.realpath(output)), Path(os.path.realpath(directory))
    try:
        parts = real.relative_to(root).parts
    except ValueError:
        return False
    if not parts or not real.name.lower().endswith(EXTENSIONS):
        return False
    here = directory  # As discovery builds paths, for the exclude patterns.
    for name in parts:
        chart = (here / "Chart.yaml").is_file()
        here = here / name
        # Discovery skips hidden entries, excluded ones, and a Helm chart's templates folder.
        if name.startswith(".") or excluded(here) or (chart and name == "templates"):
            return False
    return True


def _display(path: Path) -> str:
    return os.path.normpath(str(path)).replace(os.sep, "/")


def write_reports(
    result: RunResult,
    destinations: Sequence[Destination],
    reporters: Mapping[str, ReporterFactory],
    stdout: TextIO,
    options: ReportOptions,
    *,
    color: bool,
) -> list[str]:
    """Render every destination; return one message per report file that could not be written.

    Every file is attempted even when another fails, so that one bad `--output` does not cost
    the others. Errors writing to `stdout` are the caller's (the CLI guards its streams).
    """
    failures = []
    for dest in destinations:
        reporter = reporters[dest.format]()
        if dest.path == STDOUT:
            reporter.render(result, stdout, _with_color(options, color))
            continue
        try:
            parent = Path(dest.path).parent
            if not parent.is_dir():
                raise OSError(errno.ENOTDIR, f"{parent} is not a directory")
            write_atomically(
                dest.path, partial(_render, reporter, result, _with_color(options, False))
            )
        except OSError as exc:
            failures.append(f"cannot write the report to {dest.path}: {exc.strerror or exc}")
    return failures


def _render(reporter: Reporter, result: RunResult, options: ReportOptions, stream: TextIO) -> None:
    reporter.render(result, stream, options)


def write_atomically(path: str, render: Callable[[TextIO], object]) -> None:
    """Write a file through `render` so that it is replaced only once complete.

    The text goes to a temporary file beside the target, then `os.replace` puts it in place:
    a crash or an error mid-report leaves the previous file as it was, and no temporary file.
    A symlink is written through, as `open` would; a device, a FIFO or an open descriptor
    (`/dev/stdout`, `/dev/fd/3`) is written directly, since there is nothing to replace.
    """
    try:
        mode: int | None = Path(path).stat().st_mode
    except FileNotFoundError:
        mode = None
    target = Path(os.path.realpath(path))
    if (mode is not None and not stat.S_ISREG(mode)) or _descriptor(Path(path), target):
        with Path(path).open("w", encoding="utf-8", newline="\n") as handle:
            render(handle)
        return
    try:
        temp, fd = _create_temp(target)
    except PermissionError:
        if mode is None:
            raise
        # A writable report in a directory that takes no new file: written in place, as before.
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            render(handle)
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            render(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            temp.chmod(stat.S_IMODE(mode))  # Replacing a report keeps its permissions.
        temp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _descriptor(path: Path, target: Path) -> bool:
    """Return True for a path that stands for an open descriptor, such as `/dev/stdout`.

    Replacing what it resolves to (the file the shell redirected to, or `pipe:[…]`, which is
    no path at all) would take the report away from the descriptor.
    """
    given = Path(os.path.normpath(path.absolute())).parts[1:3]
    return given in DESCRIPTOR_PATHS or given[:1] == ("proc",) or target.parts[1:2] == ("proc",)


def _create_temp(target: Path) -> tuple[Path, int]:
    """Create a new hidden file beside `target`; return its path and descriptor.

    Mode 0o666 lets the umask (and a default ACL) decide the permissions, as for any file
    `open` creates; `tempfile.mkstemp` would force 0o600 on every report.
    """
    stem = target.name[:_MAX_TEMP_STEM]
    while True:
        temp = target.with_name(f".{stem}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        return temp, fd


def _with_color(options: ReportOptions, color: bool) -> ReportOptions:
    return replace(options, color=color)


class GuardedStream(io.TextIOBase):
    """A text stream that records the first write error instead of raising it.

    The CLI wraps standard output and standard error in one: a full disk, a closed descriptor
    or a reader that went away (`| head`) becomes `failure`, checked once at the end, instead
    of a traceback from whichever write met it first. Later writes are dropped.
    """

    def __init__(self, stream: TextIO | None) -> None:
        """Wrap `stream`; None stands for a closed descriptor (Python's `sys.stdout` then)."""
        super().__init__()
        self.stream = stream
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        """Write `text`, or record why it could not be written."""
        if self.failure is None:
            self._guard(lambda stream: stream.write(text))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream, recording a failure."""
        if self.failure is None:
            self._guard(lambda stream: stream.flush(), written=False)

    def _guard(self, action: Callable[[TextIO], object], *, written: bool = True) -> None:
        if self.stream is None:
            if written:
                self.failure = OSError(errno.EBADF, os.strerror(errno.EBADF))
            return
        try:
            action(self.stream)
        except OSError as exc:
            self.failure = exc
        except ValueError:  # The stream was closed ("I/O operation on closed file").
            self.failure = OSError(errno.EBADF, os.strerror(errno.EBADF))

    def writable(self) -> bool:
        """Return True: writes never raise."""
        return True

    def isatty(self) -> bool:
        """Return whether the wrapped stream is a terminal (False when closed)."""
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        """Return the wrapped stream's descriptor (for terminal size queries)."""
        if self.stream is None:
            raise io.UnsupportedOperation("the stream is closed")
        return self.stream.fileno()

    @property
    def broken_pipe(self) -> bool:
        """Return True when the reader went away: the shell's `| head`, a closed pipe."""
        return isinstance(self.failure, BrokenPipeError)


def in_github_actions() -> bool:
    """Return True when running as a GitHub Actions step."""
    return os.environ.get("GITHUB_ACTIONS") == "true"
