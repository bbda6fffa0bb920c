"""Hostile input, round two: names, numbers, malformed objects, escapes and secrets.

Each test here failed before the fix it guards: a traceback, an internal error that hid a
rule's findings everywhere, a hang, or text from the manifest reaching a terminal, a CI log
or a report where it must not.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.display import bound_message, escape_controls, safe_line
from kubelint.engine import ActiveRule, Engine
from kubelint.load import load_text
from kubelint.model import Resource, Severity, Violation
from kubelint.ruledef import RuleDefinition
from kubelint.scalars import go_key_string, resolve_plain
from kubelint.templates.resource_quantity import parse_quantity
from kubelint.testing import lint_text

FORMATS = ("text", "json", "sarif", "github")

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    enabled: yes
spec:
  containers:
    - name: c
      image: nginx:1.27
"""


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run kubelint in this process and return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        code = main(list(args), out, err)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


# --- names that are not UTF-8 ------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path, fmt: str) -> None:
    name = os.fsdecode(b"\xff-pod.yaml")
    (tmp_path / name).write_text(POD)
    code, out, err = run("check", name, "--format", fmt, cwd=tmp_path)
    assert code == 1, err
    # SARIF URIs percent-encode the backslash of the escape.
    assert ("%5Cxff-pod.yaml" if fmt == "sarif" else "\\xff-pod.yaml") in out
    out.encode("utf-8")  # nothing unencodable reached the report
    if fmt in ("json", "sarif"):
        json.loads(out)


