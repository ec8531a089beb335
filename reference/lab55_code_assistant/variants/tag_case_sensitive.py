"""Language tags are kept as written: ```Python or ```PY are not recognised as Python."""


def _language(info):
    return info.split()[0] if info else ""
