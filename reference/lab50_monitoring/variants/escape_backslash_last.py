"""Label escaping replaces quotes and newlines first and backslashes last, so the backslashes it just added are doubled again."""


def _escape_label(value):
    return value.replace('"', '\\"').replace("\n", "\\n").replace("\\", "\\\\")
