"""Proxies: the worker made to look like the student's module to a hidden test.

``RemoteLab`` (the ``lab`` fixture in grading) turns attribute access into
calls in the worker; ``RemoteObject`` stands for an object the student's code
created there (a module, a tokenizer), behind an opaque handle. Every result
comes back decoded into plain data. Process control is in
:mod:`autograder.worker_client`.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any
from autograder import loopback
from autograder.sandboxed import calls, wire
from autograder.worker_client import WorkerClient, WorkerCrashed


# ---- proxies -----------------------------------------------------------------------------------------


class _Caller:
    """Shared by module functions, methods and objects: call a target in the worker."""

    _client: WorkerClient

    def _call(self, target: dict, args: tuple, kwargs: dict) -> Any:
        c = self._client
        value = c.request({"op": "call", "target": target, "args": c.encode(list(args)), "kwargs": c.encode(kwargs)})
        return c.decode(value)


class RemoteFunction(_Caller):
    def __init__(self, client: WorkerClient, target: dict) -> None:
        self._client = client
        self._target = target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(self._target, args, kwargs)

    def __repr__(self) -> str:
        return f"<student function {self._target}>"


class RemoteObject(_Caller):
    """An object that lives in the worker; methods and attributes are fetched on use."""

    def __init__(self, client: WorkerClient, body: dict, generation: int) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_id", int(body["id"]))
        object.__setattr__(self, "_type", str(body.get("type", "object")))
        object.__setattr__(self, "_generation", generation)
        object.__setattr__(self, "_methods", set())

    def _live(self) -> None:
        if self._client.generation != self._generation:
            raise WorkerCrashed("this object was lost when your code's worker restarted")

    def _target(self, method: str | None = None) -> dict:
        self._live()
        return {"handle": self._id, "method": method} if method else {"handle": self._id}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._methods:
            return RemoteFunction(self._client, self._target(name))
        c = self._client
        reply = c.decode(c.request({"op": "getattr", "target": self._target(name)}))
        if isinstance(reply, dict) and reply.get("$callable") is True and len(reply) == 1:
            self._methods.add(name)
            return RemoteFunction(c, self._target(name))
        return reply

    def __setattr__(self, name: str, value: Any) -> None:
        self._call({"handle": self._id, "method": "__setattr__"}, (name, value), {})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(self._target(), args, kwargs)

    def __len__(self) -> int:
        return int(self._call(self._target("__len__"), (), {}))

    def __getitem__(self, key: Any) -> Any:
        return self._call(self._target("__getitem__"), (key,), {})

    def __contains__(self, item: Any) -> bool:
        return bool(self._call(self._target("__contains__"), (item,), {}))

    def __iter__(self):
        c = self._client
        return iter(c.decode(c.request({"op": "list", "target": self._target()})))

    def __repr__(self) -> str:
        return f"<student object {self._type}>"


def _target_of(fn: Any, what: str) -> dict:
    if isinstance(fn, RemoteFunction):
        return fn._target
    if isinstance(fn, RemoteObject):
        return fn._target()
    raise TypeError(f"{what} needs a function or object of the student's")


class RemoteLab:
    """The ``lab`` fixture in grading mode: the student's module, across the boundary."""

    def __init__(self, client: WorkerClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteFunction(self._client, {"name": name})

    def get(self, name: str) -> Any:
        """The value of a module-level name that is not a function (a constant)."""
        c = self._client
        reply = c.decode(c.request({"op": "getattr", "target": {"name": name}}))
        if isinstance(reply, dict) and reply.get("$callable") is True and len(reply) == 1:
            return RemoteFunction(c, {"name": name})
        return reply

    def map(self, fn: Any, args_list: Any) -> list:
        """``[fn(*args) for args in args_list]`` in one round trip (for tests that
        make thousands of small calls); the first exception is raised."""
        c = self._client
        batch = [list(a) for a in args_list]
        return c.decode(c.request({"op": "map", "target": _target_of(fn, "lab.map"), "args_list": c.encode(batch)}))

    def vjp(self, fn: Any, *args: Any, grad_output: Any, wrt=(0,), params: bool = False, **kwargs: Any) -> calls.VJP:
        target = _target_of(fn, "lab.vjp")
        c = self._client
        reply = c.decode(
            c.request(
                {
                    "op": "vjp",
                    "target": target,
                    "args": c.encode(list(args)),
                    "kwargs": c.encode(kwargs),
                    "grad_output": c.encode(grad_output),
                    "wrt": list(wrt),
                    "params": params,
                }
            )
        )
        return calls.VJP(reply["output"], tuple(reply["grads"]), dict(reply["param_grads"]))

    def socket(self, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM) -> socket.socket:
        return self._client.socket(family, kind)

    def http_server(self, handler: type) -> loopback.HTTPServer:
        return loopback.HTTPServer(self.socket(), handler)

    def http_client(self, base_url: str = "", **client_kwargs):  # noqa: ANN201 (httpx is an extra)
        """An ``httpx.Client`` that reaches the student's servers on 127.0.0.1 (see :func:`autograder.loopback.http_client`)."""
        return loopback.http_client(self.socket, base_url, **client_kwargs)

    def gradio_client(self, src: str, **client_kwargs):  # noqa: ANN201 (gradio_client is an extra)
        """A context manager giving a ``gradio_client.Client`` for the student's Gradio app at ``src`` on 127.0.0.1 (see :func:`autograder.loopback.gradio_client`)."""
        return loopback.gradio_client(self.socket, src, **client_kwargs)

    def put_file(self, path: str | os.PathLike, name: str | None = None) -> str:
        data = Path(path).read_bytes()
        name = name or Path(path).name
        return str(self._client.decode(self._client.request({"op": "put_file", "name": name, "data": wire.encode(data)})))

    def get_file(self, path: str) -> bytes:
        return self._client.decode(self._client.request({"op": "get_file", "path": str(path)}))

    def manual_seed(self, seed: int) -> None:
        self._client.request({"op": "seed", "seed": int(seed)})

    def reset_memory_peak(self) -> None:
        """Start measuring peak memory (the worker's resident set, read from outside)."""
        self._client.reset_memory_peak()

    def memory_peak_mb(self) -> float:
        """Peak rise of the worker's resident memory since ``reset_memory_peak``, in MB."""
        return self._client.memory_peak_mb()
