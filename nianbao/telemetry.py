"""No usage statistics leave this machine.

cosmos, dbt and Great Expectations each send anonymous usage events by default. nianbao talks to government
portals and its own warehouse, nothing else, so every one of them is switched off before they are imported.
"""

import os

OFF = {
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    "SCARF_ANALYTICS": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "GX_ANALYTICS_ENABLED": "False",
    "AIRFLOW__USAGE_DATA_COLLECTION__ENABLED": "False",
}


def disable() -> None:
    for key, value in OFF.items():
        os.environ.setdefault(key, value)
