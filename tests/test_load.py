"""Loading: bytes -> resources with file-relative positions; bad input becomes LoadProblems."""

from __future__ import annotations

import pytest

from kubelint.load import LoadedFile, decode, load_bytes, load_text
from kubelint.model import JsonPath, Resource


def span(res: Resource, path: JsonPath, at_value: bool = False) -> tuple[int, int, int, int]:
    s = res.positions.lookup(path, at_value)
    return (s.line, s.column, s.end_line, s.end_column)


def problems(loaded: LoadedFile) -> list[tuple[str, int, int]]:
    return [(p.rule, p.span.line, p.span.column) for p in loaded.problems]


CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: v\n"


# --- decoding ----------------------------------------------------------------------------------


def test_decode_plain_utf8() -> None:
    assert decode("a: é\n".encode()) == ("a: é\n", None)


def test_decode_strips_utf8_bom() -> None:
    text, problem = decode(b"\xef\xbb\xbfa: 1\n")
    assert problem is None
    assert text == "a: 1\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_rejects_utf16(encoding: str) -> None:
    data = CONFIGMAP.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + CONFIGMAP).encode(encoding)
    text, problem = decode(data)
    assert text is None
    assert problem is not None
    assert problem.rule == "parse-error"
    assert "UTF-16" in problem.message
    assert (problem.span.line, problem.span.column) == (1, 1)


def test_decode_reports_invalid_utf8_at_its_position() -> None:
    text, problem = decode(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n")
    assert text is None
    assert problem is not None
    assert "not valid UTF-8" in problem.message
    assert "0xe9" in problem.message
    assert "offset 52" in problem.message
    assert (problem.span.line, problem.span.column) == (4, 12)


def test_decode_invalid_utf8_column_counts_characters() -> None:
    _, problem = decode("a: ü日本 ".encode() + b"\xff\n")
    assert problem is not None
    assert (problem.span.line, problem.span.column) == (1, 8)


def test_decode_reports_nul_byte() -> None:
    _, problem = decode(b"a: 1\nb: x\x00y\n")
    assert problem is not None
    assert "NUL" in problem.message
    assert (problem.span.line, problem.span.column) == (2, 5)


# --- resources ---------------------------------------------------------------------------------


def test_single_resource() -> None:
    loaded = load_text("cm.yaml", CONFIGMAP)
    assert loaded.documents == 1
    assert loaded.problems == ()
    (res,) = loaded.resources
    assert (res.file, res.document, res.api_version, res.kind, res.name, res.namespace) == (
        "cm.yaml",
        0,
        "v1",
        "ConfigMap",
        "x",
        None,
    )
    assert res.prefix == ()
    assert res.obj == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x"},
        "data": {"k": "v"},
    }


def test_multi_document_positions_and_order() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
        "---\n"
        "- not\n- an object\n"
        "---\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n  namespace: ns\n"
    )
    loaded = load_text("m.yaml", text, order_start=10)
    assert loaded.documents == 3
    assert [(r.kind, r.name, r.namespace, r.document, r.order) for r in loaded.resources] == [
        ("ConfigMap", "a", None, 0, 10),
        ("Secret", "b", "ns", 2, 11),
    ]
    assert span(loaded.resources[1], ("metadata", "namespace")) == (13, 3, 13, 12)
    assert span(loaded.resources[1], ("kind",), at_value=True) == (10, 7, 10, 13)


def test_crlf_and_bom_bytes() -> None:
    data = b"\xef\xbb\xbf" + CONFIGMAP.replace("\n", "\r\n").encode()
    loaded = load_bytes("crlf.yaml", data)
    assert loaded.problems == ()
    (res,) = loaded.resources
    assert res.obj["data"] == {"k": "v"}
    assert span(res, ("apiVersion",)) == (1, 1, 1, 11)
    assert span(res, ("data", "k")) == (6, 3, 6, 4)
    assert span(res, ("data", "k"), at_value=True) == (6, 6, 6, 7)


def test_non_ascii_before_key_counts_characters() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\n"
        'metadata: {name: x, annotations: {é: 1, "ü日本": 2, k: v}}\n'
        'data: {emoji: "日本語🚀", b: c}\n'
    )
    (res,) = load_bytes("u.yaml", text.encode()).resources
    assert span(res, ("metadata", "annotations", "k")) == (3, 51, 3, 52)
    assert span(res, ("data", "emoji"), at_value=True) == (4, 15, 4, 21)
    assert span(res, ("data", "b")) == (4, 23, 4, 24)


