"""Legacy .doc / .wps → .docx through LibreOffice headless, when it is installed.

Runs in a private temporary directory with a time limit; without `soffice` the caller reports
`unsupported_format`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


class Unsupported(Exception):
    pass


def convert_to_docx(data: bytes, suffix: str, timeout: float = 120) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise Unsupported("LibreOffice (soffice) is not installed: .doc/.wps cannot be read")
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx",
             "--outdir", tmp, str(src)],
            check=False, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        out = Path(tmp) / "input.docx"
        if not out.exists():
            raise Unsupported("LibreOffice could not convert the document")
        return out.read_bytes()
