"""The untrusted worker: imports a submission and executes calls for the runner.

Started by :mod:`autograder.sandbox` as ``python -I -m autograder.sandboxed.worker R W``
in a scratch folder holding only the submitted files, usually as another
user, in fresh namespaces and under rlimits. ``R``/``W`` are the pipe fds of
the request and response channels; stdout and stderr go to a pipe that the
runner drains and cuts.

Everything in this process is under the student's control once their module
is imported, so nothing here decides a verdict: the worker only returns data,
and the runner checks it.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

from autograder.sandboxed import calls, wire

def _builtin_exception_names() -> set[str]:
    import builtins

    return {n for n, o in vars(builtins).items() if isinstance(o, type) and issubclass(o, BaseException)}


class Worker:
    def __init__(self, req_fd: int, resp_fd: int) -> None:
        self.req_fd = req_fd
        self.resp_fd = resp_fd
        self.requests = os.fdopen(req_fd, "rb", buffering=1 << 16, closefd=False)
        self.scratch = os.getcwd()
        self.module: Any = None
        self.handles: dict[int, Any] = {}
        self.next_handle = 1
        self.staged: list = []
        self.produced: list = []  # the last bench's outputs, until they are fingerprinted
        self.builtin_exceptions = _builtin_exception_names()

    # ---- handles --------------------------------------------------------------------------------

    def to_handle(self, obj: Any) -> dict:
        hid = self.next_handle
        self.next_handle += 1
        self.handles[hid] = obj
        kind = type(obj)
        return {"$handle": {"id": hid, "type": f"{kind.__module__}.{kind.__qualname__}", "callable": callable(obj)}}

    def resolve(self, body: Any) -> Any:
        try:
            return self.handles[int(body["id"])]
        except (KeyError, TypeError, ValueError):
            raise LookupError("unknown handle") from None

    def enc(self, value: Any) -> Any:
        return wire.encode(value, on_unencodable=self.to_handle)

    def dec(self, data: Any) -> Any:
        return wire.decode(data, resolve_handle=self.resolve)

    # ---- lifecycle ------------------------------------------------------------------------------

    def start(self, config: dict) -> dict:
        sys.path.insert(0, self.scratch)
        for name in config.get("preload", []):
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - reported, the student's import decides
                pass
        if config.get("threads"):
            torch = sys.modules.get("torch")
            if torch is not None:
                torch.set_num_threads(int(config["threads"]))
        try:
            self.module = importlib.import_module(config["entry"])
        except BaseException as exc:  # noqa: BLE001 - SystemExit at import is a student error too
            return {"ok": False, "error": self.describe(exc)}
        return {"ok": True, "value": None}

    def serve(self) -> None:
        config = self.receive()
        wire.send_message(self.resp_fd, self.start(config))
        while True:
            try:
                request = self.receive()
            except EOFError:
                return
            if request.get("op") == "exit":
                return
            wire.send_message(self.resp_fd, self.handle(request))

    def receive(self) -> dict:
        header = self.requests.read(wire.HEADER.size)
        if len(header) < wire.HEADER.size:
            raise EOFError("the runner closed the pipe")
        json_length, raw_length = wire.parse_header(header)
        payload, raw = self.requests.read(json_length), self.requests.read(raw_length)
        if len(payload) < json_length or len(raw) < raw_length:
            raise EOFError("the runner closed the pipe")
        return wire.parse_payload(payload, raw)

    def handle(self, request: dict) -> dict:
        try:
            value = getattr(self, "op_" + str(request.get("op")))(request)
        except BaseException as exc:  # noqa: BLE001 - everything the student raises is reported
            return {"ok": False, "error": self.describe(exc)}
        try:
            return {"ok": True, "value": self.enc(value)}
        except (wire.WireError, wire.Unencodable, RecursionError) as exc:
            # not an exception of the student's: the result cannot be sent (too deep, a
            # refused dtype, an endless iterator); the runner fails the call with its own
            # exception type, which no pytest.raises(ValueError) accepts
            return {"ok": False, "unsendable": _text(exc)[:500]}
        except BaseException as exc:  # noqa: BLE001 - a returned generator raised while being materialised
            return {"ok": False, "error": self.describe(exc)}

    def describe(self, exc: BaseException) -> dict:
        mro = [k.__name__ for k in type(exc).__mro__ if k.__module__ == "builtins"]
        bases = [n for n in mro if n in self.builtin_exceptions]
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if f.filename.startswith(self.scratch + os.sep)
        ]
        for f in frames:
            f.filename = os.path.relpath(f.filename, self.scratch)
        tb = "".join(traceback.format_list(frames[-8:]))
        message = _text(exc)
        if isinstance(exc, SyntaxError) and exc.filename:
            message = f"{exc.msg} ({os.path.basename(exc.filename)}, line {exc.lineno})"
        info = {"type": type(exc).__name__, "bases": bases, "message": message[:2000], "traceback": tb[-6000:]}
        raised_in = self.raised_in(exc)
        if raised_in:
            info["raised_in"] = raised_in
        return info

    def raised_in(self, exc: BaseException) -> str:
        """The student's function that raised ``exc`` itself (the innermost entry of
        its traceback is in a submitted file), else "" (a library raised it)."""
        tb = exc.__traceback__
        if tb is None:
            return ""
        while tb.tb_next is not None:
            tb = tb.tb_next
        code = tb.tb_frame.f_code
        if not code.co_filename.startswith(self.scratch + os.sep):
            return ""
        return str(getattr(code, "co_qualname", code.co_name))[:200]

    # ---- operations -----------------------------------------------------------------------------

    def target(self, spec: dict) -> Any:
        if "handle" in spec:
            obj = self.resolve({"id": spec["handle"]})
        else:
            obj = self.module
            for part in str(spec["name"]).split("."):
                obj = getattr(obj, part)
        method = spec.get("method")
        return getattr(obj, method) if method else obj

    def args(self, request: dict) -> tuple[list, dict]:
        return list(self.dec(request.get("args", []))), dict(self.dec(request.get("kwargs", {"$dict": []})))

    def op_call(self, request: dict) -> Any:
        fn = self.target(request["target"])
        args, kwargs = self.args(request)
        return fn(*args, **kwargs)

    def op_map(self, request: dict) -> list:
        fn = self.target(request["target"])
        return [fn(*args) for args in self.dec(request["args_list"])]

    def op_getattr(self, request: dict) -> Any:
        value = self.target(request["target"])
        if callable(value) and not isinstance(value, type):
            try:
                self.enc(value)
            except wire.Unencodable:
                return {"$callable": True}
        return value

    def op_list(self, request: dict) -> list:
        return list(self.target(request["target"]))

    def op_put_file(self, request: dict) -> str:
        folder = os.path.join(self.scratch, "inputs")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, os.path.basename(str(request["name"])) or "input")
        with open(path, "wb") as fh:
            fh.write(self.dec(request["data"]))
        return path

    def op_release(self, request: dict) -> None:
        for hid in request.get("handles", []):
            self.handles.pop(int(hid), None)

    def op_seed(self, request: dict) -> None:
        calls.seed_all(int(request["seed"]))

    def op_get_file(self, request: dict) -> bytes:
        path = os.path.join(self.scratch, str(request["path"]))
        with open(path, "rb") as fh:
            return fh.read(64 * 1024 * 1024)

    def op_vjp(self, request: dict) -> dict:
        fn = self.target(request["target"])
        args, kwargs = self.args(request)
        result = calls.run_vjp(
            fn, args, kwargs, self.dec(request["grad_output"]), list(request["wrt"]), bool(request.get("params"))
        )
        return {"output": result.output, "grads": result.grads, "param_grads": result.param_grads}

    def op_stage(self, request: dict) -> int:
        calls.steady_allocator()  # the first timing request: the tests are over
        self.staged = [(list(a), dict(k)) for a, k in self.dec(request["inputs"])]
        return len(self.staged)

    def op_bench(self, request: dict) -> dict:
        fn = self.target(request["target"])
        staged, self.staged, self.produced = self.staged, [], []
        self.produced, inner = calls.time_staged(fn, staged, bool(request.get("backward")))
        return {"inner_s": inner}

    def op_fingerprint(self, request: dict) -> list:
        """The checksums of the last bench's outputs: a request of its own, outside the timed one."""
        produced, self.produced = self.produced, []
        return calls.fingerprints(produced)


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:  # noqa: BLE001 - a student's __str__ may raise
        return "<unprintable>"


def serve_fds(req_fd: int, resp_fd: int) -> None:
    """Serve the runner on these pipe ends until it says exit or closes; never returns."""
    os.set_inheritable(req_fd, False)
    os.set_inheritable(resp_fd, False)
    Worker(req_fd, resp_fd).serve()
    sys.stdout.flush()
    os._exit(0)


def main() -> None:
    serve_fds(int(sys.argv[1]), int(sys.argv[2]))


if __name__ == "__main__":
    main()
