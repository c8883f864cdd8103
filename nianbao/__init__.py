"""nianbao: the open data warehouse of China's government information disclosure annual reports.

`nianbao.steps` holds the pipeline steps; `nianbao.cli` is the `nianbao` command; the Airflow DAG in
`dags/` calls the same steps, so `make run`, `airflow dags test` and the scheduled run cannot drift apart.
"""

__version__ = "0.1.0"

from nianbao import telemetry as _telemetry

_telemetry.disable()  # before cosmos, dbt or GX can be imported through this package
