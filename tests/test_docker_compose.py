"""docker-compose.yml describes the whole stack correctly (there is no Docker engine here to run it)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from nianbao.paths import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"
AIRFLOW_SERVICES = [
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_services_of_the_full_stack(compose):
    services = compose["services"]
    for name in [
        "warehouse-db",
        "airflow-db",
        "redis",
        "airflow-init",
        "superset-db",
        "superset-init",
        "superset",
        *AIRFLOW_SERVICES,
    ]:
        assert name in services, name


def test_airflow_runs_celery_with_redis_and_its_own_metadata_db(compose):
    for name in AIRFLOW_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")
        assert "@airflow-db:" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert "@warehouse-db:" in env["NIANBAO_DATABASE_URL"]  # the warehouse is a different server
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/nianbao/dags"
        deps = compose["services"][name]["depends_on"]
        assert deps["airflow-init"]["condition"] == "service_completed_successfully"
        assert deps["redis"]["condition"] == "service_healthy"
    assert compose["services"]["airflow-worker"]["command"][:3] == ["airflow", "celery", "worker"]
    assert "deploy" not in compose["services"]["airflow-worker"] or True  # scaled with --scale


def test_every_long_running_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        if service.get("restart") == "no":
            continue  # one-off set-up jobs
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no healthcheck"


def test_ports_bound_to_loopback_only(compose):
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond 127.0.0.1"


def test_named_volumes_declared_and_data_persisted(compose):
    declared = set(compose["volumes"])
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = str(volume).split(":", 1)[0]
            if not source.startswith((".", "/")):
                used.add(source)
    assert used <= declared
    assert {"warehouse-data", "airflow-db-data", "superset-db-data"} <= used


def test_no_literal_secrets(compose):
    text = COMPOSE.read_text()
    for match in re.finditer(r"^\s*\w*(PASSWORD|SECRET|FERNET_KEY)(?!S_FILE)\w*:\s*(\S+)", text, re.MULTILINE):
        value = match.group(2)
        assert value.startswith("${"), f"literal secret: {match.group(0)}"
    for match in re.finditer(r"://[^:/\s]+:([^@\s]+)@", text):
        assert match.group(1).startswith("${"), f"literal password in a URL: {match.group(0)}"


def test_superset_serves_the_repos_dashboards_as_the_read_only_role(compose):
    """The stack's Superset imports the same files as `nianbao bi up` (bi/), through the same script, and reaches the
    warehouse as bi_reader; its metadata is its own database, never the warehouse."""
    init = compose["services"]["superset-init"]
    assert init["command"] == ["python", "bi/prepare_superset.py"]
    assert init["environment"]["NIANBAO_BI_DATABASE_URI"].startswith("postgresql+psycopg2://bi_reader@warehouse-db:")
    assert init["environment"]["NIANBAO_BI_READER_PASSWORD"].startswith("${")
    assert "@superset-db:" in init["environment"]["NIANBAO_SUPERSET_METADATA_URL"]
    assert (
        compose["services"]["superset"]["depends_on"]["superset-init"]["condition"] == "service_completed_successfully"
    )
    dockerfile = (REPO_ROOT / "docker" / "superset" / "Dockerfile").read_text()
    assert "-r bi/requirements.txt" in dockerfile and "COPY bi bi" in dockerfile
    assert "SUPERSET_CONFIG_PATH=/opt/nianbao/bi/superset_config.py" in dockerfile
    assert not (REPO_ROOT / "docker" / "metabase-setup.sh").exists()  # Superset replaced Metabase


def test_dockerfile_installs_the_project():
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert "apache-airflow-providers-celery" in dockerfile
    assert "dbt parse" in dockerfile
    for folder in ["dags", "dbt", "parsers", "crawlers", "warehouse", "expectations", "nianbao"]:
        assert f"COPY {folder} {folder}" in dockerfile
    # the Chinese font pdfium stands in for a PDF's non-embedded one (parsers/README.md): without it figures are lost
    assert "fonts-wqy-microhei" in dockerfile


def test_dockerfile_packs_the_npm_libraries_the_data_docs_pin():
    """GX's data docs open offline in the image too: the image packs the npm packages at the pinned versions."""
    from expectations.offline_docs import NPM

    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    for name, (version, _, _) in NPM.items():
        assert f"npm pack {name}@{version}" in dockerfile
    assert "python -m expectations.offline_docs install /tmp/packs" in dockerfile


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker CLI")
def test_docker_compose_config_when_available(tmp_path):
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("docker CLI has no compose plugin here")
    env_file = tmp_path / ".env"
    env_file.write_text(
        "\n".join(
            f"{k}=x"
            for k in [
                "WAREHOUSE_DB_PASSWORD",
                "AIRFLOW_DB_PASSWORD",
                "NIANBAO_BI_READER_PASSWORD",
                "AIRFLOW_FERNET_KEY",
                "AIRFLOW_JWT_SECRET",
                "AIRFLOW_API_SECRET_KEY",
                "SUPERSET_DB_PASSWORD",
                "SUPERSET_SECRET_KEY",
                "SUPERSET_ADMIN_PASSWORD",
            ]
        )
    )
    result = subprocess.run(
        ["docker", "compose", "--env-file", str(env_file), "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        check=False,
        text=True,
    )
    assert result.returncode == 0, result.stderr
