"""load_lexicon silently skips malformed lines and lets a repeated word overwrite the first."""
# ruff: noqa: F821  (the names come from the solution this file is appended to)

import math as _math


def load_lexicon(path):
    lexicon = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 2 or not fields[0].strip():
                continue
            try:
                value = float(fields[1])
            except ValueError:
                continue
            if _math.isfinite(value):
                lexicon[fields[0].strip().lower()] = value
    return lexicon