def test_a_stdin_filename_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    argv = [b"check", b"-", b"--stdin-filename", b"\xfe.yaml", b"--format", b"sarif"]
    proc = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"kubelint", *argv],
        input=POD.encode(),
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in json.loads(proc.stdout)["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {"%5Cxfe.yaml"}


# --- one malformed object never hides a rule's findings elsewhere -------------------------

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {{kind: Widget, plural: widgets}}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
{properties}
---
apiVersion: example.com/v1
kind: Widget
metadata: {{name: w}}
spec: 1
"""

GOOD_CR = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer}}}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
spec: {size: big}
"""


@pytest.mark.parametrize(
    "properties",
    [
        "            spec: {type: [{}]}",
        "            spec: {$ref: 1}",
        "            spec: {type: object, required: [{a: 1}]}",
        "            spec: {type: object, properties: [1, 2]}",
        "            spec: {oneOf: [1, {type: [x]}]}",
    ],
)
def test_a_malformed_crd_schema_is_a_finding_on_that_crd_only(
    tmp_path: Path, properties: str
) -> None:
    (tmp_path / "bad.yaml").write_text(CRD.format(properties=properties))
    (tmp_path / "good.yaml").write_text(GOOD_CR)
    code, out, err = run(
        "check",
        "bad.yaml",
        "good.yaml",
        "--select",
        "schema-validation",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert code == 1, err
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["rule"] == "internal-error"], findings
    # The custom resource of the good CRD is still judged, in the other file.
    assert any(
        f["file"] == "good.yaml" and "spec.size must be an integer" in f["message"]
        for f in findings
    ), findings
    # The bad CRD's custom resource is not judged against a half-read schema.
    widget = [f for f in findings if f["file"] == "bad.yaml" and f["line"] > 17]
    assert [f["severity"] for f in widget] == ["info"], widget
    assert "malformed schema, which the API server rejects" in widget[0]["message"]
    # The malformed part is an error on the CRD, where it is written.
    on_crd = [f for f in findings if f["file"] == "bad.yaml" and f["line"] == 17]
    assert on_crd and all(f["severity"] == "error" for f in on_crd), findings
    assert "openAPIV3Schema.properties.spec" in on_crd[0]["message"]


def test_a_namespace_version_label_of_thousands_of_digits_is_a_label_finding() -> None:
    text = (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  labels:\n"
        "    pod-security.kubernetes.io/enforce: baseline\n"
        f"    pod-security.kubernetes.io/enforce-version: v1.{'1' * 4301}\n"
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n  labels:\n"
        "    pod-security.kubernetes.io/enforce: baseline\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ok}\n"
        "spec:\n  containers:\n    - name: c\n      image: nginx:1.27\n"
        "      securityContext: {privileged: true}\n"
    )
    findings = lint_text(text, ["pod-security"])
    assert [(f.span.line, f.message[:45]) for f in findings] == [
        (7, "label pod-security.kubernetes.io/enforce-vers"),
        (23, "baseline: privileged must not be true (contai"),
    ]
    assert "characters) must be latest" in findings[0].message
    assert all(len(f.message) <= 1000 for f in findings)


def _set_rule(fail_on: str) -> ActiveRule:
    def check_set(
        resources: list[Resource], params: object
    ) -> Iterator[tuple[Resource, Violation]]:
        for resource in resources:
            if resource.name == fail_on:
                raise ValueError("cannot judge this one")
        for resource in resources:
            yield resource, Violation(("metadata", "name"), f"seen {resource.name}")

    definition = RuleDefinition(
        id="pairs",
        title="t",
        severity=Severity.WARNING,
        category="c",
        description="d",
        rationale="r",
        remediation="m",
        source="test",
    )
    return ActiveRule(definition, Severity.WARNING, {}, check_set=check_set)


def test_a_cross_resource_rule_that_fails_on_one_object_still_judges_the_rest() -> None:
    engine = Engine([_set_rule("bad")])
    for name in ("a", "bad", "b"):
        text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"
        for resource in load_text(f"{name}.yaml", text).resources:
            engine.keep(resource)
    found = [(f.rule, f.file, f.message) for f in engine.check_set()]
    assert ("pairs", "a.yaml", "seen a") in found
    assert ("pairs", "b.yaml", "seen b") in found
    errors = [f for f in found if f[0] == "internal-error"]
    assert len(errors) == 1 and errors[0][1] == "bad.yaml", found


BIG = "9" * 4400
ODD_OBJECTS = {
    "service-protocol-list": (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: a}\n"
        "  ports:\n    - port: 80\n      protocol: [TCP]\n"
    ),
    "cronjob-huge-integers": (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n"
        f"  schedule: '* * * * *'\n  startingDeadlineSeconds: {BIG}\n"
        f"  successfulJobsHistoryLimit: {BIG}\n  jobTemplate:\n    spec:\n      template:\n"
        "        spec:\n          restartPolicy: Never\n          containers:\n"
        "            - name: c\n              image: nginx:1.27\n"
    ),
    "deployment-huge-integers": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n"
        f"  replicas: {BIG}\n  strategy:\n    rollingUpdate: {{maxSurge: {BIG}, "
        f"maxUnavailable: {BIG}}}\n  selector: {{matchLabels: {{app: a}}}}\n  template:\n"
        "    metadata: {labels: {app: a}}\n    spec:\n      containers:\n        - name: c\n"
        f"          image: nginx:1.27\n          resources: {{limits: {{cpu: {BIG}, "
        "memory: 1e99999999}}\n"
    ),
}


@pytest.mark.parametrize("name", sorted(ODD_OBJECTS))
def test_odd_objects_beside_a_good_one_never_fail_a_rule(name: str) -> None:
    good = "---\n" + POD.replace("name: p", "name: good")
    findings = lint_text(ODD_OBJECTS[name] + good, ["ALL"])
    assert "internal-error" not in {f.rule for f in findings}
    # The good Pod after the odd object is still judged by every rule.
    assert any(f.resource and f.resource.name == "good" for f in findings)


# --- numbers ---------------------------------------------------------------------------


def test_integers_beyond_64_bits_stay_strings_as_go_yaml_reads_them() -> None:
    assert resolve_plain("9" * 5000) == "9" * 5000
    assert resolve_plain("0x" + "f" * 16) == 2**64 - 1
    assert resolve_plain("0x" + "f" * 17) == "0x" + "f" * 17
    assert resolve_plain("0" * 5000 + "7") == 7
    assert resolve_plain("1e400") == "1e400"  # ParseFloat's range error: a string
    assert resolve_plain("1.5") == 1.5


