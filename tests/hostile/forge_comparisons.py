"""Patch every comparison helper and builtin it can reach.
base: stub
expect: NotImplementedError|exit|crash
"""
import builtins
import math

import numpy
import torch

print("ATTACK-RAN", "forge_comparisons", sep=":", flush=True)  # the proof that it ran, before anything can silence it

torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.allclose = lambda *a, **k: True
math.isclose = lambda *a, **k: True
builtins.isinstance = lambda *a, **k: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
