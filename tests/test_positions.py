"""A field missing from a list item points at the item's `name:` key: one line in every format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kubelint.cli import main

HEAD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"


def _run(tmp_path: Path, containers: str, fmt: str) -> str:
    path = tmp_path / "pod.yaml"
    path.write_text(HEAD + containers)
    out = io.StringIO()
    args = ["check", str(path), "-f", fmt, "--select", "missing-liveness-probe"]
    main(args, out, io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("containers", "span"),
    [
        ("  - name: app\n    image: app:1\n    ports: [{containerPort: 80}]\n", (7, 5, 7, 9)),
        ("  - image: app:1\n    ports: []\n    name: app\n", (9, 5, 9, 9)),
        ("  - image: app:1\n    ports: []\n", (7, 5, 7, 10)),
        ('  - {name: app, image: "app:1"}\n', (7, 6, 7, 10)),
    ],
    ids=["name-first", "name-last", "no-name", "flow"],
)
def test_json_span_is_the_name_key(tmp_path: Path, containers: str, span: tuple[int, ...]) -> None:
    (finding,) = json.loads(_run(tmp_path, containers, "json"))["findings"]
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == span


def test_sarif_region_and_github_annotation_cover_one_line(tmp_path: Path) -> None:
    containers = "  - image: app:1\n    name: app\n    ports:\n    - containerPort: 80\n"
    sarif = json.loads(_run(tmp_path, containers, "sarif"))
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (8, 5)
    assert region.get("endLine", 8) == 8
    github = _run(tmp_path, containers, "github")
    assert "line=8," in github and "endLine=8," in github
