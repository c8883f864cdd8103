"""GX is imported without scipy.stats and altair (`expectations.gx_import`), which load when something reads them.

Each test runs in a new Python process: in this one, other tests may have imported the modules already."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from gx_fixtures import SEED_000

from expectations import gx_import

# What every script starts with: kinds() says what each deferred module is in sys.modules now.
PRELUDE = """
import json, sys
from expectations import gx_import

def kinds():
    return {name: type(sys.modules.get(name)).__name__ for name in gx_import.DEFERRED_MODULES}
"""


def run_python(script: str) -> dict:
    """Run PRELUDE + ``script`` in a new Python process; what it printed last, as JSON."""
    code = PRELUDE + textwrap.dedent(script)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_gx_imports_without_them_and_they_load_when_read():
    out = run_python(
        """
        gx_import.defer_unused_modules()
        import great_expectations as gx
        from great_expectations.expectations import UnexpectedRowsExpectation
        UnexpectedRowsExpectation(unexpected_rows_query="select 1 where false", description="none")
        after_gx = kinds()
        from scipy import stats
        entropy = float(stats.entropy([0.5, 0.5], [0.9, 0.1]))
        from scipy.stats import norm
        import altair
        chart = hasattr(altair, "Chart")
        print(json.dumps({"after_gx": after_gx, "after_use": kinds(), "entropy": entropy,
                          "norm": float(norm.cdf(0)), "chart": chart}))
        """
    )
    assert out["after_gx"] == dict.fromkeys(gx_import.DEFERRED_MODULES, "ImportedOnUse")
    assert out["after_use"] == dict.fromkeys(gx_import.DEFERRED_MODULES, "module")  # the real modules now
    assert abs(out["entropy"] - 0.5108256) < 1e-6 and out["norm"] == 0.5 and out["chart"]


def test_a_module_imported_already_is_left_as_it_is():
    out = run_python(
        """
        import scipy.stats
        gx_import.defer_unused_modules()
        print(json.dumps({"kinds": kinds(), "same": sys.modules["scipy.stats"] is scipy.stats}))
        """
    )
    assert out["kinds"] == {"scipy.stats": "module", "altair": "ImportedOnUse"} and out["same"]


def test_a_whole_validation_with_its_data_docs_never_needs_them(wh, tmp_path):
    wh.load(SEED_000, derived={("applications", "granted", "total")})
    out = run_python(
        f"""
        from expectations import validate
        summary = validate({wh.url!r}, home={str(tmp_path)!r}, log_results=False)
        print(json.dumps({{"kinds": kinds(), "success": summary.success}}))
        """
    )
    assert out == {"kinds": dict.fromkeys(gx_import.DEFERRED_MODULES, "ImportedOnUse"), "success": True}
    assert (tmp_path / "gx" / "data_docs" / "index.html").exists()
