"""Built-in check templates, one small module each."""

from __future__ import annotations

import importlib

from kubelint.template import Template

MODULES = (
    "api_versions",
    "bare_pod",
    "capabilities",
    "cronjob_config",
    "env_value_type",
    "host_namespaces",
    "job_restart_policy",
    "label_syntax",
    "pod_security",
    "privilege_escalation",
    "privileged",
    "probes",
    "read_only_root",
    "resource_name",
    "resource_quantity",
    "resources",
    "rolling_update",
    "run_as_root",
    "schema_validation",
    "service_config",
    "statefulset_service",
)


def builtin_templates() -> list[Template]:
    """Import and return every built-in template."""
    templates: list[Template] = []
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        templates.extend(module.TEMPLATES)
    return templates
