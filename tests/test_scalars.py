"""Scalar decoding as Kubernetes does it: go-yaml v2 (YAML 1.1) through sigs.k8s.io/yaml."""

from __future__ import annotations

import math
from typing import Any

import pytest

from kubelint.compose import ComposeError, compose
from kubelint.load import load_text
from kubelint.scalars import format_go_float, go_key_string, resolve_plain, resolve_tagged


def value(text: str) -> Any:
    """Decode `v: <text>` through the composer and return the value of v."""
    docs = list(compose(f"v: {text}\n"))
    assert len(docs) == 1
    return docs[0].data["v"]


def keys(text: str) -> list[str]:
    """Return the decoded keys of a one-document mapping."""
    (doc,) = compose(text)
    return list(doc.data)


def same(got: Any, want: Any) -> bool:
    """Equal and of the same type (True == 1 and 1 == 1.0 in Python, not in Kubernetes)."""
    if type(got) is not type(want):
        return False
    if isinstance(want, float) and math.isnan(want):
        return math.isnan(got)
    return bool(got == want)


BOOLEANS = [
    ("y", True),
    ("Y", True),
    ("yes", True),
    ("Yes", True),
    ("YES", True),
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("on", True),
    ("On", True),
    ("ON", True),
    ("n", False),
    ("N", False),
    ("no", False),
    ("No", False),
    ("NO", False),
    ("false", False),
    ("False", False),
    ("FALSE", False),
    ("off", False),
    ("Off", False),
    ("OFF", False),
]


@pytest.mark.parametrize(("text", "want"), BOOLEANS)
def test_yaml11_booleans(text: str, want: bool) -> None:
    assert value(text) is want


@pytest.mark.parametrize(
    "text", ["yES", "oN", "tRUE", "nO", "Yess", "yes!", "t", "f", "O", "enabled"]
)
def test_near_booleans_stay_strings(text: str) -> None:
    assert same(value(text), text)


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL"])
def test_nulls(text: str) -> None:
    assert value(text) is None


def test_empty_value_is_null() -> None:
    (doc,) = compose("a:\nb: 1\n")
    assert doc.data == {"a": None, "b": 1}
    assert doc.data["a"] is None


@pytest.mark.parametrize("text", ["nULL", "nil", "None", "NUll"])
def test_near_nulls_stay_strings(text: str) -> None:
    assert same(value(text), text)


NUMBERS = [
    ("0755", 493),
    ("+0755", 493),
    ("0x1F", 31),
    ("0X1f", 31),
    ("-0x10", -16),
    ("0o17", 15),
    ("0b101", 5),
    ("-0b101", -5),
    ("1_000", 1000),
    ("1__0", 10),
    ("0", 0),
    ("-0", 0),
    ("+1", 1),
    ("-17", -17),
    ("9223372036854775807", 9223372036854775807),
    ("9223372036854775808", 9223372036854775808),  # go-yaml: a uint64
    ("18446744073709551615", 18446744073709551615),
    ("1.0", 1.0),
    ("1.", 1.0),
    ("08", 8.0),  # invalid octal: ParseInt fails, the YAML float pattern matches
    ("09.5", 9.5),
    ("-08", -8.0),
    (".5", 0.5),
    ("+.5", 0.5),
    ("-.5", -0.5),
    ("1e3", 1000.0),
    ("1E+3", 1000.0),
    ("1_0.5", 10.5),
    ("18446744073709551616", 18446744073709551616.0),  # past uint64: a float
    ("-9223372036854775809", -9223372036854775809.0),
    (".inf", math.inf),
    (".Inf", math.inf),
    (".INF", math.inf),
    ("+.inf", math.inf),
    ("-.inf", -math.inf),
    ("-.Inf", -math.inf),
    (".nan", math.nan),
    (".NaN", math.nan),
    (".NAN", math.nan),
]


@pytest.mark.parametrize(("text", "want"), NUMBERS, ids=[t for t, _ in NUMBERS])
def test_numbers(text: str, want: Any) -> None:
    assert same(value(text), want), value(text)


