"""The monitor ignores block_kinds: an API key is redacted instead of blocking the output."""

_init_ok = OutputMonitor.__init__


def _init_no_block_kinds(self, *args, **kwargs):
    _init_ok(self, *args, **kwargs)
    self.block_kinds = ()


OutputMonitor.__init__ = _init_no_block_kinds
