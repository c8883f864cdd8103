"""Benchmark: Superset's start-up with nianbao's dashboards (`nianbao bi up`), against Superset's bare web server.

    .venv/bin/python benchmarks/bi_startup.py             # cold and warm `bi up`, bare gunicorn start
    .venv/bin/python benchmarks/bi_startup.py --install   # also: installing Superset into a new virtualenv

In a temporary NIANBAO_HOME (its own embedded warehouse, Superset metadata, secrets), it times
- cold `bi up`:  a new metadata database (migrations, roles, admin), the dashboards imported, server answering,
- warm `bi up`:  the same again on the existing metadata (what every later `nianbao bi up` costs),
- baseline:      Superset's own web server (gunicorn) alone, from launch to answering /health, on that metadata:
                 what Superset costs without nianbao's preparation; the ratio says what the preparation adds.
Superset's virtualenv (.venv-superset) is installed first if missing, untimed unless --install (which times a
fresh one in the temporary folder; the package cache makes it a re-install, as on a developer's machine).
Targets: cold ≤ 180 s (`nianbao.bi.START_TIMEOUT`'s budget for a first start on 2 cores), warm ≤ 60 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

COLD_TARGET_S = 180
WARM_TARGET_S = 60


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def bare_server_start(bi) -> float:
    """Seconds from launching Superset's gunicorn (nianbao's arguments, prepared metadata) to /health answering."""
    port = bi._choose_port()
    url = f"http://{bi.LISTEN_ADDRESS}:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(bi.venv_dir() / "bin" / "gunicorn"), *bi.GUNICORN_ARGS, "--bind", f"{bi.LISTEN_ADDRESS}:{port}"]
        + ["superset.app:create_app()"],
        env=bi._superset_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        bi._wait_until_healthy(url, server)
        return time.perf_counter() - started
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="also time installing Superset into a new venv")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="nianbao-bi-bench-"))
    os.environ["NIANBAO_HOME"] = str(scratch / "home")
    os.environ.pop("NIANBAO_DATABASE_URL", None)
    from nianbao import bi
    from warehouse import embedded

    try:
        if args.install:
            os.environ[bi.VENV_ENV] = str(scratch / "venv")
            _, install = timed(bi.setup)
            print(f"install Superset into a new virtualenv: {install:.1f} s")
        else:
            bi.setup()
        print(f"Superset {(bi.REQUIREMENTS.read_text().split('apache-superset==')[1].split()[0])}, 2 cores shared")

        _, cold = timed(bi.up)
        bi.down()
        _, warm = timed(bi.up)
        bi.down()
        baseline = bare_server_start(bi)

        print(f"cold `bi up` (new metadata, import, serve):  {cold:6.1f} s   target ≤ {COLD_TARGET_S} s")
        print(f"warm `bi up` (existing metadata):            {warm:6.1f} s   target ≤ {WARM_TARGET_S} s")
        print(f"baseline: Superset's web server alone:       {baseline:6.1f} s")
        print(f"ratio warm / baseline: {warm / baseline:.2f}x   cold / baseline: {cold / baseline:.2f}x")
        return 0 if cold <= COLD_TARGET_S and warm <= WARM_TARGET_S else 1
    finally:
        bi.down()
        embedded.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
