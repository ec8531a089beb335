"""Mutants of a reference solution, made by cosmic-ray's operators.

The operator set is cosmic-ray's (``cosmic_ray.plugins.operator_names()``:
binary, comparison and unary operator replacement, boolean and keyword
replacement, number offsets, removed decorators, zero-iteration loops,
exception-handler replacement), less the two that need per-project
arguments (``VariableReplacer``, ``VariableInserter``). A mutant is
cosmic-ray's ``mutate_code(source, operator, occurrence)``: one change at
one place. We only decide which tests run against it (the scope below).

Not generated: mutation points inside annotations of a module with ``from
__future__ import annotations`` (PEP 563: they are strings, never evaluated,
so no test could tell such a mutant apart); they are counted in
``Generated.skipped_annotations``.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

Position = tuple[int, int]  # (line from 1, column from 0 in characters), as parso gives them


@dataclass(frozen=True)
class Mutant:
    id: str  # stable: a hash of the file, the operator and the changed lines (not their numbers)
    file: str  # relative to the solution folder
    operator: str  # cosmic-ray's name, e.g. "core/NumberReplacer"
    occurrence: int  # cosmic-ray's index of the place among that operator's places in the file
    line: int
    col: int
    scope: str | None  # "file:first_line:name" of the innermost function whose body holds the change; None: runs at import
    source: str = field(repr=False)  # the whole mutated file
    diff: str = field(repr=False)
    compiles: bool = True


@dataclass
class Generated:
    mutants: list[Mutant]
    skipped_annotations: int = 0
    duplicates: int = 0  # mutants whose file came out identical to an earlier one's (kept once)
    operator_errors: list[str] = field(default_factory=list)  # places where cosmic-ray's operator itself failed
    operators: list[str] = field(default_factory=list)


def operator_names() -> list[str]:
    """cosmic-ray's operators that need no arguments, in cosmic-ray's order."""
    from cosmic_ray.plugins import get_operator, operator_names as names

    return [name for name in names() if not get_operator(name).arguments()]


def library_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"cosmic-ray {version('cosmic-ray')}"
    except PackageNotFoundError:
        return "cosmic-ray"


def _char_col(lines: list[str], line: int, byte_col: int) -> int:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def first_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The line the tracer's scope key gives a function (``code.co_firstlineno``): its first decorator's, else its ``def``'s."""
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


