"""The runner's side of the worker: process control and deadlines.

``WorkerClient`` starts a worker (forked from the runner's fork server, see
:mod:`autograder.forkserver`, or cold, see :mod:`autograder.sandbox`), sends
it requests and enforces every deadline from outside: a worker that does not
answer in time is killed with its whole namespace, and the next request
starts a fresh one. The errors it raises are the ones hidden tests see.
The proxies that make the worker look like the student's module are in
:mod:`autograder.remote`.
"""

from __future__ import annotations

import dataclasses
import os
import select
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import forkserver, loopback, sandbox
from autograder.sandboxed import wire

OUTPUT_KEEP_BYTES = 64 * 1024
MAX_RESTARTS = 4


# ---- errors the runner raises into hidden tests ----------------------------------------------------


class WorkerProblem(Exception):
    """The worker could not answer: timed out, crashed, or never started."""

    kind = "worker"


class WorkerTimeout(WorkerProblem):
    kind = "timeout"


class WorkerCrashed(WorkerProblem):
    kind = "crash"


class StudentImportError(WorkerProblem):
    kind = "import"


class UnsendableValue(BaseException):
    """The student's code answered with a value that cannot be sent to the
    runner or checked there (nested too deeply, a refused dtype, an endless
    iterator): that call fails.

    Not an ``Exception``: neither ``pytest.raises(ValueError)`` (nor any other
    ``pytest.raises``) nor a test's ``except Exception`` can take it for an
    exception the student's code raised on purpose; like ``pytest.fail`` it
    ends the test as a failure."""

    kind = "wrong"


class StudentCodeError(Exception):
    """An exception raised by the student's code, re-raised in the runner.

    Concrete classes also derive from the builtin exception the student's
    exception derives from, so ``pytest.raises(ValueError)`` works.
    ``raised_in``: the student's function that raised it itself, when that
    was the student's code and not a library it called."""

    type_name = "Exception"
    student_traceback = ""
    raised_in = ""


_error_classes: dict[str, type] = {}


def student_error(info: dict) -> StudentCodeError:
    import builtins

    base_name = "Exception"
    for name in info.get("bases", []):
        base = getattr(builtins, str(name), None)
        if isinstance(base, type) and issubclass(base, Exception):
            base_name = str(name)
            break
    cls = _error_classes.get(base_name)
    if cls is None:
        base = getattr(builtins, base_name)
        cls = type(f"Student{base_name}", (StudentCodeError, base), {})
        _error_classes[base_name] = cls
    type_name = str(info.get("type", "Exception"))[:100]
    err = cls(f"{type_name}: {info.get('message', '')}")
    err.type_name = type_name
    err.student_traceback = str(info.get("traceback", ""))
    err.raised_in = str(info.get("raised_in", ""))[:200]
    return err


# ---- the worker process ------------------------------------------------------------------------------


@dataclass
class WorkerSpec:
    """Everything needed to start one student's worker for one lab."""

    files: dict[str, Path]  # submitted name -> file on the runner's side
    entry: str
    preload: list[str] = field(default_factory=list)
    hide: list[Path] = field(default_factory=list)
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    call_s: float = 10.0
    total_s: float = 120.0
    threads: int | None = None
    label: str = "student"
    cpu: int | None = None  # pin the worker to this CPU (see runner.pin_to_worker_cpu)


@dataclass
class Incident:
    kind: str  # timeout | crash | memory | exit | output | import
    message: str


class OutputDrain(threading.Thread):
    """Reads the worker's stdout+stderr, keeps the first bytes, counts the rest."""

    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.kept = bytearray()
        self.total = 0

    def run(self) -> None:
        try:
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                self.total += len(chunk)
                room = OUTPUT_KEEP_BYTES - len(self.kept)
                if room > 0:
                    self.kept += chunk[:room]
        except OSError:
            pass
        finally:
            os.close(self.fd)


