"""`nianbao bi setup|up|down|status`: the dashboards, in Apache Superset, on the marts through ``bi_reader``.

Superset pins Flask, SQLAlchemy and pandas against Airflow's, so it lives in a virtualenv of its own
(``venv_dir()``, `.venv-superset` beside `.venv`), installed by ``setup()`` from bi/requirements.txt.
Its state lives under ``home()/superset``: the metadata database (SQLite), ``secrets.json`` (mode 0600: the
session key and the admin password, generated once), the server's log and pid.

``up()`` makes sure of the warehouse (started, migrated, ``bi_reader`` with its password), runs
bi/prepare_superset.py in Superset's Python (metadata, admin, the dashboards imported from bi/superset/ with the
warehouse's TCP address), then starts Superset's web server (gunicorn) on 127.0.0.1 in the background and waits
until it answers. Secrets travel in the environment of those processes, never in their argv.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import typer

from nianbao.paths import REPO_ROOT
from warehouse.settings import home

BI_DIR = REPO_ROOT / "bi"
REQUIREMENTS = BI_DIR / "requirements.txt"
VENV_ENV = "NIANBAO_SUPERSET_VENV"
PORT_ENV = "NIANBAO_SUPERSET_PORT"
LISTEN_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8088  # Superset's own default
ADMIN_USER = "admin"
# Installing Superset downloads ~150 packages (about 20 s with uv, minutes with pip on a slow link).
SETUP_TIMEOUT = 30 * 60
# Migrating a new metadata database and importing the dashboards takes ~30 s on 2 cores.
PREPARE_TIMEOUT = 10 * 60
# gunicorn loads the whole application before it answers: ~10–20 s.
START_TIMEOUT = 180
STOP_TIMEOUT = 30
# One process, several threads: SQLite metadata, a handful of users; dashboard queries wait on PostgreSQL.
GUNICORN_ARGS = ["--workers", "1", "--worker-class", "gthread", "--threads", "8", "--timeout", "120"]

app = typer.Typer(help="Dashboards in Apache Superset on the marts (read-only, as bi_reader).", no_args_is_help=True)


def dashboards() -> dict[str, str]:
    """slug → title of the dashboards kept in bi/superset/dashboards/."""
    import yaml

    found = {}
    for path in sorted((BI_DIR / "superset" / "dashboards").glob("*.yaml")):
        dashboard = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[dashboard["slug"]] = dashboard["dashboard_title"]
    return found


def venv_dir() -> Path:
    """Superset's virtualenv: ``$NIANBAO_SUPERSET_VENV``, else `.venv-superset` in the repository."""
    configured = os.environ.get(VENV_ENV)
    return Path(configured).expanduser().resolve() if configured else REPO_ROOT / ".venv-superset"


def state_dir() -> Path:
    return home() / "superset"


def secrets_file() -> Path:
    return state_dir() / "secrets.json"


def _pid_file() -> Path:
    return state_dir() / "server.json"


def log_file() -> Path:
    return state_dir() / "superset.log"


# --------------------------------------------------------------------------------------------- setup


def _stamp() -> Path:
    return venv_dir() / ".nianbao-requirements"


def _requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def is_set_up() -> bool:
    stamp = _stamp()
    return stamp.exists() and stamp.read_text().strip() == _requirements_digest()


def setup() -> Path:
    """Create Superset's virtualenv and install bi/requirements.txt into it (quick when already done)."""
    venv = venv_dir()
    if is_set_up():
        return venv
    python = venv / "bin" / "python"
    uv = Path(sys.executable).parent / "uv"
    if uv.exists():
        # uv: ~20 s for Superset's ~150 packages; --compile-bytecode because PYTHONDONTWRITEBYTECODE may be set,
        # and then every start would compile Superset's imports again
        create = [str(uv), "venv", "-q", "--python", sys.executable, str(venv)]
        install = [str(uv), "pip", "install", "-q", "--compile-bytecode", "--python", str(python)]
    else:
        create = [sys.executable, "-m", "venv", str(venv)]
        install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if not python.exists():
        subprocess.run(create, check=True, timeout=120)
    subprocess.run([*install, "-r", str(REQUIREMENTS)], check=True, timeout=SETUP_TIMEOUT)
    _stamp().write_text(_requirements_digest() + "\n")
    return venv


