"""Engine behaviour: plugins, schema-assertion rules, internal errors, selection, positions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from kubelint.engine import SelectionError, select_rules
from kubelint.hookspecs import hookimpl
from kubelint.model import Resource, Violation
from kubelint.registry import default_registry
from kubelint.template import Params, Template
from kubelint.testing import lint_text

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    team: payments
spec:
  template:
    spec:
      containers:
        - name: web
          image: docker.io/library/nginx:1.27
        - name: sidecar
          image: registry.example.com/proxy:2
"""


def _explode(resource: Resource, params: Params) -> Iterator[Violation]:
    raise ZeroDivisionError("boom")
    yield  # pragma: no cover


def _broken_set(
    resources: Sequence[Resource], params: Params
) -> Iterator[tuple[Resource, Violation]]:
    raise KeyError("set")
    yield  # pragma: no cover


class BrokenPlugin:
    """A plugin whose template raises, and one whose rule-dir hook raises."""

    @hookimpl
    def kubelint_templates(self) -> list[Template]:
        return [
            Template("explode", "always raises", check=_explode),
            Template("explode-set", "always raises", check_set=_broken_set),
        ]


def _rule_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


EXPLODE_RULE = """\
id: always-explodes
title: Raises
severity: warning
description: Raises.
check:
  template: explode
"""


def test_rule_that_raises_becomes_internal_error(tmp_path: Path) -> None:
    reg = default_registry([_rule_dir(tmp_path, {"x.yaml": EXPLODE_RULE})], [BrokenPlugin()])
    assert reg.errors == ()
    findings = lint_text(DEPLOYMENT, ["always-explodes", "missing-liveness-probe"], registry=reg)
    internal = [f for f in findings if f.rule == "internal-error"]
    assert len(internal) == 1
    assert (internal[0].span.line, internal[0].span.column) == (2, 1)
    assert "always-explodes" in internal[0].message and "Deployment web" in internal[0].message
    assert "ZeroDivisionError: boom" in internal[0].message
    assert internal[0].severity.label == "error"
    # The other rule still ran.
    assert [f.rule for f in findings].count("missing-liveness-probe") == 2


def test_unknown_template_is_a_named_registry_error(tmp_path: Path) -> None:
    text = EXPLODE_RULE.replace("template: explode", "template: no-such-template")
    reg = default_registry([_rule_dir(tmp_path, {"x.yaml": text})])
    assert "always-explodes" not in reg.rules
    assert any("no-such-template" in e.message for e in reg.errors)


def test_broken_rule_file_names_file_and_line(tmp_path: Path) -> None:
    text = EXPLODE_RULE.replace("severity: warning", "severity: fatal")
    reg = default_registry([_rule_dir(tmp_path, {"bad.yaml": text})])
    assert len(reg.errors) == 1
    assert f"{tmp_path / 'bad.yaml'}:3: unknown severity 'fatal'" in reg.errors[0].message
    assert "bare-pod" in reg.rules  # the built-ins are unaffected


SCHEMA_RULES = {
    "registry.yaml": """\
id: trusted-registry
title: Images come from the company registry
severity: error
description: Every container image must come from registry.example.com.
check:
  schema:
    target: container
    assert:
      properties:
        image: {type: string, pattern: "^registry\\\\.example\\\\.com/"}
      required: [image]
    message: "{target}: image must come from registry.example.com ({detail})"
""",
    "team.yaml": """\
id: team-label
title: Deployments carry a team label
severity: warning
kinds: [Deployment]
description: Every Deployment must carry a team label.
check:
  schema:
    target: object
    assert:
      properties:
        metadata:
          properties:
            labels: {required: [owner]}
    message: "{target} has no owner label"
""",
}


def test_schema_assertion_rules_locate_each_error(tmp_path: Path) -> None:
    reg = default_registry([_rule_dir(tmp_path, SCHEMA_RULES)])
    assert reg.errors == ()
    findings = lint_text(DEPLOYMENT, ["trusted-registry", "team-label"], registry=reg)
    got = [(f.rule, f.span.line, f.span.column) for f in findings]
    assert got == [("team-label", 5, 3), ("trusted-registry", 12, 11)]
    assert findings[1].message.startswith('container "web": image must come from registry')
    assert findings[0].severity.label == "warning"


def test_select_and_ignore() -> None:
    reg = default_registry()
    ids = [r.id for r in select_rules(reg, ["bare-pod", "run-as-root"], ["run-as-root"])]
    assert ids == ["bare-pod"]
    with pytest.raises(SelectionError, match="no-such-rule"):
        select_rules(reg, ["no-such-rule"])
    enabled = [r for r in reg.rules.values() if r.enabled]
    assert len(select_rules(reg, [], ["bare-pod"])) == len(enabled) - 1


def test_cross_resource_rule_that_raises_is_reported(tmp_path: Path) -> None:
    text = EXPLODE_RULE.replace("always-explodes", "set-explodes").replace(
        "explode\n", "explode-set\n"
    )
    reg = default_registry([_rule_dir(tmp_path, {"s.yaml": text})], [BrokenPlugin()])
    findings = lint_text(DEPLOYMENT, ["set-explodes"], registry=reg)
    assert [f.rule for f in findings] == ["internal-error"]
    assert "set-explodes" in findings[0].message


def test_plugin_hook_that_raises_is_isolated() -> None:
    class Bad:
        @hookimpl
        def kubelint_templates(self) -> list[Template]:
            raise RuntimeError("cannot build templates")

    reg = default_registry(extra=[Bad()])
    assert any("cannot build templates" in e.message for e in reg.errors)
    assert "bare-pod" in reg.rules


def test_finding_fingerprint_survives_line_shifts() -> None:
    shifted = "# a comment\n# another\n" + DEPLOYMENT
    a = lint_text(DEPLOYMENT, ["missing-liveness-probe"])
    b = lint_text(shifted, ["missing-liveness-probe"])
    assert [f.fingerprint for f in a] == [f.fingerprint for f in b]
    assert [f.span.line + 2 for f in a] == [f.span.line for f in b]
    assert a[0].fingerprint != a[1].fingerprint  # different containers
