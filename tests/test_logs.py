"""mallorn_tde.logs: what a script logs, warns or raises ends up in its job's log file."""

import logging
import time
import warnings

import numpy as np
import pytest

from mallorn_tde.logs import job_resources, logged, read_job_resources


@pytest.fixture(autouse=True)
def restore_logging():
    """logged() takes over the process's logging, as a job's script wants; give it back after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.captureWarnings(False)


def test_messages_and_warnings_go_to_the_log_file_which_is_started_afresh(tmp_path):
    path = tmp_path / "job.log"
    path.write_text("a previous run's log\n")
    with logged(path) as log:
        log.info("%d objects", 12)
        logging.getLogger("some.library").warning("from a library")
        warnings.warn("a deprecation", DeprecationWarning, stacklevel=1)
    text = path.read_text()
    assert "previous run" not in text
    assert "INFO mallorn_tde: 12 objects" in text
    assert "WARNING some.library: from a library" in text
    assert "DeprecationWarning: a deprecation" in text


def test_an_error_is_logged_with_its_traceback_and_still_raised(tmp_path):
    path = tmp_path / "new" / "job.log"
    with pytest.raises(ValueError, match="bad input"):
        with logged(path):
            raise ValueError("bad input")
    text = path.read_text()
    assert "ERROR mallorn_tde: failed" in text and "Traceback" in text and "ValueError: bad input" in text


def test_a_finished_job_logs_its_exact_cpu_time_and_peak_memory_last(tmp_path):
    path = tmp_path / "job.log"
    before = job_resources()
    with logged(path) as log:
        block = np.ones(300 * 2**20 // 8)  # 300 MB, every page touched
        deadline = time.process_time() + 0.5
        while time.process_time() < deadline:
            pass
        log.info("done with %d values", block.size)
    cpu, peak = read_job_resources(path)
    assert path.read_text().splitlines()[-1].split("INFO mallorn_tde: ")[1].startswith("job resources: ")
    assert cpu >= before[0] + 0.5
    assert peak >= 300
    assert read_job_resources(tmp_path / "absent.log") is None


def test_a_failed_job_logs_no_resources_line(tmp_path):
    path = tmp_path / "job.log"
    with pytest.raises(RuntimeError):
        with logged(path):
            raise RuntimeError("stop")
    assert read_job_resources(path) is None
