"""Runners forked from a pre-imported parent instead of started cold.

A runner started cold pays a Python start and the import of pytest, the
plugin and what the hidden tests import (torch alone is about a second of
CPU) for every student and lab. A *zygote* pays them once: each grading
thread of a command starts one (``python -m autograder.zygote SESSION``),
and the zygote forks one runner per (student, lab). It holds nothing but
imported code: the runner reads its config, the seed and the hidden tests
only after the fork, so nothing of one grading reaches the next.

Protocol (JSON lines on the zygote's stdin and stdout): the grading thread
sends ``{"config": PATH, "log": PATH, "preload": [...]}`` (the lab's
``runner_preload``: the worker's preload and the hidden tests' libraries);
the zygote imports the preload modules it has not yet, forks, answers
``{"pid": PID}`` and, when that runner ends, ``{"exit": CODE}``. Trusted
tools that would otherwise start Python cold for one pytest run (``validate``
collecting the hidden tests' points, running the public tests on the
reference) send ``{"module": NAME, "argv": [...], "cwd": PATH, ...}``
instead: the child runs that module as ``python -m NAME ARGV`` would. The runner
is its own process group (the grading thread stops it by pid, SIGTERM then
SIGKILL, as a cold one) and gets SIGTERM when the zygote dies; the zygote
gets SIGKILL when the thread that started it dies, and ends when its stdin
closes.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import runpy
import select
import signal
import subprocess
import shutil
import sys
import threading
import time
import traceback
from pathlib import Path

from autograder import sandbox, settings

WARM = ["pytest", "_pytest.python", "autograder.runner", "autograder.plugin", "autograder.timing", "autograder.report"]


class ZygoteError(OSError):
    """The zygote died or answered nonsense: the grading falls back to a cold runner."""


class ForkedRunner:
    """One runner forked by a zygote: the part of ``subprocess.Popen`` grading uses."""

    def __init__(self, zygote: "Zygote", pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            reply = self.zygote._read(timeout, f"runner {self.pid}")
            if "exit" not in reply:
                raise ZygoteError(f"the zygote answered {reply!r}")
            self.returncode = int(reply["exit"])
        return self.returncode


class Zygote:
    """The grading thread's end of its zygote."""

    def __init__(self) -> None:
        label = settings.get(settings.WORKDIR_ENV) or ""  # the command's session: names its processes
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.zygote", label],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=sandbox.die_with_parent(signal.SIGKILL),
        )
        self.buffer = b""
        self._read(120, "the zygote's start")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def start(self, config: Path, log: Path, preload: list[str]) -> ForkedRunner:
        """Fork a runner for the grading whose config is ``config``."""
        return self._fork({"config": str(config), "log": str(log), "preload": preload})

    def run_module(self, module: str, argv: list[str], log: Path, preload: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> ForkedRunner:
        """Fork a child that runs ``python -m module *argv`` (in ``cwd``, with
        ``env`` added to this process's environment), its output going to
        ``log``: for trusted code only (no sandbox)."""
        request = {"module": module, "argv": argv, "cwd": str(cwd) if cwd else None, "log": str(log), "preload": preload}
        return self._fork(request, env)

    def _fork(self, request: dict, env: dict[str, str] | None = None) -> ForkedRunner:
        assert self.proc.stdin is not None
        try:
            request = {**request, "env": {**os.environ, **(env or {})}}
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except OSError as exc:
            raise ZygoteError(f"the zygote is gone: {exc}") from None
        reply = self._read(120, "a fork")
        if "pid" not in reply:
            raise ZygoteError(f"the zygote could not fork a runner: {reply.get('error', reply)}")
        return ForkedRunner(self, int(reply["pid"]))

    def _read(self, timeout: float | None, what: str) -> dict:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(what, timeout or 0)
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise ZygoteError(f"the zygote ended while waiting for {what}")
                self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            raise ZygoteError(f"the zygote answered {line[:200]!r}") from None

    def close(self) -> None:
        if self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_local = threading.local()


def for_this_thread() -> Zygote | None:
    """This thread's zygote, started on first use; None if one cannot be had
    (or ``AUTOGRADER_COLD_START=1``)."""
    if settings.flag(settings.COLD_START_ENV):
        return None
    zygote = getattr(_local, "zygote", None)
    if zygote is not None and zygote.alive():
        return zygote
    try:
        _local.zygote = Zygote()
    except (OSError, subprocess.TimeoutExpired, ZygoteError):
        _local.zygote = None
    return _local.zygote


def run_trusted(module: str, argv: list[str], *, timeout: float, preload: list[str] = (), cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``python -m module *argv`` for our own tools (never student code): forked
    from this thread's zygote, which keeps ``preload`` imported for the next
    call, or started cold where there is none. Returns the exit code and the
    output (stdout and stderr together); raises ``subprocess.TimeoutExpired``
    after ``timeout`` seconds, the child killed."""
    forked = for_this_thread()
    if forked is not None:
        private = sandbox.private_dir("trusted-")  # in the command's session: removed however it ends
        try:
            log = private / "output.log"
            try:
                child = forked.run_module(module, list(argv), log, list(preload), cwd, env)
            except (ZygoteError, subprocess.TimeoutExpired):
                forked.close()
            else:
                try:
                    code = child.wait(timeout)
                except subprocess.TimeoutExpired:
                    try:
                        os.killpg(child.pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
                    child.wait()
                    raise
                return code, log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        finally:
            shutil.rmtree(private, ignore_errors=True)
    proc = subprocess.run(
        [sys.executable, "-m", module, *argv],
        capture_output=True, text=True, timeout=timeout, cwd=cwd, env={**os.environ, **(env or {})},
    )
    return proc.returncode, proc.stdout + proc.stderr


# ---- the zygote process ----------------------------------------------------------------------------


def _warm(names: list[str]) -> None:
    """Import each module (``"pkg.mod"``) or module attribute (``"pkg:Name"``:
    the attribute, or the submodule of that name)."""
    for name in names:
        module, _, attribute = name.partition(":")
        try:
            loaded = sys.modules.get(module) or importlib.import_module(module)
            if attribute and not hasattr(loaded, attribute):
                importlib.import_module(f"{module}.{attribute}")
        except Exception:  # noqa: BLE001 - the runner's own import reports it
            pass


def _child(request: dict, env: dict[str, str]) -> None:
    """In the forked child: its own group, its log, the grading thread's
    environment as it is now, dies with the zygote; run the runner (or the
    requested module); exit."""
    log = request["log"]
    code = 1
    try:
        os.setsid()
        os.environ.clear()
        os.environ.update(env)
        sandbox._libc.prctl(sandbox.PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        os.close(null)
        for sig in (signal.SIGTERM, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        # as a fresh Python has it: writing to a socket the student's client closed raises
        # BrokenPipeError in the test's mock server instead of killing the runner
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
        if request.get("module"):
            if request.get("cwd"):
                os.chdir(request["cwd"])
            sys.argv = [request["module"], *request.get("argv", [])]
            sys.path[0] = os.getcwd()  # what `python -m` puts first
            code = 0
            runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        else:
            sys.argv = ["autograder.runner", request["config"]]
            from autograder import runner

            code = runner.main(request["config"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - never return into the zygote's loop
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main() -> None:
    sandbox._libc.prctl(sandbox.PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the grading command's to handle
    _warm(WARM)
    sandbox.detect_isolation()  # probed once here, inherited by every runner
    out = sys.stdout.buffer
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
            _warm(list(request.get("preload", [])))
            # what is imported here lives as long as the child: freezing it keeps every
            # full collection in the child (pytest runs several per session) off it
            gc.freeze()
            sys.stdout.flush()
            pid = os.fork()
        except Exception as exc:  # noqa: BLE001 - the grading thread falls back to a cold runner
            out.write((json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n").encode())
            out.flush()
            continue
        if pid == 0:
            _child(request, dict(request.get("env") or os.environ))
        out.write((json.dumps({"pid": pid}) + "\n").encode())
        out.flush()
        _, status = os.waitpid(pid, 0)
        out.write((json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n").encode())
        out.flush()


if __name__ == "__main__":
    main()
