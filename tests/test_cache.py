"""The user cache holds data only, rebuilds whatever it cannot trust, and stays bounded."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubelint import __version__, data
from kubelint.config import VALID_CONFIG_CODEC
from kubelint.data import Codec, cache_key, cached, data_dir, lookup, store
from kubelint.kubeschema import SCHEMA_CODEC
from kubelint.registry import RULES_CODEC, _load_dir
from kubelint.ruledef import Example, RuleDefinition, load_rule_dir
from kubelint.templates import api_versions
from kubelint.templates.api_versions import TABLE, TABLE_CODEC, Lifecycle

ROOT = Path(__file__).resolve().parent.parent
POD = ROOT / "examples" / "basic" / "pod.yaml"
RULES = data_dir("rules")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point kubelint's cache at an empty folder of this test's."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(folder))
    return folder


class _Poison:
    """Unpickling this creates `marker`: proof that cache bytes ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (str(self.marker), "w"))


def _check(cache: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KUBELINT_CACHE_DIR=str(cache), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "kubelint", "check", str(POD)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _legacy_path(cache: Path, kind: str, shape: object, sources: list[Path]) -> Path:
    """Where kubelint 0.1 looked for a pickle of `kind`, for the current sources."""
    stamp = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sources]
    key = hashlib.sha256(repr((__version__, shape, stamp)).encode()).hexdigest()
    return cache / kind / f"{key}.pickle"


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / kind).glob("*.json"))


def _rewrite(path: Path, payload: Any) -> None:
    """Replace an entry's payload, keeping its header right: only the decoder can refuse it."""
    header = json.loads(path.read_bytes().partition(b"\n")[0])
    body = json.dumps(payload).encode()
    header["sha256"] = hashlib.sha256(body).hexdigest()
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


# --- nothing read from the cache runs code ---------------------------------------------------


def test_a_poisoned_pickle_where_the_cache_reads_is_never_executed(
    cache: Path, tmp_path: Path
) -> None:
    expected = _check(tmp_path / "clean-cache")
    assert expected.returncode == 1, expected.stderr
    marker = tmp_path / "marker"
    poison = pickle.dumps(_Poison(marker))
    rule_shape = (tuple(RuleDefinition.__dataclass_fields__), tuple(Example.__dataclass_fields__))
    table_shape = tuple(Lifecycle.__dataclass_fields__)
    planted = [
        _legacy_path(cache, "rules", rule_shape, sorted(RULES.glob("*.yaml"))),
        _legacy_path(cache, "api-lifecycle", table_shape, [TABLE]),
    ]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(poison)

    first = _check(cache)  # cold: builds and writes JSON entries
    for kind in ("rules", "api-lifecycle", "schemas"):
        for entry in _entries(cache, kind):
            entry.write_bytes(poison)  # and now the entries it reads are pickles too
    second = _check(cache)

    assert not marker.exists()
    for run in (first, second):
        assert (run.returncode, run.stdout, run.stderr) == (
            expected.returncode,
            expected.stdout,
            expected.stderr,
        )
    for path in planted:
        assert not path.exists(), "files of older versions are removed"
    for kind in ("rules", "api-lifecycle", "schemas"):
        assert _entries(cache, kind)
        for entry in _entries(cache, kind):
            assert entry.read_bytes().startswith(b'{"format": 1'), "rebuilt and overwritten"


def test_kubelint_never_imports_a_code_deserialiser() -> None:
    pattern = re.compile(r"^\s*(import|from)\s+(pickle|cPickle|marshal|shelve|dill)\b", re.M)
    sources = sorted((ROOT / "kubelint").rglob("*.py"))
    assert sources
    assert [p.name for p in sources if pattern.search(p.read_text(encoding="utf-8"))] == []


# --- a corrupt, truncated or foreign entry is a miss, rebuilt and overwritten ------------------


def _rules_build() -> list[RuleDefinition]:
    return load_rule_dir(RULES)


def _table_build() -> tuple[Lifecycle, ...]:
    return api_versions._read_table()


_KINDS: dict[str, tuple[Codec[Any], Callable[[], Any], list[Path]]] = {
    "rules": (RULES_CODEC, _rules_build, sorted(RULES.glob("*.yaml"))),
    "api-lifecycle": (TABLE_CODEC, _table_build, [TABLE]),
}


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_a_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-20] = ord("#") if raw[-20] != ord("#") else ord("!")
    path.write_bytes(bytes(raw))


def _deep(path: Path) -> None:
    _rewrite(path, [])
    header = path.read_bytes().partition(b"\n")[0]
    path.write_bytes(header + b"\n" + b"[" * 200_000 + b"]" * 200_000)


