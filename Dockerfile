# The nianbao image: the project's code, DAGs and dbt project on Airflow 3, for every Airflow service in
# docker-compose.yml (api-server, scheduler, dag-processor, triggerer, Celery workers). The product only: the
# sample portal, reportgen and the tests are dev machinery of a checkout (`make run`, `make test`).
FROM node:20-bookworm-slim AS npm
# bootstrap-table for GX's data docs (no PyPI package ships it): packed here, unpacked by the project's installer
RUN mkdir /packs && cd /packs && npm pack bootstrap-table@1.19.1

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    AIRFLOW_HOME=/opt/airflow \
    NIANBAO_HOME=/opt/airflow/nianbao

# fonts-wqy-microhei: the Chinese font pdfium draws a PDF's non-embedded Chinese fonts with (without one, such a
# PDF's figures are lost; parsers/README.md).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libpq5 fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 50000 --home-dir /opt/airflow airflow

WORKDIR /opt/nianbao
COPY pyproject.toml README.md ./
COPY nianbao nianbao
COPY parsers parsers
COPY crawlers crawlers
COPY warehouse warehouse
COPY expectations expectations
COPY dags dags
COPY dbt dbt
COPY --from=npm /packs /tmp/packs

# The Celery provider gives the CeleryExecutor and `airflow celery worker`; psycopg2 is Airflow's
# metadata-database driver (and dbt-postgres's).
RUN pip install --no-cache-dir uv \
 && uv pip install --system --no-cache -e . "apache-airflow-providers-celery" "psycopg2-binary" \
 && python -m expectations.offline_docs install /tmp/packs && rm -rf /tmp/packs \
 && NIANBAO_DB_HOST=localhost dbt parse --project-dir dbt --profiles-dir dbt \
 && chown -R airflow /opt/nianbao

USER airflow
