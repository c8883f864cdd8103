"""Great Expectations imported without the two large modules only an expectation we never run needs.

Importing GX imports every core expectation, and one of them (the KL-divergence expectation) imports scipy.stats
and altair at module level: about a third of GX's import (`python -X importtime -c "import great_expectations"`:
scipy.stats ~1.5 s and altair ~0.4 s of ~6 s on a busy 2-core machine), paid by every validation, the
`validate` task of each DAG run among them. The suites here are `UnexpectedRowsExpectation`s only, which need
neither.

`defer_unused_modules()` puts a stand-in for each of them in `sys.modules` before GX is imported. A stand-in
imports its real module at the first attribute anyone reads from it (GX's KL-divergence expectation, if it ever
ran, or any other code of the process), then reads as that module: code that uses them gets them, later.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

# Imported by GX's KL-divergence expectation at module level, used only inside its methods.
DEFERRED_MODULES = ("scipy.stats", "altair")

_loading = threading.RLock()  # a module being imported may read another stand-in


class ImportedOnUse(types.ModuleType):
    """A module's place in `sys.modules` until its first attribute is read; then it imports the module and reads
    as it (its attributes copied in, so later reads do not come here)."""

    def __getattr__(self, attribute: str):
        with _loading:
            name = self.__name__
            if sys.modules.get(name) is self:
                del sys.modules[name]  # so that the import below runs the module instead of returning this
            real = importlib.import_module(name)
            self.__dict__.update(real.__dict__)
        return getattr(real, attribute)


def defer_unused_modules() -> None:
    """Stand-ins for `DEFERRED_MODULES` not imported yet in this process (call it before importing GX)."""
    for name in DEFERRED_MODULES:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)  # imports the parent package (scipy's is small)
        if spec is None:
            continue
        # an empty module with the attributes the import system reads of one it finds in sys.modules (__spec__,
        # __path__, ...: set by importlib, not run), which reads as the real one once anything else is asked of it
        stand_in = importlib.util.module_from_spec(spec)
        stand_in.__class__ = ImportedOnUse
        sys.modules[name] = stand_in
