"""The ``lab`` fixture for local debugging: the student's module in this process.

Same interface as :class:`autograder.remote.RemoteLab`, so the same tests run
in both modes. Never used for grading: student code here can reach
everything the tests can.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from autograder import calls


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


class InProcessLab:
    """The student's module, called directly."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

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
