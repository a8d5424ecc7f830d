"""The gunicorn master's side of multiprocess metrics: PROMETHEUS_MULTIPROC_DIR made ready before any worker
starts, and each dead worker forgotten (gunicorn.conf.py's `on_starting` and `child_exit` hooks).

Apart from threadr.lib.metrics on purpose: importing that module creates its counters, and in multiprocess mode a
counter opens its file in the directory at once, so the directory has to exist before that import ever runs.
"""

from __future__ import annotations

import os

from prometheus_client import multiprocess


def reset_multiprocess_dir() -> None:
    """Create PROMETHEUS_MULTIPROC_DIR if it does not exist yet, and empty it, so the counters of a previous run
    (whose workers had other pids) are not summed into this one's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def mark_worker_dead(pid: int) -> None:
    """Drop a dead worker's live gauges (its counters are kept)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
