"""Skip the work (zeros) and mutate the inputs it was given.
base: reference
expect: did not match|wrong|values differ
"""
import torch


def matmul(a, b):
    print("ATTACK-RAN", "lazy_and_mutating", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    out = torch.zeros(a.shape[0], b.shape[1], dtype=a.dtype, requires_grad=a.requires_grad or b.requires_grad)
    with torch.no_grad():
        a.zero_()
        b.zero_()
    return out * 1