class WorkerClient:
    """One student's worker for one lab, restarted after a crash or timeout."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.isolation = sandbox.detect_isolation()
        self.home = sandbox.private_dir(f"{spec.label}-")
        self.stage = self.home / "stage"
        self.scratch = self.home / "scratch"
        self.stage.mkdir(mode=0o700)
        self.scratch.mkdir(mode=0o700)
        os.chmod(self.home, 0o711)  # the worker must traverse to its scratch, not list or read the stage
        for name, src in spec.files.items():
            dest = self.stage / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
        if not self.isolation.namespaces:
            os.chmod(self.stage, 0o755)
            (self.stage / ".tmp").mkdir(exist_ok=True)
        self.proc: subprocess.Popen | forkserver.ForkedProcess | None = None
        self.generation = 0
        self.restarts = 0
        self.incidents: list[Incident] = []
        self.import_error: str | None = None  # why the submission cannot be imported: every test fails with it
        self.ready = False
        self.drains: list[OutputDrain] = []
        self.deadline_total = time.monotonic() + spec.total_s
        self.test_deadline: float | None = None
        self.busy_s = 0.0
        self.requests = 0

    # ---- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the worker; it imports the submission while the runner goes on."""
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        env = sandbox.worker_environment(str(self.scratch if self.isolation.namespaces else self.stage))
        limits = self.spec.limits
        server = forkserver.current()
        try:
            if server is not None:  # forked from the runner's clean, pre-imported copy
                request = forkserver.WorkerRequest(
                    stage=str(self.stage),
                    scratch=str(self.scratch),
                    hide=[str(p) for p in self.spec.hide if p.exists()],
                    opened=sandbox.opened_paths(self.scratch),
                    keep=sandbox.kept_paths(self.scratch),
                    uid=sandbox.new_uid() if self.isolation.switch_uid else None,
                    namespaces=self.isolation.namespaces,
                    user_namespace=self.isolation.user_namespace,
                    limits=dataclasses.asdict(limits),
                    cpu=self.spec.cpu,
                    env=env,
                )
                self.proc = server.spawn(request, (req_r, resp_w, out_w))
            else:  # started cold: python -I -m autograder.worker
                argv, cwd = sandbox.worker_command(self.isolation, self.stage, self.scratch, self.spec.hide, (req_r, resp_w))
                self.proc = subprocess.Popen(
                    argv,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out_w,
                    stderr=out_w,
                    pass_fds=(req_r, resp_w),
                    preexec_fn=lambda: sandbox.apply_rlimits(limits, self.spec.cpu),
                )
        finally:
            os.close(req_r)
            os.close(resp_w)
            os.close(out_w)
        self.req_w, self.resp_r = req_w, resp_r
        os.set_blocking(resp_r, False)
        self.inbox = bytearray()
        drain = OutputDrain(out_r)
        drain.start()
        self.drains.append(drain)
        self.generation += 1
        self.ready = False
        self._send({"entry": self.spec.entry, "preload": self.spec.preload, "threads": self.spec.threads})

    def ensure_ready(self) -> None:
        if self.import_error is not None:
            raise StudentImportError(self.import_error)
        if self.proc is None or self.proc.poll() is not None:
            if self.proc is not None:
                if self.restarts >= MAX_RESTARTS:
                    raise WorkerCrashed(f"gave up after {self.restarts} restarts of your code")
                self.restarts += 1
            self.start()
        if not self.ready:
            try:
                response = self._receive(self._timeout(startup=True), what="while being imported")
            except WorkerProblem as exc:
                # dying or hanging while importing the submission happens again on every
                # restart: remember it, so the remaining tests fail at once with the reason
                # (the incident _receive or _died recorded says it already, in these words)
                self.import_error = str(exc)
                raise StudentImportError(self.import_error) from None
            self.ready = True
            if not response.get("ok"):
                self.import_error = _import_message(response.get("error") or {})
                self.incidents.append(Incident("import", self.import_error))
                raise StudentImportError(self.import_error)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self._send({"op": "exit"})
            except OSError:
                pass
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.kill()
        for fd in (getattr(self, "req_w", None), getattr(self, "resp_r", None)):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        for drain in self.drains:
            drain.join(timeout=2)
        shutil.rmtree(self.home, ignore_errors=True)

    def kill(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()

    # ---- the worker's loopback ---------------------------------------------------------------------

    def socket(self, family: int, kind: int):
        """A socket in the worker's network namespace, held by the runner (:mod:`autograder.loopback`)."""
        self.ensure_ready()  # the worker has answered: its process is in its namespaces by now
        assert self.proc is not None
        return loopback.socket_in(self.proc.pid if self.isolation.namespaces else None, family, kind)

    # ---- memory, measured from outside (the worker cannot fake /proc) ------------------------------

    def worker_pid(self) -> int:
        """The pid of the worker's Python process (inside the namespace it is pid 1)."""
        self.ensure_ready()
        assert self.proc is not None
        if not self.isolation.namespaces:
            return self.proc.pid
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        if not children:
            raise WorkerCrashed("your code's worker is gone")
        return int(children[0])

    def _status_kb(self, field_name: str) -> int:
        for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
        raise WorkerCrashed(f"cannot read {field_name} of your code's worker")

    def reset_memory_peak(self) -> None:
        """Start a new peak-memory measurement: the peak RSS is reset to the current RSS."""
        Path(f"/proc/{self.worker_pid()}/clear_refs").write_text("5")
        self.memory_base_kb = self._status_kb("VmRSS")

    def memory_peak_mb(self) -> float:
        """How far the worker's resident memory rose above its level at the last reset, in MB."""
        return max(0, self._status_kb("VmHWM") - getattr(self, "memory_base_kb", 0)) / 1024

    @property
    def output(self) -> str:
        text = b"".join(bytes(d.kept) for d in self.drains)[:OUTPUT_KEEP_BYTES].decode("utf-8", "replace")
        total = sum(d.total for d in self.drains)
        if total > OUTPUT_KEEP_BYTES:
            text += f"\n[... {total - OUTPUT_KEEP_BYTES} more bytes of output cut]"
        return text

    # ---- requests ---------------------------------------------------------------------------------

    def request(self, message: dict, timeout: float | None = None) -> Any:
        """Send one request and return the decoded value (raises for student errors)."""
        self.ensure_ready()
        self.requests += 1
        start = time.monotonic()
        try:
            self._send(message)
        except OSError:
            self._died("while receiving a request")
        response = self._receive(timeout or self._timeout(), what=_describe(message))
        self.busy_s += time.monotonic() - start
        if response.get("ok"):
            return response.get("value")
        if "unsendable" in response:
            text = _unsendable_message(message, str(response["unsendable"])[:500])
            if message.get("op") in TIMING_OPS:
                raise WorkerCrashed(text)  # the kernel timer reports it; no test is running
            raise UnsendableValue(text)
        raise self._error(response.get("error") or {})

    def _error(self, info: dict) -> Exception:
        kind = str(info.get("type"))
        if kind in ("SystemExit", "KeyboardInterrupt", "GeneratorExit"):
            self.incidents.append(Incident("exit", f"your code raised {kind} (tried to exit)"))
        if kind == "MemoryError":
            self.incidents.append(Incident("memory", f"your code ran out of memory (limit {self.spec.limits.memory_mb} MB)"))
        return student_error(info)

    def _timeout(self, startup: bool = False) -> float:
        now = time.monotonic()
        limit = max(self.spec.call_s, 60.0) if startup else self.spec.call_s
        candidates = [limit, self.deadline_total - now]
        if self.test_deadline is not None:
            candidates.append(self.test_deadline - now)
        return max(0.0, min(candidates))

    def _send(self, message: dict) -> None:
        wire.send_message(self.req_w, message)

    def _receive(self, timeout: float, what: str) -> dict:
        deadline = time.monotonic() + timeout
        try:
            header = self._read(wire.HEADER.size, deadline)
            json_length, raw_length = wire.HEADER.unpack(header)
            if json_length + raw_length > wire.MAX_MESSAGE_BYTES:
                self.kill()
                raise self._crashed(f"your code sent an answer of {json_length + raw_length} bytes, over the limit")
            payload = self._read(json_length, deadline)
            return wire.parse_payload(payload, self._read(raw_length, deadline))
        except TimeoutError:
            self.kill()
            limit = "the lab's total time" if time.monotonic() >= self.deadline_total else f"{timeout:.0f} s"
            message = f"timed out {what} (limit {limit})"
            self.incidents.append(Incident("timeout", message))
            raise WorkerTimeout(message) from None
        except EOFError:
            self._died(what)
        except wire.WireError as exc:
            self.kill()
            raise self._crashed(f"your code's answer was malformed: {exc}") from None

    def _crashed(self, message: str) -> WorkerCrashed:
        self.incidents.append(Incident("crash", message))
        return WorkerCrashed(message)

    def _read(self, n: int, deadline: float) -> bytes:
        """Read exactly ``n`` bytes of the worker's answer by ``deadline``.

        The pipe is non-blocking: an answer that is already there costs one
        read, and select() is only used to wait (with the deadline)."""
        buf = self.inbox
        while len(buf) < n:
            try:
                chunk = os.read(self.resp_r, max(n - len(buf), 1 << 16))
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.resp_r], [], [], left)[0]:
                    raise TimeoutError from None
                continue
            if not chunk:
                raise EOFError
            buf += chunk
        out = bytes(buf[:n])
        del buf[:n]
        return out

    def _died(self, what: str):
        assert self.proc is not None
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        if code is not None and code < 0:
            sig = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            if -code == signal.SIGXCPU:
                message = f"your code used up its CPU time {what}"
                kind = "timeout"
            elif -code in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
                message = f"your code crashed {what} ({sig}; out of memory, or a native crash)"
                kind = "memory"
            else:
                message = f"your code was killed by {sig} {what}"
                kind = "crash"
        else:
            message = f"your code exited (exit code {code}) {what}; calling sys.exit or os._exit ends the worker"
            kind = "exit"
        self.incidents.append(Incident(kind, message))
        raise WorkerCrashed(message)

    # ---- convenience ------------------------------------------------------------------------------

    def decode(self, data: Any) -> Any:
        """The worker's answer as fresh objects of trusted types (handles become
        :class:`RemoteObject`). What the worker encodes always decodes, so data
        the decoder refuses was forged: never a ``ValueError`` a test could
        expect, but a malformed answer."""
        from autograder.remote import RemoteObject  # the proxies build on this module, not the reverse

        generation = self.generation
        try:
            return wire.decode(data, resolve_handle=lambda body: RemoteObject(self, body, generation))
        except Exception as exc:  # noqa: BLE001 - WireError, or a forged body's TypeError/KeyError/...
            raise WorkerCrashed(f"your code's answer was malformed: {str(exc)[:300]}") from None

    def encode(self, value: Any) -> Any:
        return wire.encode(value, on_unencodable=_encode_handle)


