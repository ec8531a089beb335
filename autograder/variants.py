"""Known-wrong variants: how one is built, and which hidden tests it can change.

A variant (``reference/LAB/variants/<mistake>.py``) is appended to one of the
reference's files (its entry module, or the file named by a first line
``# target: other.py``): later definitions win. ``validate`` grades a copy of
the reference with the variant appended. The tests that can notice the
variant are those that, on the reference, call a function the variant
rebinds: :func:`changed_scopes` reads that off the variant's syntax tree, in
the scope keys of ``autograder mutate``'s tracer (``file:first_line:name``),
so that the reference's trace (:func:`autograder.mutation.core.reference_trace`)
picks the tests. Anything the analysis cannot bound (a rebound constant, a
statement that runs code at import) means every test.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from autograder import sandbox
from autograder.course import CourseError, Lab
from autograder.mutation.mutants import first_line

EVERY_TEST = None  # what changed_scopes returns when no bound can be given


def target_file(lab: Lab, variant: Path) -> str:
    """The lab file the variant is appended to."""
    text = variant.read_text(encoding="utf-8")
    first = text.splitlines()[0] if text else ""
    target = first.split(":", 1)[1].strip() if first.startswith("# target:") else f"{lab.entry}.py"
    if target not in lab.files:
        raise CourseError(f"{variant}: target {target!r} is not one of the lab's files {lab.files}")
    return target


def variant_folder(lab: Lab, variant: Path) -> Path:
    """A private copy of the reference with the variant's definitions appended to its target module."""
    target = target_file(lab, variant)
    folder = sandbox.private_dir(f"variant-{variant.stem}-")
    for name in lab.files:
        src = lab.solution_dir / name
        if src.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, folder / name)
    with (folder / target).open("a", encoding="utf-8") as fh:
        fh.write(f"\n\n# ---- known-wrong variant: {variant.stem} ----\n{variant.read_text(encoding='utf-8')}\n")
    return folder


@dataclass
class _Definitions:
    """The module-level names of one reference file, with their tracer scope keys."""

    functions: dict[str, str] = field(default_factory=dict)  # name -> scope
    classes: dict[str, dict[str, str]] = field(default_factory=dict)  # class -> method -> scope
    class_shells: dict[str, str] = field(default_factory=dict)  # class -> its :func:`_class_shell`
    others: set[str] = field(default_factory=set)  # constants, imports: rebinding one may change anything
    imports: set[str] = field(default_factory=set)  # the import clauses, as text: repeating one changes nothing


def _scope(file: str, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    return f"{file}:{first_line(node)}:{node.name}"


def _bound_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def _import_clauses(node: ast.Import | ast.ImportFrom) -> list[str]:
    where = f"from {'.' * node.level}{node.module or ''} " if isinstance(node, ast.ImportFrom) else ""
    return [f"{where}import {a.name} as {a.asname or a.name}" for a in node.names]


def _definitions(file: str, source: str) -> _Definitions:
    out = _Definitions()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.functions[node.name] = _scope(file, node)
        elif isinstance(node, ast.ClassDef):
            out.classes[node.name] = {n.name: _scope(file, n) for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
            out.class_shells[node.name] = _class_shell(node)
        else:
            out.others.update(_bound_names(node))
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out.imports.update(_import_clauses(node))
    return out


def changed_scopes(lab: Lab, variant: Path) -> set[str] | None:
    """The tracer scopes of the reference functions and methods the variant
    rebinds, or ``None`` (every test) when the variant rebinds a reference
    name that is not a function or runs code at import."""
    target = target_file(lab, variant)
    ref = _definitions(target, (lab.solution_dir / target).read_text(encoding="utf-8"))
    changed: set[str] = set()

    def rebind(name: str) -> bool:
        """Record a module-level rebinding of ``name``; False when it cannot be bounded."""
        if name in ref.functions:
            changed.add(ref.functions[name])
        elif name in ref.classes:
            changed.update(ref.classes[name].values())
        elif name in ref.others:
            return False
        return True  # a new name: nothing of the reference uses it

    for node in ast.parse(variant.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.decorator_list and isinstance(node, ast.ClassDef):
                return EVERY_TEST
            if isinstance(node, ast.ClassDef) and node.name in ref.class_shells and _class_shell(node) != ref.class_shells[node.name]:
                return EVERY_TEST  # bases or class-level fields changed (a pydantic bound): no method scope bounds that
            if not rebind(node.name):
                return EVERY_TEST
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)) and set(_import_clauses(node)) <= ref.imports:
            continue  # the reference's own import again
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets)):
            if not all(rebind(name) for name in _bound_names(node)):
                return EVERY_TEST
            continue
        if isinstance(node, ast.Assign) and all(_is_class_attribute(t, ref) for t in node.targets):
            for t in node.targets:
                methods = ref.classes[t.value.id]  # type: ignore[attr-defined]
                # a method replaced: its tests; an attribute added: every test of the class
                changed.update([methods[t.attr]] if t.attr in methods else methods.values())  # type: ignore[attr-defined]
            continue
        return EVERY_TEST
    return changed


def _class_shell(node: ast.ClassDef) -> str:
    """A class without its methods and docstring: bases, keywords and class-level statements."""
    body = [b for b in node.body if not isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Pass))
            and not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
    return ast.dump(ast.Module(body=[*node.bases, *node.keywords, *body], type_ignores=[]), annotate_fields=False)


def _is_class_attribute(target: ast.expr, ref: _Definitions) -> bool:
    return isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ref.classes