def _other_kind_header(path: Path) -> None:
    header, _, body = path.read_bytes().partition(b"\n")
    fields = json.loads(header)
    fields["kind"] = "schemas"
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


def _other_key_header(path: Path) -> None:
    header, _, body = path.read_bytes().partition(b"\n")
    fields = json.loads(header)
    fields["key"] = "0" * 64
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


def _newer_format(path: Path) -> None:
    header, _, body = path.read_bytes().partition(b"\n")
    fields = json.loads(header)
    fields["format"] = 99
    path.write_bytes(json.dumps(fields).encode() + b"\n" + body)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _symlink_to_a_good_copy(path: Path) -> None:
    copy = path.with_name("elsewhere")
    path.replace(copy)
    path.symlink_to(copy)


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "empty": lambda p: p.write_bytes(b""),
    "truncated": _truncate,
    "one byte changed": _flip_a_byte,
    "garbage": lambda p: p.write_bytes(os.urandom(4096)),
    "not utf-8": lambda p: p.write_bytes(b'{"format": 1}\n"\xff\xfe"'),
    "header only": lambda p: p.write_bytes(p.read_bytes().partition(b"\n")[0]),
    "payload of another shape": lambda p: _rewrite(p, {"rules": "none"}),
    "payload null": lambda p: _rewrite(p, None),
    "list of numbers": lambda p: _rewrite(p, [1, 2, 3]),
    "nested too deep": _deep,
    "header of another kind": _other_kind_header,
    "header of another key": _other_key_header,
    "header of a newer format": _newer_format,
    "a fifo": _fifo,
    "a symlink": _symlink_to_a_good_copy,
}


@pytest.mark.parametrize("kind", sorted(_KINDS))
@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_bad_entry_is_rebuilt_with_the_same_result(
    cache: Path, kind: str, corruption: str
) -> None:
    codec, build, sources = _KINDS[kind]
    fresh = build()
    assert cached(codec, sources, build) == fresh
    [entry] = _entries(cache, kind)
    good = entry.read_bytes()
    CORRUPTIONS[corruption](entry)

    calls: list[int] = []

    def counted() -> Any:
        calls.append(1)
        return build()

    started = time.monotonic()
    assert cached(codec, sources, counted) == fresh
    assert time.monotonic() - started < 30  # a FIFO does not block the run
    assert calls == [1], "the bad entry was used instead of rebuilt"
    assert entry.read_bytes() == good, "the rebuilt value is written back"
    assert cached(codec, sources, counted) == fresh
    assert calls == [1], "and read on the next run"


def _rule_item(payload: list[Any], rule_id: str) -> dict[str, Any]:
    [item] = [i for i in payload if i["rule"]["id"] == rule_id]
    return item


def _set_rule_field(rule_id: str, key: str, value: Any) -> Callable[[list[Any]], None]:
    def change(payload: list[Any]) -> None:
        _rule_item(payload, rule_id)["rule"][key] = value

    return change


def _set_check(value: Any) -> Callable[[list[Any]], None]:
    def change(payload: list[Any]) -> None:
        _rule_item(payload, "bare-pod")["rule"]["check"] = value

    return change


def _drop_source(payload: list[Any]) -> None:
    del payload[0]["source"]


WRONG_RULES: dict[str, Callable[[list[Any]], None]] = {
    "tags a string": _set_rule_field("bare-pod", "tags", "security"),
    "tags a number": _set_rule_field("bare-pod", "tags", 5),
    "severity unknown": _set_rule_field("bare-pod", "severity", "fatal"),
    "severity a number": _set_rule_field("bare-pod", "severity", 3),
    "kinds a string": _set_rule_field("bare-pod", "kinds", "Pod"),
    "kinds empty": _set_rule_field("bare-pod", "kinds", []),
    "title missing": _set_rule_field("bare-pod", "title", None),
    "enabled a string": _set_rule_field("bare-pod", "enabled", "no"),
    "examples a list": _set_rule_field("bare-pod", "examples", []),
    "check empty": _set_check({}),
    "check a string": _set_check("bare-pod"),
    "source missing": _drop_source,
    "rule a list": lambda payload: payload.__setitem__(0, {"source": "x", "rule": []}),
}


@pytest.mark.parametrize("change", sorted(WRONG_RULES))
def test_a_wrongly_typed_rule_entry_is_a_miss(cache: Path, change: str) -> None:
    codec, build, sources = _KINDS["rules"]
    fresh = build()
    cached(codec, sources, build)
    [entry] = _entries(cache, "rules")
    payload = json.loads(entry.read_bytes().partition(b"\n")[2])
    WRONG_RULES[change](payload)
    _rewrite(entry, payload)  # a right checksum: the decoder alone must refuse it
    assert cached(codec, sources, build) == fresh
    assert cached(codec, sources, _unreachable) == fresh  # rewritten good


