"""Union-find whose union hangs x itself (not the root of x's set) under the
root of y: x leaves its old set behind, so earlier merges are undone."""


def _union(self, x, y):
    rx, ry = x, self.find(y)
    self._check(x)
    if rx == ry:
        return False
    self.parent[rx] = ry
    self.size[ry] += self.size[rx]
    return True


UnionFind.union = _union
