"""Run the real Airflow DAG in this process, on the embedded default.

Airflow reads its configuration when it is first imported, so `configure()` must run before anything
imports airflow. Airflow's metadata lives in its own SQLite file under the data directory: it is never the
warehouse. Nothing here starts a server (`airflow standalone` would open log servers on 0.0.0.0).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nianbao.paths import DAGS_DIR


def airflow_home() -> Path:
    from warehouse.settings import home

    return Path(os.environ.get("AIRFLOW_HOME") or home() / "airflow")


def configure() -> Path:
    """Point Airflow at this project's DAGs and a metadata database of its own (env vars win)."""
    home = airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        # the crawl subprocesses and dbt inherit this process's environment
        "NO_PROXY": "127.0.0.1,localhost",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    return home


def migrate_metadata_db() -> None:
    """Create or upgrade Airflow's own metadata database (quick when it is up to date)."""
    configure()
    marker = airflow_home() / ".migrated"
    airflow = Path(sys.executable).parent / "airflow"
    stamp = _airflow_version()
    if marker.exists() and marker.read_text() == stamp:
        return
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ.copy())
    marker.write_text(stamp)


def _airflow_version() -> str:
    from importlib.metadata import version

    return version("apache-airflow")


def load_dag(dag_id: str = "nianbao_harvest"):
    """Import the DAG the way the scheduler does (a DagBag over dags/), failing loudly on import errors."""
    configure()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_DIR))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.dags[dag_id]


def test_dag(conf: dict, dag_id: str = "nianbao_harvest"):
    """Run the DAG once, in-process (`dag.test()`), and return the DagRun."""
    migrate_metadata_db()
    dag = load_dag(dag_id)
    return dag.test(run_conf=conf)
