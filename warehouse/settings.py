"""Where nianbao keeps its local data (embedded database, exports)."""

from __future__ import annotations

import os
from pathlib import Path

# The repository root is the parent of this package's folder.
REPO_ROOT = Path(__file__).resolve().parent.parent


def home() -> Path:
    """The data directory: ``$NIANBAO_HOME`` if set, else ``<repo root>/.nianbao``. Not created here."""
    configured = os.environ.get("NIANBAO_HOME")
    if configured:
        return Path(configured).expanduser().resolve()
    return REPO_ROOT / ".nianbao"
