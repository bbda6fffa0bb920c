"""What the files around a manifest say about it: kustomizations, Helm charts, test suites.

kubelint does not render kustomize yet. It reads each `kustomization.yaml` near the linted
files to learn three things:

- which files are patches (`patches`, `patchesStrategicMerge`, `patchesJson6902`): partial
  objects, judged for what they set, never for what they leave out;
- which files end up under a kustomization that adds labels to selectors (`commonLabels`, or
  `labels` with `includeSelectors: true`), so that a missing selector is not reported;
- the application unit of every file, in which cross-resource rules pair objects.

The unit of a file is the directory of the top-most kustomization that includes it (through
`resources`, `bases` or `components`, followed transitively); a file no kustomization
includes belongs to its own directory, or to its Helm chart's root. Objects from different
units are never paired: a StatefulSet in one project is not served by a Service in another.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kubelint.compose import ComposeError, compose
from kubelint.load import LoadProblem
from kubelint.model import Origin, Severity, Span

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_PATCH_FIELDS = ("patches", "patchesStrategicMerge", "patchesJson6902")
_INCLUDE_FIELDS = ("resources", "bases", "components")
# Test-suite assertion files (chainsaw, kuttl): expectations compared with a live cluster, not
# objects sent to it; they list only the fields they assert.
_ASSERTION = re.compile(r"(?:^|[-_.])(?:assert|errors?)(?:[-_.]|$)")
_TEST_SUITES = ("chainsaw-test.yaml", "chainsaw-test.yml", "kuttl-test.yaml")
_MAX_KUSTOMIZATION_BYTES = 1024 * 1024


@dataclass
class _Kustomization:
    directory: str
    adds_selector_labels: bool = False
    files: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    patches: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)


def _norm(path: str) -> str:
    return os.path.normpath(path)


# A patch entry commented out (kubebuilder scaffolds `#- path: patches/cainjection_in_x.yaml`):
# the file is still a patch, only switched off.
_COMMENTED_ENTRY = re.compile(r"^\s*#\s*-\s*(?:path:\s*)?([\w./-]+\.ya?ml)\s*$", re.MULTILINE)


def _commented_patches(directory: str) -> list[str]:
    """Return the files named by commented-out list entries of a kustomization file."""
    for name in KUSTOMIZATION_FILES:
        path = Path(directory, name)
        try:
            if path.is_file() and path.stat().st_size <= _MAX_KUSTOMIZATION_BYTES:
                text = path.read_text(encoding="utf-8")
                return [_norm(str(Path(directory, m))) for m in _COMMENTED_ENTRY.findall(text)]
        except (OSError, UnicodeDecodeError):
            return []
    return []


def _read_kustomization(directory: str) -> dict[str, Any] | None:
    for name in KUSTOMIZATION_FILES:
        path = Path(directory, name)
        try:
            if not path.is_file() or path.stat().st_size > _MAX_KUSTOMIZATION_BYTES:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        try:
            for doc in compose(text):
                return doc.data if isinstance(doc.data, dict) else None
        except ComposeError:
            return None
        return None
    return None


def _strings(value: Any) -> Iterator[str]:
    for item in value if isinstance(value, list) else ():
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            yield item["path"]


def _adds_selector_labels(data: dict[str, Any]) -> bool:
    common = data.get("commonLabels")
    if isinstance(common, dict) and common:
        return True
    labels = data.get("labels")
    return any(
        isinstance(entry, dict) and entry.get("includeSelectors") is True
        for entry in (labels if isinstance(labels, list) else ())
    )


def _parse(directory: str, data: dict[str, Any]) -> _Kustomization:
    found = _Kustomization(directory, _adds_selector_labels(data))
    for key in _INCLUDE_FIELDS:
        for entry in _strings(data.get(key)):
            if "://" in entry or entry.startswith("git@"):
                continue  # a remote base: not on this disk
            target = _norm(str(Path(directory, entry)))
            if Path(target).is_dir():
                found.children.append(target)
            else:
                found.files.append(target)
    for key in _PATCH_FIELDS:
        for entry in _strings(data.get(key)):
            # An inline strategic-merge patch is a string with a newline, not a path.
            if "\n" not in entry:
                found.patches.append(_norm(str(Path(directory, entry))))
    return found


_PLAIN = Origin()


@dataclass(frozen=True)
class Layout:
    """The origin of every file that kubelint reads, by normalised path."""

    origins: dict[str, Origin]
    default: Origin = _PLAIN

    def origin(self, path: Path | None) -> Origin:
        """Return what the surroundings say about the file at `path` (stdin: one unit)."""
        if path is None:
            return self.default
        return self.origins.get(_norm(str(path)), self.default)


def _chart_root(directory: str, cache: dict[str, str | None]) -> str | None:
    """Return the nearest enclosing directory with a Chart.yaml, if any."""
    seen: list[str] = []
    current = directory
    root: str | None = None
    while True:
        if current in cache:
            root = cache[current]
            break
        seen.append(current)
        if Path(current, "Chart.yaml").is_file():
            root = current
            break
        parent = str(Path(current).parent)
        if parent == current or not parent:
            break
        current = parent
    for visited in seen:
        cache[visited] = root
    return root


def _kustomizations(directories: Iterable[str]) -> dict[str, _Kustomization]:
    """Read the kustomizations of these directories and of every base they include."""
    found: dict[str, _Kustomization] = {}
    pending = sorted(set(directories))
    while pending:
        directory = pending.pop()
        if directory in found:
            continue
        data = _read_kustomization(directory)
        if data is None:
            continue
        entry = _parse(directory, data)
        found[directory] = entry
        pending.extend(child for child in entry.children if child not in found)
    for directory, entry in sorted(found.items()):
        for child in entry.children:
            if child in found:
                found[child].parents.append(directory)
    return found


def _root_and_labels(
    directory: str, found: dict[str, _Kustomization], memo: dict[str, tuple[str, bool]]
) -> tuple[str, bool]:
    """Return the top-most kustomization that includes this one, and whether any adds labels."""
    if directory in memo:
        return memo[directory]
    memo[directory] = (directory, found[directory].adds_selector_labels)  # cycles stop here
    entry = found[directory]
    root, labels = directory, entry.adds_selector_labels
    parents = sorted(p for p in entry.parents if p in found)
    for parent in parents:
        parent_root, parent_labels = _root_and_labels(parent, found, memo)
        labels = labels or parent_labels
        if parent == parents[0]:
            root = parent_root
    memo[directory] = (root, labels)
    return root, labels


def build_layout(paths: Iterable[Path]) -> Layout:
    """Work out the origin of every file: its unit, and whether it is a patch or an assertion."""
    files = [_norm(str(p)) for p in paths]
    directories = {str(Path(f).parent) or "." for f in files}
    found = _kustomizations(directories)
    memo: dict[str, tuple[str, bool]] = {}
    owner: dict[str, str] = {}
    patches: set[str] = set()
    for directory, entry in sorted(found.items()):
        patches.update(entry.patches)
        for listed in entry.files:
            owner.setdefault(listed, directory)
    for directory in sorted(found):
        # Commented-out entries are patches unless the kustomization uses the file otherwise.
        patches.update(f for f in _commented_patches(directory) if f not in owner)
    charts: dict[str, str | None] = {}
    suites: dict[str, bool] = {}
    origins: dict[str, Origin] = {}
    for file in files:
        directory = str(Path(file).parent) or "."
        kustomization = owner.get(file) or (directory if directory in found else None)
        labels = False
        if kustomization is not None:
            unit, labels = _root_and_labels(kustomization, found, memo)
        else:
            unit = _chart_root(directory, charts) or directory
        assertion = _is_assertion(file, directory, suites)
        # A test step applies its objects onto ones that may already exist (an operator's
        # Deployment it re-labels): judge what the step sets, not what it leaves out.
        step = _in_suite(directory, suites)
        origins[file] = Origin(
            unit=unit,
            patch=file in patches or step,
            selector_labels=labels,
            assertion=assertion,
        )
    return Layout(origins)


def _in_suite(directory: str, suites: dict[str, bool]) -> bool:
    """Return True when the directory holds a chainsaw or kuttl test definition."""
    if directory not in suites:
        suites[directory] = any(Path(directory, s).is_file() for s in _TEST_SUITES)
    return suites[directory]


def _is_assertion(file: str, directory: str, suites: dict[str, bool]) -> bool:
    name = Path(file).name
    stem = name.rsplit(".", 1)[0].lower()
    if not _ASSERTION.search(stem):
        return False
    # kuttl names its steps NN-assert.yaml and NN-errors.yaml, with or without a suite file.
    return _in_suite(directory, suites) or re.match(r"\d+-(?:assert|errors)\b", name) is not None


# API groups of files that configure tools and never reach the API server.
TOOL_GROUPS = frozenset(
    {
        "kustomize.config.k8s.io",
        "config.kubernetes.io",
        "kind.x-k8s.io",
        "kpt.dev",
        "fn.kpt.dev",
        "chainsaw.kyverno.io",
        "kuttl.dev",
        "ctlptl.dev",
        "k3d.io",
    }
)


def is_tool_config(api_version: str) -> bool:
    """Return True for documents that configure a tool rather than describe a cluster object."""
    group, _, _ = api_version.rpartition("/")
    if group in TOOL_GROUPS or api_version == "builtin":
        return True
    return api_version.startswith("skaffold/")


def is_chart(path: Path | None) -> bool:
    """Return True for the Chart.yaml of a Helm chart with templates."""
    return path is not None and path.name == "Chart.yaml" and (path.parent / "templates").is_dir()


# A library chart's templates only define helpers for other charts: it renders nothing alone.
_LIBRARY = re.compile(r"^type:[ \t]*['\"]?library['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def chart_problem(path: Path, text: str) -> LoadProblem | None:
    """Return the one finding that says a chart's templates were not linted (None for a library)."""
    if _LIBRARY.search(text):
        return None
    directory = str(path.parent).replace("\\", "/")
    return LoadProblem(
        "helm-chart",
        f"Helm chart: its templates/ are not linted until rendered; lint the rendered "
        f"manifests with `helm template {directory} | kubelint check -`",
        Span(1, 1, 1, 2),
        Severity.INFO,
    )


def is_snapshot(obj: dict[str, Any]) -> bool:
    """Return True for an object read back from a cluster (`kubectl get -o yaml`).

    Such a dump carries fields only the API server writes, and test suites trim it to what
    they need: it is judged for what it says, never for what it leaves out.
    """
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return False
    if any(
        metadata.get(k) for k in ("uid", "resourceVersion", "managedFields", "creationTimestamp")
    ):
        return True
    # Nobody applies a Pod that names its controller: the controller created it.
    owners = metadata.get("ownerReferences")
    return isinstance(owners, list) and any(
        isinstance(o, dict) and o.get("uid") and o.get("controller") is True for o in owners
    )
