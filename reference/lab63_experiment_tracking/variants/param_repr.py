"""Params stored as repr(value): strings get quotes."""

_log_param_str = log_param


def log_param(db_path, run_id, key, value):
    return _log_param_str(db_path, run_id, key, repr(value))
