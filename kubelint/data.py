"""Locate the data that ships with kubelint, and keep what is slow to parse in a user cache.

The cache holds data only: each kind of value names how it becomes plain JSON and back (a
`Codec`), so no bytes read from the cache can construct a class or run code. Whoever can write
the cache directory (a shared CI cache, a restored artifact) can at most make an entry miss.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# Documented in the README: the whole cache stays under this size, and each kind under this
# count, the least recently used entries going first when an entry is written.
CACHE_LIMIT_BYTES = 64 * 1024 * 1024
CACHE_ENTRIES_PER_KIND = 64
# Bumped when the entry layout changes; entries of another format are misses.
CACHE_FORMAT = 1

_KIND = re.compile(r"[a-z][a-z0-9-]*\Z")
_KEY = re.compile(r"[0-9a-f]{64}\Z")
_ENTRY = re.compile(r"[0-9a-f]{64}\.json\Z")
_PARTIAL = re.compile(r"\.[0-9a-f]{64}\.[a-z0-9_]+\.tmp\Z")
# What kubelint 0.x left behind (pickles, empty markers, schema copies, their partial writes):
# never read again, and removed the next time an entry is written.
_LEGACY = re.compile(
    r"([0-9a-f]{64}(\.pickle)?|[0-9a-f]{64}\.pickle\.\d+\.tmp|[0-9a-f]{64}\.\d+\.tmp"
    r"|v[0-9.]+-local-strict-\d+-\d+-f\d+(\.json|\.\d+\.tmp))\Z"
)
# A partial write older than this was left by a run that died; younger ones may be in progress.
_STALE_PARTIAL_SECONDS = 3600
# What a decoder raises for a value of the wrong shape (json.loads too, for deep nesting).
_DECODE_ERRORS = (ValueError, TypeError, LookupError, AttributeError, RecursionError)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted as an entry must not block the run


def data_dir(name: str) -> Path:
    """Return the `rules` or `schemas` directory, from the installed wheel or the source tree."""
    package = Path(__file__).resolve().parent
    installed = package / "_data" / name
    if installed.is_dir():
        return installed
    return package.parent / name


def cache_dir() -> Path:
    """Return kubelint's user cache: $KUBELINT_CACHE_DIR, else $XDG_CACHE_HOME/kubelint."""
    explicit = os.environ.get("KUBELINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kubelint"


@dataclass(frozen=True)
class Codec(Generic[T]):
    """One kind of cached value: its folder name, and how it becomes plain JSON data and back.

    `encode` returns only dicts with string keys, lists, strings, numbers, booleans and None.
    `decode` rebuilds the value from such data and raises ValueError (or TypeError, LookupError)
    for anything of another shape; an entry whose decoded value does not encode back to exactly
    the stored data is a miss, so a decoder may be lenient without accepting a wrong shape.
    """

    kind: str
    encode: Callable[[T], Any]
    decode: Callable[[Any], T]

    def __post_init__(self) -> None:
        if not _KIND.match(self.kind):
            raise ValueError(f"cache kind {self.kind!r} must be lower-case kebab-case")


def cache_key(*parts: object) -> str:
    """Return the hex digest naming an entry, from this kubelint version and `parts`."""
    from kubelint import __version__

    return hashlib.sha256(repr((CACHE_FORMAT, __version__, parts)).encode()).hexdigest()


def lookup(codec: Codec[T], key: str) -> T | None:
    """Return the value cached under `key`, or None for a missing, unreadable or wrong entry."""
    data = _read_entry(cache_dir() / codec.kind / f"{_checked(key)}.json")
    if data is None:
        return None
    header, _, body = data.partition(b"\n")
    expected = {
        "format": CACHE_FORMAT,
        "kind": codec.kind,
        "key": key,
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    try:
        if json.loads(header) != expected:
            return None  # another kind, key or format, or a corrupt payload
        payload = json.loads(body)
        value = codec.decode(payload)
        if codec.encode(value) != payload:
            return None
    except _DECODE_ERRORS:
        return None
    return value


def store(codec: Codec[T], key: str, value: T) -> None:
    """Write `value` under `key` (atomically, privately), then evict past the cache's bounds.

    A value that does not come back equal from its own encoding is not stored. Any file system
    problem (a read-only home) is ignored: the cache only saves time.
    """
    header = {"format": CACHE_FORMAT, "kind": codec.kind, "key": _checked(key)}
    try:
        body = json.dumps(codec.encode(value), separators=(",", ":")).encode()
        payload = json.loads(body)
        decoded = codec.decode(payload)
        if decoded != value or codec.encode(decoded) != payload:
            return  # the codec loses something: a hit would be a wrong result
    except _DECODE_ERRORS:
        return
    header["sha256"] = hashlib.sha256(body).hexdigest()
    data = json.dumps(header).encode() + b"\n" + body
    if len(data) > CACHE_LIMIT_BYTES // 4:
        return  # one entry must not push out all the others
    root = cache_dir()
    try:
        folder = _private_folder(root, codec.kind)
        fd, name = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)  # 0o600
        partial = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            partial.replace(folder / f"{key}.json")  # a concurrent run never reads half a file
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        evict(root)
    except OSError:
        pass


def cached(
    codec: Codec[T], sources: Sequence[Path], build: Callable[[], T], shape: object = ()
) -> T:
    """Return `build()`, cached as `codec` data while `sources` (and `shape`) are unchanged.

    For data kubelint parses on every run from files that rarely change (rule definitions, the
    API lifecycle table, schemas): reading JSON costs a fraction of parsing YAML, and pre-commit
    runs kubelint on every commit. Any cache problem falls back to `build()`.
    """
    try:
        stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sources]
    except OSError:
        return build()
    key = cache_key(codec.kind, shape, stamp)
    value = lookup(codec, key)
    if value is not None:
        return value
    value = build()
    store(codec, key, value)
    return value