def test_a_huge_integer_is_a_schema_finding_at_its_line_not_a_parse_error() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        f"  activeDeadlineSeconds: {'9' * 4400}\n"
        "  containers:\n    - name: c\n      image: nginx:1.27\n"
    )
    findings = lint_text(text, ["schema-validation", "parse-error"])
    assert [(f.rule, f.span.line) for f in findings] == [("schema-validation", 5)]
    assert "must be an integer, got the string" in findings[0].message
    assert "(4402 characters)" in findings[0].message  # the digits and their quotes
    assert len(findings[0].message) < 300


def test_a_float_key_beyond_float32_is_the_key_go_makes_of_it() -> None:
    assert go_key_string(1e39) == "+Inf"
    assert go_key_string(-1e39) == "-Inf"
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  1e39: x\n"
    assert "parse-error" not in {f.rule for f in lint_text(text, ["parse-error"])}


@pytest.mark.parametrize("value", ["1e99999999", "1e9999999", "1e-99999999", "9" * 100_000])
def test_quantities_with_huge_exponents_or_mantissas_are_bounded(value: str) -> None:
    assert not isinstance(parse_quantity(value), str)


def test_a_quantity_exponent_beyond_int64_is_rejected_as_go_rejects_it() -> None:
    assert parse_quantity("1e" + "9" * 30) == "has an exponent out of range"


def test_quantity_comparison_still_exact_for_ordinary_values() -> None:
    assert parse_quantity("1500m") == parse_quantity("1.5")
    assert parse_quantity("1Gi") == 1024**3


def test_resource_quantity_on_a_hostile_cpu_is_fast_and_clean() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - name: c\n      image: nginx:1.27\n      resources:\n"
        '        requests: {cpu: "1e99999999"}\n        limits: {cpu: "1e9999999"}\n'
    )
    findings = lint_text(text, ["resource-quantity"])
    assert "internal-error" not in {f.rule for f in findings}


def test_a_kube_version_of_thousands_of_digits_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("check", "pod.yaml", "--kube-version", "1." + "1" * 5000, cwd=tmp_path)
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err) < 500


# --- escapes ----------------------------------------------------------------------------


def test_escape_controls_covers_c0_c1_separators_and_bidi() -> None:
    raw = "a\x1b[2Jb\x07c\x85d\u2028e\u2029f\u202eg\u2066h\ud8ff"
    assert escape_controls(raw) == ("a\\x1b[2Jb\\x07c\\x85d\\u2028e\\u2029f\\u202eg\\u2066h\\ud8ff")
    assert escape_controls("tab\there") == "tab\there"


def test_no_printed_line_starts_a_workflow_command() -> None:
    assert safe_line("::error file=x::forged") == "\\x3a:error file=x::forged"
    assert safe_line("  ::add-mask::x") == "  \\x3a:add-mask::x"
    assert safe_line("file.yaml:1:1: ::x") == "file.yaml:1:1: ::x"


def test_long_values_in_messages_are_shortened() -> None:
    message = bound_message(f'the value "{"x" * 100_000}" is wrong')
    assert "(100002 characters)" in message
    assert len(message) < 200
    assert bound_message("short") == "short"


HOSTILE_NAMES = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels:
    bad: "\\e]0;pwned\\a\\e[2J\\u2028::warning::x"
spec:
  containers:
    - name: "c\\n::error file=README.md,line=1::forged\\n::add-mask::secret"
      image: nginx:1.27
