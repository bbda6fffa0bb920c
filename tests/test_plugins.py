"""Third-party plugins end to end: wheels built, installed and found through the entry point.

tests/plugin_example is a realistic plugin (a template, a rule directory shipped in the
package, a reporter); tests/plugin_broken holds two broken ones (an import that fails, a rule
naming a template nobody provides). Each is built into a wheel and installed into its own
directory once per module; kubelint then runs in subprocesses with that directory on
PYTHONPATH, exactly as after a `pip install`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from kubelint.compose import compose
from kubelint.hookspecs import hookimpl
from kubelint.model import Severity
from kubelint.registry import PluginError, Registry, default_registry
from kubelint.ruledef import RuleDefinition
from kubelint.testing import Case, check_case, lint_text, load_cases

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "plugin_example"
BROKEN = ROOT / "tests" / "plugin_broken"
EXAMPLE_RULE = EXAMPLE / "kubelint_example" / "rules" / "no-latest-tag.yaml"
CASES = load_cases(EXAMPLE / "cases" / "no-latest-tag.yaml")

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      initContainers:
        - name: migrate
          image: registry.example.com:5000/web/migrate
      containers:
        - name: web
          image: nginx:latest
          securityContext:
            privileged: true
"""
SELECT = "no-latest-tag,privileged-container,missing-liveness-probe"


@dataclass(frozen=True)
class Installed:
    """A plugin wheel and the directory it was installed into (for PYTHONPATH)."""

    wheel: Path
    site: Path


def _pip(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", *args, "-q", "--disable-pip-version-check"],
        check=True,
        timeout=120,
    )


