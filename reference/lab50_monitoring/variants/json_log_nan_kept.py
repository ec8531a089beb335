"""json_log writes NaN and infinities as NaN / Infinity (Python's json default), which is not JSON."""


def json_log(t, level, msg, fields=None):
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if not isinstance(msg, str):
        raise ValueError("msg must be a str")
    record = {"ts": float(t), "level": level, "msg": msg}
    for key, value in (fields or {}).items():
        if not isinstance(key, str) or key in record:
            raise ValueError(f"invalid field name {key!r}")
        record[key] = value
    return json.dumps(record, ensure_ascii=False)
