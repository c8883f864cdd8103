"""Write the dashboards made or changed in Superset back to ./superset/, in Superset's import-export format, so
they can be reviewed and committed: run with Superset's own Python by `nianbao bi export`.

Every dashboard is exported with its charts, datasets and the warehouse database (password masked, as Superset
always exports it). The folder is replaced as a whole: a chart deleted in Superset disappears from it too.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "superset"
ADMIN = "admin"


def main() -> int:
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db, security_manager
        from superset.commands.dashboard.export import ExportDashboardsCommand
        from superset.models.dashboard import Dashboard
        from superset.utils.core import override_user

        with override_user(security_manager.find_user(username=ADMIN)):
            ids = [id_ for (id_,) in db.session.query(Dashboard.id).all()]
            files = {name: content() for name, content in ExportDashboardsCommand(ids).run()}
    shutil.rmtree(ASSETS, ignore_errors=True)
    for name, text in files.items():
        path = ASSETS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"superset: {len(ids)} dashboards exported to {ASSETS} ({len(files)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
