"""Resolve plain YAML scalars the way Kubernetes reads them (go-yaml v2, a YAML 1.1 decoder)."""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
from typing import Any

# go-yaml v2's resolve table: these exact spellings are booleans, nulls and special floats.
_SPECIAL: dict[str, Any] = {}
for _words, _value in (
    (("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    (("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    (("", "~", "null", "Null", "NULL"), None),
    ((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    (("-.inf", "-.Inf", "-.INF"), -math.inf),
    ((".nan", ".NaN", ".NAN"), math.nan),
):
    for _word in _words:
        _SPECIAL[_word] = _value

_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.?[0-9]*)([eE][-+]?[0-9]+)?\Z")
_INT_BODY = {
    "0x": (16, re.compile(r"[0-9a-fA-F]+\Z")),
    "0o": (8, re.compile(r"[0-7]+\Z")),
    "0b": (2, re.compile(r"[01]+\Z")),
}
_DECIMAL = re.compile(r"[0-9]+\Z")
_OCTAL = re.compile(r"0[0-7]*\Z")
_INT64_MIN = -(2**63)
_UINT64_MAX = 2**64 - 1


# Past this many significant digits no base fits 64 bits: 2**64 has 64 binary digits.
_MAX_INT_DIGITS = 64


def _go_parse_int(text: str) -> int | None:
    """Parse like Go's strconv.ParseInt(text, 0, 64) falling back to ParseUint; None if invalid."""
    sign = 1
    body = text
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    # Out of range whatever the base; bounded before int() (Python refuses 4,300+ digits).
    significant = body[2:] if body[:2].lower() in _INT_BODY else body
    if len(significant.lstrip("0")) > _MAX_INT_DIGITS:
        return None
    prefix = body[:2].lower()
    if prefix in _INT_BODY:
        base, pattern = _INT_BODY[prefix]
        digits = body[2:]
        if not pattern.match(digits):
            return None
        value = int(digits, base)
    elif body[0] == "0" and len(body) > 1:
        if not _OCTAL.match(body):
            return None
        value = int(body, 8)
    elif _DECIMAL.match(body):
        value = int(body)
    else:
        return None
    value *= sign
    if value < _INT64_MIN or value > _UINT64_MAX or (sign < 0 and value < _INT64_MIN):
        return None
    return value


def resolve_plain(text: str) -> Any:
    """Return the value go-yaml v2 gives an unquoted, untagged scalar."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    first = text[0]
    if first == ".":
        if _GO_FLOAT.match(text):
            return _go_float(text)
        return text
    if first in "+-0123456789":
        plain = text.replace("_", "")
        value = _go_parse_int(plain) if plain else None
        if value is not None:
            return value
        if _YAML_FLOAT.match(plain):
            return _go_float(plain)
    return text


def _go_float(text: str) -> float | str:
    """Return a float as go-yaml v2 does: out of float64's range, the scalar stays a string.

    Go's ParseFloat answers ±Inf with a range error for 1e400 (and for 400 nines), and go-yaml
    then keeps the text; Python's float() would silently give inf.
    """
    value = float(text)
    return text if math.isinf(value) else value


_STANDARD = "tag:yaml.org,2002:"


def resolve_tagged(text: str, tag: str) -> Any:
    """Return the value of a scalar with an explicit tag, as go-yaml v2 decodes it."""
    if not tag.startswith(_STANDARD):
        return text  # Custom and non-specific (`!`) tags leave the text a string.
    name = tag[len(_STANDARD) :]
    if name == "binary":
        try:
            return base64.b64decode(text, validate=False).decode("utf-8", "replace")
        except (ValueError, binascii.Error):
            return text
    if name in ("int", "float", "bool", "null"):
        value = resolve_plain(text) if text else None
        if name == "bool" and not isinstance(value, bool):
            return text
        if name == "float" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value
    return text


def go_key_string(value: Any) -> str | None:
    """Return the JSON object key sigs.k8s.io/yaml makes from a decoded YAML key, or None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        if abs(value) > _FLOAT32_MAX:
            # Go formats the key as float32, and such a value rounds to infinity there.
            return "+Inf" if value > 0 else "-Inf"
        return format_go_float(value, bits=32)
    return None


_FLOAT32_MAX = struct.unpack("f", struct.pack("I", 0x7F7FFFFF))[0]


def _shortest_digits(value: float, bits: int) -> tuple[str, int]:
    """Return the shortest round-tripping decimal digits of `value` and its decimal exponent."""
    if bits == 64:
        text = f"{value:.17e}"
        for precision in range(17):
            candidate = f"{value:.{precision}e}"
            if float(candidate) == value:
                text = candidate
                break
    else:
        single = struct.unpack("f", struct.pack("f", value))[0]
        text = f"{single:.8e}"
        for precision in range(9):
            candidate = f"{single:.{precision}e}"
            if struct.unpack("f", struct.pack("f", float(candidate)))[0] == single:
                text = candidate
                break
    mantissa, exponent = text.split("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exponent)


def format_go_float(value: float, bits: int = 64) -> str:
    """Format a float as Go's strconv.FormatFloat(value, 'g', -1, bits) does."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    digits, exponent = _shortest_digits(abs(value), bits)
    if exponent < -4 or exponent >= 6:
        # Go's shortest %g uses exponent form from 1e+06 on (its eprec is 6 when shortest).
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    whole = digits[: exponent + 1].ljust(exponent + 1, "0")
    fraction = digits[exponent + 1 :]
    return f"{sign}{whole}{'.' + fraction if fraction else ''}"
