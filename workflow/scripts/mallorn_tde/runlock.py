"""One run at a time in a working folder, with a lock that dies with its run.

Snakemake's own lock survives a killed run (``kill -9``, a crashed machine) and then needs ``--unlock``;
the workflow profiles switch it off. Instead, a run that is about to execute jobs takes an exclusive
``flock`` on a file and holds it for the life of its process: the operating system releases it when that
process ends, however it ends, so a rerun after a crash just works, while a second run started beside a
live one is refused at once with the name of the run that holds the folder.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import sys
import time
from pathlib import Path

# Open lock files of this process, kept so that they are not closed (which would release the lock).
_HELD: dict[Path, int] = {}


class FolderInUse(RuntimeError):
    """Another live run holds the folder."""


def hold(path: str | Path) -> None:
    """Take the run lock at ``path`` for the rest of this process, or raise :class:`FolderInUse`.

    The file records who holds it (process id, host, start time, command line) for the message a second
    run prints. Taking a lock this process already holds does nothing. On a filesystem without ``flock``
    support (``ENOLCK``, some network filesystems) the lock is skipped with a warning on stderr rather than
    stopping the run.
    """
    path = Path(path).resolve()
    if path in _HELD:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        holder = os.pread(fd, 4096, 0).decode(errors="replace").strip()
        os.close(fd)
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise FolderInUse(
                f"another run is using this folder ({path} is locked by: {holder or 'unknown'}). "
                "Wait for it to end, or stop it, before starting a new run here; "
                "a dry run (snakemake -n) needs no lock."
            ) from None
        print(f"mallorn-tde: cannot lock {path} ({error.strerror}); running without a run lock", file=sys.stderr)
        return
    holder = (
        f"pid {os.getpid()} on {socket.gethostname()}, started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, "
        f"command: {' '.join(sys.argv)}"
    )
    os.ftruncate(fd, 0)
    os.pwrite(fd, (holder + "\n").encode(), 0)
    _HELD[path] = fd