JSON_TABS = (
    "{\n"
    '\t"apiVersion": "v1",\n'
    '\t"kind": "ConfigMap",\n'
    '\t"metadata": {\n'
    '\t\t"name": "x"\n'
    "\t},\n"
    '\t"data": {"a": "yes", "b": 1}\n'
    "}\n"
)


def test_tab_indented_json() -> None:
    loaded = load_text("x.json", JSON_TABS)
    assert loaded.problems == ()
    (res,) = loaded.resources
    # Quoted JSON strings stay strings; JSON numbers are numbers.
    assert res.obj["data"] == {"a": "yes", "b": 1}
    assert span(res, ("metadata", "name")) == (5, 3, 5, 9)
    assert span(res, ("metadata", "name"), at_value=True) == (5, 11, 5, 14)
    assert span(res, ("data", "b")) == (7, 23, 7, 26)


def test_space_indented_json_and_json_array() -> None:
    text = '[\n  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}\n]\n'
    loaded = load_text("arr.json", text)
    # A bare JSON array is not a Kubernetes object (use kind: List).
    assert loaded.resources == ()
    assert loaded.problems == ()
    text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"}\n}\n'
    (res,) = load_text("p.json", text).resources
    assert span(res, ("metadata", "name")) == (4, 16, 4, 22)


LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: a
- apiVersion: v1
  kind: Pod
  metadata:
    name: b
  spec:
    containers: []
- 5
- kind: NoApiVersion
- apiVersion: v1
  kind: Service
  metadata: {name: s}
