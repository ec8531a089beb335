"""Rebuilds the stub (assignments/lab55_code_assistant/code_assistant.py) from the solution:
same docstrings and signatures, private helpers dropped, bodies replaced by a TODO."""

from __future__ import annotations

import ast
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOLUTION = HERE.parent / "solution" / "code_assistant.py"
STUB = HERE.parents[2] / "assignments" / "lab55_code_assistant" / "code_assistant.py"

HEADER = '''"""Lab 55: the evaluation loop of a code assistant (your file: fill in every TODO).
'''

src = SOLUTION.read_text(encoding="utf-8")
tree = ast.parse(src)
lines = src.split("\n")
edits = []  # (first line index, last line index exclusive, replacement lines)
for node in tree.body:
    start = node.lineno - 1 - (len(node.decorator_list) if hasattr(node, "decorator_list") else 0)
    if isinstance(node, ast.FunctionDef):
        if node.name.startswith("_"):
            edits.append((start, node.end_lineno, None))
        else:
            doc = node.body[0]
            edits.append((doc.end_lineno, node.end_lineno, [f'    raise NotImplementedError("TODO: {node.name}")']))
    elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.startswith("_") for t in node.targets):
        edits.append((start, node.end_lineno, None))
for first, last, new in sorted(edits, reverse=True):
    if new is None:
        # drop the node and the blank lines after it
        while last < len(lines) and lines[last] == "":
            last += 1
        lines[first:last] = []
    else:
        lines[first:last] = new
text = "\n".join(lines)
# the module docstring's first line says it is the student's file
text = text.replace('"""Lab 55: the evaluation loop of a code assistant.\n', HEADER, 1)
# imports the student will need but the stub does not use
for name in ("json", "os", "re", "secrets", "signal", "subprocess", "sys", "tempfile", "time"):
    text = text.replace(f"\nimport {name}\n", f"\nimport {name}  # noqa: F401\n", 1)
text = text.replace("\nimport ast\n", "\nimport ast  # noqa: F401\n", 1)
text = text.replace("\nimport numpy as np\n", "\nimport numpy as np  # noqa: F401\n", 1)
# comments in the solution that are only about its own helpers
text = text.replace("\n# Runs in the child: switches the network off, runs the program in a fresh namespace and\n"
                    "# reports how it ended on a line of its own, \"\\n<marker>:<outcome>\\n\", written to fd 1 last.\n", "\n")
STUB.write_text(text, encoding="utf-8")
print(f"wrote {STUB}")