"""


@pytest.mark.parametrize("color", ["never", "always"])
def test_text_output_has_no_control_characters_and_no_forged_commands(
    tmp_path: Path, color: str
) -> None:
    (tmp_path / "pod.yaml").write_text(HOSTILE_NAMES)
    code, out, _ = run("check", "pod.yaml", "--color", color, cwd=tmp_path)
    assert code == 1
    for line in out.splitlines():
        visible = line.replace("\x1b[0m", "").replace("\x1b[1m", "").replace("\x1b[2m", "")
        assert not visible.lstrip().startswith("::"), line
    allowed = {"\x1b"} if color == "always" else set()
    leaked = {c for c in out if (ord(c) < 0x20 and c not in "\n") or 0x7F <= ord(c) <= 0x9F}
    assert leaked <= allowed
    assert "\u2028" not in out
    # The escapes as typed in the YAML source may show in the code frame; the characters not.
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\u2028" in out  # the label value, in the message


def test_github_annotations_carry_no_controls_and_no_second_command(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(HOSTILE_NAMES)
    code, out, _ = run("check", "pod.yaml", "--format", "github", cwd=tmp_path)
    assert code == 1
    lines = out.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert not {c for c in out if ord(c) < 0x20 and c != "\n"}
    assert "\\x1b]0;pwned\\x07" in out
    # A newline in a value is the toolkit's %0A: part of the message, not a new command.
    assert 'container "c%0A::error file=README.md' in out


def test_a_file_name_that_looks_like_a_workflow_command_is_not_one(tmp_path: Path) -> None:
    name = "::error file=x::forged.yaml"
    (tmp_path / name).write_text(POD)
    code, out, _ = run("check", name, cwd=tmp_path)
    assert code == 1
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "\\x3a:error file=x::forged.yaml:6:5" in out


def test_caret_is_under_the_text_after_tabs_and_escapes(tmp_path: Path) -> None:
    # A right-to-left override is shown as the six characters \u202e: the caret moves with it.
    text = (
        "apiVersion: v1\nkind: Pod\n"
        'metadata: {name: p, annotations: {a: "\u202e\u202e"}, labels: {b: yes}}\n'
    )
    (tmp_path / "pod.yaml").write_text(text)
    _, out, _ = run("check", "pod.yaml", "--select", "label-syntax", cwd=tmp_path)
    lines = out.splitlines()
    frame = next(i for i, line in enumerate(lines) if line.startswith(" 3 |"))
    assert "\\u202e\\u202e" in lines[frame]
    code_line, caret_line = lines[frame], lines[frame + 1]
    column = caret_line.index("^")
    assert code_line[column:].startswith("b: yes"), (code_line, caret_line)


def test_caret_after_a_tab_in_a_comment_line(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {a: b,\tc: yes}\n"
    (tmp_path / "pod.yaml").write_text(text)
    _, out, _ = run("check", "pod.yaml", "--select", "label-syntax", cwd=tmp_path)
    lines = out.splitlines()
    frame = next(i for i, line in enumerate(lines) if line.startswith(" 5 |"))
    column = lines[frame + 1].index("^")
    assert lines[frame][column:].startswith("c: yes"), lines[frame : frame + 2]


# --- positions --------------------------------------------------------------------------

SEPARATORS = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
    '  annotations: {a: "x\u2028y\x85z\u2029w"}\ndata:\n  k: v\n---\n'
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {b: yes}\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_lines_are_counted_as_editors_count_them(tmp_path: Path, newline: str) -> None:
    (tmp_path / "pod.yaml").write_bytes(SEPARATORS.replace("\n", newline).encode())
    _, out, _ = run("check", "pod.yaml", "--select", "label-syntax", cwd=tmp_path)
    assert out.startswith("pod.yaml:13:12: error [label-syntax]"), out
    assert " 13 |   labels: {b: yes}\n    |            ^\n" in out


def test_a_duplicate_key_and_a_parse_error_after_separators_are_on_their_lines() -> None:
    text = 'a: "\u2028\u2028"\nb: 1\nb: 2\nc: [\n'
    findings = lint_text(text, ["duplicate-key", "parse-error"])
    got = [(f.rule, f.span.line, f.span.column) for f in findings]
    assert got == [("parse-error", 4, 5)], got
    text = 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: "\u2028"}\ndata:\n  b: 1\n  b: 2\n'
    findings = lint_text(text, ["duplicate-key"])
    assert [(f.span.line, f.span.column) for f in findings] == [(6, 3)]
    assert "first defined on line 5" in findings[0].message


@pytest.mark.parametrize("text", ["a: [", "a: [\n", "a: [\n\n  \n"])
def test_an_error_at_the_end_of_the_text_is_on_its_last_line(text: str) -> None:
    findings = lint_text(text, ["parse-error"])
    assert [(f.span.line, f.span.column) for f in findings] == [(1, 5)]


# --- suppressions are comments ------------------------------------------------------------

PRIVILEGED_POD = """\
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: nginx:1.27
      securityContext: {privileged: true}
