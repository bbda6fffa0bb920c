"""The event composer: plain data plus a position tree, merge keys, aliases, guards."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kubelint.compose import MAX_DEPTH, ComposeError, compose
from kubelint.model import JsonPath, PositionIndex, Span


def one(text: str) -> tuple[Any, PositionIndex]:
    docs = list(compose(text))
    assert len(docs) == 1
    return docs[0].data, PositionIndex(docs[0].positions)


def at(index: PositionIndex, path: JsonPath, at_value: bool = False) -> tuple[int, int, int, int]:
    span = index.lookup(path, at_value)
    assert isinstance(span, Span)
    return (span.line, span.column, span.end_line, span.end_column)


BLOCK = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {app: web, tier: "x"}
spec:
  containers:
  - name: c
    image: nginx
    ports:
      - containerPort: 80
"""


def test_block_key_and_value_spans() -> None:
    data, idx = one(BLOCK)
    assert data == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "labels": {"app": "web", "tier": "x"}},
        "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}]},
    }
    assert at(idx, ("kind",)) == (2, 1, 2, 5)
    assert at(idx, ("kind",), at_value=True) == (2, 7, 2, 10)
    assert at(idx, ("metadata", "name")) == (4, 3, 4, 7)
    assert at(idx, ("metadata", "name"), at_value=True) == (4, 9, 4, 10)
    assert at(idx, ("spec", "containers", 0, "image")) == (9, 5, 9, 10)
    assert at(idx, ("spec", "containers", 0, "image"), at_value=True) == (9, 12, 9, 17)
    assert at(idx, ("spec", "containers", 0, "ports", 0, "containerPort")) == (11, 9, 11, 22)
    assert at(idx, ("spec", "containers", 0, "ports", 0, "containerPort"), True) == (11, 24, 11, 26)


def test_collection_spans() -> None:
    _, idx = one(BLOCK)
    # A list item has no key: lookup gives the item's value span, which starts at its first key.
    assert at(idx, ("spec", "containers", 0))[:2] == (8, 5)
    assert at(idx, ("spec", "containers")) == (7, 3, 7, 13)
    assert at(idx, ("spec", "containers"), at_value=True)[:2] == (8, 3)
    assert at(idx, ("metadata", "labels"), at_value=True) == (5, 11, 5, 32)
    assert at(idx, ())[:2] == (1, 1)


def test_flow_mapping_inside_block() -> None:
    _, idx = one(BLOCK)
    assert at(idx, ("metadata", "labels", "app")) == (5, 12, 5, 15)
    assert at(idx, ("metadata", "labels", "tier")) == (5, 22, 5, 26)
    # The quoted value's span includes its quotes.
    assert at(idx, ("metadata", "labels", "tier"), at_value=True) == (5, 28, 5, 31)


def test_lookup_falls_back_to_deepest_ancestor() -> None:
    _, idx = one(BLOCK)
    # A field missing from a list item points at the item's `name:` key (one line).
    name_key = at(idx, ("spec", "containers", 0, "name"))
    assert at(idx, ("spec", "containers", 0, "livenessProbe")) == name_key
    assert at(idx, ("spec", "containers", 0, "livenessProbe", "httpGet", "port")) == name_key
    assert name_key[0] == name_key[2] == 8
    # An index past the end falls back to the list's key.
    assert at(idx, ("spec", "containers", 5)) == (7, 3, 7, 13)
    # at_value only applies to an exact match: a missing field still points at the ancestor key.
    assert at(idx, ("spec", "containers", 5), at_value=True) == (7, 3, 7, 13)
    # Wrong key types along the path stop the walk too.
    assert at(idx, ("spec", "containers", "0")) == (7, 3, 7, 13)
    assert at(idx, ("metadata", 0)) == (3, 1, 3, 9)
    assert at(idx, ("metadata", "name", "deeper")) == (4, 3, 4, 7)
    assert idx.has(("spec", "containers", 0, "image"))
    assert not idx.has(("spec", "containers", 0, "livenessProbe"))
    assert not idx.has(("spec", "containers", 1))


def test_child_index_is_rooted_at_path() -> None:
    _, idx = one(BLOCK)
    child = idx.child(("spec", "containers", 0))
    assert at(child, ("image",)) == (9, 5, 9, 10)
    assert at(child, ("missing",)) == at(idx, ("spec", "containers", 0))


def test_flow_style_positions() -> None:
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers: [{name: a, image: x, args: [one, 'two', 3]}, {name: b}]\n"
    )
    line = text.splitlines()[4]
    _, idx = one(text)
    col = line.index("args") + 1
    assert col == 36
    assert at(idx, ("spec", "containers", 0, "args")) == (5, 36, 5, 40)
    assert at(idx, ("spec", "containers", 0, "args"), at_value=True) == (5, 42, 5, 57)
    assert at(idx, ("spec", "containers", 0, "args", 1)) == (5, 48, 5, 53)
    assert at(idx, ("spec", "containers", 1)) == (5, 60, 5, 69)
    assert at(idx, ("spec", "containers", 1, "name")) == (5, 61, 5, 65)
    assert at(idx, ("spec", "containers", 1, "name"), at_value=True) == (5, 67, 5, 68)


