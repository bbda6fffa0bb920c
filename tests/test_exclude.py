"""Exclude globs: gitignore semantics, invalid globs, and matching in linear time."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from kubelint import exclude
from kubelint.exclude import Excluder, GlobError, compile_pattern

PATHOLOGICAL = "/".join(["**"] * 10) + "/x"


def matches(raw: str, relative: str) -> bool:
    pattern = compile_pattern(raw)
    assert pattern is not None
    return pattern.matches(relative)


@pytest.mark.parametrize(
    ("raw", "relative", "expected"),
    [
        ("charts/", "charts", True),
        ("charts/", "charts/a/t.yaml", True),
        ("charts/", "deploy/charts/t.yaml", True),  # no slash inside: matches at any depth
        ("/charts", "deploy/charts/t.yaml", False),  # a leading slash anchors
        ("deploy/pod.yaml", "deploy/pod.yaml", True),
        ("deploy/pod.yaml", "x/deploy/pod.yaml", False),  # a slash inside anchors
        ("*.yaml", "a/b/c.yaml", True),
        ("a/*.yaml", "a/b/c.yaml", False),  # `*` stops at a slash
        ("a/**/c.yaml", "a/c.yaml", True),
        ("a/**/c.yaml", "a/b/b/c.yaml", True),
        ("a/**", "a/b/c", True),
        ("a/**", "a", False),
        ("a**c", "ab/bc", True),  # `**` beside other characters crosses slashes
        ("?.yaml", "a.yaml", True),
        ("?.yaml", "ab.yaml", False),
        ("[ab].yaml", "b.yaml", True),
        ("[!ab].yaml", "b.yaml", False),
        ("[^ab].yaml", "c.yaml", True),
        ("[a-c].yaml", "c.yaml", True),
        ("[a-].yaml", "-.yaml", True),
        ("[\\].yaml", "\\.yaml", True),  # a backslash is itself
        ("[abc", "[abc", True),  # an unclosed bracket is itself
        ("[[:alpha:]]", ":]", True),  # no POSIX classes: `[`, `:`, `a`... then `]`
        ("[a&&b]", "&", True),  # no set operations: `&&` is two ampersands
        ("  spaced.yaml  ", "spaced.yaml", True),
    ],
)
def test_gitignore_semantics(raw: str, relative: str, expected: bool) -> None:
    assert matches(raw, relative) is expected


def test_blank_and_comment_lines_are_no_patterns() -> None:
    assert compile_pattern("   ") is None
    assert compile_pattern("# charts/") is None


def test_negation_re_includes_and_the_last_match_wins(tmp_path: Path) -> None:
    excluder = Excluder.create(tmp_path, ["deploy/", "!deploy/keep.yaml", "*.bak.yaml"])
    assert excluder.excluded(tmp_path / "deploy/a.yaml")
    assert not excluder.excluded(tmp_path / "deploy/keep.yaml")
    assert excluder.excluded(tmp_path / "other/keep.bak.yaml")
    assert not excluder.excluded(tmp_path / "other/a.yaml")
    assert not excluder.excluded(tmp_path.parent / "deploy/a.yaml")  # outside the root


# The regular-expression translation kubelint used before, kept here as the reference: every
# valid glob must match exactly the paths it matched (it only backtracked and warned).


def _reference_translate(glob: str) -> str:
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
        elif glob[i] == "[" and (end := glob.find("]", i + 1)) >= 0:
            body = glob[i + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def _reference(raw: str) -> tuple[re.Pattern[str], bool] | None:
    text = raw.strip()
    if not text or text.startswith("#"):
        return None
    negated = text.startswith("!")
    text = text[1:].rstrip("/") if negated else text.rstrip("/")
    prefix = "" if "/" in text else "(?:.*/)?"
    body = _reference_translate(text.lstrip("/"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # `[[`: same meaning, with a warning
        return re.compile(rf"{prefix}{body}(?:/.*)?\Z"), negated


def test_same_matches_as_the_regular_expressions_before() -> None:
    tokens = ["a", "b", "/", "*", "**", "?", "[ab]", "[!a]", "[a-b]", "[", "!", "\\"]
    paths = ["", *("".join(p) for n in range(1, 6) for p in itertools.product("ab/", repeat=n))]
    compared = 0
    for size in range(1, 4):
        for combination in itertools.product(tokens, repeat=size):
            raw = "".join(combination)
            pattern = compile_pattern(raw)
            reference = _reference(raw)
            if pattern is None or reference is None:
                assert pattern is None and reference is None, raw
                continue
            regex, negated = reference
            assert pattern.negated is negated, raw
            for path in paths:
                assert pattern.matches(path) is bool(regex.match(path)), (raw, path)
                compared += 1
    assert compared > 300_000


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[z-a]", "'[z-a]' is not a valid glob: the range z-a in [z-a] is reversed (write a-z)"),
        ("[!]", "'[!]' is not a valid glob: [!] is an empty character class"),
        ("[^]", "'[^]' is not a valid glob: [^] is an empty character class"),
        ("a/[]x", "'a/[]x' is not a valid glob: [] is an empty character class"),
        ("!deploy/[9-0]/", "'!deploy/[9-0]/' is not a valid glob: the range 9-0 in [9-0]"),
    ],
)
def test_invalid_globs_are_refused(raw: str, message: str) -> None:
    with pytest.raises(GlobError) as info:
        compile_pattern(raw)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    "raw", ["[[:alpha:]]", "[a&&b]", "[a||b]", "[a~~b]", "[a-b--c]", "[[x]", "[!\\d]"]
)
def test_no_warning_for_what_a_regular_expression_would_warn_about(raw: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pattern = compile_pattern(raw)
        assert pattern is not None
        pattern.matches("a/b")


def test_matching_reads_each_character_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linear by construction: one pass over the states per character, at most."""
    calls: list[int] = []
    advance = exclude.Automaton.advance

    def counted(self: exclude.Automaton, states: frozenset[int], char: str) -> frozenset[int]:
        calls.append(len(states))
        return advance(self, states, char)

    monkeypatch.setattr(exclude.Automaton, "advance", counted)
    for raw in [PATHOLOGICAL, "*a*a*a*a*a*a*a*a*a*b", "**a**a**a**a**a**b"]:
        pattern = compile_pattern(raw)
        assert pattern is not None
        assert pattern.automaton.size <= 3 * len(raw) + 5
        path = "/".join(["a"] * 200) + "/a.yaml"
        calls.clear()
        assert not pattern.matches(path)
        assert len(calls) <= len(path), raw
        assert all(size <= pattern.automaton.size for size in calls)
        # The state sets met are remembered: the same path again reads no state set at all.
        calls.clear()
        assert not pattern.matches(path)
        assert calls == []
    assert matches(PATHOLOGICAL, "/".join(["d"] * 200) + "/x/y.yaml")