"""


def test_list_items_are_resources_with_file_positions() -> None:
    loaded = load_text("list.yaml", LIST)
    assert loaded.documents == 1
    assert [(r.kind, r.name, r.prefix, r.document, r.order) for r in loaded.resources] == [
        ("Pod", "a", ("items", 0), 0, 0),
        ("Pod", "b", ("items", 1), 0, 1),
        ("Service", "s", ("items", 4), 0, 2),
    ]
    a, b, s = loaded.resources
    assert a.obj == {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}}
    assert span(a, ("metadata", "name")) == (7, 5, 7, 9)
    assert span(a, ())[:2] == (4, 3)
    assert span(b, ("metadata", "name")) == (11, 5, 11, 9)
    assert span(b, ("kind",), at_value=True) == (9, 9, 9, 12)
    # A missing field of an item falls back inside the item, never to the List.
    assert span(b, ("spec", "containers", 0)) == (13, 5, 13, 15)
    assert span(b, ("spec", "volumes")) == (12, 3, 12, 7)
    assert span(s, ("metadata", "name")) == (18, 14, 18, 18)


def test_typed_list_kind() -> None:
    text = (
        "apiVersion: v1\nkind: PodList\nitems:\n"
        "- apiVersion: v1\n  kind: Pod\n  metadata: {name: q}\n"
    )
    loaded = load_text("pl.yaml", text)
    assert [(r.kind, r.name, r.prefix) for r in loaded.resources] == [("Pod", "q", ("items", 0))]


@pytest.mark.parametrize("items", ["null", "{a: 1}", "5", "[]", "[[], null, x]"])
def test_list_with_bad_items_yields_nothing(items: str) -> None:
    loaded = load_text("l.yaml", f"apiVersion: v1\nkind: List\nitems: {items}\n")
    assert loaded.resources == ()
    assert loaded.problems == ()
    assert loaded.documents == 1


def test_merge_keys_in_manifest() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n"
        "x-defaults: &d\n  a: 1\n  b: 2\n"
        'data:\n  <<: *d\n  b: "3"\n'
    )
    (res,) = load_text("m.yaml", text).resources
    assert res.obj["data"] == {"a": 1, "b": "3"}
    assert span(res, ("data", "b")) == (9, 3, 9, 4)
    assert span(res, ("data", "a")) == (5, 3, 5, 4)


@pytest.mark.parametrize(
    "text",
    [
        "- a\n- b\n",
        "just a string\n",
        "42\n",
        "null\n",
        "~\n",
        "",
        "# only a comment\n",
        "---\n---\n",
        "kind: Pod\nmetadata: {name: p}\n",
        "apiVersion: v1\nmetadata: {name: p}\n",
        "apiVersion: 1\nkind: Pod\n",
        "apiVersion: v1\nkind: ''\n",
        "apiVersion: v1\nkind: [Pod]\n",
        "apiVersion: v1\nkind: null\n",
    ],
)
def test_non_objects_are_skipped_silently(text: str) -> None:
    loaded = load_text("s.yaml", text)
    assert loaded.resources == ()
    assert loaded.problems == ()


def test_non_string_metadata_is_tolerated() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: yes, namespace: 5}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: [a]\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: null\n"
    )
    loaded = load_text("s.yaml", text)
    assert [(r.name, r.namespace) for r in loaded.resources] == [(None, None)] * 3


# --- problems ----------------------------------------------------------------------------------


def test_syntax_error_problem() -> None:
    loaded = load_text("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n")
    assert loaded.resources == ()
    assert problems(loaded) == [("parse-error", 4, 11)]
    assert loaded.problems[0].message.startswith("invalid YAML:")


def test_documents_before_a_syntax_error_are_kept() -> None:
    text = CONFIGMAP + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: [x\n  y: 1\n"
    loaded = load_text("partial.yaml", text)
    assert [r.kind for r in loaded.resources] == ["ConfigMap"]
    assert loaded.documents == 1
    assert [p[0] for p in problems(loaded)] == ["parse-error"]
    assert problems(loaded)[0][1] == 12


def test_duplicate_key_problem() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  a: 1\n  b: 2\n  a: 3\n"
    loaded = load_text("dup.yaml", text)
    assert len(loaded.resources) == 1
    assert problems(loaded) == [("duplicate-key", 7, 3)]
    message = loaded.problems[0].message
    assert 'duplicate key "a"' in message
    assert "line 5" in message
    span_ = loaded.problems[0].span
    assert (span_.end_line, span_.end_column) == (7, 4)


def test_duplicate_key_in_second_document_line() -> None:
    text = "a: 1\n---\napiVersion: v1\nkind: ConfigMap\nkind: ConfigMap\n"
    loaded = load_text("dup.yaml", text)
    assert problems(loaded) == [("duplicate-key", 5, 1)]
    assert "line 4" in loaded.problems[0].message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n", 4),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{{ .Release.Name }}-cm\n", 4),
        ("{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n", 1),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n"
            '    {{- include "chart.labels" . | nindent 4 }}\n',
            6,
        ),
        ('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ template "x" . }}\n', 4),
        (
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  v: |\n{{ toYaml .Values.cfg | indent 4 }}\n",
            5,
        ),
    ],
)
def test_helm_templates_are_named(text: str, line: int) -> None:
    loaded = load_text("chart/templates/cm.yaml", text)
    assert loaded.resources == ()
    assert problems(loaded) == [("parse-error", line, 1)]
    message = loaded.problems[0].message
    assert "Helm" in message
    assert "render" in message


ALERTS = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: alerts
spec:
  groups:
  - name: node
    rules:
    - alert: InstanceDown
      annotations:
        summary: "{{ $labels.instance }} is down"
        plain: Instance {{ $labels.instance }} of {{ $labels.job }} down
        block: |
          {{ $labels.instance }} has been down for {{ $value }}
        single: '{{ printf "%.2f" $value }}'
"""


def test_alerting_templates_are_not_helm() -> None:
    loaded = load_text("alerts.yaml", ALERTS)
    assert loaded.problems == ()
    (res,) = loaded.resources
    annotations = res.obj["spec"]["groups"][0]["rules"][0]["annotations"]
    assert annotations["summary"] == "{{ $labels.instance }} is down"
    assert annotations["plain"] == "Instance {{ $labels.instance }} of {{ $labels.job }} down"


def test_alerting_configmap_with_real_syntax_error_reports_the_syntax_error() -> None:
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n"
        '  rule: "{{ $labels.instance }} is down"\n'
        "  other: [broken\n"
    )
    loaded = load_text("alerts.yaml", text)
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert "Helm" not in problem.message
    assert problem.message.startswith("invalid YAML:")
    assert (problem.span.line, problem.span.column) == (7, 17)


def test_oversized_file_is_a_problem_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import kubelint.load as load_module

    monkeypatch.setattr(load_module, "MAX_FILE_BYTES", 100)
    loaded = load_module.load_bytes("big.yaml", b"a: " + b"x" * 200 + b"\n")
    assert loaded.resources == ()
    assert problems(loaded) == [("parse-error", 1, 1)]
    assert "over the 100-byte limit" in loaded.problems[0].message
