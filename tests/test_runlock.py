"""mallorn_tde.runlock: one live run per folder, released by the operating system when its run dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO

from mallorn_tde.runlock import FolderInUse, hold

HOLD_FOREVER = (
    "import sys, time; sys.path.insert(0, sys.argv[2]); from mallorn_tde.runlock import hold; "
    "hold(sys.argv[1]); print('held', flush=True); time.sleep(600)"
)


def start_holder(path):
    """Another process that takes the lock and keeps it until it is killed."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_FOREVER, str(path), str(REPO / "workflow" / "scripts")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_second_holder_is_refused_with_the_first_ones_pid(tmp_path):
    lock = tmp_path / "results" / ".run.lock"
    holder = start_holder(lock)
    try:
        started = time.monotonic()
        with pytest.raises(FolderInUse, match=f"pid {holder.pid} on .*command: "):
            hold(lock)
        assert time.monotonic() - started < 1  # refused at once, not after a wait
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_killed_run_is_free_again(tmp_path):
    lock = tmp_path / ".run.lock"
    holder = start_holder(lock)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    hold(lock)  # no unlock step: the dead process's lock went with it
    assert f"pid {os.getpid()}" in lock.read_text()
    hold(lock)  # taking it again in the same process is harmless
