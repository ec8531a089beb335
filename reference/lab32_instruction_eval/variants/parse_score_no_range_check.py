"""parse_score accepts any whole number, also outside [low, high]."""


def parse_score(reply, low=1, high=10):
    high_text = re.escape(str(high))
    fraction = re.compile(_NUMBER + r"\s*(?:/|out\s+of)\s*" + high_text + r"(?!\d)", re.IGNORECASE)
    for pattern in (_BRACKETED, fraction, _LABELLED, _ANY_NUMBER):
        found = pattern.findall(reply)
        if found:
            value = float(found[-1])
            return int(value) if value.is_integer() else None
    return None
