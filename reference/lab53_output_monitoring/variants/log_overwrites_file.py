"""The audit log is opened with "w" on the first record: earlier lines in the file are lost."""

_check_ok = OutputMonitor.check


def _check_truncating(self, output, request_id):
    if self._seq == 0:
        open(self.log_path, "w").close()
    return _check_ok(self, output, request_id)


OutputMonitor.check = _check_truncating