# --------------------------------------------------------------------------------------------- secrets


def _secrets() -> dict[str, str]:
    """The session key and the admin password: generated once, kept in ``secrets_file()`` (mode 0600)."""
    path = secrets_file()
    if path.exists():
        return json.loads(path.read_text())
    values = {"secret_key": secrets.token_urlsafe(42), "admin_password": secrets.token_urlsafe(18)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        json.dump(values, handle)
    return values


def admin_password() -> str:
    return _secrets()["admin_password"]


def _superset_env() -> dict[str, str]:
    """The environment of Superset's processes: its configuration, metadata database and session key."""
    state_dir().mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(BI_DIR / "superset_config.py"),
        "SUPERSET_SECRET_KEY": _secrets()["secret_key"],
        "NIANBAO_SUPERSET_METADATA_URL": f"sqlite:///{state_dir() / 'superset.db'}",
        "FLASK_APP": "superset.app:create_app()",
        "PYTHONUNBUFFERED": "1",
    }


# --------------------------------------------------------------------------------------------- up / down / status


@dataclass(frozen=True)
class Status:
    running: bool
    url: str | None = None
    pid: int | None = None


def status() -> Status:
    try:
        recorded = json.loads(_pid_file().read_text())
    except (FileNotFoundError, ValueError):
        return Status(running=False)
    pid, url = recorded["pid"], recorded["url"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return Status(running=False)
    return Status(running=True, url=url, pid=pid)


def up(on_step=lambda step: None) -> str:
    """Start Superset (or find it running) with the dashboards imported; returns its URL."""
    from nianbao import steps
    from warehouse.roles import ROLE_NAME, reader_password, reader_url

    current = status()
    if current.running:
        return current.url
    on_step("installing Superset in its own virtualenv (first time only)")
    venv = setup()
    on_step("starting the warehouse")
    steps.prepare_warehouse()  # migrated, bi_reader with its password
    database_uri = reader_url().replace("postgresql://", "postgresql+psycopg2://", 1)
    assert f"{ROLE_NAME}:" not in database_uri  # the password goes separately
    env = _superset_env()
    # The web server needs a migrated metadata database: the first time (or after an upgrade of Superset),
    # prepare_superset.py migrates before it starts; afterwards both start at once, the import beside the boot.
    migrated = _migrated_marker().exists() and _migrated_marker().read_text().strip() == _requirements_digest()
    prepare_env = {
        **env,
        "NIANBAO_SUPERSET_MIGRATE": "0" if migrated else "1",
        "NIANBAO_SUPERSET_ADMIN_PASSWORD": admin_password(),
        "NIANBAO_BI_DATABASE_URI": database_uri,
        "NIANBAO_BI_READER_PASSWORD": reader_password(),
    }
    on_step("preparing Superset's metadata and importing the dashboards")
    with open(log_file(), "a") as log:
        prepare = subprocess.Popen(
            [str(venv / "bin" / "python"), str(BI_DIR / "prepare_superset.py")],
            env=prepare_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        if not migrated:
            _finish(prepare)
            _migrated_marker().write_text(_requirements_digest() + "\n")
        on_step("starting Superset's web server")
        port = _choose_port()
        url = f"http://{LISTEN_ADDRESS}:{port}"
        server = subprocess.Popen(
            [str(venv / "bin" / "gunicorn"), *GUNICORN_ARGS, "--bind", f"{LISTEN_ADDRESS}:{port}"]
            + ["superset.app:create_app()"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives this command; `down` stops the whole group
            cwd=state_dir(),
        )
    _pid_file().write_text(json.dumps({"pid": server.pid, "url": url}))
    try:
        _wait_until_healthy(url, server)
        _finish(prepare)
    except BaseException:
        down()
        raise
    return url


def _migrated_marker() -> Path:
    """Says for which bi/requirements.txt the metadata database was migrated and its roles synced."""
    return state_dir() / "metadata-prepared"


def _finish(prepare: subprocess.Popen) -> None:
    """Wait for prepare_superset.py; its output is in the log."""
    try:
        status = prepare.wait(timeout=PREPARE_TIMEOUT)
    except subprocess.TimeoutExpired:
        prepare.kill()
        prepare.wait()
        raise TimeoutError(f"preparing Superset took over {PREPARE_TIMEOUT} s (log: {log_file()})") from None
    if status != 0:
        raise RuntimeError(f"preparing Superset failed (log: {log_file()})")


def _wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Superset's web server exited with status {server.returncode} (log: {log_file()})")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"Superset did not answer at {url} within {START_TIMEOUT} s (log: {log_file()})")


def _choose_port() -> int:
    """``$NIANBAO_SUPERSET_PORT``, else 8088; a free port when that one is taken."""
    wanted = int(os.environ.get(PORT_ENV) or DEFAULT_PORT)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LISTEN_ADDRESS, wanted))
            return wanted
        except OSError:
            pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LISTEN_ADDRESS, 0))
        return probe.getsockname()[1]


