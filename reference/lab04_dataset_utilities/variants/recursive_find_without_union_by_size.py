"""Union-find with a recursive find and no union by size: a chain of unions
builds a tree as deep as the chain, and find overflows the recursion limit."""


def _find(self, x):
    self._check(x)
    if self.parent[x] != x:
        self.parent[x] = _find(self, self.parent[x])
    return self.parent[x]


def _union(self, x, y):
    rx, ry = self.find(x), self.find(y)
    if rx == ry:
        return False
    self.parent[rx] = ry
    return True


UnionFind.find = _find
UnionFind.union = _union
