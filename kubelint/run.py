"""Drive the pipeline: discover, load, evaluate, sort; one bad file never stops the others."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

from kubelint import DOCS_URL, FINDINGS_PER_RULE_AND_FILE, __version__, suppress
from kubelint.collect import Collector
from kubelint.discover import Target
from kubelint.engine import ActiveRule, Engine, problems_to_findings
from kubelint.layout import build_layout, chart_problem, is_chart, is_snapshot, is_tool_config
from kubelint.load import MAX_FILE_BYTES, LoadedFile, LoadProblem, load_bytes
from kubelint.model import Finding, Origin, RuleMeta, RunResult, RunSummary, Span
from kubelint.redact import Secrets, protect


@dataclass(frozen=True)
class RunOptions:
    """What to lint and how."""

    targets: Sequence[Target]
    rules: Sequence[ActiveRule]
    # Files read only as context for cross-resource rules (the rest of the repository when a
    # hook passes just the changed files); nothing is reported about them.
    context: Sequence[Target] = ()
    # Every rule id the registry knows (a suppression naming another one is reported).
    known_rules: frozenset[str] = frozenset()
    inline_suppressions: bool = True
    # A baseline: recorded (file, fingerprint) counts, and where they came from.
    baseline: Counter[tuple[str, str]] | None = None
    baseline_source: str = ""
    # Findings listed per rule and file (the rest are counted in one finding); None: all.
    limit: int | None = FINDINGS_PER_RULE_AND_FILE


def ordered_inputs(options: RunOptions) -> list[tuple[Target, bool]]:
    """Return every file to read in apply order, each with whether it is reported on.

    With context, files are read in the context's own order (as if the whole repository were
    linted) so that "applied before" means the same as in a full run; named files outside the
    context come last.
    """
    if not options.context:
        return [(t, True) for t in options.targets]
    named = {t.name for t in options.targets}
    seen: set[str] = set()
    out: list[tuple[Target, bool]] = []
    for target in options.context:
        out.append((target, target.name in named))
        seen.add(target.name)
    out.extend((t, True) for t in options.targets if t.name not in seen)
    return out


def _read(target: Target, stdin: BinaryIO | None) -> bytes | LoadProblem:
    try:
        if target.path is None:
            if stdin is None:
                return b""
            return stdin.read(MAX_FILE_BYTES + 1)
        with target.path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return LoadProblem(
            "parse-error", f"cannot read file: {exc.strerror or exc}", Span(1, 1, 1, 2)
        )


def with_origin(loaded: LoadedFile, origin: Origin) -> LoadedFile:
    """Give a file's objects their origin; drop tool configs and test-suite assertions.

    Kustomizations, skaffold and kind configs never reach the API server, and an assertion
    file lists only the fields it expects: neither is an object to judge. An object dumped
    from a cluster is judged like a patch (see `is_snapshot`).
    """
    snapshot = replace(origin, patch=True)
    kept = tuple(
        replace(resource, origin=snapshot if is_snapshot(resource.obj) else origin)
        for resource in loaded.resources
        if not origin.assertion and not is_tool_config(resource.api_version)
    )
    return replace(loaded, resources=kept)


def run(
    options: RunOptions,
    stdin: BinaryIO | None = None,
    progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Lint every target and return the sorted result."""
    # The loader allocates millions of small containers that live until the run ends and form
    # no reference cycles; the cyclic collector would rescan them over and over (measured: a
    # third of the run time on large inputs), so it is paused for the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(options, stdin, progress)
    finally:
        if collecting:
            gc.enable()


