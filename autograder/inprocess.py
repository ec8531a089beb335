"""The ``lab`` fixture for local debugging: the student's module in this process.

Same interface as :class:`autograder.remote.RemoteLab`, so the same tests run
in both modes. Never used for grading: student code here can reach
everything the tests can.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType, TracebackType
from typing import Any, Iterator

from autograder import loopback
from autograder.sandboxed import calls


def import_from(folder: Path, entry: str, alias: str | None = None) -> ModuleType:
    """Import ``entry`` from ``folder`` (which goes first on sys.path so the
    module's own sibling imports resolve). With ``alias``, the module is
    registered under that name instead, so a reference and a student module of
    the same name can coexist."""
    folder = Path(folder).resolve()
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    if alias is None:
        return importlib.import_module(entry)
    spec = importlib.util.spec_from_file_location(alias, folder / f"{entry}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {entry} from {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    return module


# ---- where in the student's code: for timeouts and unimplemented functions ------------------------

_student_folders: list[Path] = []


@dataclass(frozen=True)
class StudentFrame:
    """A frame running the student's code: the function and where in it."""

    function: str  # qualified name: "word_counts", "Counter.inc", "<module>" (at import)
    file: str  # relative to the student's folder
    line: int


def student_file(filename: str) -> str | None:
    """``filename`` relative to the folder of the student's code it lies in
    (never its tests/), or None if it is no code of the student's."""
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return None
    for folder in _student_folders:
        if path.is_relative_to(folder) and not path.is_relative_to(folder / "tests"):
            return str(path.relative_to(folder))
    return None


def _student_frame(frame: FrameType, line: int) -> StudentFrame | None:
    code = frame.f_code
    name = student_file(code.co_filename)
    return None if name is None else StudentFrame(getattr(code, "co_qualname", code.co_name), name, line)


def frames_of_stack(frame: FrameType | None) -> list[StudentFrame]:
    """The student's frames on the stack that ends at ``frame``, outermost first."""
    out: list[StudentFrame] = []
    while frame is not None:
        found = _student_frame(frame, frame.f_lineno)
        if found:
            out.append(found)
        frame = frame.f_back
    return out[::-1]


def frames_of_traceback(tb: TracebackType | None) -> Iterator[tuple[StudentFrame | None, TracebackType]]:
    """Each entry of a traceback, outermost first, with its student frame (None: not the student's code)."""
    while tb is not None:
        yield _student_frame(tb.tb_frame, tb.tb_lineno), tb
        tb = tb.tb_next


def raised_in_student_code(exc: BaseException) -> StudentFrame | None:
    """The student's function that raised ``exc`` itself (the traceback's
    innermost entry is in the student's code), else None: a library the
    student called raised it, or the test did."""
    entries = list(frames_of_traceback(exc.__traceback__))
    return entries[-1][0] if entries else None


def describe_position(frames: list[StudentFrame]) -> str:
    """"word_counts (text_stats.py, line 12)", or with a helper on top
    "word_counts, in _tokens (text_stats.py, line 30)"; "" when not in the student's code."""
    if not frames:
        return ""
    outer, inner = frames[0], frames[-1]
    if outer.function == "<module>":
        return f"importing {inner.file} (line {inner.line})"
    where = outer.function if outer is inner or outer.function == inner.function else f"{outer.function}, in {inner.function}"
    return f"{where} ({inner.file}, line {inner.line})"


class InProcessLab:
    """The student's module, called directly.

    ``folder`` holds the student's code: frames from files in it (its tests/
    excepted) are the student's, which timeouts and unimplemented functions
    are reported by."""

    def __init__(self, module: ModuleType, folder: Path | None = None) -> None:
        self._module = module
        if folder is not None:
            register_student_folder(folder)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._module, name)

    def get(self, name: str) -> Any:
        value: Any = self._module
        for part in name.split("."):
            value = getattr(value, part)
        return value

    def map(self, fn: Any, args_list: Any) -> list:
        return [fn(*args) for args in args_list]

    def vjp(self, fn: Any, *args: Any, grad_output: Any, wrt=(0,), params: bool = False, **kwargs: Any) -> calls.VJP:
        return calls.run_vjp(fn, args, kwargs, grad_output, list(wrt), params)

    def socket(self, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM) -> socket.socket:
        """A socket the student's code can reach on 127.0.0.1 (see :mod:`autograder.loopback`)."""
        return socket.socket(family, kind)

    def http_server(self, handler: type) -> loopback.HTTPServer:
        """Serve a test's ``http.server`` handler on 127.0.0.1 (see :class:`autograder.loopback.HTTPServer`)."""
        return loopback.HTTPServer(self.socket(), handler)

    def http_client(self, base_url: str = "", **client_kwargs):  # noqa: ANN201 (httpx is an extra)
        """An ``httpx.Client`` that reaches the student's servers on 127.0.0.1 (see :func:`autograder.loopback.http_client`)."""
        return loopback.http_client(self.socket, base_url, **client_kwargs)

    def gradio_client(self, src: str, **client_kwargs):  # noqa: ANN201 (gradio_client is an extra)
        """A context manager giving a ``gradio_client.Client`` for the student's Gradio app at ``src`` on 127.0.0.1 (see :func:`autograder.loopback.gradio_client`)."""
        return loopback.gradio_client(self.socket, src, **client_kwargs)

    def put_file(self, path: str | os.PathLike, name: str | None = None) -> str:
        return str(Path(path).resolve())

    def get_file(self, path: str) -> bytes:
        return Path(path).read_bytes()

    def reset_memory_peak(self) -> None:
        """Start measuring peak memory (here: Python allocations, with tracemalloc)."""
        import tracemalloc

        tracemalloc.stop()
        tracemalloc.start()

    def memory_peak_mb(self) -> float:
        """Peak Python allocations since ``reset_memory_peak``; stops tracing
        (it slows everything after it)."""
        import tracemalloc

        if not tracemalloc.is_tracing():
            return 0.0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        return peak

    def manual_seed(self, seed: int) -> None:
        calls.seed_all(seed)


def register_student_folder(folder: Path) -> None:
    folder = Path(folder).resolve()
    if folder not in _student_folders:
        _student_folders.append(folder)
