"""Where the project's files are, so every step finds them the same way from any working directory."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
DBT_MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
DAGS_DIR = REPO_ROOT / "dags"
# dbt's docs as one self-contained page (`dbt docs generate --static`): opens from disk, offline
DBT_DOCS_PAGE = DBT_PROJECT_DIR / "target" / "static_index.html"
# what that page was generated from (nianbao.dbt_builds.docs_fingerprint): unchanged, the page is not made again
DBT_DOCS_STAMP = DBT_PROJECT_DIR / "target" / "static_index.fingerprint"
