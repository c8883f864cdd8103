"""Old office formats (.doc, .wps, .rtf, .et, …) → .docx / .xlsx through LibreOffice headless, when installed.

Each conversion runs `soffice` in its own private temporary directory with a throw-away profile, so
conversions can run side by side, never touch the user's LibreOffice settings, and work as root (a
fresh profile needs no first-start wizard). It needs no network. A conversion that hangs is killed with
its whole process group (the `soffice` script starts `oosplash`, which starts `soffice.bin`). Without
`soffice` the caller reports `unsupported_format` naming the Debian package to install.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

WRITER_PACKAGE = "libreoffice-writer-nogui"
CALC_PACKAGE = "libreoffice-calc-nogui"
TIMEOUT_SECONDS = 120

# the export filters, named so LibreOffice never has to guess the target from the extension alone
_FILTERS = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}


class Unsupported(Exception):
    """LibreOffice is not installed: the format cannot be read on this machine."""


class ConversionFailed(Exception):
    """LibreOffice ran but gave no document (a damaged or password-protected file, or a timeout)."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """A word-processor document (.doc, .wps, .rtf, …; `suffix` is its extension) as .docx bytes."""
    return convert(data, suffix, "docx", WRITER_PACKAGE, timeout)


def convert_to_xlsx(data: bytes, suffix: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """A spreadsheet (.et, .xls, …) as .xlsx bytes."""
    return convert(data, suffix, "xlsx", CALC_PACKAGE, timeout)


def convert(
    data: bytes,
    suffix: str,
    target: str,
    package: str,
    timeout: float = TIMEOUT_SECONDS,
) -> bytes:
    soffice = soffice_path()
    if not soffice:
        raise Unsupported(
            f"LibreOffice is not installed (Debian: apt-get install {package}); {suffix} documents cannot be read"
        )
    # mkdtemp makes the directory readable by this user only
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        work = Path(tmp)
        src = work / f"input{suffix}"
        src.write_bytes(data)
        outdir = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nodefault",
            "--nologo",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            _FILTERS.get(target, target),
            "--outdir",
            str(outdir),
            str(src),
        ]
        detail = _run(command, work, timeout)
        out = outdir / f"input.{target}"
        if not out.is_file() or out.stat().st_size == 0:
            raise ConversionFailed(
                f"LibreOffice could not convert the {suffix} document to {target}" + (f": {detail}" if detail else "")
            )
        return out.read_bytes()


def _run(command: list[str], work: Path, timeout: float) -> str:
    """Run soffice in a session of its own; the last line of its error output, for messages."""
    env = dict(os.environ)
    # HOME inside the private directory: nothing is written to the real home (as root, /root)
    env.update(HOME=str(work), TMPDIR=str(work), SAL_USE_VCLPLUGIN="svp")
    with subprocess.Popen(
        command,
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as process:
        try:
            _, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionFailed(f"LibreOffice did not finish within {timeout:g} s") from None
        finally:
            # a conversion that ended may leave helpers behind in its group: never let them outlive it
            _kill_group(process)
    # the Java launcher's warning is noise on every run
    lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip() and "javaldx" not in line]
    return lines[-1][:200] if lines else ""


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