STRINGS = [
    "_1",  # leading underscore: not a number
    "1e",
    "0x",
    "0xZZ",
    "0b102",
    "0.1.2",
    ".",
    ".e5",
    "-.nan",  # not in go-yaml's table
    "inf",
    "NaN",
    "12:30",  # base 60 is deliberately unsupported by go-yaml
    "12:30:00",
    "1:20",
    "2024-01-01",  # timestamps decode to strings into interface{}
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10",
    "1.2.3.4",
    "v1",
    "100m",
    "64Mi",
    "<<",
    "=",
]


@pytest.mark.parametrize("text", STRINGS)
def test_plain_strings(text: str) -> None:
    assert same(value(text), text)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("'yes'", "yes"),
        ('"yes"', "yes"),
        ("'0755'", "0755"),
        ('"0x1F"', "0x1F"),
        ("'1.0'", "1.0"),
        ('"null"', "null"),
        ("'~'", "~"),
        ("''", ""),
        ('""', ""),
        ("'on'", "on"),
        ('".inf"', ".inf"),
        ('"08"', "08"),
    ],
)
def test_quoted_scalars_are_strings(text: str, want: str) -> None:
    assert same(value(text), want)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("|\n  yes\n", "yes\n"),
        ("|-\n  yes\n", "yes"),
        (">\n  1\n", "1\n"),
        (">-\n  0755\n", "0755"),
        ("|-\n  null\n", "null"),
        ("|-\n  ~\n", "~"),
        (">-\n  1.5\n", "1.5"),
    ],
)
def test_block_scalars_are_strings(text: str, want: str) -> None:
    assert same(value(text), want)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("!!str yes", "yes"),
        ("!!str 0755", "0755"),
        ("!!str ~", "~"),
        ("!!str 1.0", "1.0"),
        ("!!str", ""),
        ("!!str true", "true"),
        ("!!timestamp 2024-01-01", "2024-01-01"),
        ("!!int 0755", 493),
        ("!!bool yes", True),
        ("!!null null", None),
    ],
)
def test_explicit_standard_tags(text: str, want: Any) -> None:
    assert same(value(text), want)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # go-yaml resolves a quoted scalar with an explicit resolvable tag by that tag.
        ('!!int "10"', 10),
        ("!!bool 'yes'", True),
        # Tags go-yaml cannot resolve (local, non-specific `!`) leave the scalar a string.
        ("!custom 5", "5"),
        ("! 5", "5"),
        ("!custom yes", "yes"),
        # go-yaml base64-decodes !!binary.
        ("!!binary aGVsbG8=", "hello"),
    ],
)
def test_explicit_tags_edge_cases(text: str, want: Any) -> None:
    assert same(value(text), want), value(text)


def test_scalars_inside_sequences_and_flow() -> None:
    (doc,) = compose("a: [yes, 'yes', 0755, \"0755\", ~, 1.0, off]\nb:\n  - on\n  - 'on'\n")
    assert doc.data["a"] == [True, "yes", 493, "0755", None, 1.0, False]
    assert [type(x) for x in doc.data["a"]] == [bool, str, int, str, type(None), float, bool]
    assert doc.data["b"] == [True, "on"]


def test_labels_see_what_the_cluster_sees() -> None:
    loaded = load_text(
        "x.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n"
        "    enabled: yes\n    quoted: 'yes'\n    mode: 0644\ndata:\n  port: 8080\n",
    )
    (res,) = loaded.resources
    labels = res.obj["metadata"]["labels"]
    assert labels["enabled"] is True
    assert labels["quoted"] == "yes"
    assert same(labels["mode"], 420)
    assert same(res.obj["data"]["port"], 8080)


# --- mapping keys: sigs.k8s.io/yaml turns decoded keys into JSON object keys ------------------


@pytest.mark.parametrize(
    ("key", "want"),
    [
        ("yes", "true"),
        ("Y", "true"),
        ("no", "false"),
        ("off", "false"),
        ("1", "1"),
        ("0755", "493"),
        ("0x1F", "31"),
        ("1_000", "1000"),
        ("1.5", "1.5"),
        ("1.0", "1"),
        ("1e3", "1000"),
        ("0.1", "0.1"),
        ("1e20", "1e+20"),
        (".inf", ".inf"),
        ("-.inf", "-.inf"),
        (".nan", ".nan"),
        ("'yes'", "yes"),
        ('"1"', "1"),
        ("!!str 0755", "0755"),
        ("2024-01-01", "2024-01-01"),
        ("app.kubernetes.io/name", "app.kubernetes.io/name"),
    ],
)
def test_mapping_keys_become_strings(key: str, want: str) -> None:
    assert keys(f"{key}: x\n") == [want]


