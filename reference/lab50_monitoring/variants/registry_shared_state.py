"""Registry keeps its metrics in a class attribute, so every registry shares one list of metrics."""

_SHARED_METRICS = []


def _shared_init(self):
    self._metrics = _SHARED_METRICS


Registry.__init__ = _shared_init
