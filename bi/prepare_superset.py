"""Prepare Superset for nianbao and import the dashboards: run with Superset's own Python (`nianbao bi up` runs it
in .venv-superset; the compose stack's superset-init in the superset image), configured by superset_config.py.

1. migrate Superset's metadata database and sync its roles (what `superset db upgrade` and `superset init` do,
   in one process: each of those commands starts the whole application, seconds apiece); skipped when
   ``NIANBAO_SUPERSET_MIGRATE=0`` (`nianbao bi up` knows this metadata was prepared for this Superset already),
2. create the admin user, or set its password, from ``NIANBAO_SUPERSET_ADMIN_PASSWORD``,
3. import ./superset/ (Superset's import-export format: the warehouse database, datasets, charts, dashboards),
   overwriting what is there, with the warehouse's address from ``NIANBAO_BI_DATABASE_URI`` (bi_reader, no
   password) and bi_reader's password from ``NIANBAO_BI_READER_PASSWORD``,
4. read each dataset's columns from the warehouse (the files name tables and SQL, not every column); a dataset
   whose marts are not built yet is reported and left for the next start.

Every secret comes from the environment; nothing is printed but what was done.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

ASSETS = Path(__file__).resolve().parent / "superset"
ADMIN = "admin"


def database_file() -> str:
    """The one database of the bundle (the warehouse), by its path in the bundle."""
    (path,) = (ASSETS / "databases").glob("*.yaml")
    return str(path.relative_to(ASSETS))


def bundle(database_uri: str) -> dict[str, str]:
    """The files of ./superset as Superset's importer wants them (path → text), the database's URI replaced.

    The URI carries Superset's password mask, as in an export: the importer then keeps the password it is given
    separately (a URI without any password would set none)."""
    from sqlalchemy.engine.url import make_url
    from superset.constants import PASSWORD_MASK

    contents = {str(path.relative_to(ASSETS)): path.read_text(encoding="utf-8") for path in ASSETS.rglob("*.yaml")}
    database = yaml.safe_load(contents[database_file()])
    database["sqlalchemy_uri"] = make_url(database_uri).set(password=PASSWORD_MASK).render_as_string(False)
    contents[database_file()] = yaml.safe_dump(database, allow_unicode=True)
    return contents


def main() -> int:
    from flask_migrate import upgrade
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import appbuilder, db, security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.connectors.sqla.models import SqlaTable
        from superset.utils.core import override_user

        if os.environ.get("NIANBAO_SUPERSET_MIGRATE", "1") == "1":  # `nianbao bi up` knows when it was done
            upgrade()
            appbuilder.add_permissions(update_perms=True)
            security_manager.sync_role_definitions()

        password = os.environ["NIANBAO_SUPERSET_ADMIN_PASSWORD"]
        admin = security_manager.find_user(username=ADMIN)
        if admin is None:
            admin = security_manager.add_user(
                ADMIN, "nianbao", "admin", "admin@localhost", security_manager.find_role("Admin"), password=password
            )
        else:
            security_manager.reset_password(admin.id, password)
        db.session.commit()

        with override_user(admin):
            ImportAssetsCommand(
                bundle(os.environ["NIANBAO_BI_DATABASE_URI"]),
                passwords={database_file(): os.environ["NIANBAO_BI_READER_PASSWORD"]},
            ).run()
            missing = []
            for dataset in db.session.query(SqlaTable).all():
                try:
                    dataset.fetch_metadata()
                except Exception as error:  # noqa: BLE001 - the marts may not be built yet: say so, go on
                    missing.append(f"{dataset.table_name}: {str(error).strip().splitlines()[0]}")
            db.session.commit()
    print(f"superset: dashboards imported from {ASSETS}")
    for line in missing:
        print(f"superset: dataset not readable yet (run the pipeline, then `nianbao bi up` again): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
