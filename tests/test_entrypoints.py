"""Entry-point discovery reads distribution metadata like importlib.metadata does."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from kubelint.entrypoints import entry_points


def _dist(root: Path, name: str, text: str | None) -> None:
    info = root / f"{name}.dist-info"
    info.mkdir(parents=True)
    if text is not None:
        (info / "entry_points.txt").write_text(text)


def test_reads_only_the_named_group_and_first_distribution_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _dist(first, "acme_rules-1.0", "[console_scripts]\nx = y:z\n\n[kubelint]\nacme = acme.plugin\n")
    _dist(second, "acme_rules-0.9", "[kubelint]\nold = acme.old\n")
    _dist(second, "other-2.0", "# comment\n[kubelint]\n  other = other.mod:Plugin.hooks  \n")
    _dist(second, "nothing-1.0", None)
    found = entry_points("kubelint", [str(first), str(second), str(tmp_path / "missing")])
    assert [(e.name, e.value, e.distribution) for e in found] == [
        ("acme", "acme.plugin", "acme-rules"),
        ("other", "other.mod:Plugin.hooks", "other"),
    ]


def test_load_resolves_module_and_attribute() -> None:
    from kubelint.entrypoints import EntryPoint

    ep = EntryPoint("x", "kubelint.model:Severity.ERROR", "kubelint")
    from kubelint.model import Severity

    assert ep.load() is Severity.ERROR


def test_agrees_with_importlib_metadata_on_this_environment() -> None:
    for group in ("kubelint", "console_scripts", "pytest11"):
        ours = sorted((e.name, e.value) for e in entry_points(group))
        theirs = sorted((e.name, e.value) for e in metadata.entry_points(group=group))
        assert ours == theirs, group
