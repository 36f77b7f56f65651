"""Test-only start-up hook: hold every job of one workflow script just before its process exits.

Python imports ``sitecustomize`` from its path when it starts. A test that interrupts a run at a known point
(tests/test_rerun.py, through :func:`workflow_helpers.hold_jobs`) puts this folder first on the run's
PYTHONPATH and sets ``MALLORN_HOLD_JOBS=<script>:<folder>``. A process that Snakemake starts for that script
(``python .snakemake/scripts/tmpXXXX.<script>``) runs the script as usual; when the script is done, its
outputs and log written, the process writes ``<folder>/<pid>`` and waits instead of exiting, so Snakemake
never sees the job finish. Until the test kills the run (or for HOLD_SECONDS, so that a run left behind by a
crashed test ends by itself), the run is held with its outputs written but not registered: the state a
``kill -9`` at the worst moment leaves. Every other process only reads the variable.
"""

import atexit
import os
import sys
import time
from pathlib import Path

HOLD_SECONDS = 600


def _hold(folder: str) -> None:
    Path(folder, str(os.getpid())).write_text(sys.argv[0])
    time.sleep(HOLD_SECONDS)


_setting = os.environ.get("MALLORN_HOLD_JOBS")
if _setting:
    _script, _folder = _setting.split(":", 1)
    _running = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if _running is not None and _running.parent.name == "scripts" and _running.name.endswith("." + _script):
        atexit.register(_hold, _folder)
