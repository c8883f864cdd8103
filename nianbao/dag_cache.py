"""One DAG object per process while its file and the dbt manifest are unchanged.

`nianbao run` runs the harvest with `airflow dags test --use-executor`: that process builds the DAG, then every task
runs in a process forked from it, and each of them used to build the DAG again from the file: cosmos renders its
~70 dbt tasks from the manifest at every build (1–6 s of CPU each, ~90 task processes a run). A fork inherits this
module, so a task process finds the DAG its parent built and takes it. A process that has built nothing (the
dag-processor's parsers, a scheduler's workers) builds as before, and an edited DAG file or a new manifest is a new
key, so a stale DAG is never served.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from nianbao import paths

T = TypeVar("T")
_built: dict[tuple, object] = {}


def _stamp(path: os.PathLike | str) -> tuple:
    try:
        status = os.stat(path)
    except OSError:
        return (str(path), None)
    return (str(path), status.st_mtime_ns, status.st_size)


def once(dag_file: str, build: Callable[[], T]) -> T:
    """`build()`'s DAG, built once per process for this state of `dag_file` and the manifest."""
    key = (_stamp(dag_file), _stamp(paths.DBT_MANIFEST))
    if key not in _built:
        _built.clear()  # one state of the files at a time
        _built[key] = build()
    return _built[key]  # type: ignore[return-value]
