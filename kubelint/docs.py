"""Rule documentation generated from the definitions: the catalogue, `explain`, docs/rules/*.md."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kubelint.registry import Registry
from kubelint.ruledef import Example, RuleDefinition


def rules_table(registry: Registry, fmt: str = "text") -> str:
    """Return the rule catalogue as aligned text, JSON or a Markdown table."""
    rules = list(registry.rules.values())
    if fmt == "json":
        data = [
            {
                "id": r.id,
                "title": r.title,
                "severity": r.severity.label,
                "category": r.category,
                "enabled": r.enabled,
                "tags": list(r.tags),
            }
            for r in rules
        ]
        return json.dumps(data, indent=2) + "\n"
    if fmt == "markdown":
        return _markdown_table(rules)
    width = max((len(r.id) for r in rules), default=4)
    lines = [f"{'RULE'.ljust(width)}  SEVERITY  CATEGORY      ENABLED  TITLE"]
    for r in rules:
        enabled = "yes" if r.enabled else "no"
        lines.append(
            f"{r.id.ljust(width)}  {r.severity.label:<8}  {r.category:<12}  {enabled:<7}  {r.title}"
        )
    return "\n".join(lines) + "\n"


def _markdown_table(rules: list[RuleDefinition]) -> str:
    lines = [
        "| Rule | Severity | Category | Enabled by default | Title |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rules:
        enabled = "yes" if r.enabled else "no"
        lines.append(
            f"| [{r.id}]({r.id}.md) | {r.severity.label} | {r.category} | {enabled} | {r.title} |"
        )
    return "\n".join(lines) + "\n"


def _example_block(title: str, example: Example, rule_id: str) -> list[str]:
    lines = [f"### {title}", "", "```yaml", example.manifest.rstrip("\n"), "```", ""]
    if example.findings:
        where = ", ".join(f"line {line}, column {col}" for line, col in example.findings)
        lines += [f"`{rule_id}` reports: {where}.", ""]
    return lines


def _accepts(schema: Mapping[str, Any]) -> str:
    """Describe what a JSON Schema accepts, in a few words of Markdown."""
    if "enum" in schema:
        return ", ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return " or ".join(_accepts(s) for s in schema[combinator])
    kind = schema.get("type", "any value")
    words = " or ".join(kind) if isinstance(kind, list) else str(kind)
    if kind == "array" and isinstance(schema.get("items"), Mapping):
        words = f"array of {_accepts(schema['items'])}"
    if "pattern" in schema:
        words += f" matching `{schema['pattern']}`"
    if "minimum" in schema:
        words += f", at least {schema['minimum']}"
    if "maximum" in schema:
        words += f", at most {schema['maximum']}"
    return words


def _parameters(rule: RuleDefinition, schema: Mapping[str, Any] | None) -> list[str]:
    """Return a Markdown table of the template's parameters and this rule's values."""
    properties = (schema or {}).get("properties")
    if not isinstance(properties, Mapping) or not properties:
        return []
    required = set((schema or {}).get("required", ()))
    lines = ["## Parameters", "", "| parameter | accepts | this rule |", "| --- | --- | --- |"]
    for name, raw in properties.items():
        spec = raw if isinstance(raw, Mapping) else {}
        accepts = _accepts(spec) + (" (required)" if name in required else "")
        if spec.get("description"):
            accepts += f": {spec['description']}"
        accepts = accepts.replace("|", "\\|")  # a pipe would end the table cell
        value = f"`{json.dumps(rule.params[name])}`" if name in rule.params else "not set"
        lines.append(f"| `{name}` | {accepts} | {value} |")
    return [*lines, ""]


def rule_markdown(rule: RuleDefinition, parameters: Mapping[str, Any] | None = None) -> str:
    """Return the full Markdown documentation of one rule (with its template's parameters)."""
    lines = [f"# {rule.id}", "", f"**{rule.title}**", ""]
    lines.append(f"- Severity: `{rule.severity.label}`")
    lines.append(f"- Category: {rule.category}")
    if rule.tags:
        lines.append("- Tags: " + ", ".join(f"`{t}`" for t in rule.tags))
    if rule.kinds:
        lines.append("- Kinds: " + ", ".join(sorted(rule.kinds)))
    if rule.template:
        lines.append(f"- Template: `{rule.template}`")
    table = _parameters(rule, parameters)
    if rule.params and not table:  # the table, when there is one, shows the values too
        lines.append(
            "- Parameters: "
            + ", ".join(f"`{k}`: `{json.dumps(v)}`" for k, v in rule.params.items())
        )
    # A folded YAML description keeps one newline between paragraphs; Markdown needs two.
    lines += ["", "## What it does", "", rule.description.strip().replace("\n", "\n\n"), ""]
    if rule.rationale:
        lines += ["## Why", "", rule.rationale, ""]
    if rule.remediation:
        lines += ["## How to fix", "", rule.remediation, ""]
    lines += table
    if rule.bad or rule.good:
        lines += ["## Examples", ""]
        if rule.bad:
            lines += _example_block("Bad", rule.bad, rule.id)
        if rule.good:
            lines += _example_block("Good", rule.good, rule.id)
    lines += [
        "## Suppressing it",
        "",
        "On one line: `# kubelint: disable=" + rule.id + " -- reason` at the end of the line, or",
        "`# kubelint: disable-next-line=" + rule.id + " -- reason` on the line above. In a whole",
        "file: `# kubelint: disable-file=" + rule.id + " -- reason`. For one object (or, on a pod",
        "template's metadata, for what is inside the template): the annotation",
        "`ignore.kubelint.io/"
        + rule.id
        + ': "reason"`. Everywhere: `rules: {'
        + rule.id
        + ": off}`",
        "in `.kubelint.yaml`.",
        "",
    ]
    if rule.references:
        lines += ["## References", ""]
        lines += [f"- <{ref}>" for ref in rule.references]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def template_parameters(registry: Registry, rule: RuleDefinition) -> Mapping[str, Any] | None:
    """Return the parameter schema of the rule's template, if it has one."""
    template = registry.templates.get(rule.template) if rule.template else None
    return template.parameters if template is not None else None


def index_markdown(registry: Registry) -> str:
    """Return docs/rules/README.md: a table of every rule."""
    lines = ["# kubelint rules", "", "Generated by `python -m kubelint.docs docs/rules`.", ""]
    return "\n".join(lines) + "\n" + _markdown_table(list(registry.rules.values()))


def render_docs(registry: Registry) -> dict[str, str]:
    """Return every generated documentation file by name."""
    files = {
        f"{r.id}.md": rule_markdown(r, template_parameters(registry, r))
        for r in registry.rules.values()
    }
    files["README.md"] = index_markdown(registry)
    return files


def main(argv: list[str] | None = None) -> int:
    """Write the generated rule docs into the directory given as the only argument."""
    from kubelint.registry import default_registry

    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0] if args else "docs/rules")
    target.mkdir(parents=True, exist_ok=True)
    wanted = render_docs(default_registry())
    for stale in target.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (target / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