def test_block_sequence_of_scalars_and_block_scalar_spans() -> None:
    text = "args:\n  - one\n  - |\n    multi\n    line\n  - three\n"
    data, idx = one(text)
    assert data == {"args": ["one", "multi\nline\n", "three"]}
    assert at(idx, ("args", 0)) == (2, 5, 2, 8)
    assert at(idx, ("args", 1))[:3] == (3, 5, 6)
    assert at(idx, ("args", 2)) == (6, 5, 6, 10)


def test_multi_document_lines_are_file_relative() -> None:
    text = (
        "a: 1\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        "  name: b\n"
        "---\n"
        "# comment\n"
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata: {name: s}\n"
    )
    docs = list(compose(text))
    assert [d.index for d in docs] == [0, 1, 2]
    assert [d.start_line for d in docs] == [0, 1, 6]
    second = PositionIndex(docs[1].positions)
    third = PositionIndex(docs[2].positions)
    assert at(second, ("metadata", "name")) == (6, 3, 6, 7)
    assert at(third, ("metadata", "name")) == (11, 12, 11, 16)
    assert at(third, ("kind",), at_value=True) == (10, 7, 10, 13)


def test_empty_and_explicit_end_documents() -> None:
    docs = list(compose("---\n---\na: 1\n...\n---\n"))
    assert [d.data for d in docs] == [None, {"a": 1}, None]


def test_crlf_positions() -> None:
    text = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: x\r\ndata:\r\n  k: v\r\n"
    data, idx = one(text)
    assert data["data"] == {"k": "v"}
    assert at(idx, ("data", "k")) == (6, 3, 6, 4)
    assert at(idx, ("data", "k"), at_value=True) == (6, 6, 6, 7)
    assert at(idx, ("metadata", "name"), at_value=True) == (4, 9, 4, 10)


def test_block_scalar_with_crlf_keeps_lf_only() -> None:
    data, _ = one("s: |\r\n  a\r\n  b\r\nt: 1\r\n")
    assert data == {"s": "a\nb\n", "t": 1}


def test_columns_count_characters_not_bytes() -> None:
    text = 'm: {é: 1, "ü日本": 2, k: v}\nq: {"🚀🚀": 1, k: v}\n'
    _, idx = one(text)
    assert at(idx, ("m", "k")) == (1, 21, 1, 22)
    assert at(idx, ("m", "ü日本")) == (1, 11, 1, 16)
    assert at(idx, ("q", "k")) == (2, 14, 2, 15)


# --- merge keys and aliases --------------------------------------------------------------------


MERGE = """\
base: &base
  a: 1
  b: 2
data:
  <<: *base
  b: "3"
  c: x
"""


def test_merge_key_explicit_keys_win() -> None:
    data, idx = one(MERGE)
    assert data["data"] == {"a": 1, "b": "3", "c": "x"}
    assert "<<" not in data["data"]
    # Explicit b points at its own key; merged a points where it is written (in the anchor).
    assert at(idx, ("data", "b")) == (6, 3, 6, 4)
    assert at(idx, ("data", "a")) == (2, 3, 2, 4)
    assert at(idx, ("data", "a"), at_value=True) == (2, 6, 2, 7)


def test_merge_key_after_explicit_key_still_loses() -> None:
    data, _ = one("x: &x {a: 1, b: 1}\nz:\n  a: 2\n  <<: *x\n")
    assert data["z"] == {"a": 2, "b": 1}


def test_merge_list_earlier_source_wins() -> None:
    text = "p: &one {a: 1, b: 1}\nq: &two {b: 2, c: 2}\nz:\n  d: 4\n  <<: [*one, *two]\n"
    data, idx = one(text)
    assert data["z"] == {"d": 4, "a": 1, "b": 1, "c": 2}
    assert at(idx, ("z", "b")) == (1, 16, 1, 17)
    assert at(idx, ("z", "c")) == (2, 16, 2, 17)


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    data, _ = one('x: &x {a: 1}\nz:\n  "<<": *x\n')
    assert data["z"] == {"<<": {"a": 1}}


@pytest.mark.parametrize("value", ["5", "[5]", "", "[a, b]"])
def test_merge_of_non_mapping_is_an_error(value: str) -> None:
    with pytest.raises(ComposeError) as info:
        list(compose(f"a:\n  <<: {value}\n"))
    assert "merge key" in info.value.message
    assert info.value.line == 1