"""


@pytest.mark.parametrize(
    "data",
    [
        "  run.sh: |\n    # kubelint: disable-file=all\n    echo hi\n",
        '  run.sh: "echo\n    # kubelint: disable-file=all\n    hi"\n',
        "  run.sh: >-\n    echo\n\n    # kubelint: disable-file=all\n",
        "  run.sh: '# kubelint: disable-file=all\n    x'\n",
    ],
)
def test_a_suppression_inside_a_string_is_text(data: str) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n" + data + PRIVILEGED_POD
    findings = lint_text(text, ["privileged-container"])
    assert [(f.rule, f.suppressed) for f in findings] == [("privileged-container", False)]


@pytest.mark.parametrize(
    "data",
    [
        "  run.sh: | # kubelint: disable-file=privileged-container\n    echo hi\n",
        '  run.sh: "echo\n    hi" # kubelint: disable-file=privileged-container\n',
        "  run.sh: |\n    echo hi\n# kubelint: disable-file=privileged-container\n",
    ],
)
def test_a_comment_beside_a_string_still_suppresses(data: str) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n" + data + PRIVILEGED_POD
    findings = lint_text(text, ["privileged-container"])
    assert [(f.rule, f.suppressed) for f in findings] == [("privileged-container", True)]


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [("all", False), ("parse-error", True), ("all,parse-error", True)],
)
def test_all_never_hides_a_parse_error(comment: str, suppressed: bool) -> None:
    text = f"# kubelint: disable-file={comment}\napiVersion: v1\nkind: Pod\nmetadata: [\n"
    findings = lint_text(text, ["parse-error"])
    assert [(f.rule, f.suppressed) for f in findings] == [("parse-error", suppressed)]


# --- determinism -------------------------------------------------------------------------

UNKNOWN_KIND = "apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: %s}\n"


def test_output_does_not_depend_on_argument_order(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(UNKNOWN_KIND % name + "---\n" + POD)
    _, forward, _ = run("check", "a.yaml", "b.yaml", "c.yaml", "--format", "json", cwd=tmp_path)
    _, backward, _ = run("check", "c.yaml", "b.yaml", "a.yaml", "--format", "json", cwd=tmp_path)
    assert json.loads(forward)["findings"] == json.loads(backward)["findings"]
    notes = [f for f in json.loads(forward)["findings"] if "no schema for" in f["message"]]
    assert [(n["file"], n["line"]) for n in notes] == [("a.yaml", 2)]


def test_fingerprints_do_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    (project / "deploy" / "pod.yaml").write_text(POD)
    (project / "deploy" / "broken.yaml").write_text("# kubelint: disable=nope\na: [\n")
    _, inside, _ = run("check", "deploy", "--format", "json", cwd=project)
    _, outside, _ = run("check", "project/deploy", "--format", "json", cwd=tmp_path)
    first = json.loads(inside)["findings"]
    second = json.loads(outside)["findings"]
    assert {f["rule"] for f in first} >= {"parse-error", "invalid-suppression", "bare-pod"}
    assert [f["fingerprint"] for f in first] == [f["fingerprint"] for f in second]
    assert [f["file"] for f in first] != [f["file"] for f in second]


def test_sarif_from_the_file_system_root_has_a_valid_base_uri(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    relative = str(tmp_path / "pod.yaml").lstrip("/")
    _, out, _ = run("check", relative, "--format", "sarif", cwd=Path("/"))
    base = json.loads(out)["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == "file:///"


# --- secrets ------------------------------------------------------------------------------

SECRETS = """\
apiVersion: v1
kind: Secret
metadata:
  name: creds
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"pin":"MRKLASTAPPLIED1"}}'
data:
  pin: 86753091
