"""mallorn_tde.logs: what a script logs, warns or raises ends up in its job's log file."""

import logging
import warnings

import pytest

from mallorn_tde.logs import logged


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
