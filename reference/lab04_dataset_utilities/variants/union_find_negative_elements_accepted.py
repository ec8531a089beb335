"""UnionFind checks only x >= n: a negative element indexes the lists from the end instead of raising IndexError."""


def _check_upper_only(self, x):
    if x >= len(self.parent):
        raise IndexError(f"element {x} is not in 0..{len(self.parent) - 1}")


UnionFind._check = _check_upper_only