def _install(project: Path, tmp: Path) -> Installed:
    wheels, site = tmp / "wheels", tmp / "site"
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(project))
    (wheel,) = wheels.glob("*.whl")
    _pip("install", "--no-deps", "--target", str(site), str(wheel))
    return Installed(wheel, site)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    return _install(EXAMPLE, tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    return _install(BROKEN, tmp_path_factory.mktemp("broken"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("manifests")
    (work / "web.yaml").write_text(WEB)
    return work


def kubelint(
    workdir: Path, sites: Sequence[Installed], *args: str
) -> subprocess.CompletedProcess[str]:
    """Run `python -m kubelint ARGS` in `workdir` with the given plugin installs importable."""
    env = {k: v for k, v in os.environ.items() if k not in {"GITHUB_ACTIONS", "CI"}}
    env["PYTHONPATH"] = os.pathsep.join(str(s.site) for s in sites)
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
        timeout=60,
    )


LOCATED = ("rule", "severity", "line", "column", "end_line", "end_column", "path")


def _located(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(f[key] for key in LOCATED) for f in report["findings"]]


# --- the example plugin, installed from its wheel ------------------------------------------------


def test_wheel_ships_rules_and_entry_point(example: Installed) -> None:
    with zipfile.ZipFile(example.wheel) as wheel:
        names = set(wheel.namelist())
        assert "kubelint_example/plugin.py" in names
        assert "kubelint_example/rules/no-latest-tag.yaml" in names
        info = "kubelint_example_plugin-0.1.0.dist-info/entry_points.txt"
        assert wheel.read(info).decode().split() == [
            "[kubelint]",
            "example",
            "=",
            "kubelint_example.plugin",
        ]


def test_check_json_reports_plugin_and_builtin_rules(example: Installed, workdir: Path) -> None:
    proc = kubelint(workdir, [example], "check", "web.yaml", "--format", "json", "--select", SELECT)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    report = json.loads(proc.stdout)
    assert _located(report) == [
        ("no-latest-tag", "warning", 14, 11, 14, 16, "spec.template.spec.initContainers[0].image"),
        (
            "missing-liveness-probe",
            "warning",
            16,
            11,
            16,
            15,
            "spec.template.spec.containers[0].livenessProbe",
        ),
        ("no-latest-tag", "warning", 17, 11, 17, 16, "spec.template.spec.containers[0].image"),
        (
            "privileged-container",
            "error",
            19,
            13,
            19,
            23,
            "spec.template.spec.containers[0].securityContext.privileged",
        ),
    ]
    messages = [f["message"] for f in report["findings"] if f["rule"] == "no-latest-tag"]
    assert messages == [
        'container "migrate" uses image "registry.example.com:5000/web/migrate" without a tag, '
        'which means "latest"; pin a version',
        'container "web" uses image "nginx:latest" with the tag "latest"; pin a version',
    ]
    assert report["summary"]["by_severity"] == {"error": 1, "warning": 3}


def test_count_format_from_plugin(example: Installed, workdir: Path) -> None:
    proc = kubelint(
        workdir, [example], "check", "web.yaml", "--format", "count", "--select", SELECT
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "missing-liveness-probe 1\nno-latest-tag 2\nprivileged-container 1\n"
    assert proc.stderr == ""


def test_count_format_pairs_with_outputs_like_builtin_formats(
    example: Installed, workdir: Path
) -> None:
    args = ["check", "web.yaml", "--select", "no-latest-tag", "--fail-level", "error"]
    args += ["-f", "json", "-o", "report.json", "-f", "count", "-o", "-"]
    proc = kubelint(workdir, [example], *args)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "no-latest-tag 2\n", "")
    report = json.loads((workdir / "report.json").read_text())
    assert [(f["line"], f["column"]) for f in report["findings"]] == [(14, 11), (17, 11)]


def test_rules_lists_plugin_rule(example: Installed, workdir: Path) -> None:
    proc = kubelint(workdir, [example], "rules")
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split(None, 4)[1:] for line in proc.stdout.splitlines()[1:]}
    assert rows["no-latest-tag"] == [
        "warning",
        "reliability",
        "yes",
        "Container image without a pinned tag",
    ]
    assert "privileged-container" in rows
    proc = kubelint(workdir, [example], "rules", "--format", "json")
    entry = next(r for r in json.loads(proc.stdout) if r["id"] == "no-latest-tag")
    assert entry["tags"] == ["reliability", "images"]
    assert entry["enabled"] is True
    proc = kubelint(workdir, [example], "rules", "--format", "markdown")
    assert "| [no-latest-tag](no-latest-tag.md) | warning | reliability | yes |" in proc.stdout


def test_explain_plugin_rule(example: Installed, workdir: Path) -> None:
    proc = kubelint(workdir, [example], "explain", "no-latest-tag")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("# no-latest-tag\n\n**Container image without a pinned tag**\n")
    assert "- Template: `image-tag`\n" in text
    assert '| `forbidden_tags` | array of string | `["latest"]` |\n' in text
    assert "`no-latest-tag` reports: line 14, column 11, line 17, column 11.\n" in text
    assert "image: nginx:latest\n" in text


def test_without_the_plugin_its_rule_and_format_are_unknown(workdir: Path) -> None:
    proc = kubelint(workdir, [], "explain", "no-latest-tag")
    assert proc.returncode == 2
    assert "unknown rule 'no-latest-tag'" in proc.stderr
    proc = kubelint(workdir, [], "check", "web.yaml", "--format", "count")
    assert proc.returncode == 2
    assert "count" in proc.stderr


# --- broken plugins: reported, isolated, exit code 2 ---------------------------------------------


def test_plugin_that_fails_to_import(broken: Installed, workdir: Path) -> None:
    proc = kubelint(
        workdir, [broken], "check", "web.yaml", "-f", "json", "--select", "privileged-container"
    )
    assert proc.returncode == 2
    errors = proc.stderr.splitlines()
    assert errors[0] == (
        "kubelint: error: plugin broken: cannot load plugin kubelint_broken.broken: "
        "ImportError(\"No module named 'kubelint_broken_dependency'\")"
    )
    # The built-in rules still ran and reported.
    assert [(f[0], f[2], f[3]) for f in _located(json.loads(proc.stdout))] == [
        ("privileged-container", 19, 13)
    ]


def test_rule_with_unknown_template_names_plugin_and_rule_file(
    broken: Installed, workdir: Path
) -> None:
    proc = kubelint(workdir, [broken], "check", "web.yaml", "-f", "json")
    assert proc.returncode == 2
    rule_file = broken.site / "kubelint_broken" / "rules" / "uses-missing-template.yaml"
    assert proc.stderr.splitlines()[1] == (
        f"kubelint: error: plugin badrule: {rule_file}: "
        "rule 'uses-missing-template' uses unknown template 'no-such-template'"
    )
    rules = {f["rule"] for f in json.loads(proc.stdout)["findings"]}
    assert "privileged-container" in rules
    assert "uses-missing-template" not in rules


def test_broken_plugins_do_not_stop_a_working_one(
    example: Installed, broken: Installed, workdir: Path
) -> None:
    args = ["check", "web.yaml", "-f", "count", "--select", SELECT]
    proc = kubelint(workdir, [example, broken], *args)
    assert proc.returncode == 2
    assert proc.stdout == "missing-liveness-probe 1\nno-latest-tag 2\nprivileged-container 1\n"
    errors = proc.stderr.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith("kubelint: error: plugin broken: cannot load plugin")
    assert errors[1].startswith("kubelint: error: plugin ")
    assert "uses unknown template 'no-such-template'" in errors[1]


# --- in process: the helpers a plugin author's own test suite uses -------------------------------


@pytest.fixture(scope="module")
def plugin_module() -> Iterator[ModuleType]:
    """Import the example plugin from its source tree (no metadata, so not an entry point)."""
    sys.path.insert(0, str(EXAMPLE))
    try:
        from kubelint_example import plugin

        yield plugin
    finally:
        sys.path.remove(str(EXAMPLE))
        for name in [n for n in sys.modules if n.partition(".")[0] == "kubelint_example"]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def example_registry(plugin_module: ModuleType) -> Registry:
    registry = default_registry(extra=[plugin_module])
    assert registry.errors == ()
    return registry


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, example_registry: Registry) -> None:
    check_case(case, example_registry)


