"""json_log sorts the keys (json.dumps(sort_keys=True)) instead of writing ts, level, msg, then the fields in order."""


def json_log(t, level, msg, fields=None):
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if not isinstance(msg, str):
        raise ValueError("msg must be a str")
    record = {"ts": float(t), "level": level, "msg": msg}
    for key, value in (fields or {}).items():
        if not isinstance(key, str) or key in record:
            raise ValueError(f"invalid field name {key!r}")
        record[key] = _finite_or_none(value)
    return json.dumps(record, ensure_ascii=False, allow_nan=False, sort_keys=True)
