"""Make the repository root importable: `reportgen` and `sample_portal` are test-support packages that the
editable install (pyproject's package list) does not map."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
