"""The rule catalogue proves itself: metadata, schemas, executed examples, generated docs."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from kubelint.compose import compose
from kubelint.data import data_dir
from kubelint.docs import render_docs
from kubelint.registry import Registry, default_registry, plugin_manager
from kubelint.ruledef import RULE_ID, RuleDefinition
from kubelint.testing import lint_text

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))
RULE_SCHEMA = ROOT / "schemas" / "rule.schema.json"
# internal-error: only a broken rule can produce it (tested in test_engine.py); helm-chart: it
# needs a chart folder, not one manifest (tested in test_helm_detection.py).
NO_EXAMPLES = {"internal-error", "helm-chart"}
REGISTRY = default_registry()
RULES = list(REGISTRY.rules.values())


def _ids(rules: list[RuleDefinition]) -> list[str]:
    return [r.id for r in rules]


def test_registry_loads_without_errors(registry: Registry) -> None:
    assert registry.errors == ()
    assert len(registry.rules) == len(RULE_FILES) >= 26  # every file in rules/ loads


def test_hookimpls_match_specs() -> None:
    pm, errors = plugin_manager()
    assert errors == []
    pm.check_pending()


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_rule_file_matches_schema_and_name(path: Path) -> None:
    import json

    schema = json.loads(RULE_SCHEMA.read_text())
    data = next(iter(compose(path.read_text()))).data
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["id"] == path.stem, "a rule file is named after its rule id"


@pytest.mark.parametrize("rule", RULES, ids=_ids(RULES))
def test_rule_metadata_is_complete(rule: RuleDefinition) -> None:
    assert RULE_ID.match(rule.id)
    assert rule.title and not rule.title.endswith(".")
    for text in (rule.description, rule.rationale, rule.remediation):
        assert text, f"{rule.id}: description, rationale and remediation are required"
        assert text.endswith((".", ")")), f"{rule.id}: sentences end with a period: {text[-20:]!r}"
    for ref in rule.references:
        assert ref.startswith("https://")


@pytest.mark.parametrize("rule", RULES, ids=_ids(RULES))
def test_template_parameters_validate(rule: RuleDefinition) -> None:
    if rule.template is None:
        return
    template = REGISTRY.templates[rule.template]
    jsonschema.Draft202012Validator(dict(template.parameters)).validate(dict(rule.params))


@pytest.mark.parametrize("rule", RULES, ids=_ids(RULES))
def test_bad_example_reports_documented_positions(rule: RuleDefinition) -> None:
    if rule.id in NO_EXAMPLES:
        assert rule.bad is None
        return
    assert rule.bad is not None and rule.bad.findings, f"{rule.id}: needs a bad example"
    findings = lint_text(rule.bad.manifest, [rule.id], registry=REGISTRY)
    findings = [f for f in findings if f.rule == rule.id]
    assert [(f.span.line, f.span.column) for f in findings] == list(rule.bad.findings)


@pytest.mark.parametrize("rule", RULES, ids=_ids(RULES))
def test_good_example_is_silent(rule: RuleDefinition) -> None:
    if rule.id in NO_EXAMPLES:
        return
    assert rule.good is not None, f"{rule.id}: needs a good example"
    findings = lint_text(rule.good.manifest, [rule.id], registry=REGISTRY)
    findings = [f for f in findings if f.rule == rule.id]
    assert findings == []


def test_examples_never_trip_loader_rules() -> None:
    for rule in RULES:
        if rule.good is None:
            continue
        findings = lint_text(rule.good.manifest, registry=REGISTRY)
        assert not [f for f in findings if f.rule in ("parse-error", "duplicate-key")], rule.id


def test_generated_docs_are_up_to_date() -> None:
    docs = ROOT / "docs" / "rules"
    wanted = render_docs(REGISTRY)
    present = {p.name for p in docs.glob("*.md")}
    assert present == set(wanted), "run `python -m kubelint.docs docs/rules`"
    for name, text in wanted.items():
        assert (docs / name).read_text(encoding="utf-8") == text, (
            f"docs/rules/{name} is stale: run `python -m kubelint.docs docs/rules`"
        )


def test_data_dirs_found() -> None:
    assert (data_dir("rules") / "bare-pod.yaml").is_file()
    assert (data_dir("schemas") / "rule.schema.json").is_file()


def test_every_template_module_is_registered() -> None:
    from kubelint.templates import MODULES

    on_disk = {p.stem for p in (ROOT / "kubelint" / "templates").glob("*.py")} - {"__init__"}
    assert set(MODULES) == on_disk
    used = {r.template for r in RULES if r.template}
    assert used == set(REGISTRY.templates)