class _Scopes(ast.NodeVisitor):
    """Function bodies (spans -> code-object key) and, under PEP 563, annotation spans."""

    def __init__(self, file: str, lines: list[str], postponed: bool) -> None:
        self.file, self.lines, self.postponed = file, lines, postponed
        self.bodies: list[tuple[Position, Position, str]] = []
        self.annotations: list[tuple[Position, Position]] = []

    def _span(self, node: ast.AST) -> tuple[Position, Position]:
        start = (node.lineno, _char_col(self.lines, node.lineno, node.col_offset))  # type: ignore[attr-defined]
        end = (node.end_lineno, _char_col(self.lines, node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]
        return start, end

    def _annotation(self, node: ast.AST | None) -> None:
        if node is not None and self.postponed:
            self.annotations.append(self._span(node))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        if isinstance(node, ast.Lambda):
            first, name, body = node.lineno, "<lambda>", [node.body]
        else:
            first = first_line(node)
            name, body = node.name, node.body
            self._annotation(node.returns)
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                self._annotation(arg.annotation)
        start = self._span(body[0])[0]
        end = self._span(node)[1]
        self.bodies.append((start, end, f"{self.file}:{first}:{name}"))
        self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._annotation(node.annotation)
        self.generic_visit(node)

    def scope_of(self, pos: Position) -> str | None:
        inner: tuple[Position, str] | None = None
        for start, end, key in self.bodies:
            if start <= pos < end and (inner is None or start >= inner[0]):
                inner = (start, key)
        return inner[1] if inner else None

    def in_annotation(self, pos: Position) -> bool:
        return any(start <= pos < end for start, end in self.annotations)


def _postponed(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "__future__" and any(a.name == "annotations" for a in node.names)
        for node in tree.body
    )


def _changed(before: list[str], after: list[str]) -> tuple[int, int, int]:
    """The one block of lines a single mutation changes: (start, end in
    ``before``, end in ``after``)."""
    i = 0
    while i < len(before) and i < len(after) and before[i] == after[i]:
        i += 1
    j = 0
    while j < len(before) - i and j < len(after) - i and before[-1 - j] == after[-1 - j]:
        j += 1
    return i, len(before) - j, len(after) - j


def _diff(file: str, before: list[str], after: list[str], context: int = 2) -> str:
    """A unified diff of the block that changed (difflib on a small window)."""
    i, end_a, end_b = _changed(before, after)
    lo = max(0, i - context)
    window_a = before[lo : min(len(before), end_a + context)]
    window_b = after[lo : min(len(after), end_b + context)]
    out = []
    for line in difflib.unified_diff(window_a, window_b, f"a/{file}", f"b/{file}", n=context, lineterm=""):
        if line.startswith("@@"):
            old, new = line.split(" ")[1:3]

            def shift(part: str) -> str:  # "-12,3" -> "-(12 + lo),3"
                first, comma, count = part[1:].partition(",")
                return f"{part[0]}{int(first) + lo}{comma}{count}"

            line = f"@@ {shift(old)} {shift(new)} @@"
        out.append(line if line.endswith("\n") else line + "\n")
    return "".join(out)


def _identity(file: str, operator: str, before: list[str], after: list[str], seen: dict[str, int]) -> str:
    i, end_a, end_b = _changed(before, after)
    material = "\n".join([file, operator, *("-" + x for x in before[i:end_a]), *("+" + x for x in after[i:end_b])])
    n = seen.get(material, 0)
    seen[material] = n + 1
    return hashlib.sha256(f"{material}\n#{n}".encode()).hexdigest()[:12]


def _slots(node: object) -> list[str]:
    names: list[str] = []
    for cls in type(node).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return [n for n in names if n not in ("__dict__", "__weakref__")]


def _snapshot(node: object) -> list[tuple[object, dict]]:
    from cosmic_ray.ast import ast_nodes

    saved = []
    for n in ast_nodes(node):
        state = {name: getattr(n, name) for name in _slots(n) if hasattr(n, name)}
        if "children" in state:
            state["children"] = list(state["children"])
        saved.append((n, state))
    return saved


def _mutated_code(module, node, operator, index: int) -> tuple[int, str]:
    """What cosmic-ray's ``mutate_code`` gives for this place, without parsing
    the file again: apply ``operator.mutate`` to ``node`` the way its
    ``MutationVisitor`` does (a returned node replaces it, None removes it),
    read back the code, and put every touched node back as it was.

    Returns (index of the top-level statement that holds ``node``, that
    statement's mutated code); -1 and the whole file when ``node`` is itself
    a top-level statement."""
    parent = node.parent
    top = node
    while top.parent is not None and top.parent is not module:
        top = top.parent
    siblings = list(parent.children) if parent is not None else None
    saved = _snapshot(node)
    try:
        result = operator.mutate(node, index)
        if parent is not None and result is not node:
            parent.children = [result if c is node else c for c in parent.children if not (c is node and result is None)]
        if top is node:
            return -1, module.get_code()
        return module.children.index(top), top.get_code()
    finally:
        for n, state in saved:
            for name, value in state.items():
                setattr(n, name, value)
        if parent is not None:
            parent.children = siblings


def _compiles(code: str, file: str, flags: int) -> bool:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(code, file, "exec", flags=flags, dont_inherit=True)
            return True
        except (SyntaxError, ValueError):
            return False


def generate(solution_dir: Path, files: list[str], operators: list[str] | None = None) -> Generated:
    """Every mutant of the ``.py`` files among ``files`` in ``solution_dir``."""
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.plugins import get_operator

    names = operators if operators is not None else operator_names()
    out = Generated([], operators=list(names))
    for file in sorted(f for f in files if f.endswith(".py") and (solution_dir / f).is_file()):
        source = (solution_dir / file).read_text(encoding="utf-8")
        tree = ast.parse(source)
        scopes = _Scopes(file, source.splitlines(), _postponed(tree))
        scopes.visit(tree)
        module = get_ast(source)
        nodes = list(ast_nodes(module))
        pieces = [child.get_code() for child in module.children]
        flags = __import__("__future__").annotations.compiler_flag if scopes.postponed else 0
        lines = source.splitlines(keepends=True)
        seen_sources: set[str] = {source}
        seen_ids: dict[str, int] = {}
        for name in names:
            operator = get_operator(name)()
            occurrence = 0
            for node in nodes:
                for local, (start, _end) in enumerate(operator.mutation_positions(node)):
                    index, occurrence = occurrence, occurrence + 1
                    if scopes.in_annotation(tuple(start)):
                        out.skipped_annotations += 1
                        continue
                    try:
                        k, code = _mutated_code(module, node, operator, local)
                    except Exception:  # noqa: BLE001 - e.g. ExceptionReplacer on `except re.error:` (a cosmic-ray limitation)
                        out.operator_errors.append(f"{file}:{start[0]}: {name}")
                        continue
                    mutated = code if k < 0 else "".join(pieces[:k]) + code + "".join(pieces[k + 1 :])
                    if mutated in seen_sources:
                        out.duplicates += mutated != source
                        continue
                    seen_sources.add(mutated)
                    # a top-level statement compiles on its own iff it compiles in its file (future flags aside)
                    compiles = _compiles(mutated if k < 0 else code, file, flags)
                    after = mutated.splitlines(keepends=True)
                    out.mutants.append(
                        Mutant(
                            id=_identity(file, name, lines, after, seen_ids),
                            file=file,
                            operator=name,
                            occurrence=index,
                            line=start[0],
                            col=start[1],
                            scope=scopes.scope_of(tuple(start)),
                            source=mutated,
                            diff=_diff(file, lines, after),
                            compiles=compiles,
                        )
                    )
    return out
