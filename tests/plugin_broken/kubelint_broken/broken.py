"""A plugin whose import fails, as when it needs a dependency that is not installed."""

from __future__ import annotations

raise ImportError("No module named 'kubelint_broken_dependency'")
