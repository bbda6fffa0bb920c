"""CronJob settings the API server rejects: schedule syntax, time zones, policy and name length."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kubelint.kubeversion import at_least
from kubelint.model import Resource, Severity, Violation
from kubelint.podspec import as_dict, describe
from kubelint.template import Params, Template

# The controller names each Job "<cronjob>-<minutes since epoch>": 11 more characters, and
# Job names must stay DNS labels (63 characters).
MAX_NAME = 52
POLICIES = ("Allow", "Forbid", "Replace")
MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_DURATION = re.compile(
    r"[-+]?(?:0|(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)\Z"
)
_NUMBER = re.compile(r"[0-9]+\Z")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int]
    question: bool  # "?" (any) is allowed


_FIELDS = (
    _Field("minute", 0, 59, {}, False),
    _Field("hour", 0, 23, {}, False),
    _Field("day-of-month", 1, 31, {}, True),
    _Field("month", 1, 12, {m: i + 1 for i, m in enumerate(_MONTHS)}, False),
    _Field("day-of-week", 0, 6, {d: i for i, d in enumerate(_DAYS)}, True),
)


def _value(text: str, field: _Field) -> int | str:
    """Return a field value as a number, or a description of why it is not one."""
    named = field.names.get(text.lower())
    if named is not None:
        return named
    if _NUMBER.match(text):
        return int(text)
    allowed = f"a number from {field.low} to {field.high}"
    if field.names:
        names = list(field.names)
        allowed += f" or a name {names[0].upper()}-{names[-1].upper()}"
    if not text:
        return f"it has an empty item where {allowed} is expected"
    return f'"{text}" is not {allowed}'


def _range_problem(part: str, field: _Field) -> str | None:
    """Return why one comma-separated part of a field is invalid, or None."""
    base, slash, step_text = part.partition("/")
    if "/" in step_text:
        return f'"{part}" has more than one step (/)'
    if slash:
        if not _NUMBER.match(step_text):
            return f'"{part}" has the step "{step_text}"; a step must be a positive whole number'
        if int(step_text) == 0:
            return f'"{part}" has a step of 0; a step must be at least 1'
    if base in ("*", "?"):
        if base == "?" and not field.question:
            return '"?" is allowed only in day-of-month and day-of-week; use "*"'
        return None
    bounds = base.split("-")
    if len(bounds) > 2:
        return f'"{part}" has more than one hyphen'
    numbers: list[int] = []
    for bound in bounds:
        value = _value(bound, field)
        if isinstance(value, str):
            return value
        if not field.low <= value <= field.high:
            extra = ""
            if field.name == "day-of-week" and value == 7:
                extra = " (Kubernetes does not accept 7 for Sunday: use 0)"
            return f"{value} is out of range {field.low}-{field.high}{extra}"
        numbers.append(value)
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        return f'the range "{base}" ends before it starts'
    return None


def cron_problem(expression: str) -> str | None:
    """Return why a schedule (without a TZ= prefix) is not a valid cron expression, or None."""
    if expression.startswith("@"):
        if expression in MACROS:
            return None
        if expression.startswith("@every "):
            duration = expression[len("@every ") :]
            if _DURATION.match(duration):
                return None
            return (
                f'"{duration}" after @every is not a duration; write one such as 90s, 15m or 1h30m'
            )
        if expression.rstrip() == "@every":
            return '@every needs a duration, as in "@every 1h"'
        if expression.lower() in MACROS:
            return f"the macro must be written in lower case: {expression.lower()}"
        return (
            f"{expression.split(maxsplit=1)[0]} is not a macro Kubernetes knows; use one of "
            + ", ".join(MACROS)
            + " or @every <duration>"
        )
    fields = expression.split()
    if len(fields) != len(_FIELDS):
        if not fields:
            return "it is empty"
        extra = ""
        if len(fields) == 6:
            extra = " (Kubernetes has no seconds or year field)"
        return (
            f"it has {len(fields)} field(s){extra}; a CronJob schedule needs exactly five: "
            "minute hour day-of-month month day-of-week"
        )
    for text, field in zip(fields, _FIELDS, strict=True):
        for part in text.split(","):
            problem = _range_problem(part, field)
            if problem:
                return f'the {field.name} field "{text}" is invalid: {problem}'
    return None


def _schedule(spec: dict[str, object], params: Params) -> Iterator[Violation]:
    path = ("spec", "schedule")
    schedule = spec.get("schedule")
    if schedule is None or schedule == "":
        yield Violation(
            ("spec",) if "schedule" not in spec else path,
            "this CronJob has no schedule, which the API server requires: add spec.schedule, "
            'for example "0 * * * *" (every hour)',
            sub_id="schedule-missing",
        )
        return
    if not isinstance(schedule, str):
        yield Violation(
            path,
            f"schedule is {describe(schedule)}, not a cron expression: write it as a quoted "
            'string such as "*/5 * * * *"',
            sub_id="schedule-type",
        )
        return
    expression = schedule
    match = re.match(r"(CRON_TZ|TZ)=(\S*)", schedule)
    if match is not None:
        rest = schedule[match.end() :].strip()
        zone = match.group(2)
        strict = at_least(params.get("kube_version"), (1, 27))
        both = spec.get("timeZone") not in (None, "")
        severity = None
        if strict:
            why = "the API server rejects a time zone in the schedule since Kubernetes 1.27"
        elif both:
            why = "the API server rejects a schedule time zone together with spec.timeZone"
        else:
            why = (
                "Kubernetes does not officially support a time zone in the schedule (the API "
                "server rejects it from 1.27 on)"
            )
            severity = Severity.WARNING
        fix = (
            f'keep spec.timeZone and write schedule: "{rest}"'
            if both
            else f'set spec.timeZone: "{zone}" and schedule: "{rest}"'
        )
        yield Violation(
            path,
            f'schedule "{schedule}" sets its time zone with {match.group(1)}=, and {why}: {fix}',
            sub_id="schedule-tz",
            severity=severity,
        )
        expression = rest
    problem = cron_problem(expression)
    if problem:
        yield Violation(
            path,
            f'schedule "{schedule}" is not a valid cron expression: {problem}',
            sub_id="schedule",
        )


def check(resource: Resource, params: Params) -> Iterator[Violation]:
    """Yield CronJob settings the API server rejects."""
    name = as_dict(resource.obj.get("metadata")).get("name")
    if isinstance(name, str) and len(name) > MAX_NAME:
        yield Violation(
            ("metadata", "name"),
            f'the name "{name}" is {len(name)} characters long; a CronJob name may have at most '
            f"{MAX_NAME}, because the controller appends 11 characters to name each Job: "
            f"shorten it by {len(name) - MAX_NAME}",
            sub_id="name-length",
        )
    spec = resource.obj.get("spec")
    if not isinstance(spec, dict):
        return
    yield from _schedule(spec, params)
    policy = spec.get("concurrencyPolicy")
    if policy not in (None, "", *POLICIES):
        hint = ""
        if isinstance(policy, str):
            fixed = {p.lower(): p for p in POLICIES}.get(policy.lower())
            if fixed is not None:
                hint = f' (values are case-sensitive: write "{fixed}")'
        yield Violation(
            ("spec", "concurrencyPolicy"),
            f"concurrencyPolicy is {describe(policy)}{hint}; it must be Allow (the default), "
            "Forbid or Replace",
            sub_id="concurrency-policy",
        )


TEMPLATES = [
    Template(
        name="cronjob-config",
        description="A CronJob's schedule, concurrencyPolicy and name must be accepted.",
        check=check,
        kinds=frozenset({"CronJob"}),
        needs=frozenset({"kube_version"}),
    )
]