def test_alias_positions() -> None:
    text = (
        "metadata:\n  labels: &l\n    app: web\nspec:\n  selector: *l\n  name: &n x\n  other: *n\n"
    )
    data, idx = one(text)
    assert data["spec"]["selector"] == {"app": "web"}
    assert data["spec"]["other"] == "x"
    assert at(idx, ("spec", "selector")) == (5, 3, 5, 11)
    # The alias value is where the alias is written...
    assert at(idx, ("spec", "selector"), at_value=True) == (5, 13, 5, 15)
    assert at(idx, ("spec", "other"), at_value=True) == (7, 10, 7, 12)
    # ...and fields inside an aliased mapping point at their definition.
    assert at(idx, ("spec", "selector", "app")) == (3, 5, 3, 8)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: *nope\n", "unknown alias *nope", 0),
        ("a: &a [*a]\n", "unknown alias *a", 0),
        ("x: &k key\n*k : v\n", "alias cannot be used as a mapping key", 1),
    ],
)
def test_alias_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(ComposeError) as info:
        list(compose(text))
    assert message in info.value.message
    assert info.value.line == line


def test_duplicate_keys_are_recorded_with_both_lines() -> None:
    (doc,) = compose("a: 1\nb: 2\nc:\n  x: 1\n  x: 2\na: 3\n")
    assert doc.data == {"a": 3, "b": 2, "c": {"x": 2}}
    dups = sorted((d.key, d.span[0] + 1, d.span[1] + 1, d.first_line) for d in doc.duplicates)
    assert dups == [("a", 6, 1, 1), ("x", 5, 3, 4)]


def test_keys_that_decode_alike_are_duplicates() -> None:
    (doc,) = compose("yes: 1\n'true': 2\n")
    assert [(d.key, d.span[0] + 1, d.first_line) for d in doc.duplicates] == [("true", 2, 1)]


def test_duplicates_are_per_document() -> None:
    docs = list(compose("a: 1\na: 2\n---\na: 1\n---\nb: 1\nb: 1\n"))
    assert [len(d.duplicates) for d in docs] == [1, 0, 1]
    assert docs[2].duplicates[0].span[0] == 6


# --- guards ------------------------------------------------------------------------------------


BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_is_stopped_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(ComposeError) as info:
        list(compose(BOMB))
    assert time.perf_counter() - start < 1.0
    assert "alias expansion" in info.value.message
    assert 1 <= info.value.line <= 8


def test_moderate_alias_use_is_fine() -> None:
    text = "base: &b {" + ", ".join(f"k{i}: {i}" for i in range(50)) + "}\nuses:\n"
    text += "".join("  - *b\n" for _ in range(1000))
    (doc,) = compose(text)
    assert len(doc.data["uses"]) == 1000
    assert doc.data["uses"][999]["k49"] == 49


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_deep_flow_nesting_is_reported_not_crashed(opener: str) -> None:
    text = opener * 100_000
    start = time.perf_counter()
    with pytest.raises(ComposeError) as info:
        list(compose(text))
    assert time.perf_counter() - start < 2.0
    assert "nesting" in info.value.message
    assert info.value.line == 0
    assert info.value.column == len(opener) * MAX_DEPTH


def test_deep_block_nesting_is_reported() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(5000))
    with pytest.raises(ComposeError) as info:
        list(compose(text))
    assert "nesting" in info.value.message
    assert (info.value.line, info.value.column) == (MAX_DEPTH, 2 * MAX_DEPTH)


def test_reasonable_nesting_is_accepted() -> None:
    depth = 100
    text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "leaf: 1\n"
    (doc,) = compose(text)
    node = doc.data
    for i in range(depth):
        node = node[f"k{i}"]
    assert node == {"leaf": 1}
    idx = PositionIndex(doc.positions)
    path = (*(f"k{i}" for i in range(depth)), "leaf")
    assert at(idx, path) == (depth + 1, 2 * depth + 1, depth + 1, 2 * depth + 5)


def test_syntax_error_position() -> None:
    with pytest.raises(ComposeError) as info:
        list(compose("a: b\nc: d: e\n"))
    assert info.value.message.startswith("invalid YAML:")
    assert "mapping values are not allowed" in info.value.message
    assert (info.value.line, info.value.column) == (1, 4)


def test_control_character_error_names_its_line() -> None:
    # libyaml raises a ReaderError that carries a character offset, not a mark.
    with pytest.raises(ComposeError) as info:
        list(compose("a: 1\nb: 2\nc: x\x07y\n"))
    assert "control characters" in info.value.message
    assert (info.value.line, info.value.column) == (2, 4)


def test_documents_before_an_error_are_yielded() -> None:
    stream = compose("a: 1\n---\nb: 2\n---\nc: [\n")
    assert next(stream).data == {"a": 1}
    assert next(stream).data == {"b": 2}
    with pytest.raises(ComposeError) as info:
        next(stream)
    # At the end of what is written (0-based line 4), not on a line after the text.
    assert (info.value.line, info.value.column) == (4, 4)
