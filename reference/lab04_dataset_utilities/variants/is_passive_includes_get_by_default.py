"""is_passive counts get-passives by default (include_get=True): "He got fired." is reported as passive."""


def is_passive(sentence, *, include_get=True):
    return bool(passive_phrases(sentence, include_get=include_get))
