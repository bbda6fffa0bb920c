"""The real-world corpus loop: every finding on ../shared/corpus against a reviewed snapshot.

    python tests/corpus/snapshot.py            # compare; print the difference grouped by rule
    python tests/corpus/snapshot.py --update   # rewrite snapshot.tsv and counts.md

Each line of `snapshot.tsv` is a claim that the finding is true: someone read it and would
defend it to the manifest's author. `notes.tsv` keeps a one-line note for findings that are
debatable but kept. A change that alters findings shows this difference and says why.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent.parent / "shared" / "corpus"
PARTS = ("real", "ecosystem")
SNAPSHOT = HERE / "snapshot.tsv"
COUNTS = HERE / "counts.md"
NOTES = HERE / "notes.tsv"
HEADER = "rule\tfile\tline\tcolumn\tseverity\tmessage"

Row = tuple[str, str, int, int, str, str]


def _clean(text: str) -> str:
    """Keep a message on one TSV line."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def current(corpus: Path = CORPUS) -> list[Row]:
    """Run kubelint over the corpus as a user would (default rules, no config) and return rows."""
    from kubelint.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    saved = os.environ.get("KUBELINT_CACHE_DIR")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["KUBELINT_CACHE_DIR"] = cache
        try:
            os.chdir(corpus)
            code = main(["check", *PARTS, "--no-config", "-f", "json"], out, err)
        finally:
            os.chdir(previous)
            if saved is None:
                os.environ.pop("KUBELINT_CACHE_DIR", None)
            else:
                os.environ["KUBELINT_CACHE_DIR"] = saved
    if code not in (0, 1):
        raise RuntimeError(f"kubelint exited {code}: {err.getvalue()}")
    rows = [
        (f["rule"], f["file"], f["line"], f["column"], f["severity"], _clean(f["message"]))
        for f in json.loads(out.getvalue())["findings"]
    ]
    return sorted(rows, key=lambda r: (r[1], r[2], r[3], r[0], r[5]))


def read(path: Path = SNAPSHOT) -> list[Row]:
    """Read the committed snapshot."""
    rows: list[Row] = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        rule, file, number, column, severity, message = line.split("\t")
        rows.append((rule, file, int(number), int(column), severity, message))
    return rows


def _line(row: Row) -> str:
    return "\t".join(str(part) for part in row)


def diff(old: Sequence[Row], new: Sequence[Row]) -> str:
    """Return the difference, grouped by rule: `-` lines are gone, `+` lines are new."""
    gone = Counter(old) - Counter(new)
    added = Counter(new) - Counter(old)
    by_rule: dict[str, list[str]] = defaultdict(list)
    for row in sorted(gone.elements(), key=lambda r: r[1:4]):
        by_rule[row[0]].append(f"  - {row[1]}:{row[2]}:{row[3]}: {row[4]} {row[5]}")
    for row in sorted(added.elements(), key=lambda r: r[1:4]):
        by_rule[row[0]].append(f"  + {row[1]}:{row[2]}:{row[3]}: {row[4]} {row[5]}")
    parts = []
    for rule in sorted(by_rule):
        lines = by_rule[rule]
        minus = sum(1 for line in lines if line.startswith("  -"))
        parts.append(f"{rule}: {minus} gone, {len(lines) - minus} new")
        parts.extend(sorted(lines, key=lambda line: line[4:]))
    return "\n".join(parts)


def project(file: str) -> str:
    """Return `part/project` for a corpus-relative file."""
    return "/".join(file.split("/")[:2])


def counts_table(rows: Iterable[Row]) -> str:
    """Return the Markdown table of findings per project and rule."""
    table: Counter[tuple[str, str]] = Counter((project(r[1]), r[0]) for r in rows)
    projects = sorted({p for p, _ in table})
    rules = sorted({r for _, r in table})
    lines = [
        "# Findings on ../shared/corpus, per project and rule",
        "",
        "Written by `python tests/corpus/snapshot.py --update`; do not edit by hand.",
        "",
        "| project | " + " | ".join(f"`{r}`" for r in rules) + " | total |",
        "|---|" + "---:|" * (len(rules) + 1),
    ]
    for name in projects:
        cells = [str(table[(name, r)] or "") for r in rules]
        total = sum(table[(name, r)] for r in rules)
        lines.append(f"| `{name}` | " + " | ".join(cells) + f" | {total} |")
    totals = [str(sum(table[(p, r)] for p in projects)) for r in rules]
    lines.append("| **total** | " + " | ".join(totals) + f" | {sum(table.values())} |")
    return "\n".join(lines) + "\n"


def write(rows: Sequence[Row]) -> None:
    """Write the snapshot and the count table."""
    SNAPSHOT.write_text(HEADER + "\n" + "".join(_line(r) + "\n" for r in rows), encoding="utf-8")
    COUNTS.write_text(counts_table(rows), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Compare the corpus findings with the snapshot, or rewrite it with --update."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the snapshot")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"{CORPUS} is absent", file=sys.stderr)
        return 2
    rows = current()
    if args.update:
        write(rows)
        print(f"wrote {len(rows)} findings to {SNAPSHOT.name} and {COUNTS.name}")
        return 0
    text = diff(read(), rows)
    if text:
        print(text)
        return 1
    print(f"{len(rows)} findings, as in the snapshot")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
