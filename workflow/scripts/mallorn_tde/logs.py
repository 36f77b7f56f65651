"""Logging for the workflow's scripts: everything goes to the job's log file."""

from __future__ import annotations

import logging
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
    try:
        yield logging.getLogger("mallorn_tde")
    except Exception:
        logging.getLogger("mallorn_tde").exception("failed")
        raise
    finally:
        handler.flush()