def test_float_keys_are_formatted_as_float32() -> None:
    # sigs.k8s.io/yaml formats float keys with strconv.FormatFloat(v, 'g', -1, 32).
    assert keys("3.14159265358979: x\n") == ["3.1415927"]
    assert keys("123456789.0: x\n") == ["1.2345679e+08"]
    assert keys("1e6: x\n") == ["1e+06"]
    assert keys("100000.0: x\n") == ["100000"]


@pytest.mark.parametrize("key", ["null", "~", "Null", "NULL"])
def test_null_key_is_a_parse_error(key: str) -> None:
    with pytest.raises(ComposeError) as info:
        list(compose(f"a: 1\n{key}: x\n"))
    assert "Kubernetes needs string keys" in info.value.message
    assert (info.value.line, info.value.column) == (1, 0)


def test_empty_explicit_key_is_a_parse_error() -> None:
    with pytest.raises(ComposeError) as info:
        list(compose("a: 1\n?\n: x\n"))
    assert "string keys" in info.value.message


@pytest.mark.parametrize("text", ["? {a: 1}\n: x\n", "? [a, b]\n: x\n", "{[a]: 1}\n"])
def test_collection_key_is_a_parse_error(text: str) -> None:
    with pytest.raises(ComposeError) as info:
        list(compose(text))
    assert "cannot be a mapping key" in info.value.message
    assert info.value.line == 0


def test_null_and_mapping_keys_are_parse_error_findings() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  ~: 1\n"
    loaded = load_text("k.yaml", text)
    assert loaded.resources == ()
    where = [(p.rule, p.span.line, p.span.column) for p in loaded.problems]
    assert where == [("parse-error", 5, 3)]
    loaded = load_text("k.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  ? [a]\n  : 1\n")
    assert [(p.rule, p.span.line) for p in loaded.problems] == [("parse-error", 4)]
    assert "mapping key" in loaded.problems[0].message


# --- the helpers directly ----------------------------------------------------------------------


def test_resolve_plain_direct() -> None:
    assert resolve_plain("yes") is True
    assert resolve_plain("") is None
    assert same(resolve_plain("0755"), 493)
    assert same(resolve_plain("08"), 8.0)
    assert same(resolve_plain("abc"), "abc")
    assert same(resolve_plain("+"), "+")
    assert same(resolve_plain("-"), "-")
    assert same(resolve_plain("_"), "_")


def test_resolve_tagged_direct() -> None:
    assert resolve_tagged("yes", "tag:yaml.org,2002:str") == "yes"
    assert resolve_tagged("2024-01-01", "tag:yaml.org,2002:timestamp") == "2024-01-01"
    assert same(resolve_tagged("12", "tag:yaml.org,2002:int"), 12)


@pytest.mark.parametrize(
    ("decoded", "want"),
    [
        ("s", "s"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-5, "-5"),
        (1.5, "1.5"),
        (1.0, "1"),
        (math.inf, ".inf"),
        (-math.inf, "-.inf"),
        (math.nan, ".nan"),
        (None, None),
    ],
)
def test_go_key_string(decoded: Any, want: str | None) -> None:
    assert go_key_string(decoded) == want


@pytest.mark.parametrize(
    ("number", "want"),
    [
        (1.0, "1"),
        (0.5, "0.5"),
        (1e20, "1e+20"),
        (1.5e-7, "1.5e-07"),
        (123.25, "123.25"),
        (-2.0, "-2"),
        (100000.0, "100000"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        # %e from exponent 6 up, as strconv.FormatFloat(v, 'g', -1, 64) does.
        (1e6, "1e+06"),
        (123456789.0, "1.23456789e+08"),
        (-2.5e7, "-2.5e+07"),
    ],
)
def test_format_go_float(number: float, want: str) -> None:
    assert format_go_float(number) == want