def test_matching_without_the_memo_is_linear_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exclude, "MAX_DFA_STATES", 2)  # the dead and the start state only
    pattern = compile_pattern(PATHOLOGICAL)
    assert pattern is not None
    path = "/".join(["d"] * 200) + "/x"
    assert pattern.matches(path)
    assert not pattern.matches(path + "y")


def test_pathological_glob_on_a_deep_tree(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["d"] * 40)
    deep.mkdir(parents=True)
    (deep / "x").mkdir()
    (deep / "x/pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    (deep / "keep.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: k}\n")
    (tmp_path / ".kubelint.yaml").write_text(f"select: [bare-pod]\nexclude: ['{PATHOLOGICAL}']\n")
    # Backtracking took many minutes here (18 s for the 32nd directory alone); the timeout is
    # generous for a slow machine.
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-m", "kubelint", "check", ".", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 1, proc.stderr
    files = [f["file"] for f in json.loads(proc.stdout)["findings"]]
    assert files == ["/".join(["d"] * 40) + "/keep.yaml"]


def test_warning_prone_globs_under_w_error(tmp_path: Path) -> None:
    (tmp_path / "a&.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: b}\n")
    (tmp_path / ".kubelint.yaml").write_text(
        "select: [bare-pod]\nexclude: ['[[:alpha:]]', '[a&&b]&.yaml', '[x||y]', '[~~]x']\n"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-m", "kubelint", "check", ".", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert "Warning" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert [f["file"] for f in json.loads(proc.stdout)["findings"]] == ["b.yaml"]
