"""Every case in tests/cases/*.yaml: exact positions of each rule's findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint.registry import Registry
from kubelint.testing import Case, check_case, load_cases

CASES_DIR = Path(__file__).parent / "cases"
CASES = [case for path in sorted(CASES_DIR.glob("*.yaml")) for case in load_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}:{c.name}" for c in CASES])
def test_case(case: Case, registry: Registry) -> None:
    check_case(case, registry)


def test_every_rule_has_failing_and_passing_cases(registry: Registry) -> None:
    # internal-error needs a broken rule, helm-chart a chart folder: tested end to end instead.
    exempt = {"internal-error", "helm-chart"}
    for rule_id in registry.rules:
        if rule_id in exempt:
            continue
        mine = [c for c in CASES if c.rule == rule_id]
        assert any(c.findings for c in mine), f"{rule_id}: no case with findings"
        assert any(not c.findings for c in mine), f"{rule_id}: no case without findings"