stringData:
  dup: MRKDUPFIRST1
  dup: MRKDUPSECOND1
  block: |
    MRKBLOCK1
  .dockerconfigjson: 31415926535
---
apiVersion: v1
kind: Secret
metadata: {name: flow}
stringData: {a: MRKFLOW1, b: 27182818}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          env:
            - {name: API_TOKEN, value: 86753092}
            - {name: FLAG, value: MRKENVYES1}
"""

BROKEN_SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: broken
stringData:
  password: MRKBROKEN1
  other: [MRKBROKEN2
"""

MARKERS = (
    "86753091",
    "86753092",
    "27182818",
    "31415926535",
    "MRKLASTAPPLIED1",
    "MRKDUPFIRST1",
    "MRKDUPSECOND1",
    "MRKBLOCK1",
    "MRKFLOW1",
    "MRKENVYES1",
    "MRKBROKEN1",
    "MRKBROKEN2",
)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("color", ["never", "always"])
def test_no_secret_value_reaches_any_report(tmp_path: Path, fmt: str, color: str) -> None:
    (tmp_path / "secrets.yaml").write_text(SECRETS)
    (tmp_path / "broken.yaml").write_text(BROKEN_SECRET)
    code, out, err = run(
        "check",
        "secrets.yaml",
        "broken.yaml",
        "--select",
        "ALL",
        "--format",
        fmt,
        "--color",
        color,
        cwd=tmp_path,
    )
    assert code == 1, err
    for marker in MARKERS:
        assert marker not in out, (marker, fmt)
        assert marker not in err
    # The findings are still there, saying what is wrong without the value.
    assert "data.pin must be a string, got the integer <secret, 8 characters>" in out
    assert "API_TOKEN" in out


def test_code_frames_mask_secret_values_but_keep_columns(tmp_path: Path) -> None:
    (tmp_path / "secrets.yaml").write_text(SECRETS)
    _, out, _ = run("check", "secrets.yaml", "--select", "schema-validation", cwd=tmp_path)
    assert " 8 |   pin: ••••••••" in out
    assert " 19 | stringData: {a: ••••••••, b: ••••••••}" in out


def test_suppression_reasons_never_carry_secret_values(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n"
        "    ignore.kubelint.io/schema-validation: MRKREASON12345\n"
        "stringData:\n  token: MRKREASON12345\n  n: 12345678\n"
    )
    (tmp_path / "s.yaml").write_text(text)
    _, out, _ = run("check", "s.yaml", "--format", "json", cwd=tmp_path)
    assert "MRKREASON12345" not in out


def test_a_value_also_written_as_a_plain_field_is_not_hidden(tmp_path: Path) -> None:
    # A password "postgres" beside a container named "postgres": printing the name gives
    # nothing away, and hiding it would garble every message about the container.
    text = SECRETS.replace("API_TOKEN, value: 86753092", "DB, value: postgres-main").replace(
        "- name: web", "- name: postgres-main"
    )
    (tmp_path / "s.yaml").write_text(text)
    _, out, _ = run("check", "s.yaml", "--select", "missing-memory-limit", cwd=tmp_path)
    assert 'container "postgres-main" sets no memory limit' in out


def test_a_real_process_run_is_clean_on_the_hostile_files(tmp_path: Path) -> None:
    (tmp_path / "secrets.yaml").write_text(SECRETS)
    (tmp_path / "names.yaml").write_text(HOSTILE_NAMES)
    proc = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not any(line.startswith("::") for line in proc.stdout.splitlines())
    for marker in MARKERS:
        assert marker not in proc.stdout
