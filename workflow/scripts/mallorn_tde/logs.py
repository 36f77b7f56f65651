"""Logging for the workflow's scripts: everything goes to the job's log file."""

from __future__ import annotations

import logging
import re
import resource
import warnings
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def logged(path):
    """Send this process's logging and warnings to ``path``; log any error there before it propagates."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    warnings.simplefilter("default")
    log = logging.getLogger("mallorn_tde")
    try:
        yield log
    except Exception:
        log.exception("failed")
        raise
    else:
        log.info(RESOURCES_LINE, *job_resources())
    finally:
        handler.flush()


# The last line of every job's log. Snakemake's benchmark files sample a job's process tree, every 0.5 s for
# the first 15 s and every 30 s after that, and keep the last sample: a longer job's CPU time misses its last
# seconds (up to 30) and its peak memory may fall between samples. These come from the kernel, exactly.
RESOURCES_LINE = "job resources: %.2f CPU s (user + system, this process and its children), peak RSS %.1f MB"


def job_resources() -> tuple[float, float]:
    """CPU seconds and peak resident memory (MB, the largest process) of this process and its waited-for children.

    Linux reports ``ru_maxrss`` in kilobytes.
    """
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return cpu, max(own.ru_maxrss, children.ru_maxrss) / 1024


_RESOURCES = re.compile(r"job resources: ([0-9.]+) CPU s .*, peak RSS ([0-9.]+) MB")


def read_job_resources(path) -> tuple[float, float] | None:
    """(CPU s, peak RSS MB) from a finished job's log (:data:`RESOURCES_LINE`), or None if it has none."""
    path = Path(path)
    found = _RESOURCES.findall(path.read_text()) if path.is_file() else []
    return (float(found[-1][0]), float(found[-1][1])) if found else None