def evict(root: Path) -> None:
    """Remove what exceeds the bounds, least recently used first, and what older versions left.

    Only kubelint's own files are touched (by name, inside kind folders), so a cache directory
    set to a shared folder loses nothing else.
    """
    entries: list[tuple[int, int, str, Path]] = []  # (last use, size, kind, path)
    with suppress(OSError), os.scandir(root) as folders:
        for folder in folders:
            if _KIND.match(folder.name) and folder.is_dir(follow_symlinks=False):
                entries.extend(_sweep(folder.path, folder.name))
    entries.sort(reverse=True)
    per_kind: dict[str, int] = {}
    total = 0
    for _used, size, kind, path in entries:  # the most recently used first
        kept = per_kind.get(kind, 0)
        if kept < CACHE_ENTRIES_PER_KIND and total + size <= CACHE_LIMIT_BYTES:
            per_kind[kind] = kept + 1
            total += size
            continue
        with suppress(OSError):
            path.unlink()


def _sweep(folder: str, kind: str) -> list[tuple[int, int, str, Path]]:
    """Return the entries of one kind folder; delete legacy files and stale partial writes."""
    found: list[tuple[int, int, str, Path]] = []
    now = time.time_ns()
    with suppress(OSError), os.scandir(folder) as files:
        for item in files:
            try:
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if _ENTRY.match(item.name):
                found.append((info.st_mtime_ns, info.st_size, kind, Path(item.path)))
                continue
            stale_partial = bool(_PARTIAL.match(item.name)) and (
                now - info.st_mtime_ns > _STALE_PARTIAL_SECONDS * 1_000_000_000
            )
            if stale_partial or _LEGACY.match(item.name):
                with suppress(OSError):
                    Path(item.path).unlink()
    return found


def _checked(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"cache key {key!r} must be a hex SHA-256 digest (see cache_key)")
    return key


def _private_folder(root: Path, kind: str) -> Path:
    """Create the cache and kind folders as 0o700; refuse a kind folder that is a symlink."""
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / kind
    with suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(str(folder))  # written elsewhere, it would be evicted elsewhere
    if stat.S_IMODE(info.st_mode) != 0o700:
        with suppress(OSError):
            folder.chmod(0o700)  # made by an older kubelint with the default mode
    return folder


def _read_entry(path: Path) -> bytes | None:
    """Return the bytes of a regular file no larger than the cache bound, and mark it used."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > CACHE_LIMIT_BYTES:
            return None
        with open(fd, "rb", closefd=False) as entry:
            data = entry.read(info.st_size + 1)
        with suppress(OSError, NotImplementedError):
            # The last use orders eviction; a cache the run may not write is still read.
            os.utime(fd if os.utime in os.supports_fd else path)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data
