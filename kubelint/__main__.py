"""Allow `python -m kubelint`."""

from __future__ import annotations

import sys

from kubelint.cli import main

if __name__ == "__main__":
    sys.exit(main())
