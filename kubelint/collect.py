"""Collect findings as rules produce them: mark suppressions, match the baseline, bound the list.

Findings are judged one at a time so that a file with millions of violations never holds
millions of findings: of one rule in one file, the first `limit` in file order are listed and
the rest are counted, in one finding at the first of them that says how many there are.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kubelint import FINDINGS_PER_RULE_AND_FILE, suppress
from kubelint.model import BaselineStats, Finding, Severity, fingerprint


class _Latest:
    """A listed finding in a heap whose top is the latest in file order (heapq is a min-heap)."""

    __slots__ = ("finding", "key")

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        self.key = finding.sort_key()

    def __lt__(self, other: _Latest) -> bool:
        return self.key > other.key


@dataclass
class _Rule:
    """The findings of one rule in one file: those listed, and a count of the rest."""

    listed: list[Finding] = field(default_factory=list)
    # Once the limit is reached, the listed findings as a heap, the latest on top.
    heap: list[_Latest] | None = None
    omitted: int = 0
    suppressed: int = 0
    severity: Severity = Severity.INFO
    # The earliest omitted finding, where the count is reported.
    first: Finding | None = None

    def omit(self, finding: Finding, count: int = 1) -> None:
        """Count findings that are not listed."""
        self.omitted += count
        if finding.suppressed:
            self.suppressed += count
        else:
            self.severity = max(self.severity, finding.severity)
        if self.first is None or finding.sort_key() < self.first.sort_key():
            self.first = finding


@dataclass
class Collector:
    """Accepts findings one by one and returns the list a report shows."""

    index: suppress.Index
    # Recorded (file, fingerprint) counts of a baseline, or None without one.
    baseline: Counter[tuple[str, str]] | None = None
    baseline_source: str = ""
    # Findings listed per (rule, file); None lists them all.
    limit: int | None = FINDINGS_PER_RULE_AND_FILE
    _rules: dict[tuple[str, str], _Rule] = field(default_factory=dict)
    _matched: int = 0

    def __post_init__(self) -> None:
        self._remaining = Counter(self.baseline or {})

    def add(self, found: Iterable[Finding]) -> int:
        """Judge each finding; return how many were listed or counted (not in the baseline)."""
        kept = 0
        for raw in found:
            finding = self._suppressed(raw)
            if self.baseline is not None and self._in_baseline(finding):
                continue
            kept += 1
            self._list(finding)
        return kept

    def count_more(self, finding: Finding, count: int) -> None:
        """Count `count` findings like `finding`, from its position on, that were never made.

        The loader counts duplicate keys past the limit without locating each one; they take
        the suppression of the first.
        """
        rule = self._rules.setdefault((finding.rule, finding.file), _Rule())
        rule.omit(self._suppressed(finding), count)

    def _list(self, finding: Finding) -> None:
        rule = self._rules.setdefault((finding.rule, finding.file), _Rule())
        if rule.heap is None:
            if self.limit is None or len(rule.listed) < self.limit:
                rule.listed.append(finding)
                return
            rule.heap = [_Latest(f) for f in rule.listed]
            heapq.heapify(rule.heap)
            rule.listed = []
        entry = _Latest(finding)
        if rule.heap and entry.key < rule.heap[0].key:
            # Earlier in the file than the latest listed one: list it, count that one instead.
            rule.omit(heapq.heapreplace(rule.heap, entry).finding)
        else:
            rule.omit(finding)

    def _suppressed(self, finding: Finding) -> Finding:
        if finding.rule == suppress.INVALID:
            return finding
        rule = suppress.match(self.index, finding)
        if rule is None:
            return finding
        return replace(finding, suppressed=True, suppression_reason=rule.reason)

    def _in_baseline(self, finding: Finding) -> bool:
        key = (finding.file, finding.fingerprint)
        if not finding.suppressed and self._remaining[key] > 0:
            self._remaining[key] -= 1
            self._matched += 1
            return True
        return False

    def result(self) -> tuple[list[Finding], BaselineStats | None]:
        """Return the findings to report, with one per rule and file that was cut short."""
        out: list[Finding] = []
        for (rule_id, _), rule in self._rules.items():
            out.extend(rule.listed)
            out.extend(entry.finding for entry in rule.heap or ())
            if rule.first is not None:
                out.append(self._summary(rule_id, rule, rule.first))
        stats = None
        if self.baseline is not None:
            stale = sum(n for n in self._remaining.values() if n > 0)
            stats = BaselineStats(self.baseline_source, self._matched, stale)
        return out, stats

    def _summary(self, rule_id: str, rule: _Rule, first: Finding) -> Finding:
        """Say how many findings of a rule were not listed, at the first of them."""
        active = rule.omitted - rule.suppressed
        message = (
            f"{rule.omitted:,} more {rule_id} findings in this file from here on are not "
            f"listed (at most {self.limit or 0:,} per rule and file are; --all-findings lists "
            "them all)"
        )
        if active and rule.suppressed:
            message += f"; {rule.suppressed:,} of them are suppressed"
        return Finding(
            rule=rule_id,
            severity=rule.severity if active else first.severity,
            message=message,
            file=first.file,
            span=first.span,
            fingerprint=fingerprint(rule_id, None, (), "more"),
            suppressed=not active,
            suppression_reason=None if active else "every one of them is suppressed",
        )