def _run(
    options: RunOptions,
    stdin: BinaryIO | None,
    progress: Callable[[int], None] | None,
) -> RunResult:
    engine = Engine(options.rules)
    known = options.known_rules or frozenset(rule.id for rule in options.rules)
    sources: dict[str, str] = {}
    # Per file, the secret values no message or suppression reason may carry.
    secrets: dict[str, Secrets] = {}
    documents = resources = 0
    order = 0
    reported: set[str] = set()
    object_files: set[str] = set()
    index = suppress.Index()
    collector = Collector(index, options.baseline, options.baseline_source, options.limit)
    inputs = ordered_inputs(options)
    layout = build_layout(t.path for t, _ in inputs if t.path is not None)
    for number, (target, report) in enumerate(inputs):
        data = _read(target, stdin)
        if isinstance(data, LoadProblem):
            if report:
                collector.add(problems_to_findings(engine, target.name, [data]))
            continue
        loaded = load_bytes(target.name, data, order, options.limit)
        loaded = with_origin(loaded, layout.origin(target.path))
        loaded = _with_chart_note(loaded, target)
        order += len(loaded.resources)
        if not report:
            for resource in loaded.resources:
                engine.keep(resource)
            continue
        reported.add(target.name)
        problems_before = len(index.problems)
        if options.inline_suppressions:
            suppress.scan_comments(index, target.name, loaded.text, known, loaded.scalar_text)
            for resource in loaded.resources:
                suppress.scan_annotations(index, resource, known)
        documents += loaded.documents
        resources += len(loaded.resources)
        if loaded.resources:
            object_files.add(target.name)
        found = collector.add(problems_to_findings(engine, target.name, loaded.problems))
        if engine.is_active("duplicate-key"):
            for span, count in loaded.more_duplicates:
                problem = LoadProblem("duplicate-key", "", span)
                collector.count_more(engine.problem_finding(target.name, problem), count)
        for resource in loaded.resources:
            found += collector.add(engine.check_resource(resource))
        # Keep the text only where a report may quote it: files with findings, or whose
        # objects a cross-resource rule still holds.
        if found or engine.holds(target.name) or index.problems[problems_before:]:
            _keep_source(loaded, sources, secrets)
        if progress is not None:
            progress(number + 1)
    collector.add(f for f in engine.check_set() if f.file in reported or f.file == "<run>")
    if engine.is_active(suppress.INVALID):
        collector.add(
            replace(p, severity=engine.severity(suppress.INVALID)) for p in index.problems
        )
    findings, stats = collector.result()
    findings = [secrets[f.file].scrub(f) if f.file in secrets else f for f in findings]
    findings.sort(key=Finding.sort_key)
    summary = RunSummary(files=len(options.targets), documents=documents, resources=resources)
    metas = tuple(rule_meta(rule) for rule in options.rules)
    return RunResult(
        tuple(_dedupe(findings)),
        summary,
        sources,
        __version__,
        metas,
        stats,
        frozenset(object_files),
    )


def rule_meta(rule: ActiveRule) -> RuleMeta:
    """Describe an active rule for reporters, with its documentation as text and Markdown."""
    from kubelint.docs import rule_markdown

    definition = rule.definition
    text = "\n\n".join(
        part
        for part in (definition.description, definition.rationale, definition.remediation)
        if part
    )
    return RuleMeta(
        id=definition.id,
        title=definition.title,
        severity=rule.severity,
        description=definition.description,
        tags=definition.tags,
        help_text=text,
        help_markdown=rule_markdown(definition),
        help_uri=f"{DOCS_URL}/{definition.id}.md",
    )


def _with_chart_note(loaded: LoadedFile, target: Target) -> LoadedFile:
    """Add the note that a Helm chart's templates were not linted, on its Chart.yaml."""
    if target.path is None or not is_chart(target.path):
        return loaded
    note = chart_problem(target.path, loaded.text)
    return loaded if note is None else replace(loaded, problems=(*loaded.problems, note))


def _keep_source(loaded: LoadedFile, sources: dict[str, str], secrets: dict[str, Secrets]) -> None:
    """Keep a file's text for code frames, its secret values masked, and those values."""
    unparsed = any(p.rule == "parse-error" for p in loaded.problems)
    shown, hidden = protect(loaded.text, loaded.resources, unparsed)
    sources[loaded.name] = shown
    if hidden.at:
        secrets[loaded.name] = hidden


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop exact repeats (an aliased subtree can make one field appear under two paths)."""
    out: list[Finding] = []
    seen: set[tuple[object, ...]] = set()
    for finding in findings:
        key = (finding.rule, finding.file, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