def _unreachable() -> Any:
    raise AssertionError("the entry should have been read from the cache")


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p[0].__setitem__("removed", 1.16),
        lambda p: p[0].__setitem__("kinds", "Deployment"),
        lambda p: p[0].__setitem__("unknown", True),
        lambda p: p[0]["replacements"].append({"apiVersion": "v1"}),
        lambda p: p.append("an entry"),
    ],
)
def test_a_wrongly_typed_lifecycle_entry_is_a_miss(
    cache: Path, change: Callable[[list[Any]], None]
) -> None:
    codec, build, sources = _KINDS["api-lifecycle"]
    fresh = build()
    cached(codec, sources, build)
    [entry] = _entries(cache, "api-lifecycle")
    payload = json.loads(entry.read_bytes().partition(b"\n")[2])
    change(payload)
    _rewrite(entry, payload)
    assert cached(codec, sources, build) == fresh
    assert cached(codec, sources, _unreachable) == fresh


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"io.k8s.api.core.v1.Pod": []},
        {"io.k8s.api.core.v1.Pod": {"x-kubernetes-group-version-kind": {"kind": "Pod"}}},
        {"io.k8s.api.core.v1.Pod": {"x-kubernetes-group-version-kind": [{"kind": ["Pod"]}]}},
    ],
)
def test_a_wrongly_typed_schema_entry_is_a_miss(cache: Path, payload: Any) -> None:
    good = {"io.k8s.api.core.v1.Pod": {"x-kubernetes-group-version-kind": [{"kind": "Pod"}]}}
    key = cache_key("test")
    store(SCHEMA_CODEC, key, good)
    assert lookup(SCHEMA_CODEC, key) == good
    _rewrite(cache / "schemas" / f"{key}.json", payload)
    assert lookup(SCHEMA_CODEC, key) is None


@pytest.mark.parametrize("payload", [False, 1, "true", None, [True], {"valid": True}])
def test_a_valid_config_marker_is_exactly_true(cache: Path, payload: Any) -> None:
    key = cache_key("a configuration")
    store(VALID_CONFIG_CODEC, key, True)
    assert lookup(VALID_CONFIG_CODEC, key) is True
    _rewrite(cache / "valid-config" / f"{key}.json", payload)
    assert lookup(VALID_CONFIG_CODEC, key) is None


def test_a_value_the_codec_cannot_carry_is_not_stored(cache: Path) -> None:
    lossy: Codec[dict[int, str]] = Codec(
        "lossy", lambda value: value, lambda raw: raw if isinstance(raw, dict) else {}
    )
    key = cache_key("int keys")
    store(lossy, key, {1: "one"})  # JSON would turn 1 into "1": a hit would differ
    assert lookup(lossy, key) is None
    assert not (cache / "lossy" / f"{key}.json").exists()


def test_a_key_that_is_not_a_digest_is_refused(cache: Path) -> None:
    with pytest.raises(ValueError, match="hex SHA-256"):
        lookup(VALID_CONFIG_CODEC, "../../etc/passwd")


# --- the real data round-trips exactly ---------------------------------------------------------


def test_every_builtin_rule_round_trips_through_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_rule_dir(RULES)
    assert len(fresh) >= 20
    problems: list[Any] = []
    assert _load_dir(RULES, "kubelint", problems) == fresh  # cold: parses and writes
    assert _entries(cache, "rules")

    def no_parsing(path: Path) -> RuleDefinition:
        raise AssertionError(f"{path} was parsed although it is cached")

    monkeypatch.setattr("kubelint.registry.load_rule_file", no_parsing)
    warm = _load_dir(RULES, "kubelint", problems)
    assert problems == []
    assert [r.id for r in warm] == [r.id for r in fresh]
    for before, after in zip(fresh, warm, strict=True):
        for f in dataclasses.fields(RuleDefinition):
            assert getattr(after, f.name) == getattr(before, f.name), (before.id, f.name)
        assert type(after.severity) is type(before.severity)
        assert type(after.kinds) is type(before.kinds)


def test_the_lifecycle_table_round_trips_through_the_cache(cache: Path) -> None:
    fresh = api_versions._read_table()
    key = cache_key("table")
    store(TABLE_CODEC, key, fresh)
    assert lookup(TABLE_CODEC, key) == fresh


# --- private, atomic, bounded ------------------------------------------------------------------


