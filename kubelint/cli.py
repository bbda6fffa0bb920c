"""The command line: thin glue between arguments, the pipeline and the reporters."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from kubelint import FINDINGS_PER_RULE_AND_FILE, __version__
from kubelint.display import notice

if TYPE_CHECKING:
    from kubelint.options import Prepared
    from kubelint.outputs import GuardedStream
    from kubelint.registry import Registry

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
FAIL_LEVELS = ("error", "warning", "info")


class UsageError(Exception):
    """A problem with the command line or configuration (exit code 2)."""


def _split(values: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="kubelint",
        description="Lint Kubernetes manifests and report every finding at its exact line.",
    )
    parser.add_argument("--version", action="version", version=f"kubelint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = sub.add_parser("check", help="lint files and directories (`-` reads stdin)")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument(
        "--format",
        "-f",
        action="append",
        metavar="FORMAT",
        help="text, json, sarif or github; repeat for several reports (default: text)",
    )
    check.add_argument(
        "--output",
        "-o",
        action="append",
        metavar="FILE",
        help="write the report of the matching --format to FILE (`-`: standard output)",
    )
    check.add_argument(
        "--context",
        metavar="DIR",
        help="read DIR too, for cross-resource rules, but report only on PATHs "
        "(`:git` is the git work tree root)",
    )
    check.add_argument(
        "--fail-if-no-objects",
        action="store_true",
        help="exit 1 when no Kubernetes object was read (a path or glob that matched nothing)",
    )
    check.add_argument(
        "--statistics",
        action="store_true",
        help="in the text report, count findings per rule instead of listing them",
    )
    check.add_argument(
        "--all-findings",
        action="store_true",
        help=f"list every finding (by default at most {FINDINGS_PER_RULE_AND_FILE:,} per rule "
        "and file, then one that counts the rest)",
    )
    check.add_argument("--select", action="append", metavar="RULE,...", help="run only these rules")
    check.add_argument("--ignore", action="append", metavar="RULE,...", help="skip these rules")
    check.add_argument(
        "--fail-level",
        choices=FAIL_LEVELS,
        default=None,
        help="exit 1 when a finding is at or above this severity (default: warning)",
    )
    check.add_argument(
        "--kube-version",
        metavar="X.Y",
        help="target Kubernetes version (default: the newest with bundled schemas)",
    )
    check.add_argument(
        "--schema-dir",
        action="append",
        metavar="DIR",
        help="CustomResourceDefinitions (or GROUP/KIND_VERSION.json schemas) for custom resources",
    )
    check.add_argument(
        "--pod-security",
        choices=("baseline", "restricted"),
        help="evaluate every pod at this Pod Security Standards level (rule pod-security)",
    )
    check.add_argument(
        "--pod-security-version",
        metavar="VERSION",
        help="Pod Security Standards policy version: latest (default), v1.30 or 1.30",
    )
    check.add_argument("--config", metavar="FILE", help="configuration file (default: nearest)")
    check.add_argument("--no-config", action="store_true", help="ignore configuration files")
    check.add_argument(
        "--rule-dir", action="append", metavar="DIR", help="directory of custom rule files"
    )
    check.add_argument(
        "--no-inline-suppressions",
        action="store_true",
        help="ignore `# kubelint:` comments and ignore.kubelint.io annotations (for audits)",
    )
    check.add_argument(
        "--baseline", metavar="FILE", help="report only findings not recorded in FILE"
    )
    check.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0"
    )
    check.add_argument(
        "--stdin-filename", metavar="NAME", default="<stdin>", help="file name to report for `-`"
    )
    check.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help="colour text output"
    )
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", "-f", choices=("text", "json", "markdown"), default="text")
    explain = sub.add_parser("explain", help="show a rule's full documentation")
    explain.add_argument("rule", metavar="RULE")
    explain.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="render the Markdown for a terminal (auto: when standard output is one)",
    )
    return parser


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from kubelint.baseline import BaselineError, read_baseline, write_baseline
    from kubelint.exclude import Excluder
    from kubelint.model import Severity
    from kubelint.options import Flags, SetupError, prepare
    from kubelint.outputs import OutputError, in_github_actions, pair, refuse_inputs, write_reports
    from kubelint.progress import progress_bar
    from kubelint.reporters import ReportOptions
    from kubelint.run import RunOptions, ordered_inputs, run

    flags = Flags(
        paths=args.paths,
        config=args.config,
        no_config=args.no_config,
        select=_split(args.select),
        ignore=_split(args.ignore),
        rule_dirs=args.rule_dir or (),
        fail_level=args.fail_level,
        fail_if_no_objects=args.fail_if_no_objects,
        context=args.context,
        inline_suppressions=False if args.no_inline_suppressions else None,
        baseline=args.baseline,
        stdin_filename=args.stdin_filename,
        kube_version=args.kube_version,
        schema_dirs=args.schema_dir or (),
        pod_security=args.pod_security,
        pod_security_version=args.pod_security_version,
    )
    try:
        prepared = prepare(flags)
        registry = prepared.registry
        formats = args.format or (["text", "github"] if in_github_actions() else ["text"])
        destinations = pair(formats, args.output or [], list(registry.reporters))
        refuse_inputs(
            destinations,
            _read_files(prepared),
            [Path(p) for p in [*args.paths, args.context or ""] if p and Path(p).is_dir()],
            Excluder.create(prepared.config.root, prepared.config.exclude).excluded,
        )
        reading = prepared.baseline is not None and not args.write_baseline
        recorded = read_baseline(prepared.baseline) if reading and prepared.baseline else None
    except (SetupError, OutputError, BaselineError) as exc:
        raise UsageError(str(exc)) from None
    _plugin_errors(registry, stderr)
    options = RunOptions(
        prepared.targets,
        prepared.rules,
        prepared.context,
        known_rules=frozenset(registry.rules),
        inline_suppressions=prepared.inline_suppressions,
        baseline=None if args.write_baseline else recorded,
        baseline_source=str(prepared.baseline or ""),
        # A baseline records every finding, or fixing a listed one would make a hidden one new.
        limit=None if args.all_findings or args.write_baseline else FINDINGS_PER_RULE_AND_FILE,
    )
    stdin = sys.stdin.buffer if "-" in args.paths else None
    with progress_bar(stderr, len(ordered_inputs(options))) as advance:
        result = run(options, stdin=stdin, progress=advance)
    if args.write_baseline:
        try:
            count = write_baseline(Path(args.write_baseline), result.findings)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        stderr.write(notice(f"kubelint: recorded {count} finding(s) in {args.write_baseline}"))
        return EXIT_USAGE if registry.errors else EXIT_OK
    unwritten = write_reports(
        result,
        destinations,
        registry.reporters,
        stdout,
        ReportOptions(stderr=stderr, statistics=args.statistics),
        color=_use_color(args.color, stdout),
    )
    for message in unwritten:
        stderr.write(notice(f"kubelint: error: {message}"))
    threshold = Severity.parse(prepared.fail_level)
    failed = any(f.severity >= threshold and not f.suppressed for f in result.findings)
    for path in _empty_paths(args.paths, result.object_files):
        stderr.write(notice(f"kubelint: warning: no Kubernetes object found in {path}"))
    if prepared.fail_if_no_objects and not result.summary.resources:
        stderr.write(
            notice("kubelint: error: no Kubernetes object was read (--fail-if-no-objects)")
        )
        failed = True
    if registry.errors or unwritten:
        return EXIT_USAGE
    return EXIT_FINDINGS if failed else EXIT_OK


def _read_files(prepared: Prepared) -> list[Path]:
    """Return the files a run reads, which no report may overwrite."""
    files = [t.path for t in [*prepared.targets, *prepared.context] if t.path is not None]
    if prepared.config.path is not None:
        files.append(prepared.config.path)
    if prepared.baseline is not None:
        files.append(prepared.baseline)
    return files


def _empty_paths(paths: Sequence[str], object_files: frozenset[str]) -> list[str]:
    """Return the directories on the command line under which no Kubernetes object was read.

    Files are left out: pre-commit names every changed YAML file, manifests or not.
    """
    out = []
    for raw in paths:
        if raw == "-" or not Path(raw).is_dir():
            continue
        name = os.path.normpath(raw).replace(os.sep, "/")
        prefix = "" if name == "." else name + "/"
        if name not in object_files and not any(f.startswith(prefix) for f in object_files):
            out.append(raw)
    return out


def _plugin_errors(registry: Registry, stderr: TextIO) -> int:
    """Print plugin errors; return the exit code they imply."""
    for error in registry.errors:
        stderr.write(notice(f"kubelint: error: plugin {error.plugin}: {error.message}"))
    return EXIT_USAGE if registry.errors else EXIT_OK


def _rules(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from kubelint.docs import rules_table
    from kubelint.registry import default_registry

    registry = default_registry()
    stdout.write(rules_table(registry, args.format))
    return _plugin_errors(registry, stderr)


def _explain(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from kubelint.docs import rule_markdown, template_parameters
    from kubelint.registry import default_registry

    registry = default_registry()
    rule = registry.rule(args.rule)
    if rule is None:
        raise UsageError(f"unknown rule {args.rule!r} (see `kubelint rules`)")
    text = rule_markdown(rule, template_parameters(registry, rule))
    if _use_color(args.color, stdout):
        from rich.console import Console
        from rich.markdown import Markdown

        Console(file=stdout, force_terminal=True).print(Markdown(text))
    else:
        stdout.write(text)
    return _plugin_errors(registry, stderr)


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run kubelint with `argv` and return the exit code."""
    from kubelint.outputs import GuardedStream

    # kubelint builds no reference cycles worth collecting: start-up (module imports, dataclass
    # and regex creation) and the run would otherwise pay for repeated generation-0 scans.
    collecting = gc.isenabled()
    gc.disable()
    # A full disk, a closed descriptor or a reader gone away is recorded, not raised mid-report.
    out = GuardedStream(stdout or sys.stdout)
    err = GuardedStream(stderr or sys.stderr)
    try:
        code = _main(argv, cast("TextIO", out), cast("TextIO", err))
    finally:
        if collecting:
            gc.enable()
    return _finish(code, out, err)