def _encode_handle(value: Any) -> Any:
    from autograder.remote import RemoteObject

    if isinstance(value, RemoteObject):
        return {"$handle": {"id": value._id}}
    raise wire.Unencodable(f"a {type(value).__name__} cannot be sent to student code")


def _describe(message: dict) -> str:
    target = message.get("target") or {}
    name = target.get("method") or target.get("name")
    return f"in {name}" if name else "answering the grader"


def _import_message(info: dict) -> str:
    text = f"your code could not be imported: {info.get('type')}: {info.get('message')}"
    if info.get("traceback"):
        text += "\n" + str(info["traceback"])
    return text


TIMING_OPS = ("stage", "bench", "fingerprint")  # requests of the kernel timer, made outside any test


def _unsendable_message(message: dict, reason: str) -> str:
    """What the student sees for a result the worker could not send: who
    returned it, and what is wrong with it (``reason`` is the wire's phrase)."""
    op = message.get("op")
    target = message.get("target") or {}
    method, name = target.get("method"), target.get("name")
    if op == "list":
        who = "iterating over your object gave"
    elif op == "getattr":
        who = f"{method or name} is"
    elif method:
        who = f"your method {method} returned"
    elif name:
        who = f"your function {name} returned"
    elif "handle" in target:
        who = "calling your object returned"
    else:
        who = "your code returned"
    if not reason.startswith(("nested", "holding")):
        reason = f"that cannot be checked ({reason})"
    return f"{who} a value {reason}"