def test_the_cache_is_created_private(cache: Path) -> None:
    old = os.umask(0o022)
    try:
        store(VALID_CONFIG_CODEC, cache_key("x"), True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache / "valid-config").stat().st_mode) == 0o700
    [entry] = _entries(cache, "valid-config")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert [p.name for p in (cache / "valid-config").iterdir()] == [entry.name], "no partials"


def test_a_kind_folder_left_open_by_an_older_version_is_made_private(cache: Path) -> None:
    (cache / "rules").mkdir(parents=True)
    (cache / "rules").chmod(0o755)
    cached(RULES_CODEC, sorted(RULES.glob("*.yaml")), _rules_build)
    assert stat.S_IMODE((cache / "rules").stat().st_mode) == 0o700


def test_a_kind_folder_that_is_a_symlink_is_not_written(cache: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache.mkdir()
    (cache / "valid-config").symlink_to(elsewhere)
    store(VALID_CONFIG_CODEC, cache_key("x"), True)
    assert list(elsewhere.iterdir()) == []


def _numbers(raw: Any) -> list[int]:
    if not isinstance(raw, list) or not all(type(n) is int for n in raw):
        raise ValueError("expected a list of integers")
    return raw


_NUMBERS: Codec[list[int]] = Codec("numbers", list, _numbers)


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_each_kind_keeps_a_bounded_number_of_entries_least_recently_used_first(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data, "CACHE_ENTRIES_PER_KIND", 5)
    keys = [cache_key("n", i) for i in range(5)]
    for age, key in enumerate(keys):
        store(_NUMBERS, key, [age])
        _age(cache / "numbers" / f"{key}.json", 1000 - age)  # keys[0] is the oldest
    assert lookup(_NUMBERS, keys[0]) == [0]  # used now: no longer the least recently used
    store(_NUMBERS, cache_key("n", "new"), [99])
    names = {p.stem for p in _entries(cache, "numbers")}
    assert len(names) == 5
    assert keys[0] in names
    assert keys[1] not in names
    store(VALID_CONFIG_CODEC, cache_key("x"), True)
    assert len(_entries(cache, "numbers")) == 5, "the bound is per kind"
    assert len(_entries(cache, "valid-config")) == 1


def test_the_whole_cache_stays_under_its_size_bound(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data, "CACHE_LIMIT_BYTES", 40_000)
    for i in range(40):
        store(_NUMBERS, cache_key("big", i), list(range(1000)))  # about 5 KB each
    sizes = [p.stat().st_size for p in cache.rglob("*.json")]
    assert 4 <= len(sizes) < 40
    assert sum(sizes) <= 40_000
    assert lookup(_NUMBERS, cache_key("big", 39)) == list(range(1000)), "the newest stays"


def test_an_entry_larger_than_a_quarter_of_the_bound_is_not_written(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data, "CACHE_LIMIT_BYTES", 40_000)
    store(_NUMBERS, cache_key("huge"), list(range(10_000)))
    assert not list(cache.rglob("*.json"))


def test_what_older_versions_left_is_removed_and_nothing_else(cache: Path) -> None:
    digest = "ab" * 32
    legacy = [
        cache / "rules" / f"{digest}.pickle",
        cache / "rules" / f"{digest}.1234.tmp",
        cache / "api-lifecycle" / f"{digest}.pickle",
        cache / "valid-config" / digest,
        cache / "schemas" / "v1.30.0-local-strict-1042600-1796358229435006206-f2.json",
        cache / "schemas" / "v1.30.0-local-strict-1042600-1796358229435006206-f1.4321.tmp",
    ]
    stale = cache / "rules" / f".{digest}.abc_123.tmp"
    young = cache / "rules" / f".{'cd' * 32}.xyz_789.tmp"
    foreign = [cache / "README", cache / "rules" / "notes.txt", cache / "Other" / f"{digest}.json"]
    for path in [*legacy, stale, young, *foreign]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    _age(stale, 2 * 3600)
    store(VALID_CONFIG_CODEC, cache_key("x"), True)
    assert [p for p in legacy if p.exists()] == []
    assert not stale.exists()
    assert young.exists(), "a write in progress is left alone"
    assert all(p.exists() for p in foreign)


def test_a_hit_is_served_when_its_use_cannot_be_recorded(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = sorted(RULES.glob("*.yaml"))
    fresh = cached(RULES_CODEC, sources, _rules_build)

    def read_only(*args: Any, **kwargs: Any) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "utime", read_only)  # a restored CI cache the run may not write
    assert cached(RULES_CODEC, sources, _unreachable) == fresh
