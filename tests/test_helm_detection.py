"""Helm templates, charts and placeholders: `{{ }}` that YAML calls data stays data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.load import load_text

# Shaped like real ConfigMaps and values files: template text in comments and block strings.
CONFIGMAP = """\
# Rendered from {{ .Values.name }} by the release pipeline; edit the chart, not this file.
apiVersion: v1
kind: ConfigMap
metadata:
  name: alerts
data:
  message: "{{ .Values.greeting }} from {{ .Release.Name }}"
  template.tmpl: |
    {{ define "slack.title" }}{{ .Status | toUpper }}{{ end }}
    {{ include "x" . | nindent 4 }}
  summary: Instance {{ $labels.instance }} is down
"""
VALUES = """\
# -- Name of the release, defaults to {{ .Release.Name }}
nameOverride: ""
# extraArgs:
#   - --cluster-name={{ include "chart.fullname" . }}
podLabels: {}
"""


def _run(*args: str) -> tuple[int, list[tuple[str, str, int, int, str, str]]]:
    out = io.StringIO()
    code = main(["check", *args, "-f", "json", "--select", "ALL"], out, io.StringIO())
    found = json.loads(out.getvalue())["findings"]
    return code, [
        (f["rule"], f["file"], f["line"], f["column"], f["severity"], f["message"]) for f in found
    ]


def test_template_text_in_comments_and_strings_is_data() -> None:
    loaded = load_text("cm.yaml", CONFIGMAP)
    assert loaded.problems == ()
    assert [r.kind for r in loaded.resources] == ["ConfigMap"]
    assert loaded.resources[0].obj["data"]["summary"] == "Instance {{ $labels.instance }} is down"
    values = load_text("values.yaml", VALUES)
    assert values.problems == () and values.documents == 1


def test_helm_syntax_in_a_plain_scalar_is_a_template() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{{ .Release.Name }}\n"
    loaded = load_text("cm.yaml", text)
    assert loaded.resources == ()
    assert [(p.rule, p.span.line, p.span.column) for p in loaded.problems] == [
        ("parse-error", 4, 1)
    ]
    assert "Helm template" in loaded.problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "column", "shown"),
    [
        (
            "apiVersion: v1\nkind: Secret\nstringData:\n  token: {{HF_TOKEN}}\n",
            4,
            10,
            "{{HF_TOKEN}}",
        ),
        (
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: {{IMAGE}}:1\n",
            5,
            12,
            "{{IMAGE}}",
        ),
    ],
)
def test_a_placeholder_that_breaks_yaml_is_reported_where_it_is(
    text: str, line: int, column: int, shown: str
) -> None:
    loaded = load_text("x.yaml", text)
    assert [(p.rule, p.span.line, p.span.column) for p in loaded.problems] == [
        ("parse-error", line, column)
    ]
    assert loaded.problems[0].span.end_column == column + len(shown)
    assert f"unrendered placeholder {shown}" in loaded.problems[0].message
    assert "Helm" not in loaded.problems[0].message


def test_documents_before_a_placeholder_are_still_linted() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: Secret\nx: {{Y}}\n"
    loaded = load_text("x.yaml", text)
    assert [r.kind for r in loaded.resources] == ["ConfigMap"]
    assert [(p.span.line, p.span.column) for p in loaded.problems] == [(6, 4)]


def _chart(root: Path) -> None:
    (root / "templates").mkdir(parents=True)
    (root / "crds").mkdir()
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (root / "values.yaml").write_text(VALUES)
    (root / "templates" / "deployment.yaml").write_text(
        "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\n{{- end }}\n"
    )
    (root / "crds" / "crd.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata:\n  name: widgets.example.com\n  labels: {bad_: x}\n"
    )


def test_a_chart_is_reported_once_and_its_other_files_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _chart(Path("chart"))
    code, found = _run("chart", "--ignore", "schema-validation")
    assert [(rule, file, line, col, sev) for rule, file, line, col, sev, _ in found] == [
        ("helm-chart", "chart/Chart.yaml", 1, 1, "info"),
        ("label-syntax", "chart/crds/crd.yaml", 5, 12, "error"),
    ]
    assert "helm template chart | kubelint check -" in found[0][5]
    assert code == 1  # the label error, not the chart note


def test_a_library_chart_renders_nothing_alone_and_gets_no_chart_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _chart(Path("chart"))
    Path("chart/Chart.yaml").write_text("apiVersion: v2\nname: demo\ntype: library  # helpers\n")
    _, found = _run("chart", "--ignore", "schema-validation")
    assert [(rule, file) for rule, file, *_ in found] == [("label-syntax", "chart/crds/crd.yaml")]


def test_a_template_named_on_the_command_line_is_still_a_parse_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _chart(Path("chart"))
    _, found = _run("chart/templates/deployment.yaml")
    assert [(rule, line, col) for rule, _, line, col, _, _ in found] == [("parse-error", 1, 1)]
    assert "Helm template" in found[0][5]
