"""Static checks on a student's source, from the lab's manifest.

A lab may forbid library calls that would do the student's work for them
(``torch.nn.functional.scaled_dot_product_attention`` in the attention lab).
The check reads the submitted files with ``ast`` in the trusted grader and
never runs them. It resolves import aliases, so ``import torch.nn.functional
as F; F.scaled_dot_product_attention(...)`` and ``from torch.nn.functional
import scaled_dot_product_attention as sdpa`` are both found, and it flags
string literals naming a forbidden function (``getattr(F, "scaled_dot_...")``)
as dynamic references (string arguments of getattr, import_module, eval...). Tensor methods cannot be typed statically, so
``forbid_methods`` matches any ``<expr>.name`` whose base is not ``self``
or ``cls``.

The manifest states the points rule: ``penalty`` points come off the lab's
score (never below 0) when a check finds anything; 0 means flag only.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class StaticCheck:
    name: str
    message: str
    forbid: tuple[str, ...] = ()
    forbid_methods: tuple[str, ...] = ()
    penalty: float = 0.0

    @classmethod
    def from_manifest(cls, data: dict) -> StaticCheck:
        return cls(
            name=data["name"],
            message=data["message"],
            forbid=tuple(data.get("forbid", ())),
            forbid_methods=tuple(data.get("forbid_methods", ())),
            penalty=float(data.get("penalty", 0.0)),
        )


@dataclass
class Finding:
    file: str
    line: int
    what: str

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "what": self.what}


@dataclass
class CheckResult:
    check: StaticCheck
    findings: list[Finding] = field(default_factory=list)

    @property
    def penalty(self) -> float:
        return self.check.penalty if self.findings else 0.0

    def to_json(self) -> dict:
        return {
            "name": self.check.name,
            "message": self.check.message,
            "status": "flagged" if self.findings else "clean",
            "penalty": self.penalty,
            "max_penalty": self.check.penalty,
            "findings": [f.to_json() for f in self.findings[:20]],
        }


def run_checks(checks: list[StaticCheck], files: dict[str, Path]) -> list[CheckResult]:
    """Run every check on the submitted files (name -> path). A file that does
    not parse is skipped here: the tests already report its syntax error."""
    results = [CheckResult(c) for c in checks]
    for name, path in sorted(files.items()):
        if not name.endswith(".py"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), filename=name)
        except (SyntaxError, ValueError, OSError):
            continue
        visitor = _References(name)
        visitor.visit(tree)
        for result in results:
            result.findings.extend(_match(result.check, visitor))
    return results


class _References(ast.NodeVisitor):
    """Every dotted name a module references, with import aliases resolved."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.aliases: dict[str, str] = {}
        self.names: list[tuple[str, int]] = []  # resolved dotted names
        self.methods: list[tuple[str, int]] = []  # attribute names on non-self bases
        self.strings: list[tuple[str, int]] = []

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.asname:
                self.aliases[a.asname] = a.name
            else:
                top = a.name.split(".")[0]
                self.aliases.setdefault(top, top)
            self.names.append((a.name, node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                self.aliases[a.asname or a.name] = full
                self.names.append((full, node.lineno))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = _dotted(node)
        if dotted is not None:
            head, _, rest = dotted.partition(".")
            if head in self.aliases:
                self.names.append((f"{self.aliases[head]}.{rest}", node.lineno))
        base = node.value
        if not (isinstance(base, ast.Name) and base.id in ("self", "cls")):
            self.methods.append((node.attr, node.lineno))
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.aliases:
            self.names.append((self.aliases[node.id], node.lineno))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in DYNAMIC_LOOKUPS:
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    self.strings.append((arg.value, node.lineno))
        self.generic_visit(node)


DYNAMIC_LOOKUPS = {"getattr", "__import__", "import_module", "eval", "exec", "attrgetter"}


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _match(check: StaticCheck, refs: _References) -> list[Finding]:
    found: dict[int, Finding] = {}  # one finding per line is enough to point at it
    forbidden = set(check.forbid)
    last_parts = {f.rsplit(".", 1)[-1] for f in forbidden}
    for name, line in refs.names:
        hit = next((f for f in forbidden if name == f or name.startswith(f + ".")), None)
        if hit:
            found.setdefault(line, Finding(refs.file, line, f"uses {hit}"))
    for attr, line in refs.methods:
        if attr in check.forbid_methods:
            found.setdefault(line, Finding(refs.file, line, f"calls the method .{attr}()"))
    for text, line in refs.strings:
        if text in forbidden or text in last_parts or text in check.forbid_methods or any(f in text for f in forbidden):
            found.setdefault(line, Finding(refs.file, line, f"names {text!r} in a string (dynamic lookup)"))
    return sorted(found.values(), key=lambda f: (f.line, f.what))
