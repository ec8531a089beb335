"""Workers forked from a clean, pre-imported process instead of started cold.

Starting a worker cold costs a Python start and the import of its lab's
``preload`` modules (torch alone is about a second of CPU) on every grading
and every restart. Instead the runner, as its very first act (before it has
read a seed, collected a hidden test or loaded any expected value), imports
the preload modules and forks a *fork server*: a copy of itself that holds
nothing secret and serves one kind of request, "start a worker". Each worker
is forked from it and confined exactly as a cold one (:mod:`autograder.sandbox`):
its own session, CPU, rlimits, no new privileges, namespaces (net, PID,
mount, with the same mount script), another uid, a scrubbed environment.

Process tree: the runner marks itself a *child subreaper*; the fork server
double-forks, so each worker is re-parented to the runner, which waits for it
like any child (:class:`ForkedProcess`). The worker's outer process plays the
part ``unshare --fork --kill-child`` plays for a cold worker: it holds the
namespaces, waits for the inner one (PID 1 of the new PID namespace, the
Python that serves requests) and exits as it did. Both die with their
parent (``PR_SET_PDEATHSIG``). The fork server dies with the runner.

The fork server stays single-threaded: forking a process with threads can
leave locks held in the child.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder import sandbox

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 16384, 1 << 18
SETUP_FAILED = 97  # a worker's outer process exits with this when confining it failed


@dataclass
class WorkerRequest:
    """Everything the fork server needs to start one confined worker."""

    stage: str
    scratch: str
    hide: list[str]
    opened: list[str]
    keep: list[str]
    uid: int | None
    namespaces: bool
    user_namespace: bool
    limits: dict
    cpu: int | None
    env: dict[str, str]


class ForkedProcess:
    """A worker the runner did not fork itself but waits for (it is the child
    subreaper): the part of ``subprocess.Popen`` that the worker client uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = -signal.SIGKILL  # reaped elsewhere: gone
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
                self._close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            if self._pidfd is not None:
                select.select([self._pidfd], [], [], left)
            else:
                time.sleep(0.005 if left is None else min(0.005, left))
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _close(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


class ForkServer:
    """The runner's end of its fork server."""

    def __init__(self, sock: socket.socket, pid: int) -> None:
        self.sock = sock
        self.pid = pid

    def spawn(self, request: WorkerRequest, fds: tuple[int, int, int]) -> ForkedProcess:
        """Start a worker with (request read end, response write end, output write end)."""
        socket.send_fds(self.sock, [json.dumps(asdict(request)).encode()], list(fds))
        reply = json.loads(self.sock.recv(4096) or b"{}")
        if "pid" not in reply:
            raise OSError(f"the fork server could not start a worker: {reply.get('error', 'no answer')}")
        return ForkedProcess(int(reply["pid"]))


_server: ForkServer | None = None
_runner_path: set[str] = set()  # sys.path entries a cold ``python -I`` worker would not have


def current() -> ForkServer | None:
    """The fork server of this runner, if :func:`start` ran (and it is alive)."""
    return _server


def start(preload: list[str]) -> ForkServer | None:
    """Import ``preload`` and fork the fork server; call before anything secret
    is loaded. Returns None (workers then start cold) where forking a confined
    worker cannot work the way this module does it."""
    global _server, _runner_path
    _runner_path = {os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p}
    if sys.path and sys.path[0] and not (sys.flags.isolated or sys.flags.safe_path):
        _runner_path.add(os.path.abspath(sys.path[0]))  # the folder ``python -m`` put first
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the worker's own import reports it to the student
            pass
    sandbox._libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    runner = os.getpid()
    gc.freeze()  # the imported libraries: no full collection in a worker walks them again
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the fork server
        code = 1
        try:
            parent_end.close()
            sandbox._libc.prctl(sandbox.PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
            if os.getppid() != runner:
                os._exit(0)
            _reset_signals()
            _serve(child_end, runner)
            code = 0
        except BaseException:  # noqa: BLE001 - never return into the runner's code
            traceback.print_exc()
        finally:
            os._exit(code)
    child_end.close()
    _server = ForkServer(parent_end, pid)
    return _server


def _reset_signals() -> None:
    for sig in (signal.SIGTERM, signal.SIGALRM, signal.SIGCHLD, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _serve(sock: socket.socket, runner: int) -> None:
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, 1 << 20, 8)
        except OSError:
            return
        if not data:
            return  # the runner closed its end
        try:
            request = WorkerRequest(**json.loads(data))
            pid = _double_fork(request, fds, runner, sock)
            reply = {"pid": pid}
        except Exception as exc:  # noqa: BLE001 - the runner reports it
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            for fd in fds:
                os.close(fd)
        sock.send(json.dumps(reply).encode())


def _double_fork(request: WorkerRequest, fds: list[int], runner: int, sock: socket.socket) -> int:
    """Fork the worker's outer process so that the runner becomes its parent."""
    r, w = os.pipe()
    middle = os.fork()
    if middle == 0:
        try:
            os.close(r)
            outer = os.fork()
            if outer == 0:
                os.close(w)
                sock.close()
                _outer(request, fds, runner)  # never returns
            os.write(w, str(outer).encode())
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        text = fh.read()
    os.waitpid(middle, 0)
    if not text:
        raise OSError("the worker's process could not be forked")
    return int(text)


def _fail(message: str) -> None:
    try:
        os.write(2, f"the grader could not confine your code's process: {message}\n".encode())
    finally:
        os._exit(SETUP_FAILED)


def _outer(request: WorkerRequest, fds: list[int], runner: int) -> None:
    """In the worker's outer process: confine, then serve (no namespaces) or fork PID 1."""
    try:
        req_r, resp_w, out_w = fds
        deadline = time.monotonic() + 5
        while os.getppid() != runner:  # the middle process is exiting: wait to be the runner's
            if time.monotonic() > deadline:
                os._exit(SETUP_FAILED)
            time.sleep(0.0005)
        limits = sandbox.Limits(**request.limits)
        sandbox.apply_rlimits(limits, request.cpu)  # setsid, CPU, rlimits, dies with the runner
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        _close_all_but({0, 1, 2, req_r, resp_w})
        if not request.namespaces:
            if request.uid is not None:
                os.chown(Path(request.stage) / ".tmp", request.uid, request.uid)
                _switch_user(request.uid)
            _serve_as_worker(request, request.stage, req_r, resp_w)
        flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | (CLONE_NEWUSER if request.user_namespace else 0)
        outside = os.getuid(), os.getgid()
        if sandbox._libc.unshare(flags) != 0:
            _fail(f"unshare failed (errno {os.strerror(_errno())})")
        if request.user_namespace:
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"0 {outside[0]} 1")
            Path("/proc/self/gid_map").write_text(f"0 {outside[1]} 1")
        inner = os.fork()
        if inner:
            os.close(req_r)  # only the inner process may hold the pipes: its death must close them
            os.close(resp_w)
            _wait_and_mirror(inner)
        _inner(request, req_r, resp_w)
    except BaseException as exc:  # noqa: BLE001 - never return into the fork server's code
        _fail(f"{type(exc).__name__}: {exc}")


def _inner(request: WorkerRequest, req_r: int, resp_w: int) -> None:
    """PID 1 of the worker's namespace: private mounts, the mount script, another uid, serve."""
    sandbox._libc.prctl(sandbox.PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if sandbox._libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        _fail(f"making mounts private failed ({os.strerror(_errno())})")
    if sandbox._libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None) != 0:
        _fail(f"mounting /proc failed ({os.strerror(_errno())})")
    uid = "-" if request.uid is None else str(request.uid)
    argv = ["sh", "-c", sandbox.HIDE_SCRIPT, "sh", request.scratch, request.stage, uid, *request.hide, "--open", *request.opened, "--keep", *request.keep, "--", "true"]
    done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=request.env)
    if done.returncode != 0:
        _fail(f"the mount script failed: {done.stderr.decode(errors='replace')[-500:]}")
    if request.uid is not None:
        _switch_user(request.uid)
    _serve_as_worker(request, request.scratch, req_r, resp_w)


def _switch_user(uid: int) -> None:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    sandbox._libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    sandbox._libc.prctl(sandbox.PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)  # a new uid cleared it


def _serve_as_worker(request: WorkerRequest, home: str, req_r: int, resp_w: int) -> None:
    """Become ``python -I -m autograder.sandboxed.worker`` in ``home``; never returns."""
    sandbox._libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(home)
    os.environ.clear()
    os.environ.update(request.env)
    os.umask(0o022)
    sys.argv = ["-m"]
    # what -I leaves on the path: no current folder, no PYTHONPATH
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) not in _runner_path]
    sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False, buffering=1)
    from autograder.sandboxed import worker

    try:  # from here on this is the student's process: what goes wrong is theirs, as in a cold worker
        worker.serve_fds(req_r, resp_w)
    except BaseException:  # noqa: BLE001
        try:
            traceback.print_exc()
        finally:
            os._exit(1)


def _wait_and_mirror(child: int) -> None:
    """Wait for ``child`` and end as it ended (its exit code, or killed by its signal)."""
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


def _close_all_but(keep: set[int]) -> None:
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()
