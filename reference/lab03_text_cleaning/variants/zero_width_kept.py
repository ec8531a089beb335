"""normalize_unicode deletes the control characters but forgets the invisible ones
(zero-width space, joiners, word joiner, byte order mark, soft hyphen)."""

_DELETED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
