"""score uses the whole context it is given instead of its last order - 1 words.

A context longer than ``order - 1`` is looked up as an n-gram that is too
long, is never seen, and gets the unseen-context score.
"""


def _context_untruncated(self, context):
    if self.order == 1:
        return ()
    return tuple(self.lookup(w) for w in context)


NgramLM._context = _context_untruncated
