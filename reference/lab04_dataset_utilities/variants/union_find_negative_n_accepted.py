"""UnionFind(n) accepts a negative n (an empty structure) instead of raising ValueError."""


def _init_any_n(self, n):
    self.parent = list(range(n))
    self.size = [1] * len(self.parent)


UnionFind.__init__ = _init_any_n
