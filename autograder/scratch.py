"""Scratch space for one command, removed on every way out.

Every private folder a command makes (an extracted class export or
submission, a runner's folder, a worker's home) lives in one *session*
folder under the scratch root (:func:`autograder.sandbox.work_root`).
Runners inherit the session through ``AUTOGRADER_WORKDIR``, so their worker
homes land inside it too. The session folder goes when the command ends,
however it ends:

- normally, or by an error: the context manager removes it;
- Ctrl-C or SIGTERM: :func:`install_signal_handlers` turns SIGTERM into
  :class:`Terminated` (a ``KeyboardInterrupt``), so the same cleanup runs;
- SIGKILL, or a crash of the interpreter: a small guardian process, which
  waits for the end of a pipe that only this process holds, wakes up when
  the kernel closes it and removes the folder;
- a machine that lost power: the next command sweeps sessions whose process
  is gone (the folder's name records its pid and start time).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from autograder import sandbox, settings

PREFIX = "session-"

# Runs in the guardian: block until the parent's end of the pipe closes, give
# the parent's runners a moment to die (they get SIGTERM when it does), remove.
_GUARD = """
import os, shutil, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdin.buffer.read()
path = sys.argv[1]
for _ in range(50):
    if not os.path.exists(path):
        break
    shutil.rmtree(path, ignore_errors=True)
    time.sleep(0.1)
"""


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop as after Ctrl-C, running every cleanup on the way out."""


def install_signal_handlers() -> None:
    """Make SIGTERM unwind the stack like Ctrl-C (only in the main thread)."""

    def on_term(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, on_term)


def _start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def sweep(root: Path) -> list[Path]:
    """Remove session folders whose owning process no longer exists; return them."""
    removed = []
    for path in root.glob(f"{PREFIX}*"):
        parts = path.name[len(PREFIX):].split("-")
        if len(parts) < 3 or not parts[0].isdigit():
            continue
        if _start_time(int(parts[0])) != parts[1]:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextmanager
def session() -> Iterator[Path]:
    """A session folder for this command; nested sessions reuse the outer one."""
    if os.environ.get(settings.SESSION_ENV):
        yield sandbox.work_root()
        return
    root = sandbox.work_root()
    sweep(root)
    pid = os.getpid()
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-{_start_time(pid)}-", dir=root))
    os.chmod(path, 0o711)  # workers traverse it to their own scratch; none can list it
    guardian = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _GUARD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal must not reach it first
    )
    saved = {k: os.environ.get(k) for k in (settings.WORKDIR_ENV, settings.SESSION_ENV)}
    os.environ[settings.WORKDIR_ENV] = str(path)
    os.environ[settings.SESSION_ENV] = "1"
    try:
        yield path
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(path, ignore_errors=True)
        assert guardian.stdin is not None
        guardian.stdin.close()
        guardian.wait()
