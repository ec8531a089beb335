"""The audit record's seq starts at 1."""

_init_ok = OutputMonitor.__init__


def _init_seq_one(self, *args, **kwargs):
    _init_ok(self, *args, **kwargs)
    self._seq = 1


OutputMonitor.__init__ = _init_seq_one