def _finish(code: int, out: GuardedStream, err: GuardedStream) -> int:
    """Return the exit code once standard output is flushed: 2 when the report was not written."""
    out.flush()
    if out.failure is not None:
        # A reader that left (`| head`) asked for no more: say nothing, as cat and grep do.
        if not out.broken_pipe:
            reason = out.failure.strerror or str(out.failure)
            err.write(notice(f"kubelint: error: cannot write the report to stdout: {reason}"))
        if code != EXIT_INTERNAL:
            code = EXIT_USAGE
    err.flush()
    for stream, standard in ((out, sys.stdout), (err, sys.stderr)):
        if stream.failure is not None and stream.stream is standard:
            _discard(standard)
    return code


def _discard(standard: TextIO | None) -> None:
    """Point a failed standard stream at the null device, so interpreter exit cannot retry it."""
    if standard is None:
        return
    try:
        fd = standard.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError):
        return
    try:
        os.dup2(null, fd)
    except OSError:
        pass
    finally:
        os.close(null)


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        if args.command == "check":
            return _check(args, out, err)
        if args.command == "rules":
            return _rules(args, out, err)
        if args.command == "explain":
            return _explain(args, out, err)
        parser.print_help(out)
        return EXIT_USAGE
    except UsageError as exc:
        err.write(notice(f"kubelint: error: {exc}"))
        return EXIT_USAGE
    except Exception as exc:  # a crash must never look like a clean run
        import traceback

        err.write(notice(traceback.format_exc().rstrip("\n")))
        err.write(notice(f"kubelint: internal error: {exc!r}; please report this"))
        return EXIT_INTERNAL