def down() -> bool:
    """Stop Superset's web server (its whole process group). True if it was running."""
    current = status()
    _pid_file().unlink(missing_ok=True)
    if not current.running:
        return False
    try:
        os.killpg(current.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.killpg(current.pid, 0)
        except ProcessLookupError:
            return True
        _reap(current.pid)
        time.sleep(0.2)
    os.killpg(current.pid, signal.SIGKILL)
    return True


def _reap(pid: int) -> None:
    """Collect the server if it is our own child (started by `up` in this process), so it does not linger."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


# --------------------------------------------------------------------------------------------- commands


@app.command("setup")
def setup_command() -> None:
    """Install Superset into its own virtualenv (.venv-superset; quick when already done)."""
    from nianbao.cli import console

    with console.status("installing Superset…"):
        console.print(f"Superset installed in {setup()}")


@app.command("up")
def up_command() -> None:
    """Start Superset on 127.0.0.1 with nianbao's dashboards (installs it the first time)."""
    from nianbao.cli import console, out

    with console.status("Superset…") as spinner:
        url = up(on_step=lambda step: spinner.update(f"Superset: {step}…"))
    _print_where(out, url)


@app.command("down")
def down_command() -> None:
    """Stop Superset."""
    from nianbao.cli import console

    console.print("Superset stopped" if down() else "Superset was not running")


@app.command("export")
def export_command() -> None:
    """Write the dashboards as they are in Superset back to bi/superset/ (review the diff, then commit)."""
    from nianbao.cli import console

    exported = subprocess.run(
        [str(setup() / "bin" / "python"), str(BI_DIR / "export_superset.py")],
        env=_superset_env(),
        capture_output=True,
        text=True,
        timeout=PREPARE_TIMEOUT,
        check=False,
    )
    if exported.returncode != 0:
        raise RuntimeError(f"exporting from Superset failed: {exported.stderr.strip().splitlines()[-1:]}")
    console.print(exported.stdout.strip())


@app.command("status")
def status_command() -> None:
    """Whether Superset runs, where, and how to log in."""
    from nianbao.cli import out

    current = status()
    if not current.running:
        out.print("Superset is not running (start it: .venv/bin/nianbao bi up)")
        raise typer.Exit(code=1)
    _print_where(out, current.url)


def _print_where(out, url: str) -> None:
    out.print(f"Superset:   {url}  (user {ADMIN_USER}, password in {secrets_file()}: admin_password)", soft_wrap=True)
    for slug, title in dashboards().items():
        out.print(f"  {title}: {url}/superset/dashboard/{slug}/", soft_wrap=True)
