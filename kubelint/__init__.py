"""kubelint: a Kubernetes manifest linter with exact line and column for every finding."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/kubelint/kubelint"
DOCS_URL = f"{HOMEPAGE}/blob/main/docs/rules"
# Findings listed per rule and file unless --all-findings; one more finding counts the rest.
FINDINGS_PER_RULE_AND_FILE = 1_000