def test_registry_holds_the_contributions(example_registry: Registry) -> None:
    assert example_registry.templates["image-tag"].kinds is not None
    rule = example_registry.rules["no-latest-tag"]
    assert (rule.severity, rule.template, rule.source) == (
        Severity.WARNING,
        "image-tag",
        str(EXAMPLE_RULE),
    )
    assert "count" in example_registry.reporters
    assert "json" in example_registry.reporters


def test_rule_file_has_builtin_format(example_registry: Registry) -> None:
    schema = json.loads((ROOT / "schemas" / "rule.schema.json").read_text())
    data = next(iter(compose(EXAMPLE_RULE.read_text()))).data
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["id"] == EXAMPLE_RULE.stem
    rule = example_registry.rules["no-latest-tag"]
    template = example_registry.templates["image-tag"]
    jsonschema.Draft202012Validator(dict(template.parameters)).validate(dict(rule.params))


def test_rule_examples(example_registry: Registry) -> None:
    rule = example_registry.rules["no-latest-tag"]
    assert rule.bad is not None and rule.good is not None
    bad = lint_text(rule.bad.manifest, [rule.id], registry=example_registry)
    assert [(f.span.line, f.span.column) for f in bad] == list(rule.bad.findings)
    assert lint_text(rule.good.manifest, [rule.id], registry=example_registry) == []


class CodeRules:
    """A plugin object (not a module) adding a rule in code through `kubelint_rules`."""

    @hookimpl
    def kubelint_rules(self) -> list[RuleDefinition]:
        return [
            RuleDefinition(
                id="no-dev-tag",
                title="Development image tag",
                severity=Severity.ERROR,
                category="reliability",
                description="Images must not use the dev or latest tags.",
                rationale="",
                remediation="",
                source="tests/test_plugins.py",
                template="image-tag",
                params={"forbidden_tags": ["dev", "latest"]},
            )
        ]


def test_forbidden_tags_parameter_through_a_rule_in_code(plugin_module: ModuleType) -> None:
    registry = default_registry(extra=[plugin_module, CodeRules()])
    assert registry.errors == ()
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - {name: a, image: 'app:dev'}\n"
        "    - {name: b, image: 'app:1.0'}\n"
        "    - {name: c, image: 'app:latest'}\n"
        "    - {name: d, image: app}\n"
    )
    findings = lint_text(manifest, ["no-dev-tag", "no-latest-tag"], registry=registry)
    got = [(f.rule, f.span.line, f.span.column, f.severity.label) for f in findings]
    assert got == [
        ("no-dev-tag", 6, 17, "error"),
        ("no-dev-tag", 8, 17, "error"),
        ("no-latest-tag", 8, 17, "warning"),
        ("no-dev-tag", 9, 17, "error"),
        ("no-latest-tag", 9, 17, "warning"),
    ]


class UnknownTemplateRules:
    """A plugin object whose rule directory holds a rule naming a missing template."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @hookimpl
    def kubelint_rule_dirs(self) -> list[Path]:
        return [self.directory]


def test_unknown_template_in_process() -> None:
    rule_file = BROKEN / "kubelint_broken" / "rules" / "uses-missing-template.yaml"
    plugin = UnknownTemplateRules(rule_file.parent)
    registry = default_registry(extra=[plugin])
    assert "uses-missing-template" not in registry.rules
    assert "privileged-container" in registry.rules
    assert registry.errors == (
        PluginError(
            repr(plugin),
            f"{rule_file}: rule 'uses-missing-template' uses unknown template 'no-such-template'",
        ),
    )


# --- docs/plugins.md quotes these files: its excerpts must stay verbatim -------------------------

EXCERPT = re.compile(r"<!-- from: (\S+) -->\n```\w*\n(.*?)```", re.DOTALL)


def test_docs_excerpts_match_the_real_files() -> None:
    text = (ROOT / "docs" / "plugins.md").read_text()
    excerpts = EXCERPT.findall(text)
    assert len(excerpts) >= 8
    for path, block in excerpts:
        assert block in (ROOT / path).read_text(), f"docs/plugins.md quotes {path} out of date"
