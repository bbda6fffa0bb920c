"""The example plugin's hooks: one template, one rule directory, one reporter."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from kubelint.hookspecs import hookimpl
from kubelint.model import Resource, RunResult, Violation
from kubelint.podspec import POD_KINDS, all_containers
from kubelint.reporters import ReporterFactory, ReportOptions
from kubelint.template import Params, Template

RULES_DIR = Path(__file__).resolve().parent / "rules"


def image_tag(image: str) -> tuple[str | None, bool]:
    """Return the tag of an image reference (None when absent) and whether it is digest-pinned."""
    name, at, _digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]  # `registry:5000/app` has a port, not a tag
    tag = last.rpartition(":")[2] if ":" in last else None
    return tag, bool(at)


def check_image_tag(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield a violation for each container whose image has no tag or a forbidden one."""
    forbidden = list(params.get("forbidden_tags", ["latest"]))
    for container in all_containers(resource):
        image = container.data.get("image")
        if not isinstance(image, str) or not image:
            continue  # a missing or mistyped image is the API server's to reject
        tag, pinned = image_tag(image)
        if pinned:
            continue  # a digest fixes the exact image whatever the tag says
        path = container.field_path("image")
        if tag is None:
            yield Violation(
                path,
                f'container "{container.name}" uses image "{image}" without a tag, '
                'which means "latest"; pin a version',
            )
        elif tag in forbidden:
            yield Violation(
                path,
                f'container "{container.name}" uses image "{image}" with the tag "{tag}"; '
                "pin a version",
            )


class CountReporter:
    """The `count` format: one `RULE COUNT` line per rule with findings, sorted by rule."""

    def render(self, result: RunResult, stream: TextIO, options: ReportOptions) -> None:
        """Write the counts of unsuppressed findings."""
        counts = Counter(f.rule for f in result.findings if not f.suppressed)
        for rule in sorted(counts):
            stream.write(f"{rule} {counts[rule]}\n")


@hookimpl
def kubelint_templates() -> Sequence[Template]:
    """Return the `image-tag` template."""
    return [
        Template(
            name="image-tag",
            description="Container images must carry a tag, and not a forbidden one.",
            check=check_image_tag,
            kinds=POD_KINDS,
            parameters={
                "type": "object",
                "properties": {
                    "forbidden_tags": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["latest"],
                    }
                },
                "additionalProperties": False,
            },
        )
    ]


@hookimpl
def kubelint_rule_dirs() -> Sequence[Path]:
    """Return the directory of this plugin's rule definitions (shipped inside the package)."""
    return [RULES_DIR]


@hookimpl
def kubelint_reporters() -> Mapping[str, ReporterFactory]:
    """Return the `count` output format."""
    return {"count": CountReporter}
