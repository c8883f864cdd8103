"""Superset's configuration for nianbao, read through ``SUPERSET_CONFIG_PATH`` by `nianbao bi up` and by the
compose stack alike. Secrets and places come from the environment (never from this file):

- ``SUPERSET_SECRET_KEY``          signs sessions and encrypts the stored warehouse password,
- ``NIANBAO_SUPERSET_METADATA_URL`` Superset's own metadata database (SQLite under .nianbao/superset locally).
"""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ["NIANBAO_SUPERSET_METADATA_URL"]
if SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
    # the dashboards are imported while the web server boots: a writer waits for the other instead of failing
    SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 60}}

# The report labels are Chinese; the interface stays in English (Superset's default) with no language menu.
BABEL_DEFAULT_LOCALE = "en"

# Nothing is fetched from beyond the server: no tiles, CDNs, fonts or telemetry pixels (the page works offline).
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,  # served on 127.0.0.1 over plain HTTP
    "session_cookie_secure": False,
}

# A dashboard query that takes longer than the warehouse allows bi_reader (60 s) is cut off there first.
SUPERSET_WEBSERVER_TIMEOUT = 90
SQLLAB_TIMEOUT = 60

# The warehouse is read-only to Superset (bi_reader), and the marts are what it may browse.
PREVENT_UNSAFE_DB_CONNECTIONS = True
