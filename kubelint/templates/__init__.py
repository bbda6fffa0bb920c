"""Built-in check templates, one small module each."""

from __future__ import annotations

from kubelint.template import Template


def builtin_templates() -> list[Template]:
    """Import and return every built-in template."""
    from kubelint.templates import (
        bare_pod,
        capabilities,
        host_namespaces,
        label_syntax,
        privilege_escalation,
        privileged,
        probes,
        read_only_root,
        resources,
        rolling_update,
        run_as_root,
        statefulset_service,
    )

    modules = (
        bare_pod,
        capabilities,
        host_namespaces,
        label_syntax,
        privilege_escalation,
        privileged,
        probes,
        read_only_root,
        resources,
        rolling_update,
        run_as_root,
        statefulset_service,
    )
    return [t for module in modules for t in module.TEMPLATES]
