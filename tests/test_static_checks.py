"""Static checks: forbidden library calls are found by reading the source, whatever the import style."""

from pathlib import Path

import pytest

from autograder.course import Course
from autograder.static_checks import StaticCheck, run_checks
from conftest import REPO

SDPA = StaticCheck(
    name="no_sdpa",
    message="write attention yourself",
    forbid=("torch.nn.functional.scaled_dot_product_attention",),
    forbid_methods=("softmax",),
    penalty=50,
)


def findings(tmp_path: Path, source: str) -> list[str]:
    path = tmp_path / "attention.py"
    path.write_text(source)
    [result] = run_checks([SDPA], {"attention.py": path})
    return [f"{f.line}: {f.what}" for f in result.findings]


@pytest.mark.parametrize(
    "source",
    [
        "import torch\ny = torch.nn.functional.scaled_dot_product_attention(q, k, v)\n",
        "import torch.nn.functional as F\ny = F.scaled_dot_product_attention(q, k, v)\n",
        "from torch.nn import functional as F\ny = F.scaled_dot_product_attention(q, k, v)\n",
        "from torch.nn.functional import scaled_dot_product_attention as sdpa\ny = sdpa(q, k, v)\n",
        "import torch\nf = torch.nn.functional.scaled_dot_product_attention  # passed around, not called here\n",
        "import torch.nn.functional as F\nf = getattr(F, 'scaled_dot_product_attention')\n",
        "import importlib\nf = getattr(importlib.import_module('torch.nn.functional'), 'scaled_dot_product_attention')\n",
        "def f(x):\n    return x.softmax(-1)\n",
    ],
    ids=["full-name", "alias", "from-import-module", "from-import-function", "reference", "getattr", "import_module", "tensor-method"],
)
def test_forbidden_uses_are_found(tmp_path, source):
    assert findings(tmp_path, source), source


@pytest.mark.parametrize(
    "source",
    [
        '"""We must not use torch.nn.functional.scaled_dot_product_attention here."""\n',
        "def scaled_dot_product_attention(q, k, v):\n    return q\n\nout = scaled_dot_product_attention(1, 2, 3)\n",
        "__all__ = ['scaled_dot_product_attention', 'softmax']\n",
        "class M:\n    def softmax(self, x):\n        return x\n\n    def forward(self, x):\n        return self.softmax(x)\n",
        "import torch.nn.functional as F\ny = F.relu(x)\n",
        "def broken(:\n",
    ],
    ids=["docstring", "own-function", "all-list", "own-method", "other-function", "syntax-error"],
)
def test_legitimate_code_is_not_flagged(tmp_path, source):
    assert findings(tmp_path, source) == []


def test_one_finding_per_line_with_its_line_number(tmp_path):
    got = findings(tmp_path, "import torch\n\n\nz = torch.nn.functional.scaled_dot_product_attention(q, k, v).softmax(-1)\n")
    assert got == ["4: uses torch.nn.functional.scaled_dot_product_attention"]


def test_penalty_applies_only_when_something_is_found(tmp_path):
    clean, dirty = tmp_path / "a.py", tmp_path / "b.py"
    clean.write_text("x = 1\n")
    dirty.write_text("import torch\ntorch.nn.functional.scaled_dot_product_attention\n")
    assert run_checks([SDPA], {"a.py": clean})[0].penalty == 0
    assert run_checks([SDPA], {"b.py": dirty})[0].to_json()["penalty"] == 50


def test_attention_lab_forbids_the_library_and_its_reference_is_clean():
    lab = Course(REPO).lab("lab15_self_attention")
    assert {c.name for c in lab.static_checks} == {"no_library_attention", "no_library_softmax"}
    for source in (lab.solution_dir / "attention.py", lab.assignment_dir / "attention.py"):
        assert not any(r.findings for r in run_checks(lab.static_checks, {"attention.py": source})), source
    [flagged] = [r for r in run_checks(lab.static_checks, {"attention.py": lab.variants_dir / "uses_library_sdpa.py"}) if r.findings]
    assert flagged.check.name == "no_library_attention" and flagged.penalty == 50
