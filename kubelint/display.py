"""Make text from manifests safe to print: on a terminal, in a CI log, in a report.

kubelint runs on pull requests from strangers, and every message, file name and code frame
it prints carries their text. Three things keep that text inert:

- control characters (C0, C1, DEL), line and paragraph separators and bidirectional
  overrides are written as escapes (`\\x1b`, `\\u2028`): they cannot move the cursor, clear
  the screen, set a title, start a new line, or reorder what a reviewer reads;
- a printed line never starts with `::`, so a CI runner never reads it as a workflow command
  (GitHub Actions scans every line of a step's output for `::error`, `::add-mask::`,
  `::stop-commands::` ...);
- a message never grows with the input: a long run of text is shortened, with its length.
"""

from __future__ import annotations

import re

# C0 (but tab), DEL, C1 (U+0085 NEL among them), the line and paragraph separators, the
# bidirectional embeddings, overrides and isolates, and lone surrogates (undecodable names).
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """Return `text` with every unsafe character written as an escape (`\\x1b`, `\\u2028`)."""
    return _UNSAFE.sub(_escape, text)


def safe_line(text: str) -> str:
    """Return one printable line: controls escaped, and never starting with `::`."""
    line = escape_controls(text)
    if line.lstrip().startswith("::"):
        # `\x3a` is how the escape of `:` reads; the runner ignores a line that starts so.
        head = len(line) - len(line.lstrip())
        line = f"{line[:head]}\\x3a{line[head + 1 :]}"
    return line


# A message longer than this is cut, and so is any run of non-space text longer than _WORD.
MAX_MESSAGE = 1000
_WORD = 120
_LONG_WORD = re.compile(rf"\S{{{_WORD + 1},}}")


def _shorten(match: re.Match[str]) -> str:
    word = match.group(0)
    return f"{word[:60]}…({len(word)} characters)"


def bound_message(message: str) -> str:
    """Return `message` with long values shortened, so that no input makes a message grow."""
    if len(message) <= _WORD:
        return message
    message = _LONG_WORD.sub(_shorten, message)
    if len(message) > MAX_MESSAGE:
        message = f"{message[: MAX_MESSAGE - 1]}…"
    return message


def notice(text: str) -> str:
    """Return a message for stderr, each line bounded and safe, ending in a newline."""
    return "".join(safe_line(bound_message(line)) + "\n" for line in text.split("\n"))
