"""The Pod Security labels of a Namespace, read as the admission controller reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kubelint.model import Violation
from kubelint.podsecurity.controls import NEWEST
from kubelint.podsecurity.pod import LATEST, LEVELS, RESTRICTED, Version, show

# The labels are stricter than the command line: "v1.N" only, as the controller's ParseVersion
# accepts (its pattern also takes a single digit, so "v1.05" is invalid).
# Bounded digits: int() of a 5,000-digit minor version is refused, and no release has one.
_LABEL_VERSION = re.compile(r"v1\.([0-9]|[1-9][0-9]{0,8})\Z")

LABEL_PREFIX = "pod-security.kubernetes.io/"
MODES = ("enforce", "warn", "audit")


@dataclass(frozen=True)
class Mode:
    """One Pod Security mode a Namespace's labels set: its level and policy version."""

    mode: str
    level: str
    version: Version
    text: str  # the version as the label wrote it ("latest" when unset or invalid)


def _label_error(key: str, value: object, expected: str) -> Violation:
    return Violation(
        ("metadata", "labels", key),
        f"label {key}={show(value)} must be {expected}; the API server rejects a Namespace "
        "with an invalid Pod Security label",
        sub_id=f"label:{key}",
        at_value=True,
    )


def namespace_modes(labels: dict[str, Any]) -> tuple[list[Mode], list[Violation]]:
    """Read a Namespace's Pod Security labels as the admission controller does.

    Return the modes to evaluate and a violation for every invalid label. An invalid enforce
    level is enforced as restricted (the controller fails closed); an invalid warn or audit
    level turns that mode off (it fails open); an invalid version means latest.
    """
    modes, errors = [], []
    for mode in MODES:
        key = LABEL_PREFIX + mode
        level = labels.get(key)
        if level is not None and level not in (*LEVELS, "privileged"):
            errors.append(_label_error(key, level, "privileged, baseline or restricted"))
            level = RESTRICTED if mode == "enforce" else None
        version_key = f"{key}-version"
        raw = labels.get(version_key, LATEST)
        if raw == LATEST:
            version, text = NEWEST, LATEST
        elif isinstance(raw, str) and (match := _LABEL_VERSION.match(raw)):
            version, text = min((1, int(match[1])), NEWEST), raw
        else:
            errors.append(_label_error(version_key, raw, 'latest or "v1.MINOR" such as v1.30'))
            version, text = NEWEST, LATEST
        if level in LEVELS:
            modes.append(Mode(mode, str(level), version, text))
    return modes, errors
