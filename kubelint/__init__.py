"""kubelint: a Kubernetes manifest linter with exact line and column for every finding."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/kubelint/kubelint"
DOCS_URL = f"{HOMEPAGE}/blob/main/docs/rules"
