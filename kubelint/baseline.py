"""Baselines: record today's findings, then report only new ones."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from kubelint import __version__
from kubelint.model import BaselineStats, Finding

FORMAT = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or written (a usage error)."""


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write every unsuppressed finding's file and fingerprint; return how many."""
    entries = sorted(
        (
            {"file": f.file, "rule": f.rule, "fingerprint": f.fingerprint, "message": f.message}
            for f in findings
            if not f.suppressed
        ),
        key=lambda e: (e["file"], e["rule"], e["fingerprint"], e["message"]),
    )
    data = {"kubelint": __version__, "format": FORMAT, "findings": entries}
    try:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(entries)


def read_baseline(path: Path) -> Counter[tuple[str, str]]:
    """Return how many times each (file, fingerprint) is recorded."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: not a kubelint baseline: {exc.msg}") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("format") != FORMAT:
        raise BaselineError(f"{path}: not a kubelint baseline (write one with --write-baseline)")
    counts: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str):
            counts[(str(entry.get("file")), entry["fingerprint"])] += 1
    return counts


def apply_baseline(
    findings: Sequence[Finding], recorded: Counter[tuple[str, str]], source: str
) -> tuple[list[Finding], BaselineStats]:
    """Drop findings recorded in the baseline; count the entries that no longer occur.

    Entries match by file and fingerprint (rule, object, field), never by line, so edits
    elsewhere in a file do not bring recorded findings back.
    """
    remaining = Counter(recorded)
    kept: list[Finding] = []
    matched = 0
    for finding in findings:
        key = (finding.file, finding.fingerprint)
        if not finding.suppressed and remaining[key] > 0:
            remaining[key] -= 1
            matched += 1
            continue
        kept.append(finding)
    stale = sum(n for n in remaining.values() if n > 0)
    return kept, BaselineStats(source, matched, stale)
